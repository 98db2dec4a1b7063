// oracle.js — generates Datastar SDK test cases (fixed seed) and what the official
// TypeScript SDK, @starfederation/datastar-sdk 1.0.0, writes for each.
//
//   node oracle.js SEED COUNT   → one JSON line per case: {name, method, body, expected}
//
// `body` is the case as the SDK test protocol sends it ({"events":[…]}); `expected` the
// SSE text the SDK produces for those events. Cases are drawn only from inputs where
// SPEC.md and the SDK agree; where they differ (a bare \r in a value, `retry: 0`,
// unescaped script attribute values, options the SDK passes through as data lines,
// viewTransitionSelector) nothing is generated: those are starch's own tests.
'use strict';

const {
  ServerSentEventGenerator,
} = require('@starfederation/datastar-sdk/abstractServerSentEventGenerator');

// The SDK's abstract generator returns the lines of each event; nothing is sent.
class Lines extends ServerSentEventGenerator {}

// mulberry32: a small seeded generator, so every run draws the same cases.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function make(seed) {
  const r = rng(seed);
  const int = (n) => Math.floor(r() * n);
  const pick = (xs) => xs[int(xs.length)];
  const chance = (p) => r() < p;

  const words = ['Merge', 'todo', 'milk', 'a b', 'héllo', '日本語', '🙂', 'x&amp;y', 'q"uote', "it's", '1 < 2'];
  const attrValues = ['a', 'item done', 'x-1', 'http://example.com/p?q=1', 'héllo', '42', ''];

  function element(depth) {
    const tag = pick(['div', 'span', 'p', 'li', 'button', 'section']);
    const attrs = [];
    if (chance(0.7)) attrs.push(`id="${pick(['a', 'feed', 'item-1', 'x'])}${int(100)}"`);
    if (chance(0.4)) attrs.push(`class="${pick(attrValues)}"`);
    if (chance(0.3)) attrs.push(`data-on:click="@post('/t/${int(9)}')"`);
    if (chance(0.2)) attrs.push('hidden');
    const open = attrs.length ? `<${tag} ${attrs.join(' ')}>` : `<${tag}>`;
    let inner = '';
    const kids = depth < 2 ? int(3) : 0;
    for (let i = 0; i < kids; i++) {
      inner += (chance(0.5) ? '\n' + '  '.repeat(depth + 1) : '') + element(depth + 1);
    }
    if (kids === 0 || chance(0.3)) inner += pick(words);
    if (kids && chance(0.5)) inner += '\n' + '  '.repeat(depth);
    return open + inner + `</${tag}>`;
  }

  function elements() {
    let html = '';
    const n = 1 + int(3);
    for (let i = 0; i < n; i++) html += (i && chance(0.6) ? '\n' : '') + element(0);
    if (chance(0.15)) html += '\n'; // a final line break: an empty last data line
    return html;
  }

  const keys = ['count', 'title', 'user', 'done', 'items', 'éa', 'a"b', 'back\\slash', '_local', 'x-y'];
  function value(depth) {
    switch (int(depth < 2 ? 9 : 6)) {
      case 0: return int(1000) - 500;
      case 1: return pick([0.5, 1.25, -3.75, 0.1, 1e21, 1.5e-7, 123456.789, 2 ** 53]);
      case 2: return pick(words) + (chance(0.3) ? '\n\tline 2' : '');
      case 3: return chance(0.5);
      case 4: return null;
      case 5: return pick(['', 'ctl\u0001\u001f', 'tab\there', 'emoji 🙂 é']);
      case 6: return object(depth + 1);
      case 7: return [value(depth + 1), value(depth + 1)];
      default: return object(depth + 1);
    }
  }
  function object(depth) {
    const o = {};
    const n = 1 + int(3);
    for (let i = 0; i < n; i++) o[pick(keys)] = value(depth);
    return o;
  }

  const selectors = ['#feed', '.item', 'div > p', 'body', '#a, #b', '#a,\n#b'];
  const modes = ['outer', 'inner', 'replace', 'prepend', 'append', 'before', 'after', 'remove'];
  const retries = [1, 500, 1000, 2000, 30000, 123456];
  const ids = ['event1', 'e-2', 'id 3', 'ü'];

  // The fields every event may carry: [case field, SDK option].
  function common(ev, opts) {
    if (chance(0.3)) ev.eventId = opts.eventId = pick(ids);
    if (chance(0.3)) ev.retryDuration = opts.retryDuration = pick(retries);
  }

  function patchElements(g) {
    const ev = { type: 'patchElements' };
    const opts = {};
    if (chance(0.4)) ev.selector = opts.selector = pick(selectors);
    if (chance(0.5)) ev.mode = opts.mode = pick(modes);
    if (chance(0.3)) ev.useViewTransition = opts.useViewTransition = chance(0.5);
    if (chance(0.2)) ev.namespace = opts.namespace = pick(['html', 'svg', 'mathml']);
    common(ev, opts);
    const removeWithSelector = ev.mode === 'remove' && ev.selector;
    let html = '';
    if (!removeWithSelector || chance(0.5)) ev.elements = html = elements();
    return [ev, g.patchElements(html, opts)];
  }

  function patchSignals(g) {
    const ev = { type: 'patchSignals' };
    const opts = {};
    let json;
    if (chance(0.25)) {
      json = pick(['{\n"one": "first signal",\n"two":  \n"second signal"}', '{"a":1}',
        '{ "nested": { "x": [1, 2,\n 3] } }\n', '{"s":"é 🙂"}']);
      ev['signals-raw'] = json;
    } else {
      ev.signals = object(0);
      json = JSON.stringify(ev.signals);
    }
    if (chance(0.3)) ev.onlyIfMissing = opts.onlyIfMissing = chance(0.5);
    common(ev, opts);
    return [ev, g.patchSignals(json, opts)];
  }

  function executeScript(g) {
    const ev = { type: 'executeScript' };
    const opts = {};
    ev.script = pick(["console.log('hello');", 'if (true) {\n  go(1);\n}', 'let s = "é 🙂";\n',
      'a()\n\nb()']);
    if (chance(0.5)) ev.autoRemove = opts.autoRemove = chance(0.5);
    if (chance(0.4)) {
      ev.attributes = opts.attributes = {};
      const n = 1 + int(3);
      for (let i = 0; i < n; i++) {
        ev.attributes[pick(['type', 'nonce', 'data-x', 'crossorigin', 'blocking'])] =
          pick(['module', 'text/javascript', 'anonymous', 'abc123', 'false', 'a b']);
      }
    }
    common(ev, opts);
    return [ev, g.executeScript(ev.script, opts)];
  }

  const g = new Lines();
  const events = [];
  let expected = '';
  const n = 1 + int(3);
  for (let i = 0; i < n; i++) {
    const kind = r();
    const [ev, lines] = kind < 0.45 ? patchElements(g) : kind < 0.8 ? patchSignals(g) : executeScript(g);
    events.push(ev);
    expected += lines.join('');
  }
  return {
    name: `case ${seed}: ${events.map((e) => e.type).join(', ')}`,
    method: chance(0.5) ? 'GET' : 'POST',
    body: JSON.stringify({ events }),
    expected,
  };
}

const seed = Number(process.argv[2] || 1);
const count = Number(process.argv[3] || 200);
for (let i = 0; i < count; i++) process.stdout.write(JSON.stringify(make(seed * 100003 + i)) + '\n');
