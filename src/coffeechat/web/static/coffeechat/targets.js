// Bulk-adding targets: the button says how many are ticked, and "tick all" saves clicks on a
// long list. Without this script the form works the same, with a general button label.
const form = document.querySelector("[data-target-bulk]");

if (form) {
  const boxes = [...form.querySelectorAll('input[name="organisations"]')];
  const button = form.querySelector("[data-count-label]");
  const tickers = form.querySelector(".target-bulk__all");

  const update = () => {
    const ticked = boxes.filter((box) => box.checked).length;
    button.textContent = ticked === 0
      ? "Add the ticked ones as targets"
      : `Add ${ticked} as target${ticked === 1 ? "" : "s"}`;
  };

  form.addEventListener("change", update);
  tickers.hidden = false;
  tickers.addEventListener("click", (event) => {
    const choice = event.target.closest("[data-tick]");
    if (!choice) return;
    for (const box of boxes) box.checked = choice.dataset.tick === "all";
    update();
  });
  update();
}
