#!/usr/bin/env python3
"""The spec runner: reads spec files (tests/spec/*.txt, format in tests/spec/README.md),
compiles each case's template with starch, builds ONE C driver per spec file that renders
every case in turn, and compares each output (or diagnostic) with the case's expected
section. One TAP line per case; a mismatch is shown as a unified diff in TAP comments.

usage: run-spec.py [--update [--yes | -n]] --starch STARCH --cc CC... [--cflags FLAG...]
                   [--link LIBRARY-OR-FLAG...] [--sanitize VALUE] [--objcopy OBJCOPY]
                   --spec FILE...

Each option takes the words after it up to the next option, so a list may hold words
starting with '-' (-I..., -lm). --update rewrites the expected section of every case
whose result differs, after showing the diff of the spec file (see update_file).
"""
import difflib
import os
import re
import subprocess
import sys
import tempfile

FENCE = '`' * 32
OPENING = re.compile(FENCE + r' example(?: +(\S+))? *$')
SECTION = re.compile(r'--- (args:|c$|file |html$|html \(no final newline\)$|error$)(.*)')
COMPONENT = re.compile(r'\{%-?\s*component\s+([A-Za-z_]\w*)')
OPTIONS = ('--starch', '--cc', '--cflags', '--link', '--sanitize', '--objcopy', '--spec')
FLAGS = ('--update', '--yes', '-n')
BASE_CFLAGS = ['-std=c11', '-D_POSIX_C_SOURCE=200809L', '-Wall', '-Wextra', '-Werror', '-O0']


# ---- options ----

def parse_argv(argv):
    """The option groups of argv: {'--starch': [...], ...} and the set of flags given."""
    groups, flags, current = {o: [] for o in OPTIONS}, set(), None
    for word in argv:
        if word in FLAGS:
            flags.add(word)
        elif word in OPTIONS:
            current = word
        elif current is None:
            sys.exit(f'run-spec.py: unexpected argument {word!r}\n' + __doc__)
        else:
            groups[current].append(word)
    if len(groups['--starch']) != 1 or not groups['--cc'] or not groups['--spec']:
        sys.exit('run-spec.py: --starch, --cc and --spec are required\n' + __doc__)
    return groups, flags


def absolute(words):
    """words with relative paths made absolute (-IDIR, -LDIR, files): the compiles run in
    a temporary directory."""
    out = []
    for w in words:
        if w[:2] in ('-I', '-L') and len(w) > 2:
            w = w[:2] + os.path.abspath(w[2:])
        elif not w.startswith('-') and os.path.exists(w):
            w = os.path.abspath(w)
        out.append(w)
    return out


def cflags(groups):
    """The C flags of every compile: the base set, meson's, and -fsanitize when set."""
    flags = BASE_CFLAGS + absolute(groups['--cflags'])
    sanitize = ''.join(groups['--sanitize'])
    if sanitize and sanitize != 'none':
        flags.append('-fsanitize=' + sanitize)
    return flags


# ---- reading spec files ----

class Case:
    """One example of a spec file; lines are 1-based, sections hold lists of lines."""

    def __init__(self, path, name, line):
        self.path, self.name, self.line = path, name, line
        self.template, self.files, self.c, self.args = [], {}, None, None
        self.c_line = self.args_line = 0
        self.kind, self.expected, self.no_eol = None, [], False
        self.expected_start = self.end = 0     # the expected section's header, the fence
        self.problem = None                    # a mistake in the case itself

    def label(self):
        return f'{os.path.basename(self.path)}:{self.line} {self.name}'

    def expected_bytes(self):
        text = ''.join(line + '\n' for line in self.expected)
        return (text[:-1] if self.no_eol else text).encode()


def read_spec(path):
    """The cases of one spec file, in order, and its lines (for --update)."""
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    cases, case, section = [], None, None
    for number, line in enumerate(lines, 1):
        if case is None:
            m = OPENING.match(line)
            if m:
                case = Case(path, m.group(1) or f'line-{number}', number)
                section = case.template
            continue
        if line == FENCE:
            case.end = number
            cases.append(finish_case(case))
            case = None
        elif line.startswith('--- '):
            section = start_section(case, line, number)
        else:
            section.append(line)
    if case is not None:
        case.problem, case.end = 'the example is not closed by a fence line', len(lines)
        cases.append(case)
    return cases, lines


def start_section(case, line, number):
    """Records a '--- ' line of case; returns the list its following lines go to."""
    m = SECTION.match(line)
    if not m or case.kind is not None:
        case.problem = case.problem or (f'line {number}: ' + (
            'the expected section must come last' if m else f'unknown section {line!r}'))
        return []
    key, rest = m.group(1), m.group(2).strip()
    if key == 'args:':
        case.args, case.args_line = rest, number
        return []
    if key == 'c':
        case.c, case.c_line = [], number
        return case.c
    if key == 'file ':
        case.files[rest] = []
        return case.files[rest]
    case.kind = 'error' if key == 'error' else 'html'
    case.no_eol = key.endswith('(no final newline)')
    case.expected_start = number
    return case.expected


def finish_case(case):
    """Checks what a case needs before it runs; sets case.problem if it is malformed."""
    names = COMPONENT.findall('\n'.join(case.template))
    if not names and case.kind == 'html':
        case.problem = case.problem or 'the template has no component'
    case.component = names[0] if names else None
    return case


# ---- compiling templates ----

def compile_template(starch, case, folder, prefix):
    """Writes the case's files into folder and runs starch there on t.starch (with the
    prefix), then on each extra file when that worked, its outputs in folder too (the
    generated headers include each other by base name). Returns (status, stderr)."""
    os.makedirs(folder, exist_ok=True)
    for name, text in [('t.starch', case.template)] + list(case.files.items()):
        os.makedirs(os.path.dirname(os.path.join(folder, name)), exist_ok=True)
        with open(os.path.join(folder, name), 'w', encoding='utf-8') as f:
            f.write('\n'.join(text) + '\n')
    p = subprocess.run([starch, '--prefix', prefix, 't.starch'], cwd=folder,
                       capture_output=True, timeout=60)
    if p.returncode == 0:
        for name in case.files:
            q = subprocess.run([starch, '-o', '.', name], cwd=folder, capture_output=True,
                               timeout=60)
            if q.returncode != 0:
                return q.returncode, q.stderr
    return p.returncode, p.stderr


# What a case's `--- c` section and `--- args:` line see, besides the generated header.
PRELUDE = '#include <math.h>\n#include <stdint.h>\n#include <stdio.h>\n#include <string.h>\n'


def write_case_unit(case, index, work):
    """The C translation unit of one case: the generated code, its `--- c` section and a
    function spec_case_INDEX(starch_out *) that renders the first component."""
    spec = os.path.abspath(case.path).replace('\\', '\\\\').replace('"', '\\"')
    parts = [f'#include "case_{index}/t.starch.c"\n', PRELUDE]
    if case.c is not None:
        parts.append(f'#line {case.c_line + 1} "{spec}"\n' + '\n'.join(case.c) + '\n')
    args = f', {case.args}' if case.args else ''
    line = f'#line {case.args_line} "{spec}"\n' if case.args else ''
    parts.append(f'void spec_case_{index}(starch_out *st_spec_out);\n'
                 f'void spec_case_{index}(starch_out *st_spec_out)\n{{\n{line}'
                 f'    case_{index}_{case.component}(st_spec_out{args});\n}}\n')
    units = {f'case_{index}.c': ''.join(parts)}
    for k, name in enumerate(case.files, 1):      # each in a unit of its own, in work
        units[f'case_{index}_file{k}.c'] = \
            f'#include "case_{index}/{os.path.basename(name)}.c"\n'
    for unit, text in units.items():
        with open(os.path.join(work, unit), 'w', encoding='utf-8') as f:
            f.write(text)
    return list(units)


# ---- the driver ----

DRIVER_MAIN = r'''/* Generated by run-spec.py: renders each case in turn, from the index in argv[1]. */
#include <stdio.h>
#include <stdlib.h>
#include <starch.h>
%s
static void (*const cases[])(starch_out *) = { %s };
static const int ids[] = { %s };

int main(int argc, char **argv)
{
    size_t from = argc > 1 ? strtoul(argv[1], NULL, 10) : 0;
    for (size_t i = from; i < sizeof ids / sizeof ids[0]; i++) {
        starch_out out;
        starch_out_init(&out);
        cases[i](&out);
        printf("@@spec-case %%d %%zu %%d\n", ids[i], starch_out_len(&out), starch_out_error(&out));
        fwrite(starch_out_data(&out), 1, starch_out_len(&out), stdout);
        fflush(stdout);
        starch_out_free(&out);
    }
    return 0;
}
'''


def write_main(work, ids, name):
    decls = ''.join(f'void spec_case_{i}(starch_out *);\n' for i in ids)
    text = DRIVER_MAIN % (decls, ', '.join(f'spec_case_{i}' for i in ids) or 'NULL',
                          ', '.join(map(str, ids)) or '0')
    with open(os.path.join(work, name + '.c'), 'w') as f:
        f.write(text)


def cc(opts, args, work):
    return subprocess.run(opts['cc'] + opts['cflags'] + args, cwd=work, capture_output=True,
                          timeout=600)


def link(opts, ids, units, work, name):
    """Builds driver `name` from the objects of cases ids. Returns the CompletedProcess."""
    write_main(work, ids, name)
    objs = [u[:-2] + '.o' for i in ids for u in units[i]]
    return cc(opts, [name + '.c'] + objs + ['-o', name] + opts['link'], work)


def build(opts, units, work, name):
    """Compiles every case's units at once (then each failing case alone, for its message),
    hides each case's symbols but its spec_case_N, and links the rest into one driver
    `name`. Returns (driver ids, {id: build error})."""
    cc(opts, ['-c'] + [u for i in units for u in units[i]], work)
    errors = {}
    for i in units:
        if not all(os.path.exists(os.path.join(work, u[:-2] + '.o')) for u in units[i]):
            errors[i] = object_errors(opts, units[i], work)
        elif len(units) > 1:
            errors.update(localize(opts, i, units[i][0][:-2] + '.o', work))
    ids = [i for i in units if i not in errors]
    if ids and link(opts, ids, units, work, name).returncode != 0:
        for i in ids:
            p = link(opts, [i], units, work, f'{name}_{i}')
            if p.returncode != 0:
                errors[i] = p.stderr.decode('utf-8', 'replace')
        ids = [i for i in ids if i not in errors]
        p = link(opts, ids, units, work, name) if ids else None
        if p is not None and p.returncode != 0:
            errors.update({i: p.stderr.decode('utf-8', 'replace') for i in ids})
            ids = []
    return ids, errors


def localize(opts, i, obj, work):
    """Makes every global symbol of a case's object local but spec_case_i, so that two
    cases may define the same entity (User_type) in one driver. Returns {i: error} or {}."""
    p = subprocess.run(opts['objcopy'] + [f'--keep-global-symbol=spec_case_{i}', obj],
                       cwd=work, capture_output=True, timeout=60)
    return {i: 'objcopy: ' + p.stderr.decode('utf-8', 'replace')} if p.returncode else {}


def object_errors(opts, case_units, work):
    """The compiler's messages for the units of one case, each compiled alone."""
    out = []
    for u in case_units:
        p = cc(opts, ['-c', u, '-o', u[:-2] + '.o'], work)
        out.append(p.stderr.decode('utf-8', 'replace'))
    return ''.join(out) or 'the C compiler failed'


def run_driver(driver, ids):
    """Runs the driver, again after each crash from the case after the crashed one.
    Returns {id: (output bytes, starch_out_error)} and {id: crash message}."""
    results, crashes, start = {}, {}, 0
    while start < len(ids):
        p = subprocess.run([driver, str(start)], capture_output=True,
                           timeout=300)
        done = parse_records(p.stdout, results)
        if p.returncode == 0 and done == len(ids) - start:
            break
        crashed = start + done
        if crashed < len(ids):
            crashes[ids[crashed]] = (f'the driver ended with status {p.returncode}\n'
                                     + p.stderr.decode('utf-8', 'replace')[-4000:])
        start = crashed + 1
    return results, crashes


def parse_records(data, results):
    """Reads '@@spec-case ID LEN ERROR\\n' + LEN bytes records; returns how many."""
    count, pos = 0, 0
    while pos < len(data):
        end = data.find(b'\n', pos)
        head = data[pos:end].split() if end >= 0 else []
        if len(head) != 4 or head[0] != b'@@spec-case':
            break
        size = int(head[2])
        if end + 1 + size > len(data):
            break
        results[int(head[1])] = (data[end + 1:end + 1 + size], int(head[3]))
        pos, count = end + 1 + size, count + 1
    return count


# ---- running a spec file ----

def run_file(opts, cases, work):
    """Runs the cases of one file. Returns one (kind, actual bytes or None, message) per
    case, kind being what the case produced: 'html', 'error' or None (it could not run)."""
    outcome, units = {}, {}
    for i, case in enumerate(cases, 1):
        if case.problem:
            outcome[i] = (None, None, 'malformed case: ' + case.problem)
            continue
        status, stderr = compile_template(opts['starch'], case, os.path.join(work, f'case_{i}'),
                                          f'case_{i}')
        if status == 1:
            outcome[i] = ('error', stderr, '')
        elif status != 0 or case.component is None:
            outcome[i] = (None, None, stderr.decode('utf-8', 'replace') or
                          'the template compiles but has no component to render')
        else:
            units[i] = write_case_unit(case, i, work)
    # a case with extra files links their generated code: it gets a driver of its own
    groups = [[i for i in units if not cases[i - 1].files]]
    groups += [[i] for i in units if cases[i - 1].files]
    results, crashes, errors = {}, {}, {}
    for n, group in enumerate(g for g in groups if g):
        driver = f'driver{n}'
        ids, err = build(opts, {i: units[i] for i in group}, work, driver)
        errors.update(err)
        r, c = run_driver(os.path.join(work, driver), ids) if ids else ({}, {})
        results.update(r)
        crashes.update(c)
    for i in units:
        outcome[i] = html_outcome(i, results, crashes, errors)
    return [outcome[i] for i in range(1, len(cases) + 1)]


def html_outcome(i, results, crashes, errors):
    if i in errors:
        return (None, None, 'the case does not build:\n' + errors[i])
    if i in crashes:
        return (None, None, crashes[i])
    if i not in results:
        return (None, None, 'the driver wrote no output for this case')
    data, err = results[i]
    return ('html', data, f'starch_out_error() is {err}' if err else '')


# ---- reporting ----

def verdict(case, outcome):
    """(passed, comment lines) for one case."""
    kind, actual, message = outcome
    notes = message.splitlines() if message else []
    if kind is None:
        return False, notes
    expected = case.expected_bytes()
    if kind == case.kind and actual == expected and not message:
        return True, []
    if kind != case.kind:
        notes.insert(0, f'expected {case.kind or "a --- html or --- error section"}, '
                        f'got {"HTML" if kind == "html" else "a diagnostic"}')
    return False, notes + diff_lines(expected, actual)


def diff_lines(expected, actual):
    a = expected.decode('utf-8', 'replace').splitlines(True)
    b = actual.decode('utf-8', 'replace').splitlines(True)
    out = [line.rstrip('\n') for line in difflib.unified_diff(a, b, 'expected', 'actual')]
    if expected != actual and expected.rstrip() == actual.rstrip():
        out.append(f'(they differ only at the end: expected ends {expected[-8:]!r}, '
                   f'actual ends {actual[-8:]!r})')
    return out


def report(number, case, passed, notes):
    print(f'{"ok" if passed else "not ok"} {number} - {case.label()}')
    for note in notes:
        print('# ' + note)
    sys.stdout.flush()


# ---- update mode ----

def new_section(kind, actual):
    """The lines of an expected section holding actual, header first; None if the file
    cannot hold it (not UTF-8, or a line the reader would take for a fence or section)."""
    try:
        text = actual.decode('utf-8')
    except UnicodeDecodeError:
        return None
    body = text[:-1] if text.endswith('\n') else text
    lines = body.split('\n') if text else []
    if any(line == FENCE or line.startswith('--- ') for line in lines):
        return None
    header = '--- error' if kind == 'error' else '--- html'
    if text and not text.endswith('\n'):
        header += ' (no final newline)'
    return [header] + lines


def update_file(path, lines, cases, outcomes, flags):
    """Shows the diff of the spec file with each changed case's expected section replaced
    by what it produced, then writes it: with --yes, or when stdin is a terminal and the
    answer is y; -n (or no terminal) only shows it."""
    new = list(lines)
    for case, (kind, actual, message) in reversed(list(zip(cases, outcomes))):
        if kind is None or (kind == case.kind and actual == case.expected_bytes()):
            continue
        section = new_section(kind, actual)
        if section is None:
            print(f'# {case.label()}: not updated: its output is not UTF-8, or holds a line '
                  'that reads as a fence or a "--- " section')
            continue
        start = (case.expected_start if case.kind else case.end) - 1
        new[start:case.end - 1] = section
    if new == lines:
        print(f'{path}: no change')
        return
    sys.stdout.writelines(line + '\n' for line in unified(lines, new, path))
    if write_allowed(path, flags):
        with open(path, 'w', encoding='utf-8') as f:
            f.write('\n'.join(new))
        print(f'wrote {path}')


def unified(a, b, path):
    """The unified diff of two lists of lines, without difflib's autojunk (which would
    take the fence lines and blank lines of a spec file for noise and show them as
    changed)."""
    yield f'--- {path}'
    yield f'+++ {path} (updated)'
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(3):
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        yield f'@@ -{i1 + 1},{i2 - i1} +{j1 + 1},{j2 - j1} @@'
        for tag, a1, a2, b1, b2 in group:
            if tag == 'equal':
                yield from (' ' + line for line in a[a1:a2])
                continue
            yield from ('-' + line for line in a[a1:a2])
            yield from ('+' + line for line in b[b1:b2])


def write_allowed(path, flags):
    if '-n' in flags:
        return False
    if '--yes' in flags:
        return True
    if not sys.stdin.isatty():
        print(f'not written (stdin is not a terminal: pass --yes to write {path})')
        return False
    return input(f'write {path}? [y/N] ').strip().lower() in ('y', 'yes')


# ---- main ----

def main(argv):
    groups, flags = parse_argv(argv)
    opts = {'starch': os.path.abspath(groups['--starch'][0]), 'cc': groups['--cc'],
            'cflags': cflags(groups),
            'link': absolute(groups['--link']), 'objcopy': groups['--objcopy'] or ['objcopy']}
    specs = [(path,) + read_spec(path) for path in map(os.path.normpath, groups['--spec'])]
    update = '--update' in flags
    if not update:
        print(f'1..{sum(len(cases) for _, cases, _ in specs)}')
    number, failed = 0, 0
    for path, cases, lines in specs:
        with tempfile.TemporaryDirectory(prefix='starch-spec-') as work:
            outcomes = run_file(opts, cases, work)
        if update:
            update_file(path, lines, cases, outcomes, flags)
            continue
        for case, outcome in zip(cases, outcomes):
            number += 1
            passed, notes = verdict(case, outcome)
            failed += not passed
            report(number, case, passed, notes)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
