"""jinja2_peer.py — Jinja2 as its docs recommend for HTML: an Environment with a
FileSystemLoader and autoescaping, templates loaded once (get_template caches them), the
block whitespace options that match starch's (trim_blocks, lstrip_blocks), and
keep_trailing_newline so a template file's last newline is kept as starch keeps it."""
import os

import jinja2

import harness

HERE = os.path.dirname(os.path.abspath(__file__))


def make_renderers(data):
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(os.path.join(HERE, "templates", "jinja2")),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    big = env.get_template("big_table.html")
    teams = env.get_template("teams.html")
    shop = env.get_template("shop.html")
    card = env.get_template("card.html")
    t, s, frag = data["teams"], data["shop"], data["sse-fragment"]["product"]
    return {
        "big-table": lambda: big.render(rows=data["big-table"]["rows"]),
        "teams": lambda: teams.render(year=t["year"], teams=t["teams"]),
        "shop": lambda: shop.render(**s),
        "sse-fragment": lambda: harness.sse_patch_elements(card.render(p=frag)),
    }


if __name__ == "__main__":
    harness.main(make_renderers)
