//! IP intelligence from MaxMind DB files: MaxMind's GeoIP2/GeoLite2 City, Country, ASN/ISP,
//! Anonymous IP, Anonymous Plus and IP Risk; DB-IP's files in the same schema; the flat schema of the
//! ip-location-db files (`country_code`, `state1`, `city`, `timezone`…); and vetgate's own risk
//! overlay. What a file is comes from its metadata (`database_type`), never from its name.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use maxminddb::Reader;
use serde::{Deserialize, Serialize};

use crate::model::{Country, IpFacts, OverlayHit, TimeZoneName};

/// `database_type` of the overlay `vetgate geoip build` writes.
pub const OVERLAY_DATABASE_TYPE: &str = "vetgate-risk-overlay";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DatabaseKind {
    City,
    /// First-level subdivisions of a few countries (`vetgate geoip build --regions-from`).
    Region,
    Country,
    Asn,
    AnonymousIp,
    AnonymousPlus,
    IpRisk,
    Overlay,
    /// GeoIP2 Connection-Type: `Cable/DSL`, `Cellular`, `Corporate`, `Satellite`, `Dialup`.
    ConnectionType,
}

impl DatabaseKind {
    /// From a file's `database_type`: `GeoIP2-City`, `GeoLite2-ASN`, `DBIP-Country-Lite`,
    /// `country ipvAll` (ip-location-db), `vetgate-risk-overlay`…
    pub fn from_database_type(database_type: &str) -> Option<DatabaseKind> {
        let t = database_type.to_ascii_lowercase();
        Some(if t == OVERLAY_DATABASE_TYPE {
            DatabaseKind::Overlay
        } else if t == super::overlay::REGIONS_DATABASE_TYPE.to_ascii_lowercase() {
            DatabaseKind::Region
        } else if t.contains("connection-type") {
            DatabaseKind::ConnectionType
        } else if t.contains("anonymous-plus") {
            DatabaseKind::AnonymousPlus
        } else if t.contains("anonymous-ip") {
            DatabaseKind::AnonymousIp
        } else if t.contains("ip-risk") {
            DatabaseKind::IpRisk
        } else if t.contains("asn") || t.contains("isp") {
            DatabaseKind::Asn
        } else if t.contains("city") {
            DatabaseKind::City
        } else if t.contains("country") {
            DatabaseKind::Country
        } else {
            return None;
        })
    }
}

/// MaxMind's nested records, or ip-location-db's flat ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Schema {
    MaxMind,
    Flat,
}

#[derive(Debug, thiserror::Error)]
pub enum IntelError {
    #[error("{path}: cannot open: {source}")]
    Open {
        path: String,
        source: maxminddb::MaxMindDbError,
    },
    #[error("{path}: corrupt database: {source}")]
    Corrupt {
        path: String,
        source: maxminddb::MaxMindDbError,
    },
    #[error("{path}: unknown database type {database_type:?}")]
    UnknownType { path: String, database_type: String },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

/// What `/readyz` and `vetgate intel status` say about a loaded file.
#[derive(Debug, Clone, Serialize)]
pub struct DatabaseInfo {
    pub path: String,
    pub kind: DatabaseKind,
    pub schema: Schema,
    pub database_type: String,
    /// RFC 3339 build date from the file's metadata.
    pub built: String,
    /// Search-tree nodes: the file's size in records, roughly.
    pub node_count: u32,
    pub ip_version: u16,
}

pub struct Database {
    reader: Reader<Vec<u8>>,
    pub info: DatabaseInfo,
}

impl Database {
    /// Opens and fully verifies a file (search tree, data section, metadata): a corrupt or truncated
    /// file is refused here, before it can serve a lookup.
    pub fn open(path: &Path) -> Result<Database, IntelError> {
        let shown = path.display().to_string();
        // Read into memory rather than mapped: a file edited or truncated in place under a mapping
        // would change (or fault) the snapshot that is serving; a copy cannot.
        let reader = Reader::open_readfile(path).map_err(|source| IntelError::Open {
            path: shown.clone(),
            source,
        })?;
        Database::verified(reader, shown)
    }

    /// [`Database::open`] over bytes already in memory (`name` stands for the path in errors and
    /// in [`DatabaseInfo`]); the fuzz target's way in.
    pub fn from_bytes(name: &str, bytes: Vec<u8>) -> Result<Database, IntelError> {
        let reader = Reader::from_source(bytes).map_err(|source| IntelError::Open {
            path: name.to_owned(),
            source,
        })?;
        Database::verified(reader, name.to_owned())
    }

    fn verified(reader: Reader<Vec<u8>>, shown: String) -> Result<Database, IntelError> {
        if let Err(source) = reader.verify() {
            // Some publishers (DB-IP via ip-location-db) leave the optional description map empty,
            // which the verifier calls invalid; the tree and data are what lookups depend on.
            let cosmetic = source.to_string().contains("invalid database: description");
            if !cosmetic {
                return Err(IntelError::Corrupt {
                    path: shown,
                    source,
                });
            }
        }
        let meta = reader.metadata();
        let kind = DatabaseKind::from_database_type(&meta.database_type).ok_or_else(|| {
            IntelError::UnknownType {
                path: shown.clone(),
                database_type: meta.database_type.clone(),
            }
        })?;
        let t = meta.database_type.to_ascii_lowercase();
        let schema = if t.starts_with("vetgate")
            || t.starts_with("geoip")
            || t.starts_with("geolite")
            || t.starts_with("dbip")
        {
            Schema::MaxMind
        } else {
            Schema::Flat
        };
        let built =
            chrono::DateTime::from_timestamp(meta.build_epoch.min(i64::MAX as u64) as i64, 0)
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                .unwrap_or_else(|| "unknown".into());
        let info = DatabaseInfo {
            path: shown,
            kind,
            schema,
            database_type: meta.database_type.clone(),
            built,
            node_count: meta.node_count,
            ip_version: meta.ip_version,
        };
        Ok(Database { reader, info })
    }

    fn decode<'a, T: Deserialize<'a>>(&'a self, ip: IpAddr) -> Option<(T, Option<String>)> {
        let found = self.reader.lookup(ip).ok()?;
        let network = found.network().ok().map(|n| n.to_string());
        // A record that does not decode as expected is treated as absent, never as a failure.
        found.decode::<T>().ok().flatten().map(|v| (v, network))
    }
}

#[derive(Deserialize)]
struct Names<'a> {
    #[serde(borrow)]
    en: Option<&'a str>,
}

#[derive(Deserialize)]
struct IsoCode<'a> {
    #[serde(borrow)]
    iso_code: Option<&'a str>,
}

#[derive(Deserialize)]
struct Subdivision<'a> {
    #[serde(borrow)]
    iso_code: Option<&'a str>,
    #[serde(borrow)]
    names: Option<Names<'a>>,
}

#[derive(Deserialize)]
struct NamedPlace<'a> {
    #[serde(borrow)]
    names: Option<Names<'a>>,
}

#[derive(Deserialize)]
struct Location<'a> {
    #[serde(borrow)]
    time_zone: Option<&'a str>,
    latitude: Option<f64>,
    longitude: Option<f64>,
}

/// The fields used from a MaxMind-schema City or Country record.
#[derive(Deserialize)]
struct MaxMindGeo<'a> {
    #[serde(borrow)]
    country: Option<IsoCode<'a>>,
    #[serde(borrow)]
    subdivisions: Option<Vec<Subdivision<'a>>>,
    #[serde(borrow)]
    city: Option<NamedPlace<'a>>,
    #[serde(borrow)]
    location: Option<Location<'a>>,
}

/// ip-location-db's flat country/city record.
#[derive(Deserialize)]
struct FlatGeo<'a> {
    #[serde(borrow)]
    country_code: Option<&'a str>,
    #[serde(borrow)]
    state1: Option<&'a str>,
    #[serde(borrow)]
    city: Option<&'a str>,
    #[serde(borrow)]
    timezone: Option<&'a str>,
    latitude: Option<f64>,
    longitude: Option<f64>,
}

#[derive(Deserialize)]
struct AsnRecord<'a> {
    autonomous_system_number: Option<u32>,
    #[serde(borrow)]
    autonomous_system_organization: Option<&'a str>,
    #[serde(borrow)]
    isp: Option<&'a str>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AnonymousRecord<'a> {
    is_anonymous_vpn: bool,
    is_hosting_provider: bool,
    is_public_proxy: bool,
    is_residential_proxy: bool,
    is_tor_exit_node: bool,
    #[serde(borrow)]
    provider_name: Option<&'a str>,
}

#[derive(Deserialize)]
struct ConnectionTypeRecord<'a> {
    #[serde(borrow)]
    connection_type: Option<&'a str>,
}

#[derive(Deserialize)]
struct OverlayRecord {
    tags: Vec<String>,
    description: Option<String>,
    source: Option<String>,
    /// The VPN provider, on `vpn-ranges.csv` rows.
    provider: Option<String>,
}

/// The loaded databases: at most one per kind.
#[derive(Default)]
pub struct GeoIp {
    databases: BTreeMap<DatabaseKind, Database>,
}

impl GeoIp {
    pub fn from_databases(databases: impl IntoIterator<Item = Database>) -> GeoIp {
        let mut geo = GeoIp::default();
        for db in databases {
            geo.databases.entry(db.info.kind).or_insert(db);
        }
        geo
    }

    pub fn status(&self) -> Vec<DatabaseInfo> {
        self.databases.values().map(|d| d.info.clone()).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.databases.is_empty()
    }

    pub fn lookup(&self, ip: IpAddr) -> IpFacts {
        let mut facts = IpFacts::default();
        // The city file, when there is one, answers for the country too; the regions file answers
        // for the few countries it covers, the country file for the rest.
        for kind in [
            DatabaseKind::City,
            DatabaseKind::Region,
            DatabaseKind::Country,
        ] {
            let Some(db) = self.databases.get(&kind) else {
                continue;
            };
            if facts.country.is_some() {
                break;
            }
            match db.info.schema {
                Schema::MaxMind => {
                    if let Some((geo, _)) = db.decode::<MaxMindGeo>(ip) {
                        facts.country = geo
                            .country
                            .and_then(|c| c.iso_code)
                            .and_then(Country::parse);
                        if let Some(sub) = geo.subdivisions.as_ref().and_then(|s| s.first()) {
                            facts.region = sub.iso_code.map(str::to_owned);
                            facts.region_name =
                                sub.names.as_ref().and_then(|n| n.en).map(str::to_owned);
                        }
                        facts.city = geo
                            .city
                            .and_then(|c| c.names)
                            .and_then(|n| n.en)
                            .map(str::to_owned);
                        if let Some(location) = geo.location {
                            facts.time_zone = location.time_zone.and_then(TimeZoneName::parse);
                            facts.coordinates = location.latitude.zip(location.longitude);
                        }
                    }
                }
                Schema::Flat => {
                    if let Some((geo, _)) = db.decode::<FlatGeo>(ip) {
                        facts.country = geo.country_code.and_then(Country::parse);
                        facts.region_name = geo.state1.map(str::to_owned);
                        facts.city = geo.city.map(str::to_owned);
                        facts.time_zone = geo.timezone.and_then(TimeZoneName::parse);
                        facts.coordinates = geo.latitude.zip(geo.longitude);
                    }
                }
            }
        }
        if let Some((asn, _)) = self
            .databases
            .get(&DatabaseKind::Asn)
            .and_then(|db| db.decode::<AsnRecord>(ip))
        {
            facts.asn = asn.autonomous_system_number;
            facts.as_organization = asn
                .autonomous_system_organization
                .or(asn.isp)
                .map(str::to_owned);
        }
        for kind in [
            DatabaseKind::AnonymousPlus,
            DatabaseKind::AnonymousIp,
            DatabaseKind::IpRisk,
        ] {
            if let Some((anon, _)) = self
                .databases
                .get(&kind)
                .and_then(|db| db.decode::<AnonymousRecord>(ip))
            {
                let a = &mut facts.anonymity;
                a.vpn |= anon.is_anonymous_vpn;
                a.hosting |= anon.is_hosting_provider;
                a.public_proxy |= anon.is_public_proxy;
                a.residential_proxy |= anon.is_residential_proxy;
                a.tor_exit |= anon.is_tor_exit_node;
                if a.provider.is_none() {
                    a.provider = anon.provider_name.map(str::to_owned);
                }
            }
        }
        if let Some((row, _)) = self
            .databases
            .get(&DatabaseKind::ConnectionType)
            .and_then(|db| db.decode::<ConnectionTypeRecord>(ip))
        {
            facts.connection_type = row.connection_type.map(str::to_owned);
        }
        if let Some((row, network)) = self
            .databases
            .get(&DatabaseKind::Overlay)
            .and_then(|db| db.decode::<OverlayRecord>(ip))
        {
            let a = &mut facts.anonymity;
            a.vpn |= row.tags.iter().any(|t| t == "vpn");
            a.hosting |= row.tags.iter().any(|t| t == "hosting");
            if a.provider.is_none() {
                a.provider = row.provider.clone();
            }
            facts.overlay = Some(OverlayHit {
                tags: row.tags,
                network,
                description: row.description,
                source: row.source,
            });
        }
        facts
    }
}

/// The files to load: every `.mmdb` in `dir` (when it exists), then the explicitly named ones,
/// which take precedence for their kind.
pub fn candidate_files(dir: Option<&Path>, explicit: &[PathBuf]) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = explicit.to_vec();
    if let Some(dir) = dir
        && let Ok(entries) = std::fs::read_dir(dir)
    {
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "mmdb"))
            .collect();
        found.sort();
        files.extend(found);
    }
    files
}
