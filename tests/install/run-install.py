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


@case('meson install installs the compiler, libstarch, starch.h, starch.pc, templates')
def install():
    run(['meson', 'install', '-C', BUILD, '--destdir', root, '--quiet'], SRC, env)
    found = {}
    for d, _, files in os.walk(root):
        for f in files:
            found[f] = os.path.join(d, f)
    for f in ('starch', 'libstarch.a', 'starch.h', 'starch.pc', 'page.starch'):
        assert f in found, f'{f} not installed'
    env['PATH'] = os.path.dirname(found['starch']) + ':' + env['PATH']
    env['PKG_CONFIG_PATH'] = os.path.dirname(found['starch.pc'])
    env['PKG_CONFIG_SYSROOT_DIR'] = root
    env['STARCH_TEMPLATES'] = os.path.dirname(found['page.starch'])


@case('README example: template, main.c and the output shown')
def readme():
    b = blocks('README.md')
    d = tempfile.mkdtemp(dir=root)
    for name in ('hello.starch', 'main.c'):
        open(os.path.join(d, name), 'w').write(b[name])
    run(['starch', 'hello.starch'], d, env)
    lines = b['output'].splitlines()
    cmds = [l for l in lines if not l.startswith('<') and not l.startswith(' ')]
    expected = '\n'.join(l for l in lines if l not in cmds) + '\n'
    for c in cmds:
        out = run(c, d, env)
    assert out == expected, f'{out!r} != {expected!r}'


@case('docs/runtime.md complete example: entity, SQLite repository, bus, hub')
def runtime_example():
    b = blocks('docs/runtime.md')
    d = tempfile.mkdtemp(dir=root)
    for name in ('todo.starch', 'app.c'):
        open(os.path.join(d, name), 'w').write(b[name])
    run(['starch', 'todo.starch'], d, env)
    run('cc -std=c11 -o app app.c todo.starch.c $(pkg-config --cflags --libs starch)', d, env)
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
