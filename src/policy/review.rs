//! What a reviewer's decision does to later verdicts (docs/reviews.md). Pure: the stored decision,
//! the policy and a fresh screening give the verdict to store.
//!
//! - `rejected`: the verdict stays `reject` (a confirmed case).
//! - `escalated`: at least `review` while the second line decides.
//! - `approved`: `clear`, unless the screening found evidence that was not there when the reviewer
//!   decided: a new code that forces `reject`, a new sanctions entry, a new linked application.
//!   Then the case reopens: the verdict is at least `review` and `review.new_evidence` says what
//!   is new. Evidence the reviewer saw never reopens it, however often the application is screened.
//!
//! Score and signals always stay as screened, so the evidence remains visible.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::Policy;
use crate::model::{Category, Decision, NewEvidence, Review, ReviewDecision, Verdict};

/// The evidence a decision was made on: ids and codes only (stored beside the decision).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Basis {
    pub codes: BTreeSet<String>,
    pub sanctions_entries: BTreeSet<String>,
    pub linked_applications: BTreeSet<String>,
}

impl Basis {
    /// What `verdict` shows: every reason code, every sanctions entry, every linked application.
    pub fn of(verdict: &Verdict) -> Basis {
        Basis {
            codes: verdict.signals.iter().map(|s| s.code.clone()).collect(),
            sanctions_entries: sanctions_entries(verdict),
            linked_applications: linked_applications(verdict),
        }
    }
}

/// A decision as stored: what the verdict shows, and what it was made on.
#[derive(Debug, Clone)]
pub struct DecisionOnRecord {
    pub review: Review,
    pub basis: Basis,
}

fn sanctions_entries(verdict: &Verdict) -> BTreeSet<String> {
    verdict
        .sanctions_matches
        .iter()
        .map(|m| format!("{}/{}", m.list, m.entry_id))
        .collect()
}

/// The applications named in link evidence (`applications` and the lists derived from it).
fn linked_applications(verdict: &Verdict) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for signal in verdict
        .signals
        .iter()
        .filter(|s| s.category == Category::Links)
    {
        for key in ["applications", "rejected_applications", "confirmed_cases"] {
            if let Some(ids) = signal.evidence.get(key).and_then(|v| v.as_array()) {
                out.extend(ids.iter().filter_map(|id| id.as_str()).map(str::to_owned));
            }
        }
    }
    out
}

/// The codes of `verdict` that force `reject` under `policy`.
pub fn reject_forcing(policy: &Policy, verdict: &Verdict) -> BTreeSet<String> {
    verdict
        .signals
        .iter()
        .filter(|s| policy.forces_reject(&s.code))
        .map(|s| s.code.clone())
        .collect()
}

/// What `screened` shows that the decision's basis did not; `forcing` are the codes of `screened`
/// that force `reject` ([`reject_forcing`]).
pub fn new_evidence(basis: &Basis, screened: &Verdict, forcing: &BTreeSet<String>) -> NewEvidence {
    NewEvidence {
        codes: forcing.difference(&basis.codes).cloned().collect(),
        sanctions_entries: sanctions_entries(screened)
            .difference(&basis.sanctions_entries)
            .cloned()
            .collect(),
        linked_applications: linked_applications(screened)
            .difference(&basis.linked_applications)
            .cloned()
            .collect(),
    }
}

/// The verdict to store for a screening of an application a reviewer decided on; `forcing` as for
/// [`new_evidence`].
pub fn apply(
    mut screened: Verdict,
    forcing: &BTreeSet<String>,
    decision: &DecisionOnRecord,
) -> Verdict {
    let mut review = decision.review.clone();
    review.new_evidence = None;
    screened.verdict = match review.decision {
        ReviewDecision::Rejected => Decision::Reject,
        ReviewDecision::Escalated => screened.verdict.max(Decision::Review),
        ReviewDecision::Approved => {
            let new = new_evidence(&decision.basis, &screened, forcing);
            if new.is_empty() {
                Decision::Clear
            } else {
                review.new_evidence = Some(new);
                screened.verdict.max(Decision::Review)
            }
        }
    };
    screened.review = Some(review);
    screened
}

/// The verdict version a decision itself stores: the current one with the decision's verdict and
/// the decision, its score and signals as they were.
pub fn decided(mut current: Verdict, review: Review) -> Verdict {
    current.verdict = match review.decision {
        ReviewDecision::Approved => Decision::Clear,
        ReviewDecision::Rejected => Decision::Reject,
        ReviewDecision::Escalated => Decision::Review,
    };
    current.review = Some(review);
    current
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use serde_json::json;

    use super::*;
    use crate::model::{ListScopeLabel, SanctionsMatch, ScoredSignal};

    fn apply_with(screened: Verdict, decision: &DecisionOnRecord) -> Verdict {
        let forcing = reject_forcing(&Policy::built_in(), &screened);
        apply(screened, &forcing, decision)
    }

    fn signal(code: &str, category: Category, evidence: serde_json::Value) -> ScoredSignal {
        ScoredSignal {
            code: code.into(),
            category,
            points: 10,
            message: String::new(),
            evidence: evidence.as_object().cloned().unwrap_or_default(),
        }
    }

    fn verdict(decision: Decision, signals: Vec<ScoredSignal>) -> Verdict {
        Verdict {
            id: "a".into(),
            external_ref: "r".into(),
            verdict: decision,
            risk_score: 50,
            signals,
            sanctions_matches: Vec::new(),
            policy_version: "p".into(),
            agreeing_families: Vec::new(),
            lists_version: None,
            screened_at: Utc::now(),
            review: None,
            cause: None,
        }
    }

    fn decision(decision: ReviewDecision, seen: &Verdict) -> DecisionOnRecord {
        DecisionOnRecord {
            review: Review {
                decision,
                reviewer: "rev".into(),
                note: String::new(),
                decided_at: Utc::now(),
                new_evidence: None,
            },
            basis: Basis::of(seen),
        }
    }

    fn listed(entry: &str) -> SanctionsMatch {
        SanctionsMatch {
            list: "OFAC-SDN".into(),
            entry_id: entry.into(),
            entry_name: "X".into(),
            matched_value: None,
            field: "full_name".into(),
            score: 0.9,
            programs: Vec::new(),
            scope: ListScopeLabel::Global,
        }
    }

    #[test]
    fn an_approval_holds_while_the_evidence_is_what_the_reviewer_saw() {
        let seen = verdict(
            Decision::Review,
            vec![signal(
                "SAN_APPLICANT_NAME_MATCH",
                Category::Sanctions,
                json!({}),
            )],
        );
        let d = decision(ReviewDecision::Approved, &seen);
        let again = apply_with(seen.clone(), &d);
        assert_eq!(again.verdict, Decision::Clear);
        assert_eq!(
            again.risk_score, seen.risk_score,
            "the score stays as screened"
        );
        assert_eq!(again.signals, seen.signals);
        assert!(again.review.unwrap().new_evidence.is_none());
    }

    #[test]
    fn a_new_sanctions_entry_reopens_an_approval() {
        let mut seen = verdict(Decision::Review, Vec::new());
        seen.sanctions_matches.push(listed("1"));
        let d = decision(ReviewDecision::Approved, &seen);
        let mut later = seen.clone();
        later.sanctions_matches.push(listed("2"));
        let again = apply_with(later, &d);
        assert_eq!(again.verdict, Decision::Review);
        let new = again.review.unwrap().new_evidence.unwrap();
        assert_eq!(new.sanctions_entries, ["OFAC-SDN/2"]);
    }

    #[test]
    fn a_new_link_or_reject_code_reopens_an_approval_and_a_reject_stays_reject() {
        let seen = verdict(
            Decision::Review,
            vec![signal(
                "LNK_SHARED_PHONE",
                Category::Links,
                json!({"applications": ["x"]}),
            )],
        );
        let d = decision(ReviewDecision::Approved, &seen);
        let later = verdict(
            Decision::Reject,
            vec![
                signal(
                    "LNK_SHARED_PHONE",
                    Category::Links,
                    json!({"applications": ["x", "y"]}),
                ),
                signal("NET_DPRK_ADDRESS_SPACE", Category::Network, json!({})),
            ],
        );
        let again = apply_with(later, &d);
        assert_eq!(again.verdict, Decision::Reject);
        let new = again.review.unwrap().new_evidence.unwrap();
        assert_eq!(new.linked_applications, ["y"]);
        assert_eq!(new.codes, ["NET_DPRK_ADDRESS_SPACE"]);
    }

    #[test]
    fn a_rejection_stays_and_an_escalation_is_at_least_review() {
        let seen = verdict(Decision::Review, Vec::new());
        let cleared = verdict(Decision::Clear, Vec::new());
        let rejected = decision(ReviewDecision::Rejected, &seen);
        assert_eq!(
            apply_with(cleared.clone(), &rejected).verdict,
            Decision::Reject
        );
        let escalated = decision(ReviewDecision::Escalated, &seen);
        assert_eq!(apply_with(cleared, &escalated).verdict, Decision::Review);
    }
}
