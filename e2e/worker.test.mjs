// End-to-end tests of the engine boundary: the index is loaded and queried in a dedicated
// Web Worker, a worker that cannot start is reported with Retry, and `?index=` only reaches
// index locations the page allows (issues 10 and 13).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  DIST, copyDist, copyDistWithTiers, launch, newContext, serve, waitForApp, waitForIndexSaved, waitForRecommendReady,
  watchErrors, withPage,
} from './helpers.mjs';

const GAME_ID = 14593; // Hollow Knight, in the demo index
const LATER_GAME_ID = 26226; // Celeste: in the demo index, past its 3,000-game first part

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** Polls `check` (async) until it is true, for up to 30 s; a failure also tells what
 * `state` (async) says then. */
async function until(check, { timeout = 30000, state = async () => '' } = {}) {
  const end = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > end) {
      throw new Error(`condition not met within ${timeout} ms: ${check}\n${await state()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The page's service worker registration and shell caches, for a failure message. */
function serviceWorkerState(page) {
  return () => page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration();
    const workers = ['installing', 'waiting', 'active']
      .map((slot) => `${slot}: ${registration?.[slot]?.scriptURL ?? '-'} (${registration?.[slot]?.state ?? '-'})`);
    const shells = (await caches.keys()).filter((n) => n.startsWith('playlike-shell-'));
    const contents = await Promise.all(shells.map(async (n) => `${n}: ${(await (await caches.open(n)).keys()).length} files`));
    return `service worker: ${workers.join('; ')}; controller ${navigator.serviceWorker.controller?.scriptURL ?? '-'}; shells ${contents.join(', ') || 'none'}`;
  });
}

async function waitForTenRecs(page) {
  await page.waitForFunction(
    () => document.querySelectorAll('[data-testid=recommendations] li.rec').length === 10,
    null,
    { timeout: 30000 },
  );
}

test('the index is fetched and queried by the engine worker, not the page', { timeout: 120000 }, async () => {
  const server = await serve();
  const context = await newContext(browser);
  try {
    await withPage(context, 'engine-worker', async (page) => {
      const errors = watchErrors(page);
      // The app's and the engine's wasm come as their build-time brotli copies.
      const wasmEncodings = new Map(); // url → encodings (the service worker's fetch is seen too)
      context.on('response', (response) => {
        if (!response.url().endsWith('.wasm')) return;
        wasmEncodings.set(response.url(), [...(wasmEncodings.get(response.url()) ?? []), response.headers()['content-encoding']]);
      });
      await page.goto(`${server.url}game/${GAME_ID}`);
      await waitForApp(page);
      await waitForTenRecs(page);
      const engine = page.workers().find((w) => /\/engine\/engine-worker(-[0-9a-f]+)?\.js$/.test(w.url()));
      assert.ok(engine, `workers: ${page.workers().map((w) => w.url())}`);
      // Each context's resource timing lists only its own downloads.
      const indexFiles = (entries) => entries.filter((url) => /\/index\/.*(\.gz|\.lzma|manifest\.json)$/.test(url));
      const listDownloads = () => performance.getEntriesByType('resource').map((e) => e.name);
      assert.deepEqual(indexFiles(await page.evaluate(listDownloads)), [], 'the page downloaded index files');
      const byWorker = indexFiles(await engine.evaluate(listDownloads));
      // Once: the request sent while the engine's wasm loaded is the one the engine reads.
      assert.equal(byWorker.filter((url) => url.endsWith('manifest.json')).length, 1, `worker downloads: ${byWorker}`);
      assert.ok(byWorker.some((url) => /titles-.*\.gz$/.test(url)), `worker downloads: ${byWorker}`);
      // Once too: the first title file, asked for while the engine still reads the manifest.
      assert.equal(byWorker.filter((url) => /\/titles-0-/.test(url)).length, 1, `worker downloads: ${byWorker}`);
      const encodings = [...wasmEncodings.values()].flat();
      assert.equal(wasmEncodings.size, 2, `the app's and the engine's wasm: ${[...wasmEncodings.keys()]}`);
      assert.ok(encodings.every((e) => e === 'br'), `both sent as their brotli copies: ${encodings}`);
      assert.deepEqual(errors, []);
    });
  } finally {
    await context.close();
    await server.stop();
  }
});

test('recommendations asked before their part arrives are answered as soon as it is in, before the page hears of it', { timeout: 120000 }, async () => {
  const manifest = JSON.parse(readFileSync(path.join(DIST, 'index', 'manifest.json'), 'utf8'));
  const firstFeatures = manifest.files.find((f) => f.role === 'recommend').path;
  const server = await serve();
  const context = await newContext(browser);
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  await context.route((url) => url.pathname.endsWith(`/index/${firstFeatures}`), async (route) => {
    await released;
    await route.continue();
  });
  try {
    await withPage(context, 'recs-waiting-in-worker', async (page) => {
      // What the page sends to and hears from the engine, in order.
      await page.addInitScript(() => {
        window.engineLog = [];
        const send = Worker.prototype.postMessage;
        Worker.prototype.postMessage = function (message) {
          window.engineLog.push(`send ${message?.request?.kind}`);
          return send.call(this, message);
        };
        const handler = Object.getOwnPropertyDescriptor(Worker.prototype, 'onmessage');
        Object.defineProperty(Worker.prototype, 'onmessage', {
          get() { return handler.get.call(this); },
          set(listener) {
            handler.set.call(this, listener && ((event) => {
              const text = JSON.stringify(event.data);
              if (event.data?.kind === 'reply' && text.includes('"recs"')) window.engineLog.push('recs');
              else if (event.data?.kind === 'reply' && text.includes('not_loaded')) window.engineLog.push('not loaded');
              else if (text.includes('"recommend_ready":true')) window.engineLog.push('recommend ready');
              listener(event);
            }));
          },
        });
      });
      await page.goto(`${server.url}game/${GAME_ID}`);
      await waitForApp(page);
      await until(async () => (await page.evaluate(() => window.engineLog)).includes('send recommend'));
      release();
      await waitForTenRecs(page);
      const log = await page.evaluate(() => window.engineLog);
      const asked = log.indexOf('send recommend');
      assert.ok(asked >= 0 && asked < log.indexOf('recommend ready'), `asked before the part arrived: ${log}`);
      assert.ok(log.indexOf('recs') < log.indexOf('recommend ready'), `answered before the status: ${log}`);
      assert.ok(!log.slice(0, log.indexOf('recs')).includes('not loaded'), `no "not loaded" answer: ${log}`);
    });
  } finally {
    release();
    await context.close();
    await server.stop();
  }
});

test('an engine that cannot start shows a clear error with Retry, and Retry recovers', { timeout: 120000 }, async () => {
  const copy = copyDist();
  const engineDir = path.join(copy.dir, 'engine');
  const wasm = path.join(engineDir, readdirSync(engineDir).find((name) => name.endsWith('.wasm')));
  const good = readFileSync(wasm);
  writeFileSync(wasm, Buffer.from('this is not WebAssembly'));
  const server = await serve(copy.dir);
  const context = await newContext(browser);
  try {
    await withPage(context, 'engine-fails', async (page) => {
      await page.goto(`${server.url}game/${GAME_ID}`);
      await waitForApp(page);
      const alert = page.getByTestId('index-error');
      await alert.waitFor({ timeout: 30000 });
      assert.match(await alert.innerText(), /search engine could not start/);
      writeFileSync(wasm, good);
      await alert.getByRole('button', { name: 'Retry' }).click();
      await waitForRecommendReady(page);
      await waitForTenRecs(page);
      assert.equal(await page.getByTestId('index-error').count(), 0);
    });
  } finally {
    await context.close();
    await server.stop();
    copy.remove();
  }
});

test('?index= to a location the page does not allow is refused and prunes nothing', { timeout: 120000 }, async () => {
  const own = await serve();
  const foreignCopy = copyDist();
  const foreign = await serve(foreignCopy.dir); // another port: another origin
  const context = await newContext(browser);
  try {
    await withPage(context, 'index-foreign', async (page) => {
      await page.goto(own.url);
      await waitForApp(page);
      await waitForRecommendReady(page);
      const cachedFiles = () => page.evaluate(async () => {
        const cache = await caches.open('playlike-index-v1');
        return (await cache.keys()).filter((r) => r.url.includes('/__playlike-cache/file/')).length;
      });
      // Every up-front file is cached before counting (cover blocks and details shards are
      // fetched on demand, and the home page asks for none).
      const manifest = JSON.parse(readFileSync(path.join(DIST, 'index', 'manifest.json'), 'utf8'));
      const upfront = manifest.files.filter((f) => f.role === 'search' || f.role === 'recommend').length;
      await page.waitForFunction(async (n) => {
        const cache = await caches.open('playlike-index-v1');
        return (await cache.keys()).filter((r) => r.url.includes('/__playlike-cache/file/')).length >= n;
      }, upfront);
      // The manifest is saved after every file, and the engine prunes right after: only then
      // is the cache settled.
      await waitForIndexSaved(page);
      await page.waitForTimeout(300);
      const before = await cachedFiles();
      assert.equal(before, upfront, 'the index was cached');

      const foreignRequests = [];
      context.on('request', (request) => {
        if (request.url().startsWith(foreign.url)) foreignRequests.push(request.url());
      });
      await page.goto(`${own.url}?index=${foreign.url}index/manifest.json`);
      await waitForApp(page);
      const notice = page.getByTestId('index-notice');
      await notice.waitFor({ timeout: 30000 });
      assert.match(await notice.innerText(), /does not allow/);
      await waitForRecommendReady(page);
      assert.deepEqual(foreignRequests, []);
      assert.equal(await cachedFiles(), before);
    });
  } finally {
    await context.close();
    await own.stop();
    await foreign.stop();
    foreignCopy.remove();
  }
});

test('each deploy gets its own shell cache and the older one is deleted', { timeout: 120000 }, async () => {
  const copy = copyDist();
  const server = await serve(copy.dir);
  const context = await newContext(browser);
  try {
    await withPage(context, 'shell-versions', async (page) => {
      const shells = () => page.evaluate(async () => (await caches.keys()).filter((n) => n.startsWith('playlike-shell-')));
      await page.goto(server.url);
      await waitForApp(page);
      await page.waitForFunction(async () => (await navigator.serviceWorker.ready).active !== null);
      // The first deploy's shell is complete (the page, the app and the engine are saved).
      await until(() => page.evaluate(async () => {
        const name = (await caches.keys()).find((n) => n.startsWith('playlike-shell-'));
        const engine = document.querySelector('script[data-playlike-engine-wasm]').dataset.playlikeEngineWasm;
        return name !== undefined && (await (await caches.open(name)).match(engine)) !== undefined;
      }), { state: serviceWorkerState(page) });
      const [first] = await shells();
      // A "new deploy": the same app under a new content hash.
      const html = readFileSync(path.join(copy.dir, 'index.html'), 'utf8');
      const wasm = html.match(/playlike-web-([0-9a-f]+)_bg\.wasm/);
      assert.ok(wasm, 'index.html names the app wasm');
      const newer = 'f'.repeat(wasm[1].length);
      for (const suffix of ['_bg.wasm', '.js']) {
        const from = path.join(copy.dir, `playlike-web-${wasm[1]}${suffix}`);
        writeFileSync(path.join(copy.dir, `playlike-web-${newer}${suffix}`), readFileSync(from));
      }
      writeFileSync(path.join(copy.dir, 'index.html'), html.replaceAll(wasm[1], newer));
      await page.reload();
      await waitForApp(page);
      const only = [`playlike-shell-${newer}`];
      await until(async () => JSON.stringify(await shells()) === JSON.stringify(only), { state: serviceWorkerState(page) });
      assert.notEqual(first, `playlike-shell-${newer}`);
      assert.deepEqual(await shells(), only);
    });
  } finally {
    await context.close();
    await server.stop();
    copy.remove();
  }
});

test('a deep link shows ten recommendations from the first part of the index, then refines them (For you too, with a liked game still to come)', { timeout: 120000 }, async () => {
  // An index of several tiers, so there is a "rest" to hold back.
  const { copy, manifest } = copyDistWithTiers(3000);
  const firstOf = (role) => manifest.files.find((f) => f.role === role).path;
  const early = new Set([firstOf('search'), firstOf('recommend')]);
  const held = manifest.files.filter((f) => (f.role === 'search' || f.role === 'recommend') && !early.has(f.path)).map((f) => f.path);
  assert.ok(held.length >= 1, `the index has later parts to hold back: ${held}`);
  const server = await serve(copy.dir);
  const context = await newContext(browser);
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  await context.route((url) => held.some((p) => url.pathname.endsWith(`/index/${p}`)), async (route) => {
    await released;
    await route.continue();
  });
  try {
    await withPage(context, 'progressive-recs', async (page) => {
      await page.goto(`${server.url}game/${GAME_ID}`);
      await waitForApp(page);
      await waitForTenRecs(page);
      const refining = page.getByTestId('recs-status');
      assert.match(await refining.innerText(), /refining/i);
      // For you with a game of the first part and one of a later part (held back): answered
      // from the first, refined when the other arrives.
      await page.goto(`${server.url}for-you?like=${GAME_ID},${LATER_GAME_ID}`);
      await waitForApp(page);
      await waitForTenRecs(page);
      assert.match(await refining.innerText(), /refining/i);
      release();
      await waitForRecommendReady(page);
      await page.waitForFunction(() => (document.querySelector('[data-testid=recs-status]')?.innerText ?? '') === '', null, { timeout: 30000 });
      await waitForTenRecs(page);
    });
  } finally {
    release();
    await context.close();
    await server.stop();
    copy.remove();
  }
});
