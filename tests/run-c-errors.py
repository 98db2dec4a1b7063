#!/usr/bin/env python3
"""C errors in a template's C code, reported at the template's line and column: each
NAME.starch in DIR is compiled by `starch` (in a scratch directory, where the C compiler
finds the template by the name its #line directives give), then its .c by gcc and by
clang; the errors and warnings each prints (notes left out, the runtime's include
directory written RUNTIME, and a line and column in a runtime header LINE:COL: they move
with every edit of the header) must be exactly NAME.gcc and NAME.clang. One TAP line per case
and compiler.

usage: run-c-errors.py STARCH RUNTIME_INCLUDE_DIR DIR [--update]

--update writes what each compiler prints into NAME.gcc and NAME.clang (read the diff
before committing it: a new line there is a new message a user would see).
"""
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile

starch, include, folder = (os.path.abspath(a) for a in sys.argv[1:4])
update = sys.argv[4:] == ['--update']
cases = sorted(f[:-7] for f in os.listdir(folder) if f.endswith('.starch'))
compilers = ('gcc', 'clang')
DIAG = re.compile(r'^[^:\n]+:\d+(:\d+)?: (error|warning): ')


def diagnostics(cc, name, d):
    p = subprocess.run([cc, '-std=c11', '-Wall', '-Wextra', '-fsyntax-only', '-fno-diagnostics-color'
                        if cc == 'gcc' else '-fno-color-diagnostics', '-I', include, name + '.starch.c'],
                       cwd=d, capture_output=True, text=True, timeout=60, env=dict(os.environ, LC_ALL='C'))
    lines = [re.sub(r'^RUNTIME/([^:]+):\d+:\d+:', r'RUNTIME/\1:LINE:COL:',
                    l.replace(include + '/', 'RUNTIME/'))
             for l in p.stderr.splitlines() if DIAG.match(l)]
    return p.returncode, ''.join(l + '\n' for l in lines)


print(f'1..{len(cases) * len(compilers)}')
failed, i = 0, 0
for name in cases:
    with tempfile.TemporaryDirectory() as d:
        shutil.copy(os.path.join(folder, name + '.starch'), d)
        made = subprocess.run([starch, name + '.starch'], cwd=d, capture_output=True, text=True, timeout=30)
        for cc in compilers:
            i += 1
            if shutil.which(cc) is None:
                print(f'ok {i} - c-errors {name} {cc} # SKIP {cc} is not installed')
                continue
            with open(os.path.join(folder, f'{name}.{cc}')) as f:
                expected = f.read()
            rc, actual = diagnostics(cc, name, d) if made.returncode == 0 else (0, made.stderr)
            if update and made.returncode == 0 and rc != 0:
                with open(os.path.join(folder, f'{name}.{cc}'), 'w') as f:
                    f.write(actual)
                expected = actual
            if made.returncode == 0 and rc != 0 and actual == expected:
                print(f'ok {i} - c-errors {name} {cc}')
                continue
            failed += 1
            print(f'not ok {i} - c-errors {name} {cc} (starch exit {made.returncode}, {cc} exit {rc})')
            for line in difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                             'expected', 'actual'):
                sys.stdout.write('# ' + line.rstrip('\n') + '\n')
sys.exit(1 if failed else 0)
