// Playlike's engine worker: starts the engine (crate playlike-js) and hands this dedicated
// worker to it. The page talks to it with the messages of playlike_core::protocol. If the
// engine cannot start, the page is told so it can offer Retry.
//
// scripts/build-engine puts this file after the engine's wasm-bindgen glue (`--target
// no-modules`, which defines `wasm_bindgen`) in one classic worker script, so starting the
// engine costs one script request, not a chain of module imports.

// Calls that arrive while the engine's wasm still loads (the page's open call is sent at once)
// wait here and are handed to the engine when it runs.
const waiting = [];
self.onmessage = (event) => {
  waiting.push(event.data);
  prefetchManifest(event.data);
};

// Requests sent before the engine asks, by URL: it takes each one instead of asking again
// (once, `prefetched` in js/src/net.rs).
self.playlikePrefetched = {};

// The page's own manifest (not a linked one: the engine checks those first) is requested while
// the engine's wasm still downloads.
function prefetchManifest(call) {
  const place = call?.request?.kind === 'open_place' ? call.request.place : null;
  if (!place || place.linked || self.playlikePrefetched[place.default_url]) return;
  const response = fetch(place.default_url, { cache: 'no-cache' });
  response.catch(() => {}); // a failure is the engine's to report, when it takes the response
  self.playlikePrefetched[place.default_url] = response;
}

wasm_bindgen({ module_or_path: new URL('playlike_bg.wasm', self.location.href) })
  .then((engine) => {
    // The engine's memory, for the soak test and the benchmarks (read-only diagnostics).
    self.playlikeMemory = engine.memory;
    performance.mark('playlike:engine-started');
    wasm_bindgen.runWorker();
    for (const data of waiting.splice(0)) self.dispatchEvent(new MessageEvent('message', { data }));
  })
  .catch((error) => {
    self.postMessage({ kind: 'failed', message: String(error?.message ?? error) });
  });
