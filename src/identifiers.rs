//! The identifiers an application is indexed under, as keyed hashes: equality (and, for portrait
//! perceptual hashes, nearness) can be tested across applications without storing the values.
//!
//! A 64-bit perceptual hash is indexed as four 16-bit blocks, each hashed with its position. Two
//! hashes within Hamming distance 7 share at least one block within distance 1 (pigeonhole), so a
//! lookup probes each block's value and its 16 one-bit neighbours (68 keys) and then measures the
//! exact distance on the candidates, whose full hash is kept sealed beside the index row.

use crate::checks::names::latin_tokens;
use crate::crypto::PiiKeys;
use crate::model::Application;

/// What an index entry or probe stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdentifierKind {
    /// Document number per issuing state.
    DocumentNumber,
    /// SHA-256 of the portrait image.
    PortraitDigest,
    /// One 16-bit block of the portrait's perceptual hash.
    PortraitBlock,
}

impl IdentifierKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IdentifierKind::DocumentNumber => "document_number",
            IdentifierKind::PortraitDigest => "portrait_sha256",
            IdentifierKind::PortraitBlock => "portrait_phash",
        }
    }
}

/// One row of the identifier index.
#[derive(Debug, Clone)]
pub struct IndexEntry {
    pub kind: IdentifierKind,
    pub key: [u8; 32],
    /// Sealed extra needed to compare candidates (the full perceptual hash), if any.
    pub detail: Option<Vec<u8>>,
}

/// A key to look up before screening.
#[derive(Debug, Clone)]
pub struct Probe {
    pub kind: IdentifierKind,
    pub key: [u8; 32],
}

/// Everything the index needs about one application.
#[derive(Debug, Clone, Default)]
pub struct Identifiers {
    pub entries: Vec<IndexEntry>,
    pub probes: Vec<Probe>,
    /// Keyed hash of the normalised name the application presents (document name, else declared).
    pub name_key: [u8; 32],
    /// Keyed hash of the date of birth (document, else declared), when known.
    pub dob_key: Option<[u8; 32]>,
    /// The application's own perceptual hash, to measure candidates against.
    pub phash: Option<u64>,
}

impl Identifiers {
    /// Indexes and probes one value compared by equality.
    fn exact(&mut self, keys: &PiiKeys, kind: IdentifierKind, value: &[u8]) {
        let key = keys.index_hash(kind.as_str(), value);
        self.entries.push(IndexEntry {
            kind,
            key,
            detail: None,
        });
        self.probes.push(Probe { kind, key });
    }
}

/// Document numbers are compared without spaces, dashes or fillers and in upper case, per issuing
/// state (the same number from two states is two documents).
pub fn normalise_document_number(number: &str) -> String {
    number
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn block_key(keys: &PiiKeys, index: usize, value: u16) -> [u8; 32] {
    let mut bytes = [0u8; 3];
    bytes[0] = index as u8;
    bytes[1..].copy_from_slice(&value.to_be_bytes());
    keys.index_hash(IdentifierKind::PortraitBlock.as_str(), &bytes)
}

fn blocks(phash: u64) -> [u16; 4] {
    [
        (phash >> 48) as u16,
        (phash >> 32) as u16,
        (phash >> 16) as u16,
        phash as u16,
    ]
}

pub fn of(app: &Application, keys: &PiiKeys) -> Identifiers {
    let mut ids = Identifiers::default();
    let doc = app.identity_document.as_ref();

    let name = match doc {
        Some(d) if d.surname.is_some() || d.given_names.is_some() => {
            format!(
                "{} {}",
                d.surname.as_deref().unwrap_or(""),
                d.given_names.as_deref().unwrap_or("")
            )
        }
        _ => app.applicant.full_name.clone(),
    };
    let normalised = match latin_tokens(&name) {
        Some(mut tokens) => {
            tokens.sort();
            tokens.join(" ")
        }
        None => name
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    };
    ids.name_key = keys.index_hash("identity_name", normalised.as_bytes());
    let dob = doc
        .and_then(|d| d.date_of_birth)
        .or(app.applicant.date_of_birth);
    ids.dob_key = dob.map(|d| keys.index_hash("identity_dob", d.to_string().as_bytes()));

    let Some(doc) = doc else { return ids };
    let number = normalise_document_number(&doc.number);
    if !number.is_empty() {
        let state = doc.issuing_country.country().map(|c| c.as_str().to_owned());
        let value = format!(
            "{}:{number}",
            state.as_deref().unwrap_or(doc.issuing_country.as_str())
        );
        ids.exact(keys, IdentifierKind::DocumentNumber, value.as_bytes());
    }
    if let Some(digest) = doc.portrait_sha256 {
        ids.exact(keys, IdentifierKind::PortraitDigest, &digest);
    }
    if let Some(phash) = doc.portrait_phash {
        ids.phash = Some(phash);
        let sealed = keys.seal(&phash.to_be_bytes());
        for (index, block) in blocks(phash).into_iter().enumerate() {
            let key = block_key(keys, index, block);
            ids.entries.push(IndexEntry {
                kind: IdentifierKind::PortraitBlock,
                key,
                detail: Some(sealed.clone()),
            });
            ids.probes.push(Probe {
                kind: IdentifierKind::PortraitBlock,
                key,
            });
            for bit in 0..16 {
                ids.probes.push(Probe {
                    kind: IdentifierKind::PortraitBlock,
                    key: block_key(keys, index, block ^ (1 << bit)),
                });
            }
        }
    }
    ids
}

/// Reads a sealed perceptual hash back.
pub fn open_phash(keys: &PiiKeys, sealed: &[u8]) -> Option<u64> {
    let bytes: [u8; 8] = keys.open(sealed).ok()?.try_into().ok()?;
    Some(u64::from_be_bytes(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::application;

    fn keys() -> PiiKeys {
        PiiKeys::from_secret(&"07".repeat(32)).unwrap()
    }

    #[test]
    fn the_same_document_number_indexes_the_same_whatever_its_spelling() {
        let a = of(
            &application(|a| a["identity_document"]["number"] = "C03005988".into()),
            &keys(),
        );
        let b = of(
            &application(|a| a["identity_document"]["number"] = "c03-005 988".into()),
            &keys(),
        );
        assert_eq!(a.entries[0].key, b.entries[0].key);
        let other_state = of(
            &application(|a| {
                a["identity_document"]["issuing_country"] = "CAN".into();
            }),
            &keys(),
        );
        assert_ne!(
            a.entries[0].key, other_state.entries[0].key,
            "numbers are per issuing state"
        );
    }

    #[test]
    fn a_perceptual_hash_within_distance_7_shares_a_probed_block() {
        let base: u64 = 0x0123_4567_89ab_cdef;
        let near = base ^ 0b1000_0000_0000_0001_0000_0000_0000_0011u64 ^ (0b111 << 40); // 7 bits
        let stored = of(
            &application(|a| {
                a["identity_document"]["portrait_phash"] = format!("{near:016x}").into()
            }),
            &keys(),
        );
        let query = of(
            &application(|a| {
                a["identity_document"]["portrait_phash"] = format!("{base:016x}").into()
            }),
            &keys(),
        );
        assert_eq!((base ^ near).count_ones(), 7);
        assert_eq!(
            query.probes.len(),
            1 + 68,
            "the document number and 68 block probes"
        );
        let stored_blocks: Vec<[u8; 32]> = stored
            .entries
            .iter()
            .filter(|e| e.kind == IdentifierKind::PortraitBlock)
            .map(|e| e.key)
            .collect();
        assert!(query.probes.iter().any(|p| stored_blocks.contains(&p.key)));
        let sealed = stored
            .entries
            .iter()
            .find_map(|e| e.detail.clone())
            .unwrap();
        assert_eq!(open_phash(&keys(), &sealed), Some(near));
    }

    #[test]
    fn names_are_keyed_in_any_order_and_case() {
        let a = of(&application(|_| {}), &keys());
        let b = of(
            &application(|a| {
                a["identity_document"]["surname"] = "Emily".into();
                a["identity_document"]["given_names"] = "carter".into();
            }),
            &keys(),
        );
        assert_eq!(a.name_key, b.name_key);
        assert!(a.dob_key.is_some());
    }
}
