<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<link rel="stylesheet" href="/static/shop.css">
<script type="module" src="/static/datastar.js"></script>
</head>
<body>
<header class="site-header">
  <a class="logo" href="/">${title}</a>
  <nav>
    <ul>
    % for link in nav:
      <li><a href="${link['href']}">${link['label']}</a></li>
    % endfor
    </ul>
  </nav>
  <div id="cart" data-text="$cartCount">0</div>
</header>
<main id="products">
% for p in products:
<%include file="card.mako" args="p=p"/>\
% endfor
</main>
<footer class="site-footer">
  <p>${footer}</p>
</footer>
</body>
</html>
