// The filing review screen (enterprises/review/filing.html): the approve link opens its confirmation <dialog>
// instead of the confirmation page (which stays the way without JavaScript); Cancel closes the dialog.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    const opener = event.target.closest("[data-dialog]");
    if (opener) {
      const dialog = document.getElementById(opener.dataset.dialog);
      if (dialog && typeof dialog.showModal === "function") {
        event.preventDefault();
        dialog.showModal();
        const confirm = dialog.querySelector("button[type=submit]");
        if (confirm) confirm.focus();
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
