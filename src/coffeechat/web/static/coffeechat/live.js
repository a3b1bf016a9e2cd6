// The live chat page, enhanced. Without this script every button is a plain form post and the
// page shows the state as it was when it was made; with it:
// - the countdown and the cues follow the absolute times the server rendered (data-ends-at,
//   data-wrapup-at), computed from Date.now(), so a reload, a background tab or a sleeping laptop
//   never drifts the clock;
// - the server's clock decides: Date.now() is corrected by this device's clock offset, measured
//   against the server's clock when the page loads (data-server-now) and again on every answer
//   (the X-Coffeechat-Now header, against the middle of the round trip); above a minute the page
//   says so;
// - the outcome buttons post in the background and swap in the fresh live panel;
// - state.json is polled every few seconds and when the tab comes back, so two tabs agree;
// - i, m, n, r and q pick the kind of a quick note and focus its box; Enter saves it;
// - at each cue the whole screen changes for a few seconds (a class on <body>) and, when the
//   preferences ask for it and the browser can, the phone vibrates; a screen wake lock while the
//   chat is live, when asked for. Each is feature-detected and fails silently. Never any sound.
// - after End, the capture form saves itself a second after the last key (and at once when a
//   link is followed or the page is left), shows "Saved", and swaps in how each line was read;
//   the boxes themselves are never replaced, so typing goes on during a save.
const PARTIAL_HEADER = "X-Coffeechat-Partial";
const POLL_MS = 5000;
const NOTE_KEYS = { i: "insight", m: "memorable", n: "next_step", r: "referral", q: "question" };
const PHASES = ["running", "wrap_up", "check_in"];
const SAVE_AFTER_MS = 1000;
const NOW_HEADER = "X-Coffeechat-Now";
const OFFSET_SHOWN_MS = 60_000;
const CUE_FLASH_MS = 4000;
const CUE_CLASS = "live-cue-flash";

const panel = () => document.querySelector("[data-live-panel]");
let shownPhase = null;
let polling = false;
let wakeLock = null;

// How far the server's clock is ahead of this device's, in ms (negative: this device is fast).
// The page was made a moment before this script runs: close enough until the first answer.
let clockOffset = measureFromPage();
let flashTimer = null;

function measureFromPage() {
  const made = Date.parse(panel()?.dataset.serverNow ?? "");
  return Number.isNaN(made) ? 0 : made - Date.now();
}

// The server's clock, as well as this device can tell it.
function serverNow() {
  return Date.now() + clockOffset;
}

// fetch, keeping the server's clock from the answer: it was read about halfway through.
async function fetchTimed(url, options) {
  const sent = Date.now();
  const response = await fetch(url, options);
  const received = Date.now();
  const stamp = Date.parse(response.headers.get(NOW_HEADER) ?? "");
  if (!Number.isNaN(stamp)) clockOffset = stamp - (sent + received) / 2;
  return response;
}

function showOffset(p) {
  const notice = p.querySelector("[data-clock-offset]");
  if (!notice) return;
  const minutes = Math.round(Math.abs(clockOffset) / 60_000);
  const shown = Math.abs(clockOffset) > OFFSET_SHOWN_MS && minutes > 0;
  notice.hidden = !shown;
  if (!shown) return;
  const way = clockOffset < 0 ? "fast" : "slow";
  const text = `This device's clock is ${minutes} minute${minutes === 1 ? "" : "s"} ${way}; coffeechat corrects for it.`;
  if (notice.textContent !== text) notice.textContent = text;
}

function clockText(ms) {
  const total = Math.floor(Math.abs(ms) / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  if (hours) return `${hours}:${String(minutes).padStart(2, "0")}:${seconds}`;
  return `${minutes}:${seconds}`;
}

function flashScreen(phase) {
  // The whole screen changes for a few seconds: seen from across the table, heard by nobody.
  const body = document.body;
  body.classList.add(CUE_CLASS);
  body.dataset.cueFlash = phase;
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => {
    body.classList.remove(CUE_CLASS);
    delete body.dataset.cueFlash;
  }, CUE_FLASH_MS);
}

function vibrate(p, phase) {
  if (p.dataset.vibrate !== "true" || typeof navigator.vibrate !== "function") return;
  try {
    navigator.vibrate(phase === "check_in" ? [200, 120, 200] : 200);
  } catch {
    // Refused by the browser: the screen has changed anyway.
  }
}

function firstTime(key) {
  try {
    if (sessionStorage.getItem(key)) return false;
    sessionStorage.setItem(key, "1");
  } catch {
    // No storage (a private window): a cue may repeat after a reload, nothing worse.
  }
  return true;
}

function cueOnce(p, phase) {
  // One cue per phase and per end time, even across reloads of this tab.
  if (!firstTime(`coffeechat:${p.dataset.code}:${phase}:${p.dataset.endsAt}`)) return;
  flashScreen(phase);
  vibrate(p, phase);
}

function tick() {
  const p = panel();
  if (p) showOffset(p);
  if (!p || p.dataset.status !== "live" || !p.dataset.endsAt) return;
  const now = serverNow();
  const endsAt = Date.parse(p.dataset.endsAt);
  const wrapAt = Date.parse(p.dataset.wrapupAt || p.dataset.endsAt);
  const left = endsAt - now;
  const phase = now < wrapAt ? "running" : now < endsAt ? "wrap_up" : "check_in";

  const digits = p.querySelector("[data-countdown]");
  if (digits) digits.textContent = clockText(left);
  const label = p.querySelector("[data-countdown-label]");
  if (label) label.textContent = left >= 0 ? "left" : "over";
  for (const name of PHASES) p.classList.toggle(`live-panel--${name}`, name === phase);
  for (const cue of p.querySelectorAll("[data-cue]")) cue.hidden = cue.dataset.cue !== phase;

  if (phase !== shownPhase) {
    if (shownPhase !== null && phase !== "running") cueOnce(p, phase);
    shownPhase = phase;
  }
}

async function updateWakeLock() {
  const p = panel();
  const wanted =
    p &&
    p.dataset.wakeLock === "true" &&
    p.dataset.status === "live" &&
    document.visibilityState === "visible";
  if (wanted && !wakeLock && "wakeLock" in navigator) {
    try {
      wakeLock = await navigator.wakeLock.request("screen");
      wakeLock.addEventListener("release", () => {
        wakeLock = null;
      });
    } catch {
      // Refused (battery saver, no permission): the page works the same, the screen may dim.
    }
  } else if (!wanted && wakeLock) {
    const held = wakeLock;
    wakeLock = null;
    await held.release().catch(() => {});
  }
}

function focusAfter(fresh, action) {
  const target = action && fresh.querySelector(`[data-focus-after="${action}"]`);
  if (!target) return;
  const field = target.matches("form") ? target.querySelector("input:not([type=hidden])") : target;
  if (field) field.focus();
}

function swapPanel(html, action) {
  const holder = document.createElement("template");
  holder.innerHTML = html.trim();
  const fresh = holder.content.querySelector("[data-live-panel]");
  const old = panel();
  if (!fresh || !old) throw new Error("no live panel in the answer");
  const logOpen = old.querySelector(".live-log")?.open;
  if (fresh.dataset.endsAt !== old.dataset.endsAt) shownPhase = null;
  old.replaceWith(fresh);
  if (logOpen) fresh.querySelector(".live-log")?.setAttribute("open", "");
  tick();
  updateWakeLock();
  focusAfter(fresh, action);
  fillCaptureSlot(fresh).catch(() => {
    // Offline for a moment: the next poll brings the capture.
  });
}

async function fetchPiece(name) {
  const p = panel();
  const response = await fetchTimed(p.dataset.pageUrl, {
    headers: { [PARTIAL_HEADER]: name },
    credentials: "same-origin",
    cache: "no-store",
  });
  if (response.redirected) {
    window.location.assign(response.url);
    return null;
  }
  return response.ok ? response.text() : null;
}

// The capture. `dirty` says the boxes hold text the server has not got yet.
let saveTimer = null;
let saving = null;
let dirty = false;

const captureForm = () => document.querySelector("[data-capture-form]");

function showSaveState(text) {
  const state = document.querySelector("[data-capture-state]");
  if (state) state.textContent = text;
}

function swapCapturePieces(html) {
  const holder = document.createElement("template");
  holder.innerHTML = html.trim();
  for (const fresh of holder.content.querySelectorAll("[data-capture-swap]")) {
    const old = document.querySelector(`[data-capture-swap="${fresh.dataset.captureSwap}"]`);
    if (old) old.replaceWith(fresh);
  }
}

// Post a form and get back the piece of the page named `partial`, or null when the server
// sent the browser on (a redirect is followed). 400 and 409 carry the reason in the piece;
// anything else throws, so the caller can try again or fall back to a real post.
async function postForPiece(form, partial) {
  const response = await fetchTimed(form.action, {
    method: "POST",
    body: new FormData(form),
    headers: { [PARTIAL_HEADER]: partial },
    credentials: "same-origin",
  });
  if (response.redirected) {
    window.location.assign(response.url);
    return null;
  }
  if (!response.ok && response.status !== 400 && response.status !== 409) {
    throw new Error(`HTTP ${response.status}`);
  }
  return response.text();
}

async function postCapture(form) {
  const piece = await postForPiece(form, "capture");
  if (piece === null) return;
  swapCapturePieces(piece);
  if (dirty) showSaveState("Changes not saved yet");
}

async function saveCapture() {
  clearTimeout(saveTimer);
  saveTimer = null;
  while (saving) await saving;
  const form = captureForm();
  if (!form || !dirty) return;
  dirty = false;
  showSaveState("Saving…");
  saving = postCapture(form).catch(() => {
    dirty = true;
    showSaveState("Not saved yet: the connection dropped. Trying again…");
    saveTimer = setTimeout(saveCapture, SAVE_AFTER_MS * 5);
  });
  try {
    await saving;
  } finally {
    saving = null;
  }
}

function captureTyped() {
  dirty = true;
  showSaveState("Changes not saved yet");
  clearTimeout(saveTimer);
  saveTimer = setTimeout(saveCapture, SAVE_AFTER_MS);
}

function enhanceCapture() {
  const save = captureForm()?.querySelector("[data-capture-save]");
  if (save) save.hidden = true;
}

async function fillCaptureSlot(fresh) {
  // End pressed on this page (or in another tab): the capture arrives without a reload.
  const slot = document.querySelector("[data-capture-slot]");
  if (!slot || fresh.dataset.status !== "held" || slot.querySelector("[data-capture]")) return;
  const html = await fetchPiece("capture");
  if (html === null || slot.querySelector("[data-capture]")) return;
  slot.innerHTML = html;
  enhanceCapture();
}

document.addEventListener("input", (event) => {
  if (event.target instanceof Element && event.target.closest("[data-capture-form]")) {
    captureTyped();
  }
});

// A link followed while a save is due waits for the save, so nothing typed is left behind.
document.addEventListener("click", (event) => {
  if (!dirty && !saving) return;
  if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey) return;
  if (event.shiftKey || event.altKey) return;
  const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
  if (!link || link.target || link.hasAttribute("download")) return;
  event.preventDefault();
  saveCapture().finally(() => window.location.assign(link.href));
});

// Leaving or reloading the page: send what is pending; keepalive lets the post outlive the page.
window.addEventListener("pagehide", () => {
  const form = captureForm();
  if (!form || !dirty) return;
  dirty = false;
  fetch(form.action, {
    method: "POST",
    body: new FormData(form),
    headers: { [PARTIAL_HEADER]: "capture" },
    credentials: "same-origin",
    keepalive: true,
  });
});

function busyTyping(container) {
  const active = document.activeElement;
  return Boolean(active && container && container.contains(active) && active.matches("input, textarea"));
}

async function refresh() {
  const html = await fetchPiece("live");
  if (html !== null && !busyTyping(panel())) swapPanel(html);
  // Notes written in another tab: take them in unless a note is being written here.
  const notes = document.querySelector("[data-partial-target]");
  const box = notes?.querySelector("textarea");
  if (notes && box && !box.value.trim() && document.activeElement !== box) {
    const piece = await fetchPiece("notes");
    if (piece === null) return;
    const holder = document.createElement("template");
    holder.innerHTML = piece.trim();
    const fresh = holder.content.querySelector("[data-partial-target]");
    if (fresh) notes.replaceWith(fresh);
  }
}

async function poll() {
  const p = panel();
  if (!p || polling) return;
  polling = true;
  try {
    const response = await fetchTimed(p.dataset.stateUrl, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      cache: "no-store",
    });
    if (response.ok && !response.redirected) {
      const state = await response.json();
      if (state.version !== panel()?.dataset.version) await refresh();
    }
  } catch {
    // Offline for a moment: the countdown runs on, the next poll catches up.
  } finally {
    polling = false;
  }
}

async function sendAction(form) {
  const buttons = form.querySelectorAll("button");
  for (const button of buttons) button.disabled = true;
  const piece = await postForPiece(form, "live");
  if (piece === null) return;
  const action = new URL(form.action).pathname.split("/").filter(Boolean).pop();
  swapPanel(piece, action);
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.hasAttribute("data-capture-form")) {
    event.preventDefault();
    dirty = true;
    saveCapture();
    return;
  }
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-live-action")) return;
  event.preventDefault();
  sendAction(form).catch(() => form.submit());
});

function isEditable(element) {
  return (
    element instanceof HTMLElement &&
    (element.isContentEditable || element.matches("input, textarea, select"))
  );
}

document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
  const form = document.querySelector("[data-quick-notes]");
  const box = form?.querySelector("textarea[name=text]");
  if (!form || !box) return;
  if (event.target === box) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (box.value.trim()) form.requestSubmit();
    }
    return;
  }
  if (isEditable(event.target)) return;
  const kind = NOTE_KEYS[event.key.toLowerCase()];
  if (!kind) return;
  event.preventDefault();
  const select = form.querySelector("[name=kind]");
  if (select) select.value = kind;
  box.focus();
});

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") {
    tick();
    poll();
  }
  updateWakeLock();
});

tick();
updateWakeLock();
enhanceCapture();
setInterval(tick, 1000);
setInterval(poll, POLL_MS);
