// Starts Playlike. Kept in its own file (not inline) so the page's Content-Security-Policy
// needs no 'unsafe-inline'; Trunk fills in the hashed file names.
//
// The engine worker starts first, so its wasm downloads and compiles while the app's does;
// the app adopts it (`playlikeEngine`) together with any message it sent before the app was
// listening (`playlikeEngineEarly`).
try {
  const engine = new Worker('/engine/engine-worker.js', { type: 'module' });
  const early = [];
  engine.onmessage = (event) => early.push(event.data);
  engine.onerror = (event) => {
    event.preventDefault();
    early.push({ kind: 'failed', message: event.message || 'its code did not load' });
  };
  window.playlikeEngine = engine;
  window.playlikeEngineEarly = early;
} catch (error) {
  console.warn('engine worker:', error); // the app reports it when it starts one itself
}

const tag = document.querySelector('script[data-playlike-wasm]');
const { default: init } = await import(tag.dataset.playlikeJs);
const app = await init({ module_or_path: tag.dataset.playlikeWasm });
// The app's memory, for the soak test and the benchmarks (read-only diagnostics).
window.playlikeMemory = app.memory;

// The service worker keeps the app shell for offline visits (secure contexts only). Its URL
// carries the app's content hash, so each deploy gets its own shell cache (see sw.js).
if ('serviceWorker' in navigator) {
  const version = tag.dataset.playlikeWasm.match(/-([0-9a-f]{8,})_bg\.wasm$/)?.[1] ?? 'unversioned';
  navigator.serviceWorker.register(`/sw.js?v=${version}`).catch((e) => console.warn('service worker:', e));
}
