<html>
  <head>
    <title>${year}</title>
  </head>
  <body>
    <h1>CSL ${year}</h1>
    <ul>
    % for i, team in enumerate(teams):
      <li class="${'champion' if i == 0 else ''}">
        <b>${team['name']}</b>: ${team['score']}
      </li>
    % endfor
    </ul>
  </body>
</html>
