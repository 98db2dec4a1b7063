// bench.mjs — the Node.js peers: Handlebars, EJS and Eta, each set up as its docs recommend
// (templates compiled once and cached; partials/includes registered or cached), rendering
// to a JavaScript string. It speaks the engine protocol of bench/README.md:
//
//   node bench.mjs ENGINE BENCH DATA.json once              the output on stdout
//   node bench.mjs ENGINE BENCH DATA.json time MIN_S RUNS   "bytes N", then "run ITERS NS" lines
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import ejs from "ejs";
import { Eta } from "eta";
import Handlebars from "handlebars";

const here = path.dirname(fileURLToPath(import.meta.url));
const templates = path.join(here, "templates");
const read = (engine, name) => readFileSync(path.join(templates, engine, name), "utf8");

// The Datastar patch-elements event for html: one data line per line (lines end at \n,
// \r\n or \r), a line break at the end giving an empty last data line.
function patchElements(html) {
  let out = "event: datastar-patch-elements\n";
  for (const line of html.split(/\r\n|\r|\n/)) out += "data: elements " + line + "\n";
  return out + "\n";
}

function handlebars(data) {
  const hb = Handlebars.create();
  hb.registerHelper("price2", (v) => v.toFixed(2));
  hb.registerPartial("card", read("handlebars", "card.hbs"));
  const compile = (name) => hb.compile(read("handlebars", name));
  const big = compile("big_table.hbs"), teams = compile("teams.hbs");
  const shop = compile("shop.hbs"), card = compile("card.hbs");
  return {
    "big-table": () => big(data["big-table"]),
    teams: () => teams(data.teams),
    shop: () => shop(data.shop),
    "sse-fragment": () => patchElements(card(data["sse-fragment"].product)),
  };
}

function ejsRenderers(data) {
  const compile = (name) =>
    ejs.compile(read("ejs", name), { filename: path.join(templates, "ejs", name), cache: true });
  const big = compile("big_table.ejs"), teams = compile("teams.ejs");
  const shop = compile("shop.ejs"), card = compile("card.ejs");
  return {
    "big-table": () => big(data["big-table"]),
    teams: () => teams(data.teams),
    shop: () => shop(data.shop),
    "sse-fragment": () => patchElements(card({ p: data["sse-fragment"].product })),
  };
}

function eta(data) {
  const e = new Eta({ views: path.join(templates, "eta"), cache: true, autoTrim: false });
  return {
    "big-table": () => e.render("big_table", data["big-table"]),
    teams: () => e.render("teams", data.teams),
    shop: () => e.render("shop", data.shop),
    "sse-fragment": () => patchElements(e.render("card", { p: data["sse-fragment"].product })),
  };
}

const engines = { handlebars, ejs: ejsRenderers, eta };

function timed(render, minS, runs) {
  const minNs = BigInt(Math.round(minS * 1e9));
  const warm = minNs / 2n > 50000000n ? minNs / 2n : 50000000n;
  let t0 = process.hrtime.bigint(), t, n = 0;
  do {
    render();
    n++;
    t = process.hrtime.bigint();
  } while (t - t0 < warm || n < 3);
  const est = Number(t - t0) / n;
  const batch = est >= 1e6 ? 1 : Math.floor(1e6 / est);
  const lines = [`bytes ${Buffer.byteLength(render(), "utf8")}`];
  for (let r = 0; r < runs; r++) {
    let iters = 0;
    t0 = process.hrtime.bigint();
    do {
      for (let i = 0; i < batch; i++) render();
      iters += batch;
      t = process.hrtime.bigint();
    } while (t - t0 < minNs);
    lines.push(`run ${iters} ${t - t0}`);
  }
  process.stdout.write(lines.join("\n") + "\n");
}

function main() {
  const [engine, bench, dataPath, mode, minS, runs] = process.argv.slice(2);
  const data = JSON.parse(readFileSync(dataPath, "utf8"));
  if (!engines[engine]) {
    console.error(`unknown engine ${engine}`);
    process.exit(2);
  }
  const render = engines[engine](data)[bench];
  if (!render) {
    process.stdout.write("skip unknown benchmark\n");
    process.exit(3);
  }
  if (mode === "once") process.stdout.write(render());
  else if (mode === "time") timed(render, Number(minS), Number(runs));
  else {
    console.error(`unknown mode ${mode}`);
    process.exit(2);
  }
}

main();
