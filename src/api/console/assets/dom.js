// Small DOM helpers: every node is built with createElement and textContent, never from HTML
// strings, so nothing the API returns can become markup.

const SVG = "http://www.w3.org/2000/svg";

function build(node, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "on") {
      for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    } else if (key === "dataset") {
      Object.assign(node.dataset, value);
    } else if (value === true) {
      node.setAttribute(key, "");
    } else {
      node.setAttribute(key, String(value));
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** An HTML element: h("p", {class: "x"}, "text", h("b", {}, "bold")). */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** An SVG element. */
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG, tag), attrs, children);
}

/** Replaces the children of `node`. */
export function replace(node, ...children) {
  node.replaceChildren();
  return build(node, {}, children);
}

/** A short date and time in the reader's locale, in a <time> element. */
export function time(iso) {
  if (!iso) return "–";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return h(
    "time",
    { datetime: iso, title: date.toISOString() },
    date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }),
  );
}

/** How long ago, in words ("3 h", "2 d"). */
export function age(iso, now = Date.now()) {
  const ms = now - new Date(iso).getTime();
  if (!Number.isFinite(ms)) return "–";
  const minutes = Math.max(0, Math.floor(ms / 60000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}

/** A verdict (`clear`, `review`, `reject`) as a labelled badge: the word, not only the colour. */
export function verdictBadge(verdict) {
  return h("span", { class: `badge verdict-${verdict}` }, verdict);
}

/** Says something in the polite live region (screen readers announce it). */
export function say(message) {
  const status = document.getElementById("status");
  status.textContent = "";
  // A new text node after a tick, so the same message twice is announced twice.
  setTimeout(() => {
    status.textContent = message;
  }, 30);
}

/** A problem document (RFC 9457) as a box: title, status, detail, and what to do about it. */
export function problemBox(error, what) {
  const problem = error.problem || { title: "Something went wrong", detail: String(error) };
  const hint =
    error.status === 401
      ? "The token is missing, invalid or expired: sign out and paste a fresh one."
      : error.status === 403
        ? "The token lacks a scope this needs (a reviewer needs verdicts:read and reviews:write)."
        : null;
  return h(
    "div",
    { class: "problem", role: "alert", dataset: { status: String(error.status ?? "") } },
    h("p", { class: "problem-title" }, what ? `${what}: ` : "", problem.title || "Error",
      error.status ? ` (${error.status})` : ""),
    problem.detail ? h("p", { class: "problem-detail" }, problem.detail) : null,
    Array.isArray(problem.errors) && problem.errors.length
      ? h("ul", {}, problem.errors.map((e) => h("li", {}, `${e.pointer || "(body)"}: ${e.detail}`)))
      : null,
    hint ? h("p", { class: "problem-hint" }, hint) : null,
  );
}
