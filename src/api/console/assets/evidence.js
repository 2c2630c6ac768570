// Signals, evidence and causes in words.

import { h, time } from "./dom.js";

/** The signal families, by reason-code prefix (docs/signals.md), in the order the page shows them. */
export const CATEGORIES = [
  ["SAN_", "Sanctions lists"],
  ["LNK_", "Links to other applications"],
  ["ID_", "Identity and documents"],
  ["NET_", "Network and sessions"],
  ["PAY_", "Payout account"],
];

export function categoryOf(code) {
  const found = CATEGORIES.find(([prefix]) => code.startsWith(prefix));
  if (found) return found;
  const prefix = code.includes("_") ? code.slice(0, code.indexOf("_") + 1) : code;
  return [prefix, `Other (${prefix})`];
}

/** Groups signals by their code prefix: [[prefix, title, signals], …], known families first. */
export function groupSignals(signals) {
  const groups = new Map();
  for (const signal of signals) {
    const [prefix, title] = categoryOf(signal.code);
    if (!groups.has(prefix)) groups.set(prefix, [prefix, title, []]);
    groups.get(prefix)[2].push(signal);
  }
  const order = CATEGORIES.map(([p]) => p);
  return [...groups.values()].sort((a, b) => {
    const ia = order.indexOf(a[0]);
    const ib = order.indexOf(b[0]);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a[0].localeCompare(b[0]);
  });
}

const WORDS = {
  dob: "date of birth",
  ip: "IP address",
  ips: "IP addresses",
  asn: "network (ASN)",
  iban: "IBAN",
  bic: "BIC",
  mrz: "machine-readable zone",
  id: "id",
  tz: "time zone",
};

/** `residence_region` → "Residence region". */
export function humanize(key) {
  const words = String(key)
    .split("_")
    .map((w) => WORDS[w] || w);
  const text = words.join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A value of the evidence in words; arrays as lists, objects as nested definitions. */
export function valueInWords(value, linkTo) {
  if (value === null || value === undefined) return "none";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") {
    if (linkTo && linkTo(value)) return linkTo(value);
    return value;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return "none";
    if (value.every((v) => typeof v !== "object" || v === null)) {
      return h("span", {}, value.map((v, i) => [i ? ", " : "", valueInWords(v, linkTo)]));
    }
    return h("ol", { class: "evidence-list" }, value.map((v) => h("li", {}, valueInWords(v, linkTo))));
  }
  return evidenceList(value, linkTo);
}

/** Evidence as a definition list of humanised keys and values. */
export function evidenceList(evidence, linkTo) {
  const entries = Object.entries(evidence || {});
  if (entries.length === 0) return h("p", { class: "muted" }, "No further evidence.");
  return h(
    "dl",
    { class: "evidence" },
    entries.map(([key, value]) => [h("dt", {}, humanize(key)), h("dd", {}, valueInWords(value, linkTo))]),
  );
}

/** Why a verdict version exists, in words; `names` maps application ids to their external_ref. */
export function causeInWords(cause, names) {
  if (!cause) return "Stored before causes were kept";
  const main = (() => {
    switch (cause.kind) {
      case "submission":
        return "Submitted by the platform";
      case "resubmission":
        return "Submitted again by the platform";
      case "list_change":
        return `Sanctions list ${cause.list ?? "?"} changed${cause.list_version ? ` (version ${cause.list_version})` : ""}`;
      case "link":
        return cause.application_id
          ? `A linked application changed: ${names?.get(cause.application_id) || cause.application_id}`
          : "A linked application was erased, or the index was rebuilt";
      case "review":
        return `Reviewer ${cause.actor ?? "?"} decided`;
      case "policy_change":
        return `The tenant's policy changed${cause.actor ? ` (by ${cause.actor})` : ""}`;
      case "intel_change":
        return "Intelligence about the application changed";
      default:
        return humanize(cause.kind || "unknown");
    }
  })();
  const also = Array.isArray(cause.also) ? cause.also.length + (cause.also_more || 0) : 0;
  return also ? `${main}; and ${also} more cause${also === 1 ? "" : "s"} queued meanwhile` : main;
}

const DECISIONS = {
  approved: "approved (clear until new evidence arrives)",
  rejected: "rejected (a confirmed case)",
  escalated: "escalated to the second line",
};

/** The latest reviewer decision as a small block. */
export function reviewBlock(review) {
  if (!review) return h("p", { class: "muted" }, "No reviewer has decided yet.");
  const fresh = review.new_evidence;
  return h(
    "div",
    { class: "review" },
    h("p", {}, h("strong", {}, review.reviewer), " ", DECISIONS[review.decision] || review.decision, " on ",
      time(review.decided_at), "."),
    review.note ? h("blockquote", {}, review.note) : null,
    fresh
      ? h("div", { class: "new-evidence" },
          h("p", {}, h("strong", {}, "Reopened: "), "a later screening found evidence the reviewer had not seen."),
          evidenceList(fresh))
      : null,
  );
}
