(() => {
  let version = window.__unionpressVersion;
  let box = null;
  // The overlay speaks the page's language: the server sends each message,
  // and the overlay's title, in every language it has.
  const lang = (document.documentElement.lang || "en").toLowerCase().startsWith("zh") ? "zh" : "en";
  const say = (texts, fallback) => (texts && (texts[lang] || texts.en)) || fallback;
  const show = (errors, words) => {
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
    const english = errors.length + (errors.length === 1 ? " error" : " errors") +
      " — the last good version of the site is still served";
    const heading = words && (errors.length === 1 ? words.one : words.many);
    title.textContent = say(heading, english).replace("{count}", errors.length) + "\n\n";
    box.appendChild(title);
    for (const e of errors) {
      const row = document.createElement("div");
      row.className = "unionpress-error";
      row.textContent = e.path + (e.line ? ":" + e.line + (e.column ? ":" + e.column : "") : "") +
        ": " + say(e.messages, e.message);
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
  const handle = (type, data) => {
    // For tests and tools: every event this page is told, as a DOM event.
    dispatchEvent(new CustomEvent("unionpress-live", { detail: { type, data } }));
    if (type === "hello") {
      if (data.errors.length) show(data.errors, data.words);
      else if (data.version !== version) location.reload();
    } else if (type === "errors") {
      show(data.errors, data.words);
    } else if (type === "reload") {
      if (data.css_only && !box) {
        version = data.version;
        swapStyles();
      } else {
        location.reload();
      }
    }
  };
  const stream = (on) => {
    const events = new EventSource("/_unionpress/events");
    for (const type of ["hello", "errors", "reload"]) {
      events.addEventListener(type, (e) => on(type, JSON.parse(e.data)));
    }
  };
  // One event stream for all open pages of the preview: browsers allow
  // about six connections to a host, and a stream per tab would hang the
  // seventh. A shared worker holds it; else the page holding a lock holds
  // it and tells the others on a broadcast channel; else each page has its own.
  if (typeof SharedWorker === "function") {
    try {
      const worker = new SharedWorker("/_unionpress/live-worker.js", { name: "unionpress-live" });
      worker.port.onmessage = (m) => handle(m.data.type, m.data.data);
      worker.port.start();
      addEventListener("pagehide", () => worker.port.postMessage("bye"));
      // A page back from the browser's cache said goodbye: load it afresh.
      addEventListener("pageshow", (e) => e.persisted && location.reload());
      return;
    } catch (e) {
      // Fall through: a browser that refuses workers here.
    }
  }
  if (typeof BroadcastChannel === "function" && navigator.locks) {
    const channel = new BroadcastChannel("unionpress-live");
    let leading = false;
    let state = null;
    let heard = false;
    channel.onmessage = (m) => {
      if (m.data.type === "ask") {
        if (leading && state) channel.postMessage({ type: "hello", data: state });
      } else if (!leading) {
        heard ||= m.data.type === "hello";
        handle(m.data.type, m.data.data);
      }
    };
    // Asked again until a leader answers: an ask that reached only a
    // leading page already reloading is lost with it.
    const ask = () => {
      if (heard || leading) return;
      channel.postMessage({ type: "ask" });
      setTimeout(ask, 1000);
    };
    ask();
    navigator.locks.request("unionpress-live", () => new Promise(() => {
      leading = true;
      stream((type, data) => {
        if (type === "hello") state = data;
        else if (type === "errors") state = { version: state ? state.version : 0, errors: data.errors, words: data.words };
        else state = { version: data.version, errors: [] };
        channel.postMessage({ type, data });
        handle(type, data);
      });
    }));
    return;
  }
  stream(handle);
})();
