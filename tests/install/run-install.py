#!/usr/bin/env python3
"""`meson install` into a scratch root, then the documented examples built against what
was installed, exactly as the docs show them: the README's thirty-second example (its
template, its main.c, its output), the meson and make recipes of docs/language.md, and the
complete example of docs/runtime.md.

usage: run-install.py SOURCE_ROOT BUILD_ROOT
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

SRC, BUILD = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
results = []


def blocks(path):
    """The fenced blocks after `<!-- file: NAME ... -->` / `<!-- output: CMD -->` markers."""
    text = open(os.path.join(SRC, path)).read()
    found = {}
    for m in re.finditer(r'<!-- (file|output): ([^ ]+)(?: ([^>]*))? -->\n```[a-z]*\n(.*?)```', text, re.S):
        kind, name, rest, body = m.groups()
        found[name if kind == 'file' else 'output'] = body
    return found


def run(cmd, cwd, env):
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
                       shell=isinstance(cmd, str))
    assert p.returncode == 0, f'{cmd}: {p.returncode}\n{p.stdout}\n{p.stderr}'
    return p.stdout


def case(name):
    def deco(fn):
        results.append((name, fn))
        return fn
    return deco


root = tempfile.mkdtemp(prefix='starch-install-')
env = dict(os.environ)


LAYERS = ('starch', 'starch_json', 'starch_markdown', 'starch_events', 'starch_sqlite',
          'starch_pg', 'starch_mhd')
# What a program that only renders templates must not need (docs/runtime.md, the layers).
NOT_CORE = ('cmark', 'jansson', 'sqlite3', 'microhttpd', 'pq')


def scratch(doc, names):
    """A new directory holding the blocks `names` of doc, as files of those names."""
    b = blocks(doc)
    d = tempfile.mkdtemp(dir=root)
    for name in names:
        open(os.path.join(d, name), 'w').write(b[name])
    return d, b


@case('meson install installs the compiler, every layer (library, header, .pc), templates')
def install():
    run(['meson', 'install', '-C', BUILD, '--destdir', root, '--quiet'], SRC, env)
    found = {}
    for d, _, files in os.walk(root):
        for f in files:
            found[f] = os.path.join(d, f)
    wanted = ['starch', 'starch_gen.h', 'page.starch']
    for layer in LAYERS:
        wanted += ['lib' + layer + '.a', layer + '.h', layer + '.pc']
    wanted += ['libstarch-checked.a', 'starch_checked.h', 'starch-checked.pc']
    for f in wanted:
        assert f in found, f'{f} not installed'
    env['PATH'] = os.path.dirname(found['starch']) + ':' + env['PATH']
    env['PKG_CONFIG_PATH'] = os.path.dirname(found['starch.pc'])
    env['PKG_CONFIG_SYSROOT_DIR'] = root
    env['STARCH_TEMPLATES'] = os.path.dirname(found['page.starch'])


@case('README example: template, main.c and the output shown')
def readme():
    d, b = scratch('README.md', ('hello.starch', 'main.c'))
    run(['starch', 'hello.starch'], d, env)
    lines = b['output'].splitlines()
    cmds = [l for l in lines if not l.startswith('<') and not l.startswith(' ')]
    expected = '\n'.join(l for l in lines if l not in cmds) + '\n'
    for c in cmds:
        out = run(c, d, env)
    assert out == expected, f'{out!r} != {expected!r}'


@case('docs/runtime.md complete example: entity, SQLite repository, bus, hub')
def runtime_example():
    d, b = scratch('docs/runtime.md', ('todo.starch', 'app.c'))
    run(['starch', 'todo.starch'], d, env)
    run('cc -std=c11 -o app app.c todo.starch.c $(pkg-config --cflags --libs starch_sqlite)', d, env)
    out = run(['./app'], d, env)
    assert out == '<li id="todo-1">Buy milk</li>\n', repr(out)


def app_sources(d):
    g = os.path.join(SRC, 'tests', 'golden', 'todo')
    for f in ('todo.starch', 'app.h', 'main.c'):
        shutil.copy(os.path.join(g, f), d)
    shutil.copy(os.path.join(env['STARCH_TEMPLATES'], 'page.starch'), d)
    return open(os.path.join(g, 'expected.html')).read()


@case('docs/language.md make recipe builds and runs the todo example')
def make_recipe():
    d = tempfile.mkdtemp(dir=root)
    expected = app_sources(d)
    open(os.path.join(d, 'Makefile'), 'w').write(blocks('docs/language.md')['Makefile'])
    run(['make', '-j2'], d, env)
    assert run(['./app'], d, env) == expected
    os.utime(os.path.join(d, 'page.starch'))
    out = run(['make', '-j2'], d, env)
    assert 'todo.starch' in out and 'page.starch' in out, out


@case('docs/language.md meson recipe builds and runs the todo example')
def meson_recipe():
    d = tempfile.mkdtemp(dir=root)
    expected = app_sources(d)
    open(os.path.join(d, 'meson.build'), 'w').write(
        "project('app', 'c', default_options : ['c_std=c11'])\n" + blocks('docs/language.md')['meson.build'])
    run(['meson', 'setup', 'b'], d, env)
    run(['ninja', '-C', 'b'], d, env)
    assert run(['b/app'], d, env) == expected


@case('a template-only program needs none of libcmark, jansson, SQLite, libmicrohttpd, libpq')
def template_only():
    d, b = scratch('README.md', ('hello.starch', 'main.c'))
    run(['starch', 'hello.starch'], d, env)
    run('cc -std=c11 main.c hello.starch.c $(pkg-config --cflags --libs starch)', d, env)
    for cmd in ('ldd ./a.out', 'pkg-config --static --libs starch',
                'pkg-config --static --cflags starch'):
        out = run(cmd, d, env)
        for lib in NOT_CORE:
            assert lib not in out, f'{cmd} names {lib}:\n{out}'
    header = open(find('starch.h')).read()
    assert '#include "starch_gen.h"' not in header and '<starch_gen.h>' not in header, \
        'the installed starch.h includes starch_gen.h'
    source = open(os.path.join(d, 'hello.starch.c')).read()
    assert '#include <starch_gen.h>' in source, 'the generated C does not include starch_gen.h'
    assert 'starch_markdown.h' not in source, 'a template without | markdown includes it'


@case('generated code of another runtime version stops the build and says to regenerate')
def stale_generated_code():
    d, b = scratch('README.md', ('hello.starch', 'main.c'))
    run(['starch', 'hello.starch'], d, env)
    path = os.path.join(d, 'hello.starch.c')
    source = open(path).read()
    m = re.search(r'#define STARCH_GEN_EXPECTED (\d+)\n', source)
    assert m, 'no STARCH_GEN_EXPECTED in the generated C'
    open(path, 'w').write(source.replace(m.group(0), '#define STARCH_GEN_EXPECTED %d\n' % (int(m.group(1)) - 1)))
    p = subprocess.run('cc -std=c11 -c hello.starch.c $(pkg-config --cflags starch)', cwd=d, env=env,
                       shell=True, capture_output=True, text=True)
    assert p.returncode != 0, 'stale generated code compiled'
    assert 'regenerate it with the starch command' in p.stderr, p.stderr
    assert p.stderr.count('error:') == 1, f'more than the one message:\n{p.stderr}'


@case('starch as a meson subproject: layers, the compiler and its generator in a parent project')
def subproject():
    d, b = scratch('README.md', ('hello.starch', 'main.c'))
    os.makedirs(os.path.join(d, 'subprojects'))
    os.symlink(SRC, os.path.join(d, 'subprojects', 'starch'))
    open(os.path.join(d, 'meson.build'), 'w').write(blocks('docs/runtime.md')['meson.build'])
    sub_env = {k: v for k, v in env.items() if k not in ('PKG_CONFIG_PATH', 'PKG_CONFIG_SYSROOT_DIR')}
    sub_env['PATH'] = os.environ['PATH']  # not the installed starch: the subproject's
    run(['meson', 'setup', 'b'], d, sub_env)
    run(['ninja', '-C', 'b'], d, sub_env)
    lines = b['output'].splitlines()
    expected = '\n'.join(l for l in lines if l.startswith('<') or l.startswith(' ')) + '\n'
    out = run(['b/hello'], d, sub_env)
    assert out == expected, f'{out!r} != {expected!r}'
    targets = run(['ninja', '-C', 'b', '-t', 'targets', 'all'], d, sub_env)
    assert 'golden_' not in targets and 'todo-app' not in targets, 'the subproject built its tests'


@case('the checked build: STARCH_CHECKED and starch-checked from pkg-config, a program runs checked')
def checked_build():
    d, b = scratch('README.md', ('hello.starch', 'main.c'))
    run(['starch', 'hello.starch'], d, env)
    # the command of docs/runtime.md, "The checked build"
    run('cc -std=c11 main.c hello.starch.c $(pkg-config --cflags --libs starch-checked)', d, env)
    assert '-DSTARCH_CHECKED' in run('pkg-config --cflags starch-checked', d, env)
    out = run(['nm', 'a.out'], d, env)
    assert 'starch_checked_reserve' in out, 'the program does not call the checks'
    lines = b['output'].splitlines()
    expected = '\n'.join(l for l in lines if l.startswith('<') or l.startswith(' ')) + '\n'
    assert run(['./a.out'], d, env) == expected
    # and the checks stop a violation, at its line
    open(os.path.join(d, 'bad.c'), 'w').write(
        '#include <starch_gen.h>\nint main(void)\n{\n    starch_out out;\n'
        '    starch_out_init(&out);\n    char *p = starch_out_reserve(&out, 2);\n'
        '    p = starch_put(p, "abc", 3);\n    starch_out_commit(&out, p);\n}\n')
    run('cc -std=c11 -o bad bad.c $(pkg-config --cflags --libs starch-checked)', d, env)
    p = subprocess.run(['./bad'], cwd=d, capture_output=True, text=True)
    assert p.returncode == -6 and p.stderr == (
        'bad.c:7: starch checked: write overruns the room of 2 bytes reserved at bad.c:6 by 1\n'), \
        (p.returncode, p.stderr)


@case('every symbol the installed libraries define carries the starch_ prefix')
def symbols():
    for layer in LAYERS + ('starch-checked',):
        out = run(['nm', '-g', '--defined-only', find('lib' + layer + '.a')], root, env)
        names = [l.split()[-1] for l in out.splitlines() if len(l.split()) == 3]
        assert names, f'lib{layer}.a defines nothing'
        bad = [n for n in names if not n.startswith('starch_')]
        assert not bad, f'lib{layer}.a: {bad}'


def find(name):
    for d, _, files in os.walk(root):
        if name in files:
            return os.path.join(d, name)
    raise AssertionError(f'{name} not found')


print(f'1..{len(results)}')
failed = 0
for i, (name, fn) in enumerate(results, 1):
    try:
        fn()
        print(f'ok {i} - install {name}')
    except Exception as e:  # noqa: BLE001
        failed += 1
        print(f'not ok {i} - install {name}')
        for line in str(e).splitlines()[:40]:
            print('# ' + line)
shutil.rmtree(root, ignore_errors=True)
sys.exit(1 if failed else 0)
