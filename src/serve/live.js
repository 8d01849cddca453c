(() => {
  let version = window.__unionpressVersion;
  let box = null;
  const show = (errors) => {
    if (!box) {
      box = document.createElement("div");
      box.id = "unionpress-errors";
      box.setAttribute("role", "alert");
      box.style.cssText =
        "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
        "background:rgba(20,0,0,.92);color:#fff;font:15px/1.5 ui-monospace,monospace;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "";
    const title = document.createElement("strong");
    title.textContent = errors.length + (errors.length === 1 ? " error" : " errors") +
      " — the last good version of the site is still served\n\n";
    box.appendChild(title);
    for (const e of errors) {
      const row = document.createElement("div");
      row.className = "unionpress-error";
      row.textContent = e.path + (e.line ? ":" + e.line + (e.column ? ":" + e.column : "") : "") +
        ": " + e.message;
      box.appendChild(row);
    }
  };
  const swapStyles = () => {
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href);
      url.searchParams.set("unionpress", Date.now());
      link.href = url.href;
    }
  };
  const events = new EventSource("/_unionpress/events");
  events.addEventListener("hello", (e) => {
    const state = JSON.parse(e.data);
    if (state.errors.length) show(state.errors);
    else if (state.version !== version) location.reload();
  });
  events.addEventListener("errors", (e) => show(JSON.parse(e.data).errors));
  events.addEventListener("reload", (e) => {
    const change = JSON.parse(e.data);
    if (change.css_only && !box) {
      version = change.version;
      swapStyles();
    } else {
      location.reload();
    }
  });
})();
