// run-grammar.mjs — tests the TextMate grammar and the problem matcher of editors/vscode.
//
// Tokenizes the fixture templates (fixtures/*.starch) with editors/vscode/syntaxes/
// starch.tmLanguage.json through vscode-textmate and vscode-oniguruma, as VS Code does,
// with the HTML, C, CSS, JavaScript and Markdown grammars of tm-grammars underneath (any
// other grammar those include is absent: the registry answers null, as an editor without
// it would). Each line of scopes.txt names a token and the exact scope stack it must have.
// Then the problem matcher of editors/vscode/package.json reads the diagnostics of
// tests/errors/*.err: every `FILE:LINE:COL: error|note: MESSAGE` line must match, with its
// parts where the matcher's groups say, and no other line may.
//
// usage: node run-grammar.mjs [--dump FIXTURE]   (prints TAP; --dump prints each token
// of FIXTURE with its scopes, to write scopes.txt)
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import oniguruma from 'vscode-oniguruma';
import textmate from 'vscode-textmate';
import { readExpectations, tap } from './expectations.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const require = createRequire(import.meta.url);

/* ---- The grammars --------------------------------------------------------------------- */

const grammarFiles = {
  'text.html.starch': path.join(root, 'editors/vscode/syntaxes/starch.tmLanguage.json'),
};
for (const name of ['html', 'c', 'css', 'javascript', 'markdown']) {
  const file = require.resolve(`tm-grammars/grammars/${name}.json`);
  grammarFiles[JSON.parse(fs.readFileSync(file, 'utf8')).scopeName] = file;
}

async function loadRegistry() {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  return new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      const file = grammarFiles[scopeName];
      return file ? textmate.parseRawGrammar(fs.readFileSync(file, 'utf8'), file) : null;
    },
  });
}

/** Tokenizes a fixture: one array per line of {start, end, text, scopes}. */
function tokenize(grammar, file) {
  const lines = fs.readFileSync(path.join(here, 'fixtures', file), 'utf8').split('\n');
  let state = textmate.INITIAL;
  return lines.map((line) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    return r.tokens.map((t) => ({ ...t, text: line.slice(t.startIndex, t.endIndex) }));
  });
}

/* ---- The checks ----------------------------------------------------------------------- */

function checkScopes(grammar) {
  const tokens = {};
  for (const e of readExpectations(path.join(here, 'scopes.txt'))) {
    tokens[e.file] ??= tokenize(grammar, e.file);
    const line = tokens[e.file][e.line - 1] ?? [];
    const tok = line.find((t) => t.startIndex <= e.col - 1 && e.col - 1 < t.endIndex);
    const got = tok ? tok.scopes.join(' ') : '(no token)';
    tap(got === e.expected.join(' '), `scopes ${e.where}`,
      [`token:    ${JSON.stringify(tok?.text)}`, `got:      ${got}`, `expected: ${e.expected.join(' ')}`]);
  }
}

/** The matcher's pattern, applied as VS Code applies it to each line of the output. */
function checkProblemMatcher() {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'editors/vscode/package.json'), 'utf8'));
  const [matcher] = manifest.contributes.problemMatchers;
  const p = matcher.pattern;
  const re = new RegExp(p.regexp);
  const diag = /^([^:\s][^:]*):(\d+):(\d+): (error|warning|note): (.*)$/;
  const dir = path.join(root, 'tests/errors');
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.err')).sort()) {
    const lines = fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter((l) => l);
    const bad = [];
    let found = 0;
    for (const l of lines) {
      const m = re.exec(l), want = diag.exec(l);
      if (!want) {
        if (m) bad.push(`matched a line that is not a diagnostic: ${l}`);
        continue;
      }
      found++;
      const got = m && [m[p.file], m[p.line], m[p.column], m[p.severity], m[p.message]];
      if (JSON.stringify(got) !== JSON.stringify(want.slice(1)))
        bad.push(`line: ${l}`, `got:      ${JSON.stringify(got)}`, `expected: ${JSON.stringify(want.slice(1))}`);
    }
    tap(found > 0 && bad.length === 0, `problem matcher reads tests/errors/${f} (${found} diagnostics)`, bad);
  }
}

const grammar = await (await loadRegistry()).loadGrammar('text.html.starch');
const dump = process.argv.indexOf('--dump');
if (dump >= 0) {
  tokenize(grammar, process.argv[dump + 1]).forEach((line, i) => {
    for (const t of line) console.log(`${i + 1}:${t.startIndex + 1} ${JSON.stringify(t.text)} ${t.scopes.join(' ')}`);
  });
} else {
  checkScopes(grammar);
  checkProblemMatcher();
  tap.finish();
}
