//! `vetgate-dev fuzz-seeds DIR`: the starting inputs of the cargo-fuzz targets (`fuzz/`), written
//! by the project rather than cut from published data (which may not be copied into the repo).
//!
//! - `ofac_csv/`: OFAC legacy CSV sets (`sdn`, `add`, `alt`, `sdn_comments` joined by 0xFF) of
//!   invented entries in the published layout: every entry type, the remarks labels the parser
//!   knows, remarks continued in `sdn_comments.csv`, Latin-1 bytes, the EOF marker.
//! - `un_xml/`: UN consolidated-list documents of invented individuals and entities with every
//!   element the parser reads (aliases by quality, exact/approximate/between dates, documents,
//!   places, addresses, original-script names).
//! - `mmdb/`: small databases from the project's own writer (`vetgate::intel::mmdb_writer`) of each
//!   kind and schema the service reads, IPv4-only and IPv6, 24/28/32-bit records.
//! - `application/`: `vetgate-dev generate` applicants (ordinary, immigrants, laptop-farm members)
//!   and variants with MRZs, crypto and IBAN payouts, listed names, IPv6 sessions.
//!
//! The output is a pure function of the code: running it twice writes the same bytes.

use std::path::Path;

use anyhow::Context;
use serde_json::{Value, json};

use vetgate::intel::geoip::OVERLAY_DATABASE_TYPE;
use vetgate::intel::mmdb_writer::{Value as Mmdb, Writer};
use vetgate::model::mrz;

use crate::Generator;

/// The build date every seed database carries, so that the seeds are the same bytes on every run.
const SEED_EPOCH: u64 = 1_764_000_000;

/// Writes every target's seeds under `dir`; returns how many files each target got.
pub fn write(dir: &Path) -> anyhow::Result<Vec<(&'static str, usize)>> {
    let mut written = Vec::new();
    for (target, seeds) in [
        ("ofac_csv", ofac_sets()),
        ("un_xml", un_documents()),
        ("mmdb", mmdb_files()?),
        ("application", applications()),
    ] {
        let target_dir = dir.join(target);
        std::fs::create_dir_all(&target_dir)
            .with_context(|| format!("creating {}", target_dir.display()))?;
        for (name, bytes) in &seeds {
            let path = target_dir.join(format!("seed-{name}"));
            std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
        }
        written.push((target, seeds.len()));
    }
    Ok(written)
}

type Seeds = Vec<(String, Vec<u8>)>;

// ---------------------------------------------------------------------------------------------
// OFAC legacy CSV
// ---------------------------------------------------------------------------------------------

const NULL: &str = "-0- ";

/// Joins the four files of an `ofac_csv` input (the target splits on it: fuzz/fuzz_targets/common).
const OFAC_SEPARATOR: u8 = 0xFF;

/// One `sdn.csv` row with its `add.csv`, `alt.csv` and `sdn_comments.csv` rows.
struct SdnEntry {
    id: u32,
    name: &'static str,
    kind: &'static str,
    programs: &'static str,
    title: &'static str,
    vessel: [&'static str; 6],
    remarks: &'static str,
    /// Continuation of the remarks in `sdn_comments.csv` (the published file cuts long remarks).
    continued: &'static str,
    addresses: &'static [(&'static str, &'static str, &'static str)],
    aliases: &'static [(&'static str, &'static str)],
}

const NO_VESSEL: [&str; 6] = [NULL, NULL, NULL, NULL, NULL, NULL];

const SDN_ENTRIES: &[SdnEntry] = &[
    SdnEntry {
        id: 90001,
        name: "PAK, Chol Min",
        kind: "individual",
        programs: "DPRK3] [DPRK-NKSPEA",
        title: "IT worker delegation leader",
        vessel: NO_VESSEL,
        remarks: "DOB 14 Mar 1981; alt. DOB 1979 to 1982; POB Pyongyang, Korea, North; nationality Korea, North; Gender Male; Passport 927310455 (Korea, North) expires 12 Jan 2028; National ID No. 4481-22 (China); Email Address pcm.dev@example.com; alt. Email Address chol.min@example.net; Digital Currency Address - XBT 1FzSeedPak7xq3XcTn2Ls8RrWw9vB4hK; Digital Currency Address - ETH 0x3c1bf0d1a96b2e4ef1f0d6b2a8c93e1744d2a0b9; a.k.a. 'CHOL'; Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and 510.210; Linked To: KORYO EXAMPLE TRADING CORPORATION.",
        continued: "",
        addresses: &[
            ("-0- ", "Shenyang", "China"),
            ("-0- ", "Vladivostok", "Russia"),
        ],
        aliases: &[("aka", "PAK, Cholmin"), ("fka", "PARK, Chul Min")],
    },
    SdnEntry {
        id: 90002,
        name: "KORYO EXAMPLE TRADING CORPORATION",
        kind: NULL,
        programs: "DPRK2",
        title: NULL,
        vessel: NO_VESSEL,
        remarks: "Website www.koryo-example.kp; Organization Established Date 2001; Registration Number 1120093 (Korea, North); Phone 850-2-381-0000; Additional Sanctions Information - Subject to Secondary Sanctions; Organization Type: Wholesale trade",
        continued: "",
        addresses: &[("Sosong-guyok", "Pyongyang", "Korea, North")],
        aliases: &[
            ("aka", "KORYO EXAMPLE TRADING CO."),
            ("nka", "MORNING STAR IT GROUP"),
        ],
    },
    SdnEntry {
        id: 90003,
        name: "MORNING BREEZE",
        kind: "vessel",
        programs: "DPRK4",
        title: NULL,
        vessel: [
            "HMXY3",
            "Oil Tanker",
            "3,200",
            "1,999",
            "Korea, North",
            "KORYO EXAMPLE TRADING CORPORATION",
        ],
        remarks: "Vessel Registration Identification IMO 9999991; MMSI 445000001; Former Vessel Flag Sierra Leone; alt. Vessel Flag None Identified; Linked To: KORYO EXAMPLE TRADING CORPORATION.",
        continued: "",
        addresses: &[],
        aliases: &[("aka", "BREEZE NO. 1")],
    },
    SdnEntry {
        id: 90004,
        name: "EXAMPLE-AIR 1",
        kind: "aircraft",
        programs: "IRAN-EO13846",
        title: NULL,
        vessel: NO_VESSEL,
        remarks: "Aircraft Construction Number (also called L/N or S/N or F/N) 28112; Aircraft Manufacture Date 01 Mar 1999; Aircraft Model B747-422; Aircraft Operator EXAMPLE AIRLINES; Aircraft Manufacturer's Serial Number (MSN) 28112; Aircraft Tail Number EP-XYZ",
        continued: "",
        addresses: &[],
        aliases: &[],
    },
    SdnEntry {
        id: 90005,
        name: "KIM, Song Hui",
        kind: "individual",
        programs: "DPRK3",
        title: "Chief Financial Officer",
        vessel: NO_VESSEL,
        remarks: "DOB circa 1975; alt. DOB Aug 1976; POB Hamhung, Korea, North; citizen Korea, North; nationality Korea, North; Gender Female; Passport 836110031 issued 05 Feb 2019 expires 05 Feb 2024; alt. Passport 745310022 (Korea, North); Diplomatic Passport PD123456 (Korea, North); Travel Document Number T123; Tax ID No. 1234567890 (Russia); Driver's License No. DL-555 (China); Residency Number 88442 (United Arab Emirates); Email Address songhui.kim@example.org; Digital Currency Address - USDT TSeedKimSongHui11111111111111111; Digital Currency Address - XMR 4SeedMoneroKim; ",
        continued: "Digital Currency Address - LTC LSeedKimLitecoin; a.k.a. 'SONNY'; Linked To: KORYO EXAMPLE TRADING CORPORATION; Linked To: MORNING BREEZE.",
        addresses: &[("Room 12, Example Tower", "Dubai", "United Arab Emirates")],
        aliases: &[
            ("aka", "KIM, Son-hui"),
            ("aka", "GIM, Songhui"),
            ("fka", "RI, Song Hui"),
        ],
    },
    SdnEntry {
        id: 90006,
        name: "P\u{c9}REZ GARC\u{cd}A, Jos\u{e9} Luis",
        kind: "individual",
        programs: "SDNTK",
        title: NULL,
        vessel: NO_VESSEL,
        remarks: "DOB 01 Jan 1960; alt. DOB 02 Feb 1961; POB Culiacan, Sinaloa, Mexico; nationality Mexico; citizen Mexico; C.U.R.P. PEGJ600101HSLRRS09 (Mexico); R.F.C. PEGJ600101ABC (Mexico); Cedula No. 12345678 (Colombia); D.N.I. 30123456 (Argentina); Credencial electoral 0123456789012 (Mexico)",
        continued: "",
        addresses: &[("Calle Ejemplo 1", "Culiacan, Sinaloa", "Mexico")],
        aliases: &[("aka", "PEREZ, Pepe")],
    },
    SdnEntry {
        id: 90007,
        name: "EXAMPLE CYBER GROUP",
        kind: NULL,
        programs: "CYBER2] [DPRK3",
        title: NULL,
        vessel: NO_VESSEL,
        remarks: "Email Address ops@example-cyber.invalid; Website http://example-cyber.invalid; alt. Website https://www.example-cyber.invalid/jobs; Digital Currency Address - XBT bc1qseedexamplecybergroup0000000000000; Digital Currency Address - ETH 0x0000000000000000000000000000000000c0ffee; Digital Currency Address - TRX TSeedTron; Organization Established Date 2016; V.A.T. Number 99999999 (China); Business Registration Number 5550001 (Hong Kong); Identification Number IMO 5550002",
        continued: "",
        addresses: &[
            ("-0- ", "-0- ", "China"),
            ("Unit 3", "Yanji, Jilin", "China"),
        ],
        aliases: &[("aka", "LAZARUS EXAMPLE"), ("aka", "HIDDEN SEED")],
    },
];

fn csv_field(s: &str) -> String {
    if s == NULL {
        NULL.to_owned()
    } else {
        format!("\"{s}\"")
    }
}

/// Latin-1, as the published files are: every character of the invented entries is below U+0100.
fn latin1(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect()
}

/// The four files of `entries`, each ending like the published ones (CRLF rows, the 0x1A marker).
fn ofac_files(entries: &[&SdnEntry]) -> [String; 4] {
    let mut sdn = String::new();
    let mut add = String::new();
    let mut alt = String::new();
    let mut comments = String::new();
    let mut add_num = 1000;
    let mut alt_num = 2000;
    for e in entries {
        let vessel: Vec<String> = e.vessel.iter().map(|v| csv_field(v)).collect();
        sdn += &format!(
            "{},{},{},{},{},{},{}\r\n",
            e.id,
            csv_field(e.name),
            csv_field(e.kind),
            csv_field(e.programs),
            csv_field(e.title),
            vessel.join(","),
            csv_field(e.remarks)
        );
        for (address, city, country) in e.addresses {
            add_num += 1;
            add += &format!(
                "{},{add_num},{},{},{},{NULL}\r\n",
                e.id,
                csv_field(address),
                csv_field(city),
                csv_field(country)
            );
        }
        for (kind, name) in e.aliases {
            alt_num += 1;
            alt += &format!("{},{alt_num},\"{kind}\",\"{name}\",{NULL}\r\n", e.id);
        }
        if !e.continued.is_empty() {
            comments += &format!("{},\"{}\"\r\n", e.id, e.continued);
        }
    }
    for file in [&mut sdn, &mut add, &mut alt, &mut comments] {
        file.push('\u{1a}');
    }
    [sdn, add, alt, comments]
}

fn ofac_input(files: &[String; 4]) -> Vec<u8> {
    let mut input = Vec::new();
    for (i, file) in files.iter().enumerate() {
        if i > 0 {
            input.push(OFAC_SEPARATOR);
        }
        input.extend(latin1(file));
    }
    input
}

fn ofac_sets() -> Seeds {
    let all: Vec<&SdnEntry> = SDN_ENTRIES.iter().collect();
    let mut seeds: Seeds = vec![("all".into(), ofac_input(&ofac_files(&all)))];
    // One entry per set: short inputs that reach each remarks label quickly.
    for e in SDN_ENTRIES {
        seeds.push((e.id.to_string(), ofac_input(&ofac_files(&[e]))));
    }
    // Without the EOF marker (refused: a truncated download), with LF endings, the main file with
    // empty companions.
    let files = ofac_files(&all);
    let unmarked = files
        .clone()
        .map(|f| f.trim_end_matches('\u{1a}').to_owned());
    seeds.push(("no-eof-marker".into(), ofac_input(&unmarked)));
    let lf = files.clone().map(|f| f.replace("\r\n", "\n"));
    seeds.push(("lf".into(), ofac_input(&lf)));
    let empty = "\u{1a}".to_owned();
    let sdn_only = [files[0].clone(), empty.clone(), empty.clone(), empty];
    seeds.push(("sdn-only".into(), ofac_input(&sdn_only)));
    seeds
}

// ---------------------------------------------------------------------------------------------
// UN consolidated list
// ---------------------------------------------------------------------------------------------

const UN_INDIVIDUAL_DPRK: &str = r#"<INDIVIDUAL>
      <DATAID>9000001</DATAID>
      <VERSIONNUM>1</VERSIONNUM>
      <FIRST_NAME>JANG</FIRST_NAME>
      <SECOND_NAME>MYONG SIK</SECOND_NAME>
      <THIRD_NAME/>
      <UN_LIST_TYPE>DPRK</UN_LIST_TYPE>
      <REFERENCE_NUMBER>KPi.901</REFERENCE_NUMBER>
      <LISTED_ON>2018-03-30</LISTED_ON>
      <NAME_ORIGINAL_SCRIPT>장명식</NAME_ORIGINAL_SCRIPT>
      <COMMENTS1>Represents &quot;EXAMPLE IT&quot; &amp; its front companies abroad; see KPe.901.</COMMENTS1>
      <DESIGNATION><VALUE>IT team leader</VALUE></DESIGNATION>
      <NATIONALITY><VALUE>Democratic People's Republic of Korea</VALUE></NATIONALITY>
      <LIST_TYPE><VALUE>UN List</VALUE></LIST_TYPE>
      <LAST_DAY_UPDATED><VALUE>2024-01-10</VALUE></LAST_DAY_UPDATED>
      <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Jang Myong-sik</ALIAS_NAME></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_ALIAS><QUALITY>a.k.a.</QUALITY><ALIAS_NAME>Chang Myung Sik</ALIAS_NAME></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>Mike</ALIAS_NAME></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1984-09-11</DATE></INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>APPROXIMATELY</TYPE_OF_DATE><YEAR>1983</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1982</FROM_YEAR><TO_YEAR>1985</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><YEAR>1984</YEAR><NOTE>Sep.</NOTE></INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_DATE_OF_BIRTH/>
      <INDIVIDUAL_PLACE_OF_BIRTH><CITY>Sinuiju</CITY><STATE_PROVINCE>North Phyongan</STATE_PROVINCE><COUNTRY>Democratic People's Republic of Korea</COUNTRY></INDIVIDUAL_PLACE_OF_BIRTH>
      <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT><NUMBER> 927120455</NUMBER><ISSUING_COUNTRY>Democratic People's Republic of Korea</ISSUING_COUNTRY><DATE_OF_ISSUE>2017-05-02</DATE_OF_ISSUE><NOTE>expires 2022-05-02</NOTE></INDIVIDUAL_DOCUMENT>
      <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>National Identification
          Number</TYPE_OF_DOCUMENT><NUMBER>55-1234</NUMBER><COUNTRY_OF_ISSUE>China</COUNTRY_OF_ISSUE></INDIVIDUAL_DOCUMENT>
      <INDIVIDUAL_ADDRESS><STREET>Example Street 5</STREET><CITY>Dandong</CITY><STATE_PROVINCE>Liaoning</STATE_PROVINCE><COUNTRY>China</COUNTRY></INDIVIDUAL_ADDRESS>
      <INDIVIDUAL_ADDRESS><COUNTRY>Laos</COUNTRY><NOTE>as of 2023</NOTE></INDIVIDUAL_ADDRESS>
      <SORT_KEY/>
      <SORT_KEY_LAST_MOD/>
    </INDIVIDUAL>"#;

const UN_INDIVIDUAL_OTHER: &str = r#"<INDIVIDUAL>
      <DATAID>9000002</DATAID>
      <FIRST_NAME>ABDUL</FIRST_NAME>
      <SECOND_NAME>EXAMPLE</SECOND_NAME>
      <THIRD_NAME>RAHIM</THIRD_NAME>
      <FOURTH_NAME>KHAN</FOURTH_NAME>
      <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE>
      <REFERENCE_NUMBER>QDi.901</REFERENCE_NUMBER>
      <LISTED_ON>2011-06-01</LISTED_ON>
      <NAME_ORIGINAL_SCRIPT>عبد الرحيم</NAME_ORIGINAL_SCRIPT>
      <TITLE><VALUE>Maulavi</VALUE></TITLE>
      <NATIONALITY><VALUE>Afghanistan</VALUE><VALUE>Pakistan</VALUE></NATIONALITY>
      <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Abdul Rahim</ALIAS_NAME><DATE_OF_BIRTH>1970</DATE_OF_BIRTH><CITY_OF_BIRTH>Kandahar</CITY_OF_BIRTH></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1966</FROM_YEAR><TO_YEAR>1968</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_PLACE_OF_BIRTH><STATE_PROVINCE>Kandahar Province</STATE_PROVINCE><COUNTRY>Afghanistan</COUNTRY></INDIVIDUAL_PLACE_OF_BIRTH>
      <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT><NUMBER>OR801168</NUMBER><ISSUING_COUNTRY>Afghanistan</ISSUING_COUNTRY><TYPE_OF_DOCUMENT2>Diplomatic</TYPE_OF_DOCUMENT2></INDIVIDUAL_DOCUMENT>
      <INDIVIDUAL_ADDRESS/>
    </INDIVIDUAL>"#;

const UN_ENTITY_DPRK: &str = r#"<ENTITY>
      <DATAID>9000101</DATAID>
      <FIRST_NAME>EXAMPLE IT COOPERATION COMPANY</FIRST_NAME>
      <UN_LIST_TYPE>DPRK</UN_LIST_TYPE>
      <REFERENCE_NUMBER>KPe.901</REFERENCE_NUMBER>
      <LISTED_ON>2017-08-05</LISTED_ON>
      <NAME_ORIGINAL_SCRIPT>조선례시정보기술합작회사</NAME_ORIGINAL_SCRIPT>
      <COMMENTS1>Sends IT workers abroad under front companies. Email: jobs@example-it.invalid</COMMENTS1>
      <ENTITY_ALIAS><QUALITY>a.k.a.</QUALITY><ALIAS_NAME>"EXAMPLE IT"</ALIAS_NAME></ENTITY_ALIAS>
      <ENTITY_ALIAS><QUALITY>f.k.a.</QUALITY><ALIAS_NAME>OLD EXAMPLE COMPUTER CENTRE</ALIAS_NAME></ENTITY_ALIAS>
      <ENTITY_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>EIC</ALIAS_NAME></ENTITY_ALIAS>
      <ENTITY_ADDRESS><STREET>Example-dong</STREET><CITY>Pyongyang</CITY><COUNTRY>Democratic People's Republic of Korea</COUNTRY></ENTITY_ADDRESS>
      <ENTITY_ADDRESS><CITY>Shenyang</CITY><COUNTRY>China</COUNTRY></ENTITY_ADDRESS>
    </ENTITY>"#;

const UN_ENTITY_OTHER: &str = r#"<ENTITY>
      <DATAID>9000102</DATAID>
      <FIRST_NAME>EXAMPLE RELIEF FOUNDATION</FIRST_NAME>
      <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE>
      <REFERENCE_NUMBER>QDe.901</REFERENCE_NUMBER>
      <LISTED_ON>2002-01-09</LISTED_ON>
      <ENTITY_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>EXAMPLE FOUNDATION</ALIAS_NAME></ENTITY_ALIAS>
      <ENTITY_ADDRESS/>
    </ENTITY>"#;

fn un_document(individuals: &[&str], entities: &[&str]) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <CONSOLIDATED_LIST xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         dateGenerated=\"2026-11-01T00:00:00.000Z\">\n  <INDIVIDUALS>\n    {}\n  </INDIVIDUALS>\n  \
         <ENTITIES>\n    {}\n  </ENTITIES>\n</CONSOLIDATED_LIST>\n",
        individuals.join("\n    "),
        entities.join("\n    ")
    )
    .into_bytes()
}

fn un_documents() -> Seeds {
    vec![
        (
            "all".into(),
            un_document(
                &[UN_INDIVIDUAL_DPRK, UN_INDIVIDUAL_OTHER],
                &[UN_ENTITY_DPRK, UN_ENTITY_OTHER],
            ),
        ),
        (
            "individual-dprk".into(),
            un_document(&[UN_INDIVIDUAL_DPRK], &[]),
        ),
        (
            "individual-other".into(),
            un_document(&[UN_INDIVIDUAL_OTHER], &[]),
        ),
        ("entity-dprk".into(), un_document(&[], &[UN_ENTITY_DPRK])),
        ("entity-other".into(), un_document(&[], &[UN_ENTITY_OTHER])),
        ("empty".into(), un_document(&[], &[])),
    ]
}

// ---------------------------------------------------------------------------------------------
// MaxMind DB
// ---------------------------------------------------------------------------------------------

fn names(en: &str) -> Mmdb {
    Mmdb::map([("names", Mmdb::map([("en", Mmdb::from(en))]))])
}

fn maxmind_city(country: &str, region: &str, city: &str, zone: &str) -> Mmdb {
    Mmdb::map([
        ("country", Mmdb::map([("iso_code", Mmdb::from(country))])),
        (
            "subdivisions",
            Mmdb::array([Mmdb::map([
                ("iso_code", Mmdb::from(region)),
                ("names", Mmdb::map([("en", Mmdb::from(region))])),
            ])]),
        ),
        ("city", names(city)),
        (
            "location",
            Mmdb::map([
                ("time_zone", Mmdb::from(zone)),
                ("latitude", Mmdb::Double(41.88)),
                ("longitude", Mmdb::Double(-87.63)),
            ]),
        ),
    ])
}

fn flat_city(country: &str, state: &str, city: &str, zone: &str) -> Mmdb {
    Mmdb::map([
        ("country_code", Mmdb::from(country)),
        ("state1", Mmdb::from(state)),
        ("city", Mmdb::from(city)),
        ("timezone", Mmdb::from(zone)),
        ("latitude", Mmdb::Float(37.5)),
        ("longitude", Mmdb::Float(127.0)),
    ])
}

/// A writer holding `records` (network, value).
fn database<'a>(
    database_type: &str,
    ip_version: u8,
    records: impl IntoIterator<Item = (&'a str, Mmdb)>,
) -> anyhow::Result<Writer> {
    let mut writer = Writer::new(database_type, ip_version)?;
    writer.build_epoch(SEED_EPOCH);
    for (network, value) in records {
        writer.insert(network, value)?;
    }
    Ok(writer)
}

fn mmdb_files() -> anyhow::Result<Seeds> {
    // Networks around the addresses the mmdb target always looks up: network, country, region
    // code and name, city, zone.
    const PLACES: [(&str, &str, &str, &str, &str, &str); 5] = [
        (
            "81.2.69.0/24",
            "GB",
            "ENG",
            "England",
            "London",
            "Europe/London",
        ),
        (
            "175.45.176.0/22",
            "KP",
            "01",
            "Pyongyang",
            "Pyongyang",
            "Asia/Pyongyang",
        ),
        (
            "216.160.83.0/24",
            "US",
            "WA",
            "Washington",
            "Milton",
            "America/Los_Angeles",
        ),
        ("2001:218::/32", "JP", "13", "Tokyo", "Tokyo", "Asia/Tokyo"),
        (
            "1.128.0.0/11",
            "AU",
            "VIC",
            "Victoria",
            "Melbourne",
            "Australia/Melbourne",
        ),
    ];
    let geo = PLACES.map(|(net, country, code, region, city, zone)| {
        (
            net,
            maxmind_city(country, code, city, zone),
            flat_city(country, region, city, zone),
        )
    });
    let mut seeds = Seeds::new();
    let mut add = |name: &str, writer: &Writer| -> anyhow::Result<()> {
        seeds.push((format!("{name}.mmdb"), writer.to_bytes()?));
        Ok(())
    };

    for bits in [24u16, 28, 32] {
        let mut city = Writer::new("GeoIP2-City", 6)?;
        city.record_size(bits)?.build_epoch(SEED_EPOCH);
        for (net, maxmind, _) in &geo {
            city.insert(*net, maxmind.clone())?;
        }
        add(&format!("city-{bits}"), &city)?;
    }

    let mut country = Writer::new("GeoLite2-Country", 4)?;
    country.build_epoch(SEED_EPOCH);
    for (net, _, _) in geo.iter().filter(|(net, _, _)| !net.contains(':')) {
        country.insert(
            *net,
            Mmdb::map([("country", Mmdb::map([("iso_code", Mmdb::from("KP"))]))]),
        )?;
    }
    add("country-ipv4", &country)?;

    let mut flat = Writer::new("ip-location-db city ipvAll", 6)?;
    flat.build_epoch(SEED_EPOCH);
    for (net, _, flat_record) in &geo {
        flat.insert(*net, flat_record.clone())?;
    }
    add("flat-city", &flat)?;

    let asn = [
        ("175.45.176.0/22", 131_279u32, "Star Joint Venture Co. Ltd."),
        ("81.2.69.0/24", 20_712, "Example Hosting Ltd"),
        ("2001:218::/32", 2_914, "Example Backbone"),
    ]
    .map(|(net, number, org)| {
        let record = [
            ("autonomous_system_number", Mmdb::U32(number)),
            ("autonomous_system_organization", Mmdb::from(org)),
        ];
        (net, Mmdb::map(record))
    });
    let mut asn = database("GeoLite2-ASN", 6, asn)?;
    asn.description("en", "vetgate fuzz seed");
    add("asn", &asn)?;

    let isp = [
        ("autonomous_system_number", Mmdb::U32(1221)),
        ("isp", Mmdb::from("Example Telecom")),
    ];
    add(
        "isp",
        &database("GeoIP2-ISP", 6, [("1.128.0.0/11", Mmdb::map(isp))])?,
    )?;

    let anonymous = [
        ("81.2.69.0/24", "is_anonymous_vpn"),
        ("216.160.83.0/24", "is_hosting_provider"),
        ("1.128.0.0/11", "is_public_proxy"),
        ("2001:218::/32", "is_tor_exit_node"),
        ("89.160.20.0/24", "is_residential_proxy"),
    ]
    .map(|(net, flag)| {
        let record = [
            ("is_anonymous", Mmdb::Bool(true)),
            (flag, Mmdb::Bool(true)),
            ("provider_name", Mmdb::from("examplevpn")),
        ];
        (net, Mmdb::map(record))
    });
    add(
        "anonymous-ip",
        &database("GeoIP2-Anonymous-IP", 6, anonymous)?,
    )?;

    let dprk = [
        ("tags", Mmdb::array([Mmdb::from("dprk")])),
        ("description", Mmdb::from("Star JV address space")),
        ("source", Mmdb::from("fuzz seed")),
    ];
    let farm = [("tags", Mmdb::array([Mmdb::from("laptop_farm_hosting")]))];
    let overlay = [
        ("175.45.176.0/22", Mmdb::map(dprk)),
        ("2001:218::/32", Mmdb::map(farm)),
    ];
    add("overlay", &database(OVERLAY_DATABASE_TYPE, 6, overlay)?)?;

    // A type the service does not read, and an IPv4 tree with a record of every value type.
    let every_type = [
        ("u16", Mmdb::U16(7)),
        ("u64", Mmdb::U64(1 << 40)),
        ("u128", Mmdb::U128(1 << 100)),
        ("i32", Mmdb::I32(-5)),
        ("bytes", Mmdb::bytes(vec![0, 1, 2])),
        ("array", Mmdb::array([Mmdb::Bool(false)])),
    ];
    let other = database(
        "Example-Unknown-Type",
        4,
        [("81.2.69.0/24", Mmdb::map(every_type))],
    )?;
    add("unknown-type", &other)?;
    Ok(seeds)
}

// ---------------------------------------------------------------------------------------------
// Applications
// ---------------------------------------------------------------------------------------------

/// A TD3 (passport) MRZ with correct check digits.
fn td3(
    country: &str,
    surname: &str,
    given: &str,
    number: &str,
    birth: &str,
    expiry: &str,
) -> [String; 2] {
    let digit = |s: &str| mrz::check_digit(s).map_or('<', |d| char::from(b'0' + d));
    let name = format!("{surname}<<{}", given.replace(' ', "<"));
    let line1 = format!("P<{country}{name:<<39}");
    let number = format!("{number:<<9}");
    let personal = format!("{:<<14}", "");
    let body = format!(
        "{number}{}{country}{birth}{}M{expiry}{}{personal}{}",
        digit(&number),
        digit(birth),
        digit(expiry),
        digit(&personal)
    );
    let composite: String = [&body[0..10], &body[13..20], &body[21..43]].concat();
    [line1, format!("{body}{}", digit(&composite))]
}

fn applications() -> Seeds {
    let generator = Generator::new(7, 10);
    let mut seeds = Seeds::new();
    // Ordinary applicants from across the weighted countries, and two farm members (every 10th).
    for index in [1u64, 2, 3, 5, 8, 13, 21, 34, 55, 89, 10, 20] {
        let app = generator.application(index);
        seeds.push((format!("generated-{index}.json"), json_bytes(&app)));
    }

    // A listed name with its original-script spellings, a crypto payout and an IPv6 session.
    let mut listed = generator.application(4);
    listed["applicant"]["full_name"] = json!("Pak Chol Min");
    listed["applicant"]["other_names"] = json!(["박철민", "Пак Чхоль Мин"]);
    listed["applicant"]["date_of_birth"] = json!("1981-03-14");
    listed["applicant"]["nationality"] = json!("KP");
    listed["payout"] = json!({
        "method": "crypto",
        "account_holder_name": "Pak Chol Min",
        "crypto_asset": "ETH",
        "crypto_address": "0x3c1bf0d1a96b2e4ef1f0d6b2a8c93e1744d2a0b9",
    });
    listed["sessions"][0]["ip"] = json!("2001:218::1");
    listed["sessions"][0]["remote_access_tools"] = json!(["anydesk", "chrome_remote_desktop"]);
    seeds.push(("listed-crypto.json".into(), json_bytes(&listed)));

    // A passport with a valid TD3 MRZ, an IBAN payout held by a company, a shipping address.
    let mut passport = generator.application(6);
    let mrz = td3(
        "DEU",
        "MUELLER",
        "ANNA LENA",
        "C01X00T47",
        "900314",
        "310501",
    );
    passport["identity_document"] = json!({
        "kind": "passport",
        "issuing_country": "DEU",
        "number": "C01X00T47",
        "surname": "MUELLER",
        "given_names": "ANNA LENA",
        "date_of_birth": "1990-03-14",
        "sex": "M",
        "nationality": "DEU",
        "expiry_date": "2031-05-01",
        "mrz": mrz,
        "vendor_check": {"vendor": "example-idv", "status": "passed", "liveness_passed": true, "face_match_score": 0.93},
    });
    passport["payout"] = json!({
        "method": "bank_transfer",
        "account_holder_name": "Mueller Software GmbH",
        "iban": "DE89370400440532013000",
        "bic": "COBADEFFXXX",
        "bank_country": "DE",
    });
    passport["shipping_address"] = json!({
        "country": "US", "region": "MD", "city": "Bowie",
        "address_line": "12 Example Ct", "recipient_name": "Janet Miles",
    });
    seeds.push(("passport-iban.json".into(), json_bytes(&passport)));

    // A national ID card with a TD1 MRZ whose check digits are wrong, and a North Korean session.
    let mut card = generator.application(9);
    card["identity_document"] = json!({
        "kind": "national_id",
        "issuing_country": "SWE",
        "number": "D23145890",
        "mrz": [
            "I<SWED231458907<<<<<<<<<<<<<<<",
            "7408122F1204159SWE<<<<<<<<<<<5",
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
        ],
    });
    card["sessions"][0]["ip"] = json!("175.45.176.10");
    card["sessions"][0]["accept_language"] = json!("ko-KR,ko;q=0.9");
    card["sessions"][0]["browser_timezone"] = json!("Asia/Pyongyang");
    seeds.push(("national-id-dprk.json".into(), json_bytes(&card)));

    // The smallest body the schema takes, with a payout held by a listed company.
    let minimal = json!({
        "external_ref": "fuzz-minimal",
        "applicant": {"full_name": "Koryo Example Trading Corporation", "residence": {"country": "CN"}},
        "sessions": [{"ip": "81.2.69.142"}],
        "payout": {"method": "payoneer", "account_holder_name": "KORYO EXAMPLE TRADING CO.", "provider_account_id": "ops@example.invalid"},
    });
    seeds.push(("minimal-listed-holder.json".into(), json_bytes(&minimal)));
    seeds
}

fn json_bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec_pretty(value).expect("JSON values serialise")
}

#[cfg(test)]
mod tests {
    use super::*;
    use vetgate::intel::geoip::Database;
    use vetgate::intel::sanctions::{ofac, un};
    use vetgate::model::Application;

    /// An `ofac_csv` input split as the target splits it, parsed.
    fn parse_ofac(
        input: &[u8],
    ) -> Result<vetgate::intel::sanctions::LoadedList, vetgate::intel::sanctions::LoadError> {
        let mut parts = input.splitn(4, |&b| b == OFAC_SEPARATOR);
        let mut part = || parts.next().unwrap_or_default();
        let (sdn, add, alt, comments) = (part(), part(), part(), part());
        ofac::parse(&ofac::OfacSources {
            sdn,
            add,
            alt,
            comments,
        })
    }

    /// The seeds reach past the parsers: each one is accepted as what it stands for, so the
    /// fuzzer starts from deep inputs rather than from rejected ones.
    #[test]
    fn every_seed_is_accepted_by_its_parser() {
        for (name, input) in ofac_sets() {
            let parsed = parse_ofac(&input);
            if name == "no-eof-marker" {
                assert!(parsed.is_err(), "{name}");
            } else {
                let list = parsed.unwrap_or_else(|e| panic!("ofac seed {name}: {e}"));
                assert!(!list.entities.is_empty(), "{name}");
            }
        }
        for (name, input) in un_documents() {
            un::parse("seed.xml", &input).unwrap_or_else(|e| panic!("un seed {name}: {e}"));
        }
        for (name, input) in mmdb_files().unwrap() {
            let db = Database::from_bytes(&name, input);
            if name == "unknown-type.mmdb" {
                assert!(db.is_err(), "{name}");
            } else {
                db.unwrap_or_else(|e| panic!("mmdb seed {name}: {e}"));
            }
        }
        for (name, input) in applications() {
            Application::parse(&input).unwrap_or_else(|e| panic!("application seed {name}: {e:?}"));
        }
    }

    #[test]
    fn the_passport_seed_has_valid_check_digits() {
        let [line1, line2] = td3(
            "DEU",
            "MUELLER",
            "ANNA LENA",
            "C01X00T47",
            "900314",
            "310501",
        );
        let zone = mrz::parse(&[line1.as_str(), line2.as_str()]).unwrap();
        assert_eq!(zone.failed_checks().count(), 0);
    }

    #[test]
    fn the_ofac_seeds_cover_remarks_and_comment_continuations() {
        let all: Vec<&SdnEntry> = SDN_ENTRIES.iter().collect();
        let files = ofac_files(&all);
        let list = parse_ofac(&ofac_input(&files)).unwrap();
        let kim = list
            .entities
            .iter()
            .find(|e| e.primary_name.contains("Song Hui"))
            .unwrap();
        // The LTC address is only in sdn_comments.csv.
        assert!(
            kim.crypto_addresses
                .iter()
                .any(|c| c.address == "LSeedKimLitecoin"),
            "{:?}",
            kim.crypto_addresses
        );
        assert!(
            list.entities
                .iter()
                .any(|e| e.primary_name.contains("PÉREZ"))
        );
    }
}
