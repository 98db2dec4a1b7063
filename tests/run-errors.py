#!/usr/bin/env python3
"""Error cases: each NAME.starch in DIR must make `starch --check NAME.starch` (run in DIR)
exit with status 1 and print exactly NAME.err on standard error. One TAP line per case.

usage: run-errors.py STARCH DIR
"""
import difflib
import os
import subprocess
import sys

starch, folder = os.path.abspath(sys.argv[1]), sys.argv[2]
cases = sorted(f[:-7] for f in os.listdir(folder) if f.endswith('.starch'))
print(f'1..{len(cases)}')
failed = 0
for i, name in enumerate(cases, 1):
    with open(os.path.join(folder, name + '.err'), 'rb') as f:
        expected = f.read()
    p = subprocess.run([starch, '--check', name + '.starch'], cwd=folder, capture_output=True,
                       timeout=30)
    if p.returncode == 1 and p.stderr == expected:
        print(f'ok {i} - error {name}')
        continue
    failed += 1
    print(f'not ok {i} - error {name} (exit {p.returncode})')
    for line in difflib.unified_diff(expected.decode('utf-8', 'replace').splitlines(True),
                                     p.stderr.decode('utf-8', 'replace').splitlines(True),
                                     'expected', 'actual'):
        sys.stdout.write('# ' + line.rstrip('\n') + '\n')
sys.exit(1 if failed else 0)
