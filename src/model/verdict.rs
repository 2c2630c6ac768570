use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize, Serializer};
use utoipa::ToSchema;

use super::Category;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
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
    /// A reviewer's decision; `null` until reviewer decisions exist.
    #[schema(value_type = Option<Object>)]
    pub review: Option<serde_json::Value>,
}

fn rfc3339<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Millis, true))
}
