{{%AUTOESCAPE context="HTML"}}<article class="card" id="product-{{ID}}">
  <a href="/products/{{ID}}"><img src="{{IMAGE}}" alt="{{NAME}}" width="240" height="180"></a>
  <h2 class="card-title">{{NAME}}</h2>
  <p class="card-desc">{{DESCRIPTION}}</p>
  <p class="card-price">${{PRICE}}</p>
  <button class="add" data-on:click="@post('/cart/{{ID}}')">Add to cart</button>
</article>
