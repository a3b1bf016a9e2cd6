// The message composer: copy the message to the clipboard, and keep the mailto: link in step
// with what is typed. Without this script the page still works: the text can be selected and
// copied by hand, and the link carries the saved draft.

const field = (id) => document.getElementById(id);

for (const button of document.querySelectorAll("[data-copy]")) {
  const source = field(button.dataset.copy);
  const status = button.parentElement.querySelector("[data-copy-status]");
  if (!source) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(source.value);
      if (status) status.textContent = "Copied. Paste it into your message.";
    } catch {
      // No clipboard permission (an insecure origin, an old browser): select it for Ctrl+C.
      source.focus();
      source.select();
      if (status) status.textContent = "Selected: press Ctrl+C (or ⌘C) to copy.";
    }
  });
}

const subject = field("id_subject");
const body = field("id_body");
for (const link of document.querySelectorAll("[data-mailto-to]")) {
  if (!subject || !body) break;
  const update = () => {
    // RFC 6068: line breaks travel as CRLF, everything reserved is percent-encoded.
    const text = body.value.replace(/\r\n|\r|\n/g, "\r\n");
    link.href =
      `mailto:${encodeURIComponent(link.dataset.mailtoTo).replace("%40", "@")}` +
      `?subject=${encodeURIComponent(subject.value)}&body=${encodeURIComponent(text)}`;
  };
  subject.addEventListener("input", update);
  body.addEventListener("input", update);
}
