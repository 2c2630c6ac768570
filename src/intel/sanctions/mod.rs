//! Sanctions-list ingestion: OFAC SDN (legacy CSV set), the UN Security
//! Council consolidated list (XML) and the project's own CSV lists, all
//! normalised into [`model::Entity`].
//!
//! Every loader refuses a malformed source whole ([`model::LoadError`], naming
//! the file and line) and returns a [`model::ParseReport`] listing whatever it
//! could not structure.

pub mod csv_list;
pub mod curated;
pub mod matcher;
pub mod model;
pub mod ofac;
pub mod un;

pub use model::{Entity, LoadError, LoadedList, ParseReport};
