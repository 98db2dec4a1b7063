#!/usr/bin/env python3
"""The compiler's limits (docs/language.md, "Limits"): for each, a template at the limit
compiles, one just over it gives exactly one clear error at the right place, and one far
over it (deep nesting that would overflow a recursive compiler's stack, or take quadratic
time) gives that same single error. The templates are generated, since they are large.
One TAP line per case.

usage: run-limits.py STARCH"""
import os
import subprocess
import sys
import tempfile

STARCH = os.path.abspath(sys.argv[1])
DIR = tempfile.mkdtemp(prefix='starch-limits-')
cases = []


def case(name):
    def add(fn):
        cases.append((name, fn))
        return fn
    return add


def write(name, text):
    with open(os.path.join(DIR, name), 'w', encoding='utf-8') as f:
        f.write(text)


def check(name, text, error=None, errors=None):
    """Compiles text as NAME.starch (--check). With error None it must compile; else the
    first diagnostic line must be `NAME.starch:ERROR` and the errors number `errors`
    (default 1). Returns a failure description or None."""
    write(name + '.starch', text)
    p = subprocess.run([STARCH, '--check', name + '.starch'], cwd=DIR, capture_output=True,
                       timeout=240)
    err = p.stderr.decode('utf-8', 'replace')
    if error is None:
        return None if p.returncode == 0 and err == '' else 'exit %d: %s' % (p.returncode,
                                                                            err[:300])
    first = err.split('\n', 1)[0]
    want = '%s.starch:%s' % (name, error)
    n = sum(1 for line in err.split('\n') if ': error: ' in line)
    if p.returncode != 1 or first != want:
        return 'exit %d, first line %r, expected %r' % (p.returncode, first[:300], want)
    if n != (errors or 1):
        return '%d errors, expected %d: %s' % (n, errors or 1, err[:300])
    return None


def component(body, params='int x'):
    return '{%% component A(%s) %%}\n%s{%% end %%}\n' % (params, body)


# ---- Nesting --------------------------------------------------------------------------

BLOCKS = 150  # LEX_MAX_DEPTH: the component is one level


def blocks(n):
    return component('{% if x %}\n' * n + 'y\n' + '{% end %}\n' * n)


@case('blocks nested to the limit compile')
def _():
    return check('blocks_limit', blocks(BLOCKS - 1))


@case('one block over the limit is an error')
def _():
    return check('blocks_over', blocks(BLOCKS),
                 '%d:1: error: blocks nested too deeply (limit %d)' % (BLOCKS + 1, BLOCKS))


@case('100000 nested blocks: one error')
def _():
    return check('blocks_far', blocks(100000),
                 '%d:1: error: blocks nested too deeply (limit %d)' % (BLOCKS + 1, BLOCKS))


@case('for loops with else nested to the limit compile (the parser stack holds them)')
def _():
    n = BLOCKS - 1
    return check('for_else_limit', component('{% for p in a, x %}{% else %}\n' * n + 'y\n' +
                                             '{% end %}\n' * n, 'const int *a, int x'))


def elifs(n):
    return component('{% if x %}\n' + '{% elif x %}\n' * n + '{% end %}\n')


@case('an elif chain to the limit compiles')
def _():
    return check('elif_limit', elifs(BLOCKS - 2))


@case('one elif over the limit is an error')
def _():
    return check('elif_over', elifs(BLOCKS - 1),
                 "%d:1: error: 'elif' branches and blocks nested too deeply (limit %d levels; "
                 "each 'elif' is one level)" % (BLOCKS + 1, BLOCKS))


@case('100000 elifs: one error')
def _():
    return check('elif_far', elifs(100000),
                 "%d:1: error: 'elif' branches and blocks nested too deeply (limit %d levels; "
                 "each 'elif' is one level)" % (BLOCKS + 1, BLOCKS))


BRACKETS = 256  # LEX_MAX_EXPR_DEPTH


def brackets(n):
    return component('{{ ' + '(\n' * n + 'x' + ')\n' * n + ' }}\n')


@case('brackets nested to the limit compile')
def _():
    return check('brackets_limit', brackets(BRACKETS))


@case('one bracket over the limit is an error')
def _():
    return check('brackets_over', brackets(BRACKETS + 1),
                 '%d:1: error: brackets nested too deeply (limit %d)' % (BRACKETS + 2, BRACKETS))


@case('a million nested brackets: one error')
def _():
    return check('brackets_far', brackets(1000000),
                 '%d:1: error: brackets nested too deeply (limit %d)' % (BRACKETS + 2, BRACKETS))


ELEMENTS = 256  # HTML_MAX_DEPTH


def elements(n):
    return component('<div>\n' * n + 'y\n' + '</div>\n' * n)


@case('elements nested to the limit compile')
def _():
    return check('elements_limit', elements(ELEMENTS))


@case('one element over the limit is an error')
def _():
    return check('elements_over', elements(ELEMENTS + 1),
                 '%d:1: error: elements nested too deeply (limit %d)' % (ELEMENTS + 2, ELEMENTS))


@case('200000 nested elements: one error')
def _():
    return check('elements_far', elements(200000),
                 '%d:1: error: elements nested too deeply (limit %d)' % (ELEMENTS + 2, ELEMENTS))


ENTITIES = 64  # CHECK_MAX_ENTITY_DEPTH


def entity_chain(n):
    """n entities, each holding the next by value (the last holds an int)."""
    text = ''
    for k in range(n):
        field = 'E%d' % (k + 1) if k + 1 < n else 'int'
        text += '{%% entity E%d %%}\n  f: %s\n{%% end %%}\n' % (k, field)
    return text


@case('entities held by value nested to the limit compile')
def _():
    return check('entities_limit', entity_chain(ENTITIES))


@case('one entity held by value over the limit is an error')
def _():
    return check('entities_over', entity_chain(ENTITIES + 1),
                 '%d:6: error: entities held by value nested too deeply (limit %d)'
                 % (3 * (ENTITIES - 1) + 2, ENTITIES))


FORWARDS = 64  # CHECK_MAX_FORWARD_DEPTH


def forward_chain(n):
    """n components, each forwarding its children into a call of the next (the last has
    its children slot at its top level): a chain of n components."""
    text = ''
    for k in range(n - 1):
        text += ('{%% component F%d() %%}\n{%% call F%d() %%}\n{%% children %%}\n{%% end %%}\n'
                 '{%% end %%}\n' % (k, k + 1))
    return text + '{%% component F%d() %%}\n<div>{%% children %%}</div>\n{%% end %%}\n' % (n - 1)


@case('slots forwarded through a chain of components at the limit compile')
def _():
    return check('forward_limit', forward_chain(FORWARDS))


@case('one component over the forwarding limit is an error')
def _():
    return check('forward_over', forward_chain(FORWARDS + 1),
                 '%d:9: error: slots forwarded through too many components (limit %d)'
                 % (5 * (FORWARDS - 1) + 2, FORWARDS))


@case('a chain of 5000 forwarding components: one error')
def _():
    return check('forward_far', forward_chain(5000),
                 '%d:9: error: slots forwarded through too many components (limit %d)'
                 % (5 * (FORWARDS - 1) + 2, FORWARDS))


TEMPLATES = 8  # JSLEX_MAX_TMPL


def template_literals(n):
    return component('<script>var s = ' + '`${' * n + ' 1 ' + '}`' * n + ';</script>\n', '')


@case('template literals nested to the limit compile')
def _():
    return check('js_templates_limit', template_literals(TEMPLATES))


@case('1000 nested template literals: one error')
def _():
    return check('js_templates_far', template_literals(1000),
                 "2:%d: error: template literals nested too deeply (more than %d '${')" %
                 (16 + 3 * TEMPLATES + 3, TEMPLATES))


# ---- Imports ----------------------------------------------------------------------------

IMPORT_DEPTH = 64  # IMPORTS_MAX_DEPTH: chains of 63 imports below the main template


def import_chain(prefix, n):
    for i in range(1, n + 1):
        nxt = '{%% import "%s%d.starch" %%}\n' % (prefix, i + 1) if i < n else ''
        write('%s%d.starch' % (prefix, i), nxt + '{%% component C%d() %%}x{%% end %%}\n' % i)
    return '{%% import "%s1.starch" %%}\n' % prefix + component('{% render C1() %}\n', '')


@case('a chain of imports to the limit compiles')
def _():
    return check('imports_deep', import_chain('deep', IMPORT_DEPTH - 1))


@case('one import deeper is an error')
def _():
    text = import_chain('deeper', IMPORT_DEPTH)
    write('imports_deeper.starch', text)
    p = subprocess.run([STARCH, '--check', 'imports_deeper.starch'], cwd=DIR,
                       capture_output=True, timeout=240)
    err = p.stderr.decode()
    want = 'deeper%d.starch:1:12: error: imports nested too deeply (limit %d)' % (
        IMPORT_DEPTH - 1, IMPORT_DEPTH)
    if p.returncode != 1 or err.split('\n', 1)[0] != want:
        return 'exit %d, first line %r, expected %r' % (p.returncode, err[:200], want)
    return None


IMPORT_FILES = 256  # IMPORTS_MAX_FILES, the main template included


def import_fan(prefix, n):
    for i in range(n):
        write('%s%d.starch' % (prefix, i), '{%% component C%d() %%}x{%% end %%}\n' % i)
    return ''.join('{%% import "%s%d.starch" %%}\n' % (prefix, i) for i in range(n)) + \
        component('y\n', '')


@case('as many imported templates as the limit allows compile')
def _():
    return check('imports_many', import_fan('many', IMPORT_FILES - 1))


@case('one imported template over the limit is an error')
def _():
    return check('imports_too_many', import_fan('toomany', IMPORT_FILES),
                 "%d:12: error: too many imported templates (limit %d): imports reach "
                 "'toomany%d.starch'" % (IMPORT_FILES, IMPORT_FILES, IMPORT_FILES - 1))


# ---- Size, lines, errors ---------------------------------------------------------------

SIZE = 16 << 20  # STARCH_MAX_TEMPLATE_SIZE
LINE = 64 << 10  # STARCH_MAX_LINE_LENGTH


def sized(n):
    """A template of exactly n bytes: one component, text lines of 99 bytes."""
    head, tail = '{% component A() %}\n', '{% end %}\n'
    body = n - len(head) - len(tail)
    rest = body % 100
    return head + ('x' * 99 + '\n') * (body // 100) + ('y' * (rest - 1) + '\n') * (rest > 0) + tail


@case('a template of the largest size compiles')
def _():
    t = sized(SIZE)
    assert len(t.encode()) == SIZE
    return check('size_limit', t)


@case('a template one byte larger is an error')
def _():
    t = sized(SIZE + 1)
    line = t.encode()[:SIZE].count(b'\n') + 1
    col = SIZE - t.encode()[:SIZE].rfind(b'\n')
    return check('size_over', t,
                 '%d:%d: error: the template is larger than %d bytes (16 MiB), the limit' %
                 (line, col, SIZE))


@case('a line of the longest length compiles')
def _():
    return check('line_limit', component('<p>' + 'x' * (LINE - 7) + '</p>\n', ''))


@case('a line one byte longer is an error')
def _():
    return check('line_over', component('<p>' + 'x' * (LINE - 6) + '</p>\n', ''),
                 '2:%d: error: this line is longer than %d bytes (64 KiB), the limit' %
                 (LINE + 1, LINE))


@case('10000 errors: the first 50 are reported, then a note that reporting stopped')
def _():
    r = check('many_errors', '{% bogus %}\n' * 10000, "1:4: error: unknown tag 'bogus'", 50)
    if r:
        return r
    p = subprocess.run([STARCH, '--check', 'many_errors.starch'], cwd=DIR, capture_output=True,
                       timeout=240)
    last = p.stderr.decode().rstrip('\n').rsplit('\n', 1)[-1]
    want = 'starch: too many errors (50); stopping reports here'
    return None if last == want else 'last line %r' % last


print('1..%d' % len(cases))
failed = 0
for i, (name, fn) in enumerate(cases, 1):
    why = fn()
    print(('ok %d - %s' if why is None else 'not ok %d - %s: ' + str(why).replace('%', '%%'))
          % (i, name))
    failed += why is not None
sys.exit(1 if failed else 0)
