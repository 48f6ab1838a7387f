// The note editor: a Markdown textarea with a preview, tags completed from the tags in use, color and
// motivation. It edits a draft and resolves to the values chosen, or null when cancelled.

import { api } from "./api.js";
import { el, replace } from "./dom.js";
import { renderMarkdown } from "./markdown.js";
import { colors, motivations, parseTags } from "./vocabulary.js";

const $ = (id) => document.getElementById(id);

let pending = null;

/** Whether the editor is open. */
export function editorIsOpen() {
  return $("editor").open;
}

/**
 * Opens the editor on `draft` (`{title, quote, note, tags, color, motivation}`), focusing the note or, with
 * `focus: "tags"`, the tags. `save(values)` is awaited on Save; an error it throws is shown in the editor,
 * which stays open. Resolves to the saved values, or null when cancelled.
 */
export function openEditor(draft, save, focus = "note") {
  const dialog = $("editor");
  setUp();
  $("editor-title").textContent = draft.title;
  $("editor-quote").textContent = draft.quote;
  $("editor-note").value = draft.note ?? "";
  $("editor-tags").value = (draft.tags ?? []).join(", ");
  for (const input of dialog.querySelectorAll("input[name=editor-color]")) input.checked = input.value === draft.color;
  $("editor-motivation").value = draft.motivation ?? "";
  $("editor-error").hidden = true;
  showTab("write");
  fillTagList();
  dialog.showModal();
  (focus === "tags" ? $("editor-tags") : $("editor-note")).focus();
  return new Promise((resolve) => {
    pending = { resolve, save, draft };
  });
}

function values() {
  const color = document.querySelector("input[name=editor-color]:checked")?.value;
  return {
    note: $("editor-note").value,
    tags: parseTags($("editor-tags").value),
    color,
    motivation: $("editor-motivation").value || null,
  };
}

async function submit() {
  if (!pending) return;
  const chosen = values();
  const button = $("editor-save");
  button.disabled = true;
  try {
    await pending.save(chosen);
  } catch (error) {
    $("editor-error").textContent = error.message;
    $("editor-error").hidden = false;
    return;
  } finally {
    button.disabled = false;
  }
  const { resolve } = pending;
  pending = null;
  $("editor").close();
  resolve(chosen);
}

function cancel() {
  if (!pending) return;
  const { resolve } = pending;
  pending = null;
  $("editor").close();
  resolve(null);
}

function showTab(tab) {
  const preview = tab === "preview";
  $("editor-write-tab").setAttribute("aria-selected", String(!preview));
  $("editor-preview-tab").setAttribute("aria-selected", String(preview));
  $("editor-note").hidden = preview;
  $("editor-preview").hidden = !preview;
  if (preview) {
    const source = $("editor-note").value;
    replace($("editor-preview"), source.trim() ? renderMarkdown(source) : el("p", { className: "hint", textContent: "Nothing to preview." }));
  }
}

async function fillTagList() {
  try {
    const { tags } = await api.tags();
    replace($("tag-list"), tags.map(({ tag }) => el("option", { value: tag })));
  } catch {
    // Completion is a convenience: without it the field still takes any tag.
  }
}

let ready = false;

function setUp() {
  if (ready) return;
  ready = true;
  const dialog = $("editor");
  const fieldset = dialog.querySelector(".editor-colors");
  colors.forEach((color, i) => {
    fieldset.append(
      el("label", { className: `swatch-choice`, title: `${color} (${i + 1})` },
        el("input", { type: "radio", name: "editor-color", value: color }),
        el("span", { className: `swatch c-${color}` }),
        el("span", { className: "visually-hidden", textContent: color })),
    );
  });
  replace($("editor-motivation"), el("option", { value: "", textContent: "(by what it holds)" }),
    motivations.map((m) => el("option", { value: m, textContent: m })));
  dialog.querySelector("form").addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  $("editor-cancel").addEventListener("click", cancel);
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    cancel();
  });
  dialog.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit();
    }
  });
  $("editor-write-tab").addEventListener("click", () => showTab("write"));
  $("editor-preview-tab").addEventListener("click", () => showTab("preview"));
}
