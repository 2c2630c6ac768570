//! Scoring policy: points per reason code, the review and reject thresholds, and codes that force a
//! verdict. The built-in policy is `default.toml`; an operator file overrides parts of it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::checks::codes;
use crate::model::{Decision, ScoredSignal, Signal};

pub mod review;

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
    #[error("{code} is a retired reason code; its cases are now {}", .replaced_by.join(", "))]
    RetiredCode {
        code: String,
        replaced_by: Vec<&'static str>,
    },
    #[error(
        "{code} informs the reviewer and always scores 0: it cannot be given points, force a verdict or join an agreement family"
    )]
    FixedAtZero { code: &'static str },
    #[error("the policy cannot be written as TOML: {0}")]
    NotToml(String),
    #[error("{code} is in two agreement families ({first} and {second}): a fact counts once")]
    FamilyOverlap {
        code: String,
        first: String,
        second: String,
    },
    #[error("agreement.min_families must be 0 (off) or at least 2 (got {0})")]
    MinFamilies(u32),
}

/// Codes that inform the reviewer and always score 0: a contradicted namesake, and the allow
/// entries that applied. No policy (operator file or tenant override) may give them points.
pub const FIXED_AT_ZERO: &[&str] = &[
    codes::SAN_NAMESAKE_CONTRADICTED,
    codes::NET_ALLOW_ENTRY_APPLIED,
    codes::LNK_ALLOW_ENTRY_APPLIED,
];

/// A policy override sent as JSON of the TOML file's shape, as TOML text.
pub fn json_to_toml(value: &serde_json::Value) -> Result<String, PolicyError> {
    match toml::Value::try_from(value).map_err(|e| PolicyError::NotToml(e.to_string()))? {
        toml::Value::Table(table) => {
            toml::to_string(&table).map_err(|e| PolicyError::NotToml(e.to_string()))
        }
        _ => Err(PolicyError::NotToml("the policy must be an object".into())),
    }
}

/// What a policy file may say; every part is optional in an override.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    thresholds: Option<ThresholdsFile>,
    #[serde(default)]
    points: BTreeMap<String, i32>,
    force: Option<ForceFile>,
    agreement: Option<AgreementFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AgreementFile {
    min_families: Option<u32>,
    #[serde(default)]
    families: BTreeMap<String, BTreeSet<String>>,
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
    /// Signals of this many families together are at least `review` (0: the rule is off).
    agreement_min_families: u32,
    agreement_families: BTreeMap<String, BTreeSet<String>>,
    #[serde(skip)]
    version: String,
}

/// The outcome of scoring one application's signals.
#[derive(Debug, Clone)]
pub struct Scored {
    pub decision: Decision,
    pub risk_score: u8,
    pub signals: Vec<ScoredSignal>,
    /// The families whose agreement alone made the verdict `review` (empty otherwise).
    pub agreeing_families: Vec<String>,
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

    /// This policy with a tenant's override laid over it: the same TOML and the same rules as an
    /// operator file (built-in ← operator file ← tenant override).
    pub fn with_override(&self, text: &str) -> Result<Policy, PolicyError> {
        Policy::from_toml(text, Some(self.clone()))
    }

    fn from_toml(text: &str, base: Option<Policy>) -> Result<Policy, PolicyError> {
        let file: PolicyFile = toml::from_str(text)?;
        let mut policy = base.unwrap_or(Policy {
            review_threshold: 0,
            reject_threshold: 0,
            points: BTreeMap::new(),
            force_review: BTreeSet::new(),
            force_reject: BTreeSet::new(),
            agreement_min_families: 0,
            agreement_families: BTreeMap::new(),
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
        if let Some(agreement) = file.agreement {
            policy.agreement_min_families = agreement
                .min_families
                .unwrap_or(policy.agreement_min_families);
            policy.agreement_families.extend(agreement.families);
        }
        policy.validate()?;
        policy.version = policy.content_hash();
        Ok(policy)
    }

    fn validate(&self) -> Result<(), PolicyError> {
        let named = || {
            self.points
                .keys()
                .chain(&self.force_review)
                .chain(&self.force_reject)
                .chain(self.agreement_families.values().flatten())
        };
        if let Some((code, replaced_by)) =
            named().find_map(|c| codes::retired(c).map(|by| (c.clone(), by.to_vec())))
        {
            return Err(PolicyError::RetiredCode { code, replaced_by });
        }
        let mut unknown: Vec<String> = named()
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
        for &zero in FIXED_AT_ZERO {
            if self.points_for(zero) != 0
                || self.force_review.contains(zero)
                || self.force_reject.contains(zero)
                || self.agreement_families.values().any(|f| f.contains(zero))
            {
                return Err(PolicyError::FixedAtZero { code: zero });
            }
        }
        let mut family_of: BTreeMap<&str, &str> = BTreeMap::new();
        for (family, members) in &self.agreement_families {
            for code in members {
                if let Some(first) = family_of.insert(code, family) {
                    return Err(PolicyError::FamilyOverlap {
                        code: code.clone(),
                        first: first.to_owned(),
                        second: family.clone(),
                    });
                }
            }
        }
        if self.agreement_min_families == 1 {
            return Err(PolicyError::MinFamilies(1));
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

    /// Whether `code` forces `reject` on its own.
    pub fn forces_reject(&self, code: &str) -> bool {
        self.force_reject.contains(code)
    }

    pub fn points_for(&self, code: &str) -> i32 {
        self.points.get(code).copied().unwrap_or(0)
    }

    /// Scores signals. Signals that force `review` count once (the largest of their points; the
    /// others show 0), so review-level evidence alone never reaches `reject`: only a code that
    /// forces it, or the points of the other signals alone, do.
    pub fn score(&self, signals: Vec<Signal>) -> Scored {
        let forces_review =
            |code: &str| self.force_review.contains(code) && !self.force_reject.contains(code);
        let counted_review = signals
            .iter()
            .enumerate()
            .filter(|(_, s)| forces_review(s.code))
            .max_by_key(|(i, s)| (self.points_for(s.code), std::cmp::Reverse(*i)))
            .map(|(i, _)| i);
        let signals: Vec<ScoredSignal> = signals
            .into_iter()
            .enumerate()
            .map(|(i, s)| ScoredSignal {
                points: if forces_review(s.code) && Some(i) != counted_review {
                    0
                } else {
                    self.points_for(s.code)
                },
                code: s.code.to_owned(),
                category: s.category,
                message: s.message,
                evidence: s.evidence,
            })
            .collect();
        let total: i32 = signals.iter().map(|s| s.points).sum();
        let others: i32 = signals
            .iter()
            .filter(|s| !forces_review(&s.code))
            .map(|s| s.points)
            .sum();
        let risk_score = total.clamp(0, 100) as u8;
        let forced = |set: &BTreeSet<String>| signals.iter().any(|s| set.contains(&s.code));
        let mut agreeing_families = Vec::new();
        let decision = if forced(&self.force_reject) || others >= self.reject_threshold as i32 {
            Decision::Reject
        } else if forced(&self.force_review) || u32::from(risk_score) >= self.review_threshold {
            Decision::Review
        } else if let Some(families) = self.agreeing(&signals) {
            agreeing_families = families;
            Decision::Review
        } else {
            Decision::Clear
        };
        Scored {
            decision,
            risk_score,
            signals,
            agreeing_families,
        }
    }

    /// The families raised, when there are at least `agreement.min_families` of them.
    fn agreeing(&self, signals: &[ScoredSignal]) -> Option<Vec<String>> {
        if self.agreement_min_families == 0 {
            return None;
        }
        let families: Vec<String> = self
            .agreement_families
            .iter()
            .filter(|(_, members)| signals.iter().any(|s| members.contains(&s.code)))
            .map(|(family, _)| family.clone())
            .collect();
        (families.len() >= self.agreement_min_families as usize).then_some(families)
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
    fn the_payout_codes_have_the_strength_their_catalog_entries_say() {
        use crate::checks::codes::*;
        let policy = Policy::built_in();
        for code in [
            PAY_BANK_COUNTRY_MISMATCH,
            PAY_BANK_COUNTRY_UNRELATED,
            PAY_HOLDER_IS_COMPANY,
            PAY_CRYPTO,
        ] {
            assert!(policy.points_for(code) <= 15, "{code} is weak");
        }
        for code in [
            PAY_IBAN_INVALID,
            PAY_BIC_INVALID,
            PAY_HOLDER_NAME_MISMATCH,
            PAY_CRYPTO_STABLECOIN_HIGH_RISK_CHAIN,
            PAY_CRYPTO_ADDRESS_INVALID,
            PAY_FREQUENT_CHANGES,
        ] {
            let points = policy.points_for(code);
            assert!((20..40).contains(&points), "{code} is medium: {points}");
        }
        assert_eq!(policy.points_for(PAY_BANK_COUNTRY_DPRK), 100);
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
            signal(codes::ID_DOB_OTHER_PERSON),
        ]);
        assert_eq!((two.decision, two.risk_score), (Decision::Review, 70));
    }

    #[test]
    fn a_mixed_script_name_is_medium_clear_alone_and_reviewed_with_one_more_signal() {
        let policy = Policy::built_in();
        let points = policy.points_for(codes::ID_NAME_MIXED_SCRIPT);
        assert!((20..40).contains(&points), "medium: {points}");
        let alone = policy.score(vec![signal(codes::ID_NAME_MIXED_SCRIPT)]);
        assert_eq!(alone.decision, Decision::Clear);
        let with_a_weak_one = policy.score(vec![
            signal(codes::ID_NAME_MIXED_SCRIPT),
            signal(codes::ID_NATIONALITY_MISMATCH),
        ]);
        assert_eq!(with_a_weak_one.decision, Decision::Review);
    }

    #[test]
    fn scores_are_capped_at_100_and_forced_codes_win() {
        let text = "[points]\nID_NAME_MISMATCH = 90\nID_DOB_OTHER_PERSON = 90\n[force]\nreview = [\"ID_NATIONALITY_MISMATCH\"]";
        let policy = Policy::from_toml(text, Some(Policy::built_in())).unwrap();
        let capped = policy.score(vec![
            signal(codes::ID_NAME_MISMATCH),
            signal(codes::ID_DOB_OTHER_PERSON),
        ]);
        assert_eq!(
            (capped.decision, capped.risk_score),
            (Decision::Reject, 100)
        );
        let forced = policy.score(vec![signal(codes::ID_NATIONALITY_MISMATCH)]);
        assert_eq!(forced.decision, Decision::Review);
    }

    #[test]
    fn review_level_evidence_counts_once_and_never_adds_up_to_a_reject() {
        let policy = Policy::built_in();
        let two = policy.score(vec![
            signal(codes::SAN_WATCHLIST_MATCH),
            signal(codes::SAN_POSSIBLE_MATCH),
        ]);
        assert_eq!((two.decision, two.risk_score), (Decision::Review, 40));
        let points: Vec<i32> = two.signals.iter().map(|s| s.points).collect();
        assert_eq!(
            points,
            [40, 0],
            "the second review-level signal adds nothing"
        );
        // Other evidence alone under the reject threshold: still review, whatever the sum.
        let mixed = policy.score(vec![
            signal(codes::SAN_POSSIBLE_MATCH),
            signal(codes::ID_NAME_MISMATCH),
            signal(codes::ID_DOB_OTHER_PERSON),
        ]);
        assert_eq!((mixed.decision, mixed.risk_score), (Decision::Review, 100));
        // The other signals reaching 80 on their own reject.
        let strong = policy.score(vec![
            signal(codes::SAN_POSSIBLE_MATCH),
            signal(codes::ID_DOCUMENT_REUSED),
            signal(codes::ID_NAME_MISMATCH),
        ]);
        assert_eq!(strong.decision, Decision::Reject);
    }

    #[test]
    fn three_families_of_indicators_that_agree_are_reviewed_two_are_not() {
        // Lowered points, so that three families stay under the review threshold.
        let policy = Policy::from_toml(
            "[points]\nNET_INTERVIEW_WEBCAM_OFF = 5\nNET_OFF_HOURS_ACTIVITY = 10\nPAY_CRYPTO = 10",
            Some(Policy::built_in()),
        )
        .unwrap();
        let two = policy.score(vec![
            signal(codes::NET_OFF_HOURS_ACTIVITY),
            signal(codes::NET_KOREAN_LOCALE),
        ]);
        assert_eq!((two.decision, two.risk_score), (Decision::Clear, 20));
        assert!(two.agreeing_families.is_empty());
        let three = policy.score(vec![
            signal(codes::PAY_CRYPTO),
            signal(codes::NET_KOREAN_LOCALE),
            signal(codes::NET_INTERVIEW_WEBCAM_OFF),
        ]);
        assert_eq!((three.decision, three.risk_score), (Decision::Review, 25));
        assert_eq!(three.agreeing_families, ["camera", "locale", "payout"]);
        // Two codes of one family are one family; a bank abroad follows origin and is in none.
        let same = policy.score(vec![
            signal(codes::NET_OFF_HOURS_ACTIVITY),
            signal(codes::NET_CLOCK_CONTRADICTS_TIMEZONE),
            signal(codes::NET_KOREAN_LOCALE),
        ]);
        assert_eq!(same.decision, Decision::Clear);
        let heritage = policy.score(vec![
            signal(codes::PAY_BANK_COUNTRY_UNRELATED),
            signal(codes::NET_KOREAN_LOCALE),
            signal(codes::NET_INTERVIEW_WEBCAM_OFF),
        ]);
        assert_eq!(heritage.decision, Decision::Clear);
        // With the built-in points, any three families reach the review threshold by themselves.
        let built_in = Policy::built_in().score(vec![
            signal(codes::NET_OFF_HOURS_ACTIVITY),
            signal(codes::NET_KOREAN_LOCALE),
            signal(codes::NET_INTERVIEW_WEBCAM_OFF),
        ]);
        assert_eq!(
            (built_in.decision, built_in.risk_score),
            (Decision::Review, 40)
        );
        let off = Policy::from_toml(
            "[points]\nNET_INTERVIEW_WEBCAM_OFF = 5\nPAY_CRYPTO = 10\n[agreement]\nmin_families = 0",
            Some(Policy::built_in()),
        )
        .unwrap();
        let three_off = off.score(vec![
            signal(codes::PAY_CRYPTO),
            signal(codes::NET_KOREAN_LOCALE),
            signal(codes::NET_INTERVIEW_WEBCAM_OFF),
        ]);
        assert_eq!(three_off.decision, Decision::Clear);
    }

    #[test]
    fn retired_and_fixed_codes_are_refused_in_a_policy_file() {
        let base = || Some(Policy::built_in());
        let retired = Policy::from_toml("[points]\nSAN_PAYOUT_MATCH = 90", base());
        assert!(
            matches!(&retired, Err(PolicyError::RetiredCode { code, replaced_by }) if code == "SAN_PAYOUT_MATCH" && replaced_by.contains(&codes::SAN_PAYOUT_HOLDER_ENTITY)),
            "{retired:?}"
        );
        assert!(matches!(
            Policy::from_toml("[points]\nSAN_NAMESAKE_CONTRADICTED = 20", base()),
            Err(PolicyError::FixedAtZero { .. })
        ));
        assert!(matches!(
            Policy::from_toml("[force]\nreview = [\"SAN_NAMESAKE_CONTRADICTED\"]", base()),
            Err(PolicyError::FixedAtZero { .. })
        ));
        assert!(matches!(
            Policy::from_toml(
                "[agreement.families]\nextra = [\"NET_KOREAN_LOCALE\"]",
                base()
            ),
            Err(PolicyError::FamilyOverlap { .. })
        ));
        assert!(matches!(
            Policy::from_toml("[agreement]\nmin_families = 1", base()),
            Err(PolicyError::MinFamilies(1))
        ));
    }

    #[test]
    fn a_tenant_override_lays_over_the_operator_policy_which_lays_over_the_built_in_one() {
        let operator = Policy::from_toml(
            "[thresholds]\nreview = 35\n[points]\nID_NAME_MISMATCH = 31",
            Some(Policy::built_in()),
        )
        .unwrap();
        let tenant = operator
            .with_override("[points]\nID_NATIONALITY_MISMATCH = 45")
            .unwrap();
        // The tenant's own change, the operator's and the built-in rest all hold.
        assert_eq!(tenant.points_for(codes::ID_NATIONALITY_MISMATCH), 45);
        assert_eq!(tenant.points_for(codes::ID_NAME_MISMATCH), 31);
        assert_eq!(tenant.review_threshold, 35);
        assert_eq!(tenant.reject_threshold, 80);
        assert_eq!(tenant.points_for(codes::ID_DOB_OTHER_PERSON), 40);
        let one = tenant.score(vec![signal(codes::ID_NATIONALITY_MISMATCH)]);
        assert_eq!(one.decision, Decision::Review);
        assert_eq!(
            operator
                .score(vec![signal(codes::ID_NATIONALITY_MISMATCH)])
                .decision,
            Decision::Clear
        );
        // The version names the merged content: an override that changes nothing is the operator's.
        assert_ne!(tenant.version(), operator.version());
        let same = operator
            .with_override("[points]\nID_NAME_MISMATCH = 31")
            .unwrap();
        assert_eq!(same.version(), operator.version());
        // The operator's rules bind the tenant: its thresholds are checked merged.
        assert!(matches!(
            operator.with_override("[thresholds]\nreject = 30"),
            Err(PolicyError::Thresholds { .. })
        ));
        for code in FIXED_AT_ZERO {
            assert!(matches!(
                operator.with_override(&format!("[points]\n{code} = 5")),
                Err(PolicyError::FixedAtZero { .. })
            ));
        }
    }

    #[test]
    fn json_of_the_files_shape_is_the_same_override() {
        let json = serde_json::json!({"points": {"ID_NATIONALITY_MISMATCH": 45}, "thresholds": {"review": 35}});
        let text = json_to_toml(&json).unwrap();
        let base = Policy::built_in();
        assert_eq!(
            base.with_override(&text).unwrap().version(),
            base.with_override("[thresholds]\nreview = 35\n[points]\nID_NATIONALITY_MISMATCH = 45")
                .unwrap()
                .version()
        );
        assert!(json_to_toml(&serde_json::json!([1, 2])).is_err());
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
