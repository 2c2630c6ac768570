//! Scoring policy: points per reason code, the review and reject thresholds, and codes that force a
//! verdict. The built-in policy is `default.toml`; an operator file overrides parts of it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::checks::codes;
use crate::model::{Decision, ScoredSignal, Signal};

const DEFAULT_POLICY: &str = include_str!("default.toml");

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("cannot read the policy file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("the policy is not valid TOML: {0}")]
    Syntax(#[from] toml::de::Error),
    #[error("the policy names unknown reason code(s): {}", .0.join(", "))]
    UnknownCodes(Vec<String>),
    #[error(
        "thresholds must satisfy 0 < review <= reject <= 100 (got review {review}, reject {reject})"
    )]
    Thresholds { review: u32, reject: u32 },
    #[error("points must be between -100 and 100 ({code} has {points})")]
    Points { code: String, points: i32 },
}

/// What a policy file may say; every part is optional in an override.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    thresholds: Option<ThresholdsFile>,
    #[serde(default)]
    points: BTreeMap<String, i32>,
    force: Option<ForceFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThresholdsFile {
    review: Option<u32>,
    reject: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ForceFile {
    review: Option<BTreeSet<String>>,
    reject: Option<BTreeSet<String>>,
}

/// The active policy. Its version is a hash of its effective content, so two instances with the same
/// rules report the same `policy_version` whatever the file looked like.
#[derive(Debug, Clone, Serialize)]
pub struct Policy {
    review_threshold: u32,
    reject_threshold: u32,
    points: BTreeMap<String, i32>,
    force_review: BTreeSet<String>,
    force_reject: BTreeSet<String>,
    #[serde(skip)]
    version: String,
}

/// The outcome of scoring one application's signals.
#[derive(Debug, Clone)]
pub struct Scored {
    pub decision: Decision,
    pub risk_score: u8,
    pub signals: Vec<ScoredSignal>,
}

impl Policy {
    pub fn built_in() -> Policy {
        Policy::from_toml(DEFAULT_POLICY, None).expect("the built-in policy is valid")
    }

    /// The built-in policy with the file at `path` laid over it.
    pub fn load(path: Option<&Path>) -> Result<Policy, PolicyError> {
        let Some(path) = path else {
            return Ok(Policy::built_in());
        };
        let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let base = Policy::built_in();
        Policy::from_toml(&text, Some(base))
    }

    fn from_toml(text: &str, base: Option<Policy>) -> Result<Policy, PolicyError> {
        let file: PolicyFile = toml::from_str(text)?;
        let mut policy = base.unwrap_or(Policy {
            review_threshold: 0,
            reject_threshold: 0,
            points: BTreeMap::new(),
            force_review: BTreeSet::new(),
            force_reject: BTreeSet::new(),
            version: String::new(),
        });
        if let Some(t) = file.thresholds {
            policy.review_threshold = t.review.unwrap_or(policy.review_threshold);
            policy.reject_threshold = t.reject.unwrap_or(policy.reject_threshold);
        }
        policy.points.extend(file.points);
        if let Some(force) = file.force {
            policy.force_review = force.review.unwrap_or(policy.force_review);
            policy.force_reject = force.reject.unwrap_or(policy.force_reject);
        }
        policy.validate()?;
        policy.version = policy.content_hash();
        Ok(policy)
    }

    fn validate(&self) -> Result<(), PolicyError> {
        let named = self
            .points
            .keys()
            .chain(&self.force_review)
            .chain(&self.force_reject);
        let mut unknown: Vec<String> = named
            .filter(|c| codes::lookup(c).is_none())
            .cloned()
            .collect();
        unknown.dedup();
        if !unknown.is_empty() {
            return Err(PolicyError::UnknownCodes(unknown));
        }
        let (review, reject) = (self.review_threshold, self.reject_threshold);
        if review == 0 || review > reject || reject > 100 {
            return Err(PolicyError::Thresholds { review, reject });
        }
        if let Some((code, points)) = self.points.iter().find(|(_, p)| !(-100..=100).contains(*p)) {
            return Err(PolicyError::Points {
                code: code.clone(),
                points: *points,
            });
        }
        Ok(())
    }

    fn content_hash(&self) -> String {
        let canonical = serde_json::to_vec(self).expect("policy serialises");
        let digest = Sha256::digest(&canonical);
        format!("sha256:{}", hex::encode(&digest[..8]))
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn points_for(&self, code: &str) -> i32 {
        self.points.get(code).copied().unwrap_or(0)
    }

    pub fn score(&self, signals: Vec<Signal>) -> Scored {
        let signals: Vec<ScoredSignal> = signals
            .into_iter()
            .map(|s| ScoredSignal {
                code: s.code.to_owned(),
                category: s.category,
                points: self.points_for(s.code),
                message: s.message,
                evidence: s.evidence,
            })
            .collect();
        let total: i32 = signals.iter().map(|s| s.points).sum();
        let risk_score = total.clamp(0, 100) as u8;
        let forced = |set: &BTreeSet<String>| signals.iter().any(|s| set.contains(&s.code));
        let decision =
            if forced(&self.force_reject) || u32::from(risk_score) >= self.reject_threshold {
                Decision::Reject
            } else if forced(&self.force_review) || u32::from(risk_score) >= self.review_threshold {
                Decision::Review
            } else {
                Decision::Clear
            };
        Scored {
            decision,
            risk_score,
            signals,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Category;

    fn signal(code: &'static str) -> Signal {
        Signal {
            code,
            category: Category::Identity,
            message: String::new(),
            evidence: Default::default(),
        }
    }

    #[test]
    fn the_built_in_policy_gives_points_to_every_catalogued_code() {
        let policy = Policy::built_in();
        for info in codes::CATALOG {
            assert!(
                policy.points.contains_key(info.code),
                "{} has no points in default.toml",
                info.code
            );
        }
    }

    #[test]
    fn evidence_adds_up_across_thresholds() {
        let policy = Policy::built_in();
        let one = policy.score(vec![signal(codes::ID_NATIONALITY_MISMATCH)]);
        assert_eq!((one.decision, one.risk_score), (Decision::Clear, 10));
        let two = policy.score(vec![
            signal(codes::ID_NAME_MISMATCH),
            signal(codes::ID_DOB_MISMATCH),
        ]);
        assert_eq!((two.decision, two.risk_score), (Decision::Review, 60));
    }

    #[test]
    fn scores_are_capped_at_100_and_forced_codes_win() {
        let text = "[points]\nID_NAME_MISMATCH = 90\nID_DOB_MISMATCH = 90\n[force]\nreview = [\"ID_NATIONALITY_MISMATCH\"]";
        let policy = Policy::from_toml(text, Some(Policy::built_in())).unwrap();
        let capped = policy.score(vec![
            signal(codes::ID_NAME_MISMATCH),
            signal(codes::ID_DOB_MISMATCH),
        ]);
        assert_eq!(
            (capped.decision, capped.risk_score),
            (Decision::Reject, 100)
        );
        let forced = policy.score(vec![signal(codes::ID_NATIONALITY_MISMATCH)]);
        assert_eq!(forced.decision, Decision::Review);
    }

    #[test]
    fn the_version_follows_content_not_formatting() {
        let a =
            Policy::from_toml("[points]\nID_NAME_MISMATCH = 31", Some(Policy::built_in())).unwrap();
        let b = Policy::from_toml(
            "# comment\n[points]\nID_NAME_MISMATCH   =   31\n",
            Some(Policy::built_in()),
        )
        .unwrap();
        assert_eq!(a.version(), b.version());
        assert_ne!(a.version(), Policy::built_in().version());
        assert!(a.version().starts_with("sha256:"));
    }

    #[test]
    fn broken_policies_are_refused_with_a_reason() {
        let base = || Some(Policy::built_in());
        assert!(
            matches!(Policy::from_toml("[points]\nID_TYPO = 5", base()), Err(PolicyError::UnknownCodes(c)) if c == ["ID_TYPO"])
        );
        assert!(matches!(
            Policy::from_toml("[thresholds]\nreview = 90\nreject = 50", base()),
            Err(PolicyError::Thresholds { .. })
        ));
        assert!(matches!(
            Policy::from_toml("[thresholds]\nreview = 0", base()),
            Err(PolicyError::Thresholds { .. })
        ));
        assert!(matches!(
            Policy::from_toml("[points]\nID_NAME_MISMATCH = 500", base()),
            Err(PolicyError::Points { .. })
        ));
        assert!(matches!(
            Policy::from_toml("[colours]\nred = 1", base()),
            Err(PolicyError::Syntax(_))
        ));
        assert!(matches!(
            Policy::load(Some(Path::new("/nonexistent/policy.toml"))),
            Err(PolicyError::Read { .. })
        ));
    }
}
