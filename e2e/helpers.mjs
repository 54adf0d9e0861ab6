// Shared pieces of the end-to-end tests: the `playlike serve` server on a free loopback
// port, the system Chromium through playwright-core (no browser download), and screenshots
// into target/e2e-artifacts/.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = process.env.PLAYLIKE_DIST ?? path.join(ROOT, 'dist');
export const ARTIFACTS = path.join(ROOT, 'target', 'e2e-artifacts');
export const BIN = path.resolve(
  ROOT,
  process.env.PLAYLIKE_BIN
    ?? path.join(process.env.CARGO_TARGET_DIR ?? path.join(ROOT, 'target'), 'release', 'playlike'),
);

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Starts `playlike serve --dir DIR --port 0`; resolves to { url, stop() }. */
export function serve(dir = DIST, extraArgs = []) {
  const child = spawn(BIN, ['serve', '--dir', dir, '--port', '0', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 15000);
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
    child.stderr.on('data', (d) => { out += d; });
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/on (http:\/\/[^\s]+)/);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1],
          kill: () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); },
          stop: () => new Promise((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.removeAllListeners('exit');
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
        });
      }
    });
  });
}

/** A copy of dist/ in a temp dir, for tests that break files. */
export function copyDist() {
  const dir = mkdtempSync(path.join(tmpdir(), 'playlike-e2e-'));
  cpSync(DIST, dir, { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A copy of dist/ whose index is the sample built again with a first tier of `headTitles`
 * games, so it has later parts (several title shards, a second feature part). Returns the copy
 * (`dir`, `remove`) and the index's manifest.
 */
export function copyDistWithTiers(headTitles) {
  const copy = copyDist();
  const indexDir = path.join(copy.dir, 'index');
  rmSync(indexDir, { recursive: true, force: true });
  const built = spawnSync(BIN, [
    'build', '--input', path.join(ROOT, 'data/sample/games.jsonl.gz'), '--out', indexDir,
    '--head-titles', String(headTitles),
  ], { encoding: 'utf8' });
  if (built.status !== 0) {
    copy.remove();
    throw new Error(`playlike build failed: ${built.stderr}`);
  }
  const manifest = JSON.parse(readFileSync(path.join(indexDir, 'manifest.json'), 'utf8'));
  return { copy, manifest };
}

export async function launch() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** A browser with a persistent profile in `dir` (a returning visitor's browser: disk caches,
 *  including V8's compiled-code cache, which the off-the-record contexts of `newContext` do
 *  not keep), its IGDB image requests failing fast as in `newContext`. */
export async function launchProfile(dir) {
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, viewport: { width: 1200, height: 900 },
  });
  await context.route(/images\.igdb\.com/, (route) => route.abort());
  return context;
}

/** A fresh context (empty caches, storage) whose requests to the IGDB image CDN fail fast
 *  (the test machine has no internet; covers show their placeholders). */
export async function newContext(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, ...options });
  await context.route(/images\.igdb\.com/, (route) => route.abort());
  return context;
}

/** Collects page errors and CSP violations so tests can assert there were none. */
export function watchErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|panicked/i.test(m.text())) {
      errors.push(`console: ${m.text()}`);
    }
  });
  return errors;
}

export async function screenshot(page, name, { fullPage = true } = {}) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

/** Runs `body(page)`; on failure saves `<name>-failure.png` before rethrowing. */
export async function withPage(context, name, body) {
  const page = await context.newPage();
  try {
    return await body(page);
  } catch (error) {
    await screenshot(page, `${name}-failure`).catch(() => {});
    throw error;
  } finally {
    await page.close().catch(() => {});
  }
}

/** Waits until the wasm app has mounted: it has taken over the painted shell (which has a
 *  header too) and drawn its own header. */
export async function waitForApp(page) {
  await page.waitForSelector('#app:not([aria-busy]) header.site-header', { timeout: 30000 });
}

export async function waitForSearchReady(page) {
  await page.waitForFunction(
    () => performance.getEntriesByName('playlike:search-ready').length > 0,
    null,
    { timeout: 30000 },
  );
}

/**
 * Waits until the engine has saved the loaded index's manifest in the Cache API — the last
 * step of a load, after every up-front file, so a reload from here on starts warm from the
 * cache.
 */
export async function waitForIndexSaved(page) {
  await page.waitForFunction(async () => {
    const cache = await caches.open('playlike-index-v1');
    const keys = await cache.keys();
    return keys.some((request) => request.url.includes('/__playlike-cache/manifest'));
  }, null, { timeout: 30000, polling: 100 });
}

/** Waits until the whole index is in (recommendations start earlier, from its first part). */
export async function waitForRecommendReady(page) {
  await page.waitForFunction(
    () => performance.getEntriesByName('playlike:index-complete').length > 0,
    null,
    { timeout: 60000 },
  );
}
