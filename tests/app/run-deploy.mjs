// run-deploy.mjs — the todo app as docs/deploy.md runs it: two instances on one
// PostgreSQL, behind nginx, restarted one by one with pages open.
//
// Checks, at the protocol level and with the official Datastar v1.0.2 client in Chromium:
//  - a change made on instance A reaches a stream of instance B (and the other way), once;
//  - 100 toggles of one todo sent at once, half to each instance: all answer 200, each
//    flips it once, and it ends as it started;
//  - a stream that reconnects to the other instance with Last-Event-ID gets what it
//    missed; after a restart too;
//  - GET /healthz through a database outage: 200, then 503 (fast) while the server is
//    down, then 200 again without restarting the app;
//  - the rolling restart: nginx in front of both (examples/todo/deploy/nginx.conf), two
//    pages open through it, each instance restarted in turn (SIGTERM) while changes are
//    made on both: every page ends showing every change.
//
// The PostgreSQL server is make test's (scripts/run-tests: STARCH_TEST_PG, a libpq
// connection string); without it every check fails. The outage uses a server of its own
// (scripts/pg-test-server), stopped and started again.
//
// usage: node run-deploy.mjs TODO_APP SOURCE_ROOT      (prints TAP, one line a check)
// (beside run-app.mjs: it uses the same playwright-core from tests/app/package.json)
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { EventStream, request, until } from './sse-client.mjs';

const [appPath, sourceRoot] = process.argv.slice(2);
const TIMEOUT = 10000;
const client = path.join(sourceRoot, '..', 'shared', 'datastar', 'client', 'datastar-v1.0.2.js');

/* ---- TAP ------------------------------------------------------------------------------ */

const tap = [];
function check(ok, name, details = []) {
  tap.push({ ok: Boolean(ok), name, details: ok ? [] : details });
  return Boolean(ok);
}
const checkEq = (got, want, name) =>
  check(got === want, name, [`got:      ${JSON.stringify(got)}`, `expected: ${JSON.stringify(want)}`]);
function finish() {
  console.log(`1..${tap.length}`);
  tap.forEach((t, i) => {
    console.log(`${t.ok ? 'ok' : 'not ok'} ${i + 1} - deploy ${t.name}`);
    for (const d of t.details) for (const line of String(d).split('\n')) console.log(`# ${line}`);
  });
  process.exitCode = tap.every((t) => t.ok) ? 0 : 1;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* ---- PostgreSQL --------------------------------------------------------------------- */

// The libpq keyword string "host=DIR dbname=D user=U" as a postgresql:// URI.
function uriOf(conninfo, dbname) {
  const kv = Object.fromEntries(conninfo.trim().split(/\s+/).map((p) => p.split('=')));
  return `postgresql://${kv.user ?? 'postgres'}@/${dbname ?? kv.dbname}?host=${encodeURIComponent(kv.host)}`;
}
// Runs SQL on the server of conninfo (psql), as its owner.
function psql(conninfo, sql) {
  return execFileSync('psql', ['-X', '-q', '-A', '-t', '-d', conninfo, '-c', sql],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
// A database of its own on make test's server; resolves to its URI.
function freshDatabase(conninfo, name) {
  psql(conninfo, `DROP DATABASE IF EXISTS ${name}`);
  psql(conninfo, `CREATE DATABASE ${name}`);
  return uriOf(conninfo, name);
}

/* ---- HTTP ------------------------------------------------------------------------------ */

const add = (origin, title) => request(origin, 'POST', '/todos', { body: JSON.stringify({ title }) });

/* ---- Processes ------------------------------------------------------------------------- */

const children = new Set();
// Starts todo-app on db (with db null: no --db, DATABASE_URL from env).
function startApp(db, port = 0, env = process.env) {
  return new Promise((resolve, reject) => {
    const dbArgs = db === null ? [] : ['--db', db];
    const proc = spawn(appPath, ['--port', String(port), ...dbArgs, '--datastar', client],
      { stdio: ['ignore', 'pipe', 'pipe'], env });
    children.add(proc);
    let out = '', err = '';
    const timer = setTimeout(() => reject(new Error(`no "listening on" line: ${out}${err}`)), TIMEOUT);
    proc.stderr.on('data', (d) => { err += d; });
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/^listening on (http:\/\/127\.0\.0\.1:(\d+))\/\n/);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, origin: m[1], port: Number(m[2]), db, stderr: () => err });
      }
    });
    proc.on('exit', (code) => {
      children.delete(proc);
      clearTimeout(timer);
      reject(new Error(`todo-app exited (${code}): ${out}${err}`));
    });
  });
}
function stopApp(app, signal = 'SIGTERM', timeout = TIMEOUT) {
  return new Promise((resolve) => {
    if (app.proc.exitCode !== null) return resolve(app.proc.exitCode);
    const timer = setTimeout(() => { app.proc.kill('SIGKILL'); resolve('timeout'); }, timeout);
    app.proc.removeAllListeners('exit');
    app.proc.on('exit', (code, sig) => { children.delete(app.proc); clearTimeout(timer); resolve(code ?? sig); });
    app.proc.kill(signal);
  });
}
async function restart(app) {
  const code = await stopApp(app);
  const again = await startApp(app.db, app.port);
  await until(async () => (await request(again.origin, 'GET', '/healthz')).status === 200, TIMEOUT);
  return { code, app: again };
}

// nginx with examples/todo/deploy/nginx.conf, its three ports replaced.
function startNginx(dir, port, upstreams) {
  let conf = fs.readFileSync(path.join(sourceRoot, 'examples', 'todo', 'deploy', 'nginx.conf'), 'utf8');
  conf = conf.replace('listen 127.0.0.1:8080;', `listen 127.0.0.1:${port};`)
    .replace('server 127.0.0.1:8081 ', `server 127.0.0.1:${upstreams[0]} `)
    .replace('server 127.0.0.1:8082 ', `server 127.0.0.1:${upstreams[1]} `);
  fs.mkdirSync(dir, { recursive: true });
  const confPath = path.join(dir, 'nginx.conf');
  fs.writeFileSync(confPath, conf);
  fs.chmodSync(dir, 0o777);
  const global = `daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log;` +
    (process.getuid() === 0 ? ' user root;' : '');
  const proc = spawn('nginx', ['-p', dir, '-c', confPath, '-g', global], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  proc.on('exit', () => children.delete(proc));
  return proc;
}

// A free loopback port.
function freePort() {
  return new Promise((resolve) => {
    const s = http.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/* ---- The checks ------------------------------------------------------------------------ */

// A change on one instance reaches the other's stream once; a stream that moves to the
// other instance with Last-Event-ID gets what it missed.
async function acrossInstances(a, b) {
  const onB = new EventStream(b.origin);
  await onB.open();
  await onB.next(); // the list
  checkEq(fs.existsSync('todo.db'), false, 'B (DATABASE_URL, no --db) made no SQLite file: it is on PostgreSQL');
  let r = await add(a.origin, 'Made on A');
  checkEq(r.status, 200, 'POST /todos on A: 200');
  check(await onB.until('Made on A'), 'a change made on A reaches a stream of B');
  const onA = new EventStream(a.origin);
  await onA.open();
  await onA.next();
  r = await add(b.origin, 'Made on B');
  check(await onA.until('Made on B'), 'a change made on B reaches a stream of A');
  checkEq(await onA.next(500), undefined, 'each change reaches a stream once');
  const seen = onA.lastId;
  check(/^\d+$/.test(seen ?? ''), 'on PostgreSQL the SSE id is the database event id', [seen]);
  onA.close();
  await add(b.origin, 'While moving');
  const moved = new EventStream(b.origin); // reconnects to the other instance
  await moved.open({}, { 'Last-Event-ID': seen });
  const first = await moved.next();
  check(first && first.includes('<span class="title">While moving</span>'),
    'Last-Event-ID on the other instance: the stream resumes with what it missed', [first]);
  check(Number(moved.lastId) > Number(seen), 'the resumed event has a later id', [moved.lastId, seen]);
  moved.close();
  onB.close();
}

// 100 toggles of one todo at once, half to each instance.
async function toggles(a, b) {
  await add(a.origin, 'Toggle me');
  const before = await request(a.origin, 'GET', '/', { headers: { 'Datastar-Request': 'false' } });
  const id = Number(before.body.match(/<li id="todo-(\d+)"[^>]*>\s*<label>\s*<input[^>]*>\s*<span class="title">Toggle me<\/span>/)?.[1]);
  const answers = await Promise.all(Array.from({ length: 100 }, (_, i) =>
    request(i % 2 ? b.origin : a.origin, 'POST', `/todos/${id}/toggle`, { body: '{}' })
      .then((x) => x.status, (e) => String(e))));
  checkEq(answers.filter((s) => s === 200).length, 100, '100 concurrent toggles across A and B: all answer 200');
  const page = await request(a.origin, 'GET', '/', { headers: { 'Datastar-Request': 'false' } });
  const item = page.body.match(new RegExp(`<li id="todo-${id}" class="([^"]*)">`));
  checkEq(item?.[1], 'todo', '100 toggles: each flipped it once, so it ends as it started (not done)');
}

// /healthz through an outage of the database: a server of its own, stopped and started.
async function outage() {
  // (its own directory, not under the test's private one: the server's user must reach it)
  const pgdir = fs.mkdtempSync(path.join(os.tmpdir(), 'starch-deploy-pg-'));
  const conninfo = execFileSync(path.join(sourceRoot, 'scripts', 'pg-test-server'), ['start', pgdir],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const asOwner = (args) => (process.getuid() === 0 ? ['runuser', ['-u', 'postgres', '--', ...args]] : [args[0], args.slice(1)]);
  const pgctl = (what) => {
    const [cmd, args] = asOwner(['/usr/lib/postgresql/15/bin/pg_ctl', '-D', path.join(pgdir, 'data'), '-w', '-t', '30',
      '-o', `-c listen_addresses='' -c unix_socket_directories='${pgdir}' -c fsync=off`, '-l', path.join(pgdir, 'server.log'),
      ...(what === 'stop' ? ['-m', 'fast'] : []), what]);
    execFileSync(cmd, args, { stdio: 'ignore' });
  };
  const app = await startApp(uriOf(conninfo));
  try {
    checkEq((await request(app.origin, 'GET', '/healthz')).status, 200, 'GET /healthz: 200 with the database up');
    pgctl('stop');
    const t0 = Date.now();
    const down = await request(app.origin, 'GET', '/healthz');
    checkEq(down.status, 503, 'GET /healthz: 503 while the database is down');
    check(Date.now() - t0 < 5000, `GET /healthz fails fast (${Date.now() - t0} ms)`);
    checkEq((await request(app.origin, 'GET', '/')).status, 500, 'GET / while the database is down: 500, a clear error');
    pgctl('start');
    check(await until(async () => (await request(app.origin, 'GET', '/healthz')).status === 200, 10000),
      'GET /healthz: 200 again once the database is back, without restarting the app');
    checkEq((await add(app.origin, 'After the outage')).status, 200, 'a save works again after the outage');
  } finally {
    await stopApp(app);
    execFileSync(path.join(sourceRoot, 'scripts', 'pg-test-server'), ['stop', pgdir]);
  }
}

// The rolling restart, through nginx, with two pages open on the official client.
async function rolling(dir, db) {
  let a = await startApp(db), b = await startApp(db);
  const port = await freePort();
  const nginx = startNginx(path.join(dir, 'nginx'), port, [a.port, b.port]);
  const front = `http://127.0.0.1:${port}`;
  check(await until(async () => (await request(front, 'GET', '/healthz')).status === 200, TIMEOUT),
    'nginx in front of A and B answers /healthz');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'starch-deploy-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
  });
  const expected = [];
  try {
    const pages = [await context.newPage(), await context.newPage()];
    for (const p of pages) await p.goto(front + '/', { waitUntil: 'load' });
    await sleep(1000);
    const change = async (origin, title) => {
      const r = await add(origin, title);
      if (r.status === 200) expected.push(title);
      return r.status;
    };
    for (const [name, which] of [['A', 0], ['B', 1]]) {
      const inst = which ? b : a, other = which ? a : b;
      await change(front, `Before ${name} restarts`);
      const stopping = stopApp(inst);
      await change(other.origin, `While ${name} stops`);
      checkEq(await stopping, 0, `rolling restart: ${name} stops on SIGTERM (exit 0)`);
      await change(front, `While ${name} is down (through nginx)`);
      const again = await startApp(db, inst.port);
      await until(async () => (await request(again.origin, 'GET', '/healthz')).status === 200, TIMEOUT);
      if (which) b = again; else a = again;
      await change(again.origin, `On ${name} restarted`);
      await change(other.origin, `On the other after ${name} restarted`);
    }
    await change(front, 'Last, through nginx');
    const titlesOf = (p) => p.locator('#todos .title').allTextContents();
    for (const [i, p] of pages.entries()) {
      let shown = [];
      const ok = await until(async () => {
        shown = await titlesOf(p);
        return expected.every((t) => shown.includes(t));
      }, 15000);
      check(ok, `rolling restart: page ${i + 1} shows every change (${expected.length})`,
        [`missing: ${JSON.stringify(expected.filter((t) => !shown.includes(t)))}`]);
    }
  } finally {
    await context.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
    nginx.kill('SIGQUIT');
    checkEq(await stopApp(a), 0, 'rolling restart: A stops');
    checkEq(await stopApp(b), 0, 'rolling restart: B stops');
  }
}

async function main() {
  const conninfo = process.env.STARCH_TEST_PG;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'starch-deploy-'));
  try {
    if (!check(conninfo, 'make test\'s PostgreSQL server (STARCH_TEST_PG) is there')) return;
    if (!check(fs.existsSync(client), `the official Datastar client is at ${client}`)) return;
    const db = freshDatabase(conninfo, 'starch_deploy');
    // B takes its database from the environment, as the systemd unit gives it.
    const a = await startApp(db), b = await startApp(null, 0, { ...process.env, DATABASE_URL: db });
    try {
      await acrossInstances(a, b);
      await toggles(a, b);
    } finally {
      checkEq(await stopApp(a), 0, 'A stops on SIGTERM (exit 0)');
      checkEq(await stopApp(b), 0, 'B stops on SIGTERM (exit 0)');
      checkEq(a.stderr() + b.stderr(), '', 'nothing on stderr');
    }
    await outage();
    await rolling(dir, freshDatabase(conninfo, 'starch_rolling'));
  } catch (e) {
    check(false, 'ran to the end', String(e.stack || e).split('\n'));
  } finally {
    for (const c of children) c.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
    finish();
  }
}

main();
