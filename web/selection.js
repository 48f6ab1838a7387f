// The text selected in an article's headline, dek or body, as a UTF-16 range of that part's text, and the small
// toolbar shown by it.

import { bodyOffset } from "./highlighter.js";
import { el } from "./dom.js";
import { colors } from "./vocabulary.js";

/**
 * The selected range of one drawn text (`layout`, whose text is `body`), `{start16, end16}` with white space
 * trimmed from both ends, or null when nothing (or only white space) of it is selected.
 */
export function selectedRange(layout, body) {
  const selection = document.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  if (!range.intersectsNode(layout.root)) return null;
  let start16 = bodyOffset(layout, range.startContainer, range.startOffset, true);
  let end16 = bodyOffset(layout, range.endContainer, range.endOffset, false);
  while (start16 < end16 && /\s/.test(body[start16])) start16++;
  while (end16 > start16 && /\s/.test(body[end16 - 1])) end16--;
  return start16 < end16 ? { start16, end16 } : null;
}

/**
 * The selection in the first of `parts` (`[{part, layout, text}]`, in document order) that it reaches:
 * `{part, start16, end16}`, or null. A selection running from the headline into the body ends with the headline.
 */
export function selectedPart(parts) {
  for (const { part, layout, text } of parts) {
    const range = selectedRange(layout, text);
    if (range) return { part, ...range };
  }
  return null;
}

/** The toolbar by the selection: Highlight, Note, Tag, the six colors and Close. */
export class SelectionToolbar {
  constructor(onAction) {
    this.node = document.getElementById("toolbar");
    const swatches = this.node.querySelector(".swatches");
    if (!swatches.childElementCount) {
      colors.forEach((color, i) => {
        swatches.append(
          el("button", {
            type: "button",
            className: `swatch-button`,
            title: `Highlight ${color} (${i + 1})`,
            dataset: { action: "color", color },
            attrs: { "aria-label": `Highlight ${color}` },
          }, el("span", { className: `swatch c-${color}` })),
        );
      });
    }
    this.listener = (event) => {
      const button = event.target.closest("button[data-action]");
      if (button) onAction(button.dataset.action, button.dataset.color);
    };
    // Pressing a toolbar button must not clear the selection before its click runs.
    this.keep = (event) => event.preventDefault();
    this.node.addEventListener("click", this.listener);
    this.node.addEventListener("mousedown", this.keep);
  }

  get visible() {
    return !this.node.hidden;
  }

  /** Shows the toolbar under the selection's last line (above it when there is no room below). */
  show() {
    const selection = document.getSelection();
    if (!selection || selection.rangeCount === 0) return;
    const rects = selection.getRangeAt(0).getClientRects();
    const rect = rects.length ? rects[rects.length - 1] : selection.getRangeAt(0).getBoundingClientRect();
    this.node.hidden = false;
    const width = this.node.offsetWidth;
    const height = this.node.offsetHeight;
    const left = Math.max(8, Math.min(rect.left, document.documentElement.clientWidth - width - 8));
    const below = rect.bottom + 8;
    const top = below + height > window.innerHeight ? rect.top - height - 8 : below;
    this.node.style.left = `${left + window.scrollX}px`;
    this.node.style.top = `${Math.max(0, top) + window.scrollY}px`;
  }

  hide() {
    this.node.hidden = true;
  }

  dispose() {
    this.hide();
    this.node.removeEventListener("click", this.listener);
    this.node.removeEventListener("mousedown", this.keep);
  }
}
