// Live spoken-length estimate for the pitch boxes on the library page.
// The server computes the real estimate on save (core/pitch.py); this is its word count again,
// so the number moves as you type. The two are one rule written twice:
// tests/browser/test_same_rule_twice.py runs countWords here over awkward text (digits and
// spaces of other scripts, combining marks, signs such as "½") and compares it with
// core/pitch.count_words. Every class is spelled out, as there: \s and \d differ between the
// languages. The rate and limit come from data- attributes the server renders.
const PIECES = /[\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\-\u2010-\u2015\/]+/u;
const WORDLIKE = /[\p{L}\p{Nl}\p{No}]/u;
const DIGIT = /\p{Nd}/gu;

function spokenWords(piece) {
  if (WORDLIKE.test(piece)) return 1;
  const digits = (piece.match(DIGIT) || []).length;
  if (!digits) return 0;
  return Math.ceil(digits / 2) + (piece.includes("%") ? 1 : 0);
}

// Exported for the test above; the page itself only runs this file as a script.
export function countWords(text) {
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
    warning.textContent = `About ${seconds} second${seconds === 1 ? "" : "s"}: over ${limit}. Cut about ${cut} word${cut === 1 ? "" : "s"} to fit.`;
    warning.hidden = false;
  } else {
    warning.hidden = true;
  }
}

for (const box of document.querySelectorAll("[data-pitch]")) {
  box.addEventListener("input", () => update(box));
}
