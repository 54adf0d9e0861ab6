// End-to-end tests of the web app against the release build and the demo index, served by
// `playlike serve` on loopback, in headless Chromium (issue 6, "Tests"). Screenshots of the
// main views go to target/e2e-artifacts/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  BIN, DIST, ROOT, copyDist, copyDistWithTiers, launch, newContext, screenshot, serve, waitForApp, waitForIndexSaved, waitForRecommendReady,
  waitForSearchReady, watchErrors, withPage,
} from './helpers.mjs';

// A well-known game of the demo index, and a misspelling of it that search must forgive.
const GAME = { igdbId: 14593, name: /^Hollow Knight$/, misspelled: 'holow knigth' };
const SECOND_GAME = { igdbId: 26226, query: 'celeste' };

let server;
let browser;

before(async () => {
  server = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const recs = (page) => page.locator('[data-testid=recommendations] li.rec');

async function recNames(page) {
  return recs(page).locator('.rec-name').allInnerTexts();
}

/** Ten recommendations from the whole index (first answers come from its first part). */
async function waitForFinalRecs(page) {
  await waitForRecommendReady(page);
  await page.waitForFunction(
    () => document.querySelectorAll('[data-testid=recommendations] li.rec').length === 10
      && (document.querySelector('[data-testid=recs-status]')?.innerText ?? '') === '',
    null,
    { timeout: 30000 },
  );
}

async function waitForTenRecs(page) {
  await page.waitForFunction(
    () => document.querySelectorAll('[data-testid=recommendations] li.rec').length === 10,
    null,
    { timeout: 30000 },
  );
}

test('a misspelled title is found, picked, and its page shows ten explained recommendations', { timeout: 120000 }, async () => {
  const context = await newContext(browser);
  await withPage(context, 'misspelled-title', async (page) => {
    const errors = watchErrors(page);
    await page.goto(server.url);
    await waitForApp(page);
    await waitForSearchReady(page);
    const box = page.locator('#search-input');
    await box.click();
    await box.pressSequentially(GAME.misspelled, { delay: 20 });
    // Wait for the results of the whole query (earlier keystrokes showed their own).
    await page.waitForFunction(
      (q) => document.querySelector('#search-listbox')?.dataset.query === q,
      GAME.misspelled,
    );
    const first = page.locator('#search-listbox [role=option]').first();
    await first.waitFor();
    assert.match(await first.locator('.option-name').innerText(), GAME.name, 'the misspelled query finds the game first');
    await box.press('ArrowDown');
    assert.equal(await box.getAttribute('aria-activedescendant'), 'search-opt-0');
    await box.press('Enter');
    await page.waitForURL(`**/game/${GAME.igdbId}`);
    assert.match(await page.locator('h1').innerText(), GAME.name);
    await waitForTenRecs(page);
    const whys = await recs(page).locator('.why').allInnerTexts();
    assert.equal(whys.length, 10);
    for (const why of whys) assert.ok(why.trim().length > 0, 'every recommendation is explained');
    // Details arrive on demand from their shard.
    await page.waitForSelector('[data-testid=game-details][data-details=ready]');
    await screenshot(page, 'game-page');
    // Clicking a recommendation navigates to it.
    const target = recs(page).first().locator('a.rec-main');
    const name = await target.locator('.rec-name').innerText();
    await target.click();
    await page.waitForFunction((n) => document.querySelector('h1')?.innerText === n, name);
    assert.doesNotMatch(page.url(), new RegExp(`/game/${GAME.igdbId}$`));
    assert.deepEqual(errors, []);
  });
  await context.close();
});

test('a platform filter changes the results and lands in the URL', { timeout: 120000 }, async () => {
  const context = await newContext(browser);
  await withPage(context, 'platform-filter', async (page) => {
    await page.goto(`${server.url}game/${GAME.igdbId}`);
    await waitForApp(page);
    await waitForTenRecs(page);
    const before = await recNames(page);
    await page.getByTestId('filters-toggle').click();
    const select = page.getByTestId('platform-filter');
    // The controls ask the engine for the names when the panel opens.
    await select.locator('option').nth(1).waitFor({ state: 'attached' });
    const options = (await select.locator('option').evaluateAll((os) => os.map((o) => o.value)))
      .filter((v) => v);
    assert.ok(options.length > 0, 'platforms are listed');
    let changed = false;
    for (const platform of options) {
      await select.selectOption(platform);
      await page.waitForURL((url) => url.searchParams.get('platform') === platform);
      await page.waitForTimeout(50);
      const after = await recNames(page);
      if (JSON.stringify(after) !== JSON.stringify(before)) {
        changed = true;
        await screenshot(page, 'platform-filter');
        // Back undoes the filter change.
        await page.goBack();
        await page.waitForURL((url) => url.searchParams.get('platform') !== platform);
        assert.equal(await page.getByTestId('platform-filter').inputValue(), new URL(page.url()).searchParams.get('platform') ?? '');
        break;
      }
    }
    assert.ok(changed, 'some platform filter changes the recommendations');
  });
  await context.close();
});

test('liked games drive the For you page', { timeout: 120000 }, async () => {
  const context = await newContext(browser);
  await withPage(context, 'for-you', async (page) => {
    for (const id of [GAME.igdbId, SECOND_GAME.igdbId]) {
      await page.goto(`${server.url}game/${id}`);
      await waitForApp(page);
      await page.getByTestId('game-page').waitFor();
      await page.locator('[data-testid=game-page] .chip.like').click();
      assert.equal(
        await page.locator('[data-testid=game-page] .chip.like').getAttribute('aria-pressed'),
        'true',
      );
    }
    await page.getByRole('link', { name: /For you/ }).click();
    await page.waitForURL((url) => url.pathname === '/for-you'
      && url.searchParams.get('like') === `${GAME.igdbId},${SECOND_GAME.igdbId}`);
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=recommendations] li.rec').length > 0,
      null,
      { timeout: 30000 },
    );
    const names = await recNames(page);
    assert.ok(names.length >= 5, `For you shows recommendations (${names.length})`);
    const liked = await page.locator('.game-grid .tile-name').allInnerTexts();
    assert.equal(liked.length, 2, 'both liked games are listed');
    await screenshot(page, 'for-you');
    // Un-liking a game here updates the lists, the URL and the results.
    await page.locator('.game-grid li').nth(1).locator('.chip.like').click();
    await page.waitForURL((url) => url.searchParams.get('like') === `${GAME.igdbId}`);
    await page.waitForFunction(() => document.querySelectorAll('.game-grid .tile-name').length === 1);
    // Like it again for the persistence check below.
    await page.goto(`${server.url}game/${SECOND_GAME.igdbId}`);
    await page.locator('[data-testid=game-page] .chip.like').click();
    // The lists persist: a fresh visit to /for-you fills the URL from localStorage.
    await page.goto(`${server.url}for-you`);
    await page.waitForURL((url) => url.searchParams.get('like') === `${GAME.igdbId},${SECOND_GAME.igdbId}`);
  });
  await context.close();
});

test('deep links reload to the same view and Back/Forward work', { timeout: 120000 }, async () => {
  const context = await newContext(browser);
  await withPage(context, 'deep-link', async (page) => {
    // `pop` is the spelling of `popularity` in links shared before the one vocabulary: they still work.
    await page.goto(`${server.url}game/${GAME.igdbId}?from=2000&pop=0.5`);
    await waitForApp(page);
    await waitForFinalRecs(page);
    const first = await recNames(page);
    await page.reload();
    await waitForApp(page);
    await waitForFinalRecs(page);
    assert.match(await page.locator('h1').innerText(), GAME.name);
    assert.deepEqual(await recNames(page), first, 'same results after reload');
    assert.match(await page.getByTestId('filters-active').innerText(), /2 on/);
    await page.getByTestId('filters-toggle').click();
    assert.equal(
      await page.locator('input[aria-label="Released from year"]').inputValue(),
      '2000',
      'filters come back from the URL',
    );
    // Back to the home page and forward again.
    await page.goto(server.url);
    await waitForApp(page);
    await page.locator('.game-grid a.tile').first().click();
    await page.waitForURL('**/game/**');
    await page.getByTestId('game-page').waitFor();
    const gameUrl = page.url();
    await page.goBack();
    await page.waitForURL(server.url);
    await page.locator('.hero h1').waitFor();
    await page.goForward();
    await page.waitForURL(gameUrl);
    await page.getByTestId('game-page').waitFor();
  });
  await context.close();
});

test('a second visit works offline, from the browser cache', { timeout: 120000 }, async () => {
  // Its own server, which the test stops.
  const own = await serve();
  const context = await newContext(browser);
  await withPage(context, 'offline', async (page) => {
    await page.goto(own.url);
    await waitForApp(page);
    await waitForRecommendReady(page);
    await waitForIndexSaved(page);
    await page.evaluate(() => navigator.serviceWorker.ready);
    // A second online visit, so the service worker has seen every asset.
    await page.goto(`${own.url}game/${GAME.igdbId}`);
    await waitForTenRecs(page);
    await own.stop();
    const started = Date.now();
    await page.reload();
    await waitForApp(page);
    await waitForTenRecs(page);
    const ms = Date.now() - started;
    assert.match(await page.locator('h1').innerText(), GAME.name);
    assert.match(await page.getByTestId('index-version').innerText(), /saved in this browser/);
    await page.getByTestId('index-notice').waitFor();
    assert.match(await page.getByTestId('index-notice').innerText(), /Offline/);
    await screenshot(page, 'offline');
    console.log(`offline reload to ten recommendations: ${ms} ms`);
  });
  await context.close();
  await own.stop();
});

test('a damaged file in the browser cache is downloaded again; the intact ones are reused', { timeout: 120000 }, async () => {
  const own = await serve();
  const manifest = JSON.parse(readFileSync(path.join(DIST, 'index', 'manifest.json'), 'utf8'));
  const upfront = manifest.files.filter((f) => f.role === 'search' || f.role === 'recommend');
  const damaged = upfront[upfront.length - 1];
  const context = await newContext(browser);
  const indexRequests = [];
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/index/') && !url.pathname.endsWith('manifest.json')) {
      indexRequests.push(url.pathname.slice('/index/'.length));
    }
  });
  const cachedFile = (page, sha256) => page.evaluate(async (sha) => {
    const cache = await caches.open('playlike-index-v1');
    const key = (await cache.keys()).find((r) => r.url.endsWith(`/__playlike-cache/file/${sha}`));
    return key ? [...new Uint8Array(await (await cache.match(key)).arrayBuffer())] : null;
  }, sha256);
  try {
    await withPage(context, 'damaged-cache', async (page) => {
      const errors = watchErrors(page);
      const gamePage = `${own.url}game/${GAME.igdbId}`;
      await page.goto(gamePage);
      await waitForApp(page);
      await waitForRecommendReady(page);
      await waitForIndexSaved(page);
      const original = await cachedFile(page, damaged.sha256);
      assert.equal(original?.length, damaged.bytes, `${damaged.path} is kept`);
      // One byte of the last up-front file changes in the cache.
      await page.evaluate(async ({ sha, bytes }) => {
        const cache = await caches.open('playlike-index-v1');
        const key = (await cache.keys()).find((r) => r.url.endsWith(`/__playlike-cache/file/${sha}`));
        const data = new Uint8Array(bytes);
        data[data.length >> 1] ^= 0xff;
        await cache.put(key, new Response(data));
      }, { sha: damaged.sha256, bytes: original });
      indexRequests.length = 0;
      // The warm start stops at the damaged copy; the network start that follows takes the
      // other files from the cache (checked there) and downloads only that one.
      await page.reload();
      await waitForApp(page);
      await waitForRecommendReady(page);
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=recommendations] li.rec').length === 10, null, { timeout: 30000 });
      assert.match(await page.locator('h1').innerText(), GAME.name);
      assert.deepEqual(indexRequests, [damaged.path]);
      // The engine keeps the downloaded copy after it is decoded, which may be after the
      // status that says the index is complete.
      await page.waitForFunction(async ({ sha, want }) => {
        const cache = await caches.open('playlike-index-v1');
        const key = (await cache.keys()).find((r) => r.url.endsWith(`/__playlike-cache/file/${sha}`));
        const got = key ? new Uint8Array(await (await cache.match(key)).arrayBuffer()) : [];
        return got.length === want.length && got.every((b, i) => b === want[i]);
      }, { sha: damaged.sha256, want: original }, { timeout: 30000 });
      assert.deepEqual(await cachedFile(page, damaged.sha256), original, 'the good copy is kept again');
      assert.equal(await page.getByTestId('index-error').count(), 0);
      assert.deepEqual(errors, []);
    });
  } finally {
    await context.close();
    await own.stop();
  }
});

test('a corrupt index file shows an error with Retry, and Retry recovers', { timeout: 120000 }, async () => {
  const copy = copyDist();
  const indexDir = path.join(copy.dir, 'index');
  const titles = readdirSync(indexDir).find((f) => f.startsWith('titles-'));
  const file = path.join(indexDir, titles);
  const good = readFileSync(file);
  const bad = Buffer.from(good);
  bad[Math.floor(bad.length / 2)] ^= 0xff;
  writeFileSync(file, bad);
  const own = await serve(copy.dir);
  const context = await newContext(browser);
  try {
    await withPage(context, 'corrupt-index', async (page) => {
      await page.goto(own.url);
      await waitForApp(page);
      const alert = page.getByTestId('index-error');
      await alert.waitFor({ timeout: 20000 });
      const text = await alert.innerText();
      assert.match(text, /could not be loaded/);
      assert.match(text, /corrupt/);
      assert.match(text, new RegExp(titles.replace(/\./g, '\\.')));
      await screenshot(page, 'corrupt-index');
      // Fix the file on the server, then Retry.
      writeFileSync(file, good);
      await alert.getByRole('button', { name: 'Retry' }).click();
      await waitForSearchReady(page);
      await alert.waitFor({ state: 'detached' });
      await page.locator('#search-input').fill(SECOND_GAME.query);
      await page.locator('#search-listbox [role=option]').first().waitFor();
    });
  } finally {
    await context.close();
    await own.stop();
    copy.remove();
  }
});

test('phone width and dark mode: the game page fits and follows the system theme', { timeout: 120000 }, async () => {
  const context = await newContext(browser, {
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    colorScheme: 'dark',
  });
  await withPage(context, 'phone-dark', async (page) => {
    const errors = watchErrors(page);
    await page.goto(`${server.url}game/${GAME.igdbId}`);
    await waitForApp(page);
    await waitForTenRecs(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling on a phone (overflow ${overflow}px)`);
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(background, 'rgb(16, 16, 22)', 'dark theme from prefers-color-scheme');
    await screenshot(page, 'game-page-phone-dark', { fullPage: false });
    assert.deepEqual(errors, []);
  });
  await context.close();
});

test('a newer but corrupt index keeps the cached one in use and says so', { timeout: 120000 }, async () => {
  const copy = copyDist();
  const own = await serve(copy.dir);
  const context = await newContext(browser);
  try {
    await withPage(context, 'cached-fallback', async (page) => {
      await page.goto(own.url);
      await waitForApp(page);
      await waitForRecommendReady(page);
      await waitForIndexSaved(page);
      const version = await page.getByTestId('index-version').innerText();
      // Publish a "newer" index whose title file is corrupt.
      const manifestPath = path.join(copy.dir, 'index', 'manifest.json');
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      manifest.version = 'e2e-newer-corrupt';
      const titles = manifest.files.find((f) => f.role === 'search');
      const badPath = 'titles-0-0000corrupt.bin.gz';
      writeFileSync(path.join(copy.dir, 'index', badPath), Buffer.from('not gzip at all'));
      titles.path = badPath;
      titles.sha256 = 'ab'.repeat(32);
      writeFileSync(manifestPath, JSON.stringify(manifest));
      await page.reload();
      await waitForApp(page);
      await waitForRecommendReady(page);
      await page.getByTestId('index-notice').waitFor({ timeout: 20000 });
      assert.match(await page.getByTestId('index-notice').innerText(), /newer index \(e2e-newer-corrupt\) could not be loaded/);
      assert.equal(await page.getByTestId('index-version').innerText(), version.replace(/\s*·\s*saved in this browser$/, '') + ' · saved in this browser');
      await page.locator('#search-input').fill(SECOND_GAME.query);
      await page.locator('#search-listbox [role=option]').first().waitFor();
      await screenshot(page, 'cached-fallback');
    });
  } finally {
    await context.close();
    await own.stop();
    copy.remove();
  }
});

test('a staged rollout sends the canary share of browsers to the canary manifest', { timeout: 120000 }, async () => {
  const copy = copyDist();
  const manifestPath = path.join(copy.dir, 'index', 'manifest.json');
  const stable = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const canary = { ...stable, version: 'e2e-canary' };
  writeFileSync(path.join(copy.dir, 'index', 'manifest-canary.json'), JSON.stringify(canary));
  stable.rollout = { version: 'e2e-canary', manifest: 'manifest-canary.json', percent: 50 };
  writeFileSync(manifestPath, JSON.stringify(stable));
  const own = await serve(copy.dir);
  try {
    for (const [bucket, expected] of [['10', /Index e2e-canary/], ['90', new RegExp(`Index ${stable.version}`)]]) {
      const context = await newContext(browser);
      await context.addInitScript((b) => localStorage.setItem('playlike.bucket', b), bucket);
      await withPage(context, `rollout-bucket-${bucket}`, async (page) => {
        await page.goto(own.url);
        await waitForApp(page);
        await waitForSearchReady(page);
        assert.match(await page.getByTestId('index-version').innerText(), expected, `bucket ${bucket}`);
      });
      await context.close();
    }
  } finally {
    await own.stop();
    copy.remove();
  }
});

test('with a split index, search works from the first title shard while the rest downloads', { timeout: 120000 }, async () => {
  const { copy, manifest } = copyDistWithTiers(1000);
  assert.ok(manifest.files.filter((f) => f.role === 'search').length >= 2, 'the index has several title shards');
  // 2 Mbit/s: the first shard arrives in a blink, the rest takes a few seconds.
  const own = await serve(copy.dir, ['--throttle-kbps', '2000']);
  const context = await newContext(browser);
  try {
    await withPage(context, 'split-index', async (page) => {
      await page.goto(own.url);
      await waitForApp(page);
      await page.getByTestId('progress').getByText(/search is ready/).waitFor({ timeout: 30000 });
      const first = await page.locator('.game-grid .tile-name').first().innerText();
      await page.locator('#search-input').fill(first);
      await page.waitForFunction(
        (q) => document.querySelector('#search-listbox')?.dataset.query === q,
        first,
      );
      assert.match(await page.locator('#search-listbox .option-name').first().innerText(), new RegExp(first.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      assert.ok(await page.getByTestId('progress').isVisible(), 'the rest of the index is still loading');
      await screenshot(page, 'split-index-search-while-loading', { fullPage: false });
      await waitForRecommendReady(page);
      const [search, recommend] = await page.evaluate(() => ['playlike:search-ready', 'playlike:recommend-ready']
        .map((n) => performance.getEntriesByName(n)[0].startTime));
      assert.ok(search < recommend, `search ready (${search} ms) before recommendations (${recommend} ms)`);
    });
  } finally {
    await context.close();
    await own.stop();
    copy.remove();
  }
});

test('?index= points the app at an index elsewhere', { timeout: 120000 }, async () => {
  const copy = copyDist();
  const moved = path.join(copy.dir, 'indexes', 'v2');
  spawnSync('mkdir', ['-p', path.dirname(moved)]);
  spawnSync('mv', [path.join(copy.dir, 'index'), moved]);
  const own = await serve(copy.dir);
  const context = await newContext(browser);
  try {
    await withPage(context, 'index-param', async (page) => {
      const errors = watchErrors(page);
      await page.goto(`${own.url}?index=/indexes/v2/manifest.json`);
      await waitForApp(page);
      await waitForRecommendReady(page);
      assert.match(await page.getByTestId('index-version').innerText(), /^Index /);
      assert.equal(await page.getByTestId('index-error').count(), 0);
      assert.deepEqual(errors, []);
    });
  } finally {
    await context.close();
    await own.stop();
    copy.remove();
  }
});

test('a newer published index is fetched in the background and offered', { timeout: 120000 }, async () => {
  const copy = copyDist();
  const indexDir = path.join(copy.dir, 'index');
  const own = await serve(copy.dir);
  const context = await newContext(browser);
  try {
    await withPage(context, 'index-update', async (page) => {
      await page.goto(own.url);
      await waitForApp(page);
      await waitForRecommendReady(page);
      await waitForIndexSaved(page);
      // Publish a different index (other shard layout, so other files and version).
      rmSync(indexDir, { recursive: true, force: true });
      const built = spawnSync(BIN, [
        'build', '--input', path.join(ROOT, 'data/sample/games.jsonl.gz'), '--out', indexDir,
        '--head-titles', '1500',
      ], { encoding: 'utf8' });
      assert.equal(built.status, 0, built.stderr);
      const newer = JSON.parse(readFileSync(path.join(indexDir, 'manifest.json'), 'utf8')).version;
      await page.reload();
      await waitForApp(page);
      const banner = page.getByTestId('index-update');
      await banner.waitFor({ timeout: 30000 });
      assert.match(await banner.innerText(), new RegExp(`newer game index \\(${newer}\\) is ready`));
      await banner.getByRole('button', { name: 'Use it' }).click();
      await page.waitForFunction(
        (v) => document.querySelector('[data-testid=index-version]')?.innerText.includes(v),
        newer,
        { timeout: 30000 },
      );
    });
  } finally {
    await context.close();
    await own.stop();
    copy.remove();
  }
});

test('an unreachable index shows an error with Retry', { timeout: 120000 }, async () => {
  const copy = copyDist();
  rmSync(path.join(copy.dir, 'index'), { recursive: true, force: true });
  const own = await serve(copy.dir);
  const context = await newContext(browser);
  try {
    await withPage(context, 'unreachable-index', async (page) => {
      await page.goto(own.url);
      await waitForApp(page);
      const alert = page.getByTestId('index-error');
      await alert.waitFor({ timeout: 20000 });
      assert.match(await alert.innerText(), /unreachable: HTTP 404/);
      assert.equal(await alert.getByRole('button', { name: 'Retry' }).count(), 1);
    });
  } finally {
    await context.close();
    await own.stop();
    copy.remove();
  }
});

test('years, genres and the popularity knob shape the results at once', { timeout: 120000 }, async () => {
  const context = await newContext(browser);
  await withPage(context, 'filters', async (page) => {
    await page.goto(`${server.url}game/${GAME.igdbId}`);
    await waitForApp(page);
    await waitForTenRecs(page);
    await page.getByTestId('filters-toggle').click();
    // Years: every result is from 2015 or later.
    await page.locator('input[aria-label="Released from year"]').fill('2015');
    await page.locator('input[aria-label="Released from year"]').press('Enter');
    await page.waitForURL((url) => url.searchParams.get('from') === '2015');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=recommendations] .meta')]
      .every((m) => Number(m.innerText.slice(0, 4)) >= 2015));
    const years = await recs(page).locator('.meta').allInnerTexts();
    assert.ok(years.length > 0 && years.every((m) => Number(m.slice(0, 4)) >= 2015), years.join(' | '));
    // Leaving out a genre: it no longer appears among the shared reasons.
    await page.getByTestId('genre-exclude').selectOption('Indie');
    await page.waitForURL((url) => url.searchParams.get('not_genre') === 'Indie');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=recommendations] .why')]
      .every((w) => !/\bIndie\b/.test(w.innerText)));
    // Popularity knob all the way to hidden gems: the list changes.
    const before = await recNames(page);
    await page.getByTestId('popularity-knob').fill('-1');
    await page.waitForURL((url) => url.searchParams.get('popularity') === '-1');
    await page.waitForFunction(
      (b) => JSON.stringify([...document.querySelectorAll('[data-testid=recommendations] .rec-name')]
        .map((n) => n.innerText)) !== b,
      JSON.stringify(before),
    );
    await screenshot(page, 'filters');
  });
  await context.close();
});
