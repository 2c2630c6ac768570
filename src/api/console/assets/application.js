// An application: the verdict, its signals by family with the evidence in words, the sanctions
// matches with their score breakdown, the linked applications as a graph, the history as a
// timeline, and the decision form.

import { get, post, seg } from "./api.js";
import { h, problemBox, replace, say, time, verdictBadge } from "./dom.js";
import { causeInWords, evidenceList, groupSignals, reviewBlock } from "./evidence.js";
import { linkGraph } from "./graph.js";

const HISTORY_PAGE = 20;

/** In-page jumps that leave the hash router alone. */
function jumpTo(id) {
  return (event) => {
    event.preventDefault();
    const target = document.getElementById(id);
    target.scrollIntoView();
    target.focus();
  };
}

/** Links an application id the page knows of to its page. */
function idLinker(known) {
  return (value) =>
    known.has(value) ? h("a", { href: `#/applications/${seg(value)}` }, known.get(value) || value) : null;
}

function summary(verdict, onClaim, names) {
  return h(
    "section",
    { class: "summary", "aria-labelledby": "summary-title" },
    h("h2", { id: "summary-title", class: "visually-hidden" }, "Summary"),
    h(
      "dl",
      { class: "facts" },
      h("div", {}, h("dt", {}, "Verdict"), h("dd", { id: "app-verdict" }, verdictBadge(verdict.verdict))),
      h(
        "div",
        {},
        h("dt", {}, "Risk score"),
        h(
          "dd",
          {},
          h("span", { id: "app-score", class: "score" }, String(verdict.risk_score)),
          " / 100 ",
          h("meter", { min: 0, max: 100, low: 40, high: 80, optimum: 0, value: verdict.risk_score, "aria-label": "Risk score" }),
        ),
      ),
      h("div", {}, h("dt", {}, "Screened"), h("dd", {}, time(verdict.screened_at))),
      h("div", {}, h("dt", {}, "This version because"), h("dd", {}, causeInWords(verdict.cause, names))),
      h("div", {}, h("dt", {}, "Policy"), h("dd", {}, h("code", {}, verdict.policy_version))),
      verdict.agreeing_families?.length
        ? h("div", {}, h("dt", {}, "Agreeing families"), h("dd", {}, verdict.agreeing_families.join(", ")))
        : null,
    ),
    h("h3", {}, "Latest decision"),
    reviewBlock(verdict.review),
    h("button", { type: "button", id: "claim", on: { click: onClaim } }, "Claim this case"),
    h("p", {}, h("a", { href: "#decision-title", class: "jump", on: { click: jumpTo("decision-title") } }, "Go to the decision form")),
  );
}

function signalsSection(verdict, linkTo) {
  const groups = groupSignals(verdict.signals);
  return h(
    "section",
    { "aria-labelledby": "signals-title" },
    h("h2", { id: "signals-title" }, `Signals (${verdict.signals.length})`),
    groups.length === 0 ? h("p", { class: "muted" }, "No signal was raised.") : null,
    groups.map(([prefix, title, signals]) => {
      const points = signals.reduce((sum, s) => sum + s.points, 0);
      return h(
        "section",
        { class: "family", dataset: { family: prefix } },
        h("h3", {}, title, " ", h("span", { class: "muted" }, `${prefix}… · ${points} points`)),
        h(
          "ul",
          { class: "signals" },
          signals.map((s) =>
            h(
              "li",
              { class: "signal", dataset: { code: s.code } },
              h("p", { class: "signal-head" }, h("code", {}, s.code), h("span", { class: "points" }, `${s.points} points`)),
              h("p", { class: "message" }, s.message),
              // The list entries and the linked applications open; the rest on demand.
              h("details", { open: prefix === "SAN_" || prefix === "LNK_" }, h("summary", {}, "Evidence"), evidenceList(s.evidence, linkTo)),
            ),
          ),
        ),
      );
    }),
  );
}

/** The SAN_ signals' evidence entries, by list and entry id: what made each match's score. */
function sanctionsEvidence(verdict) {
  const byEntry = new Map();
  for (const signal of verdict.signals) {
    if (!signal.code.startsWith("SAN_")) continue;
    for (const entry of signal.evidence.entries || []) {
      const key = `${entry.list}/${entry.entry_id}`;
      if (!byEntry.has(key)) byEntry.set(key, { ...entry, code: signal.code, threshold: signal.evidence.threshold, review_threshold: signal.evidence.review_threshold });
    }
  }
  return byEntry;
}

function breakdown(match, found) {
  const parts = [];
  const score = Number(match.score);
  if (found?.threshold !== undefined) {
    parts.push(
      score >= found.threshold
        ? `${score.toFixed(2)} ≥ match threshold ${Number(found.threshold).toFixed(2)}`
        : `${score.toFixed(2)} < match threshold ${Number(found.threshold).toFixed(2)}${found.review_threshold !== undefined ? ` (review from ${Number(found.review_threshold).toFixed(2)})` : ""}`,
    );
  } else {
    parts.push(`score ${score.toFixed(2)}`);
  }
  if (found?.matched_by) parts.push(`matched by ${found.matched_by.replace(/_/g, " ")}`);
  if (found?.corroborated_by?.length) parts.push(`corroborated by ${found.corroborated_by.join(", ").replace(/_/g, " ")}`);
  if (found?.contradicted_by?.length) parts.push(`contradicted by ${found.contradicted_by.join(", ").replace(/_/g, " ")}`);
  if (found?.score_without_contradiction !== undefined)
    parts.push(`${Number(found.score_without_contradiction).toFixed(2)} without the contradiction`);
  if (found?.code) parts.push(`raised ${found.code}`);
  return h("ul", { class: "breakdown" }, parts.map((p) => h("li", {}, p)));
}

function sanctionsSection(verdict) {
  const found = sanctionsEvidence(verdict);
  const matches = verdict.sanctions_matches;
  return h(
    "section",
    { "aria-labelledby": "sanctions-title" },
    h("h2", { id: "sanctions-title" }, `Sanctions matches (${matches.length})`),
    matches.length === 0
      ? h("p", { class: "muted" }, "No list entry matched.")
      : h(
          "table",
          { class: "sanctions" },
          h("caption", {}, "List entries the applicant's data matched, with how each score came about"),
          h(
            "thead",
            {},
            h("tr", {}, ["List", "Entry", "Field", "Matched value", "Score", "Score breakdown"].map((t) => h("th", { scope: "col" }, t))),
          ),
          h(
            "tbody",
            {},
            matches.map((m) =>
              h(
                "tr",
                {},
                h("td", {}, m.list, m.scope === "tenant" ? h("div", { class: "muted" }, "your list") : null),
                h("th", { scope: "row" }, m.entry_name, h("div", { class: "id" }, m.entry_id), m.programs?.length ? h("div", { class: "muted" }, m.programs.join(", ")) : null),
                h("td", {}, h("code", {}, m.field)),
                h("td", {}, m.matched_value ?? "–"),
                h("td", { class: "num" }, Number(m.score).toFixed(2)),
                h("td", {}, breakdown(m, found.get(`${m.list}/${m.entry_id}`))),
              ),
            ),
          ),
        ),
  );
}

function linksSection(verdict, links, linksError) {
  // What the links endpoint says, and any id the LNK_ evidence names that it does not (an
  // application linked when this version was screened).
  const nodes = new Map();
  for (const item of links?.items || []) nodes.set(item.id, { ...item, shared: [...item.shared] });
  for (const signal of verdict.signals) {
    if (!signal.code.startsWith("LNK_")) continue;
    for (const id of signal.evidence.applications || []) {
      if (!nodes.has(id)) nodes.set(id, { id, shared: [...(signal.evidence.attribute_kinds || [])] });
    }
  }
  const linked = [...nodes.values()];
  return h(
    "section",
    { "aria-labelledby": "links-title" },
    h("h2", { id: "links-title" }, `Linked applications (${linked.length})`),
    linksError ? problemBox(linksError, "The links could not be read") : null,
    linked.length === 0
      ? h("p", { class: "muted" }, "No other application of your tenant shares an attribute with this one.")
      : [
          h("figure", { class: "graph-figure" }, linkGraph(verdict, linked),
            h("figcaption", {}, "This application in the middle; each line is a link, labelled with what the two share. Select a node to open it.")),
          h(
            "table",
            { class: "links" },
            h("caption", {}, "Linked applications"),
            h("thead", {}, h("tr", {}, ["Application", "Verdict", "Shares"].map((t) => h("th", { scope: "col" }, t)))),
            h(
              "tbody",
              {},
              linked.map((l) =>
                h(
                  "tr",
                  {},
                  h("th", { scope: "row" }, h("a", { href: `#/applications/${seg(l.id)}` }, l.external_ref || l.id)),
                  h("td", {}, l.verdict ? verdictBadge(l.verdict) : "–"),
                  h("td", {}, l.shared.length ? l.shared.join(", ").replace(/_/g, " ") : "–"),
                ),
              ),
            ),
          ),
        ],
  );
}

function historyItem(version, previous, names) {
  const moved = previous && previous.verdict !== version.verdict ? ` (was ${previous.verdict})` : "";
  const codes = version.signals.map((s) => s.code);
  const before = new Set(previous ? previous.signals.map((s) => s.code) : []);
  const added = previous ? codes.filter((c) => !before.has(c)) : [];
  return h(
    "li",
    { class: `version cause-${version.cause?.kind || "unknown"}` },
    h("p", { class: "when" }, time(version.screened_at)),
    h(
      "p",
      { class: "what" },
      h("strong", { class: "cause" }, causeInWords(version.cause, names)),
      " → ",
      verdictBadge(version.verdict),
      ` score ${version.risk_score}${moved}`,
    ),
    version.cause?.kind === "review" && version.review
      ? h("p", { class: "decision" }, `Decision: ${version.review.decision}`, version.review.note ? ` — “${version.review.note}”` : "")
      : null,
    added.length ? h("p", { class: "muted" }, `New signals: ${added.join(", ")}`) : null,
  );
}

function decisionForm(verdict, onDecided) {
  const problems = h("div", { id: "decision-problem" });
  const option = (value, label, help) =>
    h(
      "div",
      { class: "choice" },
      h("input", { type: "radio", name: "decision", id: `decision-${value}`, value, required: true }),
      h("label", { for: `decision-${value}` }, h("strong", {}, label), ` — ${help}`),
    );
  const form = h(
    "form",
    {
      id: "decision-form",
      on: {
        submit: async (event) => {
          event.preventDefault();
          const data = new FormData(form);
          const decision = data.get("decision");
          if (!decision) {
            say("Choose a decision first.");
            form.querySelector("input[name=decision]").focus();
            return;
          }
          const note = String(data.get("note") || "").trim();
          const button = form.querySelector("button[type=submit]");
          button.disabled = true;
          replace(problems);
          try {
            const recorded = await post(`/v1/applications/${seg(verdict.id)}/review`, note ? { decision, note } : { decision });
            form.reset();
            say(`Decision recorded: ${decision}. The verdict is now ${recorded.verdict}.`);
            await onDecided(recorded);
          } catch (error) {
            replace(problems, problemBox(error, "The decision was not recorded"));
            say(`The decision was not recorded: ${error.message}`);
          } finally {
            button.disabled = false;
          }
        },
      },
    },
    h(
      "fieldset",
      {},
      h("legend", {}, "Decision"),
      option("approved", "Approve", "clear the applicant (reopens only on new evidence)"),
      option("rejected", "Reject", "confirm the risk; linked applications are screened again"),
      option("escalated", "Escalate", "hand the case to the second line"),
    ),
    h(
      "div",
      { class: "field" },
      h("label", { for: "decision-note" }, "Note for the next reviewer (optional, at most 2,000 characters)"),
      h("textarea", { id: "decision-note", name: "note", rows: 3, maxlength: 2000 }),
    ),
    problems,
    h("button", { type: "submit" }, "Record decision"),
  );
  return h(
    "section",
    { "aria-labelledby": "decision-title", class: "decide" },
    h("h2", { id: "decision-title", tabindex: "-1" }, "Decide"),
    form,
  );
}

/** Renders the application `id` into `main`. */
export async function renderApplication(main, id, ctx) {
  replace(main, h("p", { "aria-busy": "true" }, "Loading the application…"));
  let verdict;
  try {
    verdict = await get(`/v1/applications/${seg(id)}`);
  } catch (error) {
    replace(main, h("h1", {}, "Application"), problemBox(error, "The application could not be read"),
      h("p", {}, h("a", { href: "#/queue" }, "Back to the queue")));
    say(`The application could not be read: ${error.message}`);
    return;
  }
  let links = null;
  let linksError = null;
  try {
    links = await get(`/v1/applications/${seg(id)}/links`);
  } catch (error) {
    linksError = error;
  }

  const known = new Map();
  for (const item of links?.items || []) known.set(item.id, item.external_ref);
  for (const s of verdict.signals)
    if (s.code.startsWith("LNK_")) for (const other of s.evidence.applications || []) if (!known.has(other)) known.set(other, null);
  const linkTo = idLinker(known);

  const claimProblem = h("div", { id: "claim-problem" });
  const onClaim = async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    replace(claimProblem);
    try {
      const claim = await post(`/v1/cases/${seg(id)}/claim`);
      say(`You hold ${verdict.external_ref} until ${new Date(claim.until).toLocaleTimeString()}.`);
      button.textContent = "Renew claim";
    } catch (error) {
      replace(claimProblem, problemBox(error, "The case could not be claimed"));
      say(`The case could not be claimed: ${error.message}`);
    } finally {
      button.disabled = false;
    }
  };

  const timeline = h("ol", { class: "timeline", id: "history" });
  const historyProblem = h("div", { id: "history-problem" });
  const more = h("button", { type: "button", id: "history-more", hidden: true }, "Show later versions");
  let cursor = null;
  let last = null;
  const loadHistory = async (reset) => {
    if (reset) {
      cursor = null;
      last = null;
      replace(timeline);
    }
    const query = new URLSearchParams({ limit: String(HISTORY_PAGE) });
    if (cursor) query.set("cursor", cursor);
    try {
      const page = await get(`/v1/applications/${seg(id)}/history?${query}`);
      for (const version of page.items) {
        timeline.append(historyItem(version, last, known));
        last = version;
      }
      cursor = page.next_cursor;
      more.hidden = !cursor;
      replace(historyProblem);
    } catch (error) {
      replace(historyProblem, problemBox(error, "The history could not be read"));
    }
  };
  more.addEventListener("click", () => loadHistory(false));

  const render = (current) => {
    replace(
      main,
      h("p", { class: "crumbs" }, h("a", { href: "#/queue" }, "Case queue"), " › ", current.external_ref),
      h("h1", {}, "Application ", h("span", { id: "app-ref" }, current.external_ref)),
      h("p", { class: "id" }, current.id),
      claimProblem,
      summary(current, onClaim, known),
      signalsSection(current, linkTo),
      sanctionsSection(current),
      linksSection(current, links, linksError),
      h(
        "section",
        { "aria-labelledby": "history-title" },
        h("h2", { id: "history-title", tabindex: "-1" }, "History"),
        h("p", { class: "note" }, "Every verdict version, oldest first, with why it exists."),
        historyProblem,
        timeline,
        more,
      ),
      decisionForm(current, async (recorded) => {
        render(recorded);
        await loadHistory(true);
        document.getElementById("history-title").focus();
      }),
    );
  };
  render(verdict);
  await loadHistory(true);
  say(`Application ${verdict.external_ref}: verdict ${verdict.verdict}, score ${verdict.risk_score}.`);
}
