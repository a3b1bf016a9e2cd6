// The outreach composer: re-check the request with the linter a moment after typing stops.
// The server does the checking (the same rules as the Check button) and sends back just the
// results; nothing is saved. Without this script, the Check button does the same on demand.

const form = document.querySelector("[data-outreach-composer]");
const PAUSE_MS = 700;

if (form) {
  let timer = 0;
  let latest = 0;
  const check = async () => {
    const asked = ++latest;
    const data = new FormData(form);
    data.set("action", "check");
    try {
      // Not form.action: the buttons named "action" shadow that property.
      const response = await fetch(form.getAttribute("action") || window.location.href, {
        method: "POST",
        body: data,
        headers: { "X-Coffeechat-Partial": "check" },
        credentials: "same-origin",
      });
      // A slower, older answer must not replace a newer one.
      if (!response.ok || asked !== latest) return;
      const current = form.querySelector("[data-check]");
      if (!current) return;
      const holder = document.createElement("div");
      holder.innerHTML = await response.text();
      const fresh = holder.querySelector("[data-check]");
      if (fresh) current.replaceWith(fresh);
    } catch {
      // Offline or the server is away: the Check button still works once it is back.
    }
  };
  for (const name of ["body", "connection"]) {
    const field = form.elements.namedItem(name);
    if (!field) continue;
    field.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(check, PAUSE_MS);
    });
  }
}
