// Progressive enhancement for the notes section: post a note without reloading the page.
// Without this script the form posts normally and the server redirects back to the page.
// The server answers a request carrying the header below with just the notes section.
const PARTIAL_HEADER = "X-Coffeechat-Partial";

async function sendNote(form) {
  const section = form.closest("[data-partial-target]");
  const button = form.querySelector("button[type=submit]");
  if (button) button.disabled = true;
  const response = await fetch(form.action, {
    method: "POST",
    body: new FormData(form),
    headers: { [PARTIAL_HEADER]: form.dataset.partial },
    credentials: "same-origin",
  });
  // A redirect means the session ended (sign-in page) or something unexpected: follow it fully.
  if (response.redirected) {
    window.location.assign(response.url);
    return;
  }
  // 400 carries the section with the form's problems; anything else is handled by a real post.
  if (!response.ok && response.status !== 400) throw new Error(`HTTP ${response.status}`);
  const holder = document.createElement("template");
  holder.innerHTML = (await response.text()).trim();
  const replacement = holder.content.querySelector("[data-partial-target]");
  if (!replacement) throw new Error("no notes section in the answer");
  section.replaceWith(replacement);
  const focus = replacement.querySelector("[aria-invalid=true]") || replacement.querySelector("textarea");
  if (focus) focus.focus();
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.partial) return;
  if (!form.closest("[data-partial-target]")) return;
  event.preventDefault();
  sendNote(form).catch(() => {
    // Fall back to the plain form post, which always works.
    form.submit();
  });
});
