// Draws an article's body (one <p> per paragraph) or its headline or dek (one run of text), every text node
// remembered with its UTF-16 offset in that text, and every highlight in its color. Text is split into segments at every highlight's start and end, so
// overlapping highlights are each visible: the innermost as the background, the next as a thick underline.

import { paragraphRanges } from "./offsets.js";

/**
 * The drawn body: `textNodes` in document order, each with its UTF-16 start in `starts`, and for every drawn
 * annotation its segments (`segments.get(id)`), first to last.
 */
export class BodyLayout {
  constructor(root, body) {
    this.root = root;
    this.length16 = body.length;
    this.textNodes = [];
    this.starts = new WeakMap();
    this.segments = new Map();
  }

  addText(parent, text, start16) {
    const node = document.createTextNode(text);
    this.textNodes.push(node);
    this.starts.set(node, start16);
    parent.append(node);
    return node;
  }
}

/**
 * Draws `body` into `root` with `highlights`, each `{id, color, start16, end16}`.
 * Returns the BodyLayout.
 */
export function drawBody(root, body, highlights) {
  const layout = new BodyLayout(root, body);
  const ranges = highlights
    .filter((h) => h.end16 > h.start16)
    .sort((a, b) => a.start16 - b.start16 || b.end16 - a.end16);
  const fragment = document.createDocumentFragment();
  let first = 0; // the first highlight that may still reach the current paragraph
  for (const paragraph of paragraphRanges(body)) {
    const p = document.createElement("p");
    while (first < ranges.length && ranges[first].end16 <= paragraph.start) first++;
    const here = [];
    for (let i = first; i < ranges.length && ranges[i].start16 < paragraph.end; i++) {
      if (ranges[i].end16 > paragraph.start) here.push(ranges[i]);
    }
    drawParagraph(p, body, paragraph, here, layout);
    fragment.append(p);
  }
  root.replaceChildren(fragment);
  return layout;
}

/**
 * Draws `text` (a headline or dek: one line, no paragraphs) into `root` with `highlights`, as drawBody does.
 * Returns its layout.
 */
export function drawLine(root, text, highlights) {
  const layout = new BodyLayout(root, text);
  root.replaceChildren();
  const here = highlights.filter((h) => h.end16 > h.start16);
  if (text.length) drawParagraph(root, text, { start: 0, end: text.length }, here, layout);
  return layout;
}

function drawParagraph(p, body, paragraph, highlights, layout) {
  if (highlights.length === 0) {
    layout.addText(p, body.slice(paragraph.start, paragraph.end), paragraph.start);
    return;
  }
  const cuts = new Set([paragraph.start, paragraph.end]);
  for (const h of highlights) {
    if (h.start16 > paragraph.start) cuts.add(h.start16);
    if (h.end16 < paragraph.end) cuts.add(h.end16);
  }
  const points = [...cuts].sort((a, b) => a - b);
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i];
    const end = points[i + 1];
    const covering = highlights.filter((h) => h.start16 < end && h.end16 > start);
    const text = body.slice(start, end);
    if (covering.length === 0) {
      layout.addText(p, text, start);
      continue;
    }
    // Innermost first: the one that starts last, then the shorter.
    covering.sort((a, b) => b.start16 - a.start16 || a.end16 - b.end16);
    const span = document.createElement("span");
    span.className = `hl c-${covering[0].color}`;
    if (covering.length > 1) span.classList.add("hl-overlap", `hl-under-${covering[1].color}`);
    if (covering.length > 2) span.classList.add("hl-deep");
    span.dataset.ids = covering.map((h) => h.id).join(" ");
    layout.addText(span, text, start);
    p.append(span);
    for (const h of covering) {
      const list = layout.segments.get(h.id);
      if (list) list.push(span);
      else layout.segments.set(h.id, [span]);
    }
  }
}

/**
 * The UTF-16 offset in the body of a DOM boundary point (a selection's start or end). A point between text nodes
 * (at a paragraph's edge, or outside the body) moves forward to the next text for a start and back to the
 * previous text for an end.
 */
export function bodyOffset(layout, node, offset, isStart) {
  const { root, textNodes, starts } = layout;
  if (textNodes.length === 0) return 0;
  if (node.nodeType === Node.TEXT_NODE && starts.has(node)) return starts.get(node) + offset;
  if (!root.contains(node)) {
    return root.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_PRECEDING ? 0 : layout.length16;
  }
  // The first text node that the point is before or inside.
  const range = document.createRange();
  let low = 0;
  let high = textNodes.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    range.selectNodeContents(textNodes[mid]);
    if (range.comparePoint(node, offset) <= 0) high = mid;
    else low = mid + 1;
  }
  if (isStart) {
    return low < textNodes.length ? starts.get(textNodes[low]) : layout.length16;
  }
  if (low === 0) return 0;
  const previous = textNodes[low - 1];
  return starts.get(previous) + previous.length;
}
