//! Names: folding, transliteration-aware tokens and similarity of personal and organisation names.
//! The one engine behind "is this the same name": the sanctions index scores list entries with it
//! (`intel::sanctions::matcher`), and the checks compare a payout holder, a document or a shipping
//! recipient with the applicant (`checks::same_person`).

pub mod jaro;
pub mod normalize;
pub mod similarity;
