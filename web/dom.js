// Building DOM nodes from untrusted text: every string becomes a text node or a property, never markup.

/**
 * Makes an element. `props` are set as properties (`className`, `href`, `title`, `hidden` …), except `dataset`
 * (copied into data- attributes), `attrs` (set as attributes) and `on` (event listeners). Children are nodes or
 * strings; a string becomes a text node. `null`, `undefined` and `false` children are left out.
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "attrs") for (const [name, v] of Object.entries(value)) node.setAttribute(name, v);
    else if (key === "on") for (const [type, listener] of Object.entries(value)) node.addEventListener(type, listener);
    else node[key] = value;
  }
  append(node, children);
  return node;
}

/** Appends nodes and strings (as text) to `node`, flattening arrays. */
export function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Replaces every child of `node` with `children`. */
export function replace(node, ...children) {
  node.replaceChildren();
  return append(node, children);
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** A date (ISO 8601) as the reader's locale writes it, or "" when there is none. */
export function formatDate(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}

/** A date and time (ISO 8601) as the reader's locale writes it. */
export function formatTime(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : timeFormat.format(date);
}

/** A <time> element for an ISO 8601 instant. */
export function timeElement(iso, withTime = false) {
  return el("time", { dateTime: iso ?? "", textContent: withTime ? formatTime(iso) : formatDate(iso) });
}

const numberFormat = new Intl.NumberFormat();

/** "1 word", "1,234 words". */
export function count(n, noun, plural = noun + "s") {
  return `${numberFormat.format(n)} ${n === 1 ? noun : plural}`;
}

/** Whether a key press is typing into a field, where single-letter shortcuts must not fire. */
export function isTyping(target) {
  if (!(target instanceof Element)) return false;
  return target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']") !== null;
}
