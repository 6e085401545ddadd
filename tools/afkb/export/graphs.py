"""The citation graph as GraphML (Gephi, Cytoscape, yEd) and node-link JSON (networkx, D3)."""

from __future__ import annotations

import json

import networkx as nx

NODE_KEYS = {
    "label": "string",
    "kind": "string",
    "year": "int",
    "tags": "string",
    "wanted": "boolean",
    "arxiv": "string",
    "doi": "string",
}
EDGE_KEYS = {"type": "string"}


def _escape(text: str) -> str:
    if "&" in text or "<" in text or ">" in text:  # most labels and ids need nothing
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def _attribute(text: str) -> str:
    """A quoted XML attribute value; whitespace characters are kept as character references."""
    escaped = _escape(text)
    if '"' in escaped:
        escaped = escaped.replace('"', "&quot;")
    if "\n" in escaped or "\r" in escaped or "\t" in escaped:
        escaped = escaped.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    return '"' + escaped + '"'


def _data(attributes: dict[str, object], keys: dict[str, str]) -> str:
    parts = []
    for name, kind in keys.items():
        if name in attributes:
            value = attributes[name]
            if kind == "boolean":
                text = "true" if value else "false"
            else:
                text = _escape(value if type(value) is str else str(value))
            parts.append(f'<data key="{name}">{text}</data>')
    return "".join(parts)


def export_graphml(graph: nx.MultiDiGraph[str]) -> str:
    """GraphML with typed keys named after the attributes, as networkx's reader expects."""
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        (
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
            'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
        ),
    ]
    lines += [
        f'<key id="{name}" for="node" attr.name="{name}" attr.type="{kind}"/>' for name, kind in NODE_KEYS.items()
    ]
    lines += [
        f'<key id="{name}" for="edge" attr.name="{name}" attr.type="{kind}"/>' for name, kind in EDGE_KEYS.items()
    ]
    lines.append('<graph edgedefault="directed">')
    lines += [
        f"<node id={_attribute(str(node))}>{_data(data, NODE_KEYS)}</node>" for node, data in graph.nodes(data=True)
    ]
    lines += [
        f"<edge source={_attribute(str(u))} target={_attribute(str(v))}>{_data(data, EDGE_KEYS)}</edge>"
        for u, v, data in graph.edges(data=True)
    ]
    lines += ["</graph>", "</graphml>"]
    return "\n".join(lines) + "\n"


def export_graph_json(graph: nx.MultiDiGraph[str]) -> str:
    """networkx's node-link format, as networkx writes it."""
    data = nx.node_link_data(graph, edges="edges")
    return json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n"
