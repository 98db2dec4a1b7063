// run-live.mjs — how fast a change reaches the pages: the time from a save to the event
// on a stream, and saves per second, for two todo-app instances on one PostgreSQL (the
// save on A, the stream on B) beside one process on SQLite (save and stream on it).
//
// A save is a toggle of one todo of a 20-todo list (POST /todos/{id}/toggle: an atomic
// update, then the list published to every stream), so every event is the same size.
// Latency: from sending the request to the event's arrival on the stream, one save at a
// time, SAVES of them (p50, p99, max). Throughput: CONCURRENCY requests in flight for
// SECONDS seconds (half to each instance on PostgreSQL), answered saves per second.
// Everything runs on this machine (state the cores with the figures).
//
// usage: node bench/live/run-live.mjs BUILD_DIR [--saves N] [--seconds S] [--json FILE]
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const build = path.resolve(args[0] ?? 'build');
const SAVES = Number(opt('--saves', 300));
const SECONDS = Number(opt('--seconds', 5));
const CONCURRENCY = 8;
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const app = path.join(build, 'examples', 'todo', 'todo-app');
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function request(origin, method, url, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(origin + url, {
      method, agent, headers: { 'Datastar-Request': 'true', 'Content-Type': 'application/json' },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function start(db) {
  return new Promise((resolve, reject) => {
    const proc = spawn(app, ['--port', '0', '--db', db], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/^listening on (http:\/\/127\.0\.0\.1:\d+)\/\n/);
      if (m) resolve({ proc, origin: m[1] });
    });
    proc.on('exit', (code) => reject(new Error(`todo-app exited (${code}): ${out}`)));
  });
}
const stop = (p) => new Promise((resolve) => {
  p.proc.removeAllListeners('exit');
  p.proc.on('exit', resolve);
  p.proc.kill('SIGTERM');
});

// A stream that records the arrival time of each event (s.times).
function stream(origin) {
  return new Promise((resolve) => {
    const s = { buffer: '', times: [], waiters: [] };
    http.get(`${origin}/events?datastar=%7B%7D`, { headers: { 'Datastar-Request': 'true' } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (d) => {
        s.buffer += d;
        let end;
        while ((end = s.buffer.indexOf('\n\n')) >= 0) {
          const event = s.buffer.slice(0, end);
          s.buffer = s.buffer.slice(end + 2);
          if (event.startsWith(':')) continue;
          s.times.push(process.hrtime.bigint());
          for (const w of s.waiters.splice(0)) w();
        }
      });
      s.res = res;
      resolve(s);
    });
  });
}
// Resolves to the arrival time of event k (0-based) of s.
async function arrival(s, k) {
  while (s.times.length <= k) await new Promise((r) => s.waiters.push(r));
  return s.times[k];
}

const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

// One setup: where the timed saves go, where the throughput's go (in turn), the stream.
async function measure(name, timed, writers, watcher) {
  for (let i = 0; i < 20; i++)
    await request(timed, 'POST', '/todos', JSON.stringify({ title: `Todo ${i + 1}` }));
  const s = await stream(watcher);
  await arrival(s, 0); // the list
  const lat = [];
  for (let i = 0; i < SAVES; i++) {
    const t0 = process.hrtime.bigint();
    const status = await request(timed, 'POST', `/todos/${(i % 20) + 1}/toggle`, '{}');
    if (status !== 200) throw new Error(`toggle: ${status}`);
    lat.push(Number((await arrival(s, i + 1)) - t0) / 1e6);
  }
  // throughput
  let saves = 0, i = 0;
  const deadline = Date.now() + SECONDS * 1000;
  const worker = async () => {
    while (Date.now() < deadline) {
      const k = i++;
      if (await request(writers[k % writers.length], 'POST', `/todos/${(k % 20) + 1}/toggle`, '{}') === 200) saves++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  s.res.destroy();
  return {
    name, saves: SAVES,
    p50: percentile(lat, 50), p99: percentile(lat, 99), max: Math.max(...lat),
    per_second: saves / SECONDS,
  };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'starch-live-'));
  const pgdir = fs.mkdtempSync(path.join(os.tmpdir(), 'starch-live-pg-'));
  const results = [];
  try {
    const sqlite = await start(path.join(dir, 'todo.db'));
    try {
      results.push(await measure('1 process, SQLite: save and stream on it', sqlite.origin, [sqlite.origin], sqlite.origin));
    } finally {
      await stop(sqlite);
    }
    const conninfo = execFileSync(path.join(root, 'scripts', 'pg-test-server'), ['start', pgdir], { encoding: 'utf8' }).trim();
    const kv = Object.fromEntries(conninfo.split(/\s+/).map((p) => p.split('=')));
    const uri = `postgresql://${kv.user}@/${kv.dbname}?host=${encodeURIComponent(kv.host)}`;
    const a = await start(uri), b = await start(uri);
    try {
      results.push(await measure('2 instances, one PostgreSQL: save on A, stream on B (saves/s: on A and B)',
        a.origin, [a.origin, b.origin], b.origin));
    } finally {
      await stop(a);
      await stop(b);
    }
  } finally {
    try { execFileSync(path.join(root, 'scripts', 'pg-test-server'), ['stop', pgdir]); } catch { /* gone */ }
    fs.rmSync(dir, { recursive: true, force: true });
    agent.destroy();
  }
  const f = (x) => x.toFixed(2);
  console.log(`${os.cpus().length} cores (${os.cpus()[0].model}); ${SAVES} saves one at a time, then ${CONCURRENCY} in flight for ${SECONDS} s`);
  console.log('| setup | save → event p50 (ms) | p99 (ms) | max (ms) | saves/s |');
  console.log('|---|---|---|---|---|');
  for (const r of results) console.log(`| ${r.name} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.max)} | ${Math.round(r.per_second)} |`);
  const json = opt('--json');
  if (json) fs.writeFileSync(json, JSON.stringify(results, null, 2) + '\n');
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
