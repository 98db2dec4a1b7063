// run-faults.mjs — the todo app (examples/todo) when things go wrong underneath it.
//
// Crashes: a stream of writes (adds, toggles and deletes, eight at a time, as the Datastar
// client posts them) while the app is killed with SIGKILL after a given number of answers;
// then the app is started again on the same database and every write it acknowledged
// (answered 200 with its result) must be there, every write it did not must be either
// wholly there or wholly absent, and nothing else may have changed. On SQLite with each
// --sync mode (off, normal, full: all three must keep what was acknowledged through a
// crash of the process), the file passing PRAGMA integrity_check; on PostgreSQL.
//
// Refused writes: the database refuses every write while the app runs, in ways root cannot
// bypass: on SQLite the app's file size limit is lowered to 0 (RLIMIT_FSIZE, prlimit
// --pid; no write can grow a file, the app ignores SIGXFSZ), on PostgreSQL a trigger
// refuses every change of the table (as a DBA freezes a table; triggers bind superusers
// too) and the database is made read-only (default_transaction_read_only, the sessions
// ended so that new ones take it). Then an add, a toggle and a delete each answer with
// the error in $_error (exact text), the stored list is unchanged, GET / and GET /events
// keep working; once the database takes writes again the next write succeeds and clears
// the error; after a restart the list is exactly what was acknowledged. Once in Chromium
// with the official Datastar client: the error shows in the page, then clears.
//
// usage: node run-faults.mjs TODO_APP SOURCE_ROOT      (prints TAP, one line a check)
// PostgreSQL: make test's server (STARCH_TEST_PG, a libpq connection string); without it
// the PostgreSQL checks fail. Chromium: playwright-core of tests/app (scripts/install-deps).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { EventStream, request, until } from '../app/sse-client.mjs';

const [appPath, sourceRoot] = process.argv.slice(2);
const TIMEOUT = 10000;
const client = path.join(sourceRoot, '..', 'shared', 'datastar', 'client', 'datastar-v1.0.2.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'starch-faults-'));

/* ---- TAP ------------------------------------------------------------------------------ */

const tap = [];
function check(ok, name, details = []) {
  tap.push({ ok: Boolean(ok), name, details: ok ? [] : details });
  return Boolean(ok);
}
const checkEq = (got, want, name) =>
  check(JSON.stringify(got) === JSON.stringify(want), name,
    [`got:      ${JSON.stringify(got)}`, `expected: ${JSON.stringify(want)}`]);
function finish() {
  console.log(`1..${tap.length}`);
  tap.forEach((t, i) => {
    console.log(`${t.ok ? 'ok' : 'not ok'} ${i + 1} - faults ${t.name}`);
    for (const d of t.details) for (const line of String(d).split('\n')) console.log(`# ${line}`);
  });
  process.exitCode = tap.every((t) => t.ok) ? 0 : 1;
}

/* ---- The app -------------------------------------------------------------------------- */

const children = new Set();
// Starts todo-app with args; resolves to {proc, origin, stderr()}.
function startApp(args) {
  return new Promise((resolve, reject) => {
    const proc = spawn(appPath, ['--port', '0', '--datastar', client, ...args],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(proc);
    let out = '', err = '';
    const timer = setTimeout(() => reject(new Error(`no "listening on" line: ${out}${err}`)), TIMEOUT);
    proc.stderr.on('data', (d) => { err += d; });
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/^listening on (http:\/\/127\.0\.0\.1:\d+)\/\n/);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, origin: m[1], stderr: () => err });
      }
    });
    proc.on('exit', (code) => {
      children.delete(proc);
      clearTimeout(timer);
      reject(new Error(`todo-app exited (${code}): ${out}${err}`));
    });
  });
}
// Stops the app with signal; resolves to its exit code or signal.
function stopApp(app, signal = 'SIGTERM') {
  return new Promise((resolve) => {
    if (app.proc.exitCode !== null || app.proc.signalCode !== null)
      return resolve(app.proc.exitCode ?? app.proc.signalCode);
    const timer = setTimeout(() => { app.proc.kill('SIGKILL'); resolve('timeout'); }, TIMEOUT);
    app.proc.removeAllListeners('exit');
    app.proc.on('exit', (code, sig) => { children.delete(app.proc); clearTimeout(timer); resolve(code ?? sig); });
    app.proc.kill(signal);
  });
}

/* ---- Requests as the page's Datastar client makes them -------------------------------- */

let keys = 0;
const add = (app, title) => request(app.origin, 'POST', '/todos',
  { body: JSON.stringify({ title, add_key: `faults-${process.pid}-${++keys}`, _error: '' }) });
const toggle = (app, id) => request(app.origin, 'POST', `/todos/${id}/toggle`, { body: '{}' });
const remove = (app, id) => request(app.origin, 'DELETE', `/todos/${id}?datastar=%7B%7D`);

// The todos of the page GET / answers: [{id, title, done}] in list order.
async function stored(app) {
  const r = await request(app.origin, 'GET', '/', { headers: { 'Datastar-Request': 'false' } });
  if (r.status !== 200) throw new Error(`GET /: ${r.status} ${r.body}`);
  return parseList(r.body);
}
function parseList(html) {
  const items = [];
  const re = /<li id="todo-(\d+)" class="(todo|todo done)">[\s\S]*?<span class="title">([^<]*)<\/span>/g;
  for (let m; (m = re.exec(html));) items.push({ id: Number(m[1]), title: m[3], done: m[2] === 'todo done' });
  return items;
}
// The patch-elements event of one todo as the app renders it (TodoItem), in mode replace.
const replaceItem = ({ id, title, done }) => 'event: datastar-patch-elements\ndata: mode replace\n' + [
  `<li id="todo-${id}" class="todo${done ? ' done' : ''}">`,
  '  <label>',
  `    <input type="checkbox"${done ? ' checked' : ''} data-on:click="@post('/todos/${id}/toggle')">`,
  `    <span class="title">${title}</span>`,
  '  </label>',
  `  <button class="delete" title="Delete" data-on:click="@delete('/todos/${id}')">&times;</button>`,
  '</li>',
  '',
].map((l) => `data: elements ${l}\n`).join('') + '\n';
const setError = (message) => `event: datastar-patch-signals\ndata: signals ${JSON.stringify({ _error: message })}\n\n`;

/* ---- Databases ------------------------------------------------------------------------ */

function psql(conninfo, sql) {
  return execFileSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', conninfo, '-c', sql],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
const pgServer = process.env.STARCH_TEST_PG;
// A fresh database of its own on make test's server: {uri, conninfo}.
function freshDatabase(name) {
  psql(pgServer, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  psql(pgServer, `CREATE DATABASE ${name}`);
  const kv = Object.fromEntries(pgServer.trim().split(/\s+/).map((p) => p.split('=')));
  return {
    uri: `postgresql://${kv.user ?? 'postgres'}@/${name}?host=${encodeURIComponent(kv.host)}`,
    conninfo: `host=${kv.host} dbname=${name} user=${kv.user ?? 'postgres'}`,
  };
}
function dropDatabase(name) {
  try { psql(pgServer, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); } catch { /* reported by the checks */ }
}
// PRAGMA integrity_check of the SQLite file, run by Python's sqlite3 (another process,
// which also recovers the write-ahead log the killed app left).
function integrity(file) {
  return execFileSync('python3', ['-c',
    'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])', file],
  { encoding: 'utf8' }).trim();
}

/* ---- Crashes ---------------------------------------------------------------------------- */

const SEEDED = 30; // todos 1..10 get toggled, 11..20 deleted, 21..30 left alone
const STREAM = 400; // writes in the stream (never all answered: the kill comes first)

// The writes of a round: adds of fresh titles, with a toggle of each of todos 1..10 and a
// delete of each of 11..20 among them.
function writes(round) {
  const ops = [];
  for (let i = 0; i < STREAM; i++) ops.push({ kind: 'add', title: `${round} add ${i}` });
  for (let i = 1; i <= 10; i++) ops.splice(i * 7, 0, { kind: 'toggle', id: i });
  for (let i = 11; i <= 20; i++) ops.splice((i - 10) * 11 + 3, 0, { kind: 'delete', id: i });
  return ops;
}

// Sends ops eight at a time until the app has answered killAfter of them, then kills it
// with SIGKILL (the writes in flight then get no answer). Resolves to the ops answered 200.
async function streamAndKill(app, ops, killAfter) {
  const acked = [];
  let next = 0, answered = 0, killed = false;
  const died = new Promise((resolve) => app.proc.once('exit', resolve));
  async function worker() {
    while (!killed && next < ops.length) {
      const op = ops[next++];
      const send = op.kind === 'add' ? add(app, op.title) : op.kind === 'toggle' ? toggle(app, op.id) : remove(app, op.id);
      const r = await send.catch(() => null);
      if (r === null) continue; // no answer: the app is gone
      if (r.status === 200 && !r.body.includes('"_error":"')) throw new Error(`${op.kind}: ${r.body}`);
      if (r.status === 200 && r.body.includes('"_error":""')) acked.push(op);
      else if (!killed) throw new Error(`${op.kind}: ${r.status} ${r.body}`);
      if (++answered === killAfter && !killed) {
        killed = true;
        app.proc.kill('SIGKILL');
      }
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker));
  await died;
  return acked;
}

// What the list must be after the restart, given the acknowledged ops: every acknowledged
// write in it, every other write of the round wholly in or wholly out, nothing else.
function verify(name, list, ops, acked) {
  const byTitle = new Map(list.map((t) => [t.title, t]));
  const sent = new Set(ops.filter((o) => o.kind === 'add').map((o) => o.title));
  const ackedAdds = acked.filter((o) => o.kind === 'add').map((o) => o.title);
  const missing = ackedAdds.filter((t) => !byTitle.has(t));
  check(missing.length === 0, `${name}: every acknowledged add (${ackedAdds.length}) is there`, [`missing: ${missing.join(', ')}`]);
  const titles = list.map((t) => t.title);
  const unknown = titles.filter((t) => !sent.has(t) && !/^seed \d+$/.test(t));
  const dups = titles.filter((t, i) => titles.indexOf(t) !== i);
  check(unknown.length === 0 && dups.length === 0, `${name}: nothing but whole todos that were sent, each once (${list.length} todos)`,
    [`unknown: ${JSON.stringify(unknown)}`, `duplicates: ${JSON.stringify(dups)}`]);
  const ids = list.map((t) => t.id);
  check(new Set(ids).size === ids.length, `${name}: every id once`, [JSON.stringify(ids)]);
  const seed = (i) => list.find((t) => t.title === `seed ${i}`);
  const ackedToggles = new Set(acked.filter((o) => o.kind === 'toggle').map((o) => o.id));
  const ackedDeletes = new Set(acked.filter((o) => o.kind === 'delete').map((o) => o.id));
  const wrong = [];
  for (let i = 1; i <= SEEDED; i++) {
    const t = seed(i);
    if (i <= 10 && (!t || t.id !== i || (ackedToggles.has(i) && !t.done))) wrong.push(`toggled ${i}: ${JSON.stringify(t)}`);
    if (i > 10 && i <= 20 && ackedDeletes.has(i) && t) wrong.push(`deleted ${i}: ${JSON.stringify(t)}`);
    if (i > 10 && i <= 20 && !ackedDeletes.has(i) && t && (t.id !== i || t.done)) wrong.push(`delete ${i}: ${JSON.stringify(t)}`);
    if (i > 20 && (!t || t.id !== i || t.done)) wrong.push(`untouched ${i}: ${JSON.stringify(t)}`);
  }
  check(wrong.length === 0,
    `${name}: ${ackedToggles.size} acknowledged toggles done, ${ackedDeletes.size} acknowledged deletes gone, the other seeded todos as they were`, wrong);
  const newTodos = list.filter((t) => sent.has(t.title));
  check(newTodos.every((t) => !t.done && t.id > SEEDED), `${name}: the added todos not done, ids after the seeded ones`,
    [JSON.stringify(newTodos.filter((t) => t.done || t.id <= SEEDED))]);
}

// One round: a fresh database, SEEDED todos, the stream killed after killAfter answers,
// the restart, the checks, and one more add on the restarted app.
async function crashRound(name, dbArgs, killAfter, file) {
  let app = await startApp(dbArgs);
  try {
    for (let i = 1; i <= SEEDED; i++) {
      const r = await add(app, `seed ${i}`);
      if (r.status !== 200) throw new Error(`seed ${i}: ${r.status} ${r.body}`);
    }
    const ops = writes(name);
    const acked = await streamAndKill(app, ops, killAfter);
    check(acked.length >= killAfter && acked.length < ops.length,
      `${name}: killed with SIGKILL mid-stream (${acked.length} of ${ops.length} writes acknowledged)`);
    if (file) checkEq(integrity(file), 'ok', `${name}: PRAGMA integrity_check after the kill`);
    app = await startApp(dbArgs);
    const list = await stored(app);
    verify(name, list, ops, acked);
    const r = await add(app, `${name} after`);
    check(r.status === 200 && r.body.includes('"_error":""') && (await stored(app)).length === list.length + 1,
      `${name}: the restarted app saves the next add`, [r.status, r.body.slice(-200)]);
  } catch (e) {
    check(false, `${name}: ${e.message}`, [e.stack, app.stderr()]);
  } finally {
    await stopApp(app, 'SIGKILL');
  }
}

async function crashesSqlite() {
  const rounds = [['normal', 1], ['normal', 37], ['normal', 150], ['full', 12], ['full', 90], ['off', 25], ['off', 120]];
  for (const [sync, killAfter] of rounds) {
    const file = path.join(tmp, `crash-${sync}-${killAfter}.db`);
    await crashRound(`sqlite --sync ${sync}, kill after ${killAfter}`, ['--db', file, '--sync', sync], killAfter, file);
  }
}

async function crashesPg() {
  if (!check(pgServer, 'postgresql: STARCH_TEST_PG names the test server (scripts/run-tests)')) return;
  for (const killAfter of [5, 60, 200]) {
    const name = `starch_faults_crash_${killAfter}`;
    const db = freshDatabase(name);
    await crashRound(`postgresql, kill after ${killAfter}`, ['--db', db.uri], killAfter, null);
    dropDatabase(name);
  }
}

/* ---- Refused writes ------------------------------------------------------------------- */

// The list of the first event of a new GET /events stream.
async function streamedList(app) {
  const s = new EventStream(app.origin);
  try {
    await s.open();
    const e = await s.next();
    return e ? parseList(e) : e;
  } finally {
    s.close();
  }
}

// A database that refuses writes: refuse() and accept() switch it; errors are the texts
// the page must show for an add or toggle, and for a delete.
async function refusedRound(name, dbArgs, refuse, accept, errors) {
  let app = await startApp(dbArgs);
  let events;
  try {
    for (const title of ['Milk', 'Eggs', 'Bread']) await add(app, title);
    await toggle(app, 2);
    const before = await stored(app);
    checkEq(before.map((t) => `${t.id} ${t.title} ${t.done}`), ['1 Milk false', '2 Eggs true', '3 Bread false'], `${name}: three todos stored`);
    events = new EventStream(app.origin);
    await events.open();
    await events.next(); // the list as it is

    await refuse(app);
    let r = await add(app, 'Butter');
    checkEq(`${r.status} ${r.body}`, `200 ${setError(errors.save)}`, `${name}: an add from the page answers the error in $_error`);
    r = await request(app.origin, 'POST', '/todos', { body: '{"title":"Butter"}', headers: { 'Datastar-Request': 'false' } });
    checkEq(`${r.status} ${r.body}`, `500 ${errors.save}\n`, `${name}: an add from elsewhere answers 500 and the error`);
    r = await toggle(app, 1);
    checkEq(`${r.status} ${r.body}`, `200 ${replaceItem(before[0])}${setError(errors.toggle ?? errors.save)}`,
      `${name}: a toggle answers the todo as stored (its checkbox unticked again) and the error in $_error`);
    r = await request(app.origin, 'POST', '/todos/1/toggle', { headers: { 'Datastar-Request': 'false' } });
    checkEq(`${r.status} ${r.body}`, `500 ${errors.toggle ?? errors.save}\n`, `${name}: a toggle from elsewhere answers 500 and the error`);
    r = await remove(app, 3);
    checkEq(`${r.status} ${r.body}`, `200 ${setError(errors.remove)}`, `${name}: a delete answers the error in $_error`);
    checkEq(await stored(app), before, `${name}: GET / answers, the list unchanged`);
    checkEq(await streamedList(app), before, `${name}: a new GET /events stream starts with the unchanged list`);
    checkEq(await events.next(300), undefined, `${name}: the open stream got no change`);
    checkEq((await request(app.origin, 'GET', '/healthz')).status, 200, `${name}: GET /healthz 200 (the database answers reads)`);

    await accept(app);
    r = await add(app, 'Butter');
    check(r.status === 200 && r.body === 'event: datastar-patch-signals\ndata: signals {"title":"","_error":""}\n\n' &&
          (await stored(app)).some((t) => t.title === 'Butter'),
      `${name}: once the database takes writes, the next add succeeds and clears $_error`, [r.status, r.body.slice(-300)]);
    r = await toggle(app, 1);
    check(r.status === 200 && r.body.includes('class="todo done"') && r.body.endsWith('data: signals {"_error":""}\n\n'),
      `${name}: and a toggle`, [r.status, r.body.slice(-300)]);
    check(await events.until('Butter', 5000), `${name}: the open stream gets the change`);
    const after = ['1 Milk true', '2 Eggs true', '3 Bread false', '4 Butter false'];
    const logged = app.stderr();
    check(logged.includes(`todo: ${errors.save}\n`) && logged.includes(`todo: ${errors.remove}\n`),
      `${name}: each refusal logged on stderr`, [logged]);
    checkEq(await stopApp(app), 0, `${name}: SIGTERM, exit 0`);
    app = await startApp(dbArgs);
    checkEq((await stored(app)).map((t) => `${t.id} ${t.title} ${t.done}`), after, `${name}: after a restart, exactly what was acknowledged`);
  } catch (e) {
    check(false, `${name}: ${e.message}`, [e.stack, app.stderr()]);
  } finally {
    events?.close();
    checkEq(await stopApp(app), 0, `${name}: the restarted app stops (SIGTERM, exit 0)`);
  }
}

const prlimit = (app, limit) => execFileSync('prlimit', ['--pid', String(app.proc.pid), `--fsize=${limit}`]);

async function refusedSqlite() {
  const file = path.join(tmp, 'refused.db');
  await refusedRound('sqlite, file size limit 0', ['--db', file],
    (app) => prlimit(app, '0:unlimited'), (app) => prlimit(app, 'unlimited:unlimited'),
    { save: 'Not saved: Todo: sqlite: disk I/O error', remove: 'Not deleted: Todo: sqlite: disk I/O error' });
  checkEq(integrity(file), 'ok', 'sqlite, file size limit 0: PRAGMA integrity_check');
}

async function refusedPg() {
  if (!check(pgServer, 'postgresql: STARCH_TEST_PG names the test server')) return;
  // A trigger that refuses every change of the table.
  let db = freshDatabase('starch_faults_trigger');
  const message = 'todos are read-only during maintenance';
  await refusedRound('postgresql, a trigger refuses changes', ['--db', db.uri],
    () => psql(db.conninfo, `CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION '${message}'; END $$;
      CREATE TRIGGER refuse BEFORE INSERT OR UPDATE OR DELETE ON "Todo"
        FOR EACH STATEMENT EXECUTE FUNCTION refuse()`),
    () => psql(db.conninfo, 'DROP TRIGGER refuse ON "Todo"'),
    { save: `Not saved: Todo: pg: ${message}`, remove: `Not deleted: Todo: pg: ${message}` });
  dropDatabase('starch_faults_trigger');
  // The whole database read-only: new sessions take the setting, so the app's are ended.
  db = freshDatabase('starch_faults_readonly');
  const kick = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = 'starch_faults_readonly' AND pid <> pg_backend_pid()";
  const readOnly = (on) => async (app) => {
    psql(pgServer, `ALTER DATABASE starch_faults_readonly SET default_transaction_read_only = ${on}`);
    psql(pgServer, kick);
    // the app notices its sessions ended at its next call, and connects again
    await until(async () => (await request(app.origin, 'GET', '/healthz')).status === 200, TIMEOUT);
  };
  await refusedRound('postgresql, the database read-only', ['--db', db.uri], readOnly('on'), readOnly('off'),
    { save: 'Not saved: Todo: pg: cannot execute UPDATE in a read-only transaction',
      toggle: 'Not saved: Todo: pg: cannot execute SELECT FOR UPDATE in a read-only transaction',
      remove: 'Not deleted: Todo: pg: cannot execute DELETE in a read-only transaction' });
  dropDatabase('starch_faults_readonly');
}

/* ---- In Chromium, with the official Datastar client ------------------------------------ */

async function refusedInChromium() {
  let chromium;
  try {
    ({ chromium } = createRequire(path.join(sourceRoot, 'tests', 'app', 'package.json'))('playwright-core'));
  } catch (e) {
    check(false, 'Chromium: playwright-core of tests/app (scripts/install-deps)', [e.message]);
    return;
  }
  const name = 'official client, file size limit 0';
  const app = await startApp(['--db', path.join(tmp, 'chromium.db')]);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'starch-faults-chromium-'));
  let context;
  try {
    await add(app, 'Milk');
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
      timeout: 30000,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(app.origin + '/', { waitUntil: 'load', timeout: 15000 });
    const titles = () => page.locator('#todos .title').allTextContents();
    const error = page.locator('#error');
    const box = page.locator('#todo-1 input[type=checkbox]');
    await page.waitForFunction(() => window.getComputedStyle(document.querySelector('#error')).display === 'none', null, { timeout: 5000 });

    prlimit(app, '0:unlimited');
    await page.fill('#title', 'Butter');
    await page.press('#title', 'Enter');
    check(await until(async () => (await error.isVisible()) && (await error.textContent()) === 'Not saved: Todo: sqlite: disk I/O error', 5000),
      `${name}: a refused add shows "Not saved: Todo: sqlite: disk I/O error" in the page`, [await error.textContent()]);
    checkEq(await titles(), ['Milk'], `${name}: the list as it was`);
    checkEq(await page.locator('#title').inputValue(), 'Butter', `${name}: the title stays in the input, to try again`);
    await box.click();
    await page.waitForTimeout(500); // the answer puts the stored todo back
    check(!(await box.isChecked()) && (await error.isVisible()),
      `${name}: a refused toggle leaves the checkbox unticked, the error shown`, [await box.isChecked(), await error.textContent()]);

    prlimit(app, 'unlimited:unlimited');
    await page.click('#new-todo button[type=submit]');
    check(await until(async () => JSON.stringify(await titles()) === '["Milk","Butter"]' && !(await error.isVisible()), 5000),
      `${name}: once the database takes writes, Add saves the todo and the error goes`, [await titles(), await error.textContent()]);
    await box.click();
    check(await until(async () => (await box.isChecked()) && (await page.locator('#todo-1.done').count()) === 1, 5000),
      `${name}: the todo put back by the refused toggle toggles again`);
    checkEq((await stored(app)).map((t) => `${t.title} ${t.done}`), ['Milk true', 'Butter false'], `${name}: stored: Milk (done), Butter`);
  } catch (e) {
    check(false, `${name}: ${e.message}`, [e.stack, app.stderr()]);
  } finally {
    if (context) await context.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
    await stopApp(app);
  }
}

/* ---- Main ------------------------------------------------------------------------------- */

try {
  await crashesSqlite();
  await crashesPg();
  await refusedSqlite();
  await refusedPg();
  await refusedInChromium();
} catch (e) {
  check(false, `unexpected: ${e.stack}`);
} finally {
  for (const p of children) p.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
  finish();
}
