#!/usr/bin/env python3
"""One golden case: runs a driver built from a template and compares its standard output
with the expected file, byte for byte. Reports one TAP line.

usage: run-golden.py NAME EXECUTABLE EXPECTED
"""
import difflib
import subprocess
import sys

name, exe, expected_path = sys.argv[1:4]
print('1..1')
with open(expected_path, 'rb') as f:
    expected = f.read()
p = subprocess.run([exe], capture_output=True, timeout=60)
if p.returncode == 0 and p.stdout == expected:
    print(f'ok 1 - golden {name}')
    sys.exit(0)
print(f'not ok 1 - golden {name} (exit {p.returncode})')
diff = difflib.unified_diff(expected.decode('utf-8', 'replace').splitlines(True),
                            p.stdout.decode('utf-8', 'replace').splitlines(True),
                            'expected', 'actual')
for line in diff:
    sys.stdout.write('# ' + line.rstrip('\n') + '\n')
if p.stderr:
    sys.stdout.write('# stderr: ' + p.stderr.decode('utf-8', 'replace') + '\n')
sys.exit(1)
