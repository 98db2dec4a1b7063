"""runner.py — bench/run: builds every engine, checks its output against starch's, times it,
counts instructions and allocations, measures the compiler, prints the table and writes
bench/out/results.json and bench/out/chart.svg (lib/chart.py). See bench/README.md.

Run it through bench/run (which picks Debian's /usr/bin/python3). Nothing here asserts a
performance target: the figures are printed, the targets reported as met or missed.
"""
import argparse
import datetime
import html
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

import chart  # bench/lib/chart.py, beside this file

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(BENCH)
OUT = os.path.join(BENCH, "out")
BUILD = os.path.join(OUT, "build")
# The project's meson build dir (--build-dir): set by main() before anything is built.
PROJECT_BUILD = os.path.join(ROOT, "build")
STARCH = LIBSTARCH = None
PY = "/usr/bin/python3"  # Debian's interpreter: the one that sees python3-jinja2 and -mako

BENCHES = ["big-table", "teams", "shop", "sse-fragment", "big-table-for", "grid", "people",
           "paragraphs", "form", "report", "layout"]
# Pages only the C engines render: starch against its hand-written twin (bench/c/hand.c).
C_ONLY = {"big-table-for", "grid", "people", "paragraphs", "form", "report", "layout"}
C_ENGINES = ("starch", "hand-c")
C_ONLY_WHY = "C-only page (starch against its hand-written twin)"
ENGINES = ["starch", "hand-c", "jinja2", "mako", "python-fstring", "go-html-template",
           "handlebars", "ejs", "eta", "ctemplate"]
TEMPLATES = ["big_table", "teams", "shop", "big_table_for", "grid", "people", "paragraphs", "form",
             "report", "layout"]
CFLAGS = ["-std=c11", "-D_POSIX_C_SOURCE=200809L", "-O3", "-Wall", "-Wextra", "-Werror"]

# Debian packages per group; bench/run installs the missing ones when run as root.
PACKAGES = {
    "c": ["build-essential", "pkg-config", "libjansson-dev"],
    "valgrind": ["valgrind"],
    "python": ["python3-jinja2", "python3-mako"],
    "go": ["golang-go"],
    "ctemplate": ["libctemplate-dev", "g++"],
}
NODE_PACKAGES = ["nodejs", "npm"]  # only when node or npm is not on PATH at all

# cachegrind: renders counted per benchmark (full run, --quick).
CACHEGRIND_N = {"big-table": (200, 40), "teams": (20000, 4000), "shop": (200, 40),
                "sse-fragment": (5000, 1000), "big-table-for": (200, 40), "grid": (200, 40),
                "people": (400, 80), "paragraphs": (400, 80), "form": (400, 80),
                "report": (200, 40), "layout": (1000, 200)}
ALLOC_N = 1000


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run(cmd, **kw):
    """Runs cmd, returns CompletedProcess with bytes stdout/stderr (never raises on exit)."""
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def tail(b, n=300):
    s = b.decode("utf-8", "replace").strip()
    return s[-n:].replace("\n", " | ")


# ---- dependencies ---------------------------------------------------------------------

def installed(pkg):
    r = run(["dpkg-query", "-W", "-f=${Status}", pkg])
    return r.returncode == 0 and b"install ok installed" in r.stdout


def install_deps():
    """Installs the missing Debian packages when root; returns {group: why missing}."""
    missing = {g: [p for p in ps if not installed(p)] for g, ps in PACKAGES.items()}
    if not (shutil.which("node") and shutil.which("npm")):
        missing["node"] = [p for p in NODE_PACKAGES if not installed(p)]
    todo = sorted({p for ps in missing.values() for p in ps})
    if todo and os.geteuid() == 0:
        log(f"bench: installing {' '.join(todo)}")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run(["apt-get", "update", "-qq"], env=env)
        r = run(["apt-get", "install", "-y", "-qq", "--no-install-recommends"] + todo, env=env)
        if r.returncode != 0:
            log(f"bench: apt-get install failed: {tail(r.stderr)}")
        missing = {g: [p for p in ps if not installed(p)] for g, ps in PACKAGES.items()}
        if not (shutil.which("node") and shutil.which("npm")):
            missing["node"] = NODE_PACKAGES
    return {g: f"needs Debian packages {' '.join(ps)} (run bench/run as root to install them)"
            for g, ps in missing.items() if ps}


# ---- building -------------------------------------------------------------------------

def build_project():
    """Builds starch and libstarch in the project's meson build dir (set up if missing)."""
    if os.path.exists(os.path.join(PROJECT_BUILD, "build.ninja")):
        r = run(["ninja", "-C", PROJECT_BUILD])
    else:
        r = run(["make", "-C", ROOT, "build", "BUILD=" + PROJECT_BUILD])
    if r.returncode != 0 or not os.path.exists(STARCH):
        sys.exit(f"bench: building the project failed:\n{r.stdout.decode()}{r.stderr.decode()}")


def sh(cmd, what, env=None):
    r = run(cmd, env=env)
    if r.returncode != 0:
        return f"{what} failed: {tail(r.stderr or r.stdout)}"
    return None


def build_c_engines(missing):
    """Compiles the templates and the C engines. Returns {engine: why not built}."""
    failed = {}
    if "c" in missing:
        return {"starch": missing["c"], "hand-c": missing["c"], "alloccount": missing["c"]}
    c = os.path.join(BENCH, "c")
    inc = ["-I", BUILD, "-I", c, "-I", os.path.join(ROOT, "runtime", "include")]
    gen = [os.path.join(BENCH, "templates", t + ".starch") for t in TEMPLATES]
    err = sh([STARCH, "-o", BUILD] + gen, "starch (compiling bench/templates)")
    if err:
        sys.exit(f"bench: {err}")
    common = [os.path.join(c, f) for f in ("harness.c", "bench_data.c", "bench_gen.c", "pages.c")]
    starch_src = ([os.path.join(c, "engine_starch.c"), os.path.join(c, "pages_starch.c")] +
                  common + [os.path.join(BUILD, t + ".starch.c") for t in TEMPLATES])
    err = sh(["cc"] + CFLAGS + inc + ["-o", os.path.join(BUILD, "starch-engine")] +
             starch_src + [LIBSTARCH, "-ljansson", "-lm"], "cc (starch engine)")
    if err:
        sys.exit(f"bench: {err}")
    err = sh(["cc"] + CFLAGS + inc + ["-o", os.path.join(BUILD, "hand-engine"),
                                      os.path.join(c, "engine_hand.c"), os.path.join(c, "hand.c")] +
             common + ["-ljansson", "-lm"],
             "cc (hand-c)")
    if err:
        failed["hand-c"] = err
    err = sh(["cc"] + CFLAGS + ["-o", os.path.join(BUILD, "maxrss"), os.path.join(c, "maxrss.c")],
             "cc (maxrss)")
    if err:
        sys.exit(f"bench: {err}")
    err = sh(["cc", "-std=c11", "-O2", "-Wall", "-Wextra", "-shared", "-fPIC", "-o",
              os.path.join(BUILD, "alloccount.so"), os.path.join(c, "alloccount.c")],
             "cc (alloccount.so)")
    if err:
        failed["alloccount"] = err
    return failed


def build_peers(missing):
    """Builds the compiled peers and installs the npm ones. Returns {engine: why not}."""
    failed = {}
    if "go" in missing:
        failed["go-html-template"] = missing["go"]
    else:
        env = dict(os.environ, GO111MODULE="off", GOFLAGS="", GOPROXY="off",
                   GOCACHE=os.path.join(BUILD, "go-cache"), GOPATH=os.path.join(BUILD, "go-path"))
        err = sh(["go", "build", "-o", os.path.join(BUILD, "go-peer"),
                  os.path.join(BENCH, "peers", "go", "main.go")], "go build", env=env)
        if err:
            failed["go-html-template"] = err
    err = None
    if "ctemplate" in missing or "c" in missing:
        failed["ctemplate"] = missing.get("ctemplate") or missing["c"]
    else:
        c = os.path.join(BENCH, "c")
        flags = run(["pkg-config", "--cflags", "--libs", "libctemplate"]).stdout.decode().split()
        objs = []
        for src in ("harness.c", "bench_data.c", "bench_gen.c"):
            obj = os.path.join(BUILD, "ct-" + src[:-2] + ".o")
            objs.append(obj)
            err = err or sh(["cc"] + CFLAGS + ["-I", c, "-c", "-o", obj, os.path.join(c, src)],
                            "cc (ctemplate harness)")
        err = err or sh(["g++", "-std=c++17", "-O2", "-I", c, "-o",
                         os.path.join(BUILD, "ctemplate-peer"),
                         os.path.join(BENCH, "peers", "ctemplate", "bench.cc")] + objs + flags +
                        ["-ljansson", "-lpthread", "-lm"], "g++ (ctemplate peer)")
        if err:
            failed["ctemplate"] = err
    node_dir = os.path.join(BENCH, "peers", "node")
    if "node" in missing:
        for e in ("handlebars", "ejs", "eta"):
            failed[e] = missing["node"]
    else:
        lock = os.path.join(node_dir, "package-lock.json")
        stamp = os.path.join(node_dir, "node_modules", ".package-lock.json")
        if not os.path.exists(stamp) or os.path.getmtime(stamp) < os.path.getmtime(lock):
            err = sh(["npm", "ci", "--no-audit", "--no-fund", "--prefix", node_dir], "npm ci")
            if err:
                for e in ("handlebars", "ejs", "eta"):
                    failed[e] = err
    return failed


def engine_commands():
    node = os.path.join(BENCH, "peers", "node", "bench.mjs")
    pyp = os.path.join(BENCH, "peers", "python")
    return {
        "starch": [os.path.join(BUILD, "starch-engine")],
        "hand-c": [os.path.join(BUILD, "hand-engine")],
        "jinja2": [PY, os.path.join(pyp, "jinja2_peer.py")],
        "mako": [PY, os.path.join(pyp, "mako_peer.py")],
        "python-fstring": [PY, os.path.join(pyp, "fstring_peer.py")],
        "go-html-template": [os.path.join(BUILD, "go-peer")],
        "handlebars": ["node", node, "handlebars"],
        "ejs": ["node", node, "ejs"],
        "eta": ["node", node, "eta"],
        "ctemplate": [os.path.join(BUILD, "ctemplate-peer")],
    }


PEER_ENV = dict(os.environ,
                GO_PEER_TEMPLATES=os.path.join(BENCH, "peers", "go", "templates"),
                CTEMPLATE_PEER_TEMPLATES=os.path.join(BENCH, "peers", "ctemplate", "templates"))


# ---- running --------------------------------------------------------------------------

def render_once(cmd, bench, data):
    """Returns (output bytes, None) or (None, why skipped)."""
    r = run(cmd + [bench, data, "once"], env=PEER_ENV, timeout=600)
    if r.returncode == 3 and r.stdout.startswith(b"skip "):
        return None, r.stdout[5:].decode().strip()
    if r.returncode != 0:
        return None, f"failed (exit {r.returncode}): {tail(r.stderr)}"
    return r.stdout, None


def same_output(ref, out):
    """Equal after decoding HTML entities (engines spell escapes differently)."""
    a, b = ref.decode("utf-8", "replace"), out.decode("utf-8", "replace")
    return html.unescape(a) == html.unescape(b)


def first_difference(ref, out):
    a = html.unescape(ref.decode("utf-8", "replace")).splitlines()
    b = html.unescape(out.decode("utf-8", "replace")).splitlines()
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"line {i + 1}: expected {x[:80]!r}, got {y[:80]!r}"
    return f"{len(a)} lines expected, {len(b)} got"


def time_engine(cmd, bench, data, min_s, runs):
    """Returns (bytes, [ns per render of each run]) or raises RuntimeError."""
    timeout = 120 + runs * min_s * 4
    r = run(cmd + [bench, data, "time", str(min_s), str(runs)], env=PEER_ENV, timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError(f"timing failed (exit {r.returncode}): {tail(r.stderr)}")
    nbytes, per = None, []
    for line in r.stdout.decode().splitlines():
        f = line.split()
        if f and f[0] == "bytes":
            nbytes = int(f[1])
        elif f and f[0] == "run":
            per.append(int(f[2]) / int(f[1]))
    if nbytes is None or len(per) != runs:
        raise RuntimeError(f"unexpected output: {tail(r.stdout)}")
    return nbytes, per


def instructions(cmd, bench, data, n):
    """Instructions per render under cachegrind: (total of n renders - total of 0) / n."""
    def total(k):
        r = run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--branch-sim=no",
                 "--cachegrind-out-file=/dev/null"] + cmd + [bench, data, "count", str(k)],
                timeout=1200)
        m = re.search(rb"I\s+refs:\s+([\d,]+)", r.stderr)
        if r.returncode != 0 or not m:
            raise RuntimeError(f"cachegrind failed: {tail(r.stderr)}")
        return int(m.group(1).replace(b",", b""))
    return (total(n) - total(0)) / n


def allocations(cmd, bench, data, so):
    env = dict(os.environ, LD_PRELOAD=so)
    r = run(cmd + [bench, data, "allocs", str(ALLOC_N)], env=env, timeout=600)
    f = r.stdout.decode().split()
    if r.returncode != 0 or len(f) != 3 or f[0] != "allocs":
        raise RuntimeError(f"allocation count failed: {tail(r.stderr)}")
    return int(f[1]) / int(f[2])


# ---- the compiler ---------------------------------------------------------------------

def compiler_throughput(runs):
    """starch on a generated 10,000-line template: median wall and CPU time, peak RSS."""
    src = os.path.join(OUT, "compiler-10k.starch")
    run([PY, os.path.join(BENCH, "lib", "gencompiler.py"), src, "10000"])
    with open(src, encoding="utf-8") as f:
        lines = sum(1 for _ in f)
    walls, cpus, rss = [], [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(runs + 1):  # the first is a warm-up
            r = run([os.path.join(BUILD, "maxrss"), STARCH, "-o", tmp, src], timeout=600)
            m = re.search(rb"maxrss_kb (\d+) wall_s ([\d.]+) cpu_s ([\d.]+) exit 0", r.stderr)
            if r.returncode != 0 or not m:
                return {"skipped": f"starch failed on the generated input: {tail(r.stderr)}"}
            if i > 0:
                rss = max(rss, int(m.group(1)))
                walls.append(float(m.group(2)))
                cpus.append(float(m.group(3)))
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    return {"lines": lines, "runs": runs, "wall_seconds": wall, "cpu_seconds": cpu,
            "lines_per_second": lines / cpu, "peak_rss_kb": rss}


# ---- bench/repo -----------------------------------------------------------------------

def run_repo(quick):
    path = os.path.join(BENCH, "repo")
    if not os.path.exists(path):
        return None, "bench/repo is not present"
    exe = path if os.path.isfile(path) else os.path.join(path, "run")
    built = [os.path.join(PROJECT_BUILD, "bench", "repo", "bench_repo"),
             os.path.join(PROJECT_BUILD, "bench", "repo")]
    if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
        found = [b for b in built if os.path.isfile(b) and os.access(b, os.X_OK)]
        if found:
            exe = found[0]
        else:
            return None, "bench/repo is present but there is no executable to run " \
                         "(bench/repo/run or build/bench/repo/bench_repo)"
    env = dict(os.environ, BENCH_QUICK="1") if quick else None
    r = run([exe], timeout=1800, cwd=ROOT, env=env)
    text = (r.stdout + r.stderr).decode("utf-8", "replace")
    with open(os.path.join(OUT, "repo.txt"), "w", encoding="utf-8") as f:
        f.write(text)
    if r.returncode != 0:
        return text, f"bench/repo exited {r.returncode}"
    return text, None


# ---- reporting ------------------------------------------------------------------------

def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": model, "kernel": platform.release(),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def fmt_ns(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def print_table(results):
    starch = {r["bench"]: r["ns_per_render"] for r in results
              if r["engine"] == "starch" and "ns_per_render" in r}
    print(f"{'bench':<13} {'engine':<17} {'ns/render':>12} {'renders/s':>12} "
          f"{'× starch':>9} {'bytes':>7} {'runs':>4}  note")
    for r in results:
        if r.get("skipped") == C_ONLY_WHY:
            continue  # the other engines do not render the C-only pages: not worth a line
        if "skipped" in r:
            print(f"{r['bench']:<13} {r['engine']:<17} {'—':>12} {'—':>12} {'—':>9} {'':>7} "
                  f"{'':>4}  skipped: {r['skipped']}")
            continue
        ns = r["ns_per_render"]
        ratio = f"{ns / starch[r['bench']]:.2f}" if r["bench"] in starch else "—"
        note = f"OUTPUT MISMATCH: {r['mismatch']}" if "mismatch" in r else ""
        if "checked_against" in r:
            note = (note + " " if note else "") + f"(checked against {r['checked_against']})"
        mark = "!" if "mismatch" in r else " "
        print(f"{r['bench']:<13} {r['engine']:<17} {fmt_ns(ns):>11}{mark} {1e9 / ns:>12,.0f} "
              f"{ratio:>9} {r['bytes']:>7} {r['runs']:>4}  {note}")


def targets(results):
    """The issue's targets, each as (text, measured, met)."""
    by = {(r["bench"], r["engine"]): r for r in results if "ns_per_render" in r}
    out = []

    def ratio(bench, a, b, key):
        ra, rb = by.get((bench, a)), by.get((bench, b))
        if ra and rb and key in ra and key in rb:
            return ra[key] / rb[key]
        return None

    # issue 15: every page within 1.10x of its hand-written twin in instructions, the
    # geometric mean within 1.05x; time is reported beside it.
    logs = []
    for bench in BENCHES:
        x = ratio(bench, "starch", "hand-c", "instructions_per_render")
        if x is not None:
            logs.append(math.log(x))
            t = ratio(bench, "starch", "hand-c", "ns_per_render")
            tt = f", time {t:.2f}×" if t is not None else ""
            out.append((f"{bench}: starch ≤ 1.10× hand-c in instructions", f"{x:.2f}×{tt}",
                        x <= 1.10))
    if logs:
        g = math.exp(sum(logs) / len(logs))
        out.append((f"geometric mean of starch / hand-c instructions over {len(logs)} pages ≤ 1.05",
                    f"{g:.3f}×", g <= 1.05))
    for peer, need in (("jinja2", 50), ("go-html-template", 10)):
        x = ratio("shop", peer, "starch", "ns_per_render")
        if x is not None:
            out.append((f"shop: starch ≥ {need}× faster than {peer}", f"{x:.1f}×", x >= need))
    return out


# ---- main -----------------------------------------------------------------------------

def parse_args():
    ap = argparse.ArgumentParser(prog="bench/run", description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="short smoke run: still 5 timed runs, each about 0.02 s")
    ap.add_argument("--benches", default=",".join(BENCHES), help="comma-separated subset")
    ap.add_argument("--engines", default=",".join(ENGINES), help="comma-separated subset")
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build"),
                    help="the project's meson build dir (default: build/; set up if missing)")
    args = ap.parse_args()
    args.benches = [b for b in args.benches.split(",") if b]
    args.engines = [e for e in args.engines.split(",") if e]
    for b in args.benches:
        if b not in BENCHES:
            ap.error(f"unknown bench {b}")
    for e in args.engines:
        if e not in ENGINES:
            ap.error(f"unknown engine {e}")
    if "starch" not in args.engines:
        args.engines.insert(0, "starch")  # the reference every output is checked against
    return args


def measure(args, data, unavailable):
    min_s, runs = (0.02, 5) if args.quick else (0.2, 7)
    cmds = engine_commands()
    results = []
    os.makedirs(os.path.join(OUT, "outputs"), exist_ok=True)
    for bench in args.benches:
        ref, ref_name = None, None
        for engine in args.engines:
            entry = {"bench": bench, "engine": engine}
            results.append(entry)
            if engine in unavailable:
                entry["skipped"] = unavailable[engine]
                continue
            if bench in C_ONLY and engine not in C_ENGINES:
                entry["skipped"] = C_ONLY_WHY
                continue
            out, why = render_once(cmds[engine], bench, data)
            if out is None:
                entry["skipped"] = why
                log(f"bench: {bench} {engine}: skipped: {why}")
                continue
            with open(os.path.join(OUT, "outputs", f"{bench}.{engine}.html"), "wb") as f:
                f.write(out)
            if ref is None:
                ref, ref_name = out, engine
            elif not same_output(ref, out):
                entry["mismatch"] = first_difference(ref, out)
                log(f"bench: {bench} {engine}: OUTPUT MISMATCH against {ref_name}: "
                    f"{entry['mismatch']}")
            if ref_name != "starch":
                entry["checked_against"] = ref_name
            log(f"bench: {bench} {engine} …")
            try:
                nbytes, per = time_engine(cmds[engine], bench, data, min_s, runs)
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                entry["skipped"] = str(e)
                continue
            entry.update(ns_per_render=statistics.median(per), bytes=nbytes, runs=runs)
    return results


def measure_counts(args, results, data, unavailable, missing):
    cmds = engine_commands()
    by = {(r["bench"], r["engine"]): r for r in results}
    for bench, (full, quick) in CACHEGRIND_N.items():
        if bench not in args.benches:
            continue
        for engine in ("starch", "hand-c"):
            r = by.get((bench, engine))
            if r is None or "ns_per_render" not in r:
                continue
            if "valgrind" in missing:
                r["instructions_skipped"] = missing["valgrind"]
                continue
            log(f"bench: cachegrind {bench} {engine} …")
            try:
                r["instructions_per_render"] = instructions(cmds[engine], bench, data,
                                                            quick if args.quick else full)
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                r["instructions_skipped"] = str(e)
    so = os.path.join(BUILD, "alloccount.so")
    for bench in args.benches:
        for engine in ("starch", "hand-c"):
            r = by.get((bench, engine))
            if r is None or "ns_per_render" not in r or "alloccount" in unavailable:
                continue
            try:
                r["allocs_per_render"] = allocations(cmds[engine], bench, data, so)
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                r["allocs_skipped"] = str(e)


def print_counts(results):
    for r in results:
        for key in ("instructions_skipped", "allocs_skipped"):
            if key in r:
                print(f"{r['bench']} {r['engine']}: {key.split('_')[0]} not counted: {r[key]}")
    rows = [r for r in results if "instructions_per_render" in r or "allocs_per_render" in r]
    if not rows:
        return
    print(f"\n{'bench':<13} {'engine':<9} {'instructions/render':>20} {'allocs/render':>14}")
    for r in rows:
        ins = r.get("instructions_per_render")
        al = r.get("allocs_per_render")
        print(f"{r['bench']:<13} {r['engine']:<9} "
              f"{(f'{ins:,.0f}' if ins is not None else '—'):>20} "
              f"{(f'{al:g}' if al is not None else '—'):>14}")


def main():
    global PROJECT_BUILD, STARCH, LIBSTARCH
    args = parse_args()
    PROJECT_BUILD = os.path.abspath(args.build_dir)
    STARCH = os.path.join(PROJECT_BUILD, "compiler", "starch")
    LIBSTARCH = os.path.join(PROJECT_BUILD, "runtime", "libstarch.a")
    os.makedirs(BUILD, exist_ok=True)
    missing = install_deps()
    build_project()
    data = os.path.join(OUT, "data.json")
    run([PY, os.path.join(BENCH, "lib", "gendata.py"), data])
    unavailable = build_c_engines(missing)
    unavailable.update(build_peers(missing))
    for engine, groups in (("jinja2", "python"), ("mako", "python"),
                           ("python-fstring", None)):
        if groups in missing:
            unavailable[engine] = missing[groups]

    results = measure(args, data, unavailable)
    measure_counts(args, results, data, unavailable, missing)
    log("bench: compiler throughput …")
    compiler = compiler_throughput(5 if args.quick else 7)
    repo_text, repo_why = run_repo(args.quick)

    # A subset (--benches, --engines) must not replace the full results other tools read.
    subset = set(args.benches) != set(BENCHES) or set(args.engines) != set(ENGINES)
    name = "results-partial.json" if subset else "results.json"
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1)
        f.write("\n")
    info = machine()
    chart_name = "chart-partial.svg" if subset else "chart.svg"
    with open(os.path.join(OUT, chart_name), "w", encoding="utf-8") as f:
        f.write(chart.chart_svg(results, note=(
            "median time per render over starch's on the same page (shorter is faster; 1× is"
            f" starch) — {info['nproc']} cores, {info['date']}{', --quick' if args.quick else ''}")))
    extra = {"machine": info, "quick": args.quick, "compiler": compiler,
             "targets": [{"target": t, "measured": m, "met": ok} for t, m, ok in targets(results)],
             "repo": repo_why or "ran (bench/out/repo.txt)"}
    with open(os.path.join(OUT, "extra-partial.json" if subset else "extra.json"), "w",
              encoding="utf-8") as f:
        json.dump(extra, f, indent=1)
        f.write("\n")

    print(f"machine: {info['nproc']} cores, {info['cpu']}, Linux {info['kernel']}, {info['date']}"
          f"{' (--quick)' if args.quick else ''}")
    print_table(results)
    print_counts(results)
    if "skipped" in compiler:
        print(f"\ncompiler: skipped: {compiler['skipped']}")
    else:
        print(f"\ncompiler: {compiler['lines']} template lines in {compiler['cpu_seconds'] * 1e3:.0f} ms"
              f" CPU, {compiler['wall_seconds'] * 1e3:.0f} ms wall (medians of {compiler['runs']}):"
              f" {compiler['lines_per_second']:,.0f} lines/s (CPU),"
              f" peak RSS {compiler['peak_rss_kb'] / 1024:.1f} MiB")
    print("\ntargets (reported, never asserted):")
    for t, m, ok in targets(results):
        print(f"  {'met   ' if ok else 'MISSED'} {t}: {m}")
    print(f"\nbench/repo: {repo_why}" if repo_why else "\nbench/repo:")
    if repo_text:
        print(repo_text.rstrip())
    print(f"\nwrote {os.path.relpath(os.path.join(OUT, name), ROOT)} and"
          f" {os.path.relpath(os.path.join(OUT, chart_name), ROOT)}")


if __name__ == "__main__":
    main()
