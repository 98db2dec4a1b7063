#!/usr/bin/env python3
"""The formatter's tests: `starch fmt` over every template of the repository (git ls-files
'*.starch') and every input of the compiler's fuzz corpus (tests/fuzz/corpus/compile/).

Each template is copied twice into a temporary tree (its path kept, so imports resolve),
and one copy formatted. TAP lines, per template:

  fmt         `starch fmt` exits 0, or 1 with the file untouched (a template with errors)
  idempotent  `starch fmt --check` on the formatted copy lists nothing and exits 0
  same C      the generated .c and .h of the two copies are identical but for their #line
              directives and the indentation of the line after each (an expression at
              its template column), or neither copy compiles

per golden case (tests/golden/meson.build): its driver, built from the formatted
templates, writes expected.html byte for byte; per case of tests/fmt/cases/ (NAME.starch):
`starch fmt` writes NAME.starch.expected; and the command's behaviour (CLI_CHECKS).

usage: run-fmt.py --starch STARCH --root SOURCE_ROOT --cc CC... [--cflags FLAG...]
                  [--link LIBRARY-OR-FLAG...]
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

OPTIONS = ('--starch', '--root', '--cc', '--cflags', '--link')
CFLAGS = ['-std=c11', '-D_POSIX_C_SOURCE=200809L', '-O0', '-w']


def parse_args(argv):
    opts, key = {k: [] for k in OPTIONS}, None
    for a in argv:
        if a in OPTIONS:
            key = a
        elif key is None:
            sys.exit(f'run-fmt.py: unexpected argument {a!r}\n' + __doc__)
        else:
            opts[key].append(a)
    if not opts['--starch'] or not opts['--root'] or not opts['--cc']:
        sys.exit(__doc__)
    return opts


def templates(root):
    """Relative paths of the repository's templates and of the fuzz corpus."""
    try:
        out = subprocess.run(['git', 'ls-files', '*.starch'], cwd=root, check=True,
                             capture_output=True, text=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        out = [os.path.relpath(os.path.join(d, f), root)
               for d, _, fs in os.walk(root) for f in fs if f.endswith('.starch')
               and '/build' not in d and '/.git' not in d]
    corpus = os.path.join('tests', 'fuzz', 'corpus', 'compile')
    if os.path.isdir(os.path.join(root, corpus)):
        out += [os.path.join(corpus, f) for f in os.listdir(os.path.join(root, corpus))]
    return sorted(set(p for p in out if os.path.isfile(os.path.join(root, p))))


def copy_tree(root, paths, dest):
    for p in paths:
        os.makedirs(os.path.dirname(os.path.join(dest, p)), exist_ok=True)
        shutil.copyfile(os.path.join(root, p), os.path.join(dest, p))


def read(path):
    with open(path, 'rb') as f:
        return f.read()


def without_line_directives(text):
    """text without its #line directives, and without the spaces that put the line after
    each at its template column (an expression's first line: the formatter moves it)."""
    out, after_line = [], False
    for l in text.split(b'\n'):
        if l.startswith(b'#line '):
            after_line = True
            continue
        out.append(l.lstrip(b' ') if after_line else l)
        after_line = False
    return b'\n'.join(out)


def compile_c(starch, tree, path, out):
    """The generated .c and .h (without #line) of tree/path, or None when it fails."""
    os.makedirs(out, exist_ok=True)
    incs = ['-I', os.path.join(tree, 'templates')]
    p = subprocess.run([starch, '-o', out] + incs + ['--', path], cwd=tree, capture_output=True)
    if p.returncode != 0:
        return None
    base = os.path.join(out, os.path.basename(path))
    return [without_line_directives(read(base + s)) for s in ('.c', '.h')]


class Tap:
    def __init__(self):
        self.n = self.failed = 0

    def line(self, ok, what, notes=''):
        self.n += 1
        self.failed += not ok
        print(f'{"ok" if ok else "not ok"} {self.n} - {what}')
        for l in notes.splitlines():
            print('# ' + l)


def check_template(tap, starch, orig, fmt, path, work):
    before = read(os.path.join(fmt, path))
    p = subprocess.run([starch, 'fmt', '--', path], cwd=fmt, capture_output=True)
    after = read(os.path.join(fmt, path))
    ok = p.returncode == 0 or (p.returncode == 1 and after == before)
    tap.line(ok, f'fmt {path}', f'exit {p.returncode}\n' + p.stderr.decode('utf-8', 'replace'))
    q = subprocess.run([starch, 'fmt', '--check', '--', path], cwd=fmt, capture_output=True)
    ok = q.stdout == b'' and q.returncode == p.returncode
    tap.line(ok, f'idempotent {path}', q.stdout.decode('utf-8', 'replace'))
    a = compile_c(starch, orig, path, os.path.join(work, 'a'))
    b = compile_c(starch, fmt, path, os.path.join(work, 'b'))
    tap.line(a == b, f'same C {path}' + (' # neither compiles' if a is None and b is None else ''))


def golden_cases(root):
    """{name: [template, ...]} from tests/golden/meson.build ('@page': templates/page.starch)."""
    text = open(os.path.join(root, 'tests', 'golden', 'meson.build')).read()
    cases = {}
    for name, lst in re.findall(r"'(\w+)'\s*:\s*\[([^\]]*)\]", text):
        cases[name] = re.findall(r"'([^']+)'", lst)
    return cases


def check_golden(tap, opts, root, fmt, name, tpls, work):
    starch, case = opts['--starch'][0], os.path.join(fmt, 'tests', 'golden', name)
    gen = os.path.join(work, 'gen-' + name)
    os.makedirs(gen, exist_ok=True)
    srcs, log = [], ''
    for t in tpls:
        path = os.path.join(fmt, 'templates', 'page.starch') if t == '@page' else os.path.join(case, t)
        p = subprocess.run([starch, '-o', gen, '-I', case, '-I', os.path.join(fmt, 'templates'),
                            path], capture_output=True, text=True)
        log += p.stderr
        srcs.append(os.path.join(gen, os.path.basename(path) + '.c'))
    exe = os.path.join(work, 'golden-' + name)
    src_case = os.path.join(root, 'tests', 'golden', name)
    cmd = (opts['--cc'] + CFLAGS + opts['--cflags'] +
           ['-I', gen, '-I', src_case, '-I', os.path.join(root, 'tests', 'golden'),
            '-o', exe, os.path.join(src_case, 'main.c')] + srcs + opts['--link'])
    p = subprocess.run(cmd, capture_output=True, text=True)
    log += p.stderr
    out = subprocess.run([exe], capture_output=True).stdout if p.returncode == 0 else None
    ok = out is not None and out == read(os.path.join(src_case, 'expected.html'))
    tap.line(ok, f'golden {name} renders the same after fmt', log)


def check_cases(tap, starch, work):
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'cases')
    for name in sorted(f for f in os.listdir(here) if f.endswith('.starch')):
        path = os.path.join(work, name)
        shutil.copyfile(os.path.join(here, name), path)
        p = subprocess.run([starch, 'fmt', path], capture_output=True)
        want = read(os.path.join(here, name + '.expected'))
        tap.line(p.returncode == 0 and read(path) == want, f'case {name}',
                 p.stderr.decode('utf-8', 'replace'))


UGLY = b'{%component A()%}\n  {%if 1%}\n<p>x</p>\n{%end%}\n{% end %}\n'
NEAT = b'{% component A() %}\n{% if 1 %}\n<p>x</p>\n{% end %}\n{% end %}\n'
BAD = b'{% component A() %}\n{%if 1%}<p>{{ }}</p>\n{% end %}\n'


def run_cli(starch, work, args, name=None, text=None, mode=None):
    """Runs `starch fmt ARGS [work/name]` after writing text there; returns (exit, stdout,
    stderr, the file's text after, its mode after)."""
    path = None
    if name:
        path = os.path.join(work, name)
        with open(path, 'wb') as f:
            f.write(text)
        if mode is not None:
            os.chmod(path, mode)
    p = subprocess.run([starch, 'fmt'] + args + ([name] if name else []), cwd=work,
                       capture_output=True, text=True)
    after = read(path) if path else None
    mode_after = os.stat(path).st_mode & 0o7777 if path else None
    return p.returncode, p.stdout, p.stderr, after, mode_after


CLI_CHECKS = [
    ('--check names a file that would change, exit 1, writes nothing',
     (['--check'], 'u.starch', UGLY), lambda r: r[:2] == (1, 'u.starch\n') and r[3] == UGLY),
    ('--check on a formatted file: exit 0, no output',
     (['--check'], 'n.starch', NEAT), lambda r: r[:3] == (0, '', '') and r[3] == NEAT),
    ('fmt rewrites the file, keeps its mode, prints nothing',
     ([], 'm.starch', UGLY, 0o640), lambda r: r[:3] == (0, '', '') and r[3:] == (NEAT, 0o640)),
    ('a template with errors: exit 1, gcc-style diagnostic, file untouched',
     ([], 'bad.starch', BAD),
     lambda r: r[0] == 1 and r[2].startswith('bad.starch:1:1: error: ') and
     '\nbad.starch:2:12: error: ' in r[2] and r[3] == BAD),  # sorted by line and column
    ('no files: exit 2', ([],), lambda r: r[0] == 2 and 'usage: starch fmt' in r[2]),
    ('unknown option: exit 2', (['--bogus', 'x.starch'],), lambda r: r[0] == 2),
    ('missing file: exit 2', (['missing.starch'],), lambda r: r[0] == 2 and 'cannot read' in r[2]),
    ('--help: exit 0', (['--help'],), lambda r: r[0] == 0 and '--check' in r[1]),
]


def check_cli(tap, starch, work):
    for what, args, ok in CLI_CHECKS:
        r = run_cli(starch, work, *args)
        tap.line(ok(r), 'cli: ' + what, repr(r))


def main():
    opts = parse_args(sys.argv[1:])
    starch, root = os.path.abspath(opts['--starch'][0]), opts['--root'][0]
    paths = templates(root)
    cases = golden_cases(root)
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'cases')
    n_cases = len([f for f in os.listdir(here) if f.endswith('.starch')])
    print(f'1..{3 * len(paths) + len(cases) + n_cases + len(CLI_CHECKS)}')
    tap = Tap()
    with tempfile.TemporaryDirectory(prefix='starch-fmt-') as work:
        orig, fmt = os.path.join(work, 'orig'), os.path.join(work, 'fmt')
        copy_tree(root, paths, orig)
        copy_tree(root, paths, fmt)
        for path in paths:
            check_template(tap, starch, orig, fmt, path, work)
        for name, tpls in cases.items():
            check_golden(tap, opts, root, fmt, name, tpls, work)
        check_cases(tap, starch, work)
        check_cli(tap, starch, work)
    return 1 if tap.failed else 0


if __name__ == '__main__':
    sys.exit(main())
