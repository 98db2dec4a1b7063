"""mako_peer.py — Mako as its docs recommend: a TemplateLookup over the template folder
with default_filters=['h'] (HTML-escape every ${}) and templates compiled once
(get_template caches the compiled module)."""
import os

from mako.lookup import TemplateLookup

import harness

HERE = os.path.dirname(os.path.abspath(__file__))


def make_renderers(data):
    lookup = TemplateLookup(directories=[os.path.join(HERE, "templates", "mako")],
                            default_filters=["h"], input_encoding="utf-8")
    big = lookup.get_template("big_table.mako")
    teams = lookup.get_template("teams.mako")
    shop = lookup.get_template("shop.mako")
    card = lookup.get_template("card.mako")
    t, s, frag = data["teams"], data["shop"], data["sse-fragment"]["product"]
    return {
        "big-table": lambda: big.render(rows=data["big-table"]["rows"]),
        "teams": lambda: teams.render(year=t["year"], teams=t["teams"]),
        "shop": lambda: shop.render(**s),
        "sse-fragment": lambda: harness.sse_patch_elements(card.render(p=frag)),
    }


if __name__ == "__main__":
    harness.main(make_renderers)
