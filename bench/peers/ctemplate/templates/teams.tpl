{{%AUTOESCAPE context="HTML"}}<html>
  <head>
    <title>{{YEAR}}</title>
  </head>
  <body>
    <h1>CSL {{YEAR}}</h1>
    <ul>
{{#TEAM}}      <li class="{{#CHAMPION}}champion{{/CHAMPION}}">
        <b>{{NAME}}</b>: {{SCORE}}
      </li>
{{/TEAM}}    </ul>
  </body>
</html>
