// sse-client.mjs — what the app tests share: HTTP requests as the Datastar client makes
// them, a GET /events stream read event by event, and polling.
import http from 'node:http';

export const TIMEOUT = 10000;
export const signalsQuery = (signals) => `datastar=${encodeURIComponent(JSON.stringify(signals))}`;

// One request to origin; resolves to {status, headers, body}.
export function request(origin, method, url, { body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(origin + url, {
      method,
      agent: false,
      headers: { 'Datastar-Request': 'true', ...(body !== undefined && { 'Content-Type': 'application/json' }), ...headers },
      timeout: TIMEOUT,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer in ${TIMEOUT} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

// Polls fn until it returns true or ms pass; resolves to whether it did.
export async function until(fn, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await fn().catch(() => false)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

// A GET /events stream of origin, as `data-init="@get('/events')"` opens it.
// Each event's `id:` line is taken off the event and kept in `ids` (the last one in lastId,
// as the client keeps it for Last-Event-ID); `broken` says the stream ended with an error
// (no last chunk) rather than cleanly.
export class EventStream {
  constructor(origin) {
    this.origin = origin;
    this.buffer = '';
    this.waiters = [];
    this.ended = false;
    this.broken = false;
    this.ids = [];
    this.lastId = null;
  }
  open(signals = {}, headers = {}) {
    return new Promise((resolve, reject) => {
      this.req = http.get(`${this.origin}/events?${signalsQuery(signals)}`,
        { headers: { 'Datastar-Request': 'true', Accept: 'text/event-stream', ...headers } }, (res) => {
          this.res = res;
          res.setEncoding('utf8');
          res.on('data', (s) => { this.buffer += s; this.wake(); });
          res.on('end', () => { this.ended = true; this.wake(); });
          res.on('aborted', () => { this.broken = true; });
          res.on('error', () => { this.broken = true; this.ended = true; this.wake(); });
          resolve(res);
        });
      this.req.on('error', (e) => { this.broken = true; this.ended = true; this.wake(); reject(e); });
    });
  }
  wake() {
    for (const w of this.waiters.splice(0)) w();
  }
  // The next event (its text with the blank line after it), skipping keep-alive comments.
  async next(timeout = TIMEOUT) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end >= 0) {
        const event = this.buffer.slice(0, end + 2);
        this.buffer = this.buffer.slice(end + 2);
        if (event.startsWith(':')) continue;
        const id = event.match(/^id: (.*)\n/);
        if (id) {
          this.ids.push(id[1]);
          this.lastId = id[1];
          return event.slice(id[0].length);
        }
        return event;
      }
      if (this.ended) return null;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise((r) => { this.waiters.push(r); setTimeout(r, left); });
    }
  }
  // Resolves true once the server has ended the stream.
  async closed(timeout = TIMEOUT) {
    const deadline = Date.now() + timeout;
    while (!this.ended && Date.now() < deadline)
      await new Promise((r) => { this.waiters.push(r); setTimeout(r, deadline - Date.now()); });
    return this.ended;
  }
  // The next event whose list has a todo titled title (others skipped); null if none.
  async until(title, timeout = TIMEOUT) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const e = await this.next(Math.max(0, deadline - Date.now()));
      if (e === null || e === undefined) return null;
      if (e.includes(`<span class="title">${title}</span>`)) return e;
    }
  }
  close() {
    this.req?.destroy();
  }
}
