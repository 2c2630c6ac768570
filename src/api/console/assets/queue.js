// The case queue: GET /v1/cases (status, holder, page size and cursor asked of the API), with the
// verdict and waiting-time filters applied to the cases of the page, and a claim button per case.

import { get, post, seg } from "./api.js";
import { age, h, problemBox, replace, say, time, verdictBadge } from "./dom.js";
import { causeInWords } from "./evidence.js";

const STATUSES = [
  ["open", "Open"],
  ["escalated", "Escalated"],
  ["decided", "Decided"],
];
const VERDICTS = [
  ["", "Any verdict"],
  ["reject", "reject"],
  ["review", "review"],
  ["clear", "clear"],
];
const AGES = [
  ["", "Any time"],
  ["1", "1 hour or more"],
  ["4", "4 hours or more"],
  ["24", "1 day or more"],
  ["168", "1 week or more"],
];
const LIMITS = ["20", "50", "100", "200"];

// Cursors of the pages before this one, for "Previous page" (reset when the filters change).
let previous = [];
let previousKey = "";

function select(id, label, options, value) {
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    h(
      "select",
      { id, name: id },
      options.map(([v, text]) => h("option", { value: v, selected: v === value }, text)),
    ),
  );
}

function holderCell(assignee, me) {
  if (!assignee) return h("span", { class: "muted" }, "nobody");
  const who = assignee.reviewer === me ? "you" : assignee.reviewer;
  return h("span", {}, who, " until ", time(assignee.until));
}

/** Renders the queue for the route's parameters into `main`. */
export async function renderQueue(main, params, ctx) {
  const status = STATUSES.some(([s]) => s === params.get("status")) ? params.get("status") : "open";
  const verdict = params.get("verdict") || "";
  const minAge = params.get("age") || "";
  const mine = params.get("mine") === "1";
  const limit = LIMITS.includes(params.get("limit")) ? params.get("limit") : "50";
  const cursor = params.get("cursor") || "";
  const key = `${status}|${mine}|${limit}`;
  if (key !== previousKey || !cursor) {
    previous = [];
    previousKey = key;
  }

  const go = (changes) => {
    const next = new URLSearchParams({ status, verdict, age: minAge, limit, ...(mine ? { mine: "1" } : {}) });
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === "") next.delete(k);
      else next.set(k, v);
    }
    for (const [k, v] of [...next.entries()]) if (!v) next.delete(k);
    ctx.navigate(`#/queue?${next}`);
  };

  const filters = h(
    "form",
    {
      class: "filters",
      role: "search",
      "aria-label": "Filter the cases",
      on: {
        submit: (event) => {
          event.preventDefault();
          const form = event.currentTarget;
          go({
            status: form.elements["f-status"].value,
            verdict: form.elements["f-verdict"].value,
            age: form.elements["f-age"].value,
            limit: form.elements["f-limit"].value,
            mine: form.elements["f-mine"].checked ? "1" : null,
            cursor: null,
          });
        },
      },
    },
    select("f-status", "Status", STATUSES, status),
    select("f-verdict", "Verdict", VERDICTS, verdict),
    select("f-age", "Waiting", AGES, minAge),
    select("f-limit", "Cases a page", LIMITS.map((l) => [l, l]), limit),
    h(
      "div",
      { class: "field check" },
      h("input", { type: "checkbox", id: "f-mine", name: "f-mine", checked: mine }),
      h("label", { for: "f-mine" }, "Only cases I hold"),
    ),
    h("button", { type: "submit" }, "Show cases"),
  );
  const problems = h("div", { id: "queue-problem" });
  const result = h("div", { id: "queue-result", "aria-busy": "true" }, h("p", {}, "Loading the queue…"));
  replace(
    main,
    h("h1", {}, "Case queue"),
    filters,
    h(
      "p",
      { class: "note" },
      "Status, holder and page size are asked of the API; the verdict and waiting-time filters apply to the cases of this page.",
    ),
    problems,
    result,
  );

  const query = new URLSearchParams({ status, limit });
  if (mine && ctx.claims?.sub) query.set("assignee", ctx.claims.sub);
  if (cursor) query.set("cursor", cursor);
  let page;
  try {
    page = await get(`/v1/cases?${query}`);
  } catch (error) {
    replace(result, problemBox(error, "The queue could not be read"));
    result.removeAttribute("aria-busy");
    say(`The queue could not be read: ${error.message}`);
    return;
  }
  result.removeAttribute("aria-busy");

  const now = Date.now();
  const shown = page.items.filter(
    (c) =>
      (!verdict || c.verdict === verdict) &&
      (!minAge || now - new Date(c.since).getTime() >= Number(minAge) * 3600 * 1000),
  );
  const hidden = page.items.length - shown.length;
  const me = ctx.claims?.sub;

  const rows = shown.map((c) => {
    const holder = h("td", { class: "holder" }, holderCell(c.assignee, me));
    const claimable = c.status !== "decided";
    const button = claimable
      ? h(
          "button",
          {
            type: "button",
            class: "claim",
            "aria-label": `Claim ${c.external_ref}`,
            on: {
              click: async () => {
                button.disabled = true;
                replace(problems);
                try {
                  const claim = await post(`/v1/cases/${seg(c.application_id)}/claim`);
                  replace(holder, holderCell({ reviewer: claim.reviewer, until: claim.until }, me));
                  button.textContent = "Renew claim";
                  say(`You hold ${c.external_ref} until ${new Date(claim.until).toLocaleTimeString()}.`);
                } catch (error) {
                  replace(problems, problemBox(error, `${c.external_ref} could not be claimed`));
                  say(`${c.external_ref} could not be claimed: ${error.message}`);
                } finally {
                  button.disabled = false;
                }
              },
            },
          },
          c.assignee && c.assignee.reviewer === me ? "Renew claim" : "Claim",
        )
      : null;
    return h(
      "tr",
      { dataset: { case: c.application_id } },
      h(
        "th",
        { scope: "row" },
        h("a", { href: `#/applications/${seg(c.application_id)}` }, c.external_ref),
        h("div", { class: "id" }, c.application_id),
      ),
      h("td", {}, verdictBadge(c.verdict)),
      h("td", { class: "num" }, String(c.risk_score)),
      h(
        "td",
        {},
        c.top_signals.length
          ? h("ul", { class: "codes" }, c.top_signals.map((s) => h("li", { title: s.message }, h("code", {}, s.code), ` ${s.points}`)))
          : h("span", { class: "muted" }, "none"),
      ),
      h("td", { class: "num" }, String(c.sanctions_matches)),
      h("td", {}, age(c.since, now), h("div", { class: "muted" }, time(c.since))),
      h("td", {}, causeInWords(c.cause)),
      holder,
      h("td", {}, button),
    );
  });

  const table = shown.length
    ? h(
        "table",
        { class: "cases" },
        h("caption", {}, `${STATUSES.find(([s]) => s === status)[1]} cases, oldest first`),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ["Application", "Verdict", "Score", "Strongest signals", "Sanctions matches", "Waiting", "Latest cause", "Held by", "Action"].map(
              (t) => h("th", { scope: "col" }, t),
            ),
          ),
        ),
        h("tbody", {}, rows),
      )
    : h("p", { class: "empty" }, page.items.length ? "No case on this page passes the filters." : "No cases.");

  const pager = h(
    "nav",
    { class: "pager", "aria-label": "Pages of the queue" },
    h(
      "button",
      {
        type: "button",
        id: "page-previous",
        disabled: !cursor,
        on: {
          click: () => {
            const back = previous.pop() || null;
            go({ cursor: back });
          },
        },
      },
      "Previous page",
    ),
    h(
      "button",
      {
        type: "button",
        id: "page-next",
        disabled: !page.next_cursor,
        on: {
          click: () => {
            previous.push(cursor);
            go({ cursor: page.next_cursor });
          },
        },
      },
      "Next page",
    ),
  );

  replace(
    result,
    h(
      "p",
      { class: "count" },
      `${shown.length} case${shown.length === 1 ? "" : "s"} shown`,
      hidden ? `, ${hidden} on this page filtered out` : "",
      ".",
    ),
    table,
    pager,
  );
  say(`Case queue: ${shown.length} ${status} case${shown.length === 1 ? "" : "s"} shown.`);
}
