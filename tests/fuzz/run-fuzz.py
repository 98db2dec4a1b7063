#!/usr/bin/env python3
"""Runs one libFuzzer target for a set time and reports it as one TAP case.

usage: run-fuzz.py [--seconds N] [--timeout S] [--work DIR] [--save] EXE NAME FUZZ_DIR

The target starts from its seed corpus (FUZZ_DIR/corpus/NAME), its regressions
(FUZZ_DIR/regressions/NAME-*) and the units earlier runs found (WORK/corpus-NAME, where new
units go), with its dictionary (FUZZ_DIR/NAME.dict) when there is one. Inputs are at most
4 KB and each must finish in S seconds (default 1). A finding is a crash, a broken
invariant, a leak, a timeout or running out of memory: libFuzzer saves the input in
WORK/findings-NAME/, and with --save it is also copied into the corpus and, as
NAME-KIND-HASH, into the regressions (replayed by the `fuzz` suite of `make test`; rename
it after what it shows when you fix it). The TAP line gives the executions."""
import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seconds', type=int, default=60)
    ap.add_argument('--timeout', type=int, default=1)
    ap.add_argument('--work', default='fuzz-work')
    ap.add_argument('--save', action='store_true')
    ap.add_argument('exe')
    ap.add_argument('name')
    ap.add_argument('fuzz_dir')
    a = ap.parse_args()

    seeds = os.path.join(a.fuzz_dir, 'corpus', a.name)
    regressions = os.path.join(a.fuzz_dir, 'regressions')
    corpus = os.path.join(a.work, 'corpus-' + a.name)
    replay = os.path.join(a.work, 'regressions-' + a.name)
    findings = os.path.join(a.work, 'findings-' + a.name)
    for d in (corpus, findings):
        os.makedirs(d, exist_ok=True)
    shutil.rmtree(replay, ignore_errors=True)
    os.makedirs(replay)
    if os.path.isdir(regressions):  # libFuzzer takes directories: copy this target's
        for f in sorted(os.listdir(regressions)):
            if f.startswith(a.name + '-'):
                shutil.copy(os.path.join(regressions, f), replay)
    before = set(os.listdir(findings))

    cmd = [a.exe, corpus, seeds, replay, '-max_total_time=%d' % a.seconds,
           '-timeout=%d' % a.timeout, '-max_len=4096', '-rss_limit_mb=2048',
           '-print_final_stats=1', '-artifact_prefix=' + findings + '/']
    dictionary = os.path.join(a.fuzz_dir, a.name + '.dict')
    if os.path.exists(dictionary):
        cmd.append('-dict=' + dictionary)
    start = time.time()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       errors='replace', check=False)
    took = time.time() - start
    log = p.stdout
    with open(os.path.join(a.work, 'log-' + a.name + '.txt'), 'w') as f:
        f.write(' '.join(cmd) + '\n' + log)

    def stat(key):
        m = re.search(r'^stat::%s:\s*(\d+)' % key, log, re.M)
        return int(m.group(1)) if m else None

    execs = stat('number_of_executed_units')
    if execs is None:  # stopped by a finding: the last status line
        counts = re.findall(r'^#(\d+)\t', log, re.M)
        execs = int(counts[-1]) if counts else 0
    new = sorted(set(os.listdir(findings)) - before)
    # A timeout may be the machine's load (its cores are shared): it is a finding only if
    # the input is slow again, alone.
    flukes = [f for f in new if f.startswith('timeout-') and
              not reproduces(a.exe, os.path.join(findings, f), a.timeout)]
    new = [f for f in new if f not in flukes]
    saved = [save(os.path.join(findings, f), a) for f in new] if a.save else []

    print('1..1')
    summary = '%s: %d executions in %.0f s (%d/s), corpus %d units' % (
        a.name, execs, took, execs / max(took, 1), len(os.listdir(corpus)) +
        len(os.listdir(seeds)))
    if (p.returncode == 0 or flukes) and not new:
        print('ok 1 - %s, no finding%s' % (summary, ' (a timeout that did not recur: %s)' %
                                          ', '.join(flukes) if flukes else ''))
        return 0
    what = ', '.join(new) if new else 'exit status %d' % p.returncode
    print('not ok 1 - %s; FINDING: %s' % (summary, what))
    for s in saved:
        print('# saved as %s' % s)
    print('# ' + '\n# '.join(log.splitlines()[-60:]))
    return 1


def reproduces(exe, path, timeout):
    """Whether the input still times out, run alone (twice)."""
    for _ in range(2):
        p = subprocess.run([exe, '-timeout=%d' % timeout, path], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=False)
        if p.returncode == 0:
            return False
    return True


def save(path, a):
    """Copies a finding into the corpus and the regressions; returns the regression path."""
    data = open(path, 'rb').read()
    kind = os.path.basename(path).split('-')[0]
    digest = hashlib.sha1(data).hexdigest()
    shutil.copy(path, os.path.join(a.fuzz_dir, 'corpus', a.name, digest))
    dest = os.path.join(a.fuzz_dir, 'regressions', '%s-%s-%s' % (a.name, kind, digest[:8]))
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    shutil.copy(path, dest)
    return dest


sys.exit(main())
