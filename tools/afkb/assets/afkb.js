// Behaviour shared by afkb pages: copy buttons and accessibility fixes of the theme.
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

  function init() {
    labelSearchDialog();
    document.querySelectorAll(".afkb-copy").forEach(setupCopy);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
