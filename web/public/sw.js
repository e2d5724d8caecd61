// Parley's service worker: it caches the app shell only (the page, its
// hashed scripts and styles, the icons) so the app opens offline. The API is
// never cached and nothing is queued: a write made offline fails at once.
const CACHE = 'parley-shell-v1';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k)))).then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/') || url.pathname === '/webhook') return;
  if (request.mode === 'navigate') {
    // The page: the network first (a new deployment wins), the cached shell offline.
    event.respondWith(fetch(request).then((res) => {
      const copy = res.clone();
      caches.open(CACHE).then((c) => c.put('/', copy));
      return res;
    }).catch(() => caches.match('/')));
    return;
  }
  if (url.pathname.startsWith('/assets/') || /\.(svg|webmanifest)$/.test(url.pathname)) {
    // Hashed files never change: the cache first.
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request).then((res) => {
      if (res.ok) {
        const copy = res.clone();
        caches.open(CACHE).then((c) => c.put(request, copy));
      }
      return res;
    })));
  }
});
