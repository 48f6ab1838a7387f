// A small Markdown subset for the note editor's preview, built as DOM nodes from text: paragraphs, "- " and
// "1. " lists, "> " quotes, **bold**, *italic*, `code` and [links](…) to http, https and mailto only. Raw HTML is
// shown as the text it is. What is saved is rendered by the server (noteHTML); this is only the preview.

import { el } from "./dom.js";

/** The preview of `source` as a DocumentFragment. */
export function renderMarkdown(source) {
  const fragment = document.createDocumentFragment();
  const blocks = source.replace(/\r\n?/g, "\n").split(/\n[ \t]*\n/);
  for (const block of blocks) {
    const lines = block.split("\n").filter((line) => line.trim() !== "");
    if (lines.length === 0) continue;
    if (lines.every((line) => /^\s*[-*+]\s+/.test(line))) {
      fragment.append(el("ul", {}, lines.map((line) => el("li", {}, inline(line.replace(/^\s*[-*+]\s+/, ""))))));
    } else if (lines.every((line) => /^\s*\d+[.)]\s+/.test(line))) {
      fragment.append(el("ol", {}, lines.map((line) => el("li", {}, inline(line.replace(/^\s*\d+[.)]\s+/, ""))))));
    } else if (lines.every((line) => /^\s*>/.test(line))) {
      fragment.append(el("blockquote", {}, el("p", {}, inline(lines.map((l) => l.replace(/^\s*>\s?/, "")).join("\n")))));
    } else {
      const heading = /^(#{1,6})\s+(.*)$/.exec(lines[0]);
      if (heading && lines.length === 1) {
        fragment.append(el("p", {}, el("strong", {}, inline(heading[2]))));
      } else {
        const p = el("p");
        lines.forEach((line, i) => {
          if (i > 0) p.append(el("br"));
          p.append(...inline(line));
        });
        fragment.append(p);
      }
    }
  }
  return fragment;
}

const token = /(`+)([^`]|[^`][\s\S]*?[^`])\1|\*\*([^*]+)\*\*|__([^_]+)__|\*([^*\s][^*]*)\*|_([^_\s][^_]*)_|\[([^\]]+)\]\(([^)\s]+)\)/g;

/** Inline spans of one line or block of text, as nodes. */
function inline(text) {
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(token)) {
    if (match.index > last) nodes.push(document.createTextNode(text.slice(last, match.index)));
    last = match.index + match[0].length;
    if (match[2] !== undefined) nodes.push(el("code", { textContent: match[2] }));
    else if (match[3] !== undefined || match[4] !== undefined) nodes.push(el("strong", {}, inline(match[3] ?? match[4])));
    else if (match[5] !== undefined || match[6] !== undefined) nodes.push(el("em", {}, inline(match[5] ?? match[6])));
    else nodes.push(link(match[7], match[8]));
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

/** A link when `href` is http, https or mailto; otherwise its text alone. */
export function link(text, href) {
  let url;
  try {
    url = new URL(href);
  } catch {
    return document.createTextNode(text);
  }
  if (!["http:", "https:", "mailto:"].includes(url.protocol)) return document.createTextNode(text);
  return el("a", { href: url.href, rel: "noopener noreferrer", target: "_blank" }, inline(text));
}
