//! A tenant's allow entries (docs/policy.md, "Allow entries"): attributes it knows to be good (a
//! corporate VPN's egress range or ASN, a payroll company's payout account, an office's shipping
//! address). The facts stage matches them against an application: an allowed session's address
//! facts are hidden from the checks that judge sessions by their address, and an allowed
//! attribute is not looked up in the identifier index, so it links to nothing.

use std::net::IpAddr;

use crate::checks::{AllowFacts, AllowRef, AllowedLink};
use crate::crypto::PiiKeys;
use crate::identifiers::{self, Identifiers};
use crate::model::{Application, IdentifierKind, IpFacts};
use crate::store::AllowRow;

/// The DPRK's own network: an allow entry never covers it (its sessions reject whatever is allowed).
const DPRK_ASN: u32 = 131_279;

/// What an allow entry covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllowKind {
    IpRange,
    Asn,
    PayoutAccount,
    ShippingAddress,
}

impl AllowKind {
    pub const ALL: [AllowKind; 4] = [
        AllowKind::IpRange,
        AllowKind::Asn,
        AllowKind::PayoutAccount,
        AllowKind::ShippingAddress,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AllowKind::IpRange => "ip_range",
            AllowKind::Asn => "asn",
            AllowKind::PayoutAccount => "payout_account",
            AllowKind::ShippingAddress => "shipping_address",
        }
    }

    pub fn parse(s: &str) -> Option<AllowKind> {
        AllowKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// An IP network: an address and a prefix length, host bits zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

impl IpRange {
    /// `192.0.2.0/24`, `2001:db8::/32`, or one address. Host bits must be zero (a typo such as
    /// `192.0.2.7/16` is refused rather than silently widened). Ranges wider than /8 (IPv4) or /16
    /// (IPv6) are refused: no corporate egress needs them, and they would blind the checks.
    pub fn parse(text: &str) -> Result<IpRange, String> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let network: IpAddr = addr
            .parse()
            .map_err(|_| format!("{addr:?} is not an IP address"))?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("the prefix length must be 0 to {max}"))?,
            None => max,
        };
        let min = if network.is_ipv4() { 8 } else { 16 };
        if prefix < min {
            return Err(format!("a range wider than /{min} is refused"));
        }
        let range = IpRange { network, prefix };
        if bits(network) & !range.mask() != 0 {
            return Err(format!(
                "{text} has host bits set; the network is {}",
                IpRange {
                    network: from_bits(bits(network) & range.mask(), network.is_ipv4()),
                    prefix
                }
            ));
        }
        Ok(range)
    }

    fn mask(&self) -> u128 {
        let width = if self.network.is_ipv4() { 32 } else { 128 };
        if self.prefix == 0 {
            return 0;
        }
        let ones = u128::MAX << (128 - u32::from(self.prefix));
        if width == 32 { ones >> 96 } else { ones }
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        ip.is_ipv4() == self.network.is_ipv4() && bits(ip) & self.mask() == bits(self.network)
    }
}

impl std::fmt::Display for IpRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

fn bits(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(v4) => u128::from(u32::from(v4)),
        IpAddr::V6(v6) => u128::from(v6),
    }
}

fn from_bits(bits: u128, v4: bool) -> IpAddr {
    if v4 {
        IpAddr::V4((bits as u32).into())
    } else {
        IpAddr::V6(bits.into())
    }
}

/// An ASN as an allow entry's value: `64500` or `AS64500`.
pub fn parse_asn(text: &str) -> Result<u32, String> {
    let t = text.trim();
    let digits = t
        .strip_prefix("AS")
        .or_else(|| t.strip_prefix("as"))
        .unwrap_or(t);
    let asn: u32 = digits
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("{t:?} is not an AS number"))?;
    if asn == DPRK_ASN {
        return Err("AS131279 is North Korea's network and cannot be allowed".into());
    }
    Ok(asn)
}

#[derive(Debug, Clone)]
enum Matcher {
    Range(IpRange),
    Asn(u32),
    Key(IdentifierKind, [u8; 32]),
}

#[derive(Debug, Clone)]
struct Entry {
    id: String,
    kind: AllowKind,
    matcher: Matcher,
}

/// One tenant's allow entries, ready to match.
#[derive(Debug, Clone, Default)]
pub struct AllowSet {
    entries: Vec<Entry>,
}

impl AllowSet {
    /// The stored entries; a row this build cannot read is left out (and logged).
    pub fn from_rows(rows: &[AllowRow]) -> AllowSet {
        let mut entries = Vec::with_capacity(rows.len());
        for row in rows {
            let matcher = match AllowKind::parse(&row.kind) {
                Some(AllowKind::IpRange) => row
                    .value
                    .as_deref()
                    .and_then(|v| IpRange::parse(v).ok())
                    .map(Matcher::Range),
                Some(AllowKind::Asn) => row
                    .value
                    .as_deref()
                    .and_then(|v| parse_asn(v).ok())
                    .map(Matcher::Asn),
                Some(kind @ (AllowKind::PayoutAccount | AllowKind::ShippingAddress)) => row
                    .key_hash
                    .as_deref()
                    .and_then(|k| <[u8; 32]>::try_from(k).ok())
                    .map(|k| Matcher::Key(index_kind(kind), k)),
                None => None,
            };
            match (AllowKind::parse(&row.kind), matcher) {
                (Some(kind), Some(matcher)) => entries.push(Entry {
                    id: row.id.clone(),
                    kind,
                    matcher,
                }),
                _ => {
                    tracing::warn!(id = %row.id, kind = %row.kind, "unreadable allow entry left out")
                }
            }
        }
        AllowSet { entries }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries covering a session from `ip`, which the IP databases describe as `facts`: a range
    /// holding the address, or the ASN the databases place it in.
    fn covering_session(&self, ip: IpAddr, facts: &IpFacts) -> Vec<AllowRef> {
        self.entries
            .iter()
            .filter(|e| match &e.matcher {
                Matcher::Range(range) => range.contains(ip),
                Matcher::Asn(asn) => facts.asn == Some(*asn),
                Matcher::Key(..) => false,
            })
            .map(Entry::reference)
            .collect()
    }

    /// What the entries say about one application: which sessions they cover, which of its index
    /// keys they take out of the lookup (returned), and the allowed links for the evidence.
    pub fn apply(
        &self,
        app: &Application,
        sessions: &[IpFacts],
        ids: &Identifiers,
        keys: &PiiKeys,
    ) -> (AllowFacts, Vec<[u8; 32]>) {
        let mut facts = AllowFacts::default();
        let mut suppressed: Vec<[u8; 32]> = Vec::new();
        let unknown = IpFacts::default();
        for (i, session) in app.sessions.iter().enumerate() {
            let covering = self.covering_session(session.ip, sessions.get(i).unwrap_or(&unknown));
            if !covering.is_empty() {
                let address_keys = identifiers::session_address_keys(session.ip, keys);
                let kinds: Vec<IdentifierKind> = address_keys
                    .iter()
                    .filter(|(_, key)| ids.probes.iter().any(|p| p.key == *key))
                    .map(|(kind, _)| *kind)
                    .collect();
                suppressed.extend(address_keys.iter().map(|(_, key)| *key));
                for entry in &covering {
                    if !kinds.is_empty() {
                        facts.links.push(AllowedLink {
                            entry: entry.clone(),
                            suppresses: kinds.clone(),
                        });
                    }
                }
            }
            facts.sessions.push(covering);
        }
        for entry in &self.entries {
            let Matcher::Key(kind, key) = &entry.matcher else {
                continue;
            };
            if ids.probes.iter().any(|p| p.kind == *kind && p.key == *key) {
                suppressed.push(*key);
                facts.links.push(AllowedLink {
                    entry: entry.reference(),
                    suppresses: vec![*kind],
                });
            }
        }
        facts.merge_links();
        (facts, suppressed)
    }
}

impl Entry {
    fn reference(&self) -> AllowRef {
        AllowRef {
            id: self.id.clone(),
            kind: self.kind.as_str(),
        }
    }
}

/// The identifier kind an attribute allow entry is keyed as.
pub fn index_kind(kind: AllowKind) -> IdentifierKind {
    match kind {
        AllowKind::ShippingAddress => IdentifierKind::ShippingAddress,
        _ => IdentifierKind::PayoutAccount,
    }
}

/// `ids` without the probes whose keys are `suppressed`: what the index is asked about.
pub fn without_probes(ids: &Identifiers, suppressed: &[[u8; 32]]) -> Identifiers {
    let mut lookup = ids.clone();
    lookup.probes.retain(|p| !suppressed.contains(&p.key));
    lookup.residential.retain(|r| !suppressed.contains(&r.key));
    lookup
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn row(id: &str, kind: &str, value: Option<&str>, key: Option<[u8; 32]>) -> AllowRow {
        AllowRow {
            id: id.into(),
            kind: kind.into(),
            value: value.map(str::to_owned),
            key_hash: key.map(|k| k.to_vec()),
            hint: String::new(),
            note: None,
            created_at: Utc::now(),
            created_by: "test".into(),
        }
    }

    #[test]
    fn ranges_hold_their_addresses_only() {
        let r = IpRange::parse("203.0.113.0/24").unwrap();
        assert!(r.contains("203.0.113.7".parse().unwrap()));
        assert!(r.contains("::ffff:203.0.113.7".parse().unwrap()));
        assert!(!r.contains("203.0.114.7".parse().unwrap()));
        assert!(!r.contains("2001:db8::1".parse().unwrap()));
        let one = IpRange::parse("198.51.100.20").unwrap();
        assert!(one.contains("198.51.100.20".parse().unwrap()));
        assert!(!one.contains("198.51.100.21".parse().unwrap()));
        let v6 = IpRange::parse("2001:db8:abcd::/48").unwrap();
        assert!(v6.contains("2001:db8:abcd:1::5".parse().unwrap()));
        assert!(!v6.contains("2001:db8:abce::5".parse().unwrap()));
        assert!(IpRange::parse("203.0.113.7/24").is_err(), "host bits");
        assert!(IpRange::parse("10.0.0.0/4").is_err(), "too wide");
        assert!(IpRange::parse("203.0.113.0/33").is_err());
        assert!(IpRange::parse("not-an-ip/24").is_err());
    }

    #[test]
    fn asns_parse_with_or_without_their_prefix_and_never_north_koreas() {
        assert_eq!(parse_asn("AS64500"), Ok(64500));
        assert_eq!(parse_asn(" 7922 "), Ok(7922));
        assert!(parse_asn("AS131279").is_err());
        assert!(parse_asn("ASX").is_err());
        assert!(parse_asn("0").is_err());
    }

    #[test]
    fn entries_cover_sessions_by_range_or_asn_and_attributes_by_key() {
        use crate::model::testing::{application, now};
        let keys = PiiKeys::from_secret(&"42".repeat(32)).unwrap();
        let app = application(|v| {
            v["sessions"] = serde_json::json!([
                {"ip": "203.0.113.9", "kind": "signup"},
                {"ip": "73.44.12.9", "kind": "interview", "remote_access_tools": ["anydesk"]},
            ]);
            v["payout"] = serde_json::json!({
                "method": "bank_transfer", "account_holder_name": "Emily Carter",
                "account_number": "000123456789", "routing_number": "071000013",
            });
        });
        let sessions = vec![
            IpFacts::default(),
            IpFacts {
                asn: Some(7922),
                ..IpFacts::default()
            },
        ];
        let ids = identifiers::of(&app, &sessions, now(), &keys);
        let payout_key = ids
            .probes
            .iter()
            .find(|p| p.kind == IdentifierKind::PayoutAccount)
            .map(|p| p.key);
        let set = AllowSet::from_rows(&[
            row("r", "ip_range", Some("203.0.113.0/24"), None),
            row("a", "asn", Some("AS7922"), None),
            row("p", "payout_account", None, payout_key),
            row("bad", "ip_range", Some("nonsense"), None),
        ]);
        assert_eq!(set.entries.len(), 3, "the unreadable row is left out");
        let (facts, suppressed) = set.apply(&app, &sessions, &ids, &keys);
        let ids_of = |i: usize| {
            facts.sessions[i]
                .iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids_of(0), ["r"]);
        assert_eq!(ids_of(1), ["a"]);
        let key = payout_key.expect("the payout account is indexed");
        assert!(suppressed.contains(&key));
        assert!(facts.links.iter().any(|l| l.entry.id == "p"));
        // The remote-access session's address and subnet are covered by the ASN entry.
        let asn = facts.links.iter().find(|l| l.entry.id == "a").unwrap();
        assert!(
            asn.suppresses.contains(&IdentifierKind::RemoteAccessIp),
            "{asn:?}"
        );
        let lookup = without_probes(&ids, &suppressed);
        assert!(lookup.probes.iter().all(|p| p.key != key));
        assert!(
            lookup
                .probes
                .iter()
                .all(|p| p.kind != IdentifierKind::RemoteAccessIp)
        );
        assert_eq!(lookup.entries.len(), ids.entries.len(), "still indexed");
        // Another tenant's set, or none, covers nothing.
        let (none, nothing) = AllowSet::default().apply(&app, &sessions, &ids, &keys);
        assert!(none.sessions.iter().all(Vec::is_empty) && nothing.is_empty());
    }
}
