// The linked applications as a small SVG graph: this application in the middle, each linked one
// around it, an edge per link labelled with what the two share. Built from the links the API and
// the verdict's LNK_ evidence name; no layout library.

import { s } from "./dom.js";

const WIDTH = 640;
const MAX_NODES = 12;

function short(text, n = 16) {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

function node(x, y, item, centre) {
  const label = item.external_ref || item.id.slice(0, 8);
  const verdict = item.verdict || "unknown";
  const shape = [
    s("circle", { cx: x, cy: y, r: centre ? 30 : 22, class: `node verdict-${verdict}` }),
    s("text", { x, y: y + (centre ? 46 : 38), class: "node-label", "text-anchor": "middle" }, short(label)),
    s("text", { x, y: y + 4, class: "node-verdict", "text-anchor": "middle" }, verdict),
  ];
  if (centre) return s("g", { class: "centre" }, shape);
  const shared = item.shared.length ? `, shares ${item.shared.join(", ").replace(/_/g, " ")}` : "";
  return s(
    "a",
    { href: `#/applications/${encodeURIComponent(item.id)}`, "aria-label": `${label}, verdict ${verdict}${shared}` },
    shape,
  );
}

/**
 * `centre`: {id, external_ref, verdict}; `linked`: [{id, external_ref?, verdict?, shared: [kind]}].
 * Returns an <svg> (a group of links, so each node is reachable with the keyboard).
 */
export function linkGraph(centre, linked) {
  const shown = linked.slice(0, MAX_NODES);
  // One or two neighbours sit left and right of the centre on a low canvas; more go round it.
  const HEIGHT = shown.length <= 2 ? 180 : 340;
  const cx = WIDTH / 2;
  const cy = HEIGHT / 2 - 10;
  const rx = WIDTH / 2 - 90;
  const ry = HEIGHT / 2 - 60;
  const placed = shown.map((item, i) => {
    const angle = (2 * Math.PI * i) / shown.length;
    return { item, x: Math.round(cx + rx * Math.cos(angle)), y: Math.round(cy + ry * Math.sin(angle)) };
  });
  const edges = placed.map(({ item, x, y }) => {
    const mx = (cx + x) / 2;
    const my = (cy + y) / 2;
    const text = item.shared.length ? item.shared.join(" · ").replace(/_/g, " ") : "linked";
    return s(
      "g",
      { class: "edge" },
      s("line", { x1: cx, y1: cy, x2: x, y2: y }),
      s("text", { x: mx, y: my - 4, "text-anchor": "middle", class: "edge-label" }, short(text, 28)),
    );
  });
  const more = linked.length - shown.length;
  return s(
    "svg",
    {
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      class: "graph",
      role: "group",
      "aria-label": `${centre.external_ref} and ${linked.length} linked application${linked.length === 1 ? "" : "s"}`,
    },
    edges,
    placed.map(({ item, x, y }) => node(x, y, item, false)),
    node(cx, cy, { ...centre, shared: [] }, true),
    more > 0
      ? s("text", { x: WIDTH - 8, y: HEIGHT - 8, "text-anchor": "end", class: "edge-label" }, `and ${more} more (see the table)`)
      : null,
  );
}
