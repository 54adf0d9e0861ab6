// Playlike service worker: keeps the app shell (HTML, JS, wasm, CSS, icon) so a second visit
// works offline. Network first (a new deploy is picked up at once), cache as the fallback.
// The index files are not handled here: the app keeps them in its own cache, keyed by hash.
const SHELL = 'playlike-shell-v1';

// On install, save the page and every same-origin asset it names (Trunk hashes the names).
self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL);
    const page = await fetch('/', { cache: 'no-cache' });
    if (!page.ok) return;
    const html = await page.clone().text();
    await cache.put('/', page);
    const assets = new Set();
    for (const m of html.matchAll(/(?:href|src|data-playlike-js|data-playlike-wasm)="(\/[^"/][^"]*)"/g)) {
      assets.add(m[1]);
    }
    await Promise.all([...assets].map(async (url) => {
      const res = await fetch(url);
      if (res.ok) await cache.put(url, res);
    }));
  })().catch(() => {}));
  self.skipWaiting();
});

self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

function isIndexFile(url) {
  return url.pathname.endsWith('.gz') || url.pathname.endsWith('manifest.json')
    || url.pathname.startsWith('/__playlike-cache/');
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || isIndexFile(url)) return;
  // Every page address is the same single-page app.
  const key = request.mode === 'navigate' ? '/' : url.pathname;
  event.respondWith((async () => {
    const cache = await caches.open(SHELL);
    try {
      const response = await fetch(request);
      if (response.ok) await cache.put(key, response.clone());
      return response;
    } catch (error) {
      const saved = await cache.match(key);
      if (saved) return saved;
      throw error;
    }
  })());
});
