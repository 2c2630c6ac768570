//! What the IP databases say about one address: the facts the network checks and the identifier
//! index read, produced by `intel::geoip` and consumed without knowing which files said it.

use std::net::IpAddr;

use serde::Serialize;

use super::{Country, TimeZoneName};

/// Anonymiser facts about an address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Anonymity {
    pub vpn: bool,
    pub public_proxy: bool,
    pub tor_exit: bool,
    pub hosting: bool,
    pub residential_proxy: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
}

impl Anonymity {
    pub fn any(&self) -> bool {
        self.vpn || self.public_proxy || self.tor_exit || self.hosting || self.residential_proxy
    }

    /// The kinds that apply, for evidence.
    pub fn kinds(&self) -> Vec<&'static str> {
        [
            (self.vpn, "vpn"),
            (self.public_proxy, "public_proxy"),
            (self.tor_exit, "tor"),
            (self.hosting, "hosting"),
            (self.residential_proxy, "residential_proxy"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect()
    }
}

/// A row of vetgate's curated overlay that covers the address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverlayHit {
    pub tags: Vec<String>,
    pub network: Option<String>,
    pub description: Option<String>,
    pub source: Option<String>,
}

/// Everything the loaded databases say about one address.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IpFacts {
    pub country: Option<Country>,
    /// Subdivision ISO code (MaxMind: `LN` for Liaoning) or name (flat files).
    pub region: Option<String>,
    pub region_name: Option<String>,
    pub city: Option<String>,
    pub time_zone: Option<TimeZoneName>,
    /// Latitude and longitude when a City database knows them.
    pub coordinates: Option<(f64, f64)>,
    pub asn: Option<u32>,
    pub as_organization: Option<String>,
    pub anonymity: Anonymity,
    pub overlay: Option<OverlayHit>,
    /// What a Connection-Type database calls the line (`Cable/DSL`, `Cellular`, `Corporate`…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connection_type: Option<String>,
}

impl IpFacts {
    pub fn has_tag(&self, tag: &str) -> bool {
        self.overlay
            .as_ref()
            .is_some_and(|o| o.tags.iter().any(|t| t == tag))
    }
}

/// Why no database can place `ip`, when it is not a public Internet address: private and
/// special-purpose ranges, which a session reports from behind a proxy or a misconfigured client.
pub fn unroutable(ip: IpAddr) -> Option<&'static str> {
    match ip.to_canonical() {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            if v4.is_loopback() {
                Some("loopback")
            } else if v4.is_private() {
                Some("private network")
            } else if a == 100 && (64..128).contains(&b) {
                Some("carrier-grade NAT")
            } else if v4.is_link_local() {
                Some("link-local")
            } else if v4.is_unspecified() || a == 0 {
                Some("unspecified")
            } else if v4.is_broadcast() || v4.is_multicast() {
                Some("broadcast or multicast")
            } else {
                None
            }
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            if v6.is_loopback() {
                Some("loopback")
            } else if (first & 0xfe00) == 0xfc00 {
                Some("private network")
            } else if (first & 0xffc0) == 0xfe80 {
                Some("link-local")
            } else if v6.is_unspecified() {
                Some("unspecified")
            } else if v6.is_multicast() {
                Some("broadcast or multicast")
            } else {
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_purpose_addresses_are_unroutable_and_public_ones_are_not() {
        for (ip, why) in [
            ("10.0.0.1", "private network"),
            ("192.168.1.20", "private network"),
            ("127.0.0.1", "loopback"),
            ("::1", "loopback"),
            ("::ffff:127.0.0.1", "loopback"),
            ("100.64.3.4", "carrier-grade NAT"),
            ("169.254.0.9", "link-local"),
            ("fe80::1", "link-local"),
            ("fd00::7", "private network"),
            ("0.0.0.0", "unspecified"),
        ] {
            assert_eq!(unroutable(ip.parse().unwrap()), Some(why), "{ip}");
        }
        for ip in ["8.8.8.8", "175.45.176.10", "2001:4860::8888", "100.128.0.1"] {
            assert_eq!(unroutable(ip.parse().unwrap()), None, "{ip}");
        }
    }
}
