use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The area of evidence a signal belongs to (`verdict.schema.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Identity,
    Network,
    Payout,
    Sanctions,
    Links,
}

/// One finding of a check, before the policy gives it points.
#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    /// A code from the catalog (`checks::codes`, `docs/signals.md`).
    pub code: &'static str,
    pub category: Category,
    /// One sentence a reviewer understands.
    pub message: String,
    /// The facts behind the signal. Never another tenant's data.
    pub evidence: serde_json::Map<String, serde_json::Value>,
}
