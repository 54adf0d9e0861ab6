// Figures of the npm package `playlike` (docs/BENCHMARKS.md, "The npm package"):
//   - package size: each wasm, raw and gzip -9;
//   - Node: `Playlike.open` of INDEX from disk (file: URL), in RUNS fresh processes (cold: the
//     wasm is compiled lazily while it runs) and then repeated in one process (warm), with the
//     process CPU time (all threads: V8's background compiler too), the main thread's, and
//     the wall time less what the main thread spent waiting for a CPU (Linux schedstat: on a
//     shared machine that wait is most of a cold open's wall time, and is not the package's);
//     then `similar` and `search` for the drawn games, CPU time per call, each game's best of
//     ROUNDS (process CPU also counts V8's background compiler and GC threads);
//   - Chromium: `Playlike.open` over loopback (`playlike serve`) in a page, then `similar` and
//     `search` for GAMES games drawn (seeded) from the committed sample catalogue.
//
//   node js/bench/bench.mjs INDEX_DIR [GAMES [SEED]]     (defaults 400 games, seed 42; RUNS=5)
// ROUNDS (default 3) passes over the games in Chromium: the first runs partly in V8's baseline
// wasm code (it tiers up while the pass runs); the later ones are reported pooled, and each
// round's p95 is printed so a noisy round shows, and so is each game's best of the rounds
// (the machine is shared: a time taken while another process ran is only an upper bound).
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
const ROUNDS = Math.max(1, Number(process.env.ROUNDS ?? 3));

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
// The main thread's time on a CPU and waiting for one (Linux: /proc schedstat, ns → ms), NaN
// elsewhere.
const schedstat = () => {
  try {
    const stat = require('fs').readFileSync('/proc/self/task/' + process.pid + '/schedstat', 'utf8');
    const [running, waiting] = stat.split(' ').map(Number);
    return { running: running / 1e6, waiting: waiting / 1e6 };
  } catch {
    return { running: NaN, waiting: NaN };
  }
};
(async () => {
  const times = [];
  for (let i = 0; i < Number(process.argv[1]); i++) {
    const cpu = process.cpuUsage();
    const before = schedstat();
    const start = performance.now();
    const playlike = await Playlike.open(url);
    const wall = performance.now() - start;
    const used = process.cpuUsage(cpu);
    const after = schedstat();
    const queued = after.waiting - before.waiting;
    times.push({ wall, unqueued: wall - queued, cpu: (used.user + used.system) / 1000, main: after.running - before.running });
    playlike.free();
  }
  console.log(JSON.stringify(times));
})();`;

function nodeOpen() {
  console.log('## Node: Playlike.open from disk');
  const run = (opens) => JSON.parse(execFileSync('node', ['-e', NODE_OPEN, String(opens)]).toString());
  const cold = Array.from({ length: RUNS }, () => run(1)[0]);
  const cpus = (times) => `CPU median ${median(times.map((t) => t.cpu)).toFixed(1)} ms, main thread ` +
    `${median(times.map((t) => t.main)).toFixed(1)} ms; wall less the main thread's wait for a CPU, median ` +
    `${median(times.map((t) => t.unqueued)).toFixed(1)} ms`;
  console.log(`cold (first open in a fresh process, ${RUNS} processes): wall median ${median(cold.map((t) => t.wall)).toFixed(1)} ms ` +
    `(${cold.map((t) => t.wall.toFixed(0)).join(', ')}), ${cpus(cold)}`);
  const warm = run(RUNS + 1).slice(1);
  console.log(`warm (opens 2..${RUNS + 1} in one process): wall median ${median(warm.map((t) => t.wall)).toFixed(1)} ms ` +
    `(${warm.map((t) => t.wall.toFixed(0)).join(', ')}), ${cpus(warm)}`);
}

const NODE_QUERIES = `
const { Playlike } = require(${JSON.stringify(path.join(PACKAGE, 'node', 'playlike.js'))});
const url = ${JSON.stringify(pathToFileURL(path.join(INDEX, 'manifest.json')).href)};
(async () => {
  const [ids, rounds] = JSON.parse(process.argv[1]);
  const playlike = await Playlike.open(url);
  const games = playlike.games(ids);
  const best = { similar: games.map(() => Infinity), search: games.map(() => Infinity) };
  const time = (name, i, call) => {
    const cpu = process.cpuUsage();
    call();
    const used = process.cpuUsage(cpu);
    best[name][i] = Math.min(best[name][i], (used.user + used.system) / 1000);
  };
  for (let round = 0; round < rounds; round++) {
    games.forEach((game, i) => {
      time('similar', i, () => playlike.similar(game.igdb_id, { k: 10 }));
      time('search', i, () => playlike.search(game.name, { k: 10 }));
    });
  }
  console.log(JSON.stringify(best));
})();`;

/** `similar` and `search` in Node (the same V8 as Chromium), timed by the process's CPU time,
 * which other processes on a shared machine do not inflate: each game's best of ROUNDS. */
function nodeQueries() {
  console.log(`## Node: similar and search on INDEX, process CPU time, each game's best of ${ROUNDS}`);
  const args = JSON.stringify([sampleIds(Number(seedArg)), ROUNDS]);
  const best = JSON.parse(execFileSync('node', ['-e', NODE_QUERIES, args], { maxBuffer: 1 << 26 }).toString());
  console.log(`similar (k 10): ${summary(best.similar)}`);
  console.log(`search (k 10): ${summary(best.search)}`);
}

/** Runs in the page: opens the index, then times similar and search for each id, `rounds`
 * times over. */
async function pageBench({ ids, rounds }) {
  const { default: init, Playlike } = await import('/playlike/web/playlike.js');
  await init();
  const start = performance.now();
  const playlike = await Playlike.open('/index/manifest.json');
  const open = performance.now() - start;
  const known = playlike.games(ids);
  const similar = [];
  const search = [];
  for (let round = 0; round < rounds; round++) {
    similar.push([]);
    search.push([]);
    for (const game of known) {
      let t = performance.now();
      playlike.similar(game.igdb_id, { k: 10 });
      similar[round].push(performance.now() - t);
      t = performance.now();
      playlike.search(game.name, { k: 10 });
      search[round].push(performance.now() - t);
    }
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
    const result = await page.evaluate(pageBench, { ids: sampleIds(Number(seedArg)), rounds: ROUNDS });
    console.log(`index: ${result.games} games; open ${result.open.toFixed(0)} ms`);
    for (const [name, rounds] of [['similar (k 10, the drawn games that the index has)', result.similar],
      ['search (their names, k 10)', result.search]]) {
      console.log(`${name}, first round: ${summary(rounds[0])}`);
      if (rounds.length > 1) {
        console.log(`${name}, rounds 2-${rounds.length}: ${summary(rounds.slice(1).flat())}`);
        const p95s = rounds.map((r) => summary(r).match(/p95 ([0-9.]+)/)[1]);
        console.log(`  p95 of each round: ${p95s.join(', ')} ms`);
        const best = rounds[0].map((_, i) => Math.min(...rounds.map((r) => r[i])));
        console.log(`  each game's best of ${rounds.length} (what is left when other processes interrupt): ${summary(best)}`);
      }
    }
  } finally {
    await browser.close();
    await server.stop();
    rmSync(site, { recursive: true, force: true });
  }
}

packageSizes();
nodeOpen();
nodeQueries();
await chromium();
