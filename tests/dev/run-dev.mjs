// run-dev.mjs — the development loop (scripts/dev, `make dev`) end to end.
//
// A release build's todo-app (this build's) has no /__dev/reload (404) and not even the
// string "__dev". Then, on a scratch copy of the project (the real files are never
// edited), scripts/dev builds the app with -Ddev=true and runs it; headless Chromium opens
// the page with the official Datastar client (../shared/datastar/client); and
//   - a saved template change reloads the page by itself, which shows the new text (five
//     times: the time from the save to the reloaded page is printed, median and each run);
//   - a C change does the same (the app is rebuilt and restarted);
//   - a template with an error: the compiler's error is printed, the old app keeps
//     serving, the page stays as it is; the fix brings the next reload;
//   - Ctrl-C (SIGINT to the process group, as a terminal sends it) stops the script and
//     the app, exit 0, no process left.
//
// usage: node run-dev.mjs TODO_APP SOURCE_ROOT      (prints TAP, one line a check)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { request as requestTo, until } from '../app/sse-client.mjs';

// playwright-core as tests/app installs it (its package.json and lock file).
const { chromium } = createRequire(new URL('../app/package.json', import.meta.url))('playwright-core');

const [releaseApp, sourceRoot] = process.argv.slice(2);
const client = path.join(sourceRoot, '..', 'shared', 'datastar', 'client', 'datastar-v1.0.2.js');
const FIRST_BUILD = 600000; // the scratch copy is built from nothing: compiler, runtime, app
const REBUILD = 120000;     // one change: a template compiled, a file or two, a link
const RUNS = 5;

/* ---- TAP ------------------------------------------------------------------------------ */

const tap = [];
const notes = [];
function check(ok, name, details = []) {
  tap.push({ ok: Boolean(ok), name, details: ok ? [] : details });
  return Boolean(ok);
}
const show = (v) => JSON.stringify(v);
const checkEq = (got, want, name) =>
  check(got === want, name, [`got:      ${show(got)}`, `expected: ${show(want)}`]);
function finish() {
  console.log(`1..${tap.length}`);
  tap.forEach((t, i) => {
    console.log(`${t.ok ? 'ok' : 'not ok'} ${i + 1} - dev ${t.name}`);
    for (const d of t.details) for (const line of String(d).split('\n')) console.log(`# ${line}`);
  });
  for (const n of notes) console.log(`# ${n}`);
  process.exitCode = tap.every((t) => t.ok) ? 0 : 1;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* ---- A release build ------------------------------------------------------------------ */

function startRelease() {
  return new Promise((resolve, reject) => {
    const proc = spawn(releaseApp, ['--memory', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/^listening on (http:\/\/[0-9.]+:\d+)\/\n/);
      if (m) resolve({ proc, origin: m[1] });
    });
    proc.on('exit', (code) => reject(new Error(`todo-app exited (${code}): ${out}`)));
  });
}

async function release() {
  const bytes = fs.readFileSync(releaseApp);
  checkEq(bytes.indexOf('__dev'), -1, 'the release binary has no "__dev" string');
  const app = await startRelease();
  try {
    const r = await requestTo(app.origin, 'GET', '/__dev/reload');
    checkEq(`${r.status} ${r.body}`, '404 not found\n', 'a release build answers 404 on GET /__dev/reload');
    const page = await requestTo(app.origin, 'GET', '/');
    check(page.status === 200 && !page.body.includes('starch-dev-reload'),
      'a release build\'s page has no reloader', [page.status, page.body.slice(-400)]);
  } finally {
    app.proc.removeAllListeners('exit');
    app.proc.kill('SIGTERM');
  }
}

/* ---- The scratch copy and scripts/dev ------------------------------------------------- */

// The project's sources without its build dirs, git data and npm packages.
function copyProject(to) {
  const skip = new Set(['.git', 'node_modules']);
  fs.cpSync(sourceRoot, to, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(sourceRoot, src);
      const name = path.basename(src);
      return !skip.has(name) && !(rel === name && name.startsWith('build')) && rel !== path.join('bench', 'out');
    },
  });
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// scripts/dev of the copy, in a process group of its own (so that a Ctrl-C can be sent
// to the whole group, as a terminal does); its output is collected in `out`.
class Dev {
  constructor(root, port) {
    this.out = '';
    this.proc = spawn(path.join(root, 'scripts', 'dev'),
      ['--build-dir', path.join(root, 'build-dev'), '--', '--memory', '--port', String(port), '--datastar', client],
      { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const take = (d) => { this.out += d; };
    this.proc.stdout.on('data', take);
    this.proc.stderr.on('data', take);
    this.exit = new Promise((resolve) => this.proc.on('exit', (code, sig) => resolve(code ?? sig)));
  }
  // Resolves to whether the output from offset on matches re within ms.
  wait(re, from, ms) {
    return until(async () => re.test(this.out.slice(from)), ms);
  }
  appPid() {
    const all = [...this.out.matchAll(/^dev: todo-app started \(pid (\d+)\)$/gm)];
    return all.length ? Number(all[all.length - 1][1]) : 0;
  }
}

// GET url as an event stream: resolves to its status, type and first event, then leaves.
function firstEvent(url) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { Accept: 'text/event-stream' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        body += d;
        if (!body.includes('\n\n')) return;
        resolve({ status: res.statusCode, type: res.headers['content-type'], body });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.setTimeout(10000, () => req.destroy(new Error(`${url}: no event in 10 s`)));
  });
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function launch() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'starch-dev-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
    timeout: 30000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const close = async () => {
    await context.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  };
  return { page, close };
}

/* ---- The loop ------------------------------------------------------------------------- */

// The page's state, read without failing while it navigates: its <h1>, the 404 text of
// the app, and whether the marker set in this document is still there (gone: reloaded).
async function pageState(page) {
  try {
    return await page.evaluate(() => ({
      h1: document.querySelector('h1')?.textContent ?? null,
      marked: window.devTestMarker === true,
      ready: document.readyState,
    }));
  } catch {
    return { h1: null, marked: false, ready: 'navigating' };
  }
}

// Marks the document and waits until the page's reloader is connected to the app that
// serves it (a GET /__dev/reload answered 200 since `since`).
async function markAndConnected(page, streams, since) {
  await until(async () => streams.some((s) => s.at >= since && s.status === 200), 20000);
  await page.evaluate(() => { window.devTestMarker = true; });
}

// Saves text as file (of the copy), then waits until the page, reloaded by itself, shows
// h1. Resolves to the milliseconds from the save to that, or null.
async function saveAndWait(page, file, text, h1) {
  fs.writeFileSync(file, text);
  const saved = performance.now();
  const deadline = saved + REBUILD;
  while (performance.now() < deadline) {
    const s = await pageState(page);
    if (s.h1 === h1 && !s.marked && s.ready !== 'loading') return performance.now() - saved;
    await sleep(10);
  }
  return null;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function loop(root) {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const dev = new Dev(root, port);
  const template = path.join(root, 'examples', 'todo', 'todo.starch');
  const routes = path.join(root, 'examples', 'todo', 'routes.c');
  let browser;
  try {
    if (!check(await dev.wait(/^listening on /m, 0, FIRST_BUILD),
      'scripts/dev sets up build-dev, builds the app and starts it', [dev.out.slice(-3000)])) return;
    check(/^dev: setting up .*build-dev \(meson setup -Ddev=true\)$/m.test(dev.out) &&
      /^dev: watching examples\/todo and templates \(Ctrl-C stops\)$/m.test(dev.out),
    'scripts/dev says what it set up and what it watches', [dev.out.slice(-1500)]);

    // The dev build's stream: the build id of the page, as one patch-signals event.
    const html = (await requestTo(origin, 'GET', '/')).body;
    const id = (html.match(/data-signals="\{_devBuild: '([0-9.]+)'\}"/) || [])[1];
    check(id, 'the dev page carries the reloader with its build id', [html.slice(-600)]);
    const stream = await firstEvent(origin + '/__dev/reload');
    checkEq(`${stream.status} ${stream.type} ${stream.body}`,
      `200 text/event-stream event: datastar-patch-signals\ndata: signals {"_devBuild":"${id}"}\n\n`,
      'GET /__dev/reload sends the build id the page carries, as a patch-signals event');

    browser = await launch();
    const { page } = browser;
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const streams = [];
    page.on('response', (r) => {
      if (r.url().startsWith(origin + '/__dev/reload')) streams.push({ at: performance.now(), status: r.status() });
    });
    await page.goto(origin + '/', { waitUntil: 'load', timeout: 30000 });
    checkEq((await pageState(page)).h1, 'Todos', 'the page opens');

    // Template changes: the page reloads by itself and shows each; timed.
    const times = [];
    const builds = []; // ninja's part of each, as scripts/dev says it
    let h1 = 'Todos';
    for (let i = 1; i <= RUNS; i++) {
      await markAndConnected(page, streams, 0);
      const next = `Todos ${i}`;
      const from = dev.out.length;
      const text = fs.readFileSync(template, 'utf8');
      const ms = await saveAndWait(page, template, text.replace(`<h1>${h1}</h1>`, `<h1>${next}</h1>`), next);
      if (!check(ms !== null, `template change ${i}: the page reloads by itself and shows <h1>${next}</h1>`,
        [show(await pageState(page)), dev.out.slice(from)])) return;
      times.push(ms);
      const built = dev.out.slice(from).match(/^dev: built in ([0-9.]+) s;/m);
      if (built) builds.push(Number(built[1]) * 1000);
      h1 = next;
      streams.length = 0;
    }
    notes.push(`save of a template -> reloaded page showing it: median ${Math.round(median(times))} ms ` +
      `(runs: ${times.map((t) => Math.round(t)).join(', ')} ms; of which ninja: median ` +
      `${Math.round(median(builds))} ms; ${os.cpus().length} cores, load average ` +
      `${os.loadavg().map((l) => l.toFixed(1)).join(' ')})`);

    // A C change: rebuilt, restarted, reloaded.
    await markAndConnected(page, streams, 0);
    let from = dev.out.length;
    const pid = dev.appPid();
    fs.writeFileSync(routes, fs.readFileSync(routes, 'utf8').replace('"not found")', '"nothing here")'));
    check(await dev.wait(/^dev: built in [0-9.]+ s; restarting todo-app$/m, from, REBUILD) &&
      await until(async () => (await requestTo(origin, 'GET', '/nothing')).body === 'nothing here\n', 20000) &&
      await until(async () => !(await pageState(page)).marked && (await pageState(page)).h1 === h1, 20000),
    'a C change (routes.c): rebuilt, restarted (the new text is served), the page reloads', [dev.out.slice(from)]);
    check(!alive(pid), 'the old app process is gone after the restart', [pid]);
    streams.length = 0;

    // A template error: printed; the old app keeps serving; the page stays.
    await markAndConnected(page, streams, 0);
    from = dev.out.length;
    const servingPid = dev.appPid();
    const good = fs.readFileSync(template, 'utf8');
    const bad = good.replace('{% if open != 1 %}s{% end %}', '{% if open != 1 %}s');
    const line = good.split('\n').findIndex((l) => l.startsWith('{% component TodoCount(')) + 1;
    fs.writeFileSync(template, bad);
    check(await dev.wait(/^dev: build failed; todo-app \(pid \d+\) keeps running the last good build$/m, from, REBUILD),
      'a template error: scripts/dev says the build failed and the app keeps running', [dev.out.slice(from)]);
    const printed = dev.out.slice(from);
    check(printed.includes(`todo.starch:${line}:1: error: '{% component %}' is never closed (no '{% end %}')\n`),
      'a template error: the compiler\'s error is printed, with its file, line and column', [printed]);
    check(alive(servingPid) && dev.appPid() === servingPid, 'a template error: the same app process runs', [servingPid, dev.appPid()]);
    const still = await requestTo(origin, 'GET', '/');
    check(still.status === 200 && still.body.includes(`<h1>${h1}</h1>`),
      'a template error: the old app keeps serving the last good page', [still.status, still.body.slice(0, 300)]);
    await sleep(1000);
    const st = await pageState(page);
    check(st.marked && st.h1 === h1, 'a template error: the open page is not reloaded', [show(st)]);

    // The fix: the next good build reloads the page.
    const fixed = await saveAndWait(page, template, good.replace(`<h1>${h1}</h1>`, '<h1>Todos again</h1>'), 'Todos again');
    check(fixed !== null, 'the error fixed: rebuilt, restarted, the page reloads and shows the change',
      [show(await pageState(page)), dev.out.slice(from)]);
    check(errors.length === 0, 'no script error in the page', errors);
  } finally {
    if (browser) await browser.close();
    // Ctrl-C: SIGINT to the process group, as a terminal sends it.
    const pid = dev.appPid();
    if (dev.proc.exitCode === null) process.kill(-dev.proc.pid, 'SIGINT');
    const code = await Promise.race([dev.exit, sleep(20000).then(() => 'timeout')]);
    checkEq(code, 0, 'Ctrl-C stops scripts/dev, exit 0');
    check(/^dev: stopped$/m.test(dev.out), 'Ctrl-C: scripts/dev says it stopped', [dev.out.slice(-500)]);
    check(pid > 0 && !alive(pid), 'Ctrl-C: no app process is left', [pid]);
    if (code === 'timeout') process.kill(-dev.proc.pid, 'SIGKILL');
    if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
  }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'starch-dev-'));
try {
  await release();
  const root = path.join(tmp, 'starch');
  copyProject(root);
  await loop(root);
} catch (e) {
  check(false, 'runs without an exception', [e.stack]);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
  finish();
}
