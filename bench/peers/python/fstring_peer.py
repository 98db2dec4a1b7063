"""fstring_peer.py — the pure-Python baseline: one function per page or component, f-strings
for the markup, html.escape for every interpolated string, "".join for loops. No template
engine, nothing compiled but the functions themselves."""
from html import escape

import harness


def big_table(rows):
    out = ["<table>\n"]
    for row in rows:
        out.append("<tr>" + "".join([f"<td>{cell}</td>" for cell in row]) + "</tr>\n")
    out.append("</table>\n")
    return "".join(out)


def teams(year, teams):
    items = "".join(
        f'      <li class="{"champion" if i == 0 else ""}">\n'
        f"        <b>{escape(team['name'])}</b>: {team['score']}\n"
        f"      </li>\n"
        for i, team in enumerate(teams))
    return (f"<html>\n  <head>\n    <title>{year}</title>\n  </head>\n  <body>\n"
            f"    <h1>CSL {year}</h1>\n    <ul>\n{items}    </ul>\n  </body>\n</html>\n")


def card(p):
    name = escape(p["name"])
    return (f'<article class="card" id="product-{p["id"]}">\n'
            f'  <a href="/products/{p["id"]}"><img src="{escape(p["image"])}" alt="{name}"'
            f' width="240" height="180"></a>\n'
            f'  <h2 class="card-title">{name}</h2>\n'
            f'  <p class="card-desc">{escape(p["description"])}</p>\n'
            f'  <p class="card-price">${p["price"]:.2f}</p>\n'
            f'  <button class="add" data-on:click="@post(\'/cart/{p["id"]}\')">Add to cart</button>\n'
            f"</article>\n")


def shop(title, nav, products, footer):
    title = escape(title)
    links = "".join(f'      <li><a href="{escape(link["href"])}">{escape(link["label"])}</a></li>\n'
                    for link in nav)
    cards = "".join([card(p) for p in products])
    return ("<!DOCTYPE html>\n"
            '<html lang="en">\n'
            "<head>\n"
            '<meta charset="utf-8">\n'
            f"<title>{title}</title>\n"
            '<link rel="stylesheet" href="/static/shop.css">\n'
            '<script type="module" src="/static/datastar.js"></script>\n'
            "</head>\n"
            "<body>\n"
            '<header class="site-header">\n'
            f'  <a class="logo" href="/">{title}</a>\n'
            "  <nav>\n"
            "    <ul>\n"
            f"{links}"
            "    </ul>\n"
            "  </nav>\n"
            '  <div id="cart" data-text="$cartCount">0</div>\n'
            "</header>\n"
            '<main id="products">\n'
            f"{cards}"
            "</main>\n"
            '<footer class="site-footer">\n'
            f"  <p>{escape(footer)}</p>\n"
            "</footer>\n"
            "</body>\n"
            "</html>\n")


def make_renderers(data):
    t, s, frag = data["teams"], data["shop"], data["sse-fragment"]["product"]
    return {
        "big-table": lambda: big_table(data["big-table"]["rows"]),
        "teams": lambda: teams(t["year"], t["teams"]),
        "shop": lambda: shop(s["title"], s["nav"], s["products"], s["footer"]),
        "sse-fragment": lambda: harness.sse_patch_elements(card(frag)),
    }


if __name__ == "__main__":
    harness.main(make_renderers)
