#!/usr/bin/env python3
"""`starch --watch`: one TAP line per check.

In a temporary directory, t.starch imports lib/item.starch; `starch --watch -o out
t.starch u.starch` runs in the background. Each step saves a template (as editors do: a temporary
file renamed over it, or written in place) and waits, at most TIMEOUT seconds, for the
output or the standard error to show the recompile. Every wait is bounded; at the end the
process gets SIGINT and must exit 0 (or is killed, and the check fails).

usage: run-watch.py STARCH
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

TIMEOUT = 1.0  # a saved template is recompiled within a second

ITEM = '{% component Item(const char *s) %}<li>{{ s }}</li>{% end %}\n'
PAGE = '{% import "lib/item.starch" %}\n{% component Page() %}<p>WORD</p>{% end %}\n'

results = []


def check(ok, name, detail=''):
    results.append(ok)
    print(f'{"ok" if ok else "not ok"} {len(results)} - {name}')
    if not ok and detail:
        for line in detail.rstrip().splitlines():
            print(f'#   {line}')


def wait_for(cond, timeout=TIMEOUT):
    """Polls cond() until it is true or timeout seconds have passed."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.01)
    return cond()


def read(path):
    try:
        with open(path, encoding='utf-8') as f:
            return f.read()
    except OSError:
        return ''


def inode(path):
    """The output's inode: starch writes a new file and renames it into place."""
    try:
        return os.stat(path).st_ino
    except OSError:
        return None


def save_rename(path, text):
    tmp = path + '.swp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write(text)
    os.replace(tmp, path)


def save_in_place(path, text):
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)


def steps(d, proc, err):
    out = os.path.join(d, 'out', 't.starch.c')
    page = os.path.join(d, 't.starch')
    item = os.path.join(d, 'lib', 'item.starch')
    check(wait_for(lambda: 'one' in read(out)), 'the first compile writes the output')
    check(wait_for(lambda: 'starch: watching 2 directories (Ctrl-C stops)' in read(err)),
          'it says when it watches (the directories of the input and of its import)', read(err))
    save_rename(page, PAGE.replace('WORD', 'two'))
    check(wait_for(lambda: 'two' in read(out)), 'a save by rename is recompiled within 1 s')
    save_in_place(page, PAGE.replace('WORD', 'three'))
    check(wait_for(lambda: 'three' in read(out)), 'a save in place is recompiled within 1 s')
    save_rename(page, '{% component\n')
    check(wait_for(lambda: "t.starch:1:1: error: unterminated '{%'" in read(err)),
          'a syntax error is reported on stderr', read(err))
    time.sleep(0.1)
    check(proc.poll() is None, 'the watcher keeps running after the error')
    check('three' in read(out), 'the error leaves the previous output in place')
    save_rename(page, PAGE.replace('WORD', 'four'))
    check(wait_for(lambda: 'four' in read(out)), 'the next good save recovers')
    def compiled():
        return read(err).splitlines().count('starch: t.starch: compiled')
    wait_for(lambda: compiled() == 4)  # (the line comes after the output is written)
    before = inode(out)
    save_rename(item, ITEM.replace('<li>', '<li class="imported">'))
    check(wait_for(lambda: compiled() == 5) and inode(out) == before,
          'a change to the imported template recompiles the importer (whose output, the same '
          'bytes, is left as it was)', read(err))
    save_rename(item, '{% component Item(\n')
    check(wait_for(lambda: "lib/item.starch:1:1: error: unterminated '{%'" in read(err)),
          'an error in the imported template is reported', read(err))
    save_in_place(item, ITEM)
    check(wait_for(lambda: compiled() == 6), 'fixing the imported template recovers',
          read(err))
    def counted():
        lines = read(err).splitlines()
        return (lines.count('starch: t.starch: compiled') == 6
                and lines.count('starch: t.starch: failed') == 2)
    check(wait_for(counted),
          'one line per compile: 6 compiled, 2 failed', read(err))
    check(read(err).splitlines().count('starch: u.starch: compiled') == 1,
          'the other input, which imports nothing that changed, is compiled once only',
          read(err))


def main():
    starch = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as d:
        os.mkdir(os.path.join(d, 'lib'))
        os.mkdir(os.path.join(d, 'out'))
        save_in_place(os.path.join(d, 'lib', 'item.starch'), ITEM)
        save_in_place(os.path.join(d, 't.starch'), PAGE.replace('WORD', 'one'))
        save_in_place(os.path.join(d, 'u.starch'), '{% component Other() %}x{% end %}\n')
        err_path = os.path.join(d, 'stderr.txt')
        with open(err_path, 'w') as err:
            proc = subprocess.Popen([starch, '--watch', '-o', 'out', 't.starch', 'u.starch'], cwd=d,
                                    stderr=err, stdin=subprocess.DEVNULL)
        try:
            steps(d, proc, err_path)
            proc.send_signal(signal.SIGINT)
            try:
                rc = proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                rc = 'still running after 2 s'
            check(rc == 0, 'SIGINT: exit 0', f'exit status: {rc}')
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    usage = subprocess.run([starch, '--watch', '--depfile', 'x.d', 'x.starch'],
                           capture_output=True, text=True, timeout=10)
    check(usage.returncode == 2 and "'--watch' writes no depfile" in usage.stderr,
          '--watch with --depfile is a usage error', usage.stderr)
    help_text = subprocess.run([starch, '--help'], capture_output=True, text=True,
                               timeout=10).stdout
    check('--watch' in help_text, '--help lists --watch')
    print(f'1..{len(results)}')
    return 0 if all(results) else 1


if __name__ == '__main__':
    sys.exit(main())
