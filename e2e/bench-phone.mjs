// The phone profile of the web bench (issue 10, part 5): how the first seconds feel on a
// mid-range phone on a slow mobile network. Headless Chromium against the release build served
// by `playlike serve` on loopback, each run in a fresh profile (cold: empty HTTP cache, Cache
// API and service worker), with
//   - CDP `Emulation.setCPUThrottlingRate` 4 (the page's main thread runs 4× slower),
//   - CDP `Network.emulateNetworkConditions` 1.6 Mbit/s down, 750 kbit/s up, 150 ms latency,
//   - a 390×844 mobile viewport.
// Per view (home `/`, a game deep link, a For-you deep link) it reports, from navigation start:
//   - first contentful paint (the `paint` entry),
//   - first usable search (the app's `playlike:search-ready` mark),
//   - the view done: ten recommendations shown (game, For you) or the home page's showcase,
//   - total blocking time: the sum over main-thread long tasks (PerformanceObserver `longtask`)
//     of their time beyond 50 ms, up to the view being done,
//   - cumulative layout shift up to the view being done (no input happens, so all shifts count).
// Run after `scripts/build-web`: `node e2e/bench-phone.mjs` (RUNS=3 by default; the index is
// dist/ or PLAYLIKE_DIST). Prints a JSON summary, writes target/e2e-artifacts/bench-phone.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, DIST, launch, newContext, serve } from './helpers.mjs';

const RUNS = Number(process.env.RUNS ?? 3);
const GAME = Number(process.env.BENCH_GAME ?? 14593);
const LIKES = process.env.BENCH_LIKES ?? '14593,26226';
const CPU_SLOWDOWN = 4;
const DOWN_KBITS = 1600;
const UP_KBITS = 750;
const LATENCY_MS = 150;
const TIMEOUT_MS = 180000;

const VIEWS = {
  home: { path: '', done: 'showcase' },
  game: { path: `game/${GAME}`, done: 'recs' },
  for_you: { path: `for-you?like=${LIKES}`, done: 'recs' },
};

const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
};
const round = (x) => (Number.isFinite(x) ? Math.round(x) : null);

async function emulatePhone(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: LATENCY_MS,
    downloadThroughput: (DOWN_KBITS * 1000) / 8,
    uploadThroughput: (UP_KBITS * 1000) / 8,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
}

/** Observers installed before any page script: long tasks, layout shifts. */
function observe() {
  window.__bench = { longTasks: [], shifts: [] };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__bench.longTasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (!e.hadRecentInput) window.__bench.shifts.push([e.startTime, e.value]);
    }
  }).observe({ type: 'layout-shift', buffered: true });
}

/** Resolves to the time (ms from navigation start) the view shows what it is for. */
async function doneAt(page, done) {
  const check = done === 'recs'
    ? () => document.querySelectorAll('[data-testid=recommendations] li.rec').length === 10
    : () => document.querySelectorAll('.game-grid a.tile').length > 0;
  await page.waitForFunction(check, null, { timeout: TIMEOUT_MS, polling: 'raf' });
  return page.evaluate(() => performance.now());
}

async function measure(browser, url, view) {
  const context = await newContext(browser, {
    viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
  });
  try {
    const page = await context.newPage();
    await emulatePhone(context, page);
    await page.addInitScript(observe);
    await page.goto(url + view.path);
    const done = await doneAt(page, view.done);
    await page.waitForFunction(
      () => performance.getEntriesByName('playlike:search-ready').length > 0,
      null,
      { timeout: TIMEOUT_MS },
    );
    return await page.evaluate((doneMs) => {
      const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
      const tasks = window.__bench.longTasks.filter(([start]) => start <= doneMs);
      return {
        fcp: at('first-contentful-paint'),
        search: at('playlike:search-ready'),
        done: doneMs,
        tbt: tasks.reduce((sum, [, d]) => sum + Math.max(0, d - 50), 0),
        longest: tasks.reduce((m, [, d]) => Math.max(m, d), 0),
        cls: window.__bench.shifts.filter(([t]) => t <= doneMs).reduce((s, [, v]) => s + v, 0),
      };
    }, done);
  } finally {
    await context.close();
  }
}

const server = await serve();
const browser = await launch();
process.on('exit', () => server.kill());
process.on('uncaughtException', (e) => { console.error(e); process.exit(1); });
process.on('unhandledRejection', (e) => { console.error(e); process.exit(1); });

const results = {};
for (const [name, view] of Object.entries(VIEWS)) {
  const runs = [];
  for (let run = 0; run < RUNS; run++) runs.push(await measure(browser, server.url, view));
  const pick = (key) => runs.map((r) => r[key]);
  results[name] = {
    first_contentful_paint_ms: round(median(pick('fcp'))),
    first_search_ms: round(median(pick('search'))),
    [view.done === 'recs' ? 'ten_recs_shown_ms' : 'showcase_shown_ms']: round(median(pick('done'))),
    total_blocking_time_ms: round(median(pick('tbt'))),
    longest_task_ms: round(median(pick('longest'))),
    cumulative_layout_shift: Math.round(median(pick('cls')) * 1000) / 1000,
    runs: runs.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === 'cls' ? Math.round(v * 1000) / 1000 : round(v)]))),
  };
}

await browser.close();
await server.stop();

const summary = {
  profile: `CPU ${CPU_SLOWDOWN}× slower, ${DOWN_KBITS / 1000} Mbit/s down, ${UP_KBITS} kbit/s up, ${LATENCY_MS} ms latency, 390×844`,
  dist: DIST,
  runs: RUNS,
  views: results,
};
mkdirSync(ARTIFACTS, { recursive: true });
writeFileSync(path.join(ARTIFACTS, 'bench-phone.json'), `${JSON.stringify(summary, null, 2)}\n`);
console.log(JSON.stringify(summary, null, 2));
