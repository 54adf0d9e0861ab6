// Figures of the npm package `playlike` (docs/BENCHMARKS.md, "The npm package"):
//   - package size: each wasm, raw and gzip -9;
//   - Node: `Playlike.open` of INDEX from disk (file: URL), in RUNS fresh processes (cold: the
//     wasm is compiled lazily while it runs) and then repeated in one process (warm), with the
//     process CPU time next to wall time (the machine is shared: CPU time is the steadier);
//   - Chromium: `Playlike.open` over loopback (`playlike serve`) in a page, then `similar` and
//     `search` for GAMES games drawn (seeded) from the committed sample catalogue.
//
//   node js/bench/bench.mjs INDEX_DIR [GAMES [SEED]]     (defaults 400 games, seed 42; RUNS=5)
// Needs target/npm/playlike (scripts/build-npm) and the release `playlike` binary.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { ROOT, launch, serve } from '../../e2e/helpers.mjs';

const PACKAGE = process.env.PLAYLIKE_NPM ?? path.join(ROOT, 'target', 'npm', 'playlike');
const [indexArg, gamesArg = '400', seedArg = '42'] = process.argv.slice(2);
if (!indexArg) {
  console.error('usage: node js/bench/bench.mjs INDEX_DIR [GAMES [SEED]]');
  process.exit(2);
}
const INDEX = path.resolve(indexArg);
const GAMES = Number(gamesArg);
const RUNS = Number(process.env.RUNS ?? 5);

/** Percentiles of a list of numbers (ms), formatted. */
function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return `n ${sorted.length}: p50 ${at(0.5).toFixed(3)} / p95 ${at(0.95).toFixed(3)} / p99 ${at(0.99).toFixed(3)} / max ${sorted.at(-1).toFixed(3)} ms`;
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** GAMES igdb ids from the sample catalogue, by a seeded shuffle (mulberry32). */
function sampleIds(seed) {
  const lines = gunzipSync(readFileSync(path.join(ROOT, 'data', 'sample', 'games.jsonl.gz'))).toString().trim().split('\n');
  const ids = lines.map((line) => JSON.parse(line).igdb_id);
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  return ids.slice(0, GAMES);
}

function packageSizes() {
  console.log('## package');
  for (const flavour of ['web', 'node']) {
    const file = path.join(PACKAGE, flavour, 'playlike_bg.wasm');
    const bytes = readFileSync(file);
    const gzip = execFileSync('gzip', ['-9c', file], { maxBuffer: 1 << 26 }).length;
    console.log(`${flavour}/playlike_bg.wasm: raw ${bytes.length}, gzip -9 ${gzip}`);
  }
  const files = readdirSync(PACKAGE, { recursive: true }).filter((f) => !f.endsWith('/'));
  console.log(`files: ${files.length}`);
}

const NODE_OPEN = `
const { Playlike } = require(${JSON.stringify(path.join(PACKAGE, 'node', 'playlike.js'))});
const url = ${JSON.stringify(pathToFileURL(path.join(INDEX, 'manifest.json')).href)};
(async () => {
  const times = [];
  for (let i = 0; i < Number(process.argv[1]); i++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    const playlike = await Playlike.open(url);
    const wall = performance.now() - start;
    const used = process.cpuUsage(cpu);
    times.push({ wall, cpu: (used.user + used.system) / 1000 });
    playlike.free();
  }
  console.log(JSON.stringify(times));
})();`;

function nodeOpen() {
  console.log('## Node: Playlike.open from disk');
  const run = (opens) => JSON.parse(execFileSync('node', ['-e', NODE_OPEN, String(opens)]).toString());
  const cold = Array.from({ length: RUNS }, () => run(1)[0]);
  console.log(`cold (first open in a fresh process, ${RUNS} processes): wall median ${median(cold.map((t) => t.wall)).toFixed(1)} ms ` +
    `(${cold.map((t) => t.wall.toFixed(0)).join(', ')}), CPU median ${median(cold.map((t) => t.cpu)).toFixed(1)} ms`);
  const warm = run(RUNS + 1).slice(1);
  console.log(`warm (opens 2..${RUNS + 1} in one process): wall median ${median(warm.map((t) => t.wall)).toFixed(1)} ms ` +
    `(${warm.map((t) => t.wall.toFixed(0)).join(', ')}), CPU median ${median(warm.map((t) => t.cpu)).toFixed(1)} ms`);
}

/** Runs in the page: opens the index, then times similar and search for each id. */
async function pageBench({ ids }) {
  const { default: init, Playlike } = await import('/playlike/web/playlike.js');
  await init();
  const start = performance.now();
  const playlike = await Playlike.open('/index/manifest.json');
  const open = performance.now() - start;
  const known = playlike.games(ids);
  const similar = [];
  const search = [];
  for (const game of known) {
    let t = performance.now();
    playlike.similar(game.igdb_id, { k: 10 });
    similar.push(performance.now() - t);
    t = performance.now();
    playlike.search(game.name, { k: 10 });
    search.push(performance.now() - t);
  }
  return { open, similar, search, games: playlike.status().games };
}

async function chromium() {
  console.log('## Chromium: in a page, index over loopback');
  const site = mkdtempSync(path.join(tmpdir(), 'playlike-bench-'));
  cpSync(PACKAGE, path.join(site, 'playlike'), { recursive: true });
  cpSync(INDEX, path.join(site, 'index'), { recursive: true });
  const server = await serve(site);
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}/playlike/README.md`);
    const result = await page.evaluate(pageBench, { ids: sampleIds(Number(seedArg)) });
    console.log(`index: ${result.games} games; open ${result.open.toFixed(0)} ms`);
    console.log(`similar (k 10, ${GAMES} drawn games that the index has): ${summary(result.similar)}`);
    console.log(`search (their names, k 10): ${summary(result.search)}`);
  } finally {
    await browser.close();
    await server.stop();
    rmSync(site, { recursive: true, force: true });
  }
}

packageSizes();
nodeOpen();
await chromium();
