// The feed address box: select it all on focus, and a Copy button where the clipboard works.
// Without JavaScript the address is still there to select and copy by hand.
const source = document.querySelector("[data-copy-source]");
const button = document.querySelector("[data-copy-button]");

if (source) {
  source.addEventListener("focus", () => source.select());
}
if (source && button && navigator.clipboard) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(source.value);
      button.textContent = "Copied";
    } catch {
      source.focus();
      button.textContent = "Press Ctrl+C to copy";
    }
  });
}
