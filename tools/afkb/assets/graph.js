// The citation graph (Cytoscape.js, copied from npm into the site).
// Plain DOM code; reads only data the page itself carries and never inserts text as HTML.
// Positions are computed when the site is built (a "preset" layout), so the graph looks the same
// on every load. The same papers and relations are listed as text below the graph.
(function () {
  "use strict";

  const WHEEL_ZOOM_RATE = 0.002; // per pixel of wheel delta: one notch (100 px) zooms by about 1.22
  const PINCH_ZOOM_RATE = 0.01; // trackpad pinches arrive as ctrl+wheel with small deltas
  const BUTTON_ZOOM = 1.5;
  const FOCUS_ZOOM = 1.2; // zoom at least this far when showing a found paper
  const NARROW = "(pointer: coarse), (max-width: 47.9375em)";
  const LABEL_SIZE = 14; // model units; a label shows only while it is at least MIN_TEXT px on screen
  const HUB_LABEL_SIZE = 20; // the most cited papers, labelled from further out
  const MIN_TEXT = 12;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function colours(container) {
    const style = window.getComputedStyle(container);
    return { fg: style.color, bg: style.backgroundColor && style.backgroundColor !== "rgba(0, 0, 0, 0)" ? style.backgroundColor : "#fff" };
  }

  function stylesheet(c) {
    return [
      { selector: "node", style: {
        "background-color": "data(colour)", "width": "data(size)", "height": "data(size)", "label": "data(label)",
        "font-size": LABEL_SIZE, "color": c.fg, "text-valign": "bottom", "text-margin-y": 3,
        "text-outline-color": c.bg, "text-outline-width": 2, "border-width": 1, "border-color": c.fg, "border-opacity": 0.35, "text-max-width": 320, "text-wrap": "ellipsis"
      } },
      { selector: "node.afkb-hub", style: { "font-size": HUB_LABEL_SIZE } },
      { selector: "node.afkb-small", style: { "label": "" } },
      { selector: "edge", style: {
        "width": 1.4, "line-color": "data(colour)", "line-style": "data(line)", "target-arrow-color": "data(colour)",
        "target-arrow-shape": "triangle", "arrow-scale": 0.8, "curve-style": "bezier"
      } },
      { selector: ".afkb-faded", style: { "opacity": 0.15, "text-opacity": 0 } },
      { selector: "node.afkb-near", style: { "label": "data(label)", "font-size": LABEL_SIZE, "z-index": 10 } },
      { selector: "edge.afkb-near", style: { "width": 2.5, "z-index": 10 } },
      { selector: "node.afkb-focus", style: { "border-width": 3, "border-color": c.fg, "font-weight": "bold" } },
      { selector: "node.afkb-path", style: { "border-width": 3, "border-color": c.fg, "label": "data(label)", "font-size": LABEL_SIZE, "z-index": 20 } },
      { selector: "edge.afkb-path", style: { "width": 5, "z-index": 20 } },
      { selector: ".afkb-dim", style: { "opacity": 0.1 } }
    ];
  }

  function setupGraph(app) {
    const container = app.querySelector("#afkb-graph");
    const dataNode = document.getElementById("afkb-graph-data");
    if (!container || !dataNode || typeof window.cytoscape !== "function") return;
    app.hidden = false;
    const data = JSON.parse(dataNode.textContent);
    const cited = data.nodes.map(function (n) { return n.cited; }).sort(function (a, b) { return b - a; });
    const hubCitations = Math.max(1, cited[Math.min(14, cited.length - 1)] || 1);
    const elements = [];
    data.nodes.forEach(function (n) {
      elements.push({
        group: "nodes", position: { x: n.position[0], y: n.position[1] }, classes: n.cited >= hubCitations ? "afkb-hub" : "",
        data: { id: n.id, label: n.short, title: n.title, kind: n.kind, tags: n.tags, colour: n.colour, url: n.url, year: n.year, size: 14 + 4 * Math.sqrt(n.cited) }
      });
    });
    data.edges.forEach(function (e, i) {
      const style = data.edgeStyles[e.type] || { colour: "#9e9e9e", dashed: true };
      elements.push({ group: "edges", data: { id: "e" + i, source: e.source, target: e.target, type: e.type, colour: style.colour, line: style.dashed ? "dashed" : "solid" } });
    });
    let interactive = false;
    // While panning is off, touches on the graph never reach cytoscape (this listener is added
    // first and stops them), so the page scrolls; a tap still selects a paper through the mouse
    // events the browser sends after it.
    container.addEventListener("touchstart", function (event) {
      if (!interactive) event.stopImmediatePropagation();
    }, { capture: true, passive: true });
    const cy = window.cytoscape({
      container: container, elements: elements, style: stylesheet(colours(container)),
      layout: { name: "preset", fit: true, padding: 24 }, minZoom: 0.15, maxZoom: 4,
      boxSelectionEnabled: false, autoungrabify: true, autounselectify: true
    });
    // Labels smaller than MIN_TEXT pixels are hidden (cytoscape's min-zoomed-font-size is applied
    // at power-of-two zoom steps only); highlighted papers keep theirs, and highlighting zooms in
    // far enough to read them.
    function labelSizes() {
      const zoom = cy.zoom();
      cy.batch(function () {
        cy.nodes().forEach(function (n) {
          n.toggleClass("afkb-small", (n.hasClass("afkb-hub") ? HUB_LABEL_SIZE : LABEL_SIZE) * zoom < MIN_TEXT);
        });
      });
    }
    let labelFrame = 0;
    cy.on("zoom", function () {
      if (!labelFrame) labelFrame = window.requestAnimationFrame(function () { labelFrame = 0; labelSizes(); });
    });
    labelSizes();
    function readable(around) {
      if (cy.zoom() * LABEL_SIZE < MIN_TEXT) cy.zoom({ level: MIN_TEXT / LABEL_SIZE, renderedPosition: around });
      labelSizes();
    }
    const byTitle = new Map();
    cy.nodes().forEach(function (n) { byTitle.set(n.data("title").toLowerCase(), n); });

    // Theme changes (Material's light/dark toggle) recolour the labels.
    new MutationObserver(function () { cy.style(stylesheet(colours(container))); })
      .observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });

    const status = app.querySelector("[data-graph-status]");
    function say(text) { if (status) status.textContent = text; }

    // --- finding papers by title or id
    function resolve(query) {
      const q = query.trim().toLowerCase();
      if (!q) return null;
      const byId = cy.getElementById(query.trim());
      if (byId.nonempty() && byId.isNode()) return byId;
      if (byTitle.has(q)) return byTitle.get(q);
      const hits = cy.nodes().filter(function (n) { return n.data("title").toLowerCase().indexOf(q) !== -1 || n.id().toLowerCase().indexOf(q) !== -1; });
      return hits.nonempty() ? hits.sort(function (a, b) { return a.data("title").localeCompare(b.data("title")); })[0] : null;
    }

    // --- highlighting: a paper's neighbourhood, or a path
    const panel = app.querySelector("[data-graph-panel]");
    function clearHighlight() {
      cy.elements().removeClass("afkb-faded afkb-near afkb-focus afkb-path");
      if (panel) panel.hidden = true;
    }
    function showPanel(node) {
      if (!panel) return;
      panel.querySelector("[data-graph-panel-title]").textContent = node.data("title");
      const out = node.outgoers("edge").length;
      const inc = node.incomers("edge").length;
      panel.querySelector("[data-graph-panel-meta]").textContent =
        node.data("year") + ", " + node.data("kind") + "; " + out + " relation" + (out === 1 ? "" : "s") + " out, " + inc + " in";
      panel.querySelector("[data-graph-panel-link]").href = node.data("url");
      panel.hidden = false;
    }
    function highlight(node) {
      const hood = node.closedNeighborhood();
      cy.batch(function () {
        clearHighlight();
        cy.elements().not(hood).addClass("afkb-faded");
        hood.addClass("afkb-near");
        node.addClass("afkb-focus");
      });
      showPanel(node);
      say(node.data("title") + ": " + (hood.nodes().length - 1) + " connected papers highlighted.");
    }

    cy.on("tap", "node", function (event) {
      highlight(event.target);
      readable(event.target.renderedPosition());
    });
    cy.on("tap", function (event) { if (event.target === cy) { clearHighlight(); say(""); } });
    cy.on("mouseover", "node", function (event) { container.title = event.target.data("title"); });
    cy.on("mouseout", "node", function () { container.title = ""; });

    // A box of inputs and a button (no <form>: generated pages carry no forms): the button or Enter runs it.
    function onRun(box, run) {
      if (!box) return;
      box.querySelector("button").addEventListener("click", run);
      box.querySelectorAll("input").forEach(function (input) {
        input.addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); run(); } });
      });
    }
    const findForm = app.querySelector("[data-graph-find]");
    onRun(findForm, function () {
      const query = findForm.querySelector("input").value;
      const node = resolve(query);
      if (!node) { say("No paper matches \u201c" + query.trim() + "\u201d."); return; }
      highlight(node);
      const zoom = Math.max(cy.zoom(), FOCUS_ZOOM);
      const at = node.position(); // the dot itself in the middle (cy.center would centre dot and label)
      cy.viewport({ zoom: zoom, pan: { x: container.clientWidth / 2 - at.x * zoom, y: container.clientHeight / 2 - at.y * zoom } });
      labelSizes();
    });

    // --- lineage path: the shortest chain of relations from one paper to another (as `afkb graph path`)
    function shortestPath(source, target) {
      const previous = new Map([[source.id(), null]]);
      const queue = [source];
      while (queue.length) {
        const node = queue.shift();
        if (node.same(target)) break;
        node.outgoers("node").sort(function (a, b) { return a.id() < b.id() ? -1 : 1; }).forEach(function (next) {
          if (!previous.has(next.id())) { previous.set(next.id(), node); queue.push(next); }
        });
      }
      if (!previous.has(target.id())) return null;
      const nodes = [target];
      for (let n = previous.get(target.id()); n; n = previous.get(n.id())) nodes.unshift(n);
      return nodes;
    }
    const steps = app.querySelector("[data-graph-path-steps]");
    function showPath(nodes) {
      let eles = cy.collection();
      steps.replaceChildren();
      nodes.forEach(function (n, i) {
        eles = eles.union(n);
        if (i === 0) return;
        const from = nodes[i - 1];
        const edges = from.edgesTo(n);
        eles = eles.union(edges);
        const item = el("li");
        const a = el("a", "", from.data("label")); a.href = from.data("url"); a.title = from.data("title");
        const b = el("a", "", n.data("label")); b.href = n.data("url"); b.title = n.data("title");
        const types = edges.map(function (e) { return e.data("type"); }).sort().join("/");
        item.append(a, " \u2014 " + types.replace(/-/g, " ") + " \u2192 ", b);
        steps.appendChild(item);
      });
      cy.batch(function () {
        clearHighlight();
        cy.elements().not(eles).addClass("afkb-faded");
        eles.addClass("afkb-path");
      });
      cy.fit(eles, 40);
      readable({ x: container.clientWidth / 2, y: container.clientHeight / 2 });
    }
    const pathForm = app.querySelector("[data-graph-path]");
    onRun(pathForm, function () {
      const fromQuery = pathForm.querySelector("[data-graph-path-from]").value;
      const toQuery = pathForm.querySelector("[data-graph-path-to]").value;
      const source = resolve(fromQuery);
      const target = resolve(toQuery);
      steps.replaceChildren();
      if (!source || !target) { say("No paper matches \u201c" + (source ? toQuery : fromQuery).trim() + "\u201d."); return; }
      if (source.same(target)) { say("Choose two different papers."); return; }
      let nodes = shortestPath(source, target);
      if (nodes) { showPath(nodes); say("A chain of " + (nodes.length - 1) + " relation" + (nodes.length === 2 ? "" : "s") + " from " + source.data("label") + " to " + target.data("label") + "."); return; }
      nodes = shortestPath(target, source);
      if (nodes) { showPath(nodes); say("No chain of relations leads from " + source.data("label") + " to " + target.data("label") + "; the one shown leads the other way, in " + (nodes.length - 1) + " steps."); return; }
      clearHighlight();
      say("No chain of relations connects " + source.data("label") + " and " + target.data("label") + " in either direction.");
    });

    // --- filters: kinds and tags dim papers, relation types dim edges; an edge to a dimmed paper is dimmed too
    const selects = app.querySelectorAll("[data-graph-filter]");
    const typeBoxes = app.querySelectorAll("[data-graph-edge-type]");
    function filter() {
      const want = {};
      selects.forEach(function (s) { want[s.dataset.graphFilter] = s.value; });
      const types = new Set();
      typeBoxes.forEach(function (box) { if (box.checked) types.add(box.dataset.graphEdgeType); });
      cy.batch(function () {
        cy.nodes().forEach(function (node) {
          const ok = (!want.kind || node.data("kind") === want.kind) && (!want.tag || node.data("tags").indexOf(want.tag) !== -1);
          node.toggleClass("afkb-dim", !ok);
        });
        cy.edges().forEach(function (edge) {
          edge.toggleClass("afkb-dim", !types.has(edge.data("type")) || edge.source().hasClass("afkb-dim") || edge.target().hasClass("afkb-dim"));
        });
      });
      say(cy.nodes().not(".afkb-dim").length + " of " + cy.nodes().length + " papers and " + cy.edges().not(".afkb-dim").length + " of " + cy.edges().length + " relations shown at full strength.");
    }
    selects.forEach(function (s) { s.addEventListener("change", filter); });
    typeBoxes.forEach(function (box) { box.addEventListener("change", filter); });

    // --- zoom and panning. The wheel zooms at a sensible rate only while panning and zooming are on;
    // otherwise (the default on phones and narrow screens) wheel and touch scroll the page.
    const interact = app.querySelector("[data-graph-interact]");
    function setInteractive(on) {
      interactive = on;
      cy.userPanningEnabled(on);
      cy.userZoomingEnabled(on); // pinch; the wheel is handled below and never reaches cytoscape
      container.classList.toggle("afkb-graph--interactive", on);
      if (interact) interact.setAttribute("aria-pressed", on ? "true" : "false");
    }
    setInteractive(!window.matchMedia(NARROW).matches);
    if (interact) interact.addEventListener("click", function () { setInteractive(!interactive); });
    container.parentNode.addEventListener("wheel", function (event) {
      event.stopPropagation(); // cytoscape's own wheel zoom needs about 25 notches to double
      if (!interactive) return;
      event.preventDefault();
      const rate = event.ctrlKey ? PINCH_ZOOM_RATE : WHEEL_ZOOM_RATE;
      const delta = event.deltaMode === 1 ? event.deltaY * 33 : event.deltaY;
      const box = container.getBoundingClientRect();
      cy.zoom({ level: cy.zoom() * Math.exp(-delta * rate), renderedPosition: { x: event.clientX - box.left, y: event.clientY - box.top } });
    }, { capture: true, passive: false });
    app.querySelectorAll("[data-graph-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        const how = button.dataset.graphZoom;
        if (how === "fit") { cy.fit(undefined, 24); return; }
        const box = container.getBoundingClientRect();
        cy.zoom({ level: cy.zoom() * (how === "in" ? BUTTON_ZOOM : 1 / BUTTON_ZOOM), renderedPosition: { x: box.width / 2, y: box.height / 2 } });
      });
    });
    const clear = app.querySelector("[data-graph-clear]");
    if (clear) clear.addEventListener("click", function () { clearHighlight(); steps.replaceChildren(); say(""); });

    container.afkbGraph = cy;
    window.afkbGraph = cy;
  }

  function init() {
    const app = document.querySelector("[data-afkb-graph]");
    if (app) setupGraph(app);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
