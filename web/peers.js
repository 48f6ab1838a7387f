// Sync now: a quiet menu in the top bar with one button per server added with `newsdb peers add`, each running
// the same sync as `newsdb sync NAME` and saying what moved.

import { api } from "./api.js";
import { el, formatTime, replace } from "./dom.js";
import { toast } from "./toast.js";

/** Fills the Sync menu (hidden while there is no server); `afterSync` runs once a sync has moved changes. */
export async function initSync(afterSync) {
  const menu = document.getElementById("sync");
  const list = document.getElementById("sync-peers");
  const status = document.getElementById("sync-status");
  const { peers } = await api.peers();
  menu.hidden = peers.length === 0;
  const buttons = peers.map((peer) => el("button", {
    type: "button",
    className: "sync-peer",
    dataset: { peer: peer.name },
    title: peer.url + (peer.lastSynced ? ` · last synced ${formatTime(peer.lastSynced)}` : " · not synced yet"),
    textContent: `Sync now with ${peer.name}`,
    on: { click: () => syncWith(peer.name) },
  }));
  replace(list, buttons.map((button) => el("li", {}, button)));

  async function syncWith(name) {
    const focused = document.activeElement;
    for (const button of buttons) button.disabled = true;
    replace(status, `Syncing with ${name}…`);
    status.classList.remove("error");
    try {
      const result = await api.sync(name);
      replace(status, result.message);
      toast(result.message);
      if (result.sent + result.received > 0) await afterSync();
    } catch (error) {
      replace(status, error.message);
      status.classList.add("error");
      toast(error.message, { error: true });
    } finally {
      for (const button of buttons) button.disabled = false;
      // A disabled button loses the focus: give it back, so that the keyboard stays in the menu.
      if (buttons.includes(focused) && document.activeElement === document.body) focused.focus();
    }
  }

  // Esc closes the menu, wherever the focus is.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !menu.open) return;
    menu.open = false;
    menu.querySelector("summary").focus();
    event.preventDefault();
  });
}
