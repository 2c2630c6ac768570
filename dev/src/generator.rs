//! Application `i` of a seed: [`Generator::application`] (what it holds: the crate's doc).

use chrono::{DateTime, Duration as Span, NaiveDate, Offset, TimeZone, Utc};
use serde_json::{Map, Value, json};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::cultures::{ANGLO, Person};
use crate::nations::{Bank, Nation, nation, pick_weighted};
use crate::rng::{Rng, mix};

/// Identities in one laptop farm.
pub const FARM_SIZE: u64 = 4;

/// Indices below this get identifiers no other index of the seed has.
pub const MAX_INDEX: u64 = 50_000_000;

/// The space the unique numbers live in: 8 decimal digits.
const SPACE: u64 = 100_000_000;

/// Multipliers coprime with 10, one per identifier, so each `(i × a + b) mod 10⁸` is a bijection.
const DOCUMENT: u64 = 0;
const EMAIL: u64 = 1;
const PHONE: u64 = 2;
const ACCOUNT: u64 = 3;
const MULTIPLIERS: [u64; 4] = [48_271_613, 69_621_037, 16_807_147, 22_695_473];

/// Makes application `i` of a seed.
#[derive(Debug, Clone)]
pub struct Generator {
    seed: u64,
    farm_every: u64,
}

/// A laptop farm member: which farm.
struct Farm(u64);

impl Generator {
    pub fn new(seed: u64, farm_every: u64) -> Generator {
        Generator { seed, farm_every }
    }

    /// The farm application `index` belongs to, if any.
    pub fn farm_of(&self, index: u64) -> Option<u64> {
        (self.farm_every > 0 && index.is_multiple_of(self.farm_every))
            .then(|| index / self.farm_every / FARM_SIZE)
    }

    /// `x ↦ (x × a + b) mod 10⁸`, a bijection of `0..10⁸` per identifier kind.
    fn unique(&self, kind: u64, x: u64) -> u64 {
        let b = mix(self.seed ^ (kind + 1).wrapping_mul(0xd6e8_feb8_6659_fd93)) % SPACE;
        ((u128::from(x) * u128::from(MULTIPLIERS[kind as usize]) + u128::from(b))
            % u128::from(SPACE)) as u64
    }

    /// A bijection of `u32` (odd multiplier, xor-shift, odd multiplier) for device ids.
    fn unique32(&self, x: u32) -> u32 {
        let b = mix(self.seed ^ 0x5eed_de71_ce00_0000) as u32;
        let mut y = x.wrapping_mul(0x2c1b_3c6d).wrapping_add(b);
        y ^= y >> 16;
        y.wrapping_mul(0x297a_2d39)
    }

    pub fn application(&self, index: u64) -> Value {
        let mut rng = Rng::new(self.seed, index);
        let farm = self.farm_of(index).map(Farm);

        // Where they live and who they are.
        let residence = match farm {
            Some(_) => nation("US"),
            None => pick_weighted(&mut rng),
        };
        let origin = (!residence.immigrants.is_empty() && rng.percent(25))
            .then(|| nation(rng.pick(residence.immigrants)));
        let (culture, nationality) = match origin {
            // Half naturalised (their residence's passport), half foreign nationals.
            Some(origin) if rng.percent(50) => (origin.culture, residence),
            Some(origin) => (origin.culture, origin),
            None => (residence.culture, residence),
        };
        let sex = match rng.below(200) {
            0 => "X",
            n if n % 2 == 0 => "M",
            _ => "F",
        };
        let person = culture.person(&mut rng, sex);
        let (place_region, city, postal, zone) = rng.pick(residence.places);
        let tz: chrono_tz::Tz = zone.parse().expect("table zones are IANA names");

        // When: sign-up between 2025-01-01 and 2026-11-15, at local working hours.
        let day = NaiveDate::from_ymd_opt(2025, 1, 1).expect("a date")
            + Span::days(rng.below(684) as i64);
        let born = day - Span::days(365 * rng.between(21, 58) as i64 + rng.below(365) as i64);
        let signup = local_instant(tz, day, rng.between(8, 20) as u32, rng.below(60) as u32);
        let mut sessions = Vec::new();
        let home_ip = match &farm {
            Some(Farm(f)) => farm_ip(self.seed, *f),
            None => ip_in(&mut rng, residence),
        };
        let device = match &farm {
            Some(Farm(f)) => self.device_id((1 << 31) | (*f as u32)),
            None => self.device_id(index as u32),
        };
        let language = if let Some(origin) = origin.filter(|_| rng.percent(30)) {
            origin.language
        } else if rng.percent(20) {
            "en-US,en;q=0.9"
        } else {
            residence.language
        };
        let agent = rng.pick(USER_AGENTS);
        let with_offset = rng.percent(50);
        let tool = farm
            .is_some()
            .then(|| rng.pick(&["anydesk", "teamviewer", "rustdesk"]));
        let mut session = |kind: &str, at: DateTime<Utc>, ip: &str, extra: Value| {
            let mut s = json!({
                "ip": ip,
                "observed_at": at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                "kind": kind,
                "user_agent": agent,
                "browser_timezone": zone,
                "accept_language": language,
                "device_id": device,
            });
            if with_offset {
                s["utc_offset_minutes"] = json!(
                    tz.offset_from_utc_datetime(&at.naive_utc())
                        .fix()
                        .local_minus_utc()
                        / 60
                );
            }
            if let Some(tool) = tool {
                s["remote_access_tools"] = json!([tool]);
            }
            if let Value::Object(extra) = extra {
                s.as_object_mut().expect("an object").extend(extra);
            }
            sessions.push(s);
        };
        session("signup", signup, &home_ip, json!({}));
        let mut last = signup;
        if rng.percent(60) {
            last = signup + Span::minutes(rng.between(5, 90) as i64);
            session("document_upload", last, &home_ip, json!({}));
        }
        if rng.percent(45) {
            let day = day + Span::days(rng.between(1, 6) as i64);
            last = local_instant(tz, day, rng.between(9, 17) as u32, 5 * rng.below(12) as u32);
            // Interviews are sometimes taken from a phone, on another address of the same country.
            let ip = if farm.is_none() && rng.percent(20) {
                ip_in(&mut rng, residence)
            } else {
                home_ip.clone()
            };
            let webcam = farm.is_none() && !rng.percent(3);
            session("interview", last, &ip, json!({"webcam_enabled": webcam}));
        }
        let submitted = last + Span::minutes(rng.between(5, 240) as i64);

        // Contact details, unique per application.
        let email = self.email(&mut rng, index, &person, nationality);
        let phone = format!(
            "+{}{}",
            residence.phone_cc,
            phone_number(residence, self.unique(PHONE, index))
        );

        // The identity document.
        let id_card = nationality.id_card.filter(|_| rng.percent(25));
        let template = id_card.unwrap_or(nationality.passport);
        let number = fill(template, self.unique(DOCUMENT, index), &mut rng);
        let issued = submitted.date_naive() - Span::days(rng.between(30, 365 * 9) as i64);
        let mut document = json!({
            "kind": if id_card.is_some() { "national_id" } else { "passport" },
            "issuing_country": nationality.icao,
            "number": number,
            "surname": person.surname.to_uppercase(),
            "given_names": person.given.to_uppercase(),
            "date_of_birth": born.to_string(),
            "nationality": nationality.icao,
            "issue_date": issued.to_string(),
            "expiry_date": (issued + Span::days(365 * 10)).to_string(),
        });
        if sex != "X" || rng.percent(50) {
            document["sex"] = json!(sex);
        }
        if rng.percent(60) {
            document["vendor_check"] = json!({
                "vendor": rng.pick(&["Onfido", "Veriff", "Jumio", "Persona", "Sumsub"]),
                "status": "passed",
                "liveness_passed": true,
                "face_match_score": rng.between(86, 99) as f64 / 100.0,
            });
        }

        let mut residence_json = json!({
            "country": residence.code,
            "region": place_region,
            "city": city,
            "postal_code": postal,
            "address_line": street_address(&mut rng, residence),
            "timezone": zone,
        });
        if rng.percent(10) {
            residence_json
                .as_object_mut()
                .expect("an object")
                .remove("address_line");
        }
        let mut applicant = json!({
            "full_name": person.full_name,
            "date_of_birth": born.to_string(),
            "nationality": nationality.code,
            "email": email,
            "phone": phone,
            "residence": residence_json,
        });
        if !person.other_names.is_empty() {
            applicant["other_names"] = json!(person.other_names);
        }
        if rng.percent(40) {
            let handle = format!(
                "{}{}",
                ascii_handle(&person.given),
                ascii_handle(&person.surname)
            );
            applicant["profile_urls"] = json!([match rng.below(3) {
                0 => format!("https://github.com/{handle}{}", rng.below(100)),
                1 => format!("https://www.linkedin.com/in/{handle}-{}", rng.hex(8)),
                _ => format!("https://gitlab.com/{handle}"),
            }]);
        }

        let payout = match &farm {
            Some(Farm(f)) => self.farm_payout(*f),
            None => self.payout(&mut rng, index, residence, &person, &email),
        };

        json!({
            "external_ref": format!("dev-{}-{index:08}", self.seed),
            "submitted_at": submitted.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "applicant": applicant,
            "identity_document": document,
            "sessions": sessions,
            "payout": payout,
        })
    }

    /// A UUID-shaped id whose first group is a bijection of `x`.
    fn device_id(&self, x: u32) -> String {
        let mut rng = Rng::new(self.seed ^ 0xde71ce, u64::from(x));
        format!(
            "{:08x}-{}-4{}-{:x}{}-{}",
            self.unique32(x),
            rng.hex(4),
            rng.hex(3),
            8 + rng.below(4),
            rng.hex(3),
            rng.hex(12)
        )
    }

    fn email(&self, rng: &mut Rng, index: u64, person: &Person, nation: &Nation) -> String {
        let (g, s) = (ascii_handle(&person.given), ascii_handle(&person.surname));
        let first = g.chars().next().map(String::from).unwrap_or_default();
        // The unique number ends the local part; names have no digits, so no two collide, Gmail's
        // dot folding included.
        let n = self.unique(EMAIL, index);
        let local = match rng.below(5) {
            0 => format!("{g}.{s}{n}"),
            1 => format!("{g}{s}{n}"),
            2 => format!("{first}{s}{n}"),
            3 => format!("{g}_{s}{n}"),
            _ => format!("{s}.{g}{n}"),
        };
        let domain = if !nation.mail_domains.is_empty() && rng.percent(35) {
            rng.pick(nation.mail_domains)
        } else {
            rng.pick(&[
                "gmail.com",
                "gmail.com",
                "gmail.com",
                "outlook.com",
                "hotmail.com",
                "yahoo.com",
                "icloud.com",
                "proton.me",
            ])
        };
        format!("{local}@{domain}")
    }

    fn payout(
        &self,
        rng: &mut Rng,
        index: u64,
        nation: &Nation,
        person: &Person,
        email: &str,
    ) -> Value {
        let holder = if rng.percent(85) {
            person.full_name.clone()
        } else {
            format!(
                "{} {}",
                person.surname.to_uppercase(),
                person.given.to_uppercase()
            )
        };
        let account = self.unique(ACCOUNT, index);
        if rng.percent(nation.fintech_percent) {
            let method = rng.pick(&["payoneer", "payoneer", "wise", "paypal"]);
            return json!({
                "method": method,
                "account_holder_name": holder,
                "provider_account_id": email,
            });
        }
        if rng.percent(1) {
            // A stablecoin payout to an Ethereum address.
            return json!({
                "method": "crypto",
                "crypto_asset": "USDC-ERC20",
                "crypto_address": format!("0x{:08x}{}", self.unique32(index as u32), rng.hex(32)),
            });
        }
        let mut payout = Map::new();
        payout.insert("method".into(), json!("bank_transfer"));
        payout.insert("account_holder_name".into(), json!(holder));
        payout.insert("bank_country".into(), json!(nation.code));
        match nation.bank {
            Bank::Iban { banks, bban } => {
                let (name, code) = rng.pick(banks);
                let bban = format!("{code}{}", fill(bban, account, rng));
                payout.insert("bank_name".into(), json!(name));
                payout.insert("iban".into(), json!(iban(nation.code, &bban)));
            }
            Bank::Domestic {
                banks,
                account: template,
            } => {
                let (name, routing) = rng.pick(banks);
                payout.insert("bank_name".into(), json!(name));
                payout.insert("account_number".into(), json!(fill(template, account, rng)));
                if !routing.is_empty() {
                    payout.insert("routing_number".into(), json!(routing));
                }
            }
        }
        Value::Object(payout)
    }

    /// One Payoneer account per farm, held by the farm's facilitator.
    fn farm_payout(&self, farm: u64) -> Value {
        let mut rng = Rng::new(self.seed ^ 0xfa12, farm);
        let facilitator = ANGLO.person(&mut rng, if farm.is_multiple_of(2) { "M" } else { "F" });
        json!({
            "method": "payoneer",
            "account_holder_name": facilitator.full_name,
            "provider_account_id": format!("ops.desk.{}@outlook.com", self.unique(ACCOUNT, SPACE / 2 + farm)),
        })
    }
}

/// One residential address per farm (a US cable line).
fn farm_ip(seed: u64, farm: u64) -> String {
    let mut rng = Rng::new(seed ^ 0xfa11, farm);
    ip_in(&mut rng, nation("US"))
}

fn ip_in(rng: &mut Rng, nation: &Nation) -> String {
    format!(
        "{}.{}.{}",
        rng.pick(nation.ip16),
        rng.below(256),
        rng.between(1, 254)
    )
}

/// The UTC instant of a local wall-clock time (a time skipped by a DST change moves an hour on).
fn local_instant(tz: chrono_tz::Tz, day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let local = day.and_hms_opt(hour, minute, 0).expect("a valid time");
    tz.from_local_datetime(&local)
        .earliest()
        .or_else(|| tz.from_local_datetime(&(local + Span::hours(1))).earliest())
        .expect("an hour after a DST gap exists")
        .with_timezone(&Utc)
}

/// Fills a template: `#` the next digit of `unique` (8 in all, most significant first), `@` the
/// same digit as a letter, `9` a random digit, `A` a random letter; anything else is kept.
pub(crate) fn fill(template: &str, unique: u64, rng: &mut Rng) -> String {
    let digits = format!("{unique:08}");
    let mut digits = digits.chars();
    template
        .chars()
        .map(|c| match c {
            '#' => digits.next().expect("8 unique digits"),
            '@' => {
                let d = digits.next().expect("8 unique digits");
                b"BCDFGHKLMN"[d.to_digit(10).expect("a digit") as usize] as char
            }
            '9' => char::from_digit(rng.below(10) as u32, 10).expect("a digit"),
            'A' => rng.letter(),
            other => other,
        })
        .collect()
}

/// The national number: one of the country's ten mobile prefixes (by the first unique digit) and
/// the other seven unique digits.
fn phone_number(nation: &Nation, unique: u64) -> String {
    format!(
        "{}{:07}",
        nation.phone[(unique / 10_000_000) as usize],
        unique % 10_000_000
    )
}

/// `CC` + ISO 13616 check digits + BBAN.
fn iban(country: &str, bban: &str) -> String {
    let rearranged = format!("{bban}{country}00");
    let mut remainder = 0u32;
    for c in rearranged.chars() {
        let value = c.to_digit(36).expect("IBANs are alphanumeric");
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    format!("{country}{:02}{bban}", 98 - remainder)
}

fn street_address(rng: &mut Rng, nation: &Nation) -> String {
    let street = rng.pick(nation.streets);
    let number = rng.between(1, 240);
    if nation.number_first {
        format!("{number} {street}")
    } else {
        format!("{street} {number}")
    }
}

/// Lower-case ASCII letters of a name, for handles and e-mail addresses.
fn ascii_handle(name: &str) -> String {
    let mut out = String::new();
    for c in name.nfd() {
        match c {
            c if is_combining_mark(c) => {}
            'ł' | 'Ł' => out.push('l'),
            'đ' | 'Đ' => out.push('d'),
            'ı' => out.push('i'),
            'ø' | 'Ø' => out.push('o'),
            'ß' => out.push_str("ss"),
            c if c.is_ascii_alphabetic() => out.push(c.to_ascii_lowercase()),
            _ => {}
        }
    }
    out
}

const USER_AGENTS: &[&str] = &[
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
];

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use super::*;
    use vetgate::identifiers::{normalise_document_number, normalise_email, normalise_phone};
    use vetgate::model::Application;

    fn apps(seed: u64, farm_every: u64, range: std::ops::Range<u64>) -> Vec<Value> {
        let generator = Generator::new(seed, farm_every);
        range.map(|i| generator.application(i)).collect()
    }

    #[test]
    fn the_same_seed_and_index_give_the_same_application() {
        assert_eq!(apps(7, 10, 0..300), apps(7, 10, 0..300));
        // A later run continues the series: index 150 does not depend on where a run started.
        assert_eq!(apps(7, 10, 150..300), apps(7, 10, 0..300)[150..].to_vec());
        let other = apps(8, 10, 0..300);
        assert!(
            apps(7, 10, 0..300)
                .iter()
                .zip(&other)
                .all(|(a, b)| a["applicant"] != b["applicant"]),
            "another seed gives other applicants"
        );
    }

    #[test]
    fn every_application_parses_and_follows_the_contract_schema() {
        let shared = std::env::var("VETGATE_SHARED_DIR")
            .unwrap_or_else(|_| format!("{}/../../shared", env!("CARGO_MANIFEST_DIR")));
        let schema: Value = serde_json::from_str(
            &std::fs::read_to_string(format!("{shared}/contract/application.schema.json"))
                .expect("the contract's application schema"),
        )
        .unwrap();
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap();
        for (i, app) in apps(1, 50, 0..5000).iter().enumerate() {
            if let Err(err) = Application::from_value(app) {
                panic!("application {i} does not parse: {err:?}\n{app:#}");
            }
            let errors: Vec<String> = validator.iter_errors(app).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "application {i}: {errors:?}\n{app:#}");
        }
    }

    #[test]
    fn identifiers_are_unique_except_within_a_farm() {
        let generator = Generator::new(3, 20);
        let mut documents = HashSet::new();
        let (mut emails, mut phones) = (HashSet::new(), HashSet::new());
        let mut devices: HashMap<String, HashSet<u64>> = HashMap::new();
        let mut accounts: HashMap<String, HashSet<u64>> = HashMap::new();
        let mut farms: HashMap<u64, usize> = HashMap::new();
        for i in 0..20_000 {
            let app = generator.application(i);
            let doc = &app["identity_document"];
            assert!(
                documents.insert(format!(
                    "{}:{}",
                    doc["issuing_country"],
                    normalise_document_number(doc["number"].as_str().unwrap())
                )),
                "document number repeated at {i}: {doc}"
            );
            let applicant = &app["applicant"];
            assert!(emails.insert(normalise_email(applicant["email"].as_str().unwrap()).unwrap()));
            let residence =
                vetgate::model::Country::parse(applicant["residence"]["country"].as_str().unwrap());
            assert!(
                phones.insert(
                    normalise_phone(applicant["phone"].as_str().unwrap(), residence).unwrap()
                )
            );
            let farm = generator.farm_of(i);
            if let Some(f) = farm {
                *farms.entry(f).or_default() += 1;
            }
            let owner = farm.map_or(i, |f| u64::MAX - f);
            for session in app["sessions"].as_array().unwrap() {
                devices
                    .entry(session["device_id"].as_str().unwrap().to_owned())
                    .or_default()
                    .insert(owner);
            }
            let payout = &app["payout"];
            let account = [
                "iban",
                "account_number",
                "provider_account_id",
                "crypto_address",
            ]
            .iter()
            .find_map(|k| payout[*k].as_str())
            .unwrap_or_else(|| panic!("a payout account at {i}: {payout}"));
            accounts
                .entry(account.to_lowercase())
                .or_default()
                .insert(owner);
        }
        assert!(devices.values().all(|owners| owners.len() == 1));
        assert!(accounts.values().all(|owners| owners.len() == 1));
        assert_eq!(farms.len(), 250);
        assert!(farms.values().all(|&members| members == FARM_SIZE as usize));
    }

    #[test]
    fn farm_members_share_device_payout_and_a_remote_access_address() {
        let generator = Generator::new(1, 10);
        let members: Vec<Value> = (0..4).map(|k| generator.application(k * 10)).collect();
        let first = &members[0];
        for member in &members[1..] {
            assert_eq!(member["payout"], first["payout"]);
            assert_eq!(
                member["sessions"][0]["device_id"],
                first["sessions"][0]["device_id"]
            );
            assert_eq!(member["sessions"][0]["ip"], first["sessions"][0]["ip"]);
            assert!(member["sessions"][0]["remote_access_tools"].is_array());
            assert_ne!(
                member["applicant"]["full_name"],
                first["applicant"]["full_name"]
            );
        }
        let next_farm = generator.application(40);
        assert_ne!(next_farm["payout"], first["payout"]);
        // Not a member: its own device.
        assert_ne!(
            generator.application(5)["sessions"][0]["device_id"],
            first["sessions"][0]["device_id"]
        );
    }

    #[test]
    fn ibans_carry_valid_check_digits() {
        for app in apps(2, 0, 0..3000) {
            if let Some(iban) = app["payout"]["iban"].as_str() {
                let rearranged = format!("{}{}", &iban[4..], &iban[..4]);
                let remainder = rearranged.chars().fold(0u32, |r, c| {
                    let v = c.to_digit(36).unwrap();
                    if v >= 10 {
                        (r * 100 + v) % 97
                    } else {
                        (r * 10 + v) % 97
                    }
                });
                assert_eq!(remainder, 1, "{iban}");
            }
        }
    }

    #[test]
    fn session_addresses_are_residential_lines_of_the_country_of_residence() {
        let intel = shipped_intel();
        for app in apps(4, 25, 0..3000) {
            let residence = app["applicant"]["residence"]["country"].as_str().unwrap();
            for session in app["sessions"].as_array().unwrap() {
                let ip = session["ip"].as_str().unwrap();
                let facts = intel.lookup(ip.parse().unwrap());
                assert_eq!(
                    facts.country.map(|c| c.as_str().to_owned()).as_deref(),
                    Some(residence),
                    "{ip}"
                );
                assert!(!facts.anonymity.hosting, "{ip} is a hosting network");
                assert!(facts.overlay.is_none(), "{ip} is in the overlay");
            }
        }
    }

    fn shipped_intel() -> vetgate::intel::Intel {
        let intel = vetgate::intel::Intel::load(&vetgate::intel::IntelSources {
            geoip_dir: Some(format!("{}/../geoip", env!("CARGO_MANIFEST_DIR")).into()),
            geoip_files: Vec::new(),
        });
        assert!(intel.problems.is_empty(), "{:?}", intel.problems);
        intel
    }

    #[test]
    fn ordinary_applicants_raise_no_signal_of_their_own() {
        let intel = shipped_intel();
        let generator = Generator::new(5, 0);
        let mut raised: HashMap<&str, Vec<u64>> = HashMap::new();
        for i in 0..3000 {
            let app = Application::from_value(&generator.application(i)).unwrap();
            let mut facts = vetgate::checks::Facts::new(&app, Utc::now());
            facts.sessions = app.sessions.iter().map(|s| intel.lookup(s.ip)).collect();
            for signal in vetgate::checks::run(&app, &facts) {
                raised.entry(signal.code).or_default().push(i);
            }
        }
        // An interview with the webcam off now and then (3 %), a crypto payout (1 %): weak
        // signals, as in life.
        raised.remove("NET_INTERVIEW_WEBCAM_OFF");
        raised.remove("PAY_CRYPTO");
        assert!(raised.is_empty(), "{raised:?}");
    }
}
