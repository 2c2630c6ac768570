use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize, Serializer};
use utoipa::ToSchema;

use super::Category;

/// Ordered by severity: `clear` < `review` < `reject`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Clear,
    Review,
    Reject,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Clear => "clear",
            Decision::Review => "review",
            Decision::Reject => "reject",
        }
    }

    pub fn parse(s: &str) -> Option<Decision> {
        match s {
            "clear" => Some(Decision::Clear),
            "review" => Some(Decision::Review),
            "reject" => Some(Decision::Reject),
            _ => None,
        }
    }
}

/// A signal as the verdict shows it: with the points the active policy gave it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ScoredSignal {
    /// Stable reason code from the catalog (docs/signals.md).
    pub code: String,
    pub category: Category,
    /// What this signal added to the score under the active policy.
    pub points: i32,
    /// One sentence a reviewer understands.
    pub message: String,
    /// The facts behind the signal.
    #[schema(value_type = Object)]
    pub evidence: serde_json::Map<String, serde_json::Value>,
}

/// A hit on a sanctions list (`verdict.schema.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SanctionsMatch {
    pub list: String,
    pub entry_id: String,
    pub entry_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_value: Option<String>,
    /// Dotted path of the screened input, e.g. `payout.account_holder_name`.
    pub field: String,
    pub score: f64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub programs: Vec<String>,
    /// Whose list matched: a global one (official, curated, the operator's) or the tenant's own.
    #[serde(default)]
    pub scope: ListScopeLabel,
}

/// Which lists a match came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ListScopeLabel {
    /// Screens every tenant (verdicts stored before the field existed read as this).
    #[default]
    Global,
    /// The caller's own list.
    Tenant,
}

/// What screening returns (`verdict.schema.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Verdict {
    /// The service's id for the application.
    pub id: String,
    pub external_ref: String,
    pub verdict: Decision,
    /// min(100, sum of the signals' points).
    pub risk_score: u8,
    pub signals: Vec<ScoredSignal>,
    pub sanctions_matches: Vec<SanctionsMatch>,
    /// Content hash of the policy that scored this verdict.
    pub policy_version: String,
    /// Set when independent indicators of this many families agreeing, not the score, made the
    /// verdict `review` (the policy's `[agreement]` rule).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agreeing_families: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lists_version: Option<String>,
    #[serde(serialize_with = "rfc3339")]
    pub screened_at: DateTime<Utc>,
    /// The latest reviewer decision on the application; `null` until one is recorded.
    pub review: Option<Review>,
    /// Why this version exists. Stored versions from before causes were kept read with their
    /// kind only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<Cause>,
}

/// A reviewer's decision on an application (`POST /v1/applications/{id}/review`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    /// The reviewer clears the applicant: `clear` until new evidence arrives.
    Approved,
    /// The reviewer confirms the risk: `reject`, and a confirmed case for linked applicants.
    Rejected,
    /// Handed to a second line: `review` (at least) until decided.
    Escalated,
}

impl ReviewDecision {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewDecision::Approved => "approved",
            ReviewDecision::Rejected => "rejected",
            ReviewDecision::Escalated => "escalated",
        }
    }

    pub fn parse(s: &str) -> Option<ReviewDecision> {
        match s {
            "approved" => Some(ReviewDecision::Approved),
            "rejected" => Some(ReviewDecision::Rejected),
            "escalated" => Some(ReviewDecision::Escalated),
            _ => None,
        }
    }
}

/// The latest reviewer decision, as a verdict shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Review {
    pub decision: ReviewDecision,
    /// The `sub` of the reviewer's token.
    pub reviewer: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    #[serde(serialize_with = "rfc3339")]
    pub decided_at: DateTime<Utc>,
    /// Set when a later screening found evidence the reviewer had not seen and reopened an
    /// approved case: what is new.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_evidence: Option<NewEvidence>,
}

/// Evidence a screening found that was not there when the reviewer decided.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct NewEvidence {
    /// Reason codes that force `reject` under the policy, new since the decision.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<String>,
    /// Sanctions entries (`list/entry_id`) matched now and not then.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sanctions_entries: Vec<String>,
    /// Applications (this tenant's ids) linked now and not then.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub linked_applications: Vec<String>,
}

impl NewEvidence {
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
            && self.sanctions_entries.is_empty()
            && self.linked_applications.is_empty()
    }
}

/// Why a verdict version exists (`verdict.schema.json`, `cause`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CauseKind {
    /// The application's first submission.
    Submission,
    /// The platform submitted the same `external_ref` again.
    Resubmission,
    /// A list the application is screened against has a new version.
    ListChange,
    /// Another application linked to this one arrived or changed (or was erased).
    Link,
    /// A reviewer decided.
    Review,
    /// The tenant's policy or allow entries changed.
    PolicyChange,
    /// Intelligence about the application changed (an identity-verification result, the index).
    IntelChange,
}

impl CauseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CauseKind::Submission => "submission",
            CauseKind::Resubmission => "resubmission",
            CauseKind::ListChange => "list_change",
            CauseKind::Link => "link",
            CauseKind::Review => "review",
            CauseKind::PolicyChange => "policy_change",
            CauseKind::IntelChange => "intel_change",
        }
    }

    /// The stored value, including the names stored before details were kept.
    pub fn parse(s: &str) -> Option<CauseKind> {
        Some(match s {
            "submission" | "submitted" => CauseKind::Submission,
            "resubmission" | "resubmitted" => CauseKind::Resubmission,
            "list_change" | "lists" => CauseKind::ListChange,
            "link" | "links" => CauseKind::Link,
            "review" => CauseKind::Review,
            "policy_change" => CauseKind::PolicyChange,
            "intel_change" => CauseKind::IntelChange,
            _ => return None,
        })
    }

    /// Whether `stored` is a value written before causes were kept in the verdict document.
    pub fn is_legacy(stored: &str) -> bool {
        matches!(stored, "submitted" | "resubmitted" | "lists" | "links")
    }
}

/// Why a verdict version exists, with the details the kind has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Cause {
    pub kind: CauseKind,
    /// `list_change`: the list whose new version re-screened the application.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_version: Option<i64>,
    /// `link`: the application (same tenant) whose arrival re-screened this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_id: Option<String>,
    /// `review`, `policy_change`: the `sub` of the token that acted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// `intel_change` from an identity-verification callback: the vendor (`persona`, `onfido`,
    /// `veriff`; docs/idv.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// The other causes a queued re-screen accumulated before it ran, oldest first (at most
    /// [`Cause::ALSO_MAX`]; `also_more` counts the rest).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(no_recursion)]
    pub also: Vec<Cause>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub also_more: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Cause {
    /// Causes named in one verdict version beyond the first.
    pub const ALSO_MAX: usize = 16;

    pub fn of(kind: CauseKind) -> Cause {
        Cause {
            kind,
            list: None,
            list_version: None,
            application_id: None,
            actor: None,
            vendor: None,
            also: Vec::new(),
            also_more: 0,
        }
    }

    pub fn list_change(list: &str, version: i64) -> Cause {
        Cause {
            list: Some(list.to_owned()),
            list_version: Some(version),
            ..Cause::of(CauseKind::ListChange)
        }
    }

    pub fn link(application_id: Option<&str>) -> Cause {
        Cause {
            application_id: application_id.map(str::to_owned),
            ..Cause::of(CauseKind::Link)
        }
    }

    /// A vendor's identity-verification callback.
    pub fn intel_change(vendor: &str) -> Cause {
        Cause {
            vendor: Some(vendor.to_owned()),
            ..Cause::of(CauseKind::IntelChange)
        }
    }

    pub fn by(kind: CauseKind, actor: &str) -> Cause {
        Cause {
            actor: Some(actor.to_owned()),
            ..Cause::of(kind)
        }
    }

    /// One line of the re-screen queue's `causes` column: kind, list, list version, application,
    /// actor, vendor, tab-separated (none of them holds a tab or a newline: list names, ids and
    /// token subjects are checked where they enter). Lines queued before the vendor was kept have
    /// five fields.
    pub fn queue_line(&self) -> String {
        let field = |s: Option<&str>| s.unwrap_or("").replace(['\t', '\n', '\r'], " ");
        format!(
            "{}\t{}\t{}\t{}\t{}\t{}\n",
            self.kind.as_str(),
            field(self.list.as_deref()),
            self.list_version.map(|v| v.to_string()).unwrap_or_default(),
            field(self.application_id.as_deref()),
            field(self.actor.as_deref()),
            field(self.vendor.as_deref()),
        )
    }

    /// The causes of a queue entry, oldest first, each once; `legacy` is the entry's single
    /// `cause` value, used when it was queued before causes accumulated.
    pub fn from_queue(lines: &str, legacy: &str) -> Vec<Cause> {
        let mut out: Vec<Cause> = Vec::new();
        for line in lines.lines() {
            let mut f = line.split('\t');
            let Some(kind) = f.next().and_then(CauseKind::parse) else {
                continue;
            };
            let text = |s: Option<&str>| s.filter(|s| !s.is_empty()).map(str::to_owned);
            let cause = Cause {
                list: text(f.next()),
                list_version: f.next().and_then(|v| v.parse().ok()),
                application_id: text(f.next()),
                actor: text(f.next()),
                vendor: text(f.next()),
                ..Cause::of(kind)
            };
            if !out.contains(&cause) {
                out.push(cause);
            }
        }
        if out.is_empty() {
            out.push(Cause::of(
                CauseKind::parse(legacy).unwrap_or(CauseKind::Link),
            ));
        }
        out
    }

    /// The first of `causes`, naming the others in `also`.
    pub fn combined(mut causes: Vec<Cause>) -> Cause {
        if causes.is_empty() {
            return Cause::of(CauseKind::Link);
        }
        let mut first = causes.remove(0);
        let more = causes.len().saturating_sub(Cause::ALSO_MAX);
        causes.truncate(Cause::ALSO_MAX);
        first.also = causes;
        first.also_more = u32::try_from(more).unwrap_or(u32::MAX);
        first
    }
}

fn rfc3339<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Millis, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queued_causes_accumulate_in_order_each_once_and_old_rows_read_as_their_kind() {
        let lines = [
            Cause::link(Some("a-1")),
            Cause::list_change("OFAC-SDN", 7),
            Cause::link(Some("a-1")),
            Cause::by(CauseKind::PolicyChange, "ops\tteam"),
            Cause::intel_change("persona"),
        ]
        .iter()
        .map(Cause::queue_line)
        .collect::<String>();
        let causes = Cause::from_queue(&lines, "links");
        assert_eq!(
            causes,
            [
                Cause::link(Some("a-1")),
                Cause::list_change("OFAC-SDN", 7),
                Cause::by(CauseKind::PolicyChange, "ops team"),
                Cause::intel_change("persona"),
            ]
        );
        // A line queued before the vendor was kept (five fields) still reads.
        assert_eq!(
            Cause::from_queue("link\t\t\ta-9\t\n", "links"),
            [Cause::link(Some("a-9"))]
        );
        let shown = Cause::combined(causes);
        assert_eq!(shown.kind, CauseKind::Link);
        assert_eq!(shown.also.len(), 3);
        assert_eq!(
            Cause::from_queue("", "lists"),
            [Cause::of(CauseKind::ListChange)]
        );

        let many: Vec<Cause> = (0..40)
            .map(|i| Cause::link(Some(&format!("a-{i}"))))
            .collect();
        let shown = Cause::combined(many);
        assert_eq!(shown.also.len(), Cause::ALSO_MAX);
        assert_eq!(shown.also_more, 39 - Cause::ALSO_MAX as u32);
        let json = serde_json::to_value(&shown).unwrap();
        assert_eq!(json["kind"], "link");
        assert!(
            json["also"][0].get("also").is_none(),
            "nested causes carry no lists"
        );
    }

    #[test]
    fn stored_cause_names_map_to_the_api_names() {
        for (stored, shown) in [
            ("submitted", "submission"),
            ("resubmitted", "resubmission"),
            ("lists", "list_change"),
            ("links", "link"),
            ("review", "review"),
        ] {
            assert_eq!(CauseKind::parse(stored).unwrap().as_str(), shown);
        }
        assert!(CauseKind::is_legacy("links") && !CauseKind::is_legacy("link"));
    }
}
