// Live spoken-length estimate for the pitch boxes on the library page.
// The server computes the real estimate on save (core/pitch.py); this mirrors its word count so
// the number moves as you type. The rate and limit come from data- attributes the server renders.
const PIECES = /[\s\-\u2010-\u2015/]+/u;
const LETTER = /\p{L}/u;
const DIGIT = /\d/gu;

function spokenWords(piece) {
  if (LETTER.test(piece)) return 1;
  const digits = (piece.match(DIGIT) || []).length;
  if (!digits) return 0;
  return Math.ceil(digits / 2) + (piece.includes("%") ? 1 : 0);
}

function countWords(text) {
  return text.split(PIECES).filter(Boolean).reduce((sum, piece) => sum + spokenWords(piece), 0);
}

function update(box) {
  const textarea = box.querySelector("textarea");
  const estimate = box.querySelector("[data-pitch-estimate]");
  const warning = box.querySelector("[data-pitch-warning]");
  const rate = Number(box.dataset.wordsPerMinute);
  const limit = Number(box.dataset.limitSeconds || 0);
  if (!textarea || !estimate || !rate) return;
  const words = countWords(textarea.value);
  const seconds = Math.ceil((words * 60) / rate);
  estimate.textContent = `${words} word${words === 1 ? "" : "s"}, about ${seconds} second${seconds === 1 ? "" : "s"} at ${rate} words a minute`;
  if (!warning) return;
  const cut = words - Math.floor((limit * rate) / 60);
  if (limit && cut > 0) {
    warning.textContent = `About ${seconds} seconds: over ${limit}. Cut about ${cut} word${cut === 1 ? "" : "s"} to fit.`;
    warning.hidden = false;
  } else {
    warning.hidden = true;
  }
}

for (const box of document.querySelectorAll("[data-pitch]")) {
  box.addEventListener("input", () => update(box));
}
