//! The domain model: what the service reasons about, built once from the wire format, and the pure
//! rules about its values that every layer shares: how text is normalised before anything compares
//! it (`text`), how scripts are written in Latin (`translit`), how alike two names are (`names`), how
//! payout identifiers parse (`payout`).

mod application;
mod calling_code_table;
mod contract;
mod country;
mod country_table;
mod identifier_kind;
mod intake;
mod ip;
pub mod json;
pub mod mrz;
pub mod names;
pub mod payout;
mod signal;
#[cfg(test)]
pub(crate) mod testing;
pub mod text;
pub mod translit;
mod verdict;
mod zone;
mod zone_table;

pub use application::*;
pub use country::{Country, IcaoCode};
pub use identifier_kind::IdentifierKind;
pub use intake::{Intake, IntakeError};
pub use ip::{Anonymity, IpFacts, OverlayHit, unroutable};
pub use signal::{Category, Signal};
pub use verdict::{
    Cause, CauseKind, Decision, ListScopeLabel, NewEvidence, Review, ReviewDecision,
    SanctionsMatch, ScoredSignal, Verdict,
};
pub use zone::TimeZoneName;
