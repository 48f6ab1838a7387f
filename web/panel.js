// The side panel: an article's annotations in document order, then its orphans, each with its quote, note
// (noteHTML, rendered by the server with raw HTML escaped: the only HTML the page inserts), tags, author, time,
// anchor state and conflicts.

import { el, replace, timeElement } from "./dom.js";

const partNames = { title: "headline", dek: "dek" };

const stateText = {
  moved: "moved: found elsewhere in this text",
  fuzzy: "fuzzy: a close passage, the words changed",
  orphan: "orphan: the passage is not in this text",
};

/**
 * Draws the panel into `root`. `handlers` are `{select(annotation), edit(annotation), remove(annotation)}`;
 * `editable` is false for an earlier revision, which is read only. Returns a Map from annotation id to its
 * list item.
 */
export function drawPanel(root, { annotations, orphans, editable }, handlers) {
  const items = new Map();
  const byID = new Map();
  const item = (annotation, isOrphan) => {
    const li = annotationItem(annotation, isOrphan, editable, handlers);
    items.set(annotation.id, li);
    byID.set(annotation.id, annotation);
    return li;
  };
  // One listener for every item and its Edit and Delete buttons: hundreds of annotations would otherwise add
  // three listeners each, the largest part of drawing a long panel's script. (Keep stops its own click.)
  root.addEventListener("click", (event) => {
    const annotation = byID.get(event.target.closest(".annotation")?.dataset.id);
    if (!annotation) return;
    const action = event.target.closest("button[data-action]")?.dataset.action;
    if (action === "edit") handlers.edit(annotation);
    else if (action === "delete") handlers.remove(annotation);
    else if (!event.target.closest("a, button")) handlers.select(annotation);
  });
  const sections = [
    el("h2", { className: "panel-heading", textContent: `Annotations (${annotations.length})` }),
    annotations.length
      ? el("ol", { className: "annotation-list" }, annotations.map((a) => item(a, false)))
      : el("p", { className: "hint", textContent: editable ? "Select text in the article to highlight it." : "No annotations on this text." }),
  ];
  if (orphans.length) {
    sections.push(
      el("h2", { className: "panel-heading", id: "orphans", textContent: `Orphans (${orphans.length})` }),
      el("p", { className: "hint", textContent: "Their passage is no longer in this text; here is what they quoted." }),
      el("ol", { className: "annotation-list orphans" }, orphans.map((a) => item(a, true))),
    );
  }
  replace(root, ...sections);
  return items;
}

function annotationItem(annotation, isOrphan, editable, handlers) {
  const li = el("li", { className: `annotation c-${annotation.color}`, tabIndex: -1, dataset: { id: annotation.id } });
  li.append(
    el("blockquote", { className: "annotation-quote" },
      el("span", { className: `swatch c-${annotation.color}`, title: annotation.color }),
      el("span", { className: "quote-text", textContent: annotation.quote }),
      annotation.part === "body" ? null : el("span", { className: "part", textContent: partNames[annotation.part] })),
  );
  if (annotation.noteHTML) {
    const note = el("div", { className: "note" });
    note.innerHTML = annotation.noteHTML; // Rendered by the server from Markdown with raw HTML escaped.
    for (const a of note.querySelectorAll("a")) {
      a.rel = "noopener noreferrer";
      a.target = "_blank";
    }
    li.append(note);
  }
  if (annotation.tags.length) {
    li.append(el("ul", { className: "tags", attrs: { "aria-label": "tags" } }, annotation.tags.map((tag) => el("li", { textContent: "#" + tag }))));
  }
  const meta = el("p", { className: "meta" },
    el("span", { className: "author", textContent: annotation.author }), " · ",
    timeElement(annotation.updated ?? annotation.created, true));
  if (annotation.motivation && annotation.motivation !== "highlighting" && annotation.motivation !== "commenting") {
    meta.append(" · ", el("span", { className: "motivation", textContent: annotation.motivation }));
  }
  const state = isOrphan ? "orphan" : annotation.state;
  if (stateText[state]) meta.append(" ", el("span", { className: `state state-${state}`, textContent: stateText[state] }));
  li.append(meta);
  if (annotation.conflicts?.length) li.append(conflictBox(annotation, editable ? handlers.resolve : null));
  if (editable) {
    li.append(
      el("div", { className: "actions" },
        el("button", { type: "button", textContent: "Edit", title: "Edit (e)", dataset: { action: "edit" } }),
        el("button", { type: "button", textContent: "Delete", title: "Delete (Delete)", dataset: { action: "delete" } })),
    );
  }
  return li;
}

/** A conflict's value as a person reads it (the API gives text, or null for no note). */
function describe(field, value) {
  if (value === null || value === undefined || value === "") return field === "note" ? "(no note)" : "(none)";
  return String(value);
}

/**
 * Each conflicting field with all its values, the one in effect first (as `newsdb conflicts` numbers them),
 * each with who wrote it and when, and, on the current text, a button keeping it (`newsdb resolve --keep N`).
 */
function conflictBox(annotation, resolve) {
  const fields = [...new Set(annotation.conflicts.map((c) => c.field))];
  return el("div", { className: "conflicts", attrs: { role: "group", "aria-label": "conflicts" } },
    fields.map((field) => {
      const values = annotation.conflicts.filter((c) => c.field === field);
      return el("div", { className: "conflict", dataset: { field } },
        el("p", { className: "conflict-title", textContent: `Conflict on ${field}` }),
        el("ol", {}, values.map((c, i) => el("li", { className: i === 0 ? "conflict-winner" : "conflict-other" },
          i === 0 ? el("span", { className: "conflict-label", textContent: "in effect: " }) : null,
          el("span", { className: "conflict-value", textContent: describe(field, c.value) }),
          el("span", { className: "conflict-who" }, " — ", el("span", { className: "author", textContent: c.author }), ", ",
            timeElement(c.time, true)),
          resolve ? el("button", {
            type: "button", className: "keep", textContent: "Keep",
            title: `Keep this ${field} and settle the conflict`,
            on: { click: (event) => { event.stopPropagation(); resolve(annotation, field, i + 1); } },
          }) : null)),
        ));
    }),
    resolve ? null : el("p", { className: "hint" },
      "Conflicts on an earlier text are settled on the current one, or from the terminal: ",
      el("code", { textContent: `newsdb resolve ${annotation.id.slice(0, 8)} --keep …` })),
  );
}
