// expectations.mjs — reads scopes.txt and prints TAP, for run-grammar.mjs.
//
// A line of scopes.txt (vim-groups.txt has the same form, read by run-vim.py):
//     FILE:LINE `TOKEN`[#N] EXPECTED...
// names the Nth (default first) occurrence of TOKEN on LINE of fixtures/FILE and what is
// expected at its first character: the scopes, outermost first. `#` starts a comment line.
import fs from 'node:fs';

const LINE = /^(\S+):(\d+)\s+`([^`]+)`(?:#(\d+))?\s+(.+)$/;

/** The expectations of FILE: [{file, line, col, where, expected: [scope...]}]. */
export function readExpectations(file) {
  const out = [];
  for (const [i, text] of fs.readFileSync(file, 'utf8').split('\n').entries()) {
    if (!text.trim() || text.startsWith('#')) continue;
    const m = LINE.exec(text);
    if (!m) throw new Error(`${file}:${i + 1}: not an expectation: ${text}`);
    const [, name, line, token, nth = '1', expected] = m;
    const fixture = fs.readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
    let col = -1;
    for (let k = 0; k < Number(nth); k++) col = fixture.split('\n')[line - 1].indexOf(token, col + 1);
    if (col < 0) throw new Error(`${file}:${i + 1}: ${name}:${line} has no \`${token}\` #${nth}`);
    out.push({ file: name, line: Number(line), col: col + 1, where: `${name}:${line}:${col + 1} \`${token}\``,
      expected: expected.trim().split(/\s+/) });
  }
  return out;
}

/** tap(ok, name, details): records one check; tap.finish() prints them all as TAP. */
const checks = [];
export function tap(ok, name, details = []) {
  checks.push({ ok: Boolean(ok), name, details: ok ? [] : details });
}
tap.finish = () => {
  console.log(`1..${checks.length}`);
  checks.forEach((c, i) => {
    console.log(`${c.ok ? 'ok' : 'not ok'} ${i + 1} - ${c.name}`);
    for (const d of c.details) console.log(`# ${d}`);
  });
  process.exitCode = checks.every((c) => c.ok) ? 0 : 1;
};
