#!/usr/bin/env python3
"""The oracle test: COUNT generated event combinations (fixed seed), each run through the
official TypeScript SDK, @starfederation/datastar-sdk 1.0.0 under Node.js (oracle.js),
and through starch-sdk-server, compared with the official rules (sdktest.py). One TAP
line per case. The SDK is installed in tests/datastar/node_modules by `npm ci` (run by
scripts/install-deps, from tests/datastar/package-lock.json).

usage: run-oracle.py SERVER ORACLE_JS COUNT
"""
import json
import os
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sdktest  # noqa: E402

SEED = 20240611


def main():
    server, oracle, count = sys.argv[1], os.path.abspath(sys.argv[2]), int(sys.argv[3])
    here = os.path.dirname(oracle)
    sdk = os.path.join(here, 'node_modules', '@starfederation', 'datastar-sdk')
    node = shutil.which('node')
    if node is None or not os.path.isdir(sdk):
        print('1..1')
        print('not ok 1 - oracle: needs node and the SDK (run scripts/install-deps, or '
              '`npm ci` in tests/datastar)')
        return 1
    out = subprocess.run([node, oracle, str(SEED), str(count)], cwd=here, check=True,
                         capture_output=True, text=True).stdout
    cases = [json.loads(line) for line in out.splitlines()]
    print(f'1..{len(cases)}')
    failed = 0
    with sdktest.Server(server) as srv:
        for i, case in enumerate(cases, 1):
            why = sdktest.check_response(*srv.request(case['method'], case['body']),
                                         case['expected'])
            if why is None:
                print(f'ok {i} - {case["name"]} ({case["method"]})')
            else:
                failed += 1
                print(f'not ok {i} - {case["name"]} ({case["method"]})')
                sdktest.tap_diag(why)
                sdktest.tap_diag('input: ' + case['body'])
    return 1 if failed else 0


sys.exit(main())
