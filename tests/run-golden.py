#!/usr/bin/env python3
"""One golden case: runs a driver built from a template and compares its standard output
with the expected file, byte for byte. Reports one TAP line.

usage: run-golden.py [--update [--yes | -n]] NAME EXECUTABLE EXPECTED

--update: when the output differs, show the unified diff of the expected file and write
the output into it: with --yes at once, with -n never; else when standard input is a
terminal, after asking (scripts/update-golden runs it this way for every case).
"""
import difflib
import os
import subprocess
import sys

FLAGS = ('--update', '--yes', '-n')


def diff(expected, actual):
    return difflib.unified_diff(expected.decode('utf-8', 'replace').splitlines(True),
                                actual.decode('utf-8', 'replace').splitlines(True),
                                'expected', 'actual')


def check(name, p, expected):
    print('1..1')
    if p.returncode == 0 and p.stdout == expected:
        print(f'ok 1 - golden {name}')
        return 0
    print(f'not ok 1 - golden {name} (exit {p.returncode})')
    for line in diff(expected, p.stdout):
        sys.stdout.write('# ' + line.rstrip('\n') + '\n')
    if p.stderr:
        sys.stdout.write('# stderr: ' + p.stderr.decode('utf-8', 'replace') + '\n')
    return 1


def update(name, p, expected, expected_path, flags):
    """Shows the diff from the expected file to the output and writes it when allowed."""
    if p.returncode != 0:
        print(f'golden {name}: the driver exited with {p.returncode}; not updated')
        sys.stdout.write(p.stderr.decode('utf-8', 'replace'))
        return 1
    if p.stdout == expected:
        print(f'golden {name}: no change')
        return 0
    for line in difflib.unified_diff(expected.decode('utf-8', 'replace').splitlines(True),
                                     p.stdout.decode('utf-8', 'replace').splitlines(True),
                                     expected_path, expected_path + ' (updated)'):
        sys.stdout.write(line if line.endswith('\n') else line + '\n\\ No newline at end\n')
    if '-n' in flags or ('--yes' not in flags and not ask(expected_path)):
        print(f'not written: {expected_path}')
        return 0
    with open(expected_path, 'wb') as f:
        f.write(p.stdout)
    print(f'wrote {expected_path}')
    return 0


def ask(path):
    if not sys.stdin.isatty():
        print('(standard input is not a terminal: pass --yes to write)')
        return False
    return input(f'write {path}? [y/N] ').strip().lower() in ('y', 'yes')


def main(argv):
    flags = {a for a in argv if a in FLAGS}
    name, exe, expected_path = [a for a in argv if a not in FLAGS][:3]
    expected_path = os.path.normpath(expected_path)
    with open(expected_path, 'rb') as f:
        expected = f.read()
    p = subprocess.run([exe], capture_output=True, timeout=60)
    if '--update' in flags:
        return update(name, p, expected, expected_path, flags)
    return check(name, p, expected)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
