// Web app figures for docs/BENCHMARKS.md ("Web app"), measured in headless Chromium against
// the release build and the demo index served by `playlike serve` on loopback:
//   - cold load (empty cache) at 10 Mbit/s (CDP Network.emulateNetworkConditions, 20 ms
//     latency) to first usable search and to ten recommendations on a game page deep link;
//   - warm load (index from the Cache API, shell via the service worker) to ten recommendations,
//     in a new tab once the first has saved the whole index and closed: in the off-the-record
//     context of the cold runs, and in a persistent browser profile, as a returning visitor's
//     browser is (it keeps V8's compiled code on disk between visits; off the record it does not);
//   - per-keystroke search work while typing (wasm search + result cards), and long tasks.
// Run after `scripts/build-web`: `node e2e/bench.mjs` (RUNS=5 by default). Prints a JSON
// summary and writes target/e2e-artifacts/bench.json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ARTIFACTS, launch, launchProfile, newContext, serve, waitForIndexSaved, waitForRecommendReady,
} from './helpers.mjs';

const RUNS = Number(process.env.RUNS ?? 5);
const GAME = Number(process.env.BENCH_GAME ?? 14593);
const QUERY = process.env.BENCH_QUERY ?? 'the legend of zelda breath';
const MBITS = 10;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};
const round = (x) => Math.round(x * 10) / 10;

async function throttle(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 20,
    downloadThroughput: (MBITS * 1e6) / 8,
    uploadThroughput: (MBITS * 1e6) / 8,
  });
}

async function recsShownAt(page) {
  await page.waitForFunction(
    () => document.querySelectorAll('[data-testid=recommendations] li.rec').length === 10,
    null,
    { timeout: 60000, polling: 'raf' },
  );
  return page.evaluate(() => performance.now());
}

const markAt = (page, name) => page.evaluate(
  (n) => performance.getEntriesByName(n)[0]?.startTime ?? NaN,
  name,
);

/** A returning visitor: once `first` has the whole index in and saved in the Cache API (and
 *  the service worker the shell), it is closed (it would otherwise still be downloading and
 *  decoding) and the game page is opened again in a new throttled tab of `context`. Returns
 *  that tab and when its ten recommendations showed. */
async function returnVisit(context, first) {
  await first.evaluate(() => navigator.serviceWorker?.ready);
  await waitForRecommendReady(first);
  await waitForIndexSaved(first);
  await first.close();
  const again = await context.newPage();
  await throttle(context, again);
  await again.goto(`${server.url}game/${GAME}`);
  return { page: again, recsShown: await recsShownAt(again) };
}

const server = await serve();
const browser = await launch();
// Never leave the server running, even when a measurement fails.
process.on('exit', () => server.kill());
process.on('uncaughtException', (e) => { console.error(e); process.exit(1); });
process.on('unhandledRejection', (e) => { console.error(e); process.exit(1); });
const cold = { search: [], recommendMark: [], recsShown: [], transferredKB: [] };
const warm = { recsShown: [], inProfile: [] };
let keystrokes = [];
let keystrokeTotals = [];
let longTasks = [];
let loadLongTasks = [];
const loadSteps = {};
const layoutShifts = [];

for (let run = 0; run < RUNS; run++) {
  const context = await newContext(browser);
  const page = await context.newPage();
  await throttle(context, page);
  let bytes = 0;
  page.on('requestfinished', async (request) => {
    const sizes = await request.sizes().catch(() => null);
    if (sizes) bytes += sizes.responseBodySize + sizes.responseHeadersSize;
  });
  await page.addInitScript(() => {
    window.__loadLongTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__loadLongTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
    window.__layoutShift = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) window.__layoutShift += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto(`${server.url}game/${GAME}`);
  const shown = await recsShownAt(page);
  loadLongTasks = loadLongTasks.concat(await page.evaluate(() => window.__loadLongTasks));
  layoutShifts.push(await page.evaluate(() => window.__layoutShift));
  const steps = await page.evaluate(() => window.__playlikePerf ?? {});
  for (const step of ['titles_decode', 'titles_index', 'features_decode', 'features_index']) {
    (loadSteps[step] ??= []).push(...(steps[step] ?? []));
  }
  await page.waitForFunction(() => performance.getEntriesByName('playlike:search-ready').length > 0);
  cold.search.push(await markAt(page, 'playlike:search-ready'));
  cold.recommendMark.push(await markAt(page, 'playlike:recommend-ready'));
  cold.recsShown.push(shown);
  cold.transferredKB.push(bytes / 1000);
  // Warm: same browser context, new page load (still throttled).
  const { page: page2, recsShown } = await returnVisit(context, page);
  warm.recsShown.push(recsShown);

  // Typing on the warm page.
  await page2.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
    if (window.__playlikePerf) { window.__playlikePerf.search = []; window.__playlikePerf.keystroke = []; }
  });
  const box = page2.locator('#search-input');
  await box.click();
  for (const ch of QUERY) {
    await page2.keyboard.type(ch);
    await page2.waitForTimeout(120); // a brisk typist; past the 40 ms debounce
  }
  keystrokes = keystrokes.concat(await page2.evaluate(() => window.__playlikePerf?.search ?? []));
  keystrokeTotals = keystrokeTotals.concat(await page2.evaluate(() => window.__playlikePerf?.keystroke ?? []));
  longTasks = longTasks.concat(await page2.evaluate(() => window.__longTasks));
  await context.close();
}

await browser.close();

// The returning visitor in a persistent profile: a first visit that saves the whole index,
// then the warm one, in a new tab.
for (let run = 0; run < RUNS; run++) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'playlike-profile-'));
  const context = await launchProfile(dir);
  try {
    const first = await context.newPage();
    await throttle(context, first);
    await first.goto(`${server.url}game/${GAME}`);
    await recsShownAt(first);
    warm.inProfile.push((await returnVisit(context, first)).recsShown);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
await server.stop();

const summary = {
  runs: RUNS,
  network: `${MBITS} Mbit/s, 20 ms latency (CDP)`,
  cold_ms: {
    search_ready_median: round(median(cold.search)),
    recommend_ready_median: round(median(cold.recommendMark)),
    ten_recs_shown_median: round(median(cold.recsShown)),
    all_search_ready: cold.search.map(round),
    all_ten_recs_shown: cold.recsShown.map(round),
  },
  cold_cumulative_layout_shift: layoutShifts.map((x) => Math.round(x * 1000) / 1000),
  cold_transferred_kb_median: round(median(cold.transferredKB)),
  warm_ms: {
    ten_recs_shown_median: round(median(warm.recsShown)),
    all: warm.recsShown.map(round),
    in_profile_ten_recs_shown_median: round(median(warm.inProfile)),
    in_profile_all: warm.inProfile.map(round),
  },
  keystroke_search_ms: {
    count: keystrokes.length,
    median: round(median(keystrokes)),
    p95: round([...keystrokes].sort((a, b) => a - b)[Math.floor(keystrokes.length * 0.95)] ?? NaN),
    max: round(Math.max(...keystrokes)),
  },
  load_steps_ms_median: Object.fromEntries(
    Object.entries(loadSteps).map(([k, v]) => [k, round(median(v))]),
  ),
  long_tasks_during_cold_load: {
    count_per_run: round(loadLongTasks.length / RUNS),
    max_ms: loadLongTasks.length ? round(Math.max(...loadLongTasks)) : 0,
    all: loadLongTasks.map(round),
  },
  keystroke_total_ms: {
    count: keystrokeTotals.length,
    median: round(median(keystrokeTotals)),
    p95: round([...keystrokeTotals].sort((a, b) => a - b)[Math.floor(keystrokeTotals.length * 0.95)] ?? NaN),
    max: round(Math.max(...keystrokeTotals)),
  },
  long_tasks_while_typing: { count: longTasks.length, max_ms: longTasks.length ? round(Math.max(...longTasks)) : 0 },
};
mkdirSync(ARTIFACTS, { recursive: true });
writeFileSync(path.join(ARTIFACTS, 'bench.json'), `${JSON.stringify(summary, null, 2)}\n`);
console.log(JSON.stringify(summary, null, 2));
