// Starts Playlike's app. Kept in its own file (not inline) so the page's
// Content-Security-Policy needs no 'unsafe-inline'; Trunk fills in the hashed file names.
// The engine worker was started earlier, by shell.js.
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
