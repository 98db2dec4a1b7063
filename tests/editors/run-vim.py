#!/usr/bin/env python3
"""run-vim.py — tests the Vim support of editors/vim in a headless Vim.

Runs `vim -Nu NONE -es` with editors/vim first on 'runtimepath', filetype detection,
plugins and syntax on, and asks it:
  - the filetype of each fixture (fixtures/*.starch): starch;
  - for each line of vim-groups.txt (same form as scopes.txt, see expectations.mjs), the
    syntax group at a token's first character (synID) and the stack of groups there
    (synstack), which must be exactly the listed groups, outermost first;
  - 'makeprg' as the filetype plugin sets it through compiler/starch.vim;
  - the quickfix list that 'errorformat' (of `:compiler! starch`) makes of each
    tests/errors/*.err (:cgetexpr):
    one valid entry per `FILE:LINE:COL: error|warning|note: MESSAGE` line, with that
    file, line, column, type (e, w, n) and message; the source and caret lines skipped.
Prints TAP. Vim missing is a failure (scripts/install-deps installs Debian's).

usage: run-vim.py [VIM]
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(HERE, "fixtures")
ERRORS = os.path.join(ROOT, "tests", "errors")
EXPECTATION = re.compile(r"^(\S+):(\d+)\s+`([^`]+)`(?:#(\d+))?\s+(.+)$")
DIAGNOSTIC = re.compile(r"^([^:\s][^:]*):(\d+):(\d+): (error|warning|note): (.*)$")

checks = []


def check(ok, name, details=()):
    checks.append((bool(ok), name, [] if ok else list(details)))


def finish():
    print(f"1..{len(checks)}")
    for i, (ok, name, details) in enumerate(checks, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
        for d in details:
            print(f"# {d}")
    sys.exit(0 if all(ok for ok, _, _ in checks) else 1)


def read_expectations():
    """vim-groups.txt as [(fixture, line, col, where, [group...])]."""
    out = []
    with open(os.path.join(HERE, "vim-groups.txt"), encoding="utf-8") as f:
        for n, text in enumerate(f, 1):
            if not text.strip() or text.startswith("#"):
                continue
            m = EXPECTATION.match(text)
            if not m:
                raise SystemExit(f"vim-groups.txt:{n}: not an expectation: {text}")
            name, line, token, nth, groups = m.groups()
            with open(os.path.join(FIXTURES, name), encoding="utf-8") as fx:
                source = fx.read().split("\n")[int(line) - 1]
            col = -1
            for _ in range(int(nth or 1)):
                col = source.find(token, col + 1)
            if col < 0:
                raise SystemExit(f"vim-groups.txt:{n}: {name}:{line} has no `{token}`")
            out.append((name, int(line), col + 1, f"{name}:{line}:{col + 1} `{token}`", groups.split()))
    return out


def vim_string(s):
    return "'" + s.replace("'", "''") + "'"


def vim_script(expectations, fixtures, errs, out):
    """The Ex commands that write one JSON value a line to OUT."""
    cmds = ["let s:out = []", "filetype plugin on", "syntax on"]
    for fx in fixtures:
        cmds += [f"edit {os.path.join(FIXTURES, fx)}",
                 f"call add(s:out, json_encode(['ft', {vim_string(fx)}, &filetype]))"]
        for name, line, col, _, _ in expectations:
            if name == fx:
                cmds.append(f"call add(s:out, json_encode(['syn', {vim_string(name)}, {line}, {col}, "
                            f"synIDattr(synID({line}, {col}, 1), 'name'), "
                            f"map(synstack({line}, {col}), {{_, id -> synIDattr(id, 'name')}})]))")
    # :make reads with the buffer's 'errorformat', :cgetexpr with the global one
    cmds += ["call add(s:out, json_encode(['makeprg', &l:makeprg]))", "compiler! starch"]
    for err in errs:
        cmds += [f"cgetexpr readfile({vim_string(os.path.join(ERRORS, err))})",
                 f"call add(s:out, json_encode(['qf', {vim_string(err)}, map(getqflist(), "
                 "{_, e -> [bufname(e.bufnr), e.lnum, e.col, e.type, e.text, e.valid]})]))"]
    cmds += [f"call writefile(s:out, {vim_string(out)})", "qall!"]
    return "\n".join(cmds) + "\n"


def run_vim(vim, script, tmp):
    path = os.path.join(tmp, "check.vim")
    with open(path, "w", encoding="utf-8") as f:
        f.write(script)
    rtp = os.path.join(ROOT, "editors", "vim")
    # cwd: tests/errors, where the file names of the diagnostics are
    return subprocess.run([vim, "-Nu", "NONE", "-i", "NONE", "-es", "--cmd", f"set rtp^={rtp}",
                           "-S", path], cwd=ERRORS, capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)


def check_syntax(results, expectations, fixtures):
    for fx in fixtures:
        got = results.get(("ft", fx))
        check(got == "starch", f"vim filetype of {fx}", [f"got: {got!r}"])
    for name, line, col, where, groups in expectations:
        got = results.get(("syn", name, line, col))
        ok = got is not None and got[1] == groups and got[0] == groups[-1]
        check(ok, f"vim groups {where}",
              [f"got:      {got and got[0]!r} in {' '.join(got[1]) if got else None}",
               f"expected: {' '.join(groups)}"])


def check_quickfix(results, errs):
    got = results.get(("makeprg",))
    check(got == "starch --check %:S", "vim makeprg for a .starch buffer", [f"got: {got!r}"])
    for err in errs:
        with open(os.path.join(ERRORS, err), encoding="utf-8") as f:
            want = [[m[1], int(m[2]), int(m[3]), m[4][0], m[5], 1]
                    for m in map(DIAGNOSTIC.match, f.read().splitlines()) if m]
        entries = results.get(("qf", err)) or []
        got = [e for e in entries if e[5]]
        details = [f"got:      {json.dumps(g)}" for g in got] + [f"expected: {json.dumps(w)}" for w in want]
        check(want and got == want, f"vim errorformat reads tests/errors/{err} ({len(want)} diagnostics)",
              details)


def main():
    vim = shutil.which(sys.argv[1] if len(sys.argv) > 1 else "vim")
    if not vim:
        check(False, "vim is installed", ["no vim on PATH: scripts/install-deps installs Debian's"])
        finish()
    expectations = read_expectations()
    fixtures = sorted(f for f in os.listdir(FIXTURES) if f.endswith(".starch"))
    errs = sorted(f for f in os.listdir(ERRORS) if f.endswith(".err"))
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.jsonl")
        proc = run_vim(vim, vim_script(expectations, fixtures, errs, out), tmp)
        if not os.path.exists(out):
            check(False, "vim runs the checks", [f"exit {proc.returncode}", *proc.stdout.splitlines(),
                                                 *proc.stderr.splitlines()])
            finish()
        results = {}
        with open(out, encoding="utf-8") as f:
            for row in map(json.loads, f):
                kind = row[0]
                if kind == "syn":
                    results[tuple(row[:4])] = (row[4], row[5])
                elif kind in ("ft", "qf"):
                    results[(kind, row[1])] = row[2]
                else:
                    results[(kind,)] = row[1]
    check_syntax(results, expectations, fixtures)
    check_quickfix(results, errs)
    finish()


if __name__ == "__main__":
    main()
