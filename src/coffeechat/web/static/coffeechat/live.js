// The live chat page, enhanced. Without this script every button is a plain form post and the
// page shows the state as it was when it was made; with it:
// - the countdown and the cues follow the absolute times the server rendered (data-ends-at,
//   data-wrapup-at), computed from Date.now(), so a reload, a background tab or a sleeping laptop
//   never drifts the clock;
// - the server's clock decides: Date.now() is corrected by this device's clock offset, measured
//   against the server's clock when the page loads (data-server-now) and again on every answer
//   (the X-Coffeechat-Now header, against the middle of the round trip); above a minute the page
//   says so;
// - Start posts in the background and swaps in the fresh live panel; with no network it joins
//   the queue below (stamped when it was pressed) and the live panel comes from the inert
//   <template data-after-start>, its end confirmed from the steps the server rendered;
// - state.json is polled every few seconds and when the tab comes back, so two tabs agree;
// - i, m, n, r and q pick the kind of a quick note and focus its box; Enter saves it;
// - at each cue the whole screen changes for a few seconds (a class on <body>) and, when the
//   preferences ask for it and the browser can, the phone vibrates; a screen wake lock while the
//   chat is live, when asked for. Each is feature-detected and fails silently. Never any sound.
// - every note, outcome, extension, End, felt length and capture goes through one queue kept in
//   localStorage for this chat, and so survives a lost network, a reload or the laptop
//   restarting. Each action has an id made here and names the one queued before it; the server
//   applies each once, in order, at the time it happened (services/sync.py). One request is in
//   flight at a time; the queue is sent again when the network comes back, every few seconds
//   and when the page loads, and an action leaves it only once the server has answered it.
//   Meanwhile the page acts on it at once: the countdown moves, End shows what comes after End
//   (kept in a <template> on the page), and a note shows "kept on this phone, not sent yet".
//   A refused action is shown with its answer; a note the server did not take (refused, chat
//   deleted, device signed out) stays on screen with a button to copy it;
// - after End, the capture form saves itself (through the queue) a second after the last key
//   (and at once when a link is followed or the page is left), shows "Saved", and swaps in how
//   each line was read; the boxes themselves are never replaced, so typing goes on during a save.
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

// The live chat's rules, as core/live.py has them (phase_at, wrap_up_at, confirm_end, has_room),
// for what this page does on its own: every second, and with no network. Times are ms since
// the epoch; latest is null when nothing follows. tests/browser/test_same_rule_twice.py runs
// these and the Python functions over the same table; change one, change the other. Exported
// for that test; the page itself only runs this file as a script.
export function phaseAt(now, wrapAt, endsAt) {
  if (now < wrapAt) return "running";
  return now < endsAt ? "wrap_up" : "check_in";
}

export function wrapUpAt(start, end, wrapupMinutes) {
  return Math.max(start, end - wrapupMinutes * 60_000);
}

export function confirmedMinutes(start, agreed, latest) {
  if (latest === null) return agreed;
  return Math.min(agreed, Math.max(0, Math.floor((latest - start) / 60_000)));
}

export function hasRoom(end, latest, extendMinutes) {
  return latest === null || Math.floor((latest - end) / 60_000) >= extendMinutes;
}

function tick() {
  const p = panel();
  if (p) showOffset(p);
  if (!p || p.dataset.status !== "live" || !p.dataset.endsAt) return;
  const now = serverNow();
  const endsAt = Date.parse(p.dataset.endsAt);
  const wrapAt = Date.parse(p.dataset.wrapupAt || p.dataset.endsAt);
  const left = endsAt - now;
  const phase = phaseAt(now, wrapAt, endsAt);

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
  const focused = old.contains(document.activeElement) ? document.activeElement.id : "";
  if (fresh.dataset.endsAt !== old.dataset.endsAt) shownPhase = null;
  old.replaceWith(fresh);
  if (logOpen) fresh.querySelector(".live-log")?.setAttribute("open", "");
  tick();
  updateWakeLock();
  if (action) focusAfter(fresh, action);
  else if (focused) document.getElementById(focused)?.focus();
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

// The queue of what this phone did, kept in localStorage per chat until the server answers.
const SYNC_EVERY_MS = 10_000;
const MOST_ACTIONS = 20; // services/sync.py MOST_ACTIONS
const KEPT = "kept on this phone, not sent yet";
const OUTCOMES = ["start", "extend", "wrap", "end", "felt"];
const code = panel()?.dataset.code ?? "";
const syncUrl = panel()?.dataset.syncUrl ?? "";

function stored(what, fallback) {
  try {
    const value = localStorage.getItem(`coffeechat:${what}:${code}`);
    return value === null ? fallback : JSON.parse(value);
  } catch {
    return fallback;
  }
}

function store(what, value) {
  try {
    localStorage.setItem(`coffeechat:${what}:${code}`, JSON.stringify(value));
  } catch {
    // No storage (a private window, or full): the queue lives as long as the page.
  }
}

let queue = stored("queue", []);
// Notes the server did not take (refused, chat gone, signed out): on screen to copy.
let keptNotes = stored("kept", []);
// Answers to read: refusals, a deleted chat, a revoked device.
const problems = [];
let stopped = false; // the chat is gone or this device is signed out: nothing more to send
let syncing = null;

function reload() {
  queue = stored("queue", queue);
  keptNotes = stored("kept", keptNotes);
}

function saveQueue() {
  store("queue", queue);
  store("kept", keptNotes);
}

// crypto.randomUUID needs a secure context; plain http on a LAN has none. getRandomValues works.
function newId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function enqueue(kind, fields, label, at = serverNow()) {
  reload();
  const action = {
    id: newId(),
    after: stored("tail", null),
    kind,
    at: new Date(at).toISOString(),
    ...fields,
    label,
  };
  queue.push(action);
  store("tail", action.id);
  saveQueue();
  return action;
}

function csrfToken() {
  return document.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? "";
}

function noteKindLabel(kind) {
  const option = document.querySelector(`[data-quick-notes] [name=kind] option[value="${CSS.escape(String(kind))}"]`);
  return option ? option.textContent : kind;
}

// A time as the page shows it: in the owner's zone and clock format (core/clock.format_clock).
function shownTime(at) {
  const p = panel();
  const options = { hour: "numeric", minute: "2-digit", hourCycle: "h23" };
  let format;
  try {
    format = new Intl.DateTimeFormat("en-GB", { ...options, timeZone: p?.dataset.timeZone || undefined });
  } catch {
    format = new Intl.DateTimeFormat("en-GB", options); // a zone this browser does not know
  }
  const parts = {};
  for (const part of format.formatToParts(new Date(Date.parse(at)))) parts[part.type] = part.value;
  const hour = Number(parts.hour) % 24;
  if (p?.dataset.clockFormat === "12") return `${hour % 12 || 12}:${parts.minute} ${hour < 12 ? "am" : "pm"}`;
  return `${String(hour).padStart(2, "0")}:${parts.minute}`;
}

function element(tag, className, text) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

async function copyText(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // No clipboard over plain http: select the text so the phone's own Copy is one tap away.
    const box = button.parentElement?.querySelector("textarea");
    if (box) {
      box.focus();
      box.select();
      try {
        document.execCommand("copy");
      } catch {
        // The text is selected; the user copies it.
      }
    }
  }
  button.textContent = "Copied";
}

// A note kept on this phone, in the notes list: marked, and with its time taken. A note the
// server has just taken shows plainly until the list is fetched again.
function pendingNote(note, sent = false) {
  const item = element("li", sent ? "note" : "note note--kept");
  if (!sent) item.dataset.keptNote = note.id;
  const meta = element("p", "note__meta");
  meta.append(element("span", `badge badge--${note.note_kind}`, noteKindLabel(note.note_kind)), " ");
  const time = element("time", "", shownTime(note.at));
  time.dateTime = note.at;
  meta.append(time);
  if (!sent) meta.append(" ", element("span", "note__kept", KEPT));
  item.append(meta, element("div", "note__text prose", note.text));
  return item;
}

// Notes the server has taken since the notes list was last fetched: shown until it is.
const landed = [];

function showPendingNotes() {
  const section = document.querySelector("[data-partial-target]");
  if (!section) return;
  let list = section.querySelector("[data-pending-notes]");
  const notes = queue.filter((action) => action.kind === "note");
  if (!notes.length && !landed.length) {
    list?.remove();
    return;
  }
  if (!list) {
    list = element("ol", "note-list note-list--kept");
    list.dataset.pendingNotes = "";
    const after = section.querySelector(".live-keys") ?? section.querySelector("form");
    after?.after(list);
  }
  list.replaceChildren(
    ...notes.slice().reverse().map((note) => pendingNote(note)),
    ...landed.slice().reverse().map((note) => pendingNote(note, true)),
  );
}

function copyable(text, why) {
  const item = element("li", "live-kept__note");
  if (why) item.append(element("p", "live-kept__why", why));
  const box = element("textarea", "live-kept__text");
  box.readOnly = true;
  box.rows = 2;
  box.value = text;
  const button = element("button", "button button--quiet", "Copy");
  button.type = "button";
  button.addEventListener("click", () => copyText(text, button));
  item.append(box, button);
  return item;
}

// The "Kept on this phone" section: what waits to be sent, answers to read, notes to copy.
function showKept() {
  showPendingNotes();
  const section = document.querySelector("[data-kept-on-phone]");
  if (!section) return;
  const list = section.querySelector("[data-kept-list]");
  const said = section.querySelector("[data-kept-problems]");
  const items = [];
  for (const action of queue) {
    if (action.kind === "note") {
      if (stopped) items.push(copyable(action.text, `${noteKindLabel(action.note_kind)}, ${shownTime(action.at)}: not sent.`));
    } else if (action.kind !== "capture") {
      const item = element("li", "live-kept__action", `${action.label}: ${KEPT}.`);
      item.dataset.keptAction = action.kind;
      items.push(item);
    }
  }
  for (const note of keptNotes) items.push(copyable(note.text, note.why));
  list.replaceChildren(...items);
  said.replaceChildren(...problems.map((text) => element("p", "message message--error", text)));
  if (keptNotes.length || problems.length) {
    const words = keptNotes.length ? "I have copied them: clear" : "Dismiss";
    const forget = element("button", "button button--quiet", words);
    forget.type = "button";
    forget.addEventListener("click", () => {
      keptNotes = [];
      problems.length = 0;
      saveQueue();
      showKept();
    });
    const item = element("li", "live-kept__clear");
    item.append(forget);
    list.append(item);
  }
  section.hidden = !items.length && !problems.length;
}

function say(text) {
  if (!problems.includes(text)) problems.push(text);
}

// What an outcome does on this page at once, before the server has it.
function iso(ms) {
  return new Date(ms).toISOString();
}

function endHere(p) {
  const after = p.querySelector("template[data-after-end]");
  const felt = after?.content.querySelector(".live-felt")?.cloneNode(true);
  const capture = after?.content.querySelector("[data-capture]")?.cloneNode(true);
  for (const piece of p.querySelectorAll(".live-confirm, .live-clock, .live-cue, .live-room, .live-actions")) {
    piece.remove();
  }
  after?.remove();
  p.dataset.status = "held";
  p.querySelector(".live-status")?.replaceChildren();
  for (const name of PHASES) p.classList.remove(`live-panel--${name}`);
  p.classList.add("live-panel--ended");
  const badge = p.querySelector(".live-title .badge");
  if (badge) {
    badge.className = "badge badge--held";
    badge.textContent = "Held";
  }
  if (felt) {
    p.querySelector("[data-clock-offset]")?.after(felt);
    felt.querySelector("input:not([type=hidden])")?.focus();
  }
  const slot = document.querySelector("[data-capture-slot]");
  if (capture && slot && !slot.querySelector("[data-capture]")) {
    slot.replaceChildren(capture);
    enhanceCapture();
  }
  updateWakeLock();
}

// Start pressed with no network: the live panel comes from <template data-after-start>. The end
// is core.live.confirm_end's: for each moment Start may be pressed the server rendered the latest
// end the next commitment allows (data-start-steps), so what is left here is a min and a floor.
function startHere(p, action) {
  const made = p.querySelector("template[data-after-start]");
  if (!made || p.dataset.status !== "planned") return;
  const start = Date.parse(action.at);
  const agreed = Number(made.dataset.agreedMinutes);
  let steps = [];
  try {
    steps = JSON.parse(made.dataset.startSteps || "[]");
  } catch {
    // Not readable: the agreed length, until the server answers with the end it confirmed.
  }
  const step = steps.filter((one) => Date.parse(one.since) <= start).pop() ?? steps[0] ?? {};
  const latest = step.latest_end ? Date.parse(step.latest_end) : null;
  const minutes = confirmedMinutes(start, agreed, latest);
  const end = start + minutes * 60_000;
  const wrapAt = wrapUpAt(start, end, Number(p.dataset.wrapupMinutes || 0));
  const room = hasRoom(end, latest, Number(made.dataset.extendMinutes));

  const running = made.content.cloneNode(true);
  const confirm = running.querySelector(`[data-confirm="${minutes < agreed ? "capped" : "agreed"}"]`);
  const checkIn = running.querySelector(`[data-check-in="${room ? "check_in_room" : "check_in_close"}"]`);
  for (const other of running.querySelectorAll("[data-confirm], [data-check-in]")) {
    if (other !== confirm && other !== checkIn) other.remove();
  }
  if (confirm) fillIn(confirm, { now: start, end: start + agreed * 60_000, earlier_end: end, minutes: String(minutes) });
  fillIn(running, { now: start, end, earlier_end: end, minutes: String(Math.round((end - wrapAt) / 60_000)) });
  const next = running.querySelector("[data-room]");
  if (next) {
    next.textContent = step.next
      ? `Next: ${step.next.label} at ${shownTime(step.next.starts_at)}.`
      : "Nothing else planned after this chat.";
  }

  p.querySelector("[data-ready]")?.remove();
  p.querySelector(".live-status")?.replaceChildren();
  p.querySelector("[data-clock-offset]")?.after(running);
  p.dataset.status = "live";
  p.dataset.startedAt = iso(start);
  p.dataset.endsAt = iso(end);
  p.dataset.wrapupAt = iso(wrapAt);
  p.classList.remove("live-panel--ready");
  const badge = p.querySelector(".live-title .badge");
  if (badge) {
    badge.className = "badge badge--live";
    badge.textContent = "Live";
  }
  shownPhase = null;
  focusAfter(p, "start");
  updateWakeLock();
}

// Each placeholder the server left in a script: a time (ms) as the page shows it, or a number.
function fillIn(container, values) {
  for (const slot of container.querySelectorAll("[data-fill]")) {
    const value = values[slot.dataset.fill];
    slot.replaceWith(typeof value === "number" ? shownTime(iso(value)) : String(value ?? ""));
  }
}

function actHere(action) {
  const p = panel();
  if (!p) return;
  if (action.kind === "start") startHere(p, action);
  if (action.kind === "felt") {
    const form = p.querySelector(".live-felt");
    if (!form) return;
    const result = element("div", "live-result");
    const line = element("p", "", "It felt like ");
    line.append(element("strong", "", `${action.minutes} minute${Number(action.minutes) === 1 ? "" : "s"}`), ".");
    result.append(line, element("p", "muted", `The real length comes once the server has it: ${KEPT}.`));
    form.replaceWith(result);
    return;
  }
  if (p.dataset.status !== "live" || !p.dataset.endsAt) return;
  const at = Date.parse(action.at);
  const endsAt = Date.parse(p.dataset.endsAt);
  const wrapupMinutes = Number(p.dataset.wrapupMinutes || 0);
  // Where the server will put the wrap-up cue for the new end (services/live.py, live_state).
  const startedAt = Date.parse(p.dataset.startedAt || p.dataset.endsAt);
  if (action.kind === "extend") {
    const later = endsAt + Number(action.minutes) * 60_000;
    p.dataset.endsAt = iso(later);
    p.dataset.wrapupAt = iso(wrapUpAt(startedAt, later, wrapupMinutes));
    shownPhase = null;
  } else if (action.kind === "wrap") {
    const soon = at + wrapupMinutes * 60_000;
    const sooner = Math.max(at, Math.min(endsAt, soon));
    p.dataset.endsAt = iso(sooner);
    p.dataset.wrapupAt = iso(wrapUpAt(startedAt, sooner, wrapupMinutes));
    p.querySelector("[data-queue=wrap] button")?.setAttribute("aria-pressed", "true");
    shownPhase = null;
  } else if (action.kind === "end") {
    endHere(p);
  }
  const until = p.querySelector(".live-clock__until");
  if (until && p.dataset.endsAt && p.dataset.startedAt) {
    until.textContent = `Until ${shownTime(p.dataset.endsAt)} · started ${shownTime(p.dataset.startedAt)}`;
  }
  tick();
}

function outcomePending() {
  return queue.some((action) => OUTCOMES.includes(action.kind));
}

// Send the queue, a batch at a time, one request in flight; answered actions leave the queue.
function sync() {
  if (!syncing) {
    syncing = sendQueue().finally(() => {
      syncing = null;
    });
  }
  return syncing;
}

function signedOut(message) {
  stopped = true;
  say(message || "You are signed out on this device. Copy your notes below before you leave the page.");
  showKept();
}

async function sendQueue() {
  for (let round = 0; round < 50; round += 1) {
    reload();
    if (!queue.length || stopped || !syncUrl) return;
    const batch = queue.slice(0, MOST_ACTIONS);
    for (const action of batch) action.sent = true;
    saveQueue();
    let response;
    try {
      response = await fetchTimed(syncUrl, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": csrfToken(),
        },
        body: JSON.stringify({
          actions: batch.map(({ label, sent, ...action }) => action),
        }),
        credentials: "same-origin",
      });
    } catch {
      showKept(); // offline: everything stays kept, and goes when the network is back
      if (captureQueued()) {
        showSaveState("Kept on this phone, not sent yet");
        const note = document.querySelector("[data-mailto-note]");
        if (note) note.textContent = "The draft from the capture as last sent; what you typed since joins it once this device is back online.";
      }
      return;
    }
    let body = null;
    try {
      body = await response.json();
    } catch {
      // Not JSON: a sign-in page after a redirect, or an error page.
    }
    if (response.redirected || (response.status === 401 && body?.signed_out)) {
      signedOut(body?.error);
      return;
    }
    if (response.status === 404 && body?.gone) {
      stopped = true;
      say(body.error);
      showKept();
      return;
    }
    if (response.status === 403) {
      // The page's CSRF token no longer matches (signed in again elsewhere): a reload fixes it,
      // and the queue is kept across it.
      say("This page is out of date: reload it to send what this phone kept (nothing is lost).");
      showKept();
      return;
    }
    if (!response.ok || !Array.isArray(body?.answers)) {
      if (body?.error) say(body.error);
      showKept();
      return;
    }
    if (!take(body.answers)) return;
    await caughtUp(body.state, body.answers);
  }
}

// Take the server's answers: applied and refused actions leave the queue. True if any did.
function take(answers) {
  const answered = new Map(answers.map((answer) => [answer.id, answer]));
  reload();
  let moved = false;
  queue = queue.filter((action) => {
    const answer = answered.get(action.id);
    if (!answer || answer.status === "waiting") return true;
    moved = true;
    if (answer.status === "applied" && action.kind === "note") landed.push(action);
    if (answer.status === "refused") {
      if (action.kind === "note") {
        keptNotes.push({ text: action.text, why: `Not kept: ${answer.message}` });
      } else if (action.kind === "capture") {
        captureRefusal = answer.message;
      } else {
        say(answer.message);
      }
    }
    return false;
  });
  if (!moved && queue.length) {
    // The first action waits for one this phone no longer has (its storage was cleared):
    // that one never comes, so the chain starts again here.
    const first = queue[0];
    if (answered.get(first.id)?.status === "waiting" && !queue.some((a) => a.id === first.after)) {
      first.after = null;
      moved = true;
    }
  }
  saveQueue();
  showKept();
  return moved;
}

async function caughtUp(state, answers) {
  const captured = answers.some((answer) => answer.status === "applied" && queueKinds.get(answer.id) === "capture");
  for (const answer of answers) queueKinds.delete(answer.id);
  if (!outcomePending()) await refresh().catch(() => {});
  if (state?.status === "held" && document.querySelector("[data-capture]")) {
    const piece = await fetchPiece("capture").catch(() => null);
    if (piece) swapCapturePieces(piece);
    if (dirty || captureQueued()) showSaveState("Changes not saved yet");
    else if (captureRefusal) showSaveState(captureRefusal);
    else if (captured) showSaveState("Saved");
  }
  captureRefusal = "";
}

// Why the last capture sent was not saved, shown once the capture's pieces are fresh.
let captureRefusal = "";

// The kind of each action sent, to read its answer by once it has left the queue.
const queueKinds = new Map();

// The capture. `dirty` says the boxes hold text not in the queue yet.
let saveTimer = null;
let dirty = false;

const captureForm = () => document.querySelector("[data-capture-form]");

function showSaveState(text) {
  if (text === null) return;
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

function captureQueued() {
  return queue.some((action) => action.kind === "capture");
}

// What the boxes hold goes into the queue: over a capture not sent yet, or as a new one.
function queueCapture() {
  const form = captureForm();
  if (!form || !dirty) return false;
  dirty = false;
  const data = new FormData(form);
  const fields = {
    stuck: String(data.get("stuck") ?? ""),
    agreed: String(data.get("agreed") ?? ""),
    suggested: String(data.get("suggested") ?? ""),
  };
  reload();
  const last = queue[queue.length - 1];
  if (last && last.kind === "capture" && !last.sent) {
    Object.assign(last, fields, { at: new Date(serverNow()).toISOString() });
    saveQueue();
    queueKinds.set(last.id, "capture");
  } else {
    queueKinds.set(enqueue("capture", fields, "The capture").id, "capture");
  }
  return true;
}

async function saveCapture() {
  clearTimeout(saveTimer);
  saveTimer = null;
  if (queueCapture()) showSaveState("Saving…");
  await sync();
  await syncing;
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
  // End pressed in another tab: the capture arrives without a reload.
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

// A link followed while something is due waits for it to be sent, so nothing typed is left
// behind; offline, the queue keeps it for the next visit.
document.addEventListener("click", (event) => {
  if (!dirty && !syncing && !queue.length) return;
  if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey) return;
  if (event.shiftKey || event.altKey) return;
  const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
  if (!link || link.target || link.hasAttribute("download")) return;
  if (!link.href.startsWith(window.location.origin)) return;
  event.preventDefault();
  saveCapture().finally(() => window.location.assign(link.href));
});

// Leaving or reloading the page: the capture joins the queue, which is kept; keepalive lets one
// last send outlive the page.
window.addEventListener("pagehide", () => {
  queueCapture();
  if (!queue.length || stopped || !syncUrl) return;
  try {
    fetch(syncUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ actions: queue.slice(0, MOST_ACTIONS).map(({ label, sent, ...action }) => action) }),
      credentials: "same-origin",
      keepalive: true,
    }).catch(() => {});
  } catch {
    // Too large for a keepalive: the queue goes on the next visit.
  }
});

function busyTyping(container) {
  const active = document.activeElement;
  return Boolean(active && container && container.contains(active) && active.matches("input, textarea"));
}

async function refresh() {
  // While an outcome waits in the queue, this page shows it; the server does not know it yet.
  if (!outcomePending()) {
    const html = await fetchPiece("live");
    if (html !== null && !busyTyping(panel()) && !outcomePending()) swapPanel(html);
  }
  // Notes from the server (and from another tab): taken in unless a note is being written here.
  const notes = document.querySelector("[data-partial-target]");
  const box = notes?.querySelector("textarea");
  if (!notes || !box || box.value.trim()) return;
  const piece = await fetchPiece("notes");
  if (piece === null) return;
  const holder = document.createElement("template");
  holder.innerHTML = piece.trim();
  const fresh = holder.content.querySelector("[data-partial-target]");
  const now = document.querySelector("[data-partial-target]");
  const nowBox = now?.querySelector("textarea");
  if (!fresh || !now || nowBox?.value.trim()) return;
  const focused = document.activeElement === nowBox;
  const kind = now.querySelector("[name=kind]")?.value;
  now.replaceWith(fresh);
  landed.length = 0;
  const kindBox = fresh.querySelector("[name=kind]");
  if (kindBox && kind) kindBox.value = kind;
  if (focused) fresh.querySelector("textarea")?.focus();
  showPendingNotes();
}

async function poll() {
  const p = panel();
  if (!p || polling || stopped) return;
  polling = true;
  try {
    const response = await fetchTimed(p.dataset.stateUrl, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      cache: "no-store",
    });
    if (response.status === 401) {
      const body = await response.json().catch(() => null);
      if (body?.signed_out) signedOut(body.error);
    } else if (response.ok && !response.redirected) {
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

// Post a form and get back the piece of the page named `partial`, or null when the server
// sent the browser on (a redirect is followed). 400 and 409 carry the reason in the piece;
// anything else throws (Offline when no answer came), so the caller can fall back.
class Offline extends Error {}

async function postForPiece(form, partial) {
  let response;
  try {
    response = await fetchTimed(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { [PARTIAL_HEADER]: partial },
      credentials: "same-origin",
    });
  } catch {
    throw new Offline("no answer");
  }
  if (response.redirected) {
    window.location.assign(response.url);
    return null;
  }
  if (!response.ok && response.status !== 400 && response.status !== 409) {
    throw new Error(`HTTP ${response.status}`);
  }
  return response.text();
}

// Start goes at once when it can; with no network it is kept, at the moment it was pressed.
async function startOrKeep(form) {
  const pressed = serverNow();
  const keep = () => {
    actHere(enqueue(form.dataset.queueOffline, {}, "Start", pressed));
    showKept();
    sync();
  };
  if (navigator.onLine === false) {
    keep();
    return;
  }
  try {
    await sendAction(form);
  } catch (error) {
    if (error instanceof Offline) keep();
    else form.submit();
  }
}

function queueNote(form) {
  const box = form.querySelector("textarea[name=text]");
  const text = box?.value.trim() ?? "";
  if (!text) {
    box?.focus();
    return;
  }
  const kind = form.querySelector("[name=kind]")?.value || "insight";
  enqueue("note", { text, note_kind: kind }, "A note");
  box.value = "";
  showKept();
  box.focus();
  sync();
}

function queueOutcome(form) {
  const kind = form.dataset.queue;
  const data = new FormData(form);
  const fields = {};
  let label = form.querySelector("button[type=submit]")?.textContent.trim() || kind;
  if (kind === "extend") {
    fields.who = String(data.get("who"));
    fields.minutes = Number(data.get("minutes"));
  } else if (kind === "felt") {
    const minutes = Number(data.get("minutes"));
    if (!Number.isInteger(minutes) || minutes < 1) {
      form.reportValidity();
      return;
    }
    fields.minutes = minutes;
    label = `It felt like ${minutes} minute${minutes === 1 ? "" : "s"}`;
  }
  const action = enqueue(kind, fields, label);
  actHere(action);
  showKept();
  sync();
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  if (form.hasAttribute("data-capture-form")) {
    event.preventDefault();
    dirty = true;
    saveCapture();
    return;
  }
  if (form.hasAttribute("data-quick-notes")) {
    event.preventDefault();
    queueNote(form);
    return;
  }
  if (form.dataset.queue) {
    event.preventDefault();
    queueOutcome(form);
    return;
  }
  if (form.dataset.queueOffline) {
    event.preventDefault();
    startOrKeep(form);
    return;
  }
  if (!form.hasAttribute("data-live-action")) return;
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
    sync();
  }
  updateWakeLock();
});

// The browser may say it is online a moment before a request gets through: try again shortly.
const RETRY_ONLINE_MS = 1000;
window.addEventListener("online", () => {
  sync();
  setTimeout(sync, RETRY_ONLINE_MS);
});
// Another tab of this chat changed the queue: show what it holds.
window.addEventListener("storage", (event) => {
  if (event.key?.endsWith(`:${code}`)) {
    reload();
    showKept();
  }
});

// What was kept from an earlier visit acts on this page again, then goes.
for (const action of queue) {
  if (OUTCOMES.includes(action.kind)) actHere(action);
  if (action.kind === "capture") queueKinds.set(action.id, "capture");
}
tick();
updateWakeLock();
enhanceCapture();
showKept();
sync();
setInterval(tick, 1000);
setInterval(poll, POLL_MS);
setInterval(sync, SYNC_EVERY_MS);
