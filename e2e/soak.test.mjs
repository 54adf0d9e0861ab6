// Soak: one tab, 30 navigations through recommendations and 3 index updates published while
// it is open. Memory must not creep (page JS heap + page and engine wasm memory after the
// last navigation within 10 % of after the first), and the Cache API must hold only the live
// index (and at most its predecessor) — issue 13.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import {
  BIN, ROOT, copyDist, launch, newContext, serve, waitForApp, waitForRecommendReady, withPage,
} from './helpers.mjs';

const START = 14593; // Hollow Knight, in the demo index
const NAVIGATIONS = 30;
const UPDATES_AFTER = new Set([8, 16, 24]);

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

function manifestFiles(indexDir) {
  const manifest = JSON.parse(readFileSync(path.join(indexDir, 'manifest.json'), 'utf8'));
  return { version: manifest.version, hashes: new Set(manifest.files.map((f) => f.sha256)) };
}

function publish(indexDir, headTitles) {
  rmSync(indexDir, { recursive: true, force: true });
  const built = spawnSync(BIN, [
    'build', '--input', path.join(ROOT, 'data/sample/games.jsonl.gz'), '--out', indexDir,
    '--head-titles', String(headTitles),
  ], { encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  return manifestFiles(indexDir);
}

async function waitForTenRecs(page) {
  await page.waitForFunction(
    () => document.querySelectorAll('[data-testid=recommendations] li.rec').length === 10,
    null,
    { timeout: 30000 },
  );
}

/** Page JS heap (after a full collection) plus the page's and the engine worker's wasm
 *  memory, in bytes. */
async function memory(page, cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  const pageWasm = await page.evaluate(() => window.playlikeMemory?.buffer.byteLength ?? 0);
  const engine = page.workers().find((w) => /\/engine\/engine-worker(-[0-9a-f]+)?\.js$/.test(w.url()));
  const engineWasm = engine ? await engine.evaluate(() => self.playlikeMemory?.buffer.byteLength ?? 0) : 0;
  return { total: usedSize + pageWasm + engineWasm, usedSize, pageWasm, engineWasm };
}

test('30 navigations and 3 index updates in one tab: no memory creep, only the live index cached', { timeout: 300000 }, async () => {
  const copy = copyDist();
  const indexDir = path.join(copy.dir, 'index');
  const server = await serve(copy.dir);
  const context = await newContext(browser);
  try {
    await withPage(context, 'soak', async (page) => {
      const cdp = await context.newCDPSession(page);
      let live = manifestFiles(indexDir);
      let previous = live;
      await page.goto(`${server.url}game/${START}`);
      await waitForApp(page);
      await waitForTenRecs(page);
      let first;
      let updates = 0;
      for (let nav = 1; nav <= NAVIGATIONS; nav += 1) {
        const from = page.url();
        await page.locator('[data-testid=recommendations] li.rec a.rec-main').nth(nav % 3).click();
        await page.waitForFunction((url) => location.href !== url, from);
        await waitForTenRecs(page);
        if (nav === 1) first = await memory(page, cdp);
        if (UPDATES_AFTER.has(nav)) {
          previous = live;
          live = publish(indexDir, 1000 + 500 * updates);
          updates += 1;
          await page.reload();
          await waitForApp(page);
          const banner = page.getByTestId('index-update');
          await banner.waitFor({ timeout: 30000 });
          await banner.getByRole('button', { name: 'Use it' }).click();
          await page.waitForFunction(
            (v) => document.querySelector('[data-testid=index-version]')?.innerText.includes(v),
            live.version,
            { timeout: 30000 },
          );
          await waitForRecommendReady(page);
          await waitForTenRecs(page);
        }
      }
      assert.equal(updates, 3);
      const last = await memory(page, cdp);
      const growth = (last.total - first.total) / first.total;
      assert.ok(Math.abs(growth) <= 0.10,
        `memory after the last navigation ${JSON.stringify(last)} vs the first ${JSON.stringify(first)} (${(growth * 100).toFixed(1)} %)`);
      const cached = await page.evaluate(async () => {
        const cache = await caches.open('playlike-index-v1');
        return (await cache.keys()).map((r) => r.url)
          .filter((u) => u.includes('/__playlike-cache/file/'))
          .map((u) => u.split('/').pop());
      });
      const stale = cached.filter((h) => !live.hashes.has(h) && !previous.hashes.has(h));
      assert.deepEqual(stale, [], `cached files of neither the live index nor its predecessor`);
      assert.ok(cached.some((h) => live.hashes.has(h)), 'the live index is cached');
    });
  } finally {
    await context.close();
    await server.stop();
    copy.remove();
  }
});
