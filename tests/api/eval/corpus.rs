//! Generator of the labelled evaluation corpus (`tests/fixtures/eval/corpus.jsonl`).
//!
//! Deterministic: a fixed seed, no clock, no I/O. Every case is a complete application per the
//! contract's schema, labelled `legitimate` or `disguised`, with the reason it belongs to its group.
//! Names of listed persons are copied from the public lists (OFAC SDN, UN 1718 `KPi` entries, the
//! curated `VETGATE-DPRK-IT` and `VETGATE-DPRK-WATCH` rows); addresses are real networks whose
//! country and autonomous system the shipped `geoip/` databases confirm (`NETS`, checked by
//! `eval::every_corpus_network_resolves_as_labelled`).

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Offset, TimeZone, Utc};
use serde_json::{Value, json};

pub const SEED: u64 = 0x15_15_15;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    Legitimate,
    Disguised,
}

impl Label {
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Legitimate => "legitimate",
            Label::Disguised => "disguised",
        }
    }
}

pub struct GroupSpec {
    pub name: &'static str,
    pub label: Label,
    pub size: usize,
    /// What the group tests, for docs/detection.md and the printed table.
    pub tests: &'static str,
}

use Label::{Disguised, Legitimate};

/// The groups in corpus order. Hard legitimate groups come first so that a disguised application
/// linked to one of them would show up; none of them shares an identifier with another case.
#[rustfmt::skip]
pub const GROUPS: &[GroupSpec] = &[
    GroupSpec { name: "ordinary", label: Legitimate, size: 40, tests: "US, EU, Indian and Brazilian applicants at home: the baseline review rate" },
    GroupSpec { name: "kr_home", label: Legitimate, size: 30, tests: "South Koreans at home: Hangul names, KR passports, Korean locale, UTC+9 clocks" },
    GroupSpec { name: "cn_home", label: Legitimate, size: 30, tests: "Chinese nationals at home: Han names (张晓明, 冯静, 王伟 …), CN passports, UTC+8 clocks, Chinese IPs" },
    GroupSpec { name: "korean_american", label: Legitimate, size: 30, tests: "US citizens of Korean descent, some with a Hangul name or a Korean browser" },
    GroupSpec { name: "chinese_american", label: Legitimate, size: 30, tests: "US citizens of Chinese descent, some with a Han name or a Chinese browser" },
    GroupSpec { name: "namesake_contradicted", label: Legitimate, size: 36, tests: "exact namesakes of listed DPRK persons whose birth date (OFAC, UN) or consistent KR/US documents (curated KP-only rows) contradict the entry" },
    GroupSpec { name: "namesake_no_dob_entry", label: Legitimate, size: 30, tests: "namesakes of curated entries listing neither birth date nor nationality (ZHANG Jian, LU Huaying …), half paid into their own account" },
    GroupSpec { name: "namesake_spouse_payout", label: Legitimate, size: 25, tests: "ordinary applicants paid into a spouse's account whose holder is a namesake of a listed person" },
    GroupSpec { name: "partial_name", label: Legitimate, size: 30, tests: "names sharing only part of a listed name, or its Korean given-name syllables swapped (Kim Song, Min-chol Kim, Yoo-jin Park)" },
    GroupSpec { name: "digital_nomad", label: Legitimate, size: 25, tests: "US/DE residents working from a residential line abroad, the browser clock agreeing with the IP" },
    GroupSpec { name: "always_on_vpn", label: Legitimate, size: 25, tests: "privacy users: every session through a commercial VPN exit, the clock at home" },
    GroupSpec { name: "night_owl", label: Legitimate, size: 25, tests: "applicants at home who work late at night (US nights fall in the UTC+8 office day)" },
    GroupSpec { name: "traveller", label: Legitimate, size: 25, tests: "applicants at home with one trip abroad (interview from a hotel, clock on local time)" },
    GroupSpec { name: "cloud_dev_box", label: Legitimate, size: 25, tests: "applicants at home with one session from a cloud or hosting machine (AWS, GCP, Hetzner, DigitalOcean)" },
    GroupSpec { name: "freelancer_company_or_wise", label: Legitimate, size: 25, tests: "freelancers paid through their own company or a Wise account" },
    GroupSpec { name: "listed_person_dob_agrees", label: Disguised, size: 25, tests: "a listed DPRK person (OFAC, UN) applying under the listed name with an agreeing birth date" },
    GroupSpec { name: "payout_listed", label: Disguised, size: 25, tests: "payout to a listed crypto address or into an account held by a listed entity" },
    GroupSpec { name: "us_claim_border_ip", label: Disguised, size: 25, tests: "US residence claimed, sessions from Liaoning/Shenyang (China Unicom) or Russian Far East lines" },
    GroupSpec { name: "pyongyang_clock", label: Disguised, size: 25, tests: "the browser clock set to Asia/Pyongyang behind a western claim" },
    GroupSpec { name: "utc8_office_day_vpn", label: Disguised, size: 25, tests: "US residence, sessions only through VPN/hosting exits, all in the UTC+8 office day" },
    GroupSpec { name: "laptop_farm_tools", label: Disguised, size: 25, tests: "five farms of five identities on one US residential line with remote-access tools" },
    GroupSpec { name: "laptop_farm_no_tools", label: Disguised, size: 24, tests: "eight farms of three identities on one US residential line, no tools recorded" },
    GroupSpec { name: "shared_phone_weak", label: Disguised, size: 24, tests: "pairs of identities sharing a phone, each with one more weak indicator (webcam off or UTC+8 hours)" },
    GroupSpec { name: "shipping_third_party", label: Disguised, size: 25, tests: "laptop to be shipped to another person in another state (re-shipping facilitator)" },
    GroupSpec { name: "borrowed_identity", label: Disguised, size: 25, tests: "declared name or birth date differ from the document's (a borrowed identity)" },
    GroupSpec { name: "dprk_document", label: Disguised, size: 25, tests: "a North Korean passport" },
    GroupSpec { name: "stablecoin_tron_plus", label: Disguised, size: 25, tests: "USDT on TRON plus another indicator (webcam off, UTC+8 hours, VPN only, holder mismatch)" },
];

pub struct Case {
    pub group: &'static str,
    pub label: Label,
    pub why: String,
    pub application: Value,
}

impl Case {
    pub fn external_ref(&self) -> &str {
        self.application["external_ref"]
            .as_str()
            .unwrap_or_default()
    }
}

/// The corpus as committed: one JSON object per line.
pub fn to_jsonl(cases: &[Case]) -> String {
    let mut out = String::new();
    for c in cases {
        let line = json!({
            "group": c.group,
            "label": c.label.as_str(),
            "why": c.why,
            "application": c.application,
        });
        out.push_str(&serde_json::to_string(&line).expect("JSON"));
        out.push('\n');
    }
    out
}

pub fn generate() -> Vec<Case> {
    let mut g = Gen::new(SEED);
    let mut cases = Vec::new();
    for spec in GROUPS {
        for i in 0..spec.size {
            let (why, app) = g.case(spec.name, i);
            cases.push(Case {
                group: spec.name,
                label: spec.label,
                why,
                application: app,
            });
        }
    }
    cases
}

// ---------------------------------------------------------------------------------------------
// Networks. Every prefix is checked against the shipped databases by a test.
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetKind {
    /// A home broadband or mobile line.
    Residential,
    /// Cloud or hosting machines.
    Cloud,
    /// A commercial VPN provider's exits.
    Vpn,
}

pub struct Net {
    /// Two or three leading octets; the generator fills in the rest, one address per applicant.
    pub prefix: &'static str,
    pub country: &'static str,
    /// The autonomous system the shipped `asn.mmdb` gives for the prefix.
    pub asn: u32,
    pub kind: NetKind,
    pub note: &'static str,
}

use NetKind::{Cloud, Residential, Vpn};

#[rustfmt::skip]
pub const NETS: &[Net] = &[
    // Residential lines.
    Net { prefix: "73.44", country: "US", asn: 7922, kind: Residential, note: "Comcast" },
    Net { prefix: "98.207", country: "US", asn: 7922, kind: Residential, note: "Comcast" },
    Net { prefix: "76.102", country: "US", asn: 7922, kind: Residential, note: "Comcast" },
    Net { prefix: "71.175", country: "US", asn: 701, kind: Residential, note: "Verizon" },
    Net { prefix: "24.14", country: "US", asn: 7922, kind: Residential, note: "Comcast" },
    Net { prefix: "79.200", country: "DE", asn: 3320, kind: Residential, note: "Deutsche Telekom" },
    Net { prefix: "91.40", country: "DE", asn: 3320, kind: Residential, note: "Deutsche Telekom" },
    Net { prefix: "84.150", country: "DE", asn: 3320, kind: Residential, note: "Deutsche Telekom" },
    Net { prefix: "90.30", country: "FR", asn: 3215, kind: Residential, note: "Orange" },
    Net { prefix: "86.200", country: "FR", asn: 3215, kind: Residential, note: "Orange" },
    Net { prefix: "86.150", country: "GB", asn: 2856, kind: Residential, note: "BT" },
    Net { prefix: "81.100", country: "GB", asn: 5089, kind: Residential, note: "Virgin Media" },
    Net { prefix: "83.40", country: "ES", asn: 3352, kind: Residential, note: "Telefonica" },
    Net { prefix: "88.10", country: "ES", asn: 3352, kind: Residential, note: "Telefonica" },
    Net { prefix: "85.240", country: "PT", asn: 3243, kind: Residential, note: "MEO" },
    Net { prefix: "89.180", country: "PT", asn: 2860, kind: Residential, note: "NOS" },
    Net { prefix: "49.36", country: "IN", asn: 55836, kind: Residential, note: "Reliance Jio" },
    Net { prefix: "106.200", country: "IN", asn: 0, kind: Residential, note: "Airtel" },
    Net { prefix: "177.40", country: "BR", asn: 18881, kind: Residential, note: "Brazilian ISP" },
    Net { prefix: "189.60", country: "BR", asn: 28573, kind: Residential, note: "Brazilian ISP" },
    Net { prefix: "187.150", country: "MX", asn: 8151, kind: Residential, note: "Mexican ISP" },
    Net { prefix: "121.130", country: "KR", asn: 4766, kind: Residential, note: "Korean ISP" },
    Net { prefix: "175.200", country: "KR", asn: 0, kind: Residential, note: "Korean ISP" },
    Net { prefix: "116.200", country: "KR", asn: 4766, kind: Residential, note: "Korean ISP" },
    Net { prefix: "60.100", country: "JP", asn: 17676, kind: Residential, note: "Japanese ISP" },
    Net { prefix: "126.200", country: "JP", asn: 17676, kind: Residential, note: "SoftBank" },
    Net { prefix: "99.230", country: "CA", asn: 812, kind: Residential, note: "Canadian ISP" },
    Net { prefix: "123.112", country: "CN", asn: 4808, kind: Residential, note: "China Unicom Beijing" },
    Net { prefix: "101.80", country: "CN", asn: 4812, kind: Residential, note: "China Telecom Shanghai" },
    Net { prefix: "113.108", country: "CN", asn: 4134, kind: Residential, note: "China Telecom Guangdong" },
    Net { prefix: "171.96", country: "TH", asn: 0, kind: Residential, note: "True Internet" },
    Net { prefix: "181.50", country: "CO", asn: 10620, kind: Residential, note: "Colombian ISP" },
    // Lines in the provinces bordering North Korea and the Russian Far East.
    Net { prefix: "42.84", country: "CN", asn: 4837, kind: Residential, note: "China Unicom Liaoning" },
    Net { prefix: "113.226", country: "CN", asn: 4837, kind: Residential, note: "China Unicom Liaoning (Shenyang)" },
    Net { prefix: "60.18", country: "CN", asn: 4837, kind: Residential, note: "China Unicom Liaoning" },
    Net { prefix: "175.170", country: "CN", asn: 4837, kind: Residential, note: "China Unicom Liaoning (Dandong)" },
    Net { prefix: "2.62", country: "RU", asn: 12389, kind: Residential, note: "Rostelecom" },
    Net { prefix: "188.162", country: "RU", asn: 31133, kind: Residential, note: "MegaFon" },
    // Cloud and hosting.
    Net { prefix: "3.80", country: "US", asn: 14618, kind: Cloud, note: "Amazon Web Services" },
    Net { prefix: "34.82", country: "US", asn: 396982, kind: Cloud, note: "Google Cloud" },
    Net { prefix: "88.198", country: "DE", asn: 24940, kind: Cloud, note: "Hetzner" },
    Net { prefix: "138.68.100", country: "", asn: 14061, kind: Cloud, note: "DigitalOcean" },
    // Commercial VPN exits: their users share the exit addresses.
    Net { prefix: "5.157.139", country: "", asn: 9009, kind: Vpn, note: "M247" },
    Net { prefix: "2.56.150", country: "", asn: 212238, kind: Vpn, note: "Datacamp (AS212238)" },
    Net { prefix: "37.19.194", country: "", asn: 60068, kind: Vpn, note: "Datacamp (AS60068)" },
    Net { prefix: "45.85.106", country: "", asn: 39351, kind: Vpn, note: "31173 Services (Mullvad)" },
    Net { prefix: "185.159.157", country: "", asn: 209103, kind: Vpn, note: "Proton AG" },
    Net { prefix: "45.155.41", country: "", asn: 207137, kind: Vpn, note: "PacketHub (NordVPN)" },
    Net { prefix: "5.180.63", country: "", asn: 136787, kind: Vpn, note: "PacketHub (NordVPN)" },
    Net { prefix: "5.1.46", country: "", asn: 62240, kind: Vpn, note: "Clouvider" },
];

fn net(prefix: &str) -> &'static Net {
    NETS.iter()
        .find(|n| n.prefix == prefix)
        .unwrap_or_else(|| panic!("{prefix} is not in NETS"))
}

// ---------------------------------------------------------------------------------------------
// Countries.
// ---------------------------------------------------------------------------------------------

struct Place {
    region: &'static str,
    city: &'static str,
    postal: &'static str,
    tz: &'static str,
    street: &'static str,
}

#[derive(Clone, Copy)]
enum Bank {
    /// Account and ABA routing number.
    Us,
    /// An IBAN: bank-code template (`9` a digit, `A` a letter) then the account digits.
    Iban(&'static str, &'static str),
    /// A domestic account number at one of the named banks.
    Domestic(&'static [&'static str]),
}

struct Nation {
    code: &'static str,
    icao: &'static str,
    doc_prefix: &'static str,
    phone: &'static str,
    lang: &'static str,
    places: &'static [Place],
    nets: &'static [&'static str],
    bank: Bank,
    bank_names: &'static [&'static str],
}

macro_rules! place {
    ($r:expr, $c:expr, $p:expr, $tz:expr, $s:expr) => {
        Place {
            region: $r,
            city: $c,
            postal: $p,
            tz: $tz,
            street: $s,
        }
    };
}

static US: Nation = Nation {
    code: "US",
    icao: "USA",
    doc_prefix: "A",
    phone: "+1",
    lang: "en-US,en;q=0.9",
    places: &[
        place!(
            "NY",
            "New York",
            "10027",
            "America/New_York",
            "Amsterdam Ave"
        ),
        place!("IL", "Chicago", "60614", "America/Chicago", "N Halsted St"),
        place!("TX", "Austin", "78701", "America/Chicago", "Congress Ave"),
        place!(
            "CA",
            "San Francisco",
            "94110",
            "America/Los_Angeles",
            "Valencia St"
        ),
        place!(
            "CA",
            "Los Angeles",
            "90026",
            "America/Los_Angeles",
            "Sunset Blvd"
        ),
        place!(
            "WA",
            "Seattle",
            "98103",
            "America/Los_Angeles",
            "Fremont Ave N"
        ),
        place!("CO", "Denver", "80205", "America/Denver", "Welton St"),
        place!(
            "GA",
            "Atlanta",
            "30308",
            "America/New_York",
            "Peachtree St NE"
        ),
        place!("MA", "Boston", "02118", "America/New_York", "Tremont St"),
        place!("NJ", "Fort Lee", "07024", "America/New_York", "Main St"),
        place!(
            "VA",
            "Annandale",
            "22003",
            "America/New_York",
            "Little River Tpke"
        ),
    ],
    nets: &["73.44", "98.207", "76.102", "71.175", "24.14"],
    bank: Bank::Us,
    bank_names: &[
        "JPMorgan Chase",
        "Bank of America",
        "Wells Fargo",
        "Capital One",
    ],
};

static DE: Nation = Nation {
    code: "DE",
    icao: "D",
    doc_prefix: "C",
    phone: "+49",
    lang: "de-DE,de;q=0.9,en;q=0.8",
    places: &[
        place!("BE", "Berlin", "10115", "Europe/Berlin", "Invalidenstraße"),
        place!(
            "BY",
            "München",
            "80331",
            "Europe/Berlin",
            "Sendlinger Straße"
        ),
        place!(
            "HH",
            "Hamburg",
            "20095",
            "Europe/Berlin",
            "Mönckebergstraße"
        ),
        place!("NW", "Köln", "50667", "Europe/Berlin", "Hohe Straße"),
    ],
    nets: &["79.200", "91.40", "84.150"],
    bank: Bank::Iban("99999999", "9999999999"),
    bank_names: &["Deutsche Bank", "Commerzbank", "Sparkasse"],
};

static FR: Nation = Nation {
    code: "FR",
    icao: "FRA",
    doc_prefix: "18FR",
    phone: "+33",
    lang: "fr-FR,fr;q=0.9,en;q=0.7",
    places: &[
        place!("IDF", "Paris", "75011", "Europe/Paris", "rue Oberkampf"),
        place!("ARA", "Lyon", "69003", "Europe/Paris", "cours Gambetta"),
        place!(
            "OCC",
            "Toulouse",
            "31000",
            "Europe/Paris",
            "rue d'Alsace-Lorraine"
        ),
    ],
    nets: &["90.30", "86.200"],
    bank: Bank::Iban("9999999999", "9999999999999"),
    bank_names: &["BNP Paribas", "Crédit Agricole", "Société Générale"],
};

static GB: Nation = Nation {
    code: "GB",
    icao: "GBR",
    doc_prefix: "5",
    phone: "+44",
    lang: "en-GB,en;q=0.9",
    places: &[
        place!(
            "England",
            "London",
            "E1 6AN",
            "Europe/London",
            "Commercial Street"
        ),
        place!(
            "England",
            "Manchester",
            "M1 1AE",
            "Europe/London",
            "Oldham Street"
        ),
        place!(
            "Scotland",
            "Edinburgh",
            "EH1 1YZ",
            "Europe/London",
            "Leith Walk"
        ),
    ],
    nets: &["86.150", "81.100"],
    bank: Bank::Iban("AAAA999999", "99999999"),
    bank_names: &["Barclays", "HSBC UK", "Lloyds Bank"],
};

static ES: Nation = Nation {
    code: "ES",
    icao: "ESP",
    doc_prefix: "PA",
    phone: "+34",
    lang: "es-ES,es;q=0.9,en;q=0.7",
    places: &[
        place!(
            "MD",
            "Madrid",
            "28004",
            "Europe/Madrid",
            "Calle de Fuencarral"
        ),
        place!(
            "CT",
            "Barcelona",
            "08001",
            "Europe/Madrid",
            "Carrer de Mallorca"
        ),
        place!(
            "VC",
            "Valencia",
            "46001",
            "Europe/Madrid",
            "Carrer de Colón"
        ),
    ],
    nets: &["83.40", "88.10"],
    bank: Bank::Iban("99999999", "999999999999"),
    bank_names: &["Banco Santander", "BBVA", "CaixaBank"],
};

static PT: Nation = Nation {
    code: "PT",
    icao: "PRT",
    doc_prefix: "CB",
    phone: "+351",
    lang: "pt-PT,pt;q=0.9,en;q=0.7",
    places: &[
        place!(
            "Lisboa",
            "Lisboa",
            "1100-148",
            "Europe/Lisbon",
            "Rua Augusta"
        ),
        place!(
            "Porto",
            "Porto",
            "4000-322",
            "Europe/Lisbon",
            "Rua de Santa Catarina"
        ),
    ],
    nets: &["85.240", "89.180"],
    bank: Bank::Iban("99999999", "9999999999999"),
    bank_names: &["Millennium bcp", "Caixa Geral de Depósitos"],
};

static IN: Nation = Nation {
    code: "IN",
    icao: "IND",
    doc_prefix: "P",
    phone: "+91",
    lang: "en-IN,en;q=0.9,hi;q=0.8",
    places: &[
        place!("KA", "Bengaluru", "560001", "Asia/Kolkata", "MG Road"),
        place!("MH", "Pune", "411001", "Asia/Kolkata", "FC Road"),
        place!(
            "TG",
            "Hyderabad",
            "500001",
            "Asia/Kolkata",
            "Banjara Hills Road"
        ),
    ],
    nets: &["49.36", "106.200"],
    bank: Bank::Domestic(&["HDFC Bank", "ICICI Bank", "State Bank of India"]),
    bank_names: &[],
};

static BR: Nation = Nation {
    code: "BR",
    icao: "BRA",
    doc_prefix: "FB",
    phone: "+55",
    lang: "pt-BR,pt;q=0.9,en;q=0.7",
    places: &[
        place!(
            "SP",
            "São Paulo",
            "01310-100",
            "America/Sao_Paulo",
            "Avenida Paulista"
        ),
        place!(
            "MG",
            "Belo Horizonte",
            "30130-010",
            "America/Sao_Paulo",
            "Rua da Bahia"
        ),
    ],
    nets: &["177.40", "189.60"],
    bank: Bank::Domestic(&["Itaú Unibanco", "Banco do Brasil", "Nubank"]),
    bank_names: &[],
};

static KR: Nation = Nation {
    code: "KR",
    icao: "KOR",
    doc_prefix: "M",
    phone: "+82",
    lang: "ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7",
    places: &[
        place!("11", "Seoul", "06236", "Asia/Seoul", "Teheran-ro"),
        place!("41", "Seongnam", "13494", "Asia/Seoul", "Pangyoyeok-ro"),
        place!("26", "Busan", "48058", "Asia/Seoul", "Haeundae-ro"),
        place!("28", "Incheon", "21999", "Asia/Seoul", "Songdo-dong"),
    ],
    nets: &["121.130", "175.200", "116.200"],
    bank: Bank::Domestic(&["KB Kookmin Bank", "Shinhan Bank", "Woori Bank", "KakaoBank"]),
    bank_names: &[],
};

static CN: Nation = Nation {
    code: "CN",
    icao: "CHN",
    doc_prefix: "E",
    phone: "+86",
    lang: "zh-CN,zh;q=0.9,en;q=0.6",
    places: &[
        place!(
            "BJ",
            "Beijing",
            "100080",
            "Asia/Shanghai",
            "Zhongguancun Street"
        ),
        place!(
            "SH",
            "Shanghai",
            "200120",
            "Asia/Shanghai",
            "Century Avenue"
        ),
        place!("GD", "Shenzhen", "518057", "Asia/Shanghai", "Keyuan Road"),
        place!("ZJ", "Hangzhou", "310012", "Asia/Shanghai", "Wensan Road"),
        place!(
            "LN",
            "Shenyang",
            "110004",
            "Asia/Shanghai",
            "Qingnian Street"
        ),
    ],
    nets: &["123.112", "101.80", "113.108"],
    bank: Bank::Domestic(&[
        "Industrial and Commercial Bank of China",
        "China Merchants Bank",
        "Bank of China",
    ]),
    bank_names: &[],
};

// ---------------------------------------------------------------------------------------------
// Names.
// ---------------------------------------------------------------------------------------------

const WESTERN_M: &[&str] = &[
    "James", "Michael", "David", "Daniel", "Ryan", "Kevin", "Thomas", "Andrew", "Nathan", "Samuel",
];
const WESTERN_F: &[&str] = &[
    "Emily", "Sarah", "Jessica", "Rachel", "Hannah", "Olivia", "Grace", "Megan", "Laura", "Natalie",
];
const WESTERN_S: &[&str] = &[
    "Carter", "Miller", "Bennett", "Foster", "Hughes", "Sullivan", "Reed", "Coleman", "Porter",
    "Fletcher", "Hayes", "Morgan",
];
const GERMAN: (&[&str], &[&str]) = (
    &[
        "Lukas", "Felix", "Jonas", "Tobias", "Anna", "Lena", "Julia", "Miriam",
    ],
    &[
        "Müller",
        "Schneider",
        "Fischer",
        "Weber",
        "Wagner",
        "Becker",
        "Hoffmann",
        "Schröder",
    ],
);
const FRENCH: (&[&str], &[&str]) = (
    &[
        "Lucas", "Hugo", "Antoine", "Julien", "Camille", "Chloé", "Manon", "Pauline",
    ],
    &[
        "Dubois", "Durand", "Lefebvre", "Moreau", "Girard", "Fontaine", "Mercier", "Rousseau",
    ],
);
const SPANISH: (&[&str], &[&str]) = (
    &["Pablo", "Javier", "Sergio", "Lucía", "Carmen", "Elena"],
    &[
        "Navarro", "Molina", "Castillo", "Iglesias", "Ortega", "Vidal",
    ],
);
const PORTUGUESE: (&[&str], &[&str]) = (
    &["João", "Tiago", "Rafael", "Beatriz", "Inês", "Mariana"],
    &[
        "Ferreira",
        "Carvalho",
        "Teixeira",
        "Moreira",
        "Sousa",
        "Gonçalves",
    ],
);
const INDIAN: (&[&str], &[&str]) = (
    &[
        "Arjun", "Rohan", "Vikram", "Karthik", "Priya", "Ananya", "Divya", "Sneha",
    ],
    &[
        "Sharma", "Iyer", "Reddy", "Nair", "Patel", "Gupta", "Menon", "Kulkarni",
    ],
);
const BRAZILIAN: (&[&str], &[&str]) = (
    &[
        "Thiago", "Felipe", "Gustavo", "Camila", "Larissa", "Fernanda",
    ],
    &[
        "Oliveira",
        "Almeida",
        "Ribeiro",
        "Barbosa",
        "Cardoso",
        "Nascimento",
    ],
);

/// South Korean spellings (Revised Romanization and common passport spellings), with Hangul.
const KOREAN_SURNAMES: &[(&str, &str)] = &[
    ("Kim", "김"),
    ("Lee", "이"),
    ("Park", "박"),
    ("Choi", "최"),
    ("Jung", "정"),
    ("Kang", "강"),
    ("Cho", "조"),
    ("Yoon", "윤"),
    ("Jang", "장"),
    ("Lim", "임"),
    ("Han", "한"),
    ("Shin", "신"),
    ("Kwon", "권"),
    ("Hwang", "황"),
    ("Ahn", "안"),
    ("Song", "송"),
    ("Hong", "홍"),
    ("Oh", "오"),
];
const KOREAN_GIVEN_M: &[(&str, &str)] = &[
    ("Min-jun", "민준"),
    ("Seo-jun", "서준"),
    ("Ji-ho", "지호"),
    ("Hyun-woo", "현우"),
    ("Sung-min", "성민"),
    ("Dong-hyun", "동현"),
    ("Young-chul", "영철"),
    ("Sung-il", "성일"),
    ("Jin-hyuk", "진혁"),
    ("Kwang-ho", "광호"),
    ("Sang-woo", "상우"),
    ("Jae-won", "재원"),
    ("Tae-yang", "태양"),
    ("Chul-soo", "철수"),
    ("Myung-ho", "명호"),
];
const KOREAN_GIVEN_F: &[(&str, &str)] = &[
    ("Seo-yeon", "서연"),
    ("Ji-woo", "지우"),
    ("Ha-eun", "하은"),
    ("Ji-yeon", "지연"),
    ("Eun-ji", "은지"),
    ("Hye-jin", "혜진"),
    ("Yoo-na", "유나"),
    ("Min-seo", "민서"),
    ("Su-bin", "수빈"),
    ("Ji-hye", "지혜"),
    ("Mi-kyung", "미경"),
    ("Soo-jin", "수진"),
];
const CHINESE_SURNAMES: &[(&str, &str)] = &[
    ("Wang", "王"),
    ("Li", "李"),
    ("Zhang", "张"),
    ("Liu", "刘"),
    ("Chen", "陈"),
    ("Yang", "杨"),
    ("Huang", "黄"),
    ("Zhao", "赵"),
    ("Wu", "吴"),
    ("Zhou", "周"),
    ("Xu", "徐"),
    ("Sun", "孙"),
    ("Ma", "马"),
    ("Zhu", "朱"),
    ("Hu", "胡"),
    ("Guo", "郭"),
    ("Lin", "林"),
    ("He", "何"),
    ("Feng", "冯"),
    ("Gao", "高"),
];
const CHINESE_GIVEN_M: &[(&str, &str)] = &[
    ("Wei", "伟"),
    ("Xiaoming", "晓明"),
    ("Hao", "浩"),
    ("Lei", "磊"),
    ("Tao", "涛"),
    ("Jun", "俊"),
    ("Jie", "杰"),
    ("Yang", "阳"),
    ("Haoran", "浩然"),
    ("Zhiwei", "志伟"),
    ("Bo", "博"),
    ("Peng", "鹏"),
];
const CHINESE_GIVEN_F: &[(&str, &str)] = &[
    ("Jing", "静"),
    ("Fang", "芳"),
    ("Min", "敏"),
    ("Yan", "燕"),
    ("Xiaoling", "晓玲"),
    ("Hui", "慧"),
    ("Xin", "欣"),
    ("Yue", "悦"),
    ("Ying", "颖"),
    ("Lan", "兰"),
    ("Na", "娜"),
    ("Qian", "倩"),
];

/// Listed DPRK persons with a birth date: (surname, given names as listed, birth date, source).
/// Copied from the OFAC SDN snapshot (DPRK programmes) and the UN consolidated list (`KPi`).
#[rustfmt::skip]
const LISTED_WITH_DOB: &[(&str, &str, &str, &str)] = &[
    ("Kim", "Yong Chol", "1962-02-18", "OFAC 17614 / UN KPi.024"),
    ("Jang", "Yong Son", "1957-02-20", "OFAC 17615 / UN KPi.017"),
    ("Ryu", "Jin", "1965-08-07", "OFAC 17616 / UN KPi.027"),
    ("Kim", "Kwang Chun", "1967-04-20", "OFAC 17617"),
    ("Kim", "Kwang Yon", "1966-07-30", "OFAC 17618"),
    ("Jang", "Song Chol", "1967-03-12", "OFAC 17620 / UN KPi.056"),
    ("Kim", "Sok Chol", "1955-05-08", "OFAC 17622 / UN KPi.036"),
    ("Kang", "Ryong", "1968-08-21", "OFAC 17627 / UN KPi.020"),
    ("Kim", "Kwang Hyok", "1970-04-20", "OFAC 18848"),
    ("Ri", "Song Chol", "1959-08-15", "OFAC 20121"),
    ("Jo", "Yong Chol", "1973-09-30", "OFAC 19610 / UN KPi.034"),
    ("Kim", "Yong Su", "1969-02-09", "OFAC 21743"),
    ("Kim", "Mun Chol", "1957-03-25", "OFAC 21745 / UN KPi.060"),
    ("Kim", "Su-Kwang", "1976-08-18", "OFAC 22286"),
    ("Pae", "Won Uk", "1969-08-22", "OFAC 22987 / UN KPi.072"),
    ("Kim", "Kwang Il", "1969-09-01", "UN KPi.009"),
    ("Jang", "Bom Su", "1957-04-15", "UN KPi.016"),
    ("Jon", "Myong Guk", "1976-10-18", "UN KPi.018"),
    ("Kang", "Mun Kil", "1963-02-09", "UN KPi.019"),
    ("Ko", "Tae Hun", "1972-05-25", "UN KPi.025"),
    ("Kim", "Song Chol", "1968-03-26", "UN KPi.030"),
    ("Son", "Jong Hyok", "1980-05-20", "UN KPi.031"),
    ("Kim", "Se Gon", "1969-11-13", "UN KPi.032"),
    ("Kim", "Chol Sam", "1971-03-11", "UN KPi.035"),
    ("Han", "Jang Su", "1969-11-07", "UN KPi.055"),
    ("Jang", "Sung Nam", "1970-07-14", "UN KPi.057"),
    ("Jo", "Chol Song", "1984-09-25", "UN KPi.058"),
    ("Kang", "Chol Su", "1969-02-13", "UN KPi.059"),
    ("Kim", "Kyong Il", "1979-08-01", "UN KPi.067"),
    ("Kim", "Tong Chol", "1966-01-27", "UN KPi.068"),
    ("Ko", "Chol Man", "1967-09-30", "UN KPi.069"),
    ("Pak", "Bong Nam", "1969-05-06", "UN KPi.073"),
    ("Ri", "Song Hyok", "1965-03-19", "UN KPi.077"),
    ("Mun", "Kyong Hwan", "1967-08-22", "UN KPi.071"),
    ("Chu", "Hyok", "1986-11-22", "UN KPi.065"),
    ("Choe", "Sok Min", "1978-07-25", "UN KPi.064"),
];

/// Hangul spellings of some listed names, for namesakes who also give their name in Hangul.
fn hangul_of(surname: &str, given: &str) -> Option<&'static str> {
    Some(match (surname, given) {
        ("Kim", "Yong Chol") => "김영철",
        ("Ryu", "Jin") => "류진",
        ("Kim", "Kwang Hyok") => "김광혁",
        ("Ri", "Song Chol") => "리성철",
        ("Kim", "Yong Su") => "김용수",
        ("Kim", "Kwang Il") => "김광일",
        ("Kim", "Song Chol") => "김성철",
        ("Son", "Jong Hyok") => "손정혁",
        ("Kim", "Kyong Il") => "김경일",
        ("Ri", "Song Hyok") => "리성혁",
        ("Han", "Chol Man") => "한철만",
        ("Ri", "Jin Hyok") => "리진혁",
        _ => return None,
    })
}

/// Curated `VETGATE-DPRK-IT` persons listed with North Korean nationality and no birth date.
#[rustfmt::skip]
const CURATED_KP_ONLY: &[(&str, &str, &str)] = &[
    ("Kim", "Ung Sun", "DPRK-IT-0040"),
    ("Ri", "Jin Hyok", "DPRK-IT-0052"),
    ("Han", "Chol Man", "DPRK-IT-0016"),
    ("Jang", "Kuk Chol", "DPRK-IT-0046"),
    ("Ho", "Yong Chol", "DPRK-IT-0048"),
    ("Jong", "Song Ho", "DPRK-IT-0018"),
    ("Ri", "Tong Hyok", "DPRK-IT-0015"),
    ("Han", "Hong Gil", "DPRK-IT-0049"),
];

/// Curated persons listing neither birth date nor nationality: (surname, given, Han, id).
#[rustfmt::skip]
const CURATED_NOTHING_TO_COMPARE: &[(&str, &str, Option<&str>, &str)] = &[
    ("Zhang", "Jian", Some("张健"), "DPRK-IT-0021"),
    ("Lu", "Huaying", Some("陆华英"), "DPRK-IT-0020"),
    ("Wu", "Huihui", Some("吴慧慧"), "DPRK-IT-0005"),
    ("Kim", "Se Un", None, "DPRK-IT-0036"),
    ("Jo", "Kyong Hun", None, "DPRK-IT-0037"),
    ("Yun", "Song Guk", None, "DPRK-IT-0058"),
    ("Myong", "Chol Min", None, "DPRK-IT-0038"),
    ("Cheng", "Hung Man", None, "DPRK-IT-0006"),
];

/// Names sharing part of a listed name, or its given-name syllables in the other order:
/// (full name, Hangul or Han, the listed name it resembles, nationality).
#[rustfmt::skip]
const PARTIAL_NAMES: &[(&str, Option<&str>, &str, &str)] = &[
    ("Kim Song", Some("김송"), "Kim Song Il (DPRK-WATCH-0001)", "KR"),
    ("Song Kim", None, "Kim Song Il (DPRK-WATCH-0001)", "US"),
    ("Min-chol Kim", Some("김민철"), "Kim Chol Min (DPRK-WATCH-0022), syllables swapped", "KR"),
    ("Kim Min Chol", None, "Kim Chol Min (DPRK-WATCH-0022), syllables swapped", "US"),
    ("Min Chol Myong", None, "MYONG Chol Min (DPRK-IT-0038), syllables swapped", "KR"),
    ("Yoo-jin Park", Some("박유진"), "RYU Jin (OFAC 17616)", "KR"),
    ("Yoojin Lee", None, "RYU Jin (OFAC 17616)", "US"),
    ("Ryu Jin-ho", Some("류진호"), "RYU Jin (OFAC 17616)", "KR"),
    ("Yong-su Park", Some("박용수"), "U Yong Su (DPRK-IT-0044)", "KR"),
    ("Yongzhe Liu", Some("刘永哲"), "Yongzhe Xu (DPRK-WATCH-0040)", "CN"),
    ("Song-il Lee", Some("이성일"), "Yun Song Il (DPRK-WATCH-0004)", "KR"),
    ("Kwang-jin Park", Some("박광진"), "Kim Kwang Jin (DPRK-WATCH-0031)", "KR"),
    ("Chol-man Kang", None, "HAN Chol Man (DPRK-IT-0016)", "US"),
    ("Tae-bok Lee", Some("이태복"), "Kang Tae Bok (DPRK-WATCH-0032)", "KR"),
    ("Jin-song Kim", Some("김진송"), "Pak Jin-Song (DPRK-WATCH-0027)", "KR"),
    ("Se-un Park", Some("박세운"), "KIM Se Un (DPRK-IT-0036)", "KR"),
    ("Sang-min Kim", Some("김상민"), "KIM Sang Man (DPRK-IT-0008)", "KR"),
    ("Kyong-sik Kim", None, "SON Kyong Sik (DPRK-IT-0028)", "US"),
    ("Hyon-sop Lee", None, "SIM Hyon Sop (DPRK-IT-0004)", "US"),
    ("Jian Wang", Some("王健"), "ZHANG Jian (DPRK-IT-0021)", "CN"),
    ("Huaying Chen", Some("陈华英"), "LU Huaying (DPRK-IT-0020)", "CN"),
    ("Hui Wu", Some("吴慧"), "WU Huihui (DPRK-IT-0005)", "CN"),
    ("Baoyu Li", Some("李宝玉"), "Baoyu Zhou (DPRK-WATCH-0038)", "CN"),
    ("Zhenxing Li", Some("李振兴"), "Zhenxing Wang (DPRK-WATCH-0035)", "CN"),
    ("Yuze Zhang", Some("张雨泽"), "Tong Yuze (DPRK-WATCH-0039)", "CN"),
    ("Ziyou Chen", Some("陈子由"), "Ziyou Yuan (DPRK-WATCH-0041)", "CN"),
    ("Kuk-chol Lee", None, "JANG Kuk Chol (DPRK-IT-0046)", "US"),
    ("Un-chol Park", None, "Son Un Chol (DPRK-WATCH-0011)", "US"),
    ("Chun Choi", None, "CHOE Chun Pom (DPRK-IT-0051)", "US"),
    ("Hong Han", Some("한홍"), "HAN Hong Gil (DPRK-IT-0049)", "KR"),
];

/// Listed crypto addresses (OFAC SDN digital-currency features, curated rows).
#[rustfmt::skip]
const LISTED_ADDRESSES: &[(&str, &str)] = &[
    ("0x97b1043abd9e6fc31681635166d430a458d14f9c", "KIM Sang Man"),
    ("0xb6f5ec1a0a9cd1526536d3f0426c429529471f40", "KIM Sang Man"),
    ("0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270c", "SIM Hyon Sop"),
    ("0xd04e33461fea8302c5e1e13895b60cee8aefda7f", "SIM Hyon Sop"),
    ("0x76ea76ca4eb727f18956ab93445a94c5280412b9", "SIM Hyon Sop"),
    ("0xb637f84b66876ebf609c2a4208905f9ddac9d075", "YUN Song Guk"),
    ("0x95584c303fcd48af5c6b9873015f2ad0ca84eae3", "YUN Song Guk"),
    ("0xcb74874f1e06fcf80a306e06e5379a44b488ba2d", "AMNOKGANG TECHNOLOGY DEVELOPMENT COMPANY"),
    ("0x0330070fd38ec3bb94f58fa55d40368271e9e54a", "AMNOKGANG TECHNOLOGY DEVELOPMENT COMPANY"),
    ("0x9be599d7867f5e1a2d7ec6db9710df2b98a15573", "AMNOKGANG TECHNOLOGY DEVELOPMENT COMPANY"),
];

/// Listed entities a facilitator might have the pay sent to.
const LISTED_ENTITIES: &[&str] = &[
    "Shenyang Geumpungri Network Technology Co., Ltd",
    "Green Alpine Trading, LLC",
    "Korea Sobaeksu Trading Company",
    "Chinyong Information Technology Cooperation Company",
    "Yanbian Silverstar Network Technology Co., Ltd.",
    "Volasys Silver Star",
    "Liaoning China Trade Industry Co., Ltd.",
    "Quangvietdnbg International Services Company Limited",
];

// ---------------------------------------------------------------------------------------------
// The generator.
// ---------------------------------------------------------------------------------------------

/// SplitMix64: small, fast, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn between(&mut self, low: i64, high: i64) -> i64 {
        low + self.below((high - low + 1) as u64) as i64
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    fn percent(&mut self, p: u64) -> bool {
        self.below(100) < p
    }
}

#[derive(Clone)]
struct Person {
    full_name: String,
    surname: String,
    given: String,
    other_names: Vec<String>,
    sex: &'static str,
}

#[derive(Clone)]
struct Session {
    ip: String,
    at: DateTime<Utc>,
    kind: &'static str,
    tz: String,
    lang: String,
    tools: Vec<&'static str>,
    webcam: Option<bool>,
    device: String,
}

struct App {
    external_ref: String,
    person: Person,
    dob: NaiveDate,
    nationality: &'static str,
    doc_icao: &'static str,
    doc_number: String,
    doc_surname: String,
    doc_given: String,
    doc_dob: NaiveDate,
    residence_country: &'static str,
    region: &'static str,
    city: &'static str,
    postal: Option<&'static str>,
    address_line: String,
    home_tz: &'static str,
    email: String,
    phone: String,
    sessions: Vec<Session>,
    payout: Value,
    shipping: Option<Value>,
    day: NaiveDate,
}

struct Gen {
    rng: Rng,
    serial: u64,
    next_host: HashMap<&'static str, u64>,
    /// The residential line of each laptop farm, drawn by its first member.
    farm_lines: HashMap<String, String>,
    /// When each farm's first member was first seen.
    farm_starts: HashMap<String, DateTime<Utc>>,
}

impl Gen {
    fn new(seed: u64) -> Gen {
        Gen {
            rng: Rng(seed),
            serial: 0,
            next_host: HashMap::new(),
            farm_lines: HashMap::new(),
            farm_starts: HashMap::new(),
        }
    }

    /// An address of `prefix` no other applicant gets (its own /24 for two-octet prefixes).
    fn ip(&mut self, prefix: &'static str) -> String {
        let n = net(prefix);
        let k = self.next_host.entry(n.prefix).or_insert(0);
        let i = *k;
        *k += 1;
        if n.kind == Vpn {
            // A VPN exit serves many customers at once.
            format!("{}.{}", n.prefix, 10 + i % 12)
        } else if n.prefix.split('.').count() == 2 {
            assert!(i < 250, "{prefix} has run out of /24s");
            format!("{}.{}.{}", n.prefix, 3 + i, 10 + self.rng.below(200))
        } else {
            assert!(i < 240, "{prefix} has run out of addresses");
            format!("{}.{}", n.prefix, 10 + i)
        }
    }

    fn korean(&mut self, sex: &'static str, given_first: bool) -> Person {
        let (s, sh) = *self.rng.pick(KOREAN_SURNAMES);
        let (g, gh) = *self.rng.pick(if sex == "M" {
            KOREAN_GIVEN_M
        } else {
            KOREAN_GIVEN_F
        });
        Person {
            full_name: if given_first {
                format!("{g} {s}")
            } else {
                format!("{s} {g}")
            },
            surname: s.into(),
            given: g.into(),
            other_names: vec![format!("{sh}{gh}")],
            sex,
        }
    }

    fn chinese(&mut self, sex: &'static str, given_first: bool) -> Person {
        let (s, sh) = *self.rng.pick(CHINESE_SURNAMES);
        let (g, gh) = *self.rng.pick(if sex == "M" {
            CHINESE_GIVEN_M
        } else {
            CHINESE_GIVEN_F
        });
        Person {
            full_name: if given_first {
                format!("{g} {s}")
            } else {
                format!("{s} {g}")
            },
            surname: s.into(),
            given: g.into(),
            other_names: vec![format!("{sh}{gh}")],
            sex,
        }
    }

    fn western(&mut self, nation: &Nation, sex: &'static str) -> Person {
        let (given, surname) = match nation.code {
            "DE" => (*self.rng.pick(GERMAN.0), *self.rng.pick(GERMAN.1)),
            "FR" => (*self.rng.pick(FRENCH.0), *self.rng.pick(FRENCH.1)),
            "ES" => (*self.rng.pick(SPANISH.0), *self.rng.pick(SPANISH.1)),
            "PT" => (*self.rng.pick(PORTUGUESE.0), *self.rng.pick(PORTUGUESE.1)),
            "IN" => (*self.rng.pick(INDIAN.0), *self.rng.pick(INDIAN.1)),
            "BR" => (*self.rng.pick(BRAZILIAN.0), *self.rng.pick(BRAZILIAN.1)),
            _ => (
                *self
                    .rng
                    .pick(if sex == "M" { WESTERN_M } else { WESTERN_F }),
                *self.rng.pick(WESTERN_S),
            ),
        };
        Person {
            full_name: format!("{given} {surname}"),
            surname: surname.into(),
            given: given.into(),
            other_names: Vec::new(),
            sex,
        }
    }

    fn named(surname: &str, given: &str, sex: &'static str, other: Option<&str>) -> Person {
        Person {
            full_name: format!("{given} {surname}"),
            surname: surname.into(),
            given: given.into(),
            other_names: other.map(|o| vec![o.to_owned()]).unwrap_or_default(),
            sex,
        }
    }

    fn sex(&mut self) -> &'static str {
        if self.rng.percent(50) { "M" } else { "F" }
    }

    /// An ordinary application of someone living in `nation` with its passport: sessions from a
    /// home line at local working hours, paid into their own account.
    fn base(&mut self, group: &str, nation: &'static Nation, person: Person) -> App {
        self.serial += 1;
        let serial = self.serial;
        let place = self.rng.pick(nation.places);
        let day = NaiveDate::from_ymd_opt(2026, 9, 1).expect("date")
            + Duration::days((serial * 13 % 75) as i64);
        let dob = NaiveDate::from_ymd_opt(1972, 1, 1).expect("date")
            + Duration::days(self.rng.between(0, 365 * 30));
        let handle = ascii(&format!("{}.{}", person.given, person.surname)).to_lowercase();
        let email = format!(
            "{handle}.{serial:04}@{}",
            self.rng.pick(&[
                "gmail.com",
                "outlook.com",
                "icloud.com",
                "proton.me",
                "yahoo.com"
            ])
        );
        let phone = format!(
            "{}{}{:07}",
            nation.phone,
            200 + serial % 700,
            1_000_000 + serial * 7919 % 8_999_999
        );
        let mut app = App {
            external_ref: format!("eval-{group}-{serial:04}"),
            dob,
            nationality: nation.code,
            doc_icao: nation.icao,
            doc_number: format!(
                "{}{:08}",
                nation.doc_prefix,
                10_000_000 + serial * 104_729 % 89_999_999
            ),
            doc_surname: ascii(&person.surname).to_uppercase(),
            doc_given: ascii_spaced(&person.given).to_uppercase(),
            doc_dob: dob,
            residence_country: nation.code,
            region: place.region,
            city: place.city,
            postal: Some(place.postal),
            address_line: format!("{} {}", self.rng.between(1, 240), place.street),
            home_tz: place.tz,
            email,
            phone,
            sessions: Vec::new(),
            payout: Value::Null,
            shipping: None,
            day,
            person,
        };
        app.payout = self.own_bank(&app, nation);
        let line = *self.rng.pick(nation.nets);
        let home = self.ip(line);
        self.home_sessions(&mut app, &home, place.tz, nation.lang);
        app
    }

    fn device(&mut self) -> String {
        format!(
            "dev-{:05}-{:012x}",
            self.serial,
            self.rng.next() & 0xffff_ffff_ffff
        )
    }

    /// Sign-up, document upload, an interview with the webcam on, and a work login, at local
    /// working hours.
    fn home_sessions(&mut self, app: &mut App, ip: &str, tz: &'static str, lang: &str) {
        let device = self.device();
        let plan = [
            ("signup", 0, 10),
            ("document_upload", 0, 11),
            ("interview", 3, 14),
            ("login", 5, 9),
        ];
        for (kind, d, h) in plan {
            let at = local(
                tz,
                app.day + Duration::days(d),
                h as u32,
                self.rng.below(50) as u32,
            );
            app.sessions.push(Session {
                ip: ip.into(),
                at,
                kind,
                tz: tz.into(),
                lang: lang.into(),
                tools: Vec::new(),
                webcam: (kind == "interview").then_some(true),
                device: device.clone(),
            });
        }
    }

    fn account_number(&mut self) -> String {
        format!(
            "{:04}{:08}",
            1000 + self.serial,
            self.rng.below(100_000_000)
        )
    }

    fn own_bank(&mut self, app: &App, nation: &Nation) -> Value {
        let holder = app.person.full_name.clone();
        match nation.bank {
            Bank::Us => json!({
                "method": "bank_transfer",
                "account_holder_name": holder,
                "account_number": self.account_number(),
                "routing_number": *self.rng.pick(&["071000013", "026009593", "121000248", "031176110"]),
                "bank_name": *self.rng.pick(nation.bank_names),
                "bank_country": nation.code,
            }),
            Bank::Iban(bank, account) => {
                let bban = format!("{}{}", self.fill(bank), self.fill(account));
                json!({
                    "method": "bank_transfer",
                    "account_holder_name": holder,
                    "iban": iban(nation.code, &bban),
                    "bank_name": *self.rng.pick(nation.bank_names),
                    "bank_country": nation.code,
                })
            }
            Bank::Domestic(banks) => json!({
                "method": "bank_transfer",
                "account_holder_name": holder,
                "account_number": self.account_number(),
                "bank_name": *self.rng.pick(banks),
                "bank_country": nation.code,
            }),
        }
    }

    /// `9` a digit, `A` an upper-case letter; the serial keeps accounts apart.
    fn fill(&mut self, template: &str) -> String {
        let serial = format!("{:04}", self.serial % 10_000);
        let mut s: Vec<char> = template
            .chars()
            .map(|c| match c {
                '9' => char::from(b'0' + self.rng.below(10) as u8),
                'A' => char::from(b'A' + self.rng.below(26) as u8),
                c => c,
            })
            .collect();
        // The last four digits are the serial.
        let n = s.len();
        if template.ends_with("9999") {
            for (k, c) in serial.chars().enumerate() {
                s[n - 4 + k] = c;
            }
        }
        s.into_iter().collect()
    }

    fn nation_of_ordinary(&mut self, i: usize) -> &'static Nation {
        [&US, &US, &DE, &FR, &GB, &ES, &IN, &BR, &US, &PT][i % 10]
    }

    fn case(&mut self, group: &str, i: usize) -> (String, Value) {
        let (why, app) = match group {
            "ordinary" => {
                let nation = self.nation_of_ordinary(i);
                let sex = self.sex();
                let p = self.western(nation, sex);
                let app = self.base(group, nation, p);
                (
                    format!(
                        "lives in {} with its passport, sessions from a home line",
                        nation.code
                    ),
                    app,
                )
            }
            "kr_home" => {
                let sex = self.sex();
                let p = self.korean(sex, i.is_multiple_of(3));
                let app = self.base(group, &KR, p);
                (
                    "South Korean at home: Hangul name, KR passport, Korean browser, Seoul clock"
                        .into(),
                    app,
                )
            }
            "cn_home" => {
                let p = match i {
                    0 => Self::named("Zhang", "Xiaoming", "M", Some("张晓明")),
                    1 => Self::named("Feng", "Jing", "F", Some("冯静")),
                    2 => Self::named("Wang", "Wei", "M", Some("王伟")),
                    _ => {
                        let sex = self.sex();
                        self.chinese(sex, i.is_multiple_of(4))
                    }
                };
                let mut app = self.base(group, &CN, p);
                // Chinese write the family name first.
                if i < 3 || !i.is_multiple_of(4) {
                    app.person.full_name = format!("{} {}", app.person.surname, app.person.given);
                    app.payout["account_holder_name"] = json!(app.person.full_name);
                }
                (
                    "Chinese national at home: Han name, CN passport, Chinese line, Shanghai clock"
                        .into(),
                    app,
                )
            }
            "korean_american" => {
                let sex = self.sex();
                let mut p = self.korean(sex, true);
                if i.is_multiple_of(3) {
                    // An English first name with the Korean one as a middle name.
                    let first = *self
                        .rng
                        .pick(if sex == "M" { WESTERN_M } else { WESTERN_F });
                    p.full_name = format!("{first} {} {}", p.given, p.surname);
                    p.given = format!("{first} {}", p.given);
                }
                if i % 2 == 1 {
                    p.other_names.clear();
                }
                let mut app = self.base(group, &US, p);
                app.payout["account_holder_name"] = json!(app.person.full_name);
                let korean_browser = i.is_multiple_of(4);
                if korean_browser {
                    set_lang(&mut app, KR.lang);
                }
                (
                    format!(
                        "US citizen of Korean descent{}",
                        if korean_browser {
                            ", Korean browser"
                        } else {
                            ""
                        }
                    ),
                    app,
                )
            }
            "chinese_american" => {
                let sex = self.sex();
                let mut p = self.chinese(sex, true);
                if i.is_multiple_of(3) {
                    let first = *self
                        .rng
                        .pick(if sex == "M" { WESTERN_M } else { WESTERN_F });
                    p.full_name = format!("{first} {}", p.surname);
                    p.given = first.into();
                }
                if i % 2 == 1 {
                    p.other_names.clear();
                }
                let mut app = self.base(group, &US, p);
                app.payout["account_holder_name"] = json!(app.person.full_name);
                let chinese_browser = i.is_multiple_of(4);
                if chinese_browser {
                    set_lang(&mut app, "zh-CN,zh;q=0.9,en-US;q=0.8");
                }
                (
                    format!(
                        "US citizen of Chinese descent{}",
                        if chinese_browser {
                            ", Chinese browser"
                        } else {
                            ""
                        }
                    ),
                    app,
                )
            }
            "namesake_contradicted" => self.namesake_contradicted(group, i),
            "namesake_no_dob_entry" => {
                let (s, g, han, id) =
                    CURATED_NOTHING_TO_COMPARE[i % CURATED_NOTHING_TO_COMPARE.len()];
                let chinese = han.is_some() || s == "Cheng";
                let sex = if matches!(g, "Huaying" | "Huihui") {
                    "F"
                } else {
                    "M"
                };
                let (nation, where_) = match (chinese, i % 3) {
                    (true, 0) | (true, 1) => (&CN, "Chinese national at home"),
                    (false, 0) | (false, 1) => (&KR, "South Korean at home"),
                    _ => (&US, "US citizen"),
                };
                let p = Self::named(s, g, sex, if nation.code == "KR" { None } else { han });
                let mut app = self.base(group, nation, p);
                if nation.code != "US" {
                    app.person.full_name = format!("{s} {g}");
                }
                let own = i.is_multiple_of(2);
                if own {
                    app.payout["account_holder_name"] = json!(app.person.full_name);
                } else {
                    app.payout = json!({"method": "payoneer", "account_holder_name": app.person.full_name, "provider_account_id": app.email});
                }
                (
                    format!(
                        "{where_} named like {id} ({s} {g}), which lists no birth date or nationality; paid into own {}",
                        if own {
                            "bank account"
                        } else {
                            "Payoneer account"
                        }
                    ),
                    app,
                )
            }
            "namesake_spouse_payout" => {
                let sex = self.sex();
                let (p, nation, spouse, entry) = if i.is_multiple_of(2) {
                    let (s, g, dob, src) = LISTED_WITH_DOB[(i * 7) % LISTED_WITH_DOB.len()];
                    let mut p = self.korean("F", true);
                    p.surname = s.into();
                    p.full_name = format!("{} {s}", p.given);
                    (
                        p,
                        if i.is_multiple_of(4) { &KR } else { &US },
                        format!("{g} {s}"),
                        format!("{src}, born {dob}; the spouse is not"),
                    )
                } else {
                    let (s, g, _, id) = CURATED_NOTHING_TO_COMPARE[(i / 2) % 3];
                    let p = self.chinese(sex, false);
                    (
                        p,
                        if i % 4 == 1 { &CN } else { &US },
                        format!("{s} {g}"),
                        format!("{id}, no birth date listed"),
                    )
                };
                let mut app = self.base(group, nation, p);
                app.payout["account_holder_name"] = json!(spouse);
                (
                    format!(
                        "paid into the spouse's account; the holder {spouse} is a namesake of {entry}"
                    ),
                    app,
                )
            }
            "partial_name" => {
                let (name, native, resembles, nat) = PARTIAL_NAMES[i % PARTIAL_NAMES.len()];
                let nation: &'static Nation = match nat {
                    "KR" => &KR,
                    "CN" => &CN,
                    _ => &US,
                };
                let (given, surname) = split_name(name, nat);
                let sex = self.sex();
                let mut p = Self::named(&surname, &given, sex, native);
                p.full_name = name.into();
                let app = self.base(group, nation, p);
                (format!("{name}: only part of {resembles}"), app)
            }
            "digital_nomad" => {
                let home: &'static Nation = if i % 3 == 2 { &DE } else { &US };
                let sex = self.sex();
                let p = self.western(home, sex);
                let mut app = self.base(group, home, p);
                let (abroad, tz, country) = *self.rng.pick(&[
                    ("85.240", "Europe/Lisbon", "PT"),
                    ("83.40", "Europe/Madrid", "ES"),
                    ("187.150", "America/Mexico_City", "MX"),
                    ("171.96", "Asia/Bangkok", "TH"),
                    ("181.50", "America/Bogota", "CO"),
                ]);
                let ip = self.ip(abroad);
                app.sessions.clear();
                let lang = if home.code == "US" { US.lang } else { DE.lang };
                self.home_sessions(&mut app, &ip, tz, lang);
                (
                    format!(
                        "lives in {}, works from a rented flat in {country} with the laptop clock on local time",
                        home.code
                    ),
                    app,
                )
            }
            "always_on_vpn" => {
                let home: &'static Nation = [&US, &US, &DE, &GB, &FR][i % 5];
                let sex = self.sex();
                let p = self.western(home, sex);
                let mut app = self.base(group, home, p);
                let exits = [
                    "5.157.139",
                    "2.56.150",
                    "37.19.194",
                    "45.85.106",
                    "185.159.157",
                    "45.155.41",
                    "5.180.63",
                    "5.1.46",
                ];
                // One provider; every third user also switches to a second one now and then.
                for (k, s) in app.sessions.iter_mut().enumerate() {
                    let provider = if i.is_multiple_of(3) && k % 2 == 1 {
                        i + 1
                    } else {
                        i
                    };
                    s.ip = self.ip(exits[provider % exits.len()]);
                }
                (
                    "privacy user: every session through a commercial VPN exit, clock at home"
                        .into(),
                    app,
                )
            }
            "night_owl" => {
                let home: &'static Nation = if i.is_multiple_of(2) {
                    &US
                } else {
                    [&DE, &GB, &FR][self.rng.below(3) as usize]
                };
                let sex = self.sex();
                let p = self.western(home, sex);
                let mut app = self.base(group, home, p);
                let tz = app.home_tz;
                for (k, s) in app.sessions.iter_mut().enumerate() {
                    let hour = [23u32, 0, 1, 2][k % 4];
                    let day = app.day + Duration::days(k as i64 * 2);
                    s.at = local(tz, day, hour, 10 + k as u32 * 7);
                }
                ("works at home between 23:00 and 03:00".into(), app)
            }
            "traveller" => {
                let home: &'static Nation = if i.is_multiple_of(2) { &US } else { &DE };
                let sex = self.sex();
                let p = self.western(home, sex);
                let mut app = self.base(group, home, p);
                let (abroad, tz, country) = *self.rng.pick(&[
                    ("60.100", "Asia/Tokyo", "JP"),
                    ("187.150", "America/Mexico_City", "MX"),
                    ("85.240", "Europe/Lisbon", "PT"),
                    ("86.150", "Europe/London", "GB"),
                    ("121.130", "Asia/Seoul", "KR"),
                ]);
                let ip = self.ip(abroad);
                // The interview is taken from the hotel, three days after sign-up.
                let s = &mut app.sessions[2];
                s.ip = ip;
                s.tz = tz.into();
                s.at = local(tz, app.day + Duration::days(3), 15, 0);
                (
                    format!(
                        "lives in {}, took the interview on a trip to {country}",
                        home.code
                    ),
                    app,
                )
            }
            "cloud_dev_box" => {
                let home: &'static Nation = [&US, &US, &DE, &IN, &GB][i % 5];
                let sex = self.sex();
                let p = self.western(home, sex);
                let mut app = self.base(group, home, p);
                let cloud = *self.rng.pick(&["3.80", "34.82", "88.198", "138.68.100"]);
                let ip = self.ip(cloud);
                app.sessions[3].ip = ip;
                app.sessions[3].kind = "work";
                (
                    format!(
                        "at home; one work session from a cloud machine ({})",
                        net(cloud).note
                    ),
                    app,
                )
            }
            "freelancer_company_or_wise" => {
                let home: &'static Nation = [&US, &DE, &GB, &IN, &ES][i % 5];
                let sex = self.sex();
                let p = self.western(home, sex);
                let mut app = self.base(group, home, p);
                if i.is_multiple_of(2) {
                    let company = match home.code {
                        "DE" => format!("{} Software GmbH", app.person.surname),
                        "GB" => format!("{} Consulting Ltd", app.person.surname),
                        "IN" => format!("{} Technologies Pvt Ltd", app.person.surname),
                        "ES" => format!("{} Desarrollo SL", app.person.surname),
                        _ => format!("{} Labs LLC", app.person.surname),
                    };
                    app.payout["account_holder_name"] = json!(company);
                    (
                        "paid through the applicant's own one-person company".into(),
                        app,
                    )
                } else {
                    app.payout = json!({"method": "wise", "account_holder_name": app.person.full_name, "provider_account_id": app.email});
                    ("paid through the applicant's own Wise account".into(), app)
                }
            }
            "listed_person_dob_agrees" => {
                let (s, g, dob, src) = LISTED_WITH_DOB[(i * 5) % LISTED_WITH_DOB.len()];
                let sex = "M";
                let p = Self::named(s, g, sex, None);
                let mut app = self.base(group, &US, p);
                let dob = NaiveDate::parse_from_str(dob, "%Y-%m-%d").expect("date");
                app.dob = dob;
                app.doc_dob = dob;
                if i.is_multiple_of(2) {
                    // A forged Japanese passport, as in the advisories' persona cases.
                    app.nationality = "JP";
                    app.doc_icao = "JPN";
                    app.payout = json!({"method": "payoneer", "account_holder_name": app.person.full_name, "provider_account_id": app.email});
                }
                (
                    format!("{g} {s}, born {dob} as {src} lists, claiming a US residence"),
                    app,
                )
            }
            "payout_listed" => {
                let sex = self.sex();
                let p = self.western(&US, sex);
                let mut app = self.base(group, &US, p);
                if i.is_multiple_of(2) {
                    let (address, owner) = LISTED_ADDRESSES[(i / 2) % LISTED_ADDRESSES.len()];
                    app.payout = json!({"method": "crypto", "crypto_asset": if i.is_multiple_of(4) { "ETH" } else { "USDT-ERC20" }, "crypto_address": address});
                    (format!("paid to an address OFAC lists for {owner}"), app)
                } else {
                    let entity = LISTED_ENTITIES[(i / 2) % LISTED_ENTITIES.len()];
                    app.payout = json!({
                        "method": "bank_transfer",
                        "account_holder_name": entity,
                        "account_number": self.account_number(),
                        "bank_name": "Bank of China",
                        "bank_country": "CN",
                    });
                    (format!("paid into an account held by {entity}"), app)
                }
            }
            "us_claim_border_ip" => {
                let sex = self.sex();
                let p = self.western(&US, sex);
                let mut app = self.base(group, &US, p);
                let russia = i % 4 == 3;
                let (prefix, tz) = if russia {
                    (*self.rng.pick(&["2.62", "188.162"]), "Asia/Vladivostok")
                } else {
                    (
                        *self.rng.pick(&["42.84", "113.226", "60.18", "175.170"]),
                        "Asia/Shanghai",
                    )
                };
                let ip = self.ip(prefix);
                let spoofed_clock = i.is_multiple_of(2);
                for s in app.sessions.iter_mut() {
                    s.ip = ip.clone();
                    if !spoofed_clock {
                        s.tz = tz.into();
                    }
                }
                (
                    format!(
                        "US identity, every session from {} with the clock {}",
                        net(prefix).note,
                        if spoofed_clock {
                            "set to the claimed US zone"
                        } else {
                            "on local time"
                        }
                    ),
                    app,
                )
            }
            "pyongyang_clock" => {
                let home: &'static Nation = if i.is_multiple_of(3) { &GB } else { &US };
                let sex = self.sex();
                let p = self.western(home, sex);
                let mut app = self.base(group, home, p);
                let behind_vpn = i.is_multiple_of(2);
                let exits = ["5.157.139", "37.19.194"];
                for (k, s) in app.sessions.iter_mut().enumerate() {
                    s.tz = "Asia/Pyongyang".into();
                    if behind_vpn {
                        s.ip = self.ip(exits[k % 2]);
                    }
                }
                (
                    format!(
                        "{} residence claimed, browser clock on Asia/Pyongyang{}",
                        home.code,
                        if behind_vpn { ", behind VPN exits" } else { "" }
                    ),
                    app,
                )
            }
            "utc8_office_day_vpn" => {
                let sex = self.sex();
                let p = self.western(&US, sex);
                let mut app = self.base(group, &US, p);
                let exits = [
                    "5.157.139",
                    "37.19.194",
                    "3.80",
                    "138.68.100",
                    "88.198",
                    "45.155.41",
                ];
                self.utc8_day(&mut app, 6);
                for (k, s) in app.sessions.iter_mut().enumerate() {
                    s.ip = self.ip(exits[(i + k) % exits.len()]);
                }
                ("US residence, six sessions only through VPN or hosting exits, all between 09:00 and 18:00 UTC+8".into(), app)
            }
            "laptop_farm_tools" => self.farm(group, i, 5, true),
            "laptop_farm_no_tools" => self.farm(group, i, 3, false),
            "shared_phone_weak" => {
                let sex = self.sex();
                let p = self.western(&US, sex);
                let mut app = self.base(group, &US, p);
                // Pairs: the second of a pair takes the first's phone number.
                let pair = i / 2;
                app.phone = format!("+1917555{:04}", 1200 + pair);
                let webcam = i.is_multiple_of(2);
                if webcam {
                    app.sessions[2].webcam = Some(false);
                } else {
                    self.utc8_day(&mut app, 5);
                }
                (
                    format!(
                        "shares a phone number with another identity (pair {pair}); {}",
                        if webcam {
                            "webcam off at the interview"
                        } else {
                            "works in the UTC+8 office day"
                        }
                    ),
                    app,
                )
            }
            "shipping_third_party" => {
                let sex = self.sex();
                let p = self.western(&US, sex);
                let mut app = self.base(group, &US, p);
                let (region, city, postal, street) = *self.rng.pick(&[
                    ("MD", "Bowie", "20715", "Excalibur Rd"),
                    ("AZ", "Litchfield Park", "85340", "W Indian School Rd"),
                    ("TN", "Nashville", "37211", "Nolensville Pike"),
                    ("MN", "Brooklyn Park", "55443", "Zane Ave N"),
                ]);
                // Facilitators' names share no surname with the applicants (a relative is ordinary).
                let recipient = *self.rng.pick(&[
                    "Janet Miles",
                    "Brenda Lowry",
                    "Gary Whitlock",
                    "Dana Pruitt",
                    "Marcus Boyle",
                    "Tina Delgado",
                ]);
                app.shipping = Some(json!({
                    "country": "US",
                    "region": region,
                    "city": city,
                    "postal_code": postal,
                    "address_line": format!("{} {street}", 100 + i),
                    "recipient_name": recipient,
                }));
                (
                    format!("laptop to go to {recipient} in {city}, {region}"),
                    app,
                )
            }
            "borrowed_identity" => {
                let sex = self.sex();
                let p = self.western(&US, sex);
                let mut app = self.base(group, &US, p);
                if i.is_multiple_of(2) {
                    let other = self.western(&US, sex);
                    app.doc_surname = ascii(&other.surname).to_uppercase();
                    app.doc_given = ascii(&other.given).to_uppercase();
                    app.sessions[2].webcam = Some(false);
                    ("the document belongs to someone else (another name); webcam off at the interview".into(), app)
                } else {
                    app.doc_dob = app.dob + Duration::days(365 * 7 + 40);
                    (
                        "the document's birth date is seven years from the declared one".into(),
                        app,
                    )
                }
            }
            "dprk_document" => {
                let sex = self.sex();
                let p = self.korean(sex, false);
                let mut app = self.base(group, if i.is_multiple_of(2) { &CN } else { &US }, p);
                app.doc_icao = "PRK";
                app.nationality = "KP";
                app.doc_number = format!("{:09}", 836_000_000 + self.serial);
                ("a North Korean passport".into(), app)
            }
            "stablecoin_tron_plus" => {
                let sex = self.sex();
                let p = self.western(&US, sex);
                let mut app = self.base(group, &US, p);
                app.payout = json!({"method": "crypto", "crypto_asset": "USDT-TRC20", "crypto_address": tron_address(self.serial)});
                let extra = match i % 4 {
                    0 => {
                        app.sessions[2].webcam = Some(false);
                        "webcam off at the interview"
                    }
                    1 => {
                        self.utc8_day(&mut app, 5);
                        "works in the UTC+8 office day"
                    }
                    2 => {
                        for (k, s) in app.sessions.iter_mut().enumerate() {
                            s.ip = self.ip(["2.56.150", "5.1.46"][k % 2]);
                        }
                        "every session through VPN exits"
                    }
                    _ => {
                        app.payout["crypto_asset"] = json!("USDT");
                        app.sessions[2].webcam = Some(false);
                        app.sessions[0].tools = vec!["anydesk"];
                        "webcam off and AnyDesk at sign-up"
                    }
                };
                (format!("paid in USDT on TRON; {extra}"), app)
            }
            other => panic!("no generator for group {other}"),
        };
        (why, render(&app))
    }

    /// Namesakes the entry's own data contradicts: a birth date decades away (OFAC, UN), or KR/US
    /// documents against a KP-only curated row.
    fn namesake_contradicted(&mut self, group: &str, i: usize) -> (String, App) {
        // Half the curated rows meet KR documents, half US ones.
        let use_curated = i % 4 >= 2;
        let (s, g, src, listed_dob) = if use_curated {
            let (s, g, id) = CURATED_KP_ONLY[(i / 4 * 2 + i % 2) % CURATED_KP_ONLY.len()];
            (s, g, id, None)
        } else {
            let (s, g, dob, src) = LISTED_WITH_DOB[i % LISTED_WITH_DOB.len()];
            (s, g, src, Some(dob))
        };
        let hangul = hangul_of(s, g);
        let korean = i.is_multiple_of(2);
        let nation: &'static Nation = if korean { &KR } else { &US };
        // Half write the name as listed, half with a South Korean spelling.
        let p = Self::named(s, &g.replace(' ', "-"), "M", hangul.filter(|_| korean));
        let mut app = self.base(group, nation, p);
        app.person.full_name = if i.is_multiple_of(3) {
            format!("{s} {g}")
        } else {
            format!("{} {s}", g.replace(' ', "-"))
        };
        app.payout["account_holder_name"] = json!(app.person.full_name);
        // Born 1988-2000: decades after every listed date.
        let dob = NaiveDate::from_ymd_opt(
            1988 + (i % 12) as i32,
            1 + (i % 12) as u32,
            3 + (i % 25) as u32,
        )
        .expect("date");
        app.dob = dob;
        app.doc_dob = dob;
        let why = match listed_dob {
            Some(listed) => format!(
                "{g} {s} born {dob}; {src} was born {listed}; {} documents",
                nation.code
            ),
            None => format!(
                "{g} {s} born {dob} with consistent {} documents; {src} lists only KP nationality",
                nation.code
            ),
        };
        (why, app)
    }

    /// `n` sessions on consecutive days, each between 09:00 and 18:00 in UTC+8 (night in the US).
    fn utc8_day(&mut self, app: &mut App, n: usize) {
        let template = app.sessions[0].clone();
        let kinds = [
            "signup",
            "document_upload",
            "interview",
            "login",
            "work",
            "work",
        ];
        app.sessions.clear();
        for k in 0..n {
            let mut s = template.clone();
            s.kind = kinds[k % kinds.len()];
            s.at = local(
                "Asia/Shanghai",
                app.day + Duration::days(k as i64),
                10 + (k as u32 * 2) % 8,
                5 * k as u32,
            );
            s.webcam = (s.kind == "interview").then_some(true);
            app.sessions.push(s);
        }
    }

    /// Members of a farm share the facilitator's residential line (and the tools, if any); each
    /// has its own name, document, e-mail, phone and account.
    fn farm(&mut self, group: &str, i: usize, size: usize, tools: bool) -> (String, App) {
        let farm = i / size;
        let sex = self.sex();
        let p = self.western(&US, sex);
        let mut app = self.base(group, &US, p);
        let key = if tools { "farm-tools" } else { "farm-plain" };
        let prefix = if tools { "76.102" } else { "71.175" };
        // One line per farm: the first member draws it, the others reuse it.
        let line = format!("{key}-{farm}");
        let ip = match self.farm_lines.get(&line) {
            Some(ip) => ip.clone(),
            None => {
                let ip = self.ip(prefix);
                self.farm_lines.insert(line, ip.clone());
                ip
            }
        };
        let tool = [
            "anydesk",
            "teamviewer",
            "rustdesk",
            "chrome_remote_desktop",
            "ip_kvm",
        ][farm % 5];
        // A farm works at once: its members are seen within days of each other (the residential
        // farm rule looks at one 30-day window).
        let first_seen = app.sessions.iter().map(|s| s.at).min().expect("sessions");
        let farm_start = *self
            .farm_starts
            .entry(format!("{key}-{farm}"))
            .or_insert(first_seen);
        // Whole days, so that each member keeps their own hours.
        let shift = Duration::days(
            (farm_start.date_naive() - first_seen.date_naive()).num_days() + 4 * (i % size) as i64,
        );
        for s in app.sessions.iter_mut() {
            s.ip = ip.clone();
            s.at += shift;
            if tools {
                s.tools = vec![tool];
            }
        }
        let why = if tools {
            format!(
                "member {} of farm {farm}: {size} identities on one residential line, {tool} on every session",
                i % size + 1
            )
        } else {
            format!(
                "member {} of farm {farm}: {size} identities on one residential line, no tools recorded",
                i % size + 1
            )
        };
        (why, app)
    }
}

fn set_lang(app: &mut App, lang: &str) {
    for s in app.sessions.iter_mut() {
        s.lang = lang.into();
    }
}

/// (given names, surname): Korean and Chinese nationals put a known family name first.
fn split_name(name: &str, nat: &str) -> (String, String) {
    let words: Vec<&str> = name.split_whitespace().collect();
    let family = |w: &str| {
        w == "Ryu"
            || KOREAN_SURNAMES.iter().any(|(s, _)| *s == w)
            || CHINESE_SURNAMES.iter().any(|(s, _)| *s == w)
    };
    if nat != "US" && words.len() == 2 && family(words[0]) {
        return (words[1].into(), words[0].into());
    }
    let (last, rest) = words.split_last().expect("a name");
    (rest.join(" "), (*last).into())
}

fn local(tz: &str, day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let zone: chrono_tz::Tz = tz.parse().expect("an IANA zone");
    let t = day.and_hms_opt(hour % 24, minute % 60, 0).expect("a time");
    zone.from_local_datetime(&t)
        .earliest()
        .unwrap_or_else(|| zone.from_utc_datetime(&t))
        .with_timezone(&Utc)
}

fn offset_minutes(tz: &str, at: DateTime<Utc>) -> i32 {
    let zone: chrono_tz::Tz = tz.parse().expect("an IANA zone");
    zone.offset_from_utc_datetime(&at.naive_utc())
        .fix()
        .local_minus_utc()
        / 60
}

fn ascii(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfd()
        .filter(|c| c.is_ascii_alphanumeric() || *c == ' ' || *c == '.')
        .collect::<String>()
        .replace(' ', "")
}

fn ascii_spaced(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfd()
        .map(|c| if c == '-' { ' ' } else { c })
        .filter(|c| c.is_ascii_alphanumeric() || *c == ' ')
        .collect()
}

/// `CC` + ISO 13616 check digits + BBAN.
fn iban(country: &str, bban: &str) -> String {
    let rearranged = format!("{bban}{country}00");
    let mut remainder = 0u32;
    for c in rearranged.chars() {
        let value = c.to_digit(36).expect("alphanumeric");
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    format!("{country}{:02}{bban}", 98 - remainder)
}

/// A well-formed TRON address (base58check, version 0x41) derived from `n`.
fn tron_address(n: u64) -> String {
    use sha2::{Digest, Sha256};
    let mut payload = vec![0x41u8];
    let body = Sha256::digest(format!("vetgate-eval-tron-{n}").as_bytes());
    payload.extend_from_slice(&body[..20]);
    let check = Sha256::digest(Sha256::digest(&payload));
    payload.extend_from_slice(&check[..4]);
    base58(&payload)
}

fn base58(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut digits: Vec<u8> = Vec::new();
    for &b in bytes {
        let mut carry = u32::from(b);
        for d in digits.iter_mut() {
            carry += u32::from(*d) << 8;
            *d = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let zeros = bytes.iter().take_while(|b| **b == 0).count();
    let mut out: String = std::iter::repeat_n('1', zeros).collect();
    out.extend(digits.iter().rev().map(|d| ALPHABET[*d as usize] as char));
    out
}

fn render(app: &App) -> Value {
    let submitted = app.sessions.iter().map(|s| s.at).max().expect("sessions") + Duration::hours(1);
    let sessions: Vec<Value> = app
        .sessions
        .iter()
        .map(|s| {
            let mut v = json!({
                "ip": s.ip,
                "observed_at": s.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                "kind": s.kind,
                "browser_timezone": s.tz,
                "utc_offset_minutes": offset_minutes(&s.tz, s.at),
                "accept_language": s.lang,
                "device_id": s.device,
            });
            if !s.tools.is_empty() {
                v["remote_access_tools"] = json!(s.tools);
            }
            if let Some(w) = s.webcam {
                v["webcam_enabled"] = json!(w);
            }
            v
        })
        .collect();
    let issued = submitted.date_naive() - Duration::days(900 + (app.doc_number.len() as i64 * 37));
    let mut residence = json!({
        "country": app.residence_country,
        "region": app.region,
        "city": app.city,
        "address_line": app.address_line,
        "timezone": app.home_tz,
    });
    if let Some(p) = app.postal {
        residence["postal_code"] = json!(p);
    }
    let mut applicant = json!({
        "full_name": app.person.full_name,
        "date_of_birth": app.dob.to_string(),
        "nationality": app.nationality,
        "email": app.email,
        "phone": app.phone,
        "residence": residence,
    });
    if !app.person.other_names.is_empty() {
        applicant["other_names"] = json!(app.person.other_names);
    }
    let mut out = json!({
        "external_ref": app.external_ref,
        "submitted_at": submitted.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "applicant": applicant,
        "identity_document": {
            "kind": "passport",
            "issuing_country": app.doc_icao,
            "number": app.doc_number,
            "surname": app.doc_surname,
            "given_names": app.doc_given,
            "date_of_birth": app.doc_dob.to_string(),
            "sex": app.person.sex,
            "nationality": app.doc_icao,
            "issue_date": issued.to_string(),
            "expiry_date": (issued + Duration::days(3652)).to_string(),
            "vendor_check": {"vendor": "example-idv", "status": "passed", "liveness_passed": true, "face_match_score": 0.95},
        },
        "sessions": sessions,
        "payout": app.payout,
    });
    if let Some(s) = &app.shipping {
        out["shipping_address"] = s.clone();
    }
    out
}
