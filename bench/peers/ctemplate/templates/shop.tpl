{{%AUTOESCAPE context="HTML"}}<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{TITLE}}</title>
<link rel="stylesheet" href="/static/shop.css">
<script type="module" src="/static/datastar.js"></script>
</head>
<body>
<header class="site-header">
  <a class="logo" href="/">{{TITLE}}</a>
  <nav>
    <ul>
{{#NAV}}      <li><a href="{{HREF}}">{{LABEL}}</a></li>
{{/NAV}}    </ul>
  </nav>
  <div id="cart" data-text="$cartCount">0</div>
</header>
<main id="products">
{{>CARD}}</main>
<footer class="site-footer">
  <p>{{FOOTER}}</p>
</footer>
</body>
</html>
