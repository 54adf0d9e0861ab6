// Playlike's engine worker: loads the engine (crate playlike-js, built by scripts/build-engine)
// and hands this dedicated worker to it. The page talks to it with the messages of
// playlike_core::protocol. If the engine cannot start, the page is told so it can offer Retry.
import init, { runWorker } from './playlike.js';

// Calls that arrive while the engine's wasm still loads (the page's open call is sent at once)
// wait here and are handed to the engine when it runs.
const waiting = [];
self.onmessage = (event) => waiting.push(event.data);

try {
  const engine = await init({ module_or_path: new URL('./playlike_bg.wasm', import.meta.url) });
  // The engine's memory, for the soak test and the benchmarks (read-only diagnostics).
  self.playlikeMemory = engine.memory;
  runWorker();
  for (const data of waiting.splice(0)) self.dispatchEvent(new MessageEvent('message', { data }));
} catch (error) {
  self.postMessage({ kind: 'failed', message: String(error?.message ?? error) });
}
