{% load static %}// coffeechat's service worker (server mode only; see web/views/pwa.py and docs/phone.md).
//
// Pages come from the network first. A copy of the home page and of today's chats' live and
// brief pages, with the static files they use, is kept in Cache Storage and shown when the
// network is gone, so the app reopens offline with the day's chats. Nothing else is kept: never
// a form post, a sign-in page, an export, a download or the calendar feed. Signing out, or a
// session that has ended, drops every kept page. localStorage is never touched: the live page
// keeps there what it has not sent yet.
"use strict";

const KEPT = "coffeechat-kept-v1";
const HOME = "{% url 'web:home' %}";
const KEEP_LIST = "{% url 'web:offline_pages' %}";
const OFFLINE = "{% url 'web:offline' %}";
const SIGN_OUT = "{% url 'web:sign_out' %}";
const STATIC = "{% get_static_prefix %}";
// When this device kept a copy (its own clock, in milliseconds), stored with the copy.
const KEPT_AT = "X-Coffeechat-Kept-At";
const REFERENCE = /(?:href|src)="([^"]+)"/g;
const SERVER_NOW = /data-server-now="([^"]+)"/;

self.addEventListener("install", (event) => {
  event.waitUntil(self.skipWaiting());
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("coffeechat-") && name !== KEPT) await caches.delete(name);
      }
      // Control the page that registered the worker at once. Keeping today's pages waits for
      // a home page (pwa.js asks): the browser holds every request while this event runs.
      await self.clients.claim();
    })(),
  );
});

// From pwa.js, on a home page this worker did not fetch.
self.addEventListener("message", (event) => {
  if (event.data === "keep" && event.origin === self.location.origin) event.waitUntil(refresh());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    // Posts go to the network untouched. Signing out forgets every kept page.
    if (url.pathname === SIGN_OUT) event.waitUntil(forget());
    return;
  }
  if (request.mode === "navigate" || url.pathname.startsWith(STATIC)) {
    event.respondWith(networkFirst(event, request, url));
  }
});

async function networkFirst(event, request, url) {
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    const copy = await keptCopy(request.url);
    if (copy) return aged(copy);
    const offline = request.mode === "navigate" ? await keptCopy(OFFLINE) : undefined;
    if (offline) return aged(offline);
    throw error;
  }
  if (url.pathname === HOME && request.mode === "navigate") {
    // The home page lists today's chats: keep them afresh. Sent to sign in: signed out.
    event.waitUntil(response.type === "opaqueredirect" ? forget() : refresh());
  } else if (keepable(response) && (await keptCopy(request.url))) {
    const kept = await caches.open(KEPT);
    event.waitUntil(stamp(response.clone()).then((copy) => kept.put(request.url, copy)));
  }
  return response;
}

// caches.match, not caches.open: looking must not make an empty store after a sign-out.
function keptCopy(address) {
  const url = new URL(address, self.location.origin).href;
  return caches.match(url, { cacheName: KEPT, ignoreVary: true });
}

function keepable(response) {
  return response.ok && response.type === "basic" && !response.redirected;
}

async function stamp(response) {
  const headers = new Headers(response.headers);
  headers.set(KEPT_AT, String(Date.now()));
  const body = await response.blob();
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

// A kept live page says what the server's clock read when it was kept (data-server-now). Moved on
// by the time this device has counted since, it gives live.js the same clock offset as then,
// rather than one off by however long the copy has been kept.
async function aged(copy) {
  const keptAt = Number(copy.headers.get(KEPT_AT));
  const type = copy.headers.get("Content-Type") || "";
  if (!keptAt || !type.startsWith("text/html")) return copy;
  const page = await copy.text();
  const moved = page.replace(SERVER_NOW, (attribute, value) => {
    const then = Date.parse(value);
    if (Number.isNaN(then)) return attribute;
    return `data-server-now="${new Date(then + Date.now() - keptAt).toISOString()}"`;
  });
  const headers = new Headers(copy.headers);
  headers.delete("Content-Length"); // the page is a few characters longer or shorter now
  return new Response(moved, { status: copy.status, statusText: copy.statusText, headers });
}

// One refresh at a time. Asked again while one runs (the home page opened twice), it runs once
// more when that one ends, so the pages kept are never older than the last request for them.
let refreshing = null;
let again = false;

function refresh() {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      again = false;
      await keepTodaysPages();
    } while (again);
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

// Keeping never follows a redirect. Signed out, every page redirects to the sign-in page, which
// is never kept, and drawing it in the background would use up any message the session holds
// for the person in front of the phone.
const UNFOLLOWED = { redirect: "manual" };

async function keepTodaysPages() {
  let pages;
  try {
    const asked = { ...UNFOLLOWED, headers: { Accept: "application/json" } };
    const answer = await fetch(KEEP_LIST, asked);
    if (answer.type === "opaqueredirect" || answer.status === 401 || answer.status === 403) {
      await caches.delete(KEPT); // signed out: nothing of theirs stays on the device
      return;
    }
    if (!answer.ok) return;
    pages = (await answer.json()).pages;
  } catch {
    return; // offline or a server in trouble: keep what is kept
  }
  const kept = await caches.open(KEPT);
  const wanted = new Set();
  const files = new Set();
  for (const page of pages) {
    const address = new URL(page, self.location.origin).href;
    wanted.add(address);
    try {
      const response = await fetch(address, UNFOLLOWED);
      if (!keepable(response)) continue;
      for (const [, reference] of (await response.clone().text()).matchAll(REFERENCE)) {
        const file = new URL(reference.replaceAll("&amp;", "&"), address);
        if (file.origin === self.location.origin && file.pathname.startsWith(STATIC)) {
          files.add(file.href);
        }
      }
      await kept.put(address, await stamp(response));
    } catch {
      // The network went during the refresh: the copy kept before stays.
    }
  }
  for (const address of files) {
    wanted.add(address);
    try {
      const response = await fetch(address);
      if (keepable(response)) await kept.put(address, await stamp(response));
    } catch {
      // As above: the copy kept before stays.
    }
  }
  // Yesterday's chats and anything no longer listed go.
  for (const request of await kept.keys()) {
    if (!wanted.has(request.url)) await kept.delete(request);
  }
}

async function forget() {
  // A refresh under way would put back what is dropped: let it finish first. (Not from within a
  // refresh, which would wait for itself.)
  if (refreshing) await refreshing.catch(() => {});
  await caches.delete(KEPT);
}
