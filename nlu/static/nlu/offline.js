// Offline reading, the page's side (docs/architecture.md, "Offline reading"). It registers the site's
// service worker; saves what a page's [data-offline-save] box names; shows the "you are offline"
// banner on a saved copy; lists the saved pages on the offline page; keeps forms from being sent
// without a connection; and forgets every saved page on signing out, or once anyone else reads a
// page here online. Every text comes from the page (base.html's #offline-texts), in its language.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !("caches" in window)) return;

  const SAVED = "nlu-saved"; // the worker reads the same cache
  const INDEX = new URL("/offline-saved.json", location.origin).href;
  const script = document.currentScript;
  const root = document.documentElement;
  const savedAt = root.dataset.offlineSaved; // set only on a copy the worker answered offline
  const texts = document.getElementById("offline-texts");

  navigator.serviceWorker.register(script.dataset.worker, { scope: "/" }).catch(() => {});

  function owner() {
    const meta = document.querySelector('meta[name="offline-owner"]');
    return meta ? meta.content : "";
  }

  function text(name) {
    const node = texts && texts.content.querySelector(`[data-offline-text="${name}"]`);
    return node ? node.cloneNode(true) : document.createElement("span");
  }

  // The moment in the page's language and zone; English as the site writes it (day before month, 24 h).
  function formatted(iso) {
    const lang = root.lang === "en" ? "en-GB" : root.lang || undefined;
    const options = { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    try {
      return new Intl.DateTimeFormat(lang, { ...options, timeZone: texts.dataset.zone }).format(new Date(iso));
    } catch (unknownZone) {
      return new Intl.DateTimeFormat(lang, options).format(new Date(iso));
    }
  }

  // A text of the page with its "{date}" replaced by a <time>.
  function dated(name, iso) {
    const node = text(name);
    const [before, ...after] = node.textContent.split("{date}");
    const time = document.createElement("time");
    time.dateTime = iso;
    time.textContent = formatted(iso);
    node.textContent = before;
    node.append(time, after.join(""));
    return node;
  }

  function show(status, node) {
    status.replaceChildren(...node.childNodes);
  }

  async function readIndex() {
    const response = await (await caches.open(SAVED)).match(INDEX);
    return response ? response.json() : { owner: owner(), pages: {} };
  }

  async function writeIndex(cache, index) {
    const body = JSON.stringify(index);
    await cache.put(INDEX, new Response(body, { headers: { "Content-Type": "application/json" } }));
  }

  function sameOriginUrls(values, base) {
    const urls = [];
    for (const value of values) {
      const url = new URL(value, base);
      url.hash = "";
      if (url.origin === location.origin && !urls.includes(url.href)) urls.push(url.href);
    }
    return urls;
  }

  // One page, stamped with the time it was saved, and the static files it links to (collected in `files`).
  // An error, an answer marked no-store or the sign-in page is not kept; a page reached through a redirect
  // (a wiki page named by its title) is kept at its own address, and the redirect at the one asked for.
  async function keep(cache, url, when, files) {
    const response = await fetch(url, { credentials: "same-origin", cache: "no-cache" });
    const type = response.headers.get("Content-Type") || "";
    const control = response.headers.get("Cache-Control") || "";
    const arrived = new URL(response.url);
    if (!response.ok || !type.startsWith("text/html") || /no-store/i.test(control)) return false;
    if (arrived.origin !== location.origin || arrived.pathname === script.dataset.signIn) return false;
    if (response.redirected) await cache.put(url, Response.redirect(arrived.href, 302));
    const body = (await response.text()).replace(/<html\b/i, `<html data-offline-saved="${when}"`);
    const page = new DOMParser().parseFromString(body, "text/html");
    const links = page.querySelectorAll('link[rel~="stylesheet"][href], link[rel="manifest"][href], script[src], img[src]');
    for (const link of sameOriginUrls([...links].map((node) => node.getAttribute("href") || node.getAttribute("src")), url)) {
      files.add(link);
    }
    await cache.put(arrived.href, new Response(body, { headers: { "Content-Type": type } }));
    return true;
  }

  async function save(box) {
    const urls = sameOriginUrls(
      [
        ...(box.dataset.offlineUrls || location.pathname).split(/\s+/).filter(Boolean),
        ...[...document.querySelectorAll("a[data-offline-include][href]")].map((link) => link.getAttribute("href")),
      ],
      location.href,
    );
    const when = new Date().toISOString();
    let cache = await caches.open(SAVED);
    let index = await readIndex();
    if (index.owner !== owner()) {
      await caches.delete(SAVED);
      cache = await caches.open(SAVED);
      index = { owner: owner(), pages: {} };
    }
    const files = new Set();
    for (const [position, url] of urls.entries()) {
      if (!(await keep(cache, url, when, files)) && position === 0) throw new Error(`${url} could not be saved`);
    }
    await Promise.all([...files].map((file) => cache.add(file).catch(() => null)));
    index.pages[urls[0]] = { title: box.dataset.offlineTitle || document.title, saved: when };
    await writeIndex(cache, index);
    return when;
  }

  // Shown once a worker can answer offline; the app's markup keeps the box hidden otherwise.
  async function offerSaving() {
    const boxes = document.querySelectorAll("[data-offline-save]");
    if (!boxes.length) return;
    await navigator.serviceWorker.ready;
    const index = await readIndex();
    for (const box of boxes) {
      const button = box.querySelector("button");
      const status = box.querySelector("[data-offline-status]") || box;
      const first = sameOriginUrls([(box.dataset.offlineUrls || location.pathname).split(/\s+/)[0]], location.href)[0];
      const known = index.owner === owner() && index.pages[first];
      if (known) show(status, dated("saved", known.saved));
      button.addEventListener("click", async () => {
        button.disabled = true;
        show(status, text("saving"));
        try {
          show(status, dated("saved", await save(box)));
        } catch (failed) {
          show(status, text("failed"));
        } finally {
          button.disabled = false;
        }
      });
      box.hidden = false;
    }
  }

  async function listSaved(list) {
    const index = await readIndex();
    const pages = Object.entries(index.pages).sort((a, b) => b[1].saved.localeCompare(a[1].saved));
    if (!pages.length) return;
    const items = list.querySelector("ul");
    for (const [url, { title, saved }] of pages) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = url;
      link.textContent = title;
      item.append(link, " · ", dated("saved", saved));
      items.append(item);
    }
    list.hidden = false;
    for (const none of document.querySelectorAll("[data-offline-none]")) none.hidden = true;
  }

  // Pages saved by someone else (or by a member whose session ended) go once a page is read online.
  async function forgetOthers() {
    if (!(await caches.has(SAVED))) return;
    const index = await readIndex();
    if (index.owner !== owner()) await caches.delete(SAVED);
  }

  function needsConnection(form, button) {
    const note = form.querySelector(".offline-note") || text("needs-connection");
    if (button) button.after(note);
    else form.append(note);
  }

  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      const offline = !navigator.onLine || savedAt;
      if (form.hasAttribute("data-offline-clear")) {
        // Signing out: forget the saved pages before the form leaves.
        event.preventDefault();
        caches.delete(SAVED).finally(() => (offline ? needsConnection(form, event.submitter) : form.submit()));
      } else if (offline) {
        // Nothing typed is lost: the page stays as it is.
        event.preventDefault();
        event.stopImmediatePropagation();
        needsConnection(form, event.submitter);
      }
    },
    true,
  );
  window.addEventListener("online", () => {
    for (const note of document.querySelectorAll(".offline-note")) note.remove();
  });

  const list = document.querySelector("[data-offline-list]");
  if (savedAt) {
    const banner = dated("banner", savedAt);
    if (texts) texts.after(banner);
  } else if (list) {
    listSaved(list).catch(() => {});
  } else {
    if (navigator.onLine) forgetOthers().catch(() => {});
    offerSaving().catch(() => {});
  }
})();
