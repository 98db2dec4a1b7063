#!/usr/bin/env python3
"""The room check (tests/fuzz/README.md, "Rooms"): random well-formed templates
(rooms/gen.py), each batch compiled in process by the compiler library (rooms/compile.c,
which also checks that it compiles with no diagnostic and gives the same bytes twice),
its C compiled with STARCH_CHECKED,
AddressSanitizer and UndefinedBehaviorSanitizer against the checked runtime, and rendered
with random values. A batch fails on a compile error (template or C), a checked build's
stop, a sanitizer report or a render error. One TAP line per seed; a failed batch's files
stay in the work dir (rooms-SEED/) with its output.

usage: run-rooms.py --compiler ROOMS_COMPILE --cc CC... --cflags FLAG... --link LIB...
                    --work DIR (--seeds FIRST-LAST | --seconds N [--from SEED]) [--count N]
"""
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'rooms'))
import gen  # noqa: E402

OPTIONS = ('--compiler', '--cc', '--cflags', '--link', '--work', '--seeds', '--seconds', '--from',
           '--count')
SANITIZE = ['-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-O0', '-g']
# Generated lets and parameters a component need not use; nothing else is relaxed.
WARNINGS = ['-Wall', '-Wextra', '-Werror', '-Wno-unused-parameter', '-Wno-unused-variable']


def parse(argv):
    groups, cur = {o: [] for o in OPTIONS}, None
    for word in argv:
        if word in OPTIONS:
            cur = word
        elif cur is None:
            sys.exit(__doc__)
        else:
            groups[cur].append(word)
    if not groups['--compiler'] or not groups['--cc'] or not groups['--work']:
        sys.exit(__doc__)
    # the batches run in their own folders: paths made absolute
    groups['--compiler'] = [os.path.abspath(groups['--compiler'][0])]
    groups['--work'] = [os.path.abspath(groups['--work'][0])]
    groups['--link'] = [os.path.abspath(x) if os.path.exists(x) else x for x in groups['--link']]
    groups['--cflags'] = ['-I' + os.path.abspath(x[2:]) if x.startswith('-I') else x
                          for x in groups['--cflags']]
    return groups


def run(cmd, cwd, timeout=600):
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, errors='replace',
                           timeout=timeout)
        return p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired:
        return -1, 'timed out after %d s' % timeout


def batch(opts, seed, count):
    """None when the batch passes, else what went wrong."""
    work = os.path.join(opts['--work'][0], 'rooms-%d' % seed)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    template, driver = gen.gen_batch(seed, count)
    with open(os.path.join(work, 'rooms.starch'), 'w') as f:
        f.write(template)
    with open(os.path.join(work, 'main.c'), 'w') as f:
        f.write(driver)
    rc, out = run([opts['--compiler'][0], 'rooms.starch'], work)
    if rc != 0:
        return 'compile: ' + out
    rc, out = run(opts['--cc'] + ['-std=c11', '-D_POSIX_C_SOURCE=200809L', '-DSTARCH_CHECKED'] +
                  WARNINGS + SANITIZE + opts['--cflags'] + ['-I.', 'rooms.starch.c', 'main.c',
                  '-o', 'rooms'] + opts['--link'], work)
    if rc != 0:
        return 'cc: ' + out
    env = dict(os.environ, ASAN_OPTIONS='detect_leaks=1:halt_on_error=1',
               UBSAN_OPTIONS='halt_on_error=1:print_stacktrace=1')
    try:
        p = subprocess.run(['./rooms'], cwd=work, capture_output=True, text=True,
                           errors='replace', env=env, timeout=600)
        rc, out = p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired:
        rc, out = -1, 'timed out after 600 s'
    if rc != 0:
        with open(os.path.join(work, 'output.txt'), 'w') as f:
            f.write(out)
        return 'render (exit %d): %s' % (rc, out)
    shutil.rmtree(work, ignore_errors=True)
    return None


def main():
    opts = parse(sys.argv[1:])
    count = int(opts['--count'][0]) if opts['--count'] else 20
    failed = 0
    if opts['--seeds']:
        first, last = (int(x) for x in opts['--seeds'][0].split('-'))
        seeds = range(first, last + 1)
        print('1..%d' % len(seeds), flush=True)
        for i, seed in enumerate(seeds, 1):
            err = batch(opts, seed, count)
            failed += err is not None
            print('%sok %d - seed %d, %d templates' % ('not ' if err else '', i, seed, count))
            if err:
                print('# ' + '\n# '.join(err.splitlines()[:60]))
            sys.stdout.flush()
    else:
        end = time.time() + float(opts['--seconds'][0])
        seed = int(opts['--from'][0]) if opts['--from'] else int(time.time())
        done = 0
        while time.time() < end:
            err = batch(opts, seed, count)
            done += 1
            if err:
                failed += 1
                print('seed %d: FAILED (files in %s/rooms-%d)\n%s' % (
                    seed, opts['--work'][0], seed, '\n'.join(err.splitlines()[:60])))
            seed += 1
        print('rooms: %d batches of %d templates, %d failed' % (done, count, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
