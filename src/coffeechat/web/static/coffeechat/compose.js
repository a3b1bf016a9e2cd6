// The message composer: what you send is what you see. Copy puts the box's current text on the
// clipboard; the mail program link is rebuilt from the boxes as you type; both save the text
// alongside. The .eml button needs no script: it posts the form and downloads what was posted.
// Without this script every way out is a button of the form: the server saves, then delivers.

const PARTIAL_HEADER = "X-Coffeechat-Partial";
const field = (id) => document.getElementById(id);

// Save the boxes as they stand; the server answers with just a note (the "saved" piece).
async function save(form, action) {
  const data = new FormData(form);
  data.set("action", action);
  try {
    // Not form.action: the buttons named "action" shadow that property.
    const response = await fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: data,
      headers: { [PARTIAL_HEADER]: "saved" },
      credentials: "same-origin",
    });
    if (response.redirected || !response.ok) return "Not saved: press Save draft to see why.";
    const holder = document.createElement("template");
    holder.innerHTML = (await response.text()).trim();
    const note = holder.content.querySelector("[data-saved]");
    return note ? note.textContent : "";
  } catch {
    return "Not saved: the server could not be reached. Press Save draft when it is back.";
  }
}

const say = (button, text) => {
  const status = button.closest(".delivery__way")?.querySelector("[data-status]");
  if (status) status.textContent = text;
};

for (const button of document.querySelectorAll("[data-copy]")) {
  const source = field(button.dataset.copy);
  if (!source || !button.form) continue;
  button.addEventListener("click", async (event) => {
    event.preventDefault();
    let copied;
    try {
      await navigator.clipboard.writeText(source.value);
      copied = "Copied.";
    } catch {
      // No clipboard permission (an insecure origin, an old browser): select it for Ctrl+C.
      source.focus();
      source.select();
      copied = "Selected: press Ctrl+C (or ⌘C) to copy.";
    }
    say(button, copied);
    say(button, `${copied} ${await save(button.form, "copy")}`.trim());
  });
}

// RFC 6068, encoded as the server encodes it (core/compose.mailto_query: Python's quote with
// nothing safe): line breaks travel as CRLF and every character but letters, digits and -._~ is
// percent-encoded. One rule written twice: tests/browser/test_same_rule_twice.py runs
// mailtoQuery here and the Python function over the same awkward text and compares them.
const encode = (text) =>
  encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

// Exported for that test; the page itself only runs this file as a script.
export function mailtoQuery(subjectText, bodyText) {
  const text = bodyText.replace(/\r\n|\r/g, "\n").replace(/\n/g, "\r\n");
  return `subject=${encode(subjectText)}&body=${encode(text)}`;
}

const subject = field("id_subject");
const body = field("id_body");
for (const link of document.querySelectorAll("[data-mailto]")) {
  const button = link.parentElement.querySelector("[data-mailto-button]");
  const form = button ? button.form : link.closest("form");
  if (!subject || !body || !form) break;
  // The address comes from the server's link, so the rule for a usable one lives there alone.
  const to = link.getAttribute("href").split("?", 1)[0];
  const update = () => {
    link.href = `${to}?${mailtoQuery(subject.value, body.value)}`;
  };
  subject.addEventListener("input", update);
  body.addEventListener("input", update);
  // At once too: a browser may restore edited boxes when you come back to the page.
  update();
  if (button) button.hidden = true;
  link.hidden = false;
  // The link opens the mail program itself; saving goes along, so a reload shows the same text.
  link.addEventListener("click", async () => {
    const note = await save(form, "mailto");
    say(link, note);
  });
}
