#!/usr/bin/env python3
"""(Re)writes the seed corpora of tests/fuzz/corpus/ from the project's own test data.

  compile/  every template under tests/, templates/ and examples/, copied (named by path)
  escape/   the hostile strings of tests/browser/corpus.h and tests/golden/values.h, each
            behind the 10-byte header fuzz_escape.c reads (buffer mode, a number, a
            decimal count)
  signals/  Datastar signals for the Todo fixture, as JSON bodies and `datastar` query
            parameters, behind fuzz_signals.c's mode byte; signals grouped per entity,
            behind the group (`group-*`)
  sse/      options, strings and payloads in fuzz_sse.c's layout

Seeds are named `seed-*`; files with other names (findings, units saved by hand) are left
alone. Run it from anywhere: python3 tests/fuzz/make-seeds.py"""
import glob
import json
import os
import re
import struct
import urllib.parse

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
CORPUS = os.path.join(ROOT, 'tests', 'fuzz', 'corpus')


def c_strings(path):
    """The string literals of the first array initializer of a C file, concatenated
    literals joined, escapes decoded (bytes)."""
    text = open(path, encoding='utf-8').read()
    body = text[text.index('{', text.index('[]')) + 1:text.index('};')]
    body = re.sub(r'/\*.*?\*/', '', body, flags=re.S)
    values, cur = [], None
    for m in re.finditer(r'"((?:[^"\\]|\\.)*)"|(,)|(NULL)', body, re.S):
        if m.group(2) or m.group(3):
            if cur is not None:
                values.append(cur)
            cur = None
            continue
        cur = (cur or b'') + decode_c(m.group(1))
    if cur is not None:
        values.append(cur)
    return values


def decode_c(s):
    out, i = bytearray(), 0
    simple = {'n': 10, 't': 9, 'r': 13, '\\': 92, '"': 34, "'": 39, '0': 0, 'a': 7,
              'b': 8, 'f': 12, 'v': 11, '?': 63}
    while i < len(s):
        c = s[i]
        if c != '\\':
            out += c.encode('utf-8')
            i += 1
            continue
        e = s[i + 1]
        if e == 'x':
            j = i + 2
            while j < len(s) and s[j] in '0123456789abcdefABCDEF':
                j += 1
            out.append(int(s[i + 2:j], 16) & 0xff)
            i = j
        elif e in '01234567' and i + 2 < len(s) and s[i + 2] in '01234567':
            j = i + 1
            while j < len(s) and j < i + 4 and s[j] in '01234567':
                j += 1
            out.append(int(s[i + 1:j], 8) & 0xff)
            i = j
        else:
            out.append(simple[e])
            i += 2
    return bytes(out)


def clear(kind):
    d = os.path.join(CORPUS, kind)
    os.makedirs(d, exist_ok=True)
    for f in glob.glob(os.path.join(d, 'seed-*')):
        os.remove(f)
    return d


def write(d, name, data):
    with open(os.path.join(d, 'seed-' + name), 'wb') as f:
        f.write(data)


def compile_seeds():
    d = clear('compile')
    for top in ('tests', 'templates', 'examples'):
        for path in sorted(glob.glob(os.path.join(ROOT, top, '**', '*.starch'), recursive=True)):
            rel = os.path.relpath(path, ROOT)
            if 'node_modules' in rel or rel.startswith(os.path.join('tests', 'fuzz')):
                continue
            write(d, rel.replace('/', '_'), open(path, 'rb').read())


def escape_seeds():
    d = clear('escape')
    values = c_strings(os.path.join(ROOT, 'tests', 'browser', 'corpus.h'))
    values += c_strings(os.path.join(ROOT, 'tests', 'golden', 'values.h'))
    numbers = [0.0, -0.0, 1.5, -2.25, 1e21, 1e-7, 0.1, 123456789.125, 2.5, -0.5, 1e308,
               5e-324, float('nan'), float('inf'), 0.045, 1234.5]
    for i, v in enumerate(values):
        mode = (i * 37) & 0x1f
        header = bytes([mode]) + struct.pack('>d', numbers[i % len(numbers)]) + bytes([i % 10])
        write(d, '%03d' % i, header + v)


def signals_seeds():
    d = clear('signals')
    todo = {'id': 3, 'title': 'Milk <b>', 'done': False, 'priority': -2, 'score': 1.5,
            'tags': ['a', 'b\u2028'], 'owner': {'name': 'Ann', 'age': 40, 'admin': True},
            'notes': [{'label': 'x', 'weight': None}], 'ratings': [1, 2.5e300],
            'counts': [9007199254740993, -1], 'flags': [True, False]}
    note = {'id': 'k-1', 'text': 'hi', 'pinned': True}
    bodies = [json.dumps(todo), json.dumps(note), json.dumps({'title': 5}),
              '{"tags": [1]}', '{"owner": {"age": 1.5}}', '[]', '{"a":', '',
              json.dumps({'id': 1e18, 'score': None, 'done': 'yes'}),
              '{"title": "\\ud800"}', '{"counts": [1e19]}']
    n = 0
    for b in bodies:
        for method in (2, 3):  # POST, PUT: the body
            for mode in (0, 1, 2, 4 | 1):
                write(d, '%03d' % n, bytes([method << 3 | mode]) + b.encode('utf-8'))
                n += 1
        q = 'x=1&datastar=' + urllib.parse.quote(b, safe='') + '&datastar=%7B%7D'
        write(d, '%03d' % n, bytes([0 << 3 | 4]) + q.encode('ascii'))  # GET
        write(d, '%03d' % (n + 1), bytes([1 << 3]) + ('?' + q).encode('ascii'))  # DELETE
        n += 2
    write(d, '%03d' % n, bytes([0]) + b'x=1&y=%zz%4')
    group_seeds(d, todo, note)


def group_seeds(d, todo, note):
    """Signals grouped per entity (starch_signals_read_entity's group): the first byte's
    bits 6-7 say "" (1) or the bytes up to the first NUL (2, 3)."""
    get, delete, post, put, patch, head = range(6)

    def query(v):
        return 'datastar=' + urllib.parse.quote(json.dumps(v), safe='')

    cases = [
        (1, post, None, json.dumps(todo)),
        (1, put, None, json.dumps({'title': 5})),
        (2, post, 'draft', json.dumps({'draft': todo, 'filter': 'all'})),
        (2, get, 'draft', query({'draft': note, '_x': 1})),
        (3, delete, 'draft', '?' + query({'draft': {'title': 5}})),
        (2, patch, 'form.todo', json.dumps({'form': {'todo': todo}, 'todo': 1})),
        (2, post, 'form.todo', json.dumps({'form': {'todo': [1]}})),
        (2, post, 'draft', json.dumps({'draft': 5})),
        (2, post, 'nope', json.dumps({'draft': {}})),
        (2, post, 'draft.', json.dumps({'draft': {'title': 'x'}})),
        (2, post, '.draft', json.dumps({'draft': {'title': 'x'}})),
        (2, post, 'a..b', json.dumps({'a': {'': {'b': {}}}})),
        (2, post, 'draft', json.dumps({'draft': {'id': 1, 'done': True}})),
        (2, post, 'draft', '{"draft": {"title": "x"'),
        (2, get, 'draft', 'x=1'),
        (2, head, 'draft', json.dumps({'draft': note})),
    ]
    for i, (kind, method, group, signals) in enumerate(cases):
        prefix = group.encode('utf-8') + b'\0' if group is not None else b''
        write(d, 'group-%02d' % i,
              bytes([kind << 6 | method << 3 | (i & 7)]) + prefix + signals.encode('utf-8'))


def sse_seeds():
    d = clear('sse')
    cases = [
        (0, 0, 0, b'', [b'', b'', b'', b'', b'', b'', b'', b'', b'', b''], b'<div id="a">x</div>'),
        (1 | 2 | 8, 5, 0, b'', [b'ev-1', b'#todos', b'.t', b'type', b'module', b'nonce', b'x',
                                b'a.b', b'a.c', b'd'], b'<li>\r\n<b>\rx</b>\n</li>\n'),
        (4 | 16, 3 | 0x20, 1 | 8, b'', [b'', b'main > p', b'', b'defer', b'', b'', b'',
                                          b'count', b'', b''], b'{"count":3}\n'),
        (32 | 24, 9 | 0x40, 0x40, b'', [b'id\nx', b'', b'', b'a b', b'"', b'x', b'y', b'.a',
                                           b'a..b', b'a.'], b'alert(1)</script>'),
        (32 | 64 | 16, 4, 0, b'', [b'7', b'#x', b'', b'', b'', b'', b'', b'x', b'', b''],
         b'\n' * 40 + b'<p>' * 100),
    ]
    for i, (f0, f1, f2, _, strs, payload) in enumerate(cases):
        header = bytes([f0, f1, f2]) + struct.pack('>Q', 0x0000000400001388 + i)
        write(d, '%03d' % i, header + b'\0'.join(strs) + b'\0' + payload)


compile_seeds()
escape_seeds()
signals_seeds()
sse_seeds()
