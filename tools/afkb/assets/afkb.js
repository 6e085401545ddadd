// Behaviour shared by afkb pages: copy buttons, folds opened for print, accessibility fixes of the theme.
// Plain DOM code; reads only data the page itself carries and never inserts text as HTML.
(function () {
  "use strict";

  function setupCopy(button) {
    button.addEventListener("click", function () {
      const source = document.getElementById(button.dataset.copyTarget);
      if (!source || !navigator.clipboard) return;
      navigator.clipboard.writeText(source.textContent).then(function () {
        button.setAttribute("data-copied", "");
        setTimeout(function () { button.removeAttribute("data-copied"); }, 2000);
      });
    });
  }

  // The theme's search overlay has role="dialog" but no accessible name.
  function labelSearchDialog() {
    document.querySelectorAll(".md-search[role=dialog]:not([aria-label])").forEach(function (dialog) {
      dialog.setAttribute("aria-label", "Search the knowledge base");
    });
  }

  // A printed page shows what is folded on screen (how each entry was checked).
  function openFoldsForPrint() {
    window.addEventListener("beforeprint", function () {
      document.querySelectorAll("details:not([open])").forEach(function (d) {
        d.setAttribute("open", "");
        d.setAttribute("data-afkb-opened-for-print", "");
      });
    });
    window.addEventListener("afterprint", function () {
      document.querySelectorAll("details[data-afkb-opened-for-print]").forEach(function (d) {
        d.removeAttribute("open");
        d.removeAttribute("data-afkb-opened-for-print");
      });
    });
  }

  function init() {
    labelSearchDialog();
    openFoldsForPrint();
    document.querySelectorAll(".afkb-copy").forEach(setupCopy);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
