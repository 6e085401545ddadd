// Reads a CSL-JSON or RIS export with citation.js (as Zotero-like tools do) and prints, as JSON,
// each item's id, its authors as citation.js understood them, and its APA reference as text.
// Usage: node tests/citationjs.mjs FILE csl|ris
import { readFileSync } from "node:fs";
import { Cite } from "@citation-js/core";
import "@citation-js/plugin-csl";
import "@citation-js/plugin-ris";

const [file, kind] = process.argv.slice(2);
const text = readFileSync(file, "utf8");
const cite = kind === "csl" ? new Cite(JSON.parse(text), { forceType: "@csl/list+object" }) : new Cite(text, { forceType: "@ris/file" });
const items = cite.data.map((item) => ({
  id: item.id,
  title: item.title,
  authors: (item.author || []).map((a) => ({
    given: a.given || "",
    family: a.family || "",
    particle: a["non-dropping-particle"] || "",
    suffix: a.suffix || "",
    literal: a.literal || "",
  })),
  reference: new Cite(item).format("bibliography", { format: "text", template: "apa", lang: "en-US" }).trim(),
}));
process.stdout.write(JSON.stringify(items));
