// run-browser.mjs — the browser test. Renders the page with the compiled template
// (browser_render), serves it on 127.0.0.1 (a free port), loads it in headless Chromium
// (Debian's /usr/bin/chromium, driven by playwright-core) and checks, for every value of the
// corpus, that it reads back through the DOM as intended in every context:
//   - text, attribute and RCDATA values equal the browser's decoding of the original bytes
//     (invalid UTF-8 as U+FFFD, line breaks normalised as the HTML parser does);
//   - URL values equal it (after percent-decoding) or are about:invalid#starch where the
//     browser would have read a scheme other than http, https, mailto or tel; and every
//     URL that is not refused has one of those schemes;
//   - JavaScript values and strings (event handlers, <script>, JSON, SVG <script>, <script>
//     in SVG <desc> and in MathML <annotation-xml encoding="text/html">, Datastar
//     expressions with `@post(` mapped to a function) evaluate to it; regexps match it; so do
//     values after `<\/` in a script string and `&lt;` in an SVG script; the text of a
//     MathML <script> (markup, not run) parses as JSON to it;
//   - a <script> data block (type="text/x-template") parses back to the same markup;
//   - every case has the same elements and attributes as the plain-text case;
// and that the canary the payloads try to call is never called, no dialog opens, no script
// error occurs and no request leaves the server. Prints TAP: one line per value, then the
// page-wide checks. Writes a screenshot to DIR/browser.png.
//
// usage: node run-browser.mjs BROWSER_RENDER DIR
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [render, dir] = process.argv.slice(2);
const tap = [];
const result = (ok, name, details = []) => tap.push({ ok, name, details });

function finish() {
  console.log(`1..${tap.length}`);
  tap.forEach((t, i) => {
    console.log(`${t.ok ? 'ok' : 'not ok'} ${i + 1} - browser ${t.name}`);
    for (const d of t.details) for (const line of String(d).split('\n')) console.log(`# ${line}`);
  });
  process.exit(tap.every((t) => t.ok) ? 0 : 1);
}

/* ---- Checks run in the page (one per value; returns the failures) ------------------- */

function checkValue(i, hex, base) {
  const SAFE = new Set(['http:', 'https:', 'mailto:', 'tel:']);
  const REFUSED = 'about:invalid#starch';
  const fails = [];
  let checks = 0;
  const bytes = new Uint8Array(hex.match(/../g)?.map((h) => parseInt(h, 16)) ?? []);
  const decode = (b) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(b);
  const D = decode(bytes); // the browser's decoding of the original bytes
  const H = D.replace(/\r\n?/g, '\n'); // and as the HTML parser sees it in markup
  const show = (v) => (typeof v === 'string' ? JSON.stringify(v) : String(v));
  const fail = (what, msg) => fails.push(`${what}: ${msg}`);
  const eq = (what, got, exp) => {
    checks++;
    if (got !== exp) fail(what, `got ${show(got)}, expected ${show(exp)}`);
  };
  const $ = (id) => document.getElementById(`${id}-${i}`);

  // percent-decodes UTF-8 bytes (valid %XX only), then decodes them as UTF-8
  const isHex = (c) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
  const pctBytes = (b) => {
    const out = [];
    for (let k = 0; k < b.length; k++) {
      if (b[k] === 37 && k + 2 < b.length && isHex(b[k + 1]) && isHex(b[k + 2])) {
        out.push(parseInt(String.fromCharCode(b[k + 1], b[k + 2]), 16));
        k += 2;
      } else out.push(b[k]);
    }
    return decode(new Uint8Array(out));
  };
  const pct = (s) => pctBytes(new TextEncoder().encode(s));
  // whether the browser reads s with a scheme starch refuses (or an empty one, which could
  // complete a scheme written before it)
  const refusable = (s) => {
    if (s.replace(/^[\u0000-\u0020]+/, '').replace(/[\t\n\r]/g, '').startsWith(':')) return true;
    try {
      return !SAFE.has(new URL(s).protocol);
    } catch {
      return false; // no scheme: relative
    }
  };
  const urlStart = (what, got, origBytes) => {
    checks++;
    const orig = decode(origBytes);
    if (got === REFUSED) {
      if (!refusable(orig)) fail(what, `refused the safe URL ${show(orig)}`);
      return;
    }
    if (pct(got) !== pctBytes(origBytes))
      fail(what, `got ${show(got)}, which does not decode to ${show(orig)}`);
    const proto = new URL(got, base).protocol;
    if (!SAFE.has(proto)) fail(what, `the URL ${show(got)} has the scheme ${proto}`);
  };
  const split = (b, sep) => {
    const parts = [];
    let start = 0;
    for (let k = 0; k <= b.length; k++)
      if (k === b.length || b[k] === sep) {
        parts.push(b.subarray(start, k));
        start = k + 1;
      }
    return parts;
  };

  // text, RCDATA, attribute values
  eq('text', $('text').textContent, H);
  eq('title', $('title').textContent, H);
  eq('textarea', $('textarea').value, H.startsWith('\n') ? H.slice(1) : H);
  eq('textarea after &lt;/', $('tal').value, '</' + H + '>');
  for (const a of ['title', 'data-sq', 'data-uq']) eq(`attribute ${a}`, $('attr').getAttribute(a), H);

  // URLs: start (quoted, unquoted), path, query, fragment, srcset
  urlStart('href', $('url').getAttribute('href'), bytes);
  urlStart('href unquoted', $('urlu').getAttribute('href'), bytes);
  eq('path', pct($('path').getAttribute('href')), '/p/' + pctBytes(bytes));
  const q = new URL($('query').href);
  eq('query', q.searchParams.get('x'), D);
  eq('fragment', pct(q.hash.slice(1)), D);
  const nl = (s) => s.replace(/\r\n?/g, '\n');
  const got = $('srcset').content.firstElementChild.getAttribute('srcset').split(',');
  const orig = split(bytes, 0x2c);
  eq('srcset candidates', got.length, orig.length);
  got.forEach((cand, k) => {
    if (k >= orig.length) return;
    const o = orig[k];
    const start = o.findIndex((c) => ![9, 10, 12, 13, 32].includes(c));
    const from = start < 0 ? o.length : start;
    let end = o.subarray(from).findIndex((c) => [9, 10, 12, 13, 32].includes(c));
    end = end < 0 ? o.length : from + end;
    if (cand.trim() === REFUSED) {
      checks++;
      const url = decode(o.subarray(from, end)), desc = decode(o.subarray(end));
      if (!refusable(url) && /^[\sA-Za-z0-9.]*$/.test(desc))
        fail(`srcset candidate ${k}`, `refused ${show(decode(o))}`);
      return;
    }
    eq(`srcset candidate ${k}`, nl(pct(cand)), nl(pctBytes(o)));
    const url = cand.trim().split(/[\t\n\f\r ]/)[0];
    checks++;
    if (url && !SAFE.has(new URL(url, base).protocol)) fail(`srcset candidate ${k}`, `scheme of ${url}`);
  });

  // JavaScript: event handlers (clicked), <script>, JSON, SVG <script>
  for (const id of ['jsv', 'jssq', 'jsdq', 'jstl', 'jsre']) $(id).click();
  const R = window.__rec;
  eq('onclick value', R[`jsv-${i}`], D);
  eq("onclick '", R[`jssq-${i}`], D);
  eq('onclick "', R[`jsdq-${i}`], D);
  eq('onclick `', R[`jstl-${i}`], '1' + D);
  eq('onclick /re/', R[`jsre-${i}`] instanceof RegExp && R[`jsre-${i}`].test(D), true);
  eq('onclick unquoted', new Function('return ' + $('jsu').getAttribute('onclick'))(), D);
  eq('script value', R[`sv-${i}`], D);
  eq('script "', R[`sdq-${i}`], D);
  eq("script '", R[`ssq-${i}`], D);
  eq('script `', R[`stl-${i}`], D);
  eq('script /re/', R[`sre-${i}`] instanceof RegExp && R[`sre-${i}`].test(D), true);
  eq('json', JSON.parse($('json').textContent).v, D);
  eq('script "<\\/"', R[`slt-${i}`], '</' + D + '>');
  eq('svg script', R[`svg-${i}`], D);
  eq('svg script after &lt;', R[`svglt-${i}`], '<' + D);
  eq('svg <desc> script', R[`desc-${i}`], '</' + D + '>');
  eq('annotation-xml (text/html) script', R[`mx-${i}`], '</' + D + '>');
  eq('annotation-xml (MathML) script text', JSON.parse($('mm').textContent), D);

  // a data block: its text parses back to one element holding the value
  const t = document.createElement('template');
  t.innerHTML = $('tpl').textContent;
  eq('data block elements', t.content.querySelectorAll('*').length, 1);
  eq('data block attribute', t.content.firstElementChild?.getAttribute('title'), H);
  eq('data block text', t.content.firstElementChild?.textContent, H);

  // Datastar expressions, evaluated with `@post(` mapped to a function
  const ds = $('ds');
  const evaluate = (attr, ats) => {
    const src = ds.getAttribute(attr);
    checks++;
    if ((src.match(/@/g) || []).length !== ats || src.includes('$'))
      fail(attr, `an @ or $ of the value reached the expression: ${show(src)}`);
    const post = (...args) => args;
    return new Function('__post', `return (${src.replace(/@post\(/g, '__post(')});`)(post);
  };
  eq('data-on:click', evaluate('data-on:click', 1)[1], D);
  eq('data-text', evaluate('data-text', 0), D);
  eq('data-signals', evaluate('data-signals', 0).v, D);
  for (const attr of ['data-attr:href', 'data-attr:src', 'data-attr:poster']) {
    const v = evaluate(attr, 0);
    checks++;
    if (v === REFUSED) {
      if (!refusable(D)) fail(attr, `refused the safe URL ${show(D)}`);
    } else if (v !== D) fail(attr, `got ${show(v)}, expected ${show(D)}`);
    else if (!SAFE.has(new URL(v, base).protocol)) fail(attr, `scheme of ${show(v)}`);
  }

  // CSS: numbers
  eq('style attribute', $('css').style.width, `${i}px`);
  eq('<style>', getComputedStyle($('css')).height, `${i % 12}px`);

  // the structure: the same elements and attributes as the plain-text case
  const shape = (n) =>
    [...document.getElementById(`case-${n}`).querySelectorAll('*')]
      .map((e) => e.localName + '[' + [...e.attributes].map((a) => a.name).join(' ') + ']')
      .join(' ');
  eq('elements and attributes', shape(i), shape(0));
  return { fails, checks };
}

/* ---- Driving the browser ------------------------------------------------------------ */

async function main() {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync(render, [dir]);
  const html = fs.readFileSync(path.join(dir, 'page.html'));
  const values = JSON.parse(fs.readFileSync(path.join(dir, 'corpus.json'), 'utf8')).values;

  const server = http.createServer((req, res) => {
    const found = req.url === '/';
    res.writeHead(found ? 200 : 404, { 'content-type': found ? 'text/html; charset=utf-8' : 'text/plain' });
    res.end(found ? html : 'not found');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;

  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'starch-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
             '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 1000 },
      timeout: 60000,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const dialogs = [], errors = [], foreign = [];
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      d.dismiss().catch(() => {});
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(origin + '/')) return route.continue();
      foreign.push(url); // only something injected would ask for it: refused, recorded
      return route.abort();
    });

    await page.goto(origin + '/', { waitUntil: 'load', timeout: 60000 });
    await page.waitForTimeout(300); // late error/load/focus events of anything injected
    const perValue = await page.evaluate(
      ({ values, base, check }) => {
        const fn = new Function(`return (${check})`)();
        return values.map((hex, i) => {
          try {
            return fn(i, hex, base);
          } catch (e) {
            return { fails: [`the page is not as the template wrote it: ${e}`], checks: 1 };
          }
        });
      },
      { values, base: origin + '/', check: checkValue.toString() },
    );
    await page.waitForTimeout(300);
    const canary = await page.evaluate(() => window.__canary);
    const shot = path.join(dir, 'browser.png');
    await page.screenshot({ path: shot });

    let total = 0;
    perValue.forEach((r, i) => {
      total += r.checks;
      const text = Buffer.from(values[i], 'hex').toString('utf8').slice(0, 60);
      result(r.fails.length === 0, `value ${i} ${JSON.stringify(text)} in every context (${r.checks} checks)`, r.fails);
    });
    result(values.length >= 100, `corpus of ${values.length} values, ${total} checks`);
    result(canary.length === 0, 'canary never called', canary);
    result(dialogs.length === 0, 'no dialog opened', dialogs);
    result(errors.length === 0, 'no script error on the page', errors);
    result(foreign.length === 0, 'no request left the test server', foreign);
    result(fs.statSync(shot).size > 0, `screenshot written to ${shot}`);
  } catch (e) {
    result(false, 'could not run Chromium', String(e.stack || e).split('\n'));
  } finally {
    if (context) await context.close().catch(() => {});
    server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  finish();
}

main();
