//! What the IP databases say about one address: the facts the network checks and the identifier
//! index read, produced by `intel::geoip` and consumed without knowing which files said it.

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
