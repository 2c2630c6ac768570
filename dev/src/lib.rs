//! vetgate-dev: tools for working on vetgate itself, kept out of the service's crate (the
//! `vetgate-dev` binary, `src/main.rs`; the benches use [`Generator`] too).
//!
//! The generator makes deterministic synthetic applications: `vetgate-dev generate` screens and
//! stores them through the same pipeline as `vetgate screen` (and the API), to fill a database for
//! measurements (docs/performance.md, `bench/scaling.sh`), or prints them. Application `i` of a
//! seed is a pure function of `(seed, i)`: a run with `--start N` continues the series a run of
//! `--count N` began, and two runs of the same range store the same applications (the second
//! re-screens them).
//!
//! What an application looks like: an applicant of one of 30 countries of residence (weighted like
//! a freelance platform's sign-ups), named from that country's naming culture (about a thousand
//! given names and surnames across 24 cultures; Hangul, Han and Cyrillic spellings as
//! `other_names`); in the ten countries that draw them, a quarter are immigrants, naturalised or
//! foreign nationals holding their home passport. A residence with a city, postal code and the
//! city's IANA zone; a passport or national ID card without MRZ whose number is unique per issuing
//! state; unique e-mail, phone (E.164, the country's mobile prefixes), device id and payout account
//! (IBAN with valid check digits where the country uses them, domestic account and routing number
//! elsewhere, or the Payoneer/Wise/PayPal account of the e-mail); one to three sessions from a
//! residential ISP of the country of residence (checked against the shipped `geoip/` by a test), at
//! local working hours, with the residence's zone and language. Every `--farm-every`-th
//! application instead belongs to a laptop farm of [`FARM_SIZE`] identities living in the US, which
//! share a device id, a Payoneer payout account (held by a facilitator) and a residential address
//! with remote-access tools: the link index has real hits, and farm members end up `reject`.
//!
//! Uniqueness is by construction, not by chance: each identifier embeds an 8-digit number that is a
//! bijection of the application index (`(i × a + b) mod 10⁸`, a per-seed `b`), so identifiers stay
//! unique up to [`MAX_INDEX`] applications per seed.
//!
//! Where things are: `generator.rs` builds an application from the PRNG (`rng.rs`), a naming
//! culture (`cultures.rs`) and a country of the table (`nations.rs`); [`fuzz_seeds`] writes the
//! cargo-fuzz targets' seed inputs (`vetgate-dev fuzz-seeds DIR`).

mod cultures;
pub mod fuzz_seeds;
mod generator;
mod nations;
mod rng;

pub use generator::{FARM_SIZE, Generator, MAX_INDEX};
