/* The site's header on a phone (config/templates/base.html): the links and the account collapse under a menu
 * button below 760 px (config/static/site.css, section "branch copy"). Without this script the header shows
 * everything, as on a desk screen. */
(function () {
  "use strict";
  const header = document.getElementById("site-header");
  const toggle = document.getElementById("menu-toggle");
  if (!header || !toggle) return;
  header.classList.add("js-menu");
  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    header.classList.toggle("open", open);
  });
})();

/* Confirmation dialogs of every page (the filing review, the declaration steps): a link with data-dialog="<id>"
 * opens that <dialog> instead of its confirmation page (which stays the way without JavaScript) and focuses its
 * first input or its submit button; a button with data-close-dialog closes its dialog. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    const opener = event.target.closest("[data-dialog]");
    if (opener) {
      const dialog = document.getElementById(opener.dataset.dialog);
      if (dialog && typeof dialog.showModal === "function") {
        event.preventDefault();
        dialog.showModal();
        const first = dialog.querySelector("input:not([type=hidden]), textarea, select, button[type=submit]");
        if (first) first.focus();
      }
      return;
    }
    const closer = event.target.closest("[data-close-dialog]");
    if (closer) {
      const dialog = closer.closest("dialog");
      if (dialog) dialog.close();
    }
  });
})();
