// The reader's entry point: routes on the address, polls the database's version, and dispatches the keyboard.

import { api, getSession } from "./api.js";
import { isTyping, el, replace } from "./dom.js";
import { editorIsOpen } from "./editor.js";
import { ArticleView } from "./article.js";
import { DiffView } from "./diff.js";
import { LibraryView, libraryState } from "./library.js";
import { initSync } from "./peers.js";
import { hideToast, toast } from "./toast.js";

const main = document.getElementById("view");
const search = document.getElementById("search");
const help = document.getElementById("help");
const live = document.getElementById("live");

let view = null;
let version = null;

/** Shows the page for the current address. */
async function route() {
  view?.dispose();
  view = null;
  const path = location.pathname;
  const article = /^\/articles\/([^/]+)\/?$/.exec(path);
  const diff = /^\/articles\/([^/]+)\/diff\/?$/.exec(path);
  try {
    if (diff) {
      view = new DiffView(main, decodeURIComponent(diff[1]), location.search, navigate);
    } else if (article) {
      const revision = new URLSearchParams(location.search).get("revision") ?? undefined;
      view = new ArticleView(main, decodeURIComponent(article[1]), revision, navigate);
    } else if (path === "/") {
      search.value = libraryState(location.search).q;
      view = new LibraryView(main, location.search, navigate);
    } else {
      replace(main, el("p", { className: "error", textContent: "There is no page at this address." }),
        el("p", {}, el("a", { href: "/", dataset: { link: "" }, textContent: "Back to the library" })));
      return;
    }
    await view.load();
    main.dataset.ready = "true";
    // A User Timing mark (seen in the browser's performance tools, and read by the browser tests).
    performance.mark("newsdb:view-ready");
    // And once that frame is laid out and painted (a task queued from the frame's callback runs after it).
    requestAnimationFrame(() => setTimeout(() => performance.mark("newsdb:view-drawn")));
  } catch (error) {
    showError(error);
  }
}

function showError(error) {
  replace(main, el("p", { className: "error", attrs: { role: "alert" }, textContent: error.message }),
    el("p", {}, el("a", { href: "/", dataset: { link: "" }, textContent: "Back to the library" })));
}

/** Goes to `url` (a path and query of this site) without reloading the page. */
function navigate(url) {
  history.pushState(null, "", url);
  main.dataset.ready = "false";
  window.scrollTo(0, 0);
  route();
}

// Links inside the page move with pushState.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-link]");
  if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(link.getAttribute("href"));
});
window.addEventListener("popstate", route);

// The search box: the library's query, answered at each key (an answer overtaken by a newer query is dropped).
search.addEventListener("input", () => {
  if (view instanceof LibraryView) view.search(search.value.trim());
});
document.getElementById("search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const q = search.value.trim();
  if (view instanceof LibraryView) view.search(q);
  else navigate(q ? `/?q=${encodeURIComponent(q)}` : "/");
});

// Live: the version changes whenever the database does, from any process.
async function poll() {
  await checkVersion();
  setTimeout(poll, 1000);
}

/** Redraws the view when the database's version has changed since the last look. */
async function checkVersion() {
  let now = null;
  try {
    ({ version: now } = await api.version());
    live.textContent = "";
    live.title = "";
  } catch (error) {
    live.textContent = error.status === 401 ? "No session" : "Offline";
    live.title = error.message;
  }
  if (now !== null && version !== null && now !== version && view) {
    try {
      await view.refresh();
    } catch (error) {
      toast(error.message, { error: true });
    }
  }
  if (now !== null) version = now;
}

// Keyboard shortcuts (the list is in index.html's help dialog and docs/WEB.md).
document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || editorIsOpen()) return;
  if (help.open) return; // the dialog closes itself on Esc
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (isTyping(event.target)) {
    if (event.key === "Escape" && event.target === search) {
      search.blur();
      event.preventDefault();
    }
    return;
  }
  if (view?.onKey(event)) {
    event.preventDefault();
    return;
  }
  switch (event.key) {
    case "/":
      search.focus();
      search.select();
      break;
    case "?":
      help.showModal();
      break;
    case "g":
      navigate("/");
      break;
    case "Escape":
      hideToast();
      document.getSelection().removeAllRanges();
      break;
    default:
      return;
  }
  event.preventDefault();
});
document.getElementById("help-button").addEventListener("click", () => help.showModal());

getSession().catch((error) => toast(error.message, { error: true, seconds: 30 }));
route();
poll();
// After Sync now the view is redrawn at once, as the poll would within a second.
initSync(checkVersion).catch((error) => toast(error.message, { error: true }));
