"""harness.py — the engine protocol (bench/README.md) for the Python peers.

A peer module gives make_renderers(data) -> {bench: render}, where render() returns the
page as str (the engine's native output; encoding and I/O are not timed).

    PEER BENCH DATA.json once              the output on stdout
    PEER BENCH DATA.json time MIN_S RUNS   "bytes N", then RUNS lines "run ITERS NS"
"""
import json
import sys
import time

EVENT = "event: datastar-patch-elements\n"


def sse_patch_elements(html):
    """The Datastar patch-elements event for html: one data line per line (split on \\n,
    \\r\\n and \\r), a line break at the end giving an empty last data line."""
    lines = html.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return EVENT + "".join(f"data: elements {line}\n" for line in lines) + "\n"


def warm_up(render, ns):
    t0 = time.perf_counter_ns()
    n = 0
    while True:
        render()
        n += 1
        t = time.perf_counter_ns()
        if t - t0 >= ns and n >= 3:
            return (t - t0) / n


def timed(render, min_s, runs):
    min_ns = int(min_s * 1e9)
    est = warm_up(render, max(min_ns // 2, 50_000_000))
    batch = max(1, int(1e6 / est))
    print("bytes", len(render().encode("utf-8")), flush=True)
    for _ in range(runs):
        iters = 0
        t0 = time.perf_counter_ns()
        while True:
            for _ in range(batch):
                render()
            iters += batch
            t = time.perf_counter_ns()
            if t - t0 >= min_ns:
                break
        print("run", iters, t - t0, flush=True)


def main(make_renderers):
    bench, path, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    renderers = make_renderers(data)
    if bench not in renderers:
        print("skip unknown benchmark")
        sys.exit(3)
    render = renderers[bench]
    if mode == "once":
        sys.stdout.buffer.write(render().encode("utf-8"))
    elif mode == "time":
        timed(render, float(sys.argv[4]), int(sys.argv[5]))
    else:
        print(f"unknown mode {mode}", file=sys.stderr)
        sys.exit(2)
