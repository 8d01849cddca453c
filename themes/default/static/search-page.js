// The search page of the default theme: reads ?q=, asks the site's search
// engine (/search/search.js, given in data-engine) and shows every result,
// ten at a time, with their excerpts. Results follow the typing after a
// short pause, and the address keeps the query so reload and back work.
const results = document.getElementById("search-results");
const status = document.getElementById("search-status");
const input = document.getElementById("search-q");
const form = input.form;
const strings = JSON.parse(results.dataset.strings);
const lang = results.dataset.lang;
const locale = document.documentElement.lang;
const engine = import(results.dataset.engine);
const PAGE = 10;
const PAUSE_MS = 250;

let asked = 0; // the newest query; older answers are dropped
let timer;

function say(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, k) => values[k] ?? "");
}

// A date as the theme writes it (its i18n `date_format` and `months`).
function formatDate(iso) {
  const day = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso ?? "");
  if (!day) return iso ?? "";
  const [year, month, date] = [day[1], Number(day[2]), Number(day[3])];
  return (strings.date_format ?? "{year}-{month:02}-{day:02}")
    .replace("{year}", year)
    .replace("{month:02}", day[2])
    .replace("{day:02}", day[3])
    .replace("{month_name}", strings.months?.[month - 1] ?? "")
    .replace("{month}", month)
    .replace("{day}", date);
}

function item(data) {
  const li = document.createElement("li");
  const h = document.createElement("h2");
  const a = document.createElement("a");
  a.href = data.url;
  a.textContent = data.title;
  h.append(a);
  const meta = document.createElement("p");
  meta.className = "meta";
  const time = document.createElement("time");
  time.dateTime = data.date;
  time.textContent = formatDate(data.date);
  meta.append(time);
  if (data.section) meta.append(` · ${data.section}`);
  const excerpt = document.createElement("p");
  excerpt.className = "excerpt";
  excerpt.innerHTML = data.excerpt; // escaped by the engine, with <mark>s
  li.append(h, meta, excerpt);
  return li;
}

async function show(list, found, from, query) {
  const shown = await Promise.all(found.slice(from, from + PAGE).map((r) => r.data()));
  if (query !== asked) return;
  list.append(...shown.map(item));
  const rest = found.length - from - shown.length;
  results.querySelector(".search-more")?.remove();
  if (rest > 0) {
    const more = document.createElement("button");
    more.type = "button";
    more.className = "search-more";
    more.textContent = strings.search_more;
    more.addEventListener("click", async () => {
      more.disabled = true;
      const first = list.children.length;
      await show(list, found, from + PAGE, query);
      list.children[first]?.querySelector("a")?.focus();
    });
    results.append(more);
  }
}

async function run(q) {
  const query = ++asked;
  clearTimeout(timer);
  const text = q.trim();
  const address = new URL(location.href);
  if (text) address.searchParams.set("q", text);
  else address.searchParams.delete("q");
  history.replaceState(null, "", address);
  if (!text) {
    results.replaceChildren();
    status.textContent = "";
    results.setAttribute("aria-busy", "false");
    return;
  }
  results.setAttribute("aria-busy", "true");
  status.textContent = strings.search_searching;
  try {
    const { search } = await engine;
    const { results: found } = await search(text, { lang });
    if (query !== asked) return;
    const list = document.createElement("ol");
    list.className = "search-results";
    results.replaceChildren();
    if (found.length === 0) {
      const none = document.createElement("p");
      none.className = "search-none";
      none.textContent = say(strings.search_none, { query: text });
      results.append(none);
    } else {
      results.append(list);
      await show(list, found, 0, query);
    }
    if (query !== asked) return;
    status.textContent = found.length === 1
      ? strings.search_count_one
      : say(strings.search_count, { count: found.length.toLocaleString(locale) });
  } catch (e) {
    if (query !== asked) return;
    console.error(e);
    results.replaceChildren();
    status.textContent = strings.search_error;
  }
  results.setAttribute("aria-busy", "false");
}

input.value = new URLSearchParams(location.search).get("q") ?? "";
input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => run(input.value), PAUSE_MS);
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  run(input.value);
});
run(input.value);
