// One quiet message at the bottom of the window, optionally with an action (Undo).

import { el, replace } from "./dom.js";

let timer = null;

/** Shows `message` for a few seconds; `action` is `{label, run}`; `error` styles it as a failure. */
export function toast(message, { action, error = false, seconds = 6 } = {}) {
  const box = document.getElementById("toast");
  const children = [el("span", { textContent: message })];
  if (action) {
    children.push(
      el("button", {
        type: "button",
        className: "toast-action",
        textContent: action.label,
        on: {
          click: () => {
            hideToast();
            action.run();
          },
        },
      }),
    );
  }
  replace(box, ...children);
  box.classList.toggle("toast-error", error);
  box.hidden = false;
  clearTimeout(timer);
  timer = setTimeout(hideToast, seconds * 1000);
}

/** Hides the message. */
export function hideToast() {
  clearTimeout(timer);
  document.getElementById("toast").hidden = true;
}
