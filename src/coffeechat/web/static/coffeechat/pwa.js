// Registers coffeechat's service worker, which keeps today's chats for offline use.
//
// base.html loads this script in server mode only, where coffeechat sits behind HTTPS. Browsers
// run service workers in a secure context only, so over plain HTTP (a phone on the LAN of a
// local coffeechat) there is nothing to register: the open page keeps working offline by itself.
// A refusal is silent; every page works without the worker.
"use strict";

(() => {
  const script = document.currentScript;
  if (!script || !window.isSecureContext || !("serviceWorker" in navigator)) return;
  // Served from the root of the site, so its scope is every page.
  navigator.serviceWorker.register(script.dataset.worker).catch(() => {});
  // The worker keeps today's chats whenever it fetches the home page. A home page it did not
  // fetch (the first one, opened before the worker was running) asks for them once it runs.
  if (location.pathname === script.dataset.home && !navigator.serviceWorker.controller) {
    navigator.serviceWorker.ready.then((registration) => registration.active?.postMessage("keep"));
  }
})();
