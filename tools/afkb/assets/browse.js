// The all-papers table (filters, sorting) and the takeaways digest (audience filter).
// The state of the filters lives in the page's address (?kind=defense&tag=lora&text=qi&sort=year-desc;
// not "q", which Material reads as a search query and opens its search box with),
// so a view can be shared: restored on load, updated with history.replaceState on every change.
// Plain DOM code; reads only data the page itself carries and never inserts text as HTML.
(function () {
  "use strict";

  // Lower case without accents, so "lucki" finds "Łucki" and "Lučki".
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/ł/g, "l");
  }

  // Set each control that has data-param from the address; unknown values are left out.
  function restore(controls) {
    const params = new URLSearchParams(window.location.search);
    controls.forEach(function (control) {
      const value = params.get(control.dataset.param);
      if (value === null) return;
      if (control.tagName === "SELECT") {
        if (Array.from(control.options).some(function (o) { return o.value === value; })) control.value = value;
      } else {
        control.value = value;
      }
    });
  }

  // Write the controls' values into the address, leaving other parameters and the fragment alone.
  function remember(controls) {
    const params = new URLSearchParams(window.location.search);
    controls.forEach(function (control) {
      const value = control.value.trim();
      if (value) params.set(control.dataset.param, value);
      else params.delete(control.dataset.param);
    });
    const query = params.toString();
    const url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.replaceState(window.history.state, "", url);
    }
  }

  function setupBrowse(table) {
    const body = table.tBodies[0];
    const rows = Array.from(body.rows).map(function (row, index) {
      const authors = row.dataset.authors ? row.dataset.authors.split("; ") : [];
      return {
        row: row,
        index: index,
        authors: authors,
        also: row.querySelector(".afkb-also"),
        // Title, every author, year, kind and tags, with separators no query crosses.
        text: fold([row.cells[0].textContent, authors.join("; "), row.dataset.year, row.dataset.kind, row.dataset.tags].join("; ")),
      };
    });
    const root = table.parentElement;
    const filters = Array.from(root.querySelectorAll("[data-filter]"));
    const sortSelect = root.querySelector("select[data-sort]");
    const controls = Array.from(root.querySelectorAll("[data-param]"));
    const count = root.querySelector(".afkb-count");
    const headers = Array.from(table.querySelectorAll("[data-sort-key]"));

    function filter() {
      const wanted = {};
      filters.forEach(function (f) { wanted[f.dataset.filter] = f.value.trim(); });
      const phrase = fold(wanted.text || "").split(/\s+/).filter(Boolean).join(" ");
      let shown = 0;
      rows.forEach(function (r) {
        const row = r.row;
        const ok =
          (!wanted.year || row.dataset.year === wanted.year) &&
          (!wanted.kind || row.dataset.kind === wanted.kind) &&
          (!wanted.tags || row.dataset.tags.split(" ").indexOf(wanted.tags) !== -1) &&
          r.text.indexOf(phrase) !== -1;
        row.hidden = !ok;
        if (ok) shown += 1;
        // Name the matching author when the table shows only the first one and it does not match.
        const match = ok && phrase && r.authors.length && fold(r.authors[0]).indexOf(phrase) === -1
          ? r.authors.slice(1).find(function (a) { return fold(a).indexOf(phrase) !== -1; })
          : undefined;
        if (r.also) {
          r.also.hidden = match === undefined;
          r.also.textContent = match === undefined ? "" : " (with " + match + ")";
        }
      });
      if (count) count.textContent = shown + " of " + rows.length + " papers";
    }

    function sort() {
      const value = sortSelect ? sortSelect.value : "";
      const parts = value.split("-");
      const key = parts[0];
      const ascending = parts[1] !== "desc";
      const column = headers.findIndex(function (b) { return b.dataset.sortKey === key; });
      headers.forEach(function (b, i) {
        b.parentElement.setAttribute("aria-sort", i === column ? (ascending ? "ascending" : "descending") : "none");
      });
      const keyOf = function (r) {
        if (column === -1) return r.index;
        const cell = r.row.cells[Number(headers[column].dataset.sortColumn)];
        const v = cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.toLowerCase();
        return /^\d+$/.test(v) ? Number(v) : v;
      };
      const sorted = rows.slice().sort(function (a, b) {
        const x = keyOf(a), y = keyOf(b);
        const order = (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
        return order || a.index - b.index; // the same view gives the same order
      });
      sorted.forEach(function (r) { body.appendChild(r.row); });
    }

    function update() {
      filter();
      sort();
      remember(controls);
    }

    controls.forEach(function (c) { c.addEventListener("input", update); c.addEventListener("change", update); });
    headers.forEach(function (button) {
      button.addEventListener("click", function () {
        const ascending = button.parentElement.getAttribute("aria-sort") !== "ascending";
        const value = button.dataset.sortKey + (ascending ? "-asc" : "-desc");
        if (sortSelect) sortSelect.value = value;
        update();
      });
    });
    restore(controls);
    filter();
    sort();
  }

  function setupTakeaways(root) {
    const select = root.querySelector("select[data-audience-filter]");
    const count = root.querySelector(".afkb-count");
    const groups = Array.from(document.querySelectorAll(".afkb-takeaway-group[data-threat]"));
    const total = document.querySelectorAll(".afkb-takeaway-group li[data-audience]").length;

    function update() {
      const audience = select.value;
      let shown = 0;
      groups.forEach(function (group) {
        const threat = group.dataset.threat;
        let inGroup = 0;
        group.querySelectorAll("li[data-audience]").forEach(function (li) {
          const ok = !audience || li.dataset.audience.split(" ").indexOf(audience) !== -1;
          li.hidden = !ok;
          if (ok) inGroup += 1;
        });
        shown += inGroup;
        const heading = document.getElementById(threat);
        if (heading) heading.hidden = inGroup === 0;
        group.hidden = inGroup === 0;
        const groupCount = group.querySelector(".afkb-n");
        if (groupCount) groupCount.textContent = "(" + inGroup + ")";
        root.querySelectorAll("[data-toc-threat]").forEach(function (item) {
          if (item.dataset.tocThreat !== threat) return;
          item.hidden = inGroup === 0;
          item.querySelector(".afkb-n").textContent = "(" + inGroup + ")";
        });
        // The theme's own table of contents: leave out groups with nothing to show.
        document.querySelectorAll(".md-nav--secondary a.md-nav__link").forEach(function (link) {
          if (link.getAttribute("href") === "#" + threat) link.parentElement.hidden = inGroup === 0;
        });
      });
      if (count) count.textContent = shown + " of " + total + " takeaways";
    }

    select.addEventListener("change", function () { update(); remember([select]); });
    restore([select]);
    update();
  }

  function init() {
    document.querySelectorAll("table[data-afkb-browse]").forEach(setupBrowse);
    document.querySelectorAll("[data-afkb-takeaways]").forEach(setupTakeaways);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
