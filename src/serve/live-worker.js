// The dev server's shared worker: one event stream for every open page of
// the preview in this browser, its events passed on to each page. A page
// that connects late is told the state at once (as the stream's `hello`).
const ports = new Set();
let state = null;
const post = (type, data) => {
  for (const port of ports) port.postMessage({ type, data });
};
const events = new EventSource("/_unionpress/events");
events.addEventListener("hello", (e) => {
  state = JSON.parse(e.data);
  post("hello", state);
});
events.addEventListener("errors", (e) => {
  const data = JSON.parse(e.data);
  state = { version: state ? state.version : data.version, errors: data.errors, words: data.words };
  post("errors", data);
});
events.addEventListener("reload", (e) => {
  const data = JSON.parse(e.data);
  state = { version: data.version, errors: [] };
  post("reload", data);
});
onconnect = (e) => {
  const port = e.ports[0];
  ports.add(port);
  port.onmessage = (m) => {
    if (m.data === "bye") ports.delete(port);
  };
  if (state) port.postMessage({ type: "hello", data: state });
  port.start();
};
