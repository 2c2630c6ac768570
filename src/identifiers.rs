//! The identifiers an application is indexed under, as keyed hashes: equality (and, for portrait
//! perceptual hashes, nearness) can be tested across applications without storing the values.
//!
//! A 64-bit perceptual hash is indexed as four 16-bit blocks, each hashed with its position. Two
//! hashes within Hamming distance 7 share at least one block within distance 1 (pigeonhole), so a
//! lookup probes each block's value and its 16 one-bit neighbours (68 keys) and then measures the
//! exact distance on the candidates, whose full hash is kept sealed beside the index row.
//!
//! How keys are derived is versioned ([`INDEX_VERSION`]): a store whose rows were written by an
//! older derivation rebuilds them from the sealed applications (`Store::reindex`).

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::crypto::PiiKeys;
pub use crate::model::normalise_document_number;
use crate::model::text;
use crate::model::translit::icao_words;
use crate::model::{Application, Country, IdentifierKind, IpFacts, unroutable};

/// The derivation of index keys this build writes. 1: the first one. 2: a shipping address without a
/// postal code is keyed with its town, and address words fold diacritics; sessions from residential
/// addresses are indexed ([`IdentifierKind::ResidentialIp`]). 3: every value goes through the one
/// normaliser first ([`crate::model::text`]): invisible (default-ignorable) characters are dropped
/// and NFKC applied to document numbers, IBANs, account and routing numbers, provider ids, crypto
/// addresses, e-mails, phones, device ids and address words (full-width digits are digits);
/// names keyed for "another identity" are read through the name normaliser (look-alike letters of
/// another script inside a word folded); a phone written without `+` or `00` is read in the
/// numbering plan of the country of residence ([`normalise_phone`]) instead of kept as written.
/// Raise it whenever a key changes: a store written with an older version is re-indexed when the
/// service starts.
pub const INDEX_VERSION: i64 = 3;

/// What an application's index rows are marked with (`applications.indexed_with`): this build's
/// derivation and the current key's fingerprint. A row marked otherwise is rebuilt by the re-index.
pub fn index_marker(keys: &PiiKeys) -> String {
    format!("{INDEX_VERSION}:{}", keys.index_fingerprint())
}

/// One row of the identifier index.
#[derive(Debug, Clone)]
pub struct IndexEntry {
    pub kind: IdentifierKind,
    pub key: [u8; 32],
    /// Sealed extra needed to compare candidates (the full perceptual hash), if any.
    pub detail: Option<Vec<u8>>,
    /// When the application was seen there (residential addresses).
    pub seen: Option<Seen>,
}

/// When an application was seen at one address: the first and last observation (µs since the
/// epoch), kept on its residential index row so that "within 30 days" can be measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    pub first: i64,
    pub last: i64,
}

impl Seen {
    fn at(t: i64) -> Seen {
        Seen { first: t, last: t }
    }

    fn widen(&mut self, t: i64) {
        self.first = self.first.min(t);
        self.last = self.last.max(t);
    }

    /// From a stored row's columns; `None` unless both are there and in order.
    pub fn from_columns(first: Option<i64>, last: Option<i64>) -> Option<Seen> {
        let (first, last) = (first?, last?);
        (first <= last).then_some(Seen { first, last })
    }
}

/// One residential address the application was seen at.
#[derive(Debug, Clone)]
pub struct ResidentialAddress {
    pub key: [u8; 32],
    pub seen: Seen,
    /// A session from this address ran remote-access tools (then the address is also indexed as a
    /// remote-access address, and the two links are one fact).
    pub remote_access_tools: bool,
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
    /// The residential addresses it was seen at, with when.
    pub residential: Vec<ResidentialAddress>,
}

impl Identifiers {
    /// Dates the residential addresses again, with `seen_otherwise` for the sessions that carry no
    /// time (a re-submission's undated sessions were seen when it first arrived); the other keys do
    /// not depend on it and are kept.
    pub fn redate_residential(
        &mut self,
        app: &Application,
        sessions: &[IpFacts],
        seen_otherwise: DateTime<Utc>,
        keys: &PiiKeys,
    ) {
        self.residential.clear();
        self.entries
            .retain(|e| e.kind != IdentifierKind::ResidentialIp);
        self.probes
            .retain(|p| p.kind != IdentifierKind::ResidentialIp);
        residential_addresses(self, app, sessions, seen_otherwise, keys);
    }

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
            seen: None,
        });
        self.probes.push(Probe { kind, key });
    }
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

/// Whether sessions from `ip` are a home's: an address of an access network several unrelated
/// people do not normally share. Not residential: what the IP databases cannot place in an
/// autonomous system (no ASN database, or an address it does not know: a cloud box nobody listed must
/// not make a farm of its users), hosting and anonymiser exits (the network checks' own test),
/// carrier-grade NAT (100.64.0.0/10), private and special-purpose ranges, and lines a Connection-Type
/// database calls `Cellular` or `Corporate` (one public address for a whole mobile cell or office).
pub fn residential(ip: IpAddr, facts: &IpFacts) -> bool {
    let public = unroutable(ip).is_none();
    let shared_line = facts
        .connection_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("cellular") || t.eq_ignore_ascii_case("corporate"));
    public && facts.asn.is_some() && !facts.anonymity.any() && !shared_line
}

/// The value a residential address is keyed by: the IPv4 address, or the IPv6 /64.
fn residential_value(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

/// Every identifier of an application. `sessions` are the IP databases' facts about its sessions (in
/// order; missing ones count as unknown); `seen_otherwise` stands for a session's observation time
/// when it has none (the application's `submitted_at`, else when it was first received).
pub fn of(
    app: &Application,
    sessions: &[IpFacts],
    seen_otherwise: DateTime<Utc>,
    keys: &PiiKeys,
) -> Identifiers {
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
    let normalised = match icao_words(&name) {
        Some(mut tokens) => {
            tokens.sort();
            tokens.join(" ")
        }
        None => text::fold(&text::name(&name))
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
    residential_addresses(&mut ids, app, sessions, seen_otherwise, keys);
    ids
}

fn residential_addresses(
    ids: &mut Identifiers,
    app: &Application,
    sessions: &[IpFacts],
    seen_otherwise: DateTime<Utc>,
    keys: &PiiKeys,
) {
    let unknown = IpFacts::default();
    for (i, session) in app.sessions.iter().enumerate() {
        if !residential(session.ip, sessions.get(i).unwrap_or(&unknown)) {
            continue;
        }
        let key = keys.index_hash(
            IdentifierKind::ResidentialIp.as_str(),
            residential_value(session.ip).as_bytes(),
        );
        let at = session
            .observed_at
            .unwrap_or(seen_otherwise)
            .timestamp_micros();
        let tools = !session.remote_access_tools.is_empty();
        match ids.residential.iter_mut().find(|r| r.key == key) {
            Some(address) => {
                address.seen.widen(at);
                address.remote_access_tools |= tools;
            }
            None => ids.residential.push(ResidentialAddress {
                key,
                seen: Seen::at(at),
                remote_access_tools: tools,
            }),
        }
    }
    for address in &ids.residential {
        ids.entries.push(IndexEntry {
            kind: IdentifierKind::ResidentialIp,
            key: address.key,
            detail: None,
            seen: Some(address.seen),
        });
        ids.probes.push(Probe {
            kind: IdentifierKind::ResidentialIp,
            key: address.key,
        });
    }
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
                seen: None,
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
    text::clean(s)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// `John.Smith+jobs@GoogleMail.com` → `johnsmith@gmail.com`; other providers keep their dots, and
/// lose `+tags` (sub-addressing reaches the same mailbox almost everywhere). Invisible characters
/// are dropped and NFKC applied first ([`text::fold`]).
pub fn normalise_email(email: &str) -> Option<String> {
    let email = text::fold(email.trim()).trim().to_owned();
    let (local, domain) = email.rsplit_once('@')?;
    let local = local.split('+').next().unwrap_or(local);
    let (local, domain) = match domain {
        "gmail.com" | "googlemail.com" => (local.replace('.', ""), "gmail.com"),
        _ => (local.to_owned(), domain),
    };
    (!local.is_empty() && !domain.is_empty()).then(|| format!("{local}@{domain}"))
}

/// A phone number as E.164 digits after `+`, so that one line written several ways is one key:
/// `+82 10 1234 5678`, `0082 10 1234 5678`, `82 10 1234 5678` and, from someone who lives in South
/// Korea, `010-1234-5678`. Invisible characters are dropped and NFKC applied first (full-width
/// digits are digits), then:
/// 1. written with `+` or `00` (`011` in the North American plan), the number is international as
///    written;
/// 2. otherwise it is read in the numbering plan of `country` (the country of residence): a number
///    starting with that country's trunk prefix (`0` in most of the world, `8` in Russia, `06` in
///    Hungary, `1` in the North American plan) is national, and its trunk prefix gives way to the
///    calling code (`010-1234-5678` in KR → `+821012345678`; Italy has no trunk prefix and keeps
///    its `0`);
/// 3. one starting with the calling code and at least 7 more digits already carries it
///    (`82 10 1234 5678` in KR);
/// 4. any other is national without its trunk prefix and gets the calling code (`312 555 0142` in
///    the US → `+13125550142`).
///
/// Without a country, or for one without a numbering plan, a number with no prefix is kept as
/// written (digits only). Under 7 digits, none.
pub fn normalise_phone(phone: &str, country: Option<Country>) -> Option<String> {
    let phone = text::clean(phone);
    let trimmed = phone.trim();
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 7 {
        return None;
    }
    let plan = country.and_then(|c| c.calling_code());
    let international = |d: &str| (d.len() >= 7).then(|| format!("+{d}"));
    if trimmed.starts_with('+') {
        return international(&digits);
    }
    if let Some(rest) = digits.strip_prefix("00") {
        return international(rest);
    }
    let Some((code, trunk)) = plan else {
        return Some(digits);
    };
    if code == 1
        && let Some(rest) = digits.strip_prefix("011")
    {
        return international(rest);
    }
    let code = code.to_string();
    let national = match digits.strip_prefix(trunk).filter(|_| !trunk.is_empty()) {
        Some(national) => national,
        None if digits.starts_with(&code) && digits.len() >= code.len() + 7 => {
            return international(&digits);
        }
        None => &digits,
    };
    Some(format!("+{code}{national}"))
}

/// Lower-case words of letters and digits without diacritics, for addresses typed many ways:
/// `1, Rue Jean-Jaurès` and `1 rue jean jaures` are the same words.
pub fn address_words(s: &str) -> String {
    let folded: String = text::clean(s)
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The shipping address as keyed: country, postal code and address words; without a postal code,
/// the town instead (a street name recurs in every town of a country). Neither: no key, since the
/// address line alone names no place.
pub fn shipping_address_value(ship: &crate::model::ShippingAddress) -> Option<String> {
    let line = ship
        .address_line
        .as_deref()
        .map(address_words)
        .filter(|l| !l.is_empty())?;
    let country = ship.country.as_ref().map(|c| c.as_str()).unwrap_or("");
    let postal = ship
        .postal_code
        .as_deref()
        .map(address_words)
        .filter(|p| !p.is_empty());
    match postal {
        Some(postal) => Some(format!("{country}|{postal}|{line}")),
        None => {
            let town = ship
                .city
                .as_deref()
                .map(address_words)
                .filter(|t| !t.is_empty())?;
            Some(format!("{country}|town:{town}|{line}"))
        }
    }
}

/// The values a payout account is keyed by (one per way of naming it the application gives): the
/// IBAN, the account with its routing number, the provider's account id, the crypto address.
pub fn payout_account_values(
    iban: Option<&str>,
    account_number: Option<&str>,
    routing_number: Option<&str>,
    provider_account_id: Option<&str>,
    crypto_address: Option<&str>,
) -> Vec<String> {
    use crate::model::payout::normalise_crypto;
    let mut values = Vec::new();
    if let Some(iban) = iban.map(alnum_upper).filter(|s| s.len() >= 8) {
        values.push(format!("iban:{iban}"));
    }
    if let Some(account) = account_number.map(alnum_upper).filter(|s| s.len() >= 4) {
        let routing = routing_number.map(alnum_upper).unwrap_or_default();
        values.push(format!("account:{routing}:{account}"));
    }
    if let Some(provider) = provider_account_id {
        let id = normalise_email(provider)
            .unwrap_or_else(|| text::fold(provider.trim()).trim().to_owned());
        if !id.is_empty() {
            values.push(format!("provider:{id}"));
        }
    }
    if let Some(address) = crypto_address
        .map(normalise_crypto)
        .filter(|a| !a.is_empty())
    {
        values.push(format!("crypto:{address}"));
    }
    values
}

/// The /24 (IPv4) or /48 (IPv6) a remote-access session is also keyed by.
fn remote_access_subnet(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            format!("{}.{}.{}.0/24", o[0], o[1], o[2])
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2])
        }
    }
}

/// The keys a session's address may be indexed under: its residential address, and its address and
/// subnet as a remote-access session's (whether or not it is either).
pub fn session_address_keys(ip: IpAddr, keys: &PiiKeys) -> [(IdentifierKind, [u8; 32]); 3] {
    let key = |kind: IdentifierKind, value: &str| {
        (kind, keys.index_hash(kind.as_str(), value.as_bytes()))
    };
    [
        key(IdentifierKind::ResidentialIp, &residential_value(ip)),
        key(IdentifierKind::RemoteAccessIp, &ip.to_string()),
        key(
            IdentifierKind::RemoteAccessSubnet,
            &remote_access_subnet(ip),
        ),
    ]
}

/// The key of one value of `kind`, as the index holds it.
pub fn index_key(kind: IdentifierKind, value: &str, keys: &PiiKeys) -> [u8; 32] {
    keys.index_hash(kind.as_str(), value.as_bytes())
}

/// The linkable attributes (docs/signals.md, "Links"), each as a keyed hash.
fn links(ids: &mut Identifiers, app: &Application, keys: &PiiKeys) {
    if let Some(payout) = &app.payout {
        for value in payout_account_values(
            payout.iban.as_deref(),
            payout.account_number.as_deref(),
            payout.routing_number.as_deref(),
            payout.provider_account_id.as_deref(),
            payout.crypto_address.as_deref(),
        ) {
            ids.exact(keys, IdentifierKind::PayoutAccount, value.as_bytes());
        }
    }
    for session in &app.sessions {
        if let Some(device) = session
            .device_id
            .as_deref()
            .map(text::clean)
            .filter(|d| !d.trim().is_empty())
        {
            ids.exact(keys, IdentifierKind::DeviceId, device.trim().as_bytes());
        }
        if !session.remote_access_tools.is_empty() {
            ids.exact(
                keys,
                IdentifierKind::RemoteAccessIp,
                session.ip.to_string().as_bytes(),
            );
            let subnet = remote_access_subnet(session.ip);
            ids.exact(keys, IdentifierKind::RemoteAccessSubnet, subnet.as_bytes());
        }
    }
    if let Some(phone) = app
        .applicant
        .phone
        .as_deref()
        .and_then(|p| normalise_phone(p, Some(app.applicant.residence.country)))
    {
        ids.exact(keys, IdentifierKind::Phone, phone.as_bytes());
    }
    if let Some(email) = app.applicant.email.as_deref().and_then(normalise_email) {
        ids.exact(keys, IdentifierKind::Email, email.as_bytes());
    }
    if let Some(value) = app
        .shipping_address
        .as_ref()
        .and_then(shipping_address_value)
    {
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
    use proptest::prelude::*;

    use super::*;
    use crate::model::testing::application;
    use crate::model::text::testing::{ignorable, insert};

    fn index(app: &Application, keys: &PiiKeys) -> Identifiers {
        of(app, &[], crate::model::testing::now(), keys)
    }

    fn keys() -> PiiKeys {
        PiiKeys::from_secret(&"07".repeat(32)).unwrap()
    }

    #[test]
    fn the_same_document_number_indexes_the_same_whatever_its_spelling() {
        let a = index(
            &application(|a| a["identity_document"]["number"] = "C03005988".into()),
            &keys(),
        );
        let b = index(
            &application(|a| a["identity_document"]["number"] = "c03-005 988".into()),
            &keys(),
        );
        assert_eq!(a.entries[0].key, b.entries[0].key);
        let other_state = index(
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
        let stored = index(
            &application(|a| {
                a["identity_document"]["portrait_phash"] = format!("{near:016x}").into()
            }),
            &keys(),
        );
        let query = index(
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
        let us = Country::parse("US");
        assert_eq!(
            normalise_phone("+1 (312) 555-0142", us),
            normalise_phone("001 312 555 0142", us)
        );
        assert_eq!(normalise_phone("12-34", us), None);
        assert_eq!(
            normalise_email("jiwoo\u{200B}.HAN@example.com").as_deref(),
            Some("jiwoo.han@example.com")
        );
    }

    #[test]
    fn a_phone_without_prefix_is_read_in_the_plan_of_the_country_of_residence() {
        let at = |a2: &str| Country::parse(a2);
        let kr = "+821012345678";
        for written in [
            "+82 10 1234 5678",
            "0082 10 1234 5678",
            "82 10 1234 5678",
            "010-1234-5678",
            "010\u{200B}1234\u{2060}5678",
            "\u{FF10}\u{FF11}\u{FF10}-1234-5678",
            "10 1234 5678",
        ] {
            assert_eq!(
                normalise_phone(written, at("KR")).as_deref(),
                Some(kr),
                "{written:?}"
            );
        }
        let us = "+13125550142";
        for written in [
            "(312) 555-0142",
            "1-312-555-0142",
            "011 1 312 555 0142",
            "+1 312 555 0142",
        ] {
            assert_eq!(
                normalise_phone(written, at("US")).as_deref(),
                Some(us),
                "{written:?}"
            );
        }
        // Trunk prefixes other than 0; Italy has none and keeps its leading 0. The same digits
        // from another country are another line; a place without a plan keeps them as written.
        for (written, country, expected) in [
            ("8 912 345-67-89", at("RU"), "+79123456789"),
            ("06 1 234 5678", at("HU"), "+3612345678"),
            ("06 1234 5678", at("IT"), "+390612345678"),
            ("+39 06 1234 5678", at("IT"), "+390612345678"),
            ("010-1234-5678", at("US"), "+101012345678"),
            ("010-1234-5678", at("AQ"), "01012345678"),
            ("010-1234-5678", None, "01012345678"),
        ] {
            assert_eq!(
                normalise_phone(written, country).as_deref(),
                Some(expected),
                "{written:?} in {country:?}"
            );
        }
    }

    #[test]
    fn full_width_digits_and_invisible_characters_are_the_same_document_and_account() {
        let document = |number: &'static str| {
            key_of(
                move |a| a["identity_document"]["number"] = number.into(),
                IdentifierKind::DocumentNumber,
            )
        };
        let account = |number: &'static str| {
            key_of(
                move |a| a["payout"]["account_number"] = number.into(),
                IdentifierKind::PayoutAccount,
            )
        };
        assert_eq!(
            document("C03005988"),
            document("C\u{FF10}\u{FF13}005\u{00AD}988")
        );
        assert_ne!(
            document("C03005988"),
            document("CO3OO5988"),
            "no look-alike folding in identifiers: 0 and O differ"
        );
        assert_eq!(
            account("000123456789"),
            account("\u{FF10}00123\u{200B}456789")
        );
    }

    /// The key of `kind` the application gets with `edit` applied.
    fn key_of(edit: impl Fn(&mut serde_json::Value), kind: IdentifierKind) -> Option<[u8; 32]> {
        index(&application(edit), &keys())
            .entries
            .iter()
            .find(|e| e.kind == kind)
            .map(|e| e.key)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn an_invisible_character_never_changes_an_identifier_key(
            c in ignorable(),
            at in 0usize..40,
            number in "[A-Z][0-9]{8}",
            local in "[a-z][a-z0-9.]{2,12}",
            digits in "[0-9]{8}",
            device in "[a-z0-9-]{6,20}",
        ) {
            let email = format!("{local}@example.org");
            let phone = format!("010-{}-{}", &digits[..4], &digits[4..]);
            let cases = [
                (IdentifierKind::DocumentNumber, "identity_document", "number"),
                (IdentifierKind::Email, "applicant", "email"),
                (IdentifierKind::Phone, "applicant", "phone"),
                (IdentifierKind::DeviceId, "sessions", "device_id"),
            ];
            for (kind, section, field) in cases {
                let value = match kind {
                    IdentifierKind::DocumentNumber => number.clone(),
                    IdentifierKind::Email => email.clone(),
                    IdentifierKind::Phone => phone.clone(),
                    _ => device.clone(),
                };
                let spoofed = insert(&value, c, at);
                let set = |v: &str| {
                    let v = v.to_owned();
                    move |a: &mut serde_json::Value| {
                        a["applicant"]["residence"]["country"] = "KR".into();
                        if section == "sessions" {
                            a["sessions"] = serde_json::json!([{"ip": "203.0.113.7", field: v}]);
                        } else {
                            a[section][field] = v.clone().into();
                        }
                    }
                };
                let plain = key_of(set(&value), kind);
                prop_assert!(plain.is_some(), "{:?} {}", kind, value);
                prop_assert_eq!(key_of(set(&spoofed), kind), plain, "{:?} {:?}", kind, spoofed);
            }
        }
    }

    #[test]
    fn names_are_keyed_in_any_order_and_case() {
        let a = index(&application(|_| {}), &keys());
        let b = index(
            &application(|a| {
                a["identity_document"]["surname"] = "Emily".into();
                a["identity_document"]["given_names"] = "carter".into();
            }),
            &keys(),
        );
        assert_eq!(a.name_key, b.name_key);
        assert!(a.dob_key.is_some());
    }

    fn home(asn: u32) -> IpFacts {
        IpFacts {
            asn: Some(asn),
            ..IpFacts::default()
        }
    }

    #[test]
    fn only_placed_public_access_lines_are_residential() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(residential(ip("73.44.12.9"), &home(7922)));
        assert!(residential(ip("2601:240:c480:1::7"), &home(7922)));
        assert!(
            !residential(ip("73.44.12.9"), &IpFacts::default()),
            "an address no ASN database places"
        );
        for special in [
            "100.64.0.1",
            "100.127.255.254",
            "10.1.2.3",
            "192.168.1.10",
            "127.0.0.1",
        ] {
            assert!(!residential(ip(special), &home(7922)), "{special}");
        }
        assert!(
            residential(ip("100.128.0.1"), &home(7922)),
            "just past 100.64.0.0/10"
        );
        for line in ["Cellular", "Corporate"] {
            let mut facts = home(21928);
            facts.connection_type = Some(line.into());
            assert!(!residential(ip("172.56.1.1"), &facts), "{line}");
        }
        let mut cable = home(7922);
        cable.connection_type = Some("Cable/DSL".into());
        assert!(residential(ip("73.44.12.9"), &cable));
        let mut vpn = home(9009);
        vpn.anonymity.vpn = true;
        assert!(!residential(ip("185.1.1.1"), &vpn));
        let mut hosting = home(16509);
        hosting.anonymity.hosting = true;
        assert!(!residential(ip("54.1.1.1"), &hosting));
    }

    #[test]
    fn a_residential_address_is_keyed_exactly_for_ipv4_and_by_its_64_for_ipv6() {
        let at = |ips: &[&str]| {
            let app = application(|a| {
                a["sessions"] = serde_json::Value::Array(
                    ips.iter()
                        .enumerate()
                        .map(|(i, ip)| {
                            serde_json::json!({"ip": ip, "observed_at": format!("2026-11-2{i}T10:00:00Z")})
                        })
                        .collect(),
                )
            });
            let facts = vec![home(7922); ips.len()];
            of(&app, &facts, crate::model::testing::now(), &keys())
        };
        let one = at(&["73.44.12.9", "73.44.12.9"]);
        assert_eq!(one.residential.len(), 1, "one address, once");
        let seen = one.residential[0].seen;
        assert!(seen.last - seen.first == 86_400_000_000, "{seen:?}");
        let entry = one
            .entries
            .iter()
            .find(|e| e.kind == IdentifierKind::ResidentialIp)
            .unwrap();
        assert_eq!(entry.seen, Some(seen));
        assert_ne!(
            at(&["73.44.12.9"]).residential[0].key,
            at(&["73.44.12.10"]).residential[0].key,
            "IPv4: the exact address"
        );
        assert_eq!(
            at(&["2601:240:c480:1::7"]).residential[0].key,
            at(&["2601:240:c480:1:aaaa:bbbb:cccc:dddd"]).residential[0].key,
            "IPv6: one home's /64"
        );
        assert!(at(&["100.64.3.4"]).residential.is_empty());
    }

    #[test]
    fn redating_the_residential_addresses_is_indexing_again_with_the_other_time() {
        let app = application(|a| {
            a["sessions"] = serde_json::json!([
                {"ip": "73.44.12.9", "observed_at": "2026-11-20T10:00:00Z"},
                {"ip": "73.44.12.9"},
                {"ip": "98.1.2.3"}
            ])
        });
        let facts = vec![home(7922); 3];
        let (first, again) = (
            "2026-10-01T08:00:00Z".parse().unwrap(),
            crate::model::testing::now(),
        );
        let mut redated = of(&app, &facts, again, &keys());
        redated.redate_residential(&app, &facts, first, &keys());
        let indexed = of(&app, &facts, first, &keys());
        assert_eq!(format!("{redated:?}"), format!("{indexed:?}"));
        assert_ne!(
            format!("{:?}", of(&app, &facts, again, &keys()).residential),
            format!("{:?}", indexed.residential),
            "the undated session moves the window"
        );
    }

    fn shipping_key(city: Option<&str>, postal: Option<&str>, line: &str) -> Option<[u8; 32]> {
        let app = application(|a| {
            a["shipping_address"] = serde_json::json!({"country": "FR", "address_line": line});
            if let Some(city) = city {
                a["shipping_address"]["city"] = city.into();
            }
            if let Some(postal) = postal {
                a["shipping_address"]["postal_code"] = postal.into();
            }
        });
        index(&app, &keys())
            .entries
            .iter()
            .find(|e| e.kind == IdentifierKind::ShippingAddress)
            .map(|e| e.key)
    }

    #[test]
    fn a_shipping_address_without_postal_code_is_keyed_with_its_town() {
        let lyon = shipping_key(Some("Lyon"), None, "1 rue Jean Jaurès").unwrap();
        assert_eq!(
            Some(lyon),
            shipping_key(Some("LYON"), None, "1, Rue Jean-Jaures"),
            "case, diacritics, punctuation and spaces do not matter"
        );
        assert_ne!(
            Some(lyon),
            shipping_key(Some("Toulouse"), None, "1 rue Jean Jaurès")
        );
        assert_eq!(
            shipping_key(Some("Lyon"), Some("69007"), "1 rue Jean Jaurès"),
            shipping_key(Some("Lyon 7e"), Some("69007"), "1 RUE JEAN JAURES"),
            "with a postal code, the postal code places it"
        );
        assert_eq!(
            shipping_key(None, None, "1 rue Jean Jaurès"),
            None,
            "a street line alone names no place"
        );
    }
}
