#!/usr/bin/env python3
"""Unit cases of scripts/check-engines, as TAP: its npm range matching against a table of
ranges (expected results checked against node-semver 7, as npm's engine check runs it),
and the script itself on the fixture lock files fixtures/*.json (a range that excludes
Node.js 18.20 fails and names the package).

usage: run-engines.py CHECK_ENGINES_SCRIPT FIXTURES_DIR
"""
import importlib.machinery
import importlib.util
import os
import subprocess
import sys

# (range, whether Node.js 18.20.4 satisfies it): the forms npm lock files carry.
RANGES = [
    (">=20", False), (">=18", True), (">=18.0.0", True), (">= 18", True),
    (">=18.20.5", False), (">=18.20", True), (">=18.21", False),
    ("^18", True), ("^18.20.4", True), ("^18.21.0", False),
    ("^16 || ^18 || >=20", True), ("^14.17.0 || ^16.13.0 || >=18.0.0", True),
    ("^12.20.0 || ^14.13.1 || >=16.0.0", True), ("^20.9.0 || >=22", False),
    ("~18.20", True), ("~18.20.4", True), ("~18.19.0", False), ("~18", True), ("~>18.20", True),
    ("18.x", True), ("18.20.x", True), ("18.*", True), ("18.19.x", False), ("17.x", False),
    ("*", True), ("x", True), ("", True), (">=*", True), ("<*", False),
    (">=0.10.0", True), (">=0.4.7", True), (">=6.0.0", True),
    (">= 14 < 19", True), (">=14 <18.20.4", False), (">=14 <=18.20.4", True),
    (">=14 <=18.20", True), (">=14 <=18.19", False), (">=14 <18.21", True), (">=14 <18.20", False),
    ("<19", True), ("<18.20", False), ("<18", False), ("<=18", True),
    (">18", False), (">18.20", False), (">18.20.3", True), (">18.20.4", False),
    ("=18.20.4", True), ("18.20.4", True), ("v18.20.4", True), ("18", True), ("18.20", True),
    ("17", False), ("16 - 18", True), ("16 - 18.19", False), ("18.20.4 - 20", True),
    ("18.20.5 - 20", False), ("10 - 18.20.4", True),
    (">=12.22.0 <13 || >=14.17.0 <15 || >=16.0.0", True), (">=16 || <10", True),
    (">=18.0.0-rc.0", True), (">=18.20.4-0", True), ("<18.20.4-rc", False),
    ("^18.0.0-beta", True), ("^20.0.0-0 || ^18.20", True),
    (">= 16.x", True), ("<= 18.x", True), ("< 18.x", False), ("> 17.x", True), ("> 18.x", False),
    ("^0.0.1", False), ("^0.x", False), ("~0.1", False),
]

# (range, version, expected): prereleases and 0.x carets.
VERSIONS = [
    ("^0.0.1", "0.0.1", True), ("^0.0.1", "0.0.2", False), ("^0.1.2", "0.1.9", True),
    ("^0.1.2", "0.2.0", False), ("<18.20.4", "18.20.4-rc.1", True),
    (">=18.20.4", "18.20.4-rc.1", False), ("1.2.3-alpha.10", "1.2.3-alpha.10", True),
    (">1.2.3-alpha.2", "1.2.3-alpha.10", True), (">1.2.3-alpha", "1.2.3-alpha.1", True),
    (">1.2.3-beta", "1.2.3-alpha.1", False), (">1.2.3-1", "1.2.3-alpha", True),
]

# (fixture, expected exit status, strings the output must hold)
FIXTURES = [
    ("allowed", 0, ["ok 1 - ", "all allow Node.js 18.20.4"]),
    ("excluded", 1, ['not ok 1 - ', 'too-new 2.0.0 wants node ">=20", which excludes Node.js 18.20.4',
                     'too-old 0.9.0 wants node ">=10 <18.20"', "alias (real) 3.0.0"]),
    ("v1", 1, ['not ok 1 - ', 'no "packages" (lockfileVersion 1)']),
    ("bad-range", 1, ['not ok 1 - ', 'odd 1.0.0: engines.node "latest please": cannot parse']),
]


def load(path):
    loader = importlib.machinery.SourceFileLoader("check_engines", path)
    spec = importlib.util.spec_from_loader("check_engines", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def main():
    script, fixtures = sys.argv[1], sys.argv[2]
    ce = load(script)
    results = []
    for rng, want in RANGES:
        got = ce.satisfies("18.20.4", rng)
        results.append((got == want, "18.20.4 in %r: %s" % (rng, got)))
    for rng, version, want in VERSIONS:
        got = ce.satisfies(version, rng)
        results.append((got == want, "%s in %r: %s" % (version, rng, got)))
    try:
        ce.satisfies("18.20.4", "latest")
        results.append((False, "'latest' is no range: no RangeError"))
    except ce.RangeError:
        results.append((True, "'latest' is no range: RangeError"))
    for name, status, strings in FIXTURES:
        p = subprocess.run([sys.executable, script, os.path.join(fixtures, name + ".json")],
                           capture_output=True, text=True)
        missing = [s for s in strings if s not in p.stdout]
        ok = p.returncode == status and not missing
        results.append((ok, "fixture %s: exit %d%s" % (name, p.returncode,
                                                       "; missing %r in:\n%s" % (missing, p.stdout)
                                                       if missing else "")))
    # --node: the allowed fixture excludes Node.js 16 (its own package and c want 18).
    p = subprocess.run([sys.executable, script, "--node", "16.20.2",
                        os.path.join(fixtures, "allowed.json")],
                       capture_output=True, text=True)
    ok = p.returncode == 1 and 'allowed wants node ">=18", which excludes Node.js 16.20.2' in p.stdout
    results.append((ok, "fixture allowed with --node 16.20.2: exit %d" % p.returncode))
    print("1..%d" % len(results))
    for i, (ok, msg) in enumerate(results, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, msg.replace("\n", "\n# ")))
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
