//! Sanctions-list ingestion: OFAC SDN (legacy CSV set), the UN Security
//! Council consolidated list (XML), the EU's consolidated financial sanctions
//! list (XML), the UK Sanctions List (XML), OpenSanctions datasets
//! (FollowTheMoney JSON lines) and the project's own CSV lists, all
//! normalised into [`model::Entity`].
//!
//! Every loader refuses a malformed source whole ([`model::LoadError`], naming
//! the file and line) and returns a [`model::ParseReport`] listing whatever it
//! could not structure.

pub mod csv_list;
pub mod curated;
pub mod eu;
pub mod ftm;
pub mod matcher;
pub mod model;
pub mod ofac;
pub mod uk;
pub mod un;
mod xml_walk;

pub use model::{Entity, LoadError, LoadedList, ParseReport};
