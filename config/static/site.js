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
