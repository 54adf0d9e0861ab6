// The engine worker's wasm heap after a full load of an index (issue 10: ≤ 100 MB), and the
// page's: the release app from dist/ serving the index in INDEX (default: dist/index, the
// demo), a cold deep link to /game/BENCH_GAME, read once every up-front file is in (the
// status bar's last part counted) and the engine is idle. WebAssembly memory never shrinks, so
// this is the high-water mark of loading. Usage:
//   INDEX=/tmp/full node e2e/heap.mjs      (after scripts/build-web; details shards not copied)
import { cpSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { copyDist, launch, newContext, serve, waitForRecommendReady } from './helpers.mjs';

const GAME = Number(process.env.BENCH_GAME ?? 14593);
const RUNS = Number(process.env.RUNS ?? 3);
const copy = copyDist();
if (process.env.INDEX) {
  const target = path.join(copy.dir, 'index');
  mkdirSync(target, { recursive: true });
  for (const name of readdirSync(process.env.INDEX)) {
    if (name !== 'details') cpSync(path.join(process.env.INDEX, name), path.join(target, name));
  }
}
const manifest = JSON.parse(readFileSync(path.join(copy.dir, 'index', 'manifest.json'), 'utf8'));
const upfront = manifest.files.filter((f) => f.role === 'search' || f.role === 'recommend').length;
const server = await serve(copy.dir);
const browser = await launch();
const mib = (bytes) => (bytes / 2 ** 20).toFixed(1);
const results = [];
try {
  for (let run = 0; run < RUNS; run += 1) {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.url}game/${GAME}`);
    await waitForRecommendReady(page);
    const engine = () => page.workers().find((w) => /\/engine\/engine-worker(-[0-9a-f]+)?\.js$/.test(w.url()));
    const added = async () => (await engine()?.evaluate(
      () => performance.getEntriesByType('measure').filter((m) => m.name.startsWith('playlike:add ')).length,
    )) ?? 0;
    // Every up-front file added (cover blocks and details shards are fetched on demand): the
    // worker measures each `playlike:add <path>`.
    for (let wait = 0; wait < 600 && (await added()) < upfront; wait += 1) {
      await new Promise((done) => setTimeout(done, 100));
    }
    const engineWasm = await engine()?.evaluate(() => self.playlikeMemory?.buffer.byteLength ?? 0);
    const pageWasm = await page.evaluate(() => window.playlikeMemory?.buffer.byteLength ?? 0);
    results.push({ files: await added(), engineWasm, pageWasm });
    console.log(`run ${run + 1}: ${await added()}/${upfront} files added; engine wasm ${mib(engineWasm)} MiB, page wasm ${mib(pageWasm)} MiB`);
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
  copy.remove();
}
const sorted = results.map((r) => r.engineWasm).sort((a, b) => a - b);
console.log(`engine wasm heap after a full load (median of ${RUNS}): ${mib(sorted[Math.floor(sorted.length / 2)])} MiB`);
