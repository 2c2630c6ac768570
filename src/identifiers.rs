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
    /// The payout account: IBAN, account and routing number, provider account, crypto address.
    PayoutAccount,
    /// A device id reported by a session.
    DeviceId,
    /// The phone number, digits with the country prefix.
    Phone,
    /// The e-mail address, case folded, Gmail dots and `+tags` removed.
    Email,
    /// The shipping address, normalised.
    ShippingAddress,
    /// The address of a session running remote-access tools.
    RemoteAccessIp,
    /// The /24 (IPv4) or /48 (IPv6) of a session running remote-access tools.
    RemoteAccessSubnet,
}

impl IdentifierKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IdentifierKind::DocumentNumber => "document_number",
            IdentifierKind::PortraitDigest => "portrait_sha256",
            IdentifierKind::PortraitBlock => "portrait_phash",
            IdentifierKind::PayoutAccount => "payout_account",
            IdentifierKind::DeviceId => "device_id",
            IdentifierKind::Phone => "phone",
            IdentifierKind::Email => "email",
            IdentifierKind::ShippingAddress => "shipping_address",
            IdentifierKind::RemoteAccessIp => "remote_access_ip",
            IdentifierKind::RemoteAccessSubnet => "remote_access_subnet",
        }
    }

    /// The kinds the links checks own (decisions.md: document and portrait reuse is identity's).
    pub fn is_link(self) -> bool {
        !matches!(
            self,
            IdentifierKind::DocumentNumber
                | IdentifierKind::PortraitDigest
                | IdentifierKind::PortraitBlock
        )
    }

    pub const LINKS: [IdentifierKind; 7] = [
        IdentifierKind::PayoutAccount,
        IdentifierKind::DeviceId,
        IdentifierKind::Phone,
        IdentifierKind::Email,
        IdentifierKind::ShippingAddress,
        IdentifierKind::RemoteAccessIp,
        IdentifierKind::RemoteAccessSubnet,
    ];

    /// The attributes that tie applications to one operator: clusters are walked through these.
    pub const STRONG: [IdentifierKind; 4] = [
        IdentifierKind::PayoutAccount,
        IdentifierKind::DeviceId,
        IdentifierKind::ShippingAddress,
        IdentifierKind::DocumentNumber,
    ];

    pub fn parse(s: &str) -> Option<IdentifierKind> {
        [
            IdentifierKind::DocumentNumber,
            IdentifierKind::PortraitDigest,
            IdentifierKind::PortraitBlock,
        ]
        .into_iter()
        .chain(IdentifierKind::LINKS)
        .find(|k| k.as_str() == s)
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
    /// Indexes and probes one value compared by equality (once per application).
    fn exact(&mut self, keys: &PiiKeys, kind: IdentifierKind, value: &[u8]) {
        let key = keys.index_hash(kind.as_str(), value);
        if self.entries.iter().any(|e| e.key == key) {
            return;
        }
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

    if let Some(doc) = doc {
        document(&mut ids, doc, keys);
    }
    links(&mut ids, app, keys);
    ids
}

fn document(ids: &mut Identifiers, doc: &crate::model::IdentityDocument, keys: &PiiKeys) {
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
}

fn alnum_upper(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// `John.Smith+jobs@GoogleMail.com` → `johnsmith@gmail.com`; other providers keep their dots, and
/// lose `+tags` (sub-addressing reaches the same mailbox almost everywhere).
pub fn normalise_email(email: &str) -> Option<String> {
    let email = email.trim().to_lowercase();
    let (local, domain) = email.rsplit_once('@')?;
    let local = local.split('+').next().unwrap_or(local);
    let (local, domain) = match domain {
        "gmail.com" | "googlemail.com" => (local.replace('.', ""), "gmail.com"),
        _ => (local.to_owned(), domain),
    };
    (!local.is_empty() && !domain.is_empty()).then(|| format!("{local}@{domain}"))
}

/// Digits with the international prefix: `+1 (312) 555-0142` and `001 312 555 0142` are the same.
/// Numbers without a country prefix are kept as written (digits only); under 7 digits, none.
pub fn normalise_phone(phone: &str) -> Option<String> {
    let trimmed = phone.trim();
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    let international = trimmed.starts_with('+');
    let digits = match digits.strip_prefix("00") {
        Some(rest) if !international => rest.to_owned(),
        _ => digits,
    };
    (digits.len() >= 7).then(|| {
        if international || trimmed.starts_with("00") {
            format!("+{digits}")
        } else {
            digits
        }
    })
}

/// Lower-case words of letters and digits, for addresses typed many ways.
fn address_words(s: &str) -> String {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The linkable attributes (decisions.md "Links"), each as a keyed hash.
fn links(ids: &mut Identifiers, app: &Application, keys: &PiiKeys) {
    use crate::intel::sanctions::matcher::normalise_crypto;
    if let Some(payout) = &app.payout {
        if let Some(iban) = payout
            .iban
            .as_deref()
            .map(alnum_upper)
            .filter(|s| s.len() >= 8)
        {
            ids.exact(
                keys,
                IdentifierKind::PayoutAccount,
                format!("iban:{iban}").as_bytes(),
            );
        }
        if let Some(account) = payout
            .account_number
            .as_deref()
            .map(alnum_upper)
            .filter(|s| s.len() >= 4)
        {
            let routing = payout
                .routing_number
                .as_deref()
                .map(alnum_upper)
                .unwrap_or_default();
            ids.exact(
                keys,
                IdentifierKind::PayoutAccount,
                format!("account:{routing}:{account}").as_bytes(),
            );
        }
        if let Some(provider) = payout.provider_account_id.as_deref() {
            let id = normalise_email(provider).unwrap_or_else(|| provider.trim().to_lowercase());
            if !id.is_empty() {
                ids.exact(
                    keys,
                    IdentifierKind::PayoutAccount,
                    format!("provider:{id}").as_bytes(),
                );
            }
        }
        if let Some(address) = payout
            .crypto_address
            .as_deref()
            .filter(|a| !a.trim().is_empty())
        {
            let address = normalise_crypto(address);
            ids.exact(
                keys,
                IdentifierKind::PayoutAccount,
                format!("crypto:{address}").as_bytes(),
            );
        }
    }
    for session in &app.sessions {
        if let Some(device) = session
            .device_id
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            ids.exact(keys, IdentifierKind::DeviceId, device.as_bytes());
        }
        if !session.remote_access_tools.is_empty() {
            ids.exact(
                keys,
                IdentifierKind::RemoteAccessIp,
                session.ip.to_string().as_bytes(),
            );
            let subnet = match session.ip {
                std::net::IpAddr::V4(v4) => {
                    let o = v4.octets();
                    format!("{}.{}.{}.0/24", o[0], o[1], o[2])
                }
                std::net::IpAddr::V6(v6) => {
                    let s = v6.segments();
                    format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2])
                }
            };
            ids.exact(keys, IdentifierKind::RemoteAccessSubnet, subnet.as_bytes());
        }
    }
    if let Some(phone) = app.applicant.phone.as_deref().and_then(normalise_phone) {
        ids.exact(keys, IdentifierKind::Phone, phone.as_bytes());
    }
    if let Some(email) = app.applicant.email.as_deref().and_then(normalise_email) {
        ids.exact(keys, IdentifierKind::Email, email.as_bytes());
    }
    if let Some(ship) = &app.shipping_address
        && let Some(line) = ship
            .address_line
            .as_deref()
            .map(address_words)
            .filter(|l| !l.is_empty())
    {
        let value = format!(
            "{}|{}|{}",
            ship.country.as_ref().map(|c| c.as_str()).unwrap_or(""),
            ship.postal_code
                .as_deref()
                .map(address_words)
                .unwrap_or_default(),
            line
        );
        ids.exact(keys, IdentifierKind::ShippingAddress, value.as_bytes());
    }
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
    fn emails_and_phones_normalise_to_one_mailbox_and_one_line() {
        assert_eq!(
            normalise_email(" John.Smith+jobs@GoogleMail.com").as_deref(),
            Some("johnsmith@gmail.com")
        );
        assert_eq!(
            normalise_email("j.smith+x@example.org").as_deref(),
            Some("j.smith@example.org")
        );
        assert_eq!(normalise_email("nobody"), None);
        assert_eq!(
            normalise_phone("+1 (312) 555-0142"),
            normalise_phone("001 312 555 0142")
        );
        assert_eq!(normalise_phone("12-34"), None);
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
