// The article view: header, body with highlights, side panel, revision picker, and annotating the selection.

import { api } from "./api.js";
import { el, formatDate, replace, count } from "./dom.js";
import { openEditor, editorIsOpen } from "./editor.js";
import { drawBody, drawLine } from "./highlighter.js";
import { ScalarIndex, selectorFor } from "./offsets.js";
import { drawPanel } from "./panel.js";
import { SelectionToolbar, selectedPart } from "./selection.js";
import { exportLinks } from "./exports.js";
import { toast } from "./toast.js";
import { colors, defaultColor, rememberColor } from "./vocabulary.js";

export class ArticleView {
  constructor(main, id, revision, navigate) {
    this.main = main;
    this.id = id;
    this.revision = revision;
    this.navigate = navigate;
    this.data = null;
    this.current = -1; // index into the annotations, then the orphans, chosen with j/k or a click
    this.pendingRefresh = false;
    this.lastDeleted = null;
    this.toolbar = new SelectionToolbar((action, color) => this.toolbarAction(action, color));
    this.dragging = false;
    this.onSelectionEnd = () => setTimeout(() => this.updateToolbar(), 0);
    this.onPointerUp = () => {
      if (!this.dragging) return;
      this.dragging = false;
      this.onSelectionEnd();
    };
    document.addEventListener("pointerup", this.onPointerUp);
    // A selection made with the keyboard (Shift and the arrows) shows the toolbar once it rests; one made with
    // the mouse, when the button is let go.
    this.selectionTimer = null;
    this.onSelectionChange = () => {
      if (this.dragging) return;
      clearTimeout(this.selectionTimer);
      this.selectionTimer = setTimeout(() => this.updateToolbar(), 150);
    };
    document.addEventListener("selectionchange", this.onSelectionChange);
  }

  /** Loads the article and draws it. */
  async load() {
    this.data = await api.article(this.id, this.revision);
    this.render();
  }

  /** Reloads what is shown (the database changed), keeping the scroll position and the chosen annotation. */
  async refresh() {
    if (this.busy()) {
      this.pendingRefresh = true;
      return;
    }
    const data = await api.article(this.id, this.revision);
    // Redrawing would drop a selection being made meanwhile; an unchanged article needs no redrawing.
    if (this.busy()) {
      this.pendingRefresh = true;
      return;
    }
    if (JSON.stringify(data) === JSON.stringify(this.data)) return;
    const chosen = this.chosen()?.id;
    const scroll = window.scrollY;
    this.data = data;
    this.render();
    const all = this.all();
    this.current = chosen ? all.findIndex((a) => a.id === chosen) : -1;
    this.markCurrent(false);
    window.scrollTo(0, scroll);
  }

  /** Whether the reader is selecting or editing, when the body must not be redrawn under them. */
  busy() {
    return editorIsOpen() || this.toolbar.visible || this.dragging;
  }

  dispose() {
    document.removeEventListener("selectionchange", this.onSelectionChange);
    document.removeEventListener("pointerup", this.onPointerUp);
    clearTimeout(this.selectionTimer);
    this.toolbar.dispose();
  }

  get latest() {
    const numbers = this.data.revisions.map((r) => r.number);
    return this.data.revision === Math.max(...numbers, this.data.revision);
  }

  all() {
    return [...this.data.annotations, ...this.data.orphans];
  }

  chosen() {
    return this.current >= 0 ? this.all()[this.current] : undefined;
  }

  render() {
    const data = this.data;
    document.title = `${data.title} · newsdb`;
    // The headline, the dek and the body are each a text of their own: an annotation's offsets count in its part's.
    const texts = { title: data.title, dek: data.dek ?? "", body: data.body };
    this.indexes = Object.fromEntries(Object.entries(texts).map(([part, text]) => [part, new ScalarIndex(text)]));
    const highlights = (part) => data.annotations
      .filter((a) => a.part === part && a.state !== "orphan" && Number.isInteger(a.start) && Number.isInteger(a.end))
      .map((a) => ({
        id: a.id, color: a.color, start16: this.indexes[part].toUTF16(a.start), end16: this.indexes[part].toUTF16(a.end),
      }));
    const drag = { pointerdown: () => (this.dragging = true) };
    const body = el("div", { className: "article-body", on: drag });
    if (data.lang) body.lang = data.lang;
    if (data.dir) body.dir = data.dir;
    const title = el("h1", { className: "article-title", on: drag });
    const dek = data.dek ? el("p", { className: "article-dek", on: drag }) : null;
    this.parts = [
      { part: "title", text: texts.title, layout: drawLine(title, texts.title, highlights("title")) },
      ...(dek ? [{ part: "dek", text: texts.dek, layout: drawLine(dek, texts.dek, highlights("dek")) }] : []),
      { part: "body", text: texts.body, layout: drawBody(body, data.body, highlights("body")) },
    ];

    const panel = el("aside", { className: "panel", attrs: { "aria-label": "Annotations" } });
    this.items = drawPanel(panel, { annotations: data.annotations, orphans: data.orphans, editable: this.latest }, {
      select: (a) => this.choose(this.all().findIndex((x) => x.id === a.id)),
      edit: (a) => this.edit(a),
      remove: (a) => this.remove(a),
      resolve: (a, field, keep) => this.resolve(a, field, keep),
    });

    const article = el("article", { className: "article" }, this.header(title, dek), this.revisionNotice(), body);
    article.addEventListener("click", (event) => {
      const segment = event.target.closest(".hl");
      if (!segment || !document.getSelection().isCollapsed) return;
      const ids = segment.dataset.ids.split(" ");
      this.choose(this.all().findIndex((a) => a.id === ids[0]), { scrollBody: false });
    });
    if (data.lang) article.lang = data.lang;
    replace(this.main, el("div", { className: "reader" }, article, panel));
  }

  /** The header around the drawn headline (`title`) and dek. */
  header(title, dek) {
    const data = this.data;
    const meta = el("p", { className: "article-meta" });
    const parts = [];
    if (data.source) parts.push(el("span", { className: "source", textContent: data.source }));
    if (data.published) parts.push(el("time", { dateTime: data.published, textContent: formatDate(data.published) }));
    parts.push(el("span", { textContent: count(data.words ?? wordCount(data.body), "word") }));
    if (data.url) {
      parts.push(el("a", { className: "original", href: safeURL(data.url), rel: "noopener noreferrer", target: "_blank", textContent: "Original ↗" }));
    }
    parts.push(exportLinks(`/api/articles/${encodeURIComponent(this.id)}/export`));
    parts.forEach((part, i) => meta.append(...(i ? [" · ", part] : [part])));
    const picker = el("select", {
      id: "revision",
      attrs: { "aria-label": "Revision" },
      on: { change: (event) => this.showRevision(Number(event.target.value)) },
    }, [...data.revisions].sort((a, b) => b.number - a.number).map((r, i) => el("option", {
      value: String(r.number),
      selected: r.number === data.revision,
      textContent: `Revision ${r.number}${i === 0 ? " (current)" : ""} · ${formatDate(r.imported)}`,
    })));
    return el("header", { className: "article-header" },
      el("nav", { className: "crumbs" }, el("a", { href: "/", dataset: { link: "" }, textContent: "← Library" }),
        data.revisions.length > 1
          ? el("span", { className: "revision-tools" },
            el("a", { href: `/articles/${encodeURIComponent(this.id)}/diff`, dataset: { link: "" }, textContent: "What changed" }), " ", picker)
          : null),
      title,
      dek,
      data.byline ? el("p", { className: "article-byline", textContent: data.byline }) : null,
      meta);
  }

  revisionNotice() {
    if (this.latest) return null;
    return el("p", { className: "notice", attrs: { role: "note" } },
      `An earlier text (revision ${this.data.revision}), with the annotations as they stood on it. `,
      el("a", { href: `/articles/${encodeURIComponent(this.id)}`, dataset: { link: "" }, textContent: "Read the current text" }),
      " to annotate.");
  }

  showRevision(number) {
    const latest = Math.max(...this.data.revisions.map((r) => r.number));
    const query = number === latest ? "" : `?revision=${number}`;
    this.navigate(`/articles/${encodeURIComponent(this.id)}${query}`);
  }

  // Choosing and moving between annotations.

  choose(index, { scrollBody = true } = {}) {
    const all = this.all();
    if (index < 0 || index >= all.length) return;
    this.current = index;
    this.markCurrent(true, scrollBody);
  }

  /** Marks the chosen annotation in the text and the panel; `scroll` brings it into view (`scrollBody` false:
   * only its panel item, when it was clicked in the text). */
  markCurrent(scroll, scrollBody = true) {
    for (const node of this.main.querySelectorAll(".current")) node.classList.remove("current");
    const annotation = this.chosen();
    if (!annotation) return;
    const item = this.items.get(annotation.id);
    item?.classList.add("current");
    const segments = this.parts.flatMap(({ layout }) => layout.segments.get(annotation.id) ?? []);
    for (const segment of segments) segment.classList.add("current");
    if (!scroll) return;
    if (scrollBody) (segments[0] ?? item)?.scrollIntoView({ block: "center", behavior: "instant" });
    item?.scrollIntoView({ block: "nearest", behavior: "instant" });
    item?.focus({ preventScroll: true });
  }

  // The selection toolbar.

  updateToolbar() {
    if (editorIsOpen()) return;
    const range = this.parts && selectedPart(this.parts);
    if (!range) {
      if (this.toolbar.visible) this.closeToolbar();
      else this.afterDialog();
      return;
    }
    if (!this.latest) {
      toast("This is an earlier text: annotate the current one.");
      return;
    }
    this.selection = range;
    this.toolbar.show();
  }

  closeToolbar() {
    this.toolbar.hide();
    this.selection = null;
    this.afterDialog();
  }

  toolbarAction(action, color) {
    const range = this.selection;
    if (action === "close" || !range) {
      document.getSelection().removeAllRanges();
      this.closeToolbar();
      return;
    }
    const selector = { part: range.part, ...selectorFor(this.indexes[range.part], range.start16, range.end16) };
    if (action === "highlight") this.create(selector, { color: defaultColor() });
    else if (action === "color") {
      rememberColor(color);
      this.create(selector, { color });
    } else if (action === "note" || action === "tag") {
      this.toolbar.hide();
      openEditor({ title: action === "note" ? "Note" : "Tags", quote: selector.quote, note: "", tags: [], color: defaultColor(), motivation: null },
        (values) => this.save(selector, values), action === "tag" ? "tags" : "note")
        .then(() => this.closeToolbar());
    }
  }

  async create(selector, extra) {
    document.getSelection().removeAllRanges();
    this.toolbar.hide();
    try {
      await this.save(selector, extra);
    } catch (error) {
      toast(error.message, { error: true });
    }
    this.closeToolbar();
  }

  async save(selector, values) {
    const draft = { ...selector, color: values.color ?? defaultColor() };
    if (values.note?.trim()) draft.note = values.note;
    if (values.tags?.length) draft.tags = values.tags;
    if (values.motivation) draft.motivation = values.motivation;
    rememberColor(draft.color);
    const created = await api.annotate(this.id, draft);
    this.pendingRefresh = false;
    this.data = await api.article(this.id, this.revision);
    this.render();
    this.current = this.all().findIndex((a) => a.id === created.id);
    this.markCurrent(false);
    return created;
  }

  // Editing and deleting.

  edit(annotation = this.chosen()) {
    if (!annotation || !this.latest) return;
    openEditor({
      title: "Edit annotation",
      quote: annotation.quote,
      note: annotation.note ?? "",
      tags: annotation.tags,
      color: annotation.color,
      motivation: annotation.motivation,
    }, async (values) => {
      const changes = {};
      if ((values.note ?? "") !== (annotation.note ?? "")) changes.note = values.note;
      if (values.tags.join("\n") !== annotation.tags.join("\n")) changes.tags = values.tags;
      if (values.color && values.color !== annotation.color) changes.color = values.color;
      if (values.motivation && values.motivation !== annotation.motivation) changes.motivation = values.motivation;
      if (Object.keys(changes).length === 0) return;
      await api.edit(annotation.id, changes);
      await this.reloadNow();
    }).then(() => this.afterDialog());
  }

  async remove(annotation = this.chosen()) {
    if (!annotation || !this.latest) return;
    try {
      await api.remove(annotation.id);
    } catch (error) {
      toast(error.message, { error: true });
      return;
    }
    this.lastDeleted = annotation;
    await this.reloadNow();
    toast(`Deleted “${excerpt(annotation.quote)}”.`, { action: { label: "Undo (u)", run: () => this.undo() }, seconds: 10 });
  }

  /** Settles a conflict, keeping value number `keep` (from 1), as `newsdb resolve ID/FIELD --keep N` does. */
  async resolve(annotation, field, keep) {
    try {
      await api.resolve(annotation.id, field, String(keep));
    } catch (error) {
      toast(error.message, { error: true });
      return;
    }
    await this.reloadNow();
    toast(`Kept one ${field} for “${excerpt(annotation.quote)}”.`);
  }

  async undo() {
    const annotation = this.lastDeleted;
    if (!annotation) return;
    this.lastDeleted = null;
    try {
      await api.restore(annotation.id);
    } catch (error) {
      toast(error.message, { error: true });
      return;
    }
    await this.reloadNow();
    toast(`Restored “${excerpt(annotation.quote)}”.`);
  }

  async reloadNow() {
    this.pendingRefresh = false;
    const chosen = this.chosen()?.id;
    const scroll = window.scrollY;
    this.data = await api.article(this.id, this.revision);
    this.render();
    this.current = chosen ? this.all().findIndex((a) => a.id === chosen) : -1;
    this.markCurrent(false);
    window.scrollTo(0, scroll);
  }

  afterDialog() {
    if (this.pendingRefresh && !this.busy()) {
      this.pendingRefresh = false;
      this.refresh();
    }
  }

  /** Handles a key press; returns whether it was one of this view's shortcuts. */
  onKey(event) {
    if (this.toolbar.visible) {
      const digit = colors[Number(event.key) - 1];
      if (event.key === "h") this.toolbarAction("highlight");
      else if (event.key === "n") this.toolbarAction("note");
      else if (event.key === "t") this.toolbarAction("tag");
      else if (digit && /^[1-6]$/.test(event.key)) this.toolbarAction("color", digit);
      else if (event.key === "Escape") this.toolbarAction("close");
      else return false;
      return true;
    }
    const all = this.all();
    switch (event.key) {
      case "j":
        this.choose(Math.min(all.length - 1, this.current + 1));
        return true;
      case "k":
        this.choose(Math.max(0, this.current < 0 ? 0 : this.current - 1));
        return true;
      case "e":
        this.edit();
        return true;
      case "Delete":
      case "Backspace":
        this.remove();
        return true;
      case "u":
        this.undo();
        return true;
      case "Escape":
        if (this.current < 0) return false;
        this.current = -1;
        this.markCurrent(false);
        return true;
      default:
        return false;
    }
  }
}

function wordCount(text) {
  return (text.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? []).length;
}

function excerpt(text, length = 40) {
  return text.length > length ? text.slice(0, length - 1) + "…" : text;
}

/** An http(s) address, or "#" for anything else (a javascript: URL stored as an article's link). */
function safeURL(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : "#";
  } catch {
    return "#";
  }
}
