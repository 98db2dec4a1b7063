<%page args="p"/>\
<article class="card" id="product-${p['id']}">
  <a href="/products/${p['id']}"><img src="${p['image']}" alt="${p['name']}" width="240" height="180"></a>
  <h2 class="card-title">${p['name']}</h2>
  <p class="card-desc">${p['description']}</p>
  <p class="card-price">$${'%.2f' % p['price']}</p>
  <button class="add" data-on:click="@post('/cart/${p['id']}')">Add to cart</button>
</article>
