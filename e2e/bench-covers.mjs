// How long a card of a lesser-known game waits for its cover id, per cover block size (issue
// 10, part 4). For each index in INDEXES (comma-separated index directories, e.g. the full
// dump built with several `--cover-block` sizes), the release app from dist/ serves that
// index; each run, in a fresh profile, loads it once unthrottled (so the index is in the
// Cache API), then under the phone profile's network (CDP `Network.emulateNetworkConditions`
// 1.6 Mbit/s down, 750 kbit/s up, 150 ms latency; no CPU slowdown) opens a game page: a
// first-tier game (its row carries its cover id) and a lesser-known one (its cover block is
// fetched). Each time is from the header being shown (the cover's placeholder in place) to
// its `<img>` carrying the cover id: about nothing for the first, the block's wait for the
// second. The index's details shards are not
// copied (the game page's details are not measured). Usage, after `scripts/build-web`:
//   INDEXES=/tmp/b4096,/tmp/b8192 RUNS=3 node e2e/bench-covers.mjs
// BENCH_KNOWN / BENCH_OBSCURE: the two IGDB ids (Hollow Knight; Fallout ZX on the full dump).
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { copyDist, launch, newContext, serve, waitForApp, waitForIndexSaved } from './helpers.mjs';

const RUNS = Number(process.env.RUNS ?? 3);
const KNOWN = Number(process.env.BENCH_KNOWN ?? 14593);
const OBSCURE = Number(process.env.BENCH_OBSCURE ?? 281700);
const INDEXES = (process.env.INDEXES ?? '').split(',').filter(Boolean);
if (INDEXES.length === 0) throw new Error('set INDEXES to one or more index directories');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/** Milliseconds from the game page's header being shown (with its cover's placeholder)
 *  until its cover image has an id. */
async function coverWait(page, url) {
  await page.goto(url);
  const at = async (selector) => {
    await page.waitForFunction((s) => document.querySelector(s), selector, { timeout: 60000, polling: 20 });
    return page.evaluate(() => performance.now());
  };
  const header = await at('[data-testid=game-page] .cover');
  return (await at('[data-testid=game-page] .cover img[src]')) - header;
}

async function runOnce(browser, server) {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    await waitForApp(page);
    await waitForIndexSaved(page);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 150, downloadThroughput: 1600e3 / 8, uploadThroughput: 750e3 / 8,
    });
    const known = await coverWait(page, `${server.url}game/${KNOWN}`);
    const obscure = await coverWait(page, `${server.url}game/${OBSCURE}`);
    return { known, obscure };
  } finally {
    await context.close();
  }
}

const browser = await launch();
try {
  for (const index of INDEXES) {
    const copy = copyDist();
    const target = path.join(copy.dir, 'index');
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target);
    for (const name of readdirSync(index)) {
      if (name !== 'details') cpSync(path.join(index, name), path.join(target, name));
    }
    const manifest = JSON.parse(readFileSync(path.join(target, 'manifest.json'), 'utf8'));
    const blocks = manifest.files.filter((f) => f.role === 'covers');
    const server = await serve(copy.dir);
    try {
      const runs = [];
      for (let run = 0; run < RUNS; run += 1) runs.push(await runOnce(browser, server));
      const known = median(runs.map((r) => r.known));
      const obscure = median(runs.map((r) => r.obscure));
      console.log(`${index}: ${blocks.length} cover blocks; header to cover id, first-tier game ${Math.round(known)} ms, `
        + `lesser-known game ${Math.round(obscure)} ms (median of ${RUNS}; runs ${runs.map((r) => `${Math.round(r.known)}/${Math.round(r.obscure)}`).join(', ')})`);
    } finally {
      await server.stop();
      copy.remove();
    }
  }
} finally {
  await browser.close();
}
