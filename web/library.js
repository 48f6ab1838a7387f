// The library: every article with its source, date, words and annotations, searched, filtered, sorted and paged
// by the API. Its state lives in the address (?q=&tag=&color=&author=&has=&sort=&offset=), so reload and Back
// keep it.

import { api } from "./api.js";
import { el, replace, count, formatDate } from "./dom.js";
import { colors } from "./vocabulary.js";
import { exportLinks, updateExportLinks } from "./exports.js";

const pageSize = 50;
const filterNames = ["q", "tag", "color", "author", "has", "sort", "offset"];

/** The library's state from an address's query. */
export function libraryState(search) {
  const params = new URLSearchParams(search);
  const state = {};
  for (const name of filterNames) state[name] = params.get(name) ?? "";
  return state;
}

function queryString(state) {
  const params = new URLSearchParams();
  for (const name of filterNames) if (state[name]) params.set(name, state[name]);
  const string = params.toString();
  return string ? "?" + string : "";
}

export class LibraryView {
  constructor(main, search, navigate) {
    this.main = main;
    this.state = libraryState(search);
    this.navigate = navigate;
    this.current = -1;
    this.loading = null;
    this.stale = false;
  }

  async load() {
    document.title = "Library · newsdb";
    const [tags, authors] = await Promise.all([api.tags(), api.authors()]);
    this.filters = this.filterBar(tags.tags, authors.authors);
    this.exports = exportLinks("/api/export", this.exportFilter());
    this.filters.append(this.exports);
    this.summary = el("p", { className: "summary", attrs: { "aria-live": "polite" } });
    this.list = el("ol", { className: "library-list" });
    this.pager = el("nav", { className: "pager", attrs: { "aria-label": "Pages" } });
    replace(this.main, el("section", { className: "library" }, this.filters, this.summary, this.list, this.pager));
    await this.fetch();
  }

  async refresh() {
    await this.fetch();
  }

  dispose() {}

  /** Applies a new search from the search box. */
  search(q) {
    this.update({ q, offset: "" });
  }

  update(changes) {
    Object.assign(this.state, changes);
    history.replaceState(null, "", "/" + queryString(this.state));
    updateExportLinks(this.exports, "/api/export", this.exportFilter());
    this.current = -1;
    this.fetch();
  }

  /** The filters an export of the library takes: all but the order and the page. */
  exportFilter() {
    const { q, tag, color, author, has } = this.state;
    return { q, tag, color, author, has };
  }

  /** Asks for the state's page and draws it. One request at a time: asked again meanwhile (a key typed), it asks
   * for the latest state once the answer is back, so that a fast typist neither queues a request per key on the
   * server nor waits for answers nobody will see. */
  async fetch() {
    if (this.loading) {
      this.stale = true;
      return this.loading;
    }
    this.stale = false;
    this.loading = this.fetchOnce();
    try {
      await this.loading;
    } finally {
      this.loading = null;
    }
    if (this.stale) await this.fetch();
  }

  async fetchOnce() {
    const offset = Number(this.state.offset) || 0;
    let result;
    try {
      result = await api.articles({
        q: this.state.q, tag: this.state.tag, color: this.state.color, author: this.state.author,
        has: this.state.has, sort: this.state.sort, limit: pageSize, offset,
      });
    } catch (error) {
      // A query still being typed (an open quote) is refused: say why and keep the list shown.
      if (!this.stale) replace(this.summary, el("span", { className: "error", textContent: error.message }));
      return;
    }
    if (!this.stale) this.draw(result, offset); // else a newer state is asked for next
  }

  draw({ total, articles }, offset) {
    const filtered = filterNames.some((name) => name !== "offset" && name !== "sort" && this.state[name]);
    replace(this.summary,
      total === 0
        ? (filtered ? "No article matches." : "No articles yet: import some with `newsdb import PATH`.")
        : `${articles.length ? `${offset + 1}–${offset + articles.length} of ` : ""}${count(total, "article")}`);
    replace(this.list, articles.map((article) => this.row(article)));
    const previous = offset > 0;
    const next = offset + articles.length < total;
    replace(this.pager,
      previous ? el("button", { type: "button", textContent: "← Previous", on: { click: () => this.update({ offset: String(Math.max(0, offset - pageSize)) }) } }) : null,
      next ? el("button", { type: "button", textContent: "Next →", on: { click: () => this.update({ offset: String(offset + pageSize) }) } }) : null);
    this.markCurrent(false);
    // A User Timing mark naming the query drawn (read by the benchmark: a search typed to its answer drawn).
    performance.mark("newsdb:library-drawn", { detail: { q: this.state.q } });
  }

  row(article) {
    const href = `/articles/${encodeURIComponent(article.id)}`;
    const meta = [];
    if (article.source) meta.push(el("span", { className: "source", textContent: article.source }));
    const date = this.state.sort === "published" ? article.published : article.published ?? article.imported;
    if (date) meta.push(el("time", { dateTime: date, textContent: formatDate(date) }));
    meta.push(el("span", { textContent: count(article.words, "word") }));
    if (article.annotationCount > 0) {
      meta.push(el("span", { className: "annotation-count" },
        count(article.annotationCount, "annotation"),
        article.authors.length ? ` by ${article.authors.join(", ")}` : ""));
    }
    const metaLine = el("p", { className: "meta" });
    meta.forEach((part, i) => metaLine.append(...(i ? [" · ", part] : [part])));
    return el("li", { className: "library-item", dataset: { id: article.id } },
      el("a", { className: "library-title", href, dataset: { link: "" }, textContent: article.title }),
      article.byline ? el("p", { className: "byline", textContent: article.byline }) : null,
      metaLine,
      article.snippet ? el("p", { className: "snippet" }, snippetNodes(article.snippet)) : null);
  }

  filterBar(tags, authors) {
    const select = (name, label, options) => el("label", {},
      el("span", { className: "filter-label", textContent: label }),
      el("select", { name, on: { change: (event) => this.update({ [name]: event.target.value, offset: "" }) } },
        options.map(([value, text]) => el("option", { value, textContent: text, selected: this.state[name] === value }))));
    return el("form", { className: "filters", on: { submit: (event) => event.preventDefault() } },
      select("tag", "Tag", [["", "any"], ...tags.map(({ tag, count: n }) => [tag, `${tag} (${n})`])]),
      select("color", "Color", [["", "any"], ...colors.map((c) => [c, c])]),
      select("author", "Author", [["", "anyone"], ...authors.map((a) => [a, a])]),
      select("has", "Showing", [["", "all articles"], ["annotations", "with annotations"], ["orphans", "with orphans"]]),
      select("sort", "Sorted by", [["", "best match, else imported"], ["imported", "imported"], ["published", "published"]]));
  }

  markCurrent(scroll) {
    const rows = this.list.children;
    for (const row of this.list.querySelectorAll(".current")) row.classList.remove("current");
    const row = rows[this.current];
    if (!row) return;
    row.classList.add("current");
    if (!scroll) return; // a redraw must not take the focus from the search box
    row.scrollIntoView({ block: "nearest", behavior: "instant" });
    row.querySelector("a").focus({ preventScroll: true });
  }

  onKey(event) {
    const rows = this.list?.children.length ?? 0;
    if (event.key === "j" && rows) {
      this.current = Math.min(rows - 1, this.current + 1);
    } else if (event.key === "k" && rows) {
      this.current = Math.max(0, this.current - 1);
    } else {
      return false;
    }
    this.markCurrent(true);
    return true;
  }
}

const entities = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", "#39": "'", "#x27": "'" };

/** Decodes the entities the API escapes with; any other text is taken as it is. */
function unescape(text) {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name) => {
    const lower = name.toLowerCase();
    if (lower in entities) return entities[lower];
    const code = lower.startsWith("#x") ? parseInt(lower.slice(2), 16) : lower.startsWith("#") ? parseInt(lower.slice(1), 10) : NaN;
    return code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** A snippet as nodes: its <mark> and </mark> become <mark> elements; everything else is text. */
export function snippetNodes(snippet) {
  const nodes = [];
  let mark = null;
  for (const part of snippet.split(/(<mark>|<\/mark>)/)) {
    if (part === "<mark>") mark = el("mark");
    else if (part === "</mark>") {
      if (mark) nodes.push(mark);
      mark = null;
    } else if (part) {
      const text = document.createTextNode(unescape(part));
      if (mark) mark.append(text);
      else nodes.push(text);
    }
  }
  if (mark) nodes.push(mark);
  return nodes;
}
