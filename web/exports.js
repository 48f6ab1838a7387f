// Export links: the annotations of an article, or of the library's filter, as Markdown or W3C JSON-LD, downloaded
// from the API with the bytes `newsdb annotations export` writes.

import { el, replace } from "./dom.js";

/** "Export: Markdown · JSON-LD" for `path` (an export route) with the query `params`. */
export function exportLinks(path, params = {}) {
  const links = el("span", { className: "exports" });
  updateExportLinks(links, path, params);
  return links;
}

/** Points the links at `path` with new `params`. */
export function updateExportLinks(links, path, params) {
  const link = (format, label) => {
    const query = new URLSearchParams({ format });
    for (const [name, value] of Object.entries(params)) if (value) query.set(name, value);
    return el("a", { href: `${path}?${query}`, download: "", className: "export-link", dataset: { format }, textContent: label });
  };
  replace(links, "Export ", link("markdown", "Markdown"), " · ", link("w3c", "JSON-LD"));
}
