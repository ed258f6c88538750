// The site's service worker (docs/architecture.md, "Offline reading"). Pages come from the network
// first; only when it fails does the worker answer from the caches: a page the member saved
// (offline.js stores it, stamped with the time it was saved), else the offline page in the page's
// language. It stores nothing on its own while a member browses: only the offline pages at install.
"use strict";

const CONFIG = {{ config|safe }};
const SHELL = {{ shell|safe }}; // named after CONFIG: each deploy's worker fills its own
const SAVED = "nlu-saved";

self.addEventListener("install", (event) => {
  event.waitUntil(keepShell().then(() => self.skipWaiting()));
});

// Only once this worker's shell is whole do the older ones go (an install that failed on a weak
// connection leaves the worker in use, and its offline pages, as they were).
self.addEventListener("activate", (event) => {
  event.waitUntil(forgetOlderShells().then(() => self.clients.claim()));
});

async function forgetOlderShells() {
  for (const name of await caches.keys()) {
    if (name.startsWith("nlu-shell") && name !== SHELL) await caches.delete(name);
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(page(request, url));
  } else if (url.pathname.startsWith(CONFIG.staticUrl) || url.pathname.startsWith(CONFIG.mediaUrl)) {
    event.respondWith(fetch(request).catch(() => saved(request)));
  }
});

// The offline page of every language, fetched as a visitor (it carries no member's name), and
// the static files it links to.
async function keepShell() {
  const cache = await caches.open(SHELL);
  const files = new Set(CONFIG.staticFiles);
  for (const url of Object.values(CONFIG.offlinePages)) {
    const response = await fetch(url, { credentials: "omit", cache: "no-store" });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    const html = await response.clone().text();
    for (const [, link] of html.matchAll(/(?:href|src)="([^"]+)"/g)) {
      if (link.startsWith(CONFIG.staticUrl)) files.add(link);
    }
    await cache.put(url, response);
  }
  await cache.addAll([...files]);
}

async function saved(request) {
  return (await caches.match(request)) || Response.error();
}

async function page(request, url) {
  try {
    return await fetch(request);
  } catch (offline) {
    const copy = await (await caches.open(SAVED)).match(url.href);
    if (copy) return copy;
    const language = url.pathname.split("/")[1];
    const offlinePage = CONFIG.offlinePages[language] || CONFIG.offlinePages[CONFIG.defaultLanguage];
    return (await (await caches.open(SHELL)).match(offlinePage)) || Response.error();
  }
}
