// The words the API uses for colors and motivations, in the CLI's order (docs/ANNOTATIONS.md).

/** The highlight colors; keys 1-6 pick them in this order. */
export const colors = ["yellow", "green", "blue", "pink", "purple", "orange"];

/** The W3C motivations an annotation may have. */
export const motivations = [
  "assessing", "bookmarking", "classifying", "commenting", "describing", "editing", "highlighting",
  "identifying", "linking", "moderating", "questioning", "replying", "tagging",
];

const lastColorKey = "newsdb.lastColor";

/** The color a new highlight gets: the one last used in this browser, else yellow. */
export function defaultColor() {
  const stored = localStorage.getItem(lastColorKey);
  return colors.includes(stored) ? stored : colors[0];
}

/** Remembers the color last used. */
export function rememberColor(color) {
  if (colors.includes(color)) localStorage.setItem(lastColorKey, color);
}

/** Tags typed in a field: separated by commas or white space, a leading # dropped, each once. */
export function parseTags(text) {
  const tags = text
    .split(/[\s,]+/)
    .map((tag) => tag.replace(/^#+/, ""))
    .filter((tag) => tag !== "");
  return [...new Set(tags)];
}
