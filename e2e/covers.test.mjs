// Cover blocks on demand (issue 10, part 4): the cover ids of the games past the first tier
// are not downloaded with the index; a card or game page whose row came without a cover asks
// the engine, which fetches that game's block once (however many cards ask), caches it and
// answers. Offline, a cached block still answers and an uncached one leaves the placeholder,
// with no error. The demo index has a 3,000-game first tier and two cover blocks.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DIST, launch, newContext, serve, waitForApp, waitForIndexSaved, waitForRecommendReady, watchErrors, withPage,
} from './helpers.mjs';

// Past the demo index's first tier: the lowest IGDB ids of the later tier are in its first
// cover block, the highest in its second (a tier is in IGDB id order).
const OBSCURE = { igdbId: 14, cover: 'co8ado' }; // Fallout 2, first block
const OTHER_BLOCK = { igdbId: 385117, cover: 'cob9rk' }; // Direction Quad, second block

const manifest = JSON.parse(readFileSync(path.join(DIST, 'index', 'manifest.json'), 'utf8'));
const blocks = manifest.files.filter((f) => f.role === 'covers');

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** The engine worker's downloads of cover blocks, in order. */
async function blockDownloads(page) {
  const engine = page.workers().find((w) => /\/engine\/engine-worker(-[0-9a-f]+)?\.js$/.test(w.url()));
  const urls = await engine.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
  return urls.filter((url) => /\/covers-\d+-[0-9a-f]+\.bin\.gz$/.test(url));
}

/** The game page's own cover image, once it has one. */
function headCover(page, cover) {
  return page.locator(`[data-testid=game-page] .cover img[src*="/${cover}.jpg"]`);
}

test('loading the index downloads no cover block', { timeout: 120000 }, async () => {
  assert.equal(blocks.length, 2, 'the demo index has two cover blocks');
  const server = await serve();
  const context = await newContext(browser);
  try {
    await withPage(context, 'covers-not-up-front', async (page) => {
      // The home page shows first-tier games, whose rows have their covers.
      await page.goto(server.url);
      await waitForApp(page);
      await waitForRecommendReady(page);
      await waitForIndexSaved(page);
      await page.locator('.cover img').first().waitFor({ state: 'attached' });
      assert.deepEqual(await blockDownloads(page), [], 'no cover block with the index');
    });
  } finally {
    await context.close();
    await server.stop();
  }
});

test('a deep link to a lesser-known game shows its cover once its block arrives, fetched once', { timeout: 120000 }, async () => {
  const server = await serve();
  const context = await newContext(browser);
  try {
    await withPage(context, 'covers-on-demand', async (page) => {
      const errors = watchErrors(page);
      await page.goto(`${server.url}game/${OBSCURE.igdbId}`);
      await waitForApp(page);
      // The placeholder holds the cover's box until the image comes.
      await page.locator('[data-testid=game-page] .cover .cover-placeholder').waitFor();
      await headCover(page, OBSCURE.cover).waitFor({ state: 'attached', timeout: 30000 });
      // Its recommendations' cards of lesser-known games ask too, at the same time.
      await page.locator('[data-testid=recommendations] li.rec').nth(9).waitFor({ timeout: 30000 });
      await waitForRecommendReady(page);
      await page.waitForTimeout(1000);
      const downloads = await blockDownloads(page);
      assert.equal(downloads.filter((url) => url.endsWith(`/${blocks[0].path}`)).length, 1, `block downloads: ${downloads}`);
      assert.equal(new Set(downloads).size, downloads.length, `a block fetched twice: ${downloads}`);
      assert.equal(await page.getByTestId('index-error').count(), 0);
      assert.deepEqual(errors, []);
    });
  } finally {
    await context.close();
    await server.stop();
  }
});

test('offline, a cached cover block still answers and an uncached one leaves the placeholder', { timeout: 120000 }, async () => {
  const server = await serve();
  const context = await newContext(browser);
  try {
    await withPage(context, 'covers-offline', async (page) => {
      const errors = watchErrors(page);
      await page.goto(`${server.url}game/${OBSCURE.igdbId}`);
      await waitForApp(page);
      await waitForRecommendReady(page);
      await waitForIndexSaved(page);
      await headCover(page, OBSCURE.cover).waitFor({ state: 'attached', timeout: 30000 });
      await page.evaluate(() => navigator.serviceWorker.ready);
      // A second online visit, so the service worker has seen every asset.
      await page.reload();
      await headCover(page, OBSCURE.cover).waitFor({ state: 'attached', timeout: 30000 });
      await server.stop();
      // Whatever recommendations fetched of the second block leaves the cache: it is the
      // block nobody has seen.
      const second = blocks[1].sha256;
      await page.evaluate(async (sha) => {
        const cache = await caches.open('playlike-index-v1');
        for (const request of await cache.keys()) {
          if (request.url.includes(sha)) await cache.delete(request);
        }
      }, second);
      await page.goto(`${server.url}game/${OTHER_BLOCK.igdbId}`);
      await waitForApp(page);
      await page.getByTestId('game-page').waitFor();
      await page.getByTestId('index-notice').waitFor();
      // The cover call has had time to fail (offline: the request is refused at once).
      await page.waitForTimeout(1500);
      assert.equal(await page.locator('[data-testid=game-page] .cover img').count(), 0, 'no cover without its block');
      assert.equal(await page.locator('[data-testid=game-page] .cover .cover-placeholder').count(), 1);
      assert.equal(await page.getByTestId('index-error').count(), 0, 'a missing cover is not an error');
      // The cached block answers offline.
      await page.goto(`${server.url}game/${OBSCURE.igdbId}`);
      await headCover(page, OBSCURE.cover).waitFor({ state: 'attached', timeout: 30000 });
      assert.equal(await page.getByTestId('index-error').count(), 0);
      assert.deepEqual(errors, []);
    });
  } finally {
    await context.close();
    await server.stop();
  }
});
