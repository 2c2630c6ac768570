//! vetgate's own risk overlay: the curated CSV files in `geoip/sources/`, compiled by
//! `vetgate geoip build` into `geoip/vetgate-overlay.mmdb` with the project's MaxMind DB writer; and
//! the ip-location-db ASN ranges compiled into `geoip/asn.mmdb` the same way.
//!
//! `networks.csv`: `network,tags,description,source,source_date` — a CIDR, `;`-separated tags
//! (`dprk`: allocated to North Korea; `dprk_leased`: leased to North Korean users; `advisory_ioc`: an
//! address published as an IT-worker indicator; `vpn`: VPN egress named in an advisory; `hosting`),
//! what it is, where that is published, and when.
//! `hosting-asns.csv`: `asn,provider,kind,source` — autonomous systems of hosting and VPN providers.
//! `anonymiser-asns.csv`: `asn,provider,kind,source,licence,source_date` — commercial VPN (`vpn`), Tor
//! (`tor`) and hosting (`hosting`) networks compiled from openly licensed public lists.
//! `vpn-ranges.csv`: `network,provider,source,licence,source_date` — VPN exit ranges, compiled into the
//! overlay with the tag `vpn` (the curated `networks.csv` rows win where the two overlap).

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::Path;

use super::geoip::OVERLAY_DATABASE_TYPE;
use super::mmdb_writer::{Network, Value, WriteSummary, Writer};

#[derive(Debug, thiserror::Error)]
pub enum OverlayError {
    #[error("{file}:{line}: {message}")]
    Row {
        file: String,
        line: usize,
        message: String,
    },
    #[error("{file}: {message}")]
    File { file: String, message: String },
}

const KNOWN_TAGS: &[&str] = &["dprk", "dprk_leased", "advisory_ioc", "vpn", "hosting"];

fn read(path: &Path) -> Result<String, OverlayError> {
    std::fs::read_to_string(path).map_err(|e| OverlayError::File {
        file: path.display().to_string(),
        message: e.to_string(),
    })
}

fn rows(path: &Path, header: &[&str]) -> Result<Vec<(usize, Vec<String>)>, OverlayError> {
    let file = path.display().to_string();
    let text = read(path)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let got: Vec<String> = reader
        .headers()
        .map_err(|e| OverlayError::File {
            file: file.clone(),
            message: e.to_string(),
        })?
        .iter()
        .map(str::to_owned)
        .collect();
    if got != header {
        return Err(OverlayError::File {
            file,
            message: format!("header must be {}", header.join(",")),
        });
    }
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| OverlayError::Row {
            file: file.clone(),
            line: e.position().map_or(0, |p| p.line() as usize),
            message: e.to_string(),
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        out.push((line, record.iter().map(|f| f.trim().to_owned()).collect()));
    }
    Ok(out)
}

/// Compiles `networks.csv`, and the `vpn-ranges.csv` beside it when there is one, into the overlay
/// database at `out` (written atomically).
pub fn build_overlay(networks_csv: &Path, out: &Path) -> Result<WriteSummary, OverlayError> {
    let file = networks_csv.display().to_string();
    let mut writer = Writer::new(OVERLAY_DATABASE_TYPE, 6).map_err(|e| OverlayError::File {
        file: file.clone(),
        message: e.to_string(),
    })?;
    writer.description(
        "en",
        "vetgate curated risk overlay (DPRK address space, advisory-named VPN egress, VPN exit ranges)",
    );
    let vpn_ranges = networks_csv.with_file_name("vpn-ranges.csv");
    if vpn_ranges.exists() {
        // First, so that a curated row (an advisory indicator inside a VPN range) wins the overlap.
        insert_vpn_ranges(&mut writer, &vpn_ranges)?;
    }
    insert_rows(
        &mut writer,
        networks_csv,
        &["network", "tags", "description", "source", "source_date"],
        |row| {
            let tags: Vec<&str> = row[1]
                .split(';')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .collect();
            if tags.is_empty() || tags.iter().any(|t| !KNOWN_TAGS.contains(t)) {
                return Err(format!(
                    "tags must be one or more of {}",
                    KNOWN_TAGS.join(";")
                ));
            }
            if row[3].is_empty() || row[4].is_empty() {
                return Err("every row needs its source and source_date".into());
            }
            Ok(Value::map([
                ("tags", Value::array(tags.iter().map(|t| Value::from(*t)))),
                ("description", Value::from(row[2].as_str())),
                ("source", Value::from(format!("{} ({})", row[3], row[4]))),
            ]))
        },
    )?;
    writer
        .write_file_atomically(out)
        .map_err(|e| OverlayError::File {
            file: out.display().to_string(),
            message: e.to_string(),
        })
}

fn insert_vpn_ranges(writer: &mut Writer, path: &Path) -> Result<(), OverlayError> {
    insert_rows(
        writer,
        path,
        &["network", "provider", "source", "licence", "source_date"],
        |row| {
            if row[1..].iter().any(String::is_empty) {
                return Err("every row needs its provider, source, licence and source_date".into());
            }
            Ok(Value::map([
                ("tags", Value::array([Value::from("vpn")])),
                ("description", Value::from(format!("{} exit", row[1]))),
                ("provider", Value::from(row[1].as_str())),
                (
                    "source",
                    Value::from(format!("{} ({}, {})", row[2], row[3], row[4])),
                ),
            ]))
        },
    )
}

/// Inserts each row of the CSV file at `path` (first column a network) with the value `value_of`
/// makes of it; a row it refuses, or a network that does not parse, names its line.
fn insert_rows(
    writer: &mut Writer,
    path: &Path,
    header: &[&str],
    value_of: impl Fn(&[String]) -> Result<Value, String>,
) -> Result<(), OverlayError> {
    let file = path.display().to_string();
    for (line, row) in rows(path, header)? {
        let bad = |message: String| OverlayError::Row {
            file: file.clone(),
            line,
            message,
        };
        let network: Network = row[0]
            .parse()
            .map_err(|e| bad(format!("network {:?}: {e}", row[0])))?;
        let value = value_of(&row).map_err(bad)?;
        writer
            .insert(network, value)
            .map_err(|e| bad(e.to_string()))?;
    }
    Ok(())
}

/// Compiles ip-location-db ASN CSV files (`first_ip,last_ip,asn,organization`) into a MaxMind-schema
/// ASN database at `out`.
pub fn build_asn(csv_files: &[&Path], out: &Path) -> Result<WriteSummary, OverlayError> {
    let shown = out.display().to_string();
    let mut writer = Writer::new("vetgate-ASN", 6).map_err(|e| OverlayError::File {
        file: shown.clone(),
        message: e.to_string(),
    })?;
    writer.description(
        "en",
        "IP to ASN from ip-location-db (RouteViews, RIRs and DB-IP ASN Lite; CC BY 4.0)",
    );
    for path in csv_files {
        let file = path.display().to_string();
        let text = read(path)?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        for record in reader.records() {
            let record = record.map_err(|e| OverlayError::File {
                file: file.clone(),
                message: e.to_string(),
            })?;
            let line = record.position().map_or(0, |p| p.line() as usize);
            let bad = |message: String| OverlayError::Row {
                file: file.clone(),
                line,
                message,
            };
            if record.len() != 4 {
                return Err(bad(format!("expected 4 columns, found {}", record.len())));
            }
            let first: IpAddr = record[0]
                .parse()
                .map_err(|_| bad(format!("bad address {:?}", &record[0])))?;
            let last: IpAddr = record[1]
                .parse()
                .map_err(|_| bad(format!("bad address {:?}", &record[1])))?;
            let asn: u32 = record[2]
                .parse()
                .map_err(|_| bad(format!("bad ASN {:?}", &record[2])))?;
            if embeds_ipv4(first) {
                // 6to4 relays (2002::/16) and IPv4-mapped space alias the IPv4 tree: an operator's
                // announcement of them says nothing about the IPv4 addresses inside.
                continue;
            }
            // The writer stores each distinct record once, however many ranges share it.
            let value = Value::map([
                ("autonomous_system_number", Value::U32(asn)),
                (
                    "autonomous_system_organization",
                    Value::from(record[3].to_owned()),
                ),
            ]);
            writer
                .insert_range(first, last, value)
                .map_err(|e| bad(e.to_string()))?;
        }
    }
    writer
        .write_file_atomically(out)
        .map_err(|e| OverlayError::File {
            file: shown,
            message: e.to_string(),
        })
}

/// `database_type` of the subdivision database `vetgate geoip build --regions-from` writes.
pub const REGIONS_DATABASE_TYPE: &str = "vetgate-Regions";

/// The fields read from an ip-location-db city record.
#[derive(serde::Deserialize)]
struct FlatCity<'a> {
    #[serde(borrow)]
    country_code: Option<&'a str>,
    #[serde(borrow)]
    state1: Option<&'a str>,
}

/// Compiles the first-level subdivisions of `countries` from ip-location-db city databases (DB-IP's
/// free "IP to City Lite", flat schema: `country_code`, `state1`) into a small MaxMind-schema database
/// at `out`: country and subdivision name only, nothing about cities, coordinates or zones. Adjacent
/// networks of one subdivision merge into one.
pub fn build_regions(
    sources: &[&Path],
    countries: &[String],
    out: &Path,
) -> Result<WriteSummary, OverlayError> {
    let shown = out.display().to_string();
    let mut writer = Writer::new(REGIONS_DATABASE_TYPE, 6).map_err(|e| OverlayError::File {
        file: shown.clone(),
        message: e.to_string(),
    })?;
    writer.description(
        "en",
        "First-level subdivisions from DB-IP IP to City Lite (CC BY 4.0), via ip-location-db",
    );
    for path in sources {
        let file = path.display().to_string();
        let failed = |message: String| OverlayError::File {
            file: file.clone(),
            message,
        };
        let reader = maxminddb::Reader::open_readfile(path).map_err(|e| failed(e.to_string()))?;
        let networks = reader
            .networks(Default::default())
            .map_err(|e| failed(e.to_string()))?;
        for found in networks {
            let found = found.map_err(|e| failed(e.to_string()))?;
            let Some(record) = found
                .decode::<FlatCity>()
                .map_err(|e| failed(e.to_string()))?
            else {
                continue;
            };
            let (Some(country), Some(region)) = (record.country_code, record.state1) else {
                continue;
            };
            if region.is_empty() || !countries.iter().any(|c| c.eq_ignore_ascii_case(country)) {
                continue;
            }
            let network: Network = found
                .network()
                .map_err(|e| failed(e.to_string()))?
                .to_string()
                .parse()
                .map_err(|e| failed(format!("{e}")))?;
            let value = Value::map([
                (
                    "country",
                    Value::map([("iso_code", Value::from(country.to_ascii_uppercase()))]),
                ),
                (
                    "subdivisions",
                    Value::array([Value::map([(
                        "names",
                        Value::map([("en", Value::from(region))]),
                    )])]),
                ),
            ]);
            writer
                .insert(network, value)
                .map_err(|e| failed(e.to_string()))?;
        }
    }
    writer
        .write_file_atomically(out)
        .map_err(|e| OverlayError::File {
            file: shown,
            message: e.to_string(),
        })
}

fn embeds_ipv4(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(_) => false,
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            bits >> 112 == 0x2002 || bits >> 32 == 0xffff || bits >> 32 == 0
        }
    }
}

/// What a listed autonomous system is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsnKind {
    /// Cloud and hosting: a server, not a home or office line.
    Hosting,
    /// A commercial VPN's exits.
    Vpn,
    /// Tor exit relays.
    Tor,
}

/// A listed autonomous system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedAsn {
    pub provider: String,
    pub kind: AsnKind,
}

fn parse_asn(file: &str, line: usize, text: &str) -> Result<u32, OverlayError> {
    text.trim_start_matches("AS")
        .parse()
        .map_err(|_| OverlayError::Row {
            file: file.to_owned(),
            line,
            message: format!("bad ASN {text:?}"),
        })
}

/// `hosting-asns.csv` → ASN → provider. Its `kind` column is free text (`cloud`, `hosting (VPN
/// exits)`…): every row is hosting.
pub fn read_hosting_asns(path: &Path) -> Result<HashMap<u32, ListedAsn>, OverlayError> {
    let file = path.display().to_string();
    let mut asns = HashMap::new();
    for (line, row) in rows(path, &["asn", "provider", "kind", "source"])? {
        let asn = parse_asn(&file, line, &row[0])?;
        asns.insert(
            asn,
            ListedAsn {
                provider: row[1].clone(),
                kind: AsnKind::Hosting,
            },
        );
    }
    Ok(asns)
}

/// `anonymiser-asns.csv` → ASN → provider and kind (`vpn`, `tor` or `hosting`); every row names its
/// source, licence and date.
pub fn read_anonymiser_asns(path: &Path) -> Result<HashMap<u32, ListedAsn>, OverlayError> {
    let file = path.display().to_string();
    let mut asns = HashMap::new();
    for (line, row) in rows(
        path,
        &[
            "asn",
            "provider",
            "kind",
            "source",
            "licence",
            "source_date",
        ],
    )? {
        let bad = |message: String| OverlayError::Row {
            file: file.clone(),
            line,
            message,
        };
        let asn = parse_asn(&file, line, &row[0])?;
        let kind = match row[2].as_str() {
            "vpn" => AsnKind::Vpn,
            "tor" => AsnKind::Tor,
            "hosting" => AsnKind::Hosting,
            other => return Err(bad(format!("kind {other:?} must be vpn, tor or hosting"))),
        };
        if row[1].is_empty() || row[3..].iter().any(String::is_empty) {
            return Err(bad(
                "every row needs its provider, source, licence and source_date".into(),
            ));
        }
        asns.insert(
            asn,
            ListedAsn {
                provider: row[1].clone(),
                kind,
            },
        );
    }
    Ok(asns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intel::geoip::{Database, DatabaseKind, GeoIp};

    fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn the_shipped_anonymiser_list_parses_and_names_its_kinds() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("geoip/sources/anonymiser-asns.csv");
        let asns = read_anonymiser_asns(&path).unwrap();
        assert_eq!(asns[&9009].kind, AsnKind::Vpn);
        assert_eq!(asns[&60729].kind, AsnKind::Tor);
        assert_eq!(asns[&16125].kind, AsnKind::Hosting);
        // Access and transit carriers are left out: their customers are people at home.
        for carrier in [6939, 174, 3561, 13335] {
            assert!(!asns.contains_key(&carrier), "AS{carrier}");
        }
    }

    #[test]
    fn anonymiser_rows_without_licence_or_with_an_unknown_kind_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let header = "asn,provider,kind,source,licence,source_date\n";
        for body in [
            "9009,M247,vpn,somewhere,,2026-12-04\n",
            "9009,M247,proxy,somewhere,MIT,2026-12-04\n",
            "AS90x9,M247,vpn,somewhere,MIT,2026-12-04\n",
        ] {
            let path = write(dir.path(), "a.csv", &format!("{header}{body}"));
            assert!(read_anonymiser_asns(&path).is_err(), "{body}");
        }
    }

    #[test]
    fn vpn_ranges_compile_into_the_overlay_and_curated_rows_win_overlaps() {
        let dir = tempfile::tempdir().unwrap();
        let networks = write(
            dir.path(),
            "networks.csv",
            "network,tags,description,source,source_date\n\
             198.51.100.7/32,advisory_ioc,indicator,an advisory,2024-09-23\n",
        );
        write(
            dir.path(),
            "vpn-ranges.csv",
            "network,provider,source,licence,source_date\n\
             198.51.100.0/24,Example VPN,a public list,MIT,2026-12-04\n",
        );
        let out = dir.path().join("overlay.mmdb");
        build_overlay(&networks, &out).unwrap();
        let geo = GeoIp::from_databases([Database::open(&out).unwrap()]);
        let exit = geo.lookup("198.51.100.9".parse().unwrap());
        assert!(exit.anonymity.vpn);
        assert_eq!(exit.anonymity.provider.as_deref(), Some("Example VPN"));
        assert_eq!(
            exit.overlay.unwrap().source.as_deref(),
            Some("a public list (MIT, 2026-12-04)")
        );
        let indicator = geo.lookup("198.51.100.7".parse().unwrap());
        assert!(indicator.has_tag("advisory_ioc"));
    }

    #[test]
    fn regions_keep_only_the_chosen_countries_subdivisions() {
        let dir = tempfile::tempdir().unwrap();
        // An ip-location-db city database in miniature, flat schema.
        let flat = |country: &str, state: &str, city: &str| {
            Value::map([
                ("country_code", Value::from(country)),
                ("state1", Value::from(state)),
                ("city", Value::from(city)),
                ("latitude", Value::Double(1.0)),
            ])
        };
        let mut city = Writer::new("city ipv4", 4).unwrap();
        city.insert("211.137.0.0/17", flat("CN", "Liaoning", "Shenyang"))
            .unwrap();
        city.insert("211.137.128.0/17", flat("CN", "Liaoning", "Dalian"))
            .unwrap();
        city.insert("5.100.64.0/18", flat("RU", "Primorye", "Vladivostok"))
            .unwrap();
        city.insert("2.80.0.0/16", flat("PT", "Lisbon", "Lisbon"))
            .unwrap();
        let source = dir.path().join("dbip-city-ipv4.mmdb");
        city.write_file_atomically(&source).unwrap();

        let out = dir.path().join("regions.mmdb");
        build_regions(&[&source], &["CN".into(), "RU".into()], &out).unwrap();
        let db = Database::open(&out).unwrap();
        assert_eq!(db.info.kind, DatabaseKind::Region);
        let geo = GeoIp::from_databases([db]);
        let shenyang = geo.lookup("211.137.0.1".parse().unwrap());
        assert_eq!(shenyang.country.unwrap().as_str(), "CN");
        assert_eq!(shenyang.region_name.as_deref(), Some("Liaoning"));
        assert_eq!(shenyang.city, None, "cities are not kept");
        assert_eq!(
            geo.lookup("5.100.64.9".parse().unwrap())
                .region_name
                .as_deref(),
            Some("Primorye")
        );
        assert_eq!(geo.lookup("2.80.0.1".parse().unwrap()).country, None);
    }
}
