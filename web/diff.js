// What changed between two revisions of an article: the text word by word with insertions and deletions marked,
// and beside it each change with the annotations it touched (moved, fuzzy, orphaned).

import { api } from "./api.js";
import { el, formatDate, replace } from "./dom.js";

export class DiffView {
  constructor(main, id, search, navigate) {
    this.main = main;
    this.id = id;
    const params = new URLSearchParams(search);
    this.from = params.get("from") ?? undefined;
    this.to = params.get("to") ?? undefined;
    this.navigate = navigate;
    this.current = -1;
  }

  async load() {
    const [article, diff] = await Promise.all([api.article(this.id), api.diff(this.id, this.from, this.to)]);
    this.article = article;
    this.diff = diff;
    this.render();
  }

  async refresh() {
    await this.load();
  }

  dispose() {}

  render() {
    const { article, diff } = this;
    document.title = `What changed: ${article.title} · newsdb`;
    // The headline's and dek's changes come first, as they read; marks and list items share one numbering.
    const parts = [["title", diff.title], ["dek", diff.dek], ["body", diff]].filter(([, part]) => part);
    this.changes = parts.flatMap(([, part]) => part.changes);
    this.marks = [];
    const texts = {};
    let change = -1;
    for (const [name, part] of parts) {
      const text = el(name === "title" ? "h1" : name === "dek" ? "p" : "div", {
        className: name === "title" ? "article-title" : name === "dek" ? "article-dek" : "diff-body article-body",
      });
      let inRun = false;
      for (const segment of part.segments) {
        if (segment.kind === "same") {
          inRun = false;
          text.append(segment.text);
          continue;
        }
        if (!inRun) {
          change += 1;
          inRun = true;
        }
        const mark = el(segment.kind === "inserted" ? "ins" : "del", { textContent: segment.text, dataset: { change: String(change) } });
        (this.marks[change] ??= []).push(mark);
        text.append(mark);
      }
      texts[name] = text;
    }
    const list = el("ol", { className: "annotation-list changes" }, this.changes.map((c, i) => this.changeItem(c, i)));
    const panel = el("aside", { className: "panel", attrs: { "aria-label": "Changes" } },
      el("h2", { className: "panel-heading", textContent: `Changes (${this.changes.length})` }),
      this.changes.length ? list : el("p", { className: "hint", textContent: "The two texts are the same." }));
    const header = el("header", { className: "article-header" },
      el("nav", { className: "crumbs" },
        el("a", { href: `/articles/${encodeURIComponent(article.id)}`, dataset: { link: "" }, textContent: "← The article" }),
        el("span", { className: "diff-pickers" }, this.picker("from", diff.from), " → ", this.picker("to", diff.to))),
      texts.title ?? el("h1", { className: "article-title", textContent: article.title }),
      texts.dek ?? null,
      el("p", { className: "article-meta", textContent: `What changed from revision ${diff.from} to revision ${diff.to}` }));
    replace(this.main, el("div", { className: "reader" }, el("article", { className: "article" }, header, texts.body), panel));
  }

  picker(name, selected) {
    return el("select", {
      name,
      attrs: { "aria-label": name === "from" ? "From revision" : "To revision" },
      on: {
        change: (event) => {
          const query = new URLSearchParams({ from: String(this.diff.from), to: String(this.diff.to), [name]: event.target.value });
          this.navigate(`/articles/${encodeURIComponent(this.article.id)}/diff?${query}`);
        },
      },
    }, [...this.article.revisions].sort((a, b) => a.number - b.number).map((r) => el("option", {
      value: String(r.number),
      selected: r.number === selected,
      textContent: `Revision ${r.number} · ${formatDate(r.imported)}`,
    })));
  }

  changeItem(change, index) {
    const item = el("li", { className: "annotation change", tabIndex: -1, on: { click: () => this.choose(index) } });
    if (change.part !== "body") item.append(el("p", { className: "change-part hint", textContent: change.part === "title" ? "In the headline" : "In the dek" }));
    if (change.deleted) item.append(el("p", {}, el("span", { className: "hint", textContent: "deleted " }), el("del", { textContent: change.deleted })));
    if (change.inserted) item.append(el("p", {}, el("span", { className: "hint", textContent: "inserted " }), el("ins", { textContent: change.inserted })));
    if (change.annotations.length) {
      item.append(el("ul", { className: "touched" }, change.annotations.map((a) => el("li", {},
        el("span", { className: "quote-text", textContent: `“${a.quote}”` }), " ",
        el("span", { className: `state state-${a.state}`, textContent: a.state })))));
    }
    return item;
  }

  choose(index) {
    if (index < 0 || index >= this.changes.length) return;
    this.current = index;
    for (const node of this.main.querySelectorAll(".current")) node.classList.remove("current");
    const item = this.main.querySelectorAll(".changes > li")[index];
    item?.classList.add("current");
    const marks = this.marks[index] ?? [];
    for (const mark of marks) mark.classList.add("current");
    marks[0]?.scrollIntoView({ block: "center", behavior: "instant" });
    item?.scrollIntoView({ block: "nearest", behavior: "instant" });
  }

  onKey(event) {
    if (event.key === "j") this.choose(Math.min(this.changes.length - 1, this.current + 1));
    else if (event.key === "k") this.choose(Math.max(0, this.current - 1));
    else return false;
    return true;
  }
}
