"""Random well-formed templates for the room check (tests/fuzz/README.md, "Rooms").

gen_batch(seed, count) returns (template, driver): a template of `count` components built
from the grammar (every construct: text short and past a chunk, interpolations in every
context with every value type, fmt, json, raw, markdown, boolean attributes, if/elif/else,
for-in with and without else and loop, C for, let, render, components with slots called
with fill and children), and a C driver that renders each component with random values
(from the seed) into a plain, a stack-backed and a streaming buffer. Deterministic: the
same seed gives the same files.
"""
import random

PARAMS = ('const char *s, const char *t, int n, long long big, unsigned u, double d, float f, '
          'bool b, char c, const int *xs, size_t nx, const char *const *ss, size_t ns')
ARGS = 's, t, n, big, u, d, f, b, c, xs, nx, ss, ns'
WORDS = ('lorem ipsum dolor sit amet &amp; consectetur adipiscing elit sed do eiusmod '
         'tempor incididunt ut labore et dolore magna aliqua').split()


class Scope:
    """The C names a template position can use, by kind."""

    def __init__(self, parent=None):
        self.v = {k: list(x) for k, x in (parent.v if parent else {
            'str': ['s', 't', '(b ? s : t)'],
            'int': ['n', 'big', 'u', '(n % 1000)', '(int)nx'],
            'dbl': ['d', 'f', '(d / 3)'],
            'bool': ['b', '(n > 0)'],
            'chr': ['c'],
        }).items()}
        self.loop = parent.loop if parent else False

    def child(self):
        return Scope(self)


def slot_tag(name):
    return '{%% slot %s %%}' % name if name else '{% children %}'


class Gen:
    def __init__(self, rng, n_components):
        self.r = rng
        self.uid = 0
        self.n = n_components
        self.slots = {}  # component index -> (named slots, has children)

    def name(self, prefix):
        self.uid += 1
        return f'{prefix}{self.uid}'

    def chance(self, p):
        return self.r.random() < p

    # ---- values ------------------------------------------------------------------------
    def expr(self, sc, kinds=('str', 'int', 'dbl', 'bool', 'chr')):
        kind = self.r.choice(kinds)
        opts = sc.v[kind] + (['loop.index', 'loop.index0', 'loop.length'] if sc.loop and kind == 'int' else []) \
            + (['loop.first', 'loop.last'] if sc.loop and kind == 'bool' else [])
        return kind, self.r.choice(opts)

    def interp(self, sc, ctx):
        """{{ ... }} for a context: text, attr, url, js, js_str, css, ds."""
        if ctx == 'css':
            return '{{ %s }}' % self.r.choice(sc.v['int'] + sc.v['dbl'])
        kind, e = self.expr(sc)
        x = self.r.random()
        if x < 0.12 and kind == 'dbl':
            return '{{ %s | fmt("%%.%df") }}' % (e, self.r.randrange(0, 18))
        if x < 0.18:
            fmt = self.r.choice([('"%d!"', '(int)n'), ('"%lld"', 'big'), ('"<%s>"', 't'),
                                 ('"%12.4e"', 'd'), ('"%.*f"', '3, d'), ('"%s%s%s"', 't, t, t')])
            return '{{ %s | fmt(%s) }}' % (fmt[1], fmt[0])
        if x < 0.24 and ctx in ('text', 'attr', 'js'):
            return '{{ %s | json }}' % e
        if x < 0.28 and ctx == 'text':
            return '{{ %s | raw }}' % e
        if x < 0.31 and ctx == 'text':
            return '{{ t | markdown }}'
        return '{{ %s }}' % e

    def text(self):
        if self.chance(0.05):  # past a chunk (2 KB) or a batch
            return ' '.join(self.r.choice(WORDS) for _ in range(self.r.randrange(300, 1500)))
        return ' '.join(self.r.choice(WORDS) for _ in range(self.r.randrange(1, 6)))

    # ---- attributes --------------------------------------------------------------------
    def attrs(self, sc, tag):
        kinds = ['class', 'title', 'id', 'data-x', 'bool', 'style', 'onclick', 'ds-signals',
                 'ds-text', 'ds-on', 'ds-attr', 'cond']
        out = []
        for k in self.r.sample(kinds, self.r.randrange(0, 5)):
            if k == 'class':
                out.append('class="c %s d"' % self.interp(sc, 'attr'))
            elif k == 'title':
                out.append("title='%s'" % self.interp(sc, 'attr'))
            elif k == 'id':
                out.append('id=%s' % self.interp(sc, 'attr'))
            elif k == 'data-x':
                out.append('data-x="%s%s"' % (self.interp(sc, 'attr'), self.interp(sc, 'attr')))
            elif k == 'bool':
                out.append('hidden?={{ %s }}' % self.r.choice(sc.v['bool']))
            elif k == 'style':
                out.append('style="width: %spx; opacity: %s"' % (self.interp(sc, 'css'), self.interp(sc, 'css')))
            elif k == 'onclick':
                out.append("onclick=\"f(%s, '%s', /%s/)\"" % (
                    self.interp(sc, 'js'), self.interp(sc, 'js_str'), self.interp(sc, 'js_str')))
            elif k == 'ds-signals':
                out.append('data-signals="{v: %s}"' % self.interp(sc, 'js'))
            elif k == 'ds-text':
                out.append('data-text="$v + %s"' % self.interp(sc, 'js'))
            elif k == 'ds-on':
                out.append("data-on:click=\"@post('/i/%s?q=%s')\"" % (
                    self.interp(sc, 'js_str'), self.interp(sc, 'js_str')))
            elif k == 'ds-attr':
                out.append('data-attr:href="%s"' % self.interp(sc, 'url'))
            elif k == 'cond':
                out.append('data-k="{%% if %s %%}on{%% elif %s %%}%s{%% else %%}off{%% end %%}"' % (
                    self.r.choice(sc.v['bool']), self.r.choice(sc.v['bool']), self.interp(sc, 'attr')))
        return ''.join(' ' + a for a in out)

    # ---- text-state nodes --------------------------------------------------------------
    def nodes(self, sc, depth, budget, top=None):
        """A list of nodes in HTML text state; top = the slots still to place (layouts)."""
        parts = []
        for _ in range(self.r.randrange(1, budget + 1)):
            parts.append(self.node(sc, depth, top is not None))
            if top and self.chance(0.4):
                parts.append(slot_tag(top.pop()))
        while top:
            parts.append(slot_tag(top.pop()))
        return '\n'.join(parts)

    def node(self, sc, depth, layout_top=False):
        k = self.r.random()
        deep = depth < 3
        if k < 0.12:
            return self.text()
        if k < 0.25:
            return '%s %s %s' % (self.text(), self.interp(sc, 'text'), self.interp(sc, 'text'))
        if k < 0.35 and deep:
            tag = self.r.choice(['div', 'span', 'p', 'section', 'b'])
            return '<%s%s>%s</%s>' % (tag, self.attrs(sc, tag), self.nodes(sc.child(), depth + 1, 3), tag)
        if k < 0.40:
            return self.r.choice([
                '<a href="%s">x</a>' % self.interp(sc, 'url'),
                '<a href="/p/%s?q=%s&amp;r=%s#%s">y</a>' % tuple(self.interp(sc, 'url') for _ in range(4)),
                '<img src="/i.png" srcset="%s 2x, /b.png 3x" alt="">' % self.interp(sc, 'url'),
                '<a href=%s>z</a>' % self.interp(sc, 'url'),
            ])
        if k < 0.45:
            return ('<script>var a = %s, b = "%s", t = `%s`, r = /%s/g;\n  var e = [%s] / %s;</script>'
                    % (self.interp(sc, 'js'), self.interp(sc, 'js_str'), self.interp(sc, 'js_str'),
                       self.interp(sc, 'js_str'), self.interp(sc, 'js'), self.interp(sc, 'js')))
        if k < 0.48:
            return '<style>.a { margin: %spx %sem; }</style>' % (self.interp(sc, 'css'), self.interp(sc, 'css'))
        if k < 0.51:
            return self.r.choice(['<textarea>%s</textarea>', '<title>%s</title>']) % self.interp(sc, 'attr')
        if k < 0.51:
            return ''
        if k < 0.60 and deep:
            out = '{%% if %s %%}%s' % (self.r.choice(sc.v['bool']), self.nodes(sc.child(), depth + 1, 2))
            for _ in range(self.r.randrange(0, 3)):
                out += '{%% elif %s %%}%s' % (self.r.choice(sc.v['bool']), self.nodes(sc.child(), depth + 1, 2))
            if self.chance(0.6):
                out += '{%% else %%}%s' % self.nodes(sc.child(), depth + 1, 2)
            return out + '{% end %}'
        if k < 0.70 and deep:
            inner = sc.child()
            inner.loop = True
            if self.chance(0.6) and not sc.loop:  # one level over xs (up to 1000 long)
                x = self.name('x')
                inner.v['int'].append('*' + x)
                head = '{%% for %s in xs, nx %%}' % x
            else:
                y = self.name('y')
                inner.v['str'].append('*' + y)
                head = '{%% for %s in ss, ns %%}' % y
            # a pure body (text and values) is batched; a body with elements is not
            body = self.nodes(inner, depth + 1, 3) if self.chance(0.5) else \
                '%s%s' % (self.interp(inner, 'text'), self.text() if self.chance(0.5) else '')
            out = head + body
            if self.chance(0.3):
                out += '{%% else %%}%s' % self.nodes(sc.child(), depth + 1, 2)
            return out + '{% end %}'
        if k < 0.75 and deep:
            inner = sc.child()
            i = self.name('i')
            inner.v['int'].append(i)
            # counted loops (cloop.c: room for a batch of iterations at once) of each
            # test and step, one from below zero, and one that is not counted
            heads = ['int %s = 0; %s < (n & 7); %s++', 'int %s = 0; %s <= (n & 7); ++%s',
                     'unsigned %s = 0; %s != (unsigned)(n & 7); %s += 1',
                     'int %s = -3; %s < (n & 7); %s++', 'int %s = 0; %s < (n & 7); %s = %s + 1']
            head = self.r.choice(heads).replace('%s', i)
            if self.chance(0.3):  # a pure body, many times: batches end and begin again
                head = 'int %s = 0; %s < (n & 7) * 50; %s++' % (i, i, i)
                body = '%s%s' % (self.interp(inner, 'text'), self.text())
            else:
                body = self.nodes(inner, depth + 1, 2)
            return '{%% for (%s) %%}%s{%% end %%}' % (head, body)
        if k < 0.80 and not layout_top:
            v = self.name('k')
            if self.chance(0.5):
                sc.v['int'].append(v)
                return '{%% let int %s = n %% 97 %%}' % v
            sc.v['str'].append(v)
            return '{%% let const char *%s = b ? t : s; %%}' % v
        if k < 0.90 and self.cur > 0 and not sc.loop and self.renders < 1:
            self.renders += 1  # few and outside loops: renders of renders multiply
            j = self.r.randrange(0, self.cur)
            if j in self.slots and self.chance(0.7) and depth < 3:
                names, children = self.slots[j]
                fills = [n for n in names if self.chance(0.7)]
                self.r.shuffle(fills)
                # the caller's content: here, the caller's parameters
                body = ''.join('{%% fill %s %%}%s{%% end %%}' % (nm, self.nodes(Scope(), depth + 1, 2))
                               for nm in fills)
                if children and self.chance(0.8):
                    body += self.nodes(Scope(), depth + 1, 2)
                return '{%% call C%d(%s) %%}%s{%% end %%}' % (j, ARGS, body)
            return '{%% render C%d(%s) %%}' % (j, ARGS)
        return self.interp(sc, 'text')

    def component(self, i):
        self.cur = i
        self.renders = 0
        top = None
        if self.chance(0.35):
            names = ['s%d' % k for k in range(self.r.randrange(0, 3))]
            children = self.chance(0.7) or not names
            self.slots[i] = (names, children)
            top = names + ([''] if children else [])
            self.r.shuffle(top)
        body = self.nodes(Scope(), 0, 6, top)
        return '{%% component C%d(%s) %%}\n%s\n{%% end %%}\n' % (i, PARAMS, body)


STRINGS = ['""', '"a"', r'"<b>&amp;\"\'</b>"', '"javascript:alert(1)"',
           '"https://x.example/a b?c=d&e#f"', r'"\xe2\x80\xa8 line\nbreak\t\x01"',
           r'"@$`/\\ ${x} </script>"', r'"\xff\xfe invalid \xc3"', '"%s %n %d"', '"1e21"',
           # line breaks of every kind, a value ending in \r or starting with \n (SSE events)
           r'"a\r"', r'"\nb"', r'"x\r\ny\r"']


def c_string_long(r):
    unit = r.choice(['x', '<', r'\"&', r'\xc3\xa9\xe2\x82\xac', '@$`/', '\\\\', ' ', 'ab',
                     r'a\r\n', r'\rb\n'])
    return '"' + unit * r.randrange(100, 1500) + '"'


def driver(r, count, prefix):
    """main(): every component with each value set, into three kinds of buffer."""
    sets = []
    for k in range(4):
        long_strings = k == 1
        big_loops = k == 2
        s = c_string_long(r) if long_strings else r.choice(STRINGS + ['NULL'])
        t = c_string_long(r) if long_strings and r.random() < 0.5 else r.choice(STRINGS)
        nx = r.choice([0, 1, 2, 5, 17]) if not big_loops else r.choice([129, 300, 700])
        xs = [r.choice([0, -1, 7, 2147483647, -2147483648, 123456, 99]) for _ in range(max(nx, 1))]
        ns = r.choice([0, 1, 3]) if not big_loops else 40
        ss = [r.choice(STRINGS) for _ in range(max(ns, 1))]
        sets.append(dict(
            s=s, t=t, n=r.choice(['0', '-1', '7', 'INT_MIN', 'INT_MAX', '1000']),
            big=r.choice(['0', 'LLONG_MIN', 'LLONG_MAX', '-1234567890123LL']),
            u=r.choice(['0u', 'UINT_MAX', '42u']),
            d=r.choice(['0.0', '-0.0', '1e300', '-1.5e-300', 'NAN', 'INFINITY', '-INFINITY',
                        '123456789.123456789', '-1e21', '2.5']),
            f=r.choice(['0.1f', 'FLT_MAX', '-FLT_MIN', '(float)NAN', '19.99f']),
            b=r.choice(['true', 'false']), c=r.choice(["'a'", "'<'", "'\"'", "'&'", "'\\\\'", "'\\n'"]),
            xs='{' + ', '.join(map(str, xs)) + '}', nx=nx, ss='{' + ', '.join(ss) + '}', ns=ns))
    out = ['/* Generated by tests/fuzz/rooms/gen.py. */',
           '#include <float.h>', '#include <limits.h>', '#include <math.h>', '#include <stdio.h>',
           '#include <stdlib.h>', '#include <string.h>', '#include "rooms.starch.h"', '',
           'static int sink(void *ctx, const char *data, size_t len)',
           '{', '    *(size_t *)ctx += len;', '    (void)data;', '    return 0;', '}', '',
           'typedef void (*render_fn)(starch_out *out, const char *s, const char *t, int n, long long big,',
           '                          unsigned u, double d, float f, bool b, char c, const int *xs,',
           '                          size_t nx, const char *const *ss, size_t ns);',
           'static const render_fn components[] = {']
    out += ['    %s_C%d,' % (prefix, i) for i in range(count)]
    out += ['};', '', 'int main(void)', '{', '    int failed = 0;']
    for k, v in enumerate(sets):
        out += ['    {',
                '        static const int xs[] = %s;' % v['xs'],
                '        static const char *const ss[] = %s;' % v['ss'],
                '        for (size_t i = 0; i < sizeof components / sizeof components[0]; i++) {',
                '            starch_out a, b, c;',
                '            char stack[48];',
                '            size_t streamed = 0;',
                '            starch_out_init(&a);',
                '            starch_out_init_buffer(&b, stack, sizeof stack);',
                '            starch_out_init(&c);',
                '            starch_out_set_flush(&c, sink, &streamed);',
                '            starch_out *outs[] = {&a, &b, &c};',
                '            for (int o = 0; o < 3; o++)',
                '                components[i](outs[o], %s, %s, %s, %s, %s, %s, %s, %s, %s, xs, %d, ss, %d);'
                % (v['s'], v['t'], v['n'], v['big'], v['u'], v['d'], v['f'], v['b'], v['c'], v['nx'], v['ns']),
                '            starch_out_flush(&c);',
                '            if (starch_out_error(&a) || starch_out_error(&b) || starch_out_error(&c) ||',
                '                starch_out_len(&a) != starch_out_len(&b) || streamed != starch_out_len(&a)) {',
                '                printf("C%%zu, value set %d: error %%d %%d %%d, lengths %%zu %%zu %%zu\\n", i,' % k,
                '                       starch_out_error(&a), starch_out_error(&b), starch_out_error(&c),',
                '                       starch_out_len(&a), starch_out_len(&b), streamed);',
                '                failed = 1;',
                '            }',
                '            starch_out_free(&a);', '            starch_out_free(&b);',
                '            starch_out_free(&c);',
                # into a Datastar event: through the component's SSE variant (or the
                # runtime's conversion), into a plain and a stack-backed destination, and
                # as the runtime converts the component rendered into a plain buffer; the
                # second time after elements already begun, ending in a '\r'
                '            for (int pre = 0; pre < 2; pre++) {',
                '                starch_out d1, d2, d3, plain;',
                '                char stack2[48];',
                '                starch_out_init(&d1);',
                '                starch_out_init(&d2);',
                '                starch_out_init_buffer(&d3, stack2, sizeof stack2);',
                '                starch_out_init(&plain);',
                '                starch_out *dsts[] = {&d1, &d3};',
                '                for (int o = 0; o < 2; o++) {',
                '                    starch_sse_stream st;',
                '                    starch_out *e = starch_sse_elements_begin(&st, dsts[o], NULL);',
                '                    if (pre)',
                '                        starch_out_write(e, "<i>\\r", 4);',
                '                    components[i](e, %s, %s, %s, %s, %s, %s, %s, %s, %s, xs, %d, ss, %d);'
                % (v['s'], v['t'], v['n'], v['big'], v['u'], v['d'], v['f'], v['b'], v['c'], v['nx'], v['ns']),
                '                    if (starch_sse_elements_end(&st, NULL) != STARCH_OK)',
                '                        failed = 1;',
                '                }',
                '                if (pre)',
                '                    starch_out_write(&plain, "<i>\\r", 4);',
                '                components[i](&plain, %s, %s, %s, %s, %s, %s, %s, %s, %s, xs, %d, ss, %d);'
                % (v['s'], v['t'], v['n'], v['big'], v['u'], v['d'], v['f'], v['b'], v['c'], v['nx'], v['ns']),
                '                starch_sse_patch_elements(&d2, starch_out_data(&plain), starch_out_len(&plain),',
                '                                          NULL, NULL);',
                '                for (int o = 0; o < 2; o++)',
                '                    if (starch_out_len(dsts[o]) != starch_out_len(&d2) ||',
                '                        memcmp(starch_out_data(dsts[o]), starch_out_data(&d2),',
                '                               starch_out_len(&d2)) != 0) {',
                '                        printf("C%%zu, value set %d, event %%d: the SSE variant wrote %%zu bytes, "' % k,
                '                               "the conversion %zu\\n", i, pre, starch_out_len(dsts[o]),',
                '                               starch_out_len(&d2));',
                '                        failed = 1;',
                '                    }',
                '                starch_out_free(&d1);', '                starch_out_free(&d2);',
                '                starch_out_free(&d3);', '                starch_out_free(&plain);',
                '            }',
                '        }', '    }']
    out += ['    return failed;', '}', '']
    return '\n'.join(out)


def gen_batch(seed, count):
    r = random.Random(seed)
    g = Gen(r, count)
    template = '{# Generated by tests/fuzz/rooms/gen.py, seed %d. #}\n' % seed
    template += ''.join(g.component(i) for i in range(count))
    return template, driver(r, count, 'rooms')
