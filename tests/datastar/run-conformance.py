#!/usr/bin/env python3
"""The Datastar SDK conformance cases against starch-sdk-server, with the official
comparison rules (sdktest.py). Each case folder holds input.json (sent as the `datastar`
parameter of a GET under get/, as the body of a POST under post/) and output.txt (the
expected SSE). Every case runs against the server in both daemon modes (a thread per
connection, and polling with suspend/resume). One TAP line per case and mode.

usage: run-conformance.py SERVER DIR…
"""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sdktest  # noqa: E402


def cases(root):
    found = []
    for method in ('get', 'post'):
        folder = os.path.join(root, method)
        if os.path.isdir(folder):
            for name in sorted(os.listdir(folder)):
                found.append((method.upper(), f'{os.path.basename(root)}/{method}/{name}',
                              os.path.join(folder, name)))
    return found


def main():
    server, roots = sys.argv[1], sys.argv[2:]
    missing = [r for r in roots if not cases(r)]
    if missing:  # the official cases live beside the checkout (../shared): never skip them
        print('1..1')
        print('not ok 1 - no cases found in ' + ' '.join(missing))
        return 1
    all_cases = [c for r in roots for c in cases(r)]
    modes = [('threads', ()), ('poll', ('--poll',))]
    print(f'1..{len(all_cases) * len(modes)}')
    n = failed = 0
    for mode, args in modes:
        with sdktest.Server(server, *args) as srv:
            for method, name, folder in all_cases:
                n += 1
                with open(os.path.join(folder, 'input.json'), encoding='utf-8') as f:
                    body = f.read()
                with open(os.path.join(folder, 'output.txt'), encoding='utf-8') as f:
                    expected = f.read()
                why = sdktest.check_response(*srv.request(method, body), expected)
                if why is None:
                    print(f'ok {n} - {name} ({mode})')
                else:
                    failed += 1
                    print(f'not ok {n} - {name} ({mode})')
                    sdktest.tap_diag(why)
    return 1 if failed else 0


sys.exit(main())
