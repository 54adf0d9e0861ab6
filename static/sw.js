// Playlike service worker: keeps the app shell (page, app JS/wasm, CSS, icon, the engine
// worker) so a second visit works offline. Network first (a new deploy is picked up at once),
// the shell saved at install as the fallback. The index files are not handled here: the engine keeps them
// in its own cache, keyed by hash.
//
// One cache per deploy: boot.js registers `/sw.js?v=<the app's content hash>`, so a new deploy
// installs a new worker with a new `playlike-shell-<v>` cache, and activating it deletes the
// older shells. Only shell files are stored, never arbitrary same-origin responses.
const VERSION = new URL(self.location.href).searchParams.get('v') || 'unversioned';
const SHELL = `playlike-shell-${VERSION}`;

// On install, save the page and every same-origin asset it names (the app, its styles, the
// shell script and the engine worker's files: all with hashed names).
self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL);
    const page = await fetch('/', { cache: 'no-cache' });
    if (!page.ok) return;
    const html = await page.clone().text();
    await cache.put('/', page);
    const assets = new Set();
    for (const m of html.matchAll(/(?:href|src|data-playlike-[a-z-]+)="(\/[^"/][^"]*)"/g)) {
      assets.add(m[1]);
    }
    await Promise.all([...assets].map(async (url) => {
      const res = await fetch(url, { cache: 'no-cache' });
      if (res.ok) await cache.put(url, res);
    }));
  })().catch(() => {}));
  self.skipWaiting();
});

// On activate, older shells go.
self.addEventListener('activate', (event) => event.waitUntil((async () => {
  const names = await caches.keys();
  await Promise.all(names
    .filter((name) => name.startsWith('playlike-shell-') && name !== SHELL)
    .map((name) => caches.delete(name)));
  await self.clients.claim();
})()));

function isIndexFile(url) {
  return /\.(gz|lzma)$/.test(url.pathname) || url.pathname.endsWith('manifest.json')
    || url.pathname.startsWith('/__playlike-cache/');
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || isIndexFile(url)) return;
  // Every page address is the same single-page app.
  const key = request.mode === 'navigate' ? '/' : url.pathname;
  event.respondWith((async () => {
    try {
      return await fetch(request);
    } catch (error) {
      // The shell is written once, at install: this deploy's files never change, and a
      // worker being replaced cannot re-create the shell its successor just deleted.
      const saved = await caches.match(key, { cacheName: SHELL });
      if (saved) return saved;
      throw error;
    }
  })());
});
