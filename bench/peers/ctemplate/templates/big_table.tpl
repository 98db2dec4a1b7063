{{%AUTOESCAPE context="HTML"}}<table>
{{#ROW}}<tr>{{#CELL}}<td>{{VALUE}}</td>{{/CELL}}</tr>
{{/ROW}}</table>
