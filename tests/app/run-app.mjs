// run-app.mjs — end-to-end test of the todo app (examples/todo).
//
// Starts todo-app on a free loopback port with a temporary SQLite file and checks it as a
// browser running the Datastar v1 client would use it: the page, then the requests the
// client makes (header `Datastar-Request: true`; signals as JSON in the `datastar` query
// parameter for GET and DELETE, as the body for POST), with the exact SSE events each
// answer carries, and the events two subscribers of GET /events receive for every change.
// Then the todos survive a restart (SQLite), the --memory backend works, Ctrl-C (SIGINT)
// stops the app cleanly with streams open, and headless Chromium renders the page with no
// error but the Datastar client it cannot fetch from the CDN.
//
// No v1 Datastar client can be had here (npm has @starfederation/datastar 1.0.0-beta.11 and
// older, which speak the pre-v1 protocol; the machine cannot reach the CDN), so the client's
// side is played at the protocol level; see examples/todo/README.md.
//
// usage: node run-app.mjs TODO_APP SOURCE_ROOT OUT_DIR      (prints TAP, one line a check)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { EventStream, request as requestTo, signalsQuery, until } from './sse-client.mjs';

const [appPath, sourceRoot, outDir] = process.argv.slice(2);
const TIMEOUT = 5000;

/* ---- TAP ------------------------------------------------------------------------------ */

const tap = [];
function check(ok, name, details = []) {
  tap.push({ ok: Boolean(ok), name, details: ok ? [] : details });
  return Boolean(ok);
}
const show = (v) => JSON.stringify(v);
function checkEq(got, want, name) {
  return check(got === want, name, [`got:      ${show(got)}`, `expected: ${show(want)}`]);
}
function finish() {
  console.log(`1..${tap.length}`);
  tap.forEach((t, i) => {
    console.log(`${t.ok ? 'ok' : 'not ok'} ${i + 1} - app ${t.name}`);
    for (const d of t.details) for (const line of String(d).split('\n')) console.log(`# ${line}`);
  });
  process.exitCode = tap.every((t) => t.ok) ? 0 : 1;
}

/* ---- What the app must send (the template's output, line by line) ---------------------- */

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  .replace(/"/g, '&#34;').replace(/'/g, '&#39;');

function itemLines({ id, title, done }) {
  return [
    `<li id="todo-${id}" class="todo${done ? ' done' : ''}">`,
    '  <label>',
    `    <input type="checkbox"${done ? ' checked' : ''} data-on:click="@post('/todos/${id}/toggle')">`,
    `    <span class="title">${esc(title)}</span>`,
    '  </label>',
    `  <button class="delete" title="Delete" data-on:click="@delete('/todos/${id}')">&times;</button>`,
    '</li>',
  ];
}
const countLine = (todos) => {
  const open = todos.filter((t) => !t.done).length;
  return `<p id="count">${open} item${open === 1 ? '' : 's'} left</p>`;
};
function listLines(todos) {
  const items = todos.length ? todos.flatMap(itemLines) : ['  <li class="empty">Nothing to do.</li>'];
  return ['<section id="list">', '<ul id="todos">', ...items, '</ul>', countLine(todos), '</section>'];
}
// A patch-elements event of a component's lines (its last newline gives an empty line).
const patch = (lines) =>
  'event: datastar-patch-elements\n' + [...lines, ''].map((l) => `data: elements ${l}\n`).join('') + '\n';
// One change as the app publishes it (live.c): a todo appended to #todos, morphed by its id,
// or removed, each with the count; the whole list when the first todo comes or the last
// one goes.
const appended = (t, todos) => 'event: datastar-patch-elements\ndata: selector #todos\ndata: mode append\n' +
  [...itemLines(t), ''].map((l) => `data: elements ${l}\n`).join('') + '\n' + patch([countLine(todos)]);
const updated = (t, todos) => patch([...itemLines(t), countLine(todos)]);
const removed = (id, todos) =>
  `event: datastar-patch-elements\ndata: selector #todo-${id}\ndata: mode remove\n\n` + patch([countLine(todos)]);
// The next change on stream s: an append or a remove is followed by the count.
async function change(s, timeout) {
  const e = await s.next(timeout);
  if (typeof e === 'string' && /^data: mode (append|remove)$/m.test(e)) return e + await s.next(timeout);
  return e;
}
const clearTitle = 'event: datastar-patch-signals\ndata: signals {"title":"","_error":""}\n\n';
// The error shown in the page ($_error, #error): set by a failed action, cleared by a success.
const setError = (message) => `event: datastar-patch-signals\ndata: signals ${JSON.stringify({ _error: message })}\n\n`;
const noError = setError('');

/* ---- HTTP as the Datastar client speaks it -------------------------------------------- */

let origin;

// One request to the app under test; resolves to {status, headers, body}.
const request = (method, url, options) => requestTo(origin, method, url, options);
// An action as @post/@delete sends it: signals in the body (POST) or the query (DELETE).
function action(method, url, signals) {
  if (method === 'POST') return request(method, url, { body: JSON.stringify(signals) });
  return request(method, `${url}?${signalsQuery(signals)}`);
}

// A GET /events stream, as `data-init="@get('/events')"` opens it; events read one by one.
/* ---- The app process ------------------------------------------------------------------- */

// Starts todo-app with args; resolves to {proc, origin} once it prints its address.
function startApp(args) {
  return new Promise((resolve, reject) => {
    const proc = spawn(appPath, ['--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    const timer = setTimeout(() => reject(new Error(`no "listening on" line in ${TIMEOUT} ms: ${out}${err}`)), TIMEOUT);
    proc.stderr.on('data', (d) => { err += d; });
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/^listening on (http:\/\/[0-9.]+:(\d+))\/\n/);
      if (m && Number(m[2]) > 0) {
        clearTimeout(timer);
        resolve({ proc, origin: m[1], line: m[0], stderr: () => err });
      }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`todo-app exited (${code}): ${out}${err}`)); });
  });
}
// Sends SIGINT (or signal); resolves to the exit code, or 'timeout' (and kills it).
function stopApp(app, timeout = TIMEOUT, signal = 'SIGINT') {
  return new Promise((resolve) => {
    if (app.proc.exitCode !== null) return resolve(app.proc.exitCode);
    const timer = setTimeout(() => { app.proc.kill('SIGKILL'); resolve('timeout'); }, timeout);
    app.proc.removeAllListeners('exit');
    app.proc.on('exit', (code, signal) => { clearTimeout(timer); resolve(code ?? signal); });
    app.proc.kill(signal);
  });
}

// A browser that comes back with Last-Event-ID gets what it missed; with an id the app no
// longer has (or another boot's), the whole list. The other streams (watching) see every
// change.
async function resume(todos, watching) {
  const x = new EventStream(origin);
  await x.open({});
  await x.next(); // the list
  const publish = async (method, url, signals) => {
    const r = await action(method, url, signals);
    for (const w of watching) await change(w);
    return r;
  };
  await publish('POST', '/todos', { title: 'Seen' });
  todos.push({ id: 3, title: 'Seen', done: false });
  await change(x);
  const seen = x.lastId;
  x.close();
  await publish('POST', '/todos', { title: 'While away' });
  todos.push({ id: 4, title: 'While away', done: false });
  const back = new EventStream(origin);
  await back.open({}, { 'Last-Event-ID': seen });
  checkEq(await change(back), appended(todos[todos.length - 1], todos), 'Last-Event-ID: the stream resumes with the missed event');
  const [boot, n] = seen.split('-');
  checkEq(back.lastId, `${boot}-${Number(n) + 1}`, 'Last-Event-ID: the missed event has the next id');
  checkEq(await back.next(300), undefined, 'Last-Event-ID: nothing but what was missed');
  back.close();
  const stale = new EventStream(origin);
  await stale.open({}, { 'Last-Event-ID': 'ffffffffffffffff-1' });
  checkEq(await stale.next(), patch(listLines(todos)), 'an unknown Last-Event-ID: the whole list');
  checkEq(stale.lastId, null, 'an unknown Last-Event-ID: the list has no id');
  stale.close();
  await publish('DELETE', '/todos/4', {});
  await publish('DELETE', '/todos/3', {});
  todos.splice(todos.length - 2, 2);
}

/* ---- The checks --------------------------------------------------------------------- */

// The headers of a response but Date (which changes from one to the next).
const headersOf = (h) => show(Object.fromEntries(Object.entries(h).filter(([k]) => k !== 'date')));

// HEAD answers as GET without a body; HEAD /events answers the stream's headers (those of
// the open stream `events`) and ends.
async function headChecks(events) {
  for (const url of ['/', '/healthz', '/datastar.js', '/nothing']) {
    const get = await request('GET', url), head = await request('HEAD', url);
    check(head.status === get.status && headersOf(head.headers) === headersOf(get.headers) && head.body === '',
      `HEAD ${url}: the status and headers of GET ${url}, no body`,
      [`HEAD ${head.status} ${headersOf(head.headers)} ${show(head.body)}`, `GET  ${get.status} ${headersOf(get.headers)}`]);
  }
  const started = Date.now();
  const head = await request('HEAD', '/events');
  // (Connection: close in place of Transfer-Encoding: chunked, which libmicrohttpd 0.9.75
  // would end with a last chunk even for HEAD.)
  const pick = (h) => show([h['content-type'], h['cache-control']]);
  check(head.status === 200 && pick(head.headers) === pick(events.headers) && head.headers.connection === 'close' &&
        head.body === '' && Date.now() - started < 1000,
  'HEAD /events: the stream\'s Content-Type and Cache-Control, Connection: close, no body, and it ends at once',
  [`HEAD ${head.status} ${headersOf(head.headers)} ${show(head.body)} in ${Date.now() - started} ms`,
    `GET  ${events.statusCode} ${headersOf(events.headers)}`]);
}

async function checkPage(todos, what) {
  const page = await request('GET', '/', { headers: { 'Datastar-Request': 'false' } });
  check(page.status === 200 && page.headers['content-type'] === 'text/html; charset=utf-8',
    `GET / ${what}: 200 text/html`, [page.status, page.headers['content-type']]);
  const html = page.body;
  const want = listLines(todos).join('\n') + '\n';
  check(html.includes(want), `GET / ${what}: the list as rendered by TodoList`, [html, 'expected to contain:', want]);
  return html;
}

async function protocol(dir) {
  const db = path.join(dir, 'todo.db');
  let app = await startApp(['--db', db]);
  origin = app.origin;
  check(/^listening on http:\/\/127\.0\.0\.1:\d+\/\n$/.test(app.line), `prints "${app.line.trim()}"`);

  // The page: the Datastar attributes the client acts on.
  const html = await checkPage([], 'empty');
  for (const piece of [
    '<script type="module" src="/datastar.js"></script>',
    '<main data-signals="{title: \'\', add_key: \'\', _error: \'\'}" data-init="@get(\'/events\', {retry: \'always\', retryMaxCount: 1000})"',
    '<p id="error" role="alert" data-show="$_error !== \'\'" data-text="$_error" style="display: none"></p>',
    '<form id="new-todo" data-indicator:_adding data-on:submit__prevent="$_adding || ($add_key = Date.now().toString(36) + Math.random().toString(36).slice(2), @post(\'/todos\'))">',
    '<input id="title" name="title" data-bind:title placeholder="What needs doing?" autocomplete="off" autofocus>',
    '<button type="submit" data-attr:disabled="$title.trim() === \'\' || $_adding">Add</button>',
  ]) check(html.includes(piece), `GET / has ${piece}`, [html]);

  // The Datastar client: by default the CDN build that templates/page.starch names.
  const pageStarch = fs.readFileSync(path.join(sourceRoot, 'templates', 'page.starch'), 'utf8');
  const cdn = pageStarch.match(/#define STARCH_DATASTAR_URL "([^"]+)"/)[1];
  const js = await request('GET', '/datastar.js');
  check(js.status === 302 && js.headers.location === cdn, `GET /datastar.js redirects to ${cdn}`,
    [js.status, js.headers.location]);

  // Two browsers watch the list.
  const a = new EventStream(origin), b = new EventStream(origin);
  const resA = await a.open({ title: '' });
  await b.open({ title: 'typing' });
  await headChecks(resA);
  check(resA.statusCode === 200 && resA.headers['content-type'] === 'text/event-stream' &&
        resA.headers['cache-control'] === 'no-cache',
  'GET /events: 200, Content-Type text/event-stream, Cache-Control no-cache',
  [resA.statusCode, show(resA.headers)]);
  checkEq(await a.next(), patch(listLines([])), 'GET /events starts with the current list');
  checkEq(await b.next(), patch(listLines([])), 'a second GET /events starts with it too');

  const todos = [];
  // Add: signals in the body, the underscore signals left out as the client does.
  const milk = { id: 1, title: 'Buy milk', done: false };
  let r = await action('POST', '/todos', { title: '  Buy milk ', filter: 'all' });
  todos.push(milk);
  check(r.status === 200 && r.headers['content-type'] === 'text/event-stream',
    'POST /todos answers with an SSE response', [r.status, r.headers['content-type'], r.body]);
  checkEq(r.body, clearTitle, 'POST /todos: $title cleared (the list changes through the streams)');
  checkEq(await change(a), patch(listLines(todos)), 'POST /todos: subscriber 1 receives the list (its first todo)');
  checkEq(await change(b), patch(listLines(todos)), 'POST /todos: subscriber 2 receives the list (its first todo)');

  const hostile = { id: 2, title: '<script>alert("x")</script> & \'co\' @post(\'/x\') $title', done: false };
  r = await action('POST', '/todos', { title: hostile.title });
  todos.push(hostile);
  checkEq(r.body, clearTitle, 'POST /todos: a second todo, $title cleared');
  checkEq(await change(b), appended(hostile, todos), 'POST /todos: subscriber 2 receives the todo appended (its markup escaped) and the count');
  await change(a);

  // Toggle: the item and the count, for this browser and for everyone.
  r = await action('POST', '/todos/1/toggle', { title: '' });
  milk.done = true;
  checkEq(r.body, patch(itemLines(milk)) + patch([countLine(todos)]) + noError,
    'POST /todos/1/toggle: the item (checked, class done), then the count');
  checkEq(await change(a), updated(milk, todos), 'POST /todos/1/toggle: subscriber 1 receives the item and the count');
  checkEq(await change(b), updated(milk, todos), 'POST /todos/1/toggle: subscriber 2 receives the item and the count');

  // Delete: signals in the query, as @delete sends them.
  r = await action('DELETE', '/todos/2', { title: '' });
  todos.splice(1, 1);
  checkEq(r.body, noError, 'DELETE /todos/2: $_error cleared (the list changes through the streams)');
  checkEq(await change(a), removed(2, todos), 'DELETE /todos/2: subscriber 1 receives its removal and the count');
  checkEq(await change(b), removed(2, todos), 'DELETE /todos/2: subscriber 2 receives its removal and the count');

  // Bad requests: an error naming the signal, nothing saved, nothing published.
  const bad = [
    ['POST', '/todos', '{"title":', 400, 'signals: invalid JSON at line 1, column 9 (byte 9): unexpected token near end of file'],
    ['POST', '/todos', '{"title":42}', 400, 'title: expected string, got number'],
    ['POST', '/todos', '["Buy milk"]', 400, 'signals: the signals are not a JSON object'],
    ['POST', '/todos', '{"title":"   "}', 400, 'title: empty'],
    ['POST', '/todos/99/toggle', '{}', 404, 'Todo: no id 99'],
    ['DELETE', '/todos/99', null, 404, 'Todo: no id 99'],
    ['DELETE', '/todos/x', null, 404, 'not found'],
    ['GET', '/nothing', null, 404, 'not found'],
  ];
  // Not from the Datastar client: the status and the message as text.
  const plain = { 'Datastar-Request': 'false' };
  for (const [method, url, body, status, message] of bad) {
    r = await request(method, url, body === null ? { headers: plain } : { body, headers: plain });
    checkEq(`${r.status} ${r.body}`, `${status} ${message}\n`, `${method} ${url} ${body ?? ''}: ${status}`);
  }
  const tooBig = await request('POST', '/todos', { body: JSON.stringify({ title: 'x'.repeat(70000) }), headers: plain });
  checkEq(tooBig.status, 413, 'POST /todos with a 70 kB body: 413');
  // From the Datastar client (which applies the events of a 200 answer only): 200 and the
  // message in $_error, for every failed action.
  for (const [method, url, body, , message] of bad.filter(([m, u]) => m !== 'GET' && u !== '/todos/x')) {
    r = await request(method, url, body === null ? {} : { body });
    checkEq(`${r.status} ${r.body}`, `200 ${setError(message)}`, `Datastar ${method} ${url} ${body ?? ''}: 200, the message in $_error`);
  }
  r = await request('POST', '/todos', { body: JSON.stringify({ title: 'x'.repeat(70000) }) });
  checkEq(`${r.status} ${r.body}`, `200 ${setError('request body too large')}`, 'Datastar POST /todos with a 70 kB body: 200, the message in $_error');
  checkEq(await a.next(300), undefined, 'a bad request publishes nothing');
  await checkPage(todos, 'after the changes');

  // Event ids: the first event of a stream (the whole list) has none; each published one
  // has the boot id and its sequence number, the same on every stream.
  const m = (a.ids[0] ?? '').match(/^([0-9a-f]{16})-(\d+)$/);
  check(m && a.ids.every((id, i) => id === `${m[1]}-${Number(m[2]) + i}`) && a.ids.length === 4,
    'published events carry ids BOOT-N, N counting up', a.ids);
  checkEq(b.ids.join(), a.ids.join(), 'every stream sees the same ids');
  await resume(todos, [a, b]);

  checkEq((await request('GET', '/healthz')).body, 'ok\n', 'GET /healthz: 200 ok while the database answers');

  // Ctrl-C with two streams open: the streams are broken (so browsers reconnect) and the
  // app exits 0.
  const code = await stopApp(app);
  checkEq(code, 0, 'SIGINT stops the app (exit 0) with two /events streams open');
  check(await a.closed() && await b.closed() && a.broken && b.broken,
    'SIGINT breaks the /events streams (no clean end: the client reconnects)', [a.broken, b.broken]);
  checkEq(app.stderr(), '', 'nothing on stderr');

  // SIGTERM, with a stream open and a request in flight, exits 0 well within 5 s.
  app = await startApp(['--db', db]);
  origin = app.origin;
  const c = new EventStream(origin);
  await c.open({});
  await c.next();
  const started = Date.now();
  const inFlight = request('GET', '/').catch((e) => ({ status: String(e) }));
  checkEq(await stopApp(app, 5000, 'SIGTERM'), 0, 'SIGTERM stops the app (exit 0)');
  check(Date.now() - started < 5000, `SIGTERM: gone in ${Date.now() - started} ms (< 5 s)`);
  check(await c.closed() && c.broken, 'SIGTERM breaks the /events stream');
  // Answered whole, or never taken (refused, or closed unanswered while it waited to be
  // accepted: "socket hang up"); never a response cut short.
  const done = await inFlight;
  check((done.status === 200 && done.body.trimEnd().endsWith('</html>')) ||
        /ECONNREFUSED|ECONNRESET|socket hang up/.test(done.status),
  'SIGTERM: a request sent just before is answered or refused, never half-answered', [done.status]);

  // SQLite: the todos are still there after a restart.
  app = await startApp(['--db', db]);
  origin = app.origin;
  await checkPage(todos, 'after a restart on the same SQLite file');
  r = await action('POST', '/todos', { title: 'Eggs' });
  checkEq(r.body, clearTitle, 'after a restart: POST /todos answered');
  await checkPage([...todos, { id: 5, title: 'Eggs', done: false }], 'ids continue after a restart (5: ids are never reused)');
  checkEq(await stopApp(app), 0, 'SIGINT stops the restarted app');

  // The memory backend, chosen by the one line that --memory flips.
  app = await startApp(['--memory']);
  origin = app.origin;
  await checkPage([], '--memory: starts empty');
  const memory = [{ id: 1, title: 'In memory', done: false }, { id: 2, title: 'Write the app', done: true }];
  r = await action('POST', '/todos', { title: 'In memory' });
  checkEq(r.body, clearTitle, '--memory: POST /todos');
  await checkPage(memory.slice(0, 1), '--memory: the todo saved');
  await action('POST', '/todos', { title: 'Write the app' });
  r = await action('POST', '/todos/2/toggle', {});
  checkEq(r.body, patch(itemLines(memory[1])) + patch([countLine(memory)]) + noError, '--memory: POST /todos/2/toggle');
  return app;
}

// A local copy of the Datastar client (--datastar FILE) is served as it is; bad command
// lines are refused.
async function options(dir) {
  const file = path.join(dir, 'datastar.js');
  const js = '/* a stand-in for the Datastar client */\nwindow.starchLocalCopy = true;\n';
  fs.writeFileSync(file, js);
  const app = await startApp(['--memory', '--datastar', file]);
  origin = app.origin;
  const r = await request('GET', '/datastar.js');
  check(r.status === 200 && r.headers['content-type'] === 'text/javascript; charset=utf-8' && r.body === js,
    'GET /datastar.js serves the --datastar file', [r.status, r.headers['content-type'], r.body]);
  checkEq(await stopApp(app), 0, 'SIGINT stops the app with --datastar');
  for (const [args, code, what] of [
    [['--port', 'x'], 2, 'a bad port'], [['--db'], 2, 'an option without its value'],
    [['--colour'], 2, 'an unknown option'], [['--datastar', path.join(dir, 'none.js')], 1, 'a missing --datastar file'],
  ]) {
    const { status, stderr } = await run(args);
    check(status === code && stderr.length > 0, `${what} (${args.join(' ')}): exit ${code} with a message`, [status, stderr]);
  }
  const help = await run(['--help']);
  check(help.status === 0 && help.stdout.startsWith('usage: todo-app'), '--help: the usage, exit 0', [help.status, help.stdout]);
}

// Runs todo-app to its end (for command lines it refuses); resolves to {status, stdout, stderr}.
function run(args) {
  return new Promise((resolve) => {
    const proc = spawn(appPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    proc.stdout.on('data', (d) => { stdout += d; });
    proc.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => proc.kill('SIGKILL'), TIMEOUT);
    proc.on('close', (status, signal) => { clearTimeout(timer); resolve({ status: status ?? signal, stdout, stderr }); });
  });
}

// Loads the page in Chromium: it renders, and the only failure is the CDN it cannot reach.
async function browser(dir) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'starch-app-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        // no name resolves (no DNS query leaves the machine): the CDN fails at once
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
      viewport: { width: 800, height: 600 },
      timeout: 30000,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const consoleErrors = [], pageErrors = [], foreign = [];
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push({ text: m.text(), url: m.location().url }); });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    // Every request the page makes off the app: the route below refuses the first hop of
    // one, but a redirect's next hop (/datastar.js → the CDN) bypasses routes, so the
    // requests are recorded here and --host-resolver-rules makes every name unresolvable.
    page.on('request', (r) => { if (!r.url().startsWith(origin + '/')) foreign.push(r.url()); });
    const failed = [];
    page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(origin + '/')) return route.continue();
      return route.abort('internetdisconnected'); // the machine has no network
    });
    await page.goto(origin + '/', { waitUntil: 'load', timeout: 15000 });
    await page.waitForTimeout(300);

    checkEq(await page.title(), 'Todos', 'Chromium: the page title');
    checkEq(await page.locator('h1').textContent(), 'Todos', 'Chromium: the heading');
    checkEq(await page.locator('#title').getAttribute('placeholder'), 'What needs doing?', 'Chromium: the input');
    checkEq((await page.locator('#todos .title').allTextContents()).join('|'), 'In memory|Write the app',
      'Chromium: the list shows the todos');
    checkEq(await page.locator('#todos input[type=checkbox]').evaluateAll((boxes) => boxes.map((b) => b.checked).join()),
      'false,true', 'Chromium: the done todo is checked');
    checkEq(await page.locator('#todo-2 .title').evaluate((e) => getComputedStyle(e).textDecorationLine),
      'line-through', 'Chromium: the done todo is struck through');
    checkEq(await page.locator('#count').textContent(), '1 item left', 'Chromium: the count');
    const shot = path.join(dir, 'todo-app.png');
    await page.screenshot({ path: shot });
    check(fs.statSync(shot).size > 1000, `Chromium: screenshot written to ${shot}`);

    const pageStarch = fs.readFileSync(path.join(sourceRoot, 'templates', 'page.starch'), 'utf8');
    const cdn = pageStarch.match(/#define STARCH_DATASTAR_URL "([^"]+)"/)[1];
    check(foreign.every((url) => url === cdn), 'Chromium: no request off the app but the Datastar client on the CDN', foreign);
    // (Playwright names the failed redirect by its first hop or its last, as it happens.)
    check(failed.length === 1 && [`${cdn} net::ERR_NAME_NOT_RESOLVED`,
      `${origin}/datastar.js net::ERR_NAME_NOT_RESOLVED`].includes(failed[0]),
    'Chromium: the Datastar client fails to load, without leaving the machine', failed);
    check(consoleErrors.length <= 1 && consoleErrors.every((e) => e.url === cdn),
      'Chromium: no console error but the blocked CDN script', consoleErrors.map(show));
    check(pageErrors.length === 0, 'Chromium: no script error', pageErrors);
  } finally {
    if (context) await context.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

// Launches headless Chromium with a fresh profile, no network off the machine; resolves to
// {context, page, close}.
async function launch() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'starch-app-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
    viewport: { width: 800, height: 600 },
    timeout: 30000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const close = async () => {
    await context.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  };
  return { context, page, close };
}


// The official Datastar v1.0.2 client (../shared/datastar/client) drives the page while the
// app is restarted five times with the page open (SIGTERM, then the same port and SQLite
// file): after each restart a todo added by another user shows up in the page, so the page
// reconnected and is live.
async function restarts(dir) {
  const client = path.join(sourceRoot, '..', 'shared', 'datastar', 'client', 'datastar-v1.0.2.js');
  if (!check(fs.existsSync(client), `the official Datastar client is at ${client}`)) return;
  const db = path.join(dir, 'restarts.db');
  let app = await startApp(['--db', db, '--datastar', client]);
  origin = app.origin;
  const port = origin.split(':')[2];
  const browser = await launch();
  try {
    const { page } = browser;
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(origin + '/', { waitUntil: 'load', timeout: 15000 });
    await page.locator('#title').fill('From the page');
    await page.locator('#new-todo button').click();
    check(await until(async () => (await page.locator('#todos .title').allTextContents()).includes('From the page'), 5000),
      'official client: a todo added in the page shows in its list');
    const titles = () => page.locator('#todos .title').allTextContents();
    let live = 0;
    for (let i = 1; i <= 5; i++) {
      checkEq(await stopApp(app, 5000, 'SIGTERM'), 0, `official client: restart ${i}: SIGTERM, exit 0`);
      app = await startApp(['--db', db, '--datastar', client, '--port', port]);
      const title = `After restart ${i}`;
      await until(async () => (await request('GET', '/healthz')).status === 200, 5000);
      await new Promise((r) => setTimeout(r, 1500)); // the page reconnects within 1 s
      await action('POST', '/todos', { title });
      if (await until(async () => (await titles()).includes(title), 10000)) live++;
    }
    checkEq(live, 5, 'official client: the page stays live across 5 restarts (it reconnects each time)');
    check(pageErrors.length === 0, 'official client: no script error', pageErrors);
  } finally {
    await browser.close();
    checkEq(await stopApp(app), 0, 'official client: the app stops');
  }
}

// Two pages with the official client: each change reaches the other page as the patch of
// what changed (the todo appended, morphed or removed, and the count), never twice; pages
// opened while adds are in flight end with the list as stored, each todo once.
async function twoPages() {
  const client = path.join(sourceRoot, '..', 'shared', 'datastar', 'client', 'datastar-v1.0.2.js');
  const app = await startApp(['--memory', '--datastar', client]);
  origin = app.origin;
  const browser = await launch();
  try {
    const one = browser.page, two = await one.context().newPage();
    const pageErrors = [];
    for (const p of [one, two]) {
      p.on('pageerror', (e) => pageErrors.push(String(e)));
      await p.goto(origin + '/', { waitUntil: 'load', timeout: 15000 });
    }
    const titles = (p) => p.locator('#todos .title').allTextContents();
    const count = (p) => p.locator('#count').textContent();
    const shows = (p, want, left) => until(async () =>
      JSON.stringify(await titles(p)) === JSON.stringify(want) && (await count(p)) === left, 5000);
    await new Promise((r) => setTimeout(r, 500)); // both streams open
    await one.locator('#title').fill('Alpha');
    await one.locator('#new-todo button').click();
    check(await shows(two, ['Alpha'], '1 item left'), 'two pages: an add in one shows in the other');
    await two.locator('#title').fill('Beta');
    await two.locator('#new-todo button').click();
    check(await shows(one, ['Alpha', 'Beta'], '2 items left') && await shows(two, ['Alpha', 'Beta'], '2 items left'),
      'two pages: a second add is appended in both, once', [await titles(one), await titles(two)]);
    await one.locator('#todo-1 input[type=checkbox]').click();
    check(await until(async () => (await two.locator('#todo-1').getAttribute('class')) === 'todo done' &&
                                  (await count(two)) === '1 item left', 5000),
      'two pages: a toggle in one morphs the item and the count in the other');
    await two.locator('#todo-2 .delete').click();
    check(await shows(one, ['Alpha'], '0 items left'), 'two pages: a delete in one removes the item in the other');
    // Adds in flight while the second page reloads again and again: it must end with each
    // todo once (a new stream reads its list and subscribes without a gap or an overlap).
    const adds = (async () => {
      for (let i = 0; i < 30; i++) await action('POST', '/todos', { title: `Burst ${i}` });
    })();
    for (let i = 0; i < 6; i++) {
      await two.reload({ waitUntil: 'load' });
      await new Promise((r) => setTimeout(r, 50 * i));
    }
    await adds;
    const want = ['Alpha', ...Array.from({ length: 30 }, (_, i) => `Burst ${i}`)];
    check(await shows(two, want, '30 items left') && await shows(one, want, '30 items left'),
      'two pages: after 30 adds during 6 reloads, both show each todo once, as stored',
      [await titles(one), await titles(two)]);
    check(pageErrors.length === 0, 'two pages: no script error', pageErrors);
  } finally {
    await browser.close();
    checkEq(await stopApp(app), 0, 'two pages: the app stops');
  }
}

// Listening beyond loopback, a request that changes data from another site is refused;
// from the app's own page, or from no browser at all, it is not.
async function crossSite(dir) {
  const app = await startApp(['--host', '0.0.0.0', '--memory']);
  const port = app.origin.split(':')[2];
  origin = `http://127.0.0.1:${port}`;
  const host = `127.0.0.1:${port}`;
  const cases = [
    [{ Origin: 'http://evil.example' }, 403, 'an Origin of another site: 403'],
    [{ 'Sec-Fetch-Site': 'cross-site', Origin: 'http://evil.example' }, 403, 'Sec-Fetch-Site cross-site: 403'],
    [{ 'Sec-Fetch-Site': 'same-site' }, 403, 'Sec-Fetch-Site same-site (another origin of the site): 403'],
    [{ Origin: `http://${host}` }, 200, 'the app\'s own Origin: 200'],
    [{ 'Sec-Fetch-Site': 'same-origin', Origin: `http://${host}` }, 200, 'Sec-Fetch-Site same-origin: 200'],
    [{}, 200, 'no Origin, no Sec-Fetch-Site (not a browser): 200'],
  ];
  for (const [headers, status, what] of cases) {
    const r = await request('POST', '/todos', { body: '{"title":"x"}', headers: { ...headers, Host: host } });
    checkEq(r.status, status, `--host 0.0.0.0: ${what}`);
  }
  const r = await request('GET', '/', { headers: { Origin: 'http://evil.example' } });
  checkEq(r.status, 200, '--host 0.0.0.0: a GET from another site is not refused (it changes nothing)');
  checkEq(app.line, `listening on http://0.0.0.0:${port}/\n`, '--host 0.0.0.0: prints the address');
  checkEq(await stopApp(app), 0, '--host 0.0.0.0: the app stops');
}

// Titles: at most 500 code points (not bytes, not UTF-16 units), and a 400 that says so;
// a long title wraps in the page instead of widening it.
async function limits() {
  const app = await startApp(['--memory']);
  origin = app.origin;
  const long = '€'.repeat(499) + '😀'; // 500 code points, 1501 bytes, 501 UTF-16 units
  let r = await action('POST', '/todos', { title: long });
  const saved = await request('GET', '/', { headers: { 'Datastar-Request': 'false' } });
  check(r.status === 200 && saved.body.includes(`<span class="title">${long}</span>`),
    'a title of 500 code points (1501 bytes) is saved', [r.status, r.body.slice(0, 200)]);
  for (const [title, what] of [['x'.repeat(501), '501 ASCII characters'], [long + 'é', '501 code points']]) {
    r = await action('POST', '/todos', { title });
    checkEq(`${r.status} ${r.body}`, `200 ${setError('title: too long (at most 500 characters)')}`,
      `a title of ${what}: refused, with a message that says the limit`);
    r = await request('POST', '/todos', { body: JSON.stringify({ title }), headers: { 'Datastar-Request': 'false' } });
    checkEq(`${r.status} ${r.body}`, '400 title: too long (at most 500 characters)\n', `a title of ${what}, not from Datastar: 400 that says the limit`);
  }
  r = await action('POST', '/todos', { title: 'y'.repeat(500) });
  checkEq(r.status, 200, 'a title of 500 ASCII characters is saved');
  const browser = await launch();
  try {
    const { page } = browser;
    await page.goto(origin + '/', { waitUntil: 'load', timeout: 15000 });
    const fits = await page.evaluate(() => {
      const list = document.querySelector('#todos').getBoundingClientRect();
      return [...document.querySelectorAll('#todos .title')].every((t) => {
        const b = t.getBoundingClientRect();
        return b.right <= list.right + 0.5 && b.height > 40;
      }) && document.documentElement.scrollWidth <= window.innerWidth;
    });
    check(fits, 'Chromium: a long title wraps within the list (no horizontal overflow)');
  } finally {
    await browser.close();
  }
  checkEq(await stopApp(app), 0, 'limits: the app stops');
}

// With the official client in Chromium: a refused title shows the server's message in the
// page and the next success clears it; a lost connection shows the page's own message,
// gone once the retried action succeeds.
async function errorsInPage(dir) {
  const client = path.join(sourceRoot, '..', 'shared', 'datastar', 'client', 'datastar-v1.0.2.js');
  if (!fs.existsSync(client)) return;
  const db = path.join(dir, 'errors.db');
  let app = await startApp(['--db', db, '--datastar', client]);
  origin = app.origin;
  const port = origin.split(':')[2];
  const browser = await launch();
  try {
    const { page } = browser;
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(origin + '/', { waitUntil: 'load', timeout: 15000 });
    const error = page.locator('#error');
    check(!(await error.isVisible()), 'official client: no error shown at first');
    await page.locator('#title').fill('z'.repeat(501));
    await page.locator('#new-todo button').click();
    check(await until(async () => (await error.isVisible()) &&
      (await error.textContent()) === 'title: too long (at most 500 characters)', 5000),
    'official client: a refused title shows the server\'s message in #error', [await error.textContent()]);
    checkEq(await page.locator('#title').inputValue(), 'z'.repeat(501), 'official client: the refused title stays in the input');
    await page.locator('#title').fill('w'.repeat(70000)); // a body past the app's limit (64 KiB)
    await page.locator('#new-todo button').click();
    check(await until(async () => (await error.isVisible()) &&
      (await error.textContent()) === 'request body too large', 5000),
    'official client: a request too large shows the server\'s message in #error', [await error.textContent()]);
    await page.locator('#title').fill('Short enough');
    await page.locator('#new-todo button').click();
    check(await until(async () => (await page.locator('#todos .title').allTextContents()).includes('Short enough') &&
      !(await error.isVisible()), 5000), 'official client: the next success adds the todo and clears the message');

    // One click, one todo: a double click and a double Enter each add once.
    // (each once its todo is shown and the add no longer in flight: while one is, the page
    // ignores submits, as it must, and a loaded machine makes that last a while)
    const titles = () => page.locator('#todos .title').allTextContents();
    const settled = async (title) => {
      await until(async () => (await titles()).includes(title), 10000);
      await until(async () => await page.locator('#new-todo button').isEnabled() ||
        (await page.locator('#title').inputValue()) === '', 5000);
      await page.waitForTimeout(500); // a second add, had one been sent, would be in by now
    };
    await page.locator('#title').fill('Clicked twice');
    await page.locator('#new-todo button').dblclick();
    await settled('Clicked twice');
    await page.locator('#title').fill('Entered twice');
    await page.locator('#title').press('Enter');
    await page.locator('#title').press('Enter');
    await settled('Entered twice');
    const all = await titles();
    checkEq(all.filter((t) => t === 'Clicked twice').length, 1, 'official client: a double click on Add adds one todo');
    checkEq(all.filter((t) => t === 'Entered twice').length, 1, 'official client: Enter pressed twice adds one todo');

    checkEq(await stopApp(app, 5000, 'SIGTERM'), 0, 'official client: the app stops with the page open');
    await page.locator('#todos input[type=checkbox]').first().click();
    check(await until(async () => (await error.isVisible()) && /Connection lost/.test(await error.textContent()), 5000),
      'official client: a lost connection shows a message in the page', [await error.textContent()]);
    app = await startApp(['--db', db, '--datastar', client, '--port', port]);
    check(await until(async () => !(await error.isVisible()) &&
      (await page.locator('#todos input[type=checkbox]').first().isChecked()), 15000),
    'official client: once the server is back, the retried toggle succeeds and the message is gone',
    [await error.textContent()]);
    check(pageErrors.length === 0, 'official client: no script error (errors)', pageErrors);
  } finally {
    await browser.close();
    checkEq(await stopApp(app), 0, 'errors: the app stops');
  }
}

// A retried add (the same add_key) saves nothing and is answered as the first was; the
// keys are kept in the database (a restart does not forget them).
async function idempotent(dir) {
  const db = path.join(dir, 'keys.db');
  let app = await startApp(['--db', db]);
  origin = app.origin;
  const once = [{ id: 1, title: 'Once', done: false }];
  const first = await action('POST', '/todos', { title: 'Once', add_key: 'k-1' });
  checkEq(first.body, clearTitle, 'add_key: the first add is answered');
  await checkPage(once, 'add_key: the first add saves the todo');
  const again = await action('POST', '/todos', { title: 'Once', add_key: 'k-1' });
  checkEq(`${again.status} ${again.body}`, `200 ${first.body}`, 'add_key: a retried add is answered as the first, nothing saved');
  await checkPage(once, 'add_key: after the retry, still one todo');
  checkEq(await stopApp(app), 0, 'add_key: the app stops');
  app = await startApp(['--db', db]);
  origin = app.origin;
  const later = await action('POST', '/todos', { title: 'Once', add_key: 'k-1' });
  checkEq(later.body, first.body, 'add_key: after a restart, the retry still saves nothing (the key is in the database)');
  await checkPage(once, 'add_key: after a restart and a retry, still one todo');
  const other = await action('POST', '/todos', { title: 'Once', add_key: 'k-2' });
  checkEq(other.body, clearTitle, 'add_key: another key is answered');
  await checkPage([...once, { id: 2, title: 'Once', done: false }], 'add_key: another key adds another todo of the same title');
  checkEq(await stopApp(app), 0, 'add_key: the restarted app stops');
}

async function main() {
  fs.mkdirSync(outDir, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'starch-app-'));
  let app;
  try {
    app = await protocol(dir);
    await browser(outDir);
    await stopApp(app).then((code) => checkEq(code, 0, 'SIGINT stops the --memory app'));
    app = null;
    await options(dir);
    await crossSite(dir);
    await limits();
    await errorsInPage(dir);
    await idempotent(dir);
    await twoPages();
    await restarts(dir);
  } catch (e) {
    check(false, 'ran to the end', String(e.stack || e).split('\n'));
  } finally {
    if (app) await stopApp(app);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  finish();
}

main();
