"""chart.py — the SVG chart of bench/run's table: for each benchmark, each engine's time per
render over starch's, as a grouped horizontal bar chart on a log scale. Python stdlib only;
the SVG text is built by hand.

bench/run writes bench/out/chart.svg beside results.json through chart_svg(). On its own,
it makes the chart from an existing results.json without running anything:

    python3 bench/lib/chart.py RESULTS.json OUT.svg [--title TEXT] [--note TEXT]
"""
import argparse
import json
import math
from xml.sax.saxutils import escape, quoteattr

# Tableau 10: distinct on white (GitHub's light theme); starch first, in its blue.
COLORS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
          "#ff9da7", "#9c755f", "#bab0ac"]
FONT = "-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"

WIDTH = 900           # px
LABEL_W = 130         # engine names, left of the bars
PLOT_X = LABEL_W + 10
PLOT_W = 640          # bars; the rest on the right holds the value labels
BAR_H = 12
BAR_GAP = 3
GROUP_GAP = 26        # room for the benchmark's name above its bars
TOP = 96              # title, subtitle, legend
BOTTOM = 58           # axis ticks and axis label


def _ratios(results):
    """[(bench, [(engine, ratio, ns, mismatch)])] in the order run; ratio = ns / starch's ns."""
    benches, order = {}, []
    for r in results:
        if "ns_per_render" not in r:
            continue
        if r["bench"] not in benches:
            benches[r["bench"]] = []
            order.append(r["bench"])
        benches[r["bench"]].append(r)
    groups = []
    for b in order:
        ref = next((r["ns_per_render"] for r in benches[b] if r["engine"] == "starch"), None)
        if not ref:
            continue  # no starch figure: nothing to be relative to
        groups.append((b, [(r["engine"], r["ns_per_render"] / ref, r["ns_per_render"],
                            "mismatch" in r) for r in benches[b]]))
    return groups


def _fmt_ns(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def _fmt_ratio(x):
    if x >= 100:
        return f"{x:.0f}×"
    if x >= 10:
        return f"{x:.1f}×"
    return f"{x:.2f}×"


def _text(x, y, s, size=12, anchor="start", weight="normal", fill="#24292f"):
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'font-weight="{weight}" fill="{fill}">{escape(s)}</text>')


def chart_svg(results, title="starch beside other template engines: time per render",
              note=None):
    """The chart as SVG text, from bench/run's results (a list of dicts, results.json)."""
    groups = _ratios(results)
    engines = []
    for _, rows in groups:
        for e, *_ in rows:
            if e not in engines:
                engines.append(e)
    color = {e: COLORS[i % len(COLORS)] for i, e in enumerate(engines)}

    ratios = [x for _, rows in groups for _, x, _, _ in rows] or [1.0]
    lo = 10 ** math.floor(math.log10(min(ratios) * 0.9))
    hi = 10 ** math.ceil(math.log10(max(ratios) * 1.1))
    lo = min(lo, 0.1)  # starch (1×) keeps a visible bar
    log_scale = hi / lo > 20
    if not log_scale:
        lo, hi = 0.0, max(ratios) * 1.1

    def px(x):
        if log_scale:
            x = max(x, lo)
            return PLOT_X + PLOT_W * (math.log10(x) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
        return PLOT_X + PLOT_W * (x - lo) / (hi - lo)

    plot_h = sum(GROUP_GAP + len(rows) * (BAR_H + BAR_GAP) for _, rows in groups) + 8
    height = TOP + plot_h + BOTTOM
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
           f'viewBox="0 0 {WIDTH} {height}" font-family={quoteattr(FONT)}>',
           f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
           _text(WIDTH / 2, 26, title, size=17, anchor="middle", weight="bold"),
           _text(WIDTH / 2, 46, note or ("each engine's median time per render over starch's "
                                         "on the same page: shorter is faster; 1× is starch"),
                 size=12, anchor="middle", fill="#57606a")]

    # Legend: two rows of up to five engines.
    per_row = 5
    for i, e in enumerate(engines):
        lx = PLOT_X - 60 + (i % per_row) * 140
        ly = 62 + (i // per_row) * 17
        out.append(f'<rect x="{lx}" y="{ly}" width="11" height="11" fill="{color[e]}"/>')
        out.append(_text(lx + 16, ly + 10, e, size=12))

    y0, y1 = TOP, TOP + plot_h
    # Grid and ticks.
    if log_scale:
        ticks = []
        d = lo
        while d <= hi * 1.0001:
            ticks.append(d)
            d *= 10
    else:
        step = 10 ** math.floor(math.log10(hi / 2 or 1))
        ticks = [i * step for i in range(int(hi / step) + 1)]
    for t in ticks:
        x = px(t)
        strong = abs(t - 1.0) < 1e-9
        out.append(f'<line x1="{x:.1f}" y1="{y0}" x2="{x:.1f}" y2="{y1}" '
                   f'stroke="{"#57606a" if strong else "#d0d7de"}" '
                   f'stroke-width="{1.5 if strong else 1}"/>')
        lab = f"{t:g}×" if t < 1 else f"{t:,.0f}×"
        out.append(_text(x, y1 + 16, lab, size=11, anchor="middle", fill="#57606a"))
    out.append(f'<line x1="{PLOT_X}" y1="{y1}" x2="{PLOT_X + PLOT_W}" y2="{y1}" stroke="#57606a"/>')
    out.append(_text(PLOT_X + PLOT_W / 2, y1 + 38,
                     "time per render × starch's" + (" (log scale)" if log_scale else ""),
                     size=12, anchor="middle"))

    # Bars.
    y = y0
    for bench, rows in groups:
        y += GROUP_GAP
        out.append(_text(8, y - 7, bench, size=13, weight="bold"))
        for e, x, ns, mismatch in rows:
            base = px(1.0) if not log_scale else PLOT_X
            x0, x1 = (base, px(x)) if not log_scale else (PLOT_X, px(x))
            out.append(_text(LABEL_W, y + BAR_H - 2, e, size=11, anchor="end",
                             fill="#24292f" if e != "starch" else "#0b3d91",
                             weight="bold" if e == "starch" else "normal"))
            w = max(x1 - x0, 1.5)
            tip = f"{bench} · {e}: {_fmt_ns(ns)} per render, {_fmt_ratio(x)} starch"
            out.append(f'<rect x="{x0:.1f}" y="{y}" width="{w:.1f}" height="{BAR_H}" '
                       f'fill="{color[e]}"><title>{escape(tip)}</title></rect>')
            lab = f"{_fmt_ratio(x)} · {_fmt_ns(ns)}" + ("  (output differs)" if mismatch else "")
            out.append(_text(max(x0 + w, px(1.0) + 1) + 5, y + BAR_H - 2, lab, size=10, fill="#57606a"))
            y += BAR_H + BAR_GAP
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(prog="chart.py",
                                 description="the SVG chart of a bench/run results.json")
    ap.add_argument("results")
    ap.add_argument("out")
    ap.add_argument("--title", default=None)
    ap.add_argument("--note", default=None)
    args = ap.parse_args()
    with open(args.results, encoding="utf-8") as f:
        results = json.load(f)
    kw = {"note": args.note}
    if args.title:
        kw["title"] = args.title
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(chart_svg(results, **kw))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
