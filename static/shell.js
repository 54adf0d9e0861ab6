// Playlike's painted shell and engine start, run before the first paint (a small blocking
// script, kept in a file so the Content-Security-Policy needs no 'unsafe-inline'):
//  - names the page the address is for on <html data-view>, so the shell in index.html shows
//    that page's placeholder until the app takes over;
//  - "/" anywhere outside a text field focuses the search box, in the shell and in the app;
//  - starts the engine worker and asks it to open the index this page names (the worker
//    keeps the call until its engine runs), so the index downloads while the app's own wasm
//    still does, and no step waits for this busy thread. The app adopts the
//    worker (`playlikeEngine`), the messages it sent so far (`playlikeEngineEarly`) and the
//    open call in flight (call id 0); `playlikeIndexPlace` is what this page says about its
//    index, decided on by the engine (playlike_core IndexPlace).
(function () {
  var path = location.pathname;
  document.documentElement.dataset.view = path === '/' ? 'home'
    : path.indexOf('/game/') === 0 ? 'game'
      : path.indexOf('/for-you') === 0 ? 'for-you' : 'other';

  function typing(target) {
    return target instanceof HTMLElement
      && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }
  document.addEventListener('keydown', function (event) {
    if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var search = document.getElementById('search-input');
    if (!search) return;
    event.preventDefault();
    search.focus();
    search.select();
  });

  function absolute(raw) {
    try { return new URL(raw, location.href).href; } catch (e) { return null; }
  }
  function meta(name) {
    var tag = document.querySelector('meta[name="' + name + '"]');
    var content = tag && tag.getAttribute('content');
    return content && content.trim() ? content.trim() : null;
  }
  var linked = new URLSearchParams(location.search).get('index');
  var place = {
    origin: location.origin,
    default_url: absolute(meta('playlike-index') || '/index/manifest.json') || absolute('/index/manifest.json'),
    extra_allowed: (meta('playlike-index-allow') || '').split(/\s+/).filter(Boolean),
    linked: linked ? absolute(linked) : null,
  };
  window.playlikeIndexPlace = place;

  // The staged-rollout bucket (0-99), stable per browser; the app reads the same key.
  function rolloutBucket() {
    try {
      var stored = Number.parseInt(localStorage.getItem('playlike.bucket'), 10);
      if (stored >= 0 && stored < 100) return stored;
      var bucket = Math.floor(Math.random() * 100);
      localStorage.setItem('playlike.bucket', String(bucket));
      return bucket;
    } catch (e) {
      return Math.floor(Math.random() * 100);
    }
  }

  try {
    var engine = new Worker(document.currentScript.dataset.playlikeEngine || '/engine/engine-worker.js');
    var early = [];
    engine.onmessage = function (event) { early.push(event.data); };
    // The worker keeps calls that arrive before its engine runs (engine-worker.js).
    engine.postMessage({ id: 0, request: { kind: 'open_place', place: place, rollout_bucket: rolloutBucket() } });
    engine.onerror = function (event) {
      event.preventDefault();
      early.push({ kind: 'failed', message: event.message || 'its code did not load' });
    };
    window.playlikeEngine = engine;
    window.playlikeEngineEarly = early;
  } catch (error) {
    console.warn('engine worker:', error); // the app reports it when it starts one itself
  }
}());
