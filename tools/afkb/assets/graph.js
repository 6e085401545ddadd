// The citation graph (Cytoscape.js, copied from npm into the site).
// Plain DOM code; reads only data the page itself carries and never inserts text as HTML.
(function () {
  "use strict";

  const EDGE_COLOURS = {
    "cites": "#9e9e9e", "builds-on": "#E69F00", "extends": "#F0E442", "uses-data-from": "#56B4E9",
    "evaluates": "#0072B2", "attacks": "#D55E00", "defends-against": "#009E73", "critiques": "#CC79A7",
    "confirms": "#000000", "compares-with": "#666666"
  };

  function setupGraph(container) {
    const dataNode = document.getElementById("afkb-graph-data");
    if (!dataNode || typeof window.cytoscape !== "function") return;
    const data = JSON.parse(dataNode.textContent);
    const elements = [];
    data.nodes.forEach(function (n) {
      elements.push({ group: "nodes", data: { id: n.id, title: n.title, kind: n.kind, tags: n.tags, colour: n.colour, url: n.url, year: n.year, size: 12 + 3 * Math.sqrt(n.cited) } });
    });
    data.edges.forEach(function (e, i) {
      elements.push({ group: "edges", data: { id: "e" + i, source: e.source, target: e.target, type: e.type, colour: EDGE_COLOURS[e.type] || "#999" } });
    });
    const cy = window.cytoscape({
      container: container,
      elements: elements,
      style: [
        { selector: "node", style: { "background-color": "data(colour)", "width": "data(size)", "height": "data(size)", "label": "data(id)", "font-size": 7, "color": "#333", "text-valign": "bottom", "text-margin-y": 2 } },
        { selector: "edge", style: { "width": 1.2, "line-color": "data(colour)", "target-arrow-color": "data(colour)", "target-arrow-shape": "triangle", "arrow-scale": 0.7, "curve-style": "bezier" } },
        { selector: ".afkb-dim", style: { "opacity": 0.12 } }
      ],
      layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: function () { return 400000; }, idealEdgeLength: function () { return 90; }, nodeOverlap: 20, gravity: 40, numIter: 2000, componentSpacing: 60 },
      wheelSensitivity: 0.3
    });
    const tooltip = document.createElement("div");
    tooltip.className = "afkb-graph-tooltip";
    tooltip.hidden = true;
    document.body.appendChild(tooltip);
    cy.on("mouseover", "node", function (event) {
      const node = event.target;
      tooltip.textContent = node.data("title") + " (" + node.data("year") + ", " + node.data("kind") + ")";
      tooltip.hidden = false;
    });
    cy.on("mousemove", "node", function (event) {
      tooltip.style.left = event.originalEvent.clientX + 12 + "px";
      tooltip.style.top = event.originalEvent.clientY + 12 + "px";
    });
    cy.on("mouseout", "node", function () { tooltip.hidden = true; });
    cy.on("tap", "node", function (event) { window.location.href = event.target.data("url"); });
    const selects = document.querySelectorAll("[data-graph-filter]");
    function filter() {
      const want = {};
      selects.forEach(function (s) { want[s.dataset.graphFilter] = s.value; });
      cy.nodes().forEach(function (node) {
        const ok = (!want.kind || node.data("kind") === want.kind) && (!want.tag || node.data("tags").indexOf(want.tag) !== -1);
        node.toggleClass("afkb-dim", !ok);
      });
    }
    selects.forEach(function (s) { s.addEventListener("change", filter); });
    container.afkbGraph = cy;
    window.afkbGraph = cy;
  }

  function init() {
    const graph = document.getElementById("afkb-graph");
    if (graph) setupGraph(graph);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
