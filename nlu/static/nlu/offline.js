// Offline reading, the page's side (docs/architecture.md, "Offline reading"). It registers the site's
// service worker; saves what a page's [data-offline-save] box names; shows the "you are offline"
// banner on a saved copy; lists the saved pages on the offline page; keeps forms from being sent
// without a connection (on a saved copy, until the site answers again); and forgets every saved page
// on signing out, or once anyone else reads a page here online. Every text comes from the page
// (base.html's #offline-texts), in its language.
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

  function pageZone() {
    return (texts && texts.dataset.zone) || "";
  }

  // The moment in the page's language and the given zone, named as the server's dates name it
  // ("… 07:58 (Europe/Istanbul)"); English as the site writes it (day before month, 24 h).
  function formatted(iso, zone) {
    const lang = root.lang === "en" ? "en-GB" : root.lang || undefined;
    const options = { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    try {
      return `${new Intl.DateTimeFormat(lang, { ...options, timeZone: zone }).format(new Date(iso))} (${zone})`;
    } catch (unknownZone) {
      return new Intl.DateTimeFormat(lang, options).format(new Date(iso));
    }
  }

  // A text of the page with its "{date}" replaced by a <time>, in `zone` (the page's unless told).
  function dated(name, iso, zone = pageZone()) {
    const node = text(name);
    const [before, ...after] = node.textContent.split("{date}");
    const time = document.createElement("time");
    time.dateTime = iso;
    time.textContent = formatted(iso, zone);
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

  // Every address of a `srcset` ("a.avif 1x, b.avif 2x"): the phone may pick any of them offline.
  function srcsetUrls(srcset) {
    return srcset
      .split(",")
      .map((candidate) => candidate.trim().split(/\s+/)[0])
      .filter(Boolean);
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

  // An answer that did not come through for now (the server busy or failing): worth trying again.
  // A page the app keeps from saving (no-store, the sign-in page, one not found) is not a failure.
  function failedForNow(response) {
    return response.status >= 500 || response.status === 408 || response.status === 429;
  }

  // One page, stamped with the time it was saved, and the static files it links to (collected in `files`).
  // An error, an answer marked no-store or the sign-in page is not kept; a page reached through a redirect
  // (a wiki page named by its title) is kept at its own address, and the redirect at the one asked for.
  // No answer (the connection dropped) or a failing server throws: the save did not succeed.
  async function keep(cache, url, when, files) {
    const response = await fetch(url, { credentials: "same-origin", cache: "no-cache" });
    if (failedForNow(response)) throw new Error(`${url} answered ${response.status}`);
    const type = response.headers.get("Content-Type") || "";
    const control = response.headers.get("Cache-Control") || "";
    const arrived = new URL(response.url);
    if (!response.ok || !type.startsWith("text/html") || /no-store/i.test(control)) return false;
    if (arrived.origin !== location.origin || arrived.pathname === script.dataset.signIn) return false;
    if (response.redirected) await cache.put(url, Response.redirect(arrived.href, 302));
    const body = (await response.text()).replace(/<html\b/i, `<html data-offline-saved="${when}"`);
    const page = new DOMParser().parseFromString(body, "text/html");
    const links = page.querySelectorAll('link[rel~="stylesheet"][href], link[rel="manifest"][href], script[src], img[src]');
    const found = [...links].map((node) => node.getAttribute("href") || node.getAttribute("src"));
    // A rich-text <picture>: its <source srcset> (AVIF) and <img srcset> (WebP) as well as the <img src>.
    for (const node of page.querySelectorAll("source[srcset], img[srcset]")) {
      found.push(...srcsetUrls(node.getAttribute("srcset")));
    }
    for (const link of sameOriginUrls(found, url)) files.add(link);
    await cache.put(arrived.href, new Response(body, { headers: { "Content-Type": type } }));
    return true;
  }

  // A stylesheet, script or image of a saved page; like a page, one that did not come through fails the save.
  async function keepFile(cache, url) {
    const response = await fetch(url, { credentials: "same-origin" });
    if (failedForNow(response)) throw new Error(`${url} answered ${response.status}`);
    if (response.ok) await cache.put(url, response);
  }

  // "Saved" only once everything the box names came through: a member reading offline expects the unit,
  // its wiki page and its session, with their pictures. Otherwise the save fails as a whole ("try again"):
  // the pages that came through stay readable, but the index (the offline page's list, the time shown)
  // changes only on success.
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
    await Promise.all([...files].map((file) => keepFile(cache, file)));
    // The zone the member reads dates in: the offline page, fetched as a visitor, knows only the site's.
    index.pages[urls[0]] = { title: box.dataset.offlineTitle || document.title, saved: when, zone: pageZone() };
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
      if (known) show(status, dated("saved", known.saved, known.zone || pageZone()));
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
    for (const [url, { title, saved, zone }] of pages) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = url;
      link.textContent = title;
      item.append(link, " · ", dated("saved", saved, zone || pageZone()));
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

  // Whether the site answers now (asked with the worker's own address: small, never cached). A saved
  // copy was shown because it did not, even if the phone said it was online (a Wi-Fi with no way
  // out); asked at the moment of sending, the connection may be back.
  async function siteAnswers() {
    if (!navigator.onLine) return false;
    if (!savedAt) return true;
    try {
      await fetch(script.dataset.worker, { method: "HEAD", cache: "no-store", credentials: "same-origin" });
      return true;
    } catch (noAnswer) {
      return false;
    }
  }

  // A form waits for siteAnswers(): sent once it says yes (marked, so this listener lets it through),
  // otherwise the page stays as it is and nothing typed is lost. Signing out forgets the saved pages first.
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (form.dataset.offlineChecked) {
        delete form.dataset.offlineChecked;
        return;
      }
      const signingOut = form.hasAttribute("data-offline-clear");
      if (!signingOut && navigator.onLine && !savedAt) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      const submitter = event.submitter;
      const forgotten = signingOut ? caches.delete(SAVED).catch(() => false) : Promise.resolve();
      Promise.all([forgotten, siteAnswers()]).then(([, answers]) => {
        if (!answers) return needsConnection(form, submitter);
        form.dataset.offlineChecked = "1";
        form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
      });
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
