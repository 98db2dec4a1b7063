#!/usr/bin/env python3
"""How compile time grows: for each shape of large template (many components, long text,
many interpolations, deep nesting just under the limits, ...), compiles generated
templates of n, 2n and 4n units and prints the times and the growth from n to 4n (about
4 when linear, 16 when quadratic). A measurement, not a test (no timing assertions).

usage: scale.py STARCH [N_FACTOR]    (e.g. build/compiler/starch; N_FACTOR scales n)"""
import os
import subprocess
import sys
import tempfile
import time

STARCH = os.path.abspath(sys.argv[1])
FACTOR = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
DIR = tempfile.mkdtemp(prefix='starch-scale-')


def comp(name, body, params='int x'):
    return '{%% component %s(%s) %%}\n%s{%% end %%}\n' % (name, params, body)


def nested_ifs(depth):
    return '{% if x %}\n' * depth + 'y\n' + '{% end %}\n' * depth


SHAPES = {
    'components': (4000, lambda n: ''.join(comp('C%d' % i, '<p>{{ x }}</p>\n')
                                            for i in range(n))),
    'components with slots': (2000, lambda n: ''.join(
        comp('L%d' % i, '<b>{% slot s %}</b>{% children %}\n') for i in range(n))),
    'renders': (4000, lambda n: comp('C', 'c\n') + comp('A', '{% render C(x) %}\n' * n)),
    'components rendering each other': (2000, lambda n: ''.join(
        comp('C%d' % i, '{%% render C%d(x) %%}\n' % (i - 1) if i else 'c\n') for i in range(n))),
    'calls with fills': (2000, lambda n: comp('L', '<b>{% slot s %}</b>{% children %}\n') +
                         comp('A', '{% call L(x) %}{% fill s %}f{% end %}c{% end %}\n' * n)),
    'text lines': (40000, lambda n: comp('A', '<p>some static text, a line of it</p>\n' * n)),
    'one long text line': (2000, lambda n: comp('A', '<p>' + 'text ' * n + '</p>\n')),
    'interpolations': (8000, lambda n: comp('A', '<p>{{ x }}</p>\n' * n)),
    'attributes': (4000, lambda n: comp('A', '<a href="/t/{{ x }}" data-on:click="@get(\'/x/'
                                        '{{ x }}\')" class="{{ x }}">l</a>\n' * n)),
    'deep nesting (149)': (20, lambda n: comp('A', nested_ifs(148) * n)),
    'elif chains (148)': (20, lambda n: comp('A', ('{% if x %}\n' + '{% elif x %}\n' * 147 +
                                                   '{% end %}\n') * n)),
    'nested elements (256)': (20, lambda n: comp('A', ('<div>' * 255 + '</div>' * 255 + '\n')
                                                 * n)),
    'loops': (2000, lambda n: comp('A', '{% for p in a, x %}<li>{{ *p }}</li>{% end %}\n' * n,
                                   'const int *a, int x')),
    'lets and ifs': (4000, lambda n: comp('A', '{% let int v = x %}{% if v %}y{% else %}n'
                                          '{% end %}\n' * n)),
    'slots': (1000, lambda n: comp('L', ''.join('{%% slot s%d %%}\n' % i for i in range(n))) +
              comp('A', '{% call L(x) %}\n' + ''.join('{%% fill s%d %%}f{%% end %%}\n' % i
                                                      for i in range(n)) + '{% end %}\n')),
    'parameters': (1000, lambda n: comp('A', '{{ p0 }}\n',
                                        ', '.join('int p%d' % i for i in range(n))) +
                   comp('B', '{% render A(' + ', '.join(['x'] * n) + ') %}\n')),
    'entity fields': (2000, lambda n: '{% entity E %}\n' +
                      ''.join('  f%d: string\n' % i for i in range(n)) + '{% end %}\n'),
    'entities': (2000, lambda n: ''.join('{%% entity E%d %%}\n  id: int\n  t: string\n'
                                          '{%% end %%}\n' % i for i in range(n))),
    'filters': (2000, lambda n: comp('A', '{{ x' + ' | raw' * n + ' }}\n')),
    'markdown blocks': (2000, lambda n: comp('A', '{% markdown %}\n*a* b\n{% end %}\n' * n)),
    'comments': (20000, lambda n: comp('A', '{# a comment #}\n' * n)),
    'errors': (20000, lambda n: '{% bogus %}\n' * n),
}


def run(text, name, check):
    path = os.path.join(DIR, name + '.starch')
    with open(path, 'w') as f:
        f.write(text)
    args = [STARCH, '--check', path] if check else [STARCH, '-o', DIR, path]
    best = None
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        e = time.perf_counter() - t
        best = e if best is None else min(best, e)
    return best, len(text)


print('%-26s %10s %9s %9s %9s %7s' % ('shape', 'bytes(4n)', 'n', '2n', '4n', '4n/n'))
for shape, (n0, make) in SHAPES.items():
    n = max(1, int(n0 * FACTOR))
    times = []
    for k in (1, 2, 4):
        t, size = run(make(n * k), 'scale', check=False)
        times.append(t)
    print('%-26s %10d %8.3fs %8.3fs %8.3fs %7.1f' % (shape, size, times[0], times[1], times[2],
                                                     times[2] / max(times[0], 1e-4)))
