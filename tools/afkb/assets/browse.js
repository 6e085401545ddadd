// The all-papers table: filters and sorting.
// Plain DOM code; reads only data the page itself carries and never inserts text as HTML.
(function () {
  "use strict";

  function setupBrowse(table) {
    const rows = Array.from(table.tBodies[0].rows);
    const filters = Array.from(document.querySelectorAll("[data-filter]"));
    const count = document.querySelector(".afkb-count");
    function apply() {
      const wanted = {};
      filters.forEach(function (f) { wanted[f.dataset.filter] = f.value.trim().toLowerCase(); });
      let shown = 0;
      rows.forEach(function (row) {
        const ok =
          (!wanted.year || row.dataset.year === wanted.year) &&
          (!wanted.kind || row.dataset.kind === wanted.kind) &&
          (!wanted.tags || row.dataset.tags.split(" ").indexOf(wanted.tags) !== -1) &&
          (!wanted.text || row.textContent.toLowerCase().indexOf(wanted.text) !== -1);
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      if (count) count.textContent = shown + " of " + rows.length + " papers";
    }
    filters.forEach(function (f) { f.addEventListener("input", apply); f.addEventListener("change", apply); });
    table.querySelectorAll("[data-sort-column]").forEach(function (button) {
      button.addEventListener("click", function () {
        const th = button.parentElement;
        const column = Number(button.dataset.sortColumn);
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th").forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const key = function (row) {
          const cell = row.cells[column];
          const value = cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.toLowerCase();
          return /^\d+$/.test(value) ? Number(value) : value;
        };
        rows.sort(function (a, b) {
          const x = key(a), y = key(b);
          return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
        });
        rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
      });
    });
    apply();
  }

  function init() {
    document.querySelectorAll("table[data-afkb-browse]").forEach(setupBrowse);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
