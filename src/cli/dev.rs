//! `vetgate dev`: tools for working on vetgate itself.
//!
//! `vetgate dev generate` makes deterministic synthetic applications and screens and stores them
//! through the same pipeline as `vetgate screen` (and the API), to fill a database for measurements
//! (docs/performance.md, `bench/scaling.sh`). Application `i` of a seed is a pure function of
//! `(seed, i)`: a run with `--start N` continues the series a run of `--count N` began, and two runs
//! of the same range store the same applications (the second re-screens them).
//!
//! What an application looks like: an applicant of one of 30 countries of residence (weighted like
//! a freelance platform's sign-ups), named from that country's naming culture (about a thousand
//! given names and surnames across 24 cultures; Hangul, Han and Cyrillic spellings as
//! `other_names`); in the ten countries that draw them, a quarter are immigrants, naturalised or
//! foreign nationals holding their home passport. A residence with a city, postal code and the
//! city's IANA zone; a passport or national ID card without MRZ whose number is unique per issuing
//! state; unique e-mail, phone (E.164, the country's mobile prefixes), device id and payout account
//! (IBAN with valid check digits where the country uses them, domestic account and routing number
//! elsewhere, or the Payoneer/Wise/PayPal account of the e-mail); one to three sessions from a
//! residential ISP of the country of residence (checked against the shipped `geoip/` by a test), at
//! local working hours, with the residence's zone and language. Every `--farm-every`-th
//! application instead belongs to a laptop farm of [`FARM_SIZE`] identities living in the US, which
//! share a device id, a Payoneer payout account (held by a facilitator) and a residential address
//! with remote-access tools: the link index has real hits, and farm members end up `reject`.
//!
//! Uniqueness is by construction, not by chance: each identifier embeds an 8-digit number that is a
//! bijection of the application index (`(i × a + b) mod 10⁸`, a per-seed `b`), so identifiers stay
//! unique up to [`MAX_INDEX`] applications per seed.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::bail;
use chrono::{DateTime, Duration as Span, NaiveDate, Offset, TimeZone, Utc};
use clap::{Args, Subcommand};
use futures_util::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Map, Value, json};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::config::Settings;
use crate::lists::ListsService;
use crate::metrics::Metrics;
use crate::model::{Decision, Intake};
use crate::startup;
use crate::store::{SubmitOutcome, TenantId};

#[derive(Debug, Subcommand)]
pub enum DevCommand {
    /// Screen and store deterministic synthetic applications (for measurements), or print them.
    Generate(GenerateArgs),
    /// Write the cargo-fuzz targets' seed inputs (fuzz/README in docs/reliability.md).
    FuzzSeeds(FuzzSeedsArgs),
}

#[derive(Debug, Args)]
pub struct FuzzSeedsArgs {
    /// Directory that gets one sub-directory per target (`ofac_csv`, `un_xml`, `mmdb`,
    /// `application`).
    out: std::path::PathBuf,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Tenant the applications are stored for.
    #[arg(long, required_unless_present = "jsonl")]
    tenant: Option<String>,
    /// How many applications.
    #[arg(long)]
    count: u64,
    /// Series seed: the same seed and index give the same application.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Index of the first application; continue a filled series with `--start` at its size.
    #[arg(long, default_value_t = 0)]
    start: u64,
    /// Every K-th application is a laptop-farm member (0: none).
    #[arg(long, default_value_t = 50)]
    farm_every: u64,
    /// Applications in flight at once (they share group commits).
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Write the applications to stdout as JSON Lines instead of storing them.
    #[arg(long)]
    jsonl: bool,
}

pub async fn run(settings: Settings, command: DevCommand) -> anyhow::Result<ExitCode> {
    match command {
        DevCommand::Generate(args) => generate(settings, args).await,
        DevCommand::FuzzSeeds(args) => {
            for (target, files) in super::fuzz_seeds::write(&args.out)? {
                println!("{target}: {files} seeds");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn generate(settings: Settings, args: GenerateArgs) -> anyhow::Result<ExitCode> {
    let end = args.start.saturating_add(args.count);
    if end > MAX_INDEX {
        bail!("--start + --count must stay within {MAX_INDEX} (identifiers stay unique up to it)");
    }
    let generator = Generator::new(args.seed, args.farm_every);
    if args.jsonl {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        for index in args.start..end {
            serde_json::to_writer(&mut out, &generator.application(index))?;
            std::io::Write::write_all(&mut out, b"\n")?;
        }
        std::io::Write::flush(&mut out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let tenant_arg = args.tenant.as_deref().unwrap_or_default();
    let Some(tenant) = TenantId::parse(tenant_arg) else {
        bail!("--tenant must be 1-64 characters of A-Z a-z 0-9 . _ -");
    };

    let store = startup::open_store(&settings).await?;
    let screener = startup::screener(&settings, Arc::new(Metrics::default()))?;
    startup::load_lists(
        &settings,
        &ListsService::new(store.clone(), screener.facts.lists.clone()),
    )
    .await?;
    let tenant_store = store.tenant(&tenant);
    // Hidden by indicatif itself when stderr is not a terminal; a line every 10 s then instead.
    let progress = ProgressBar::new(args.count).with_style(
        ProgressStyle::with_template(
            "{spinner} generating [{bar:40}] {human_pos}/{human_len} {per_sec} eta {eta}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    let plain_progress = !std::io::stderr().is_terminal();

    let started = Instant::now();
    let results = futures_util::stream::iter(args.start..end)
        .map(|index| {
            let (screener, store, generator) = (&screener, &tenant_store, &generator);
            async move {
                let intake = Intake::from_value(&generator.application(index))
                    .map_err(|e| format!("application {index}: {e}"))?;
                match screener.screen_and_store(store, intake, None).await {
                    Ok(SubmitOutcome::Created(stored) | SubmitOutcome::Rescreened(stored)) => {
                        Ok(stored.decision)
                    }
                    Ok(other) => Err(format!("application {index}: unexpected outcome {other:?}")),
                    Err(err) => Err(format!("application {index}: {err}")),
                }
            }
        })
        .buffer_unordered(args.concurrency.max(1));
    futures_util::pin_mut!(results);

    let mut tally = Tally::default();
    let mut last_report = Instant::now();
    while let Some(result) = results.next().await {
        progress.inc(1);
        match result {
            Ok(decision) => tally.count(decision),
            Err(message) => {
                progress.suspend(|| eprintln!("{message}"));
                tally.failed += 1;
            }
        }
        if plain_progress && last_report.elapsed() >= Duration::from_secs(10) {
            last_report = Instant::now();
            let done = tally.total();
            let rate = done as f64 / started.elapsed().as_secs_f64();
            let eta = (args.count - done) as f64 / rate.max(1e-9);
            eprintln!(
                "generated {done}/{} ({rate:.0}/s, eta {})",
                args.count,
                humantime::format_duration(Duration::from_secs(eta as u64))
            );
        }
    }
    progress.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();
    eprintln!(
        "generated {} applications for tenant {tenant_arg} (indices {}..{end}, seed {}) in {elapsed:.1} s \
         ({:.0}/s): clear {}, review {}, reject {}, failed {}",
        tally.total() - tally.failed,
        args.start,
        args.seed,
        tally.total() as f64 / elapsed.max(1e-9),
        tally.clear,
        tally.review,
        tally.reject,
        tally.failed,
    );
    Ok(if tally.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[derive(Default)]
struct Tally {
    clear: u64,
    review: u64,
    reject: u64,
    failed: u64,
}

impl Tally {
    fn count(&mut self, decision: Decision) {
        match decision {
            Decision::Clear => self.clear += 1,
            Decision::Review => self.review += 1,
            Decision::Reject => self.reject += 1,
        }
    }

    fn total(&self) -> u64 {
        self.clear + self.review + self.reject + self.failed
    }
}

// ---------------------------------------------------------------------------------------------
// The generator.
// ---------------------------------------------------------------------------------------------

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

/// SplitMix64's finaliser.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// SplitMix64: small, fast, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Rng {
        Rng(mix(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ mix(stream)))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high - low + 1)
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    fn percent(&mut self, p: u64) -> bool {
        self.below(100) < p
    }

    fn letter(&mut self) -> char {
        // No I or O: documents avoid them next to digits.
        self.pick(&[
            'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'M', 'N', 'P', 'R', 'S', 'T',
            'U', 'V', 'W', 'X', 'Y', 'Z',
        ])
    }

    fn hex(&mut self, digits: usize) -> String {
        (0..digits)
            .map(|_| char::from_digit(self.below(16) as u32, 16).expect("a hex digit"))
            .collect()
    }
}

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
fn fill(template: &str, unique: u64, rng: &mut Rng) -> String {
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

fn pick_weighted(rng: &mut Rng) -> &'static Nation {
    let total: u64 = NATIONS.iter().map(|n| n.weight).sum();
    let mut roll = rng.below(total);
    for nation in NATIONS {
        if roll < nation.weight {
            return nation;
        }
        roll -= nation.weight;
    }
    unreachable!("the roll is below the total weight")
}

fn nation(code: &str) -> &'static Nation {
    NATIONS
        .iter()
        .find(|n| n.code == code)
        .expect("a country of the table")
}

// ---------------------------------------------------------------------------------------------
// Names.
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Order {
    /// Given names, then surname.
    Western,
    /// Surname first (Vietnamese); the document splits it the same way.
    SurnameFirst,
    /// Either order, as people from East Asia write their name on Western forms.
    Either,
    /// Given names and two surnames; the first surname alone in half of the declared names.
    Hispanic,
    /// Western, with the feminine form of `-ski`/`-cki` surnames.
    Polish,
}

struct Culture {
    /// `Latin` or `Latin|native script`.
    male: &'static [&'static str],
    female: &'static [&'static str],
    surnames: &'static [&'static str],
    order: Order,
    /// Chance of a second given name, in percent.
    middle: u64,
}

struct Person {
    full_name: String,
    given: String,
    surname: String,
    other_names: Vec<String>,
}

fn split(entry: &str) -> (&str, Option<&str>) {
    match entry.split_once('|') {
        Some((latin, native)) => (latin, Some(native)),
        None => (entry, None),
    }
}

impl Culture {
    fn person(&self, rng: &mut Rng, sex: &str) -> Person {
        let names = match sex {
            "M" => self.male,
            "F" => self.female,
            _ if rng.percent(50) => self.male,
            _ => self.female,
        };
        let (first, first_native) = split(rng.pick(names));
        let mut given = first.to_owned();
        if rng.percent(self.middle) {
            let (second, _) = split(rng.pick(names));
            if second != first {
                given = format!("{first} {second}");
            }
        }
        let (surname, surname_native) = split(rng.pick(self.surnames));
        let mut surname = surname.to_owned();
        if self.order == Order::Polish && sex == "F" {
            for (masculine, feminine) in [("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")] {
                if let Some(stem) = surname.strip_suffix(masculine) {
                    surname = format!("{stem}{feminine}");
                    break;
                }
            }
        }
        let mut full_name = match self.order {
            Order::SurnameFirst => format!("{surname} {given}"),
            Order::Either if rng.percent(40) => format!("{surname} {given}"),
            _ => format!("{given} {surname}"),
        };
        if self.order == Order::Hispanic {
            let (second, _) = split(rng.pick(self.surnames));
            if second != surname {
                surname = format!("{surname} {second}");
                if rng.percent(50) {
                    full_name = format!("{given} {surname}");
                }
            }
        }
        let mut other_names = Vec::new();
        if let (Some(g), Some(s)) = (first_native, surname_native)
            && rng.percent(60)
        {
            // Hangul and Han are written surname first without a space; Cyrillic as Latin.
            let native = if g.chars().any(char::is_lowercase) {
                format!("{g} {s}")
            } else {
                format!("{s}{g}")
            };
            other_names.push(native);
        }
        Person {
            full_name,
            given,
            surname,
            other_names,
        }
    }
}

#[rustfmt::skip]
static ANGLO: Culture = Culture {
    male: &[
        "James", "John", "Michael", "David", "Robert", "William", "Daniel", "Matthew",
        "Christopher", "Andrew", "Joshua", "Ryan", "Tyler", "Brandon", "Kevin", "Jason", "Ethan",
        "Nathan", "Benjamin", "Samuel", "Thomas", "Jacob", "Aaron", "Patrick",
    ],
    female: &[
        "Emily", "Sarah", "Jessica", "Ashley", "Jennifer", "Amanda", "Megan", "Lauren", "Rachel",
        "Hannah", "Olivia", "Emma", "Madison", "Chloe", "Samantha", "Katherine", "Abigail", "Grace",
        "Natalie", "Victoria", "Rebecca", "Elizabeth", "Charlotte", "Amelia",
    ],
    surnames: &[
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
        "Taylor", "Thomas", "Moore", "Martin", "Thompson", "White", "Harris", "Clark", "Lewis",
        "Walker", "Hall", "Young", "Allen", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson",
        "Carter", "Mitchell", "Campbell", "Roberts", "Evans", "Turner", "Collins", "Murphy",
        "Cooper", "Reed", "Bailey", "Kelly", "Hughes", "Edwards", "Wood", "Robinson", "Foster",
        "Sullivan", "Fletcher", "Morgan",
    ],
    order: Order::Western,
    middle: 30,
};

#[rustfmt::skip]
static HISPANIC: Culture = Culture {
    male: &[
        "José", "Juan", "Carlos", "Luis", "Miguel", "Jorge", "Alejandro", "Diego", "Javier",
        "Fernando", "Andrés", "Santiago", "Mateo", "Pablo", "Ricardo", "Sergio", "Emilio", "Tomás",
    ],
    female: &[
        "María", "Ana", "Lucía", "Sofía", "Valentina", "Camila", "Isabella", "Gabriela", "Daniela",
        "Paula", "Carmen", "Laura", "Mariana", "Fernanda", "Elena", "Andrea", "Ximena", "Renata",
    ],
    surnames: &[
        "García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez", "Sánchez",
        "Ramírez", "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Morales", "Ortiz", "Castillo",
        "Jiménez", "Ruiz", "Vargas", "Romero", "Navarro", "Molina", "Herrera", "Medina", "Castro",
        "Suárez", "Aguilar",
    ],
    order: Order::Hispanic,
    middle: 35,
};

#[rustfmt::skip]
static GERMAN: Culture = Culture {
    male: &[
        "Lukas", "Maximilian", "Felix", "Jonas", "Leon", "Paul", "Tobias", "Florian", "Sebastian",
        "Moritz", "Jan", "Niklas", "Stefan", "Matthias", "Jürgen", "Philipp",
    ],
    female: &[
        "Anna", "Lena", "Laura", "Julia", "Lea", "Hannah", "Sophie", "Katharina", "Johanna",
        "Miriam", "Sabine", "Franziska", "Charlotte", "Clara", "Jana", "Birgit",
    ],
    surnames: &[
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
        "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz",
        "Zimmermann", "Braun", "Krüger", "Hartmann", "Lange", "Werner", "Krause",
    ],
    order: Order::Western,
    middle: 15,
};

#[rustfmt::skip]
static FRENCH: Culture = Culture {
    male: &[
        "Lucas", "Hugo", "Louis", "Gabriel", "Arthur", "Jules", "Nathan", "Théo", "Antoine",
        "Mathieu", "Nicolas", "Julien", "Baptiste", "Guillaume", "Rémi", "Étienne",
    ],
    female: &[
        "Camille", "Chloé", "Léa", "Manon", "Inès", "Jade", "Louise", "Juliette", "Clémence",
        "Élodie", "Margaux", "Pauline", "Amélie", "Céline", "Océane", "Mathilde",
    ],
    surnames: &[
        "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
        "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garnier", "Faure", "Rousseau", "Blanc",
        "Girard", "Mercier", "Fontaine", "Chevalier",
    ],
    order: Order::Western,
    middle: 20,
};

#[rustfmt::skip]
static ITALIAN: Culture = Culture {
    male: &[
        "Alessandro", "Lorenzo", "Matteo", "Leonardo", "Francesco", "Andrea", "Marco", "Luca",
        "Giuseppe", "Davide", "Federico", "Riccardo", "Simone", "Stefano",
    ],
    female: &[
        "Giulia", "Chiara", "Francesca", "Martina", "Sara", "Alessia", "Giorgia", "Elisa",
        "Federica", "Valentina", "Beatrice", "Aurora", "Silvia", "Elena",
    ],
    surnames: &[
        "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
        "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo",
        "Lombardi", "Moretti", "Barbieri", "Fontana",
    ],
    order: Order::Western,
    middle: 10,
};

#[rustfmt::skip]
static DUTCH: Culture = Culture {
    male: &[
        "Daan", "Sem", "Lars", "Thijs", "Bram", "Ruben", "Jesse", "Stijn", "Jeroen", "Joost",
        "Pieter", "Sander",
    ],
    female: &[
        "Emma", "Julia", "Sanne", "Lotte", "Fleur", "Anouk", "Femke", "Iris", "Eva", "Lisa",
        "Marloes", "Noor",
    ],
    surnames: &[
        "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
        "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
        "van Leeuwen", "Dekker", "Brouwer",
    ],
    order: Order::Western,
    middle: 10,
};

#[rustfmt::skip]
static POLISH: Culture = Culture {
    male: &[
        "Piotr", "Krzysztof", "Tomasz", "Paweł", "Michał", "Marcin", "Jakub", "Kamil", "Łukasz",
        "Mateusz", "Adam", "Grzegorz", "Bartosz", "Wojciech",
    ],
    female: &[
        "Anna", "Katarzyna", "Magdalena", "Agnieszka", "Joanna", "Aleksandra", "Monika", "Natalia",
        "Karolina", "Zuzanna", "Weronika", "Ewa", "Małgorzata", "Marta",
    ],
    surnames: &[
        "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
        "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur",
        "Kwiatkowski", "Krawczyk", "Piotrowski", "Grabowski", "Zawadzki", "Sadowski",
    ],
    order: Order::Polish,
    middle: 10,
};

#[rustfmt::skip]
static ROMANIAN: Culture = Culture {
    male: &[
        "Andrei", "Alexandru", "Mihai", "Ionuț", "Cristian", "Florin", "Adrian", "Bogdan", "Răzvan",
        "Vlad", "Gabriel", "Ștefan",
    ],
    female: &[
        "Maria", "Elena", "Ioana", "Andreea", "Alexandra", "Cristina", "Mihaela", "Diana", "Raluca",
        "Roxana", "Bianca", "Alina",
    ],
    surnames: &[
        "Popescu", "Ionescu", "Popa", "Dumitru", "Stan", "Stoica", "Gheorghe", "Rusu", "Munteanu",
        "Constantin", "Matei", "Ciobanu", "Marin", "Tudor", "Dobre", "Barbu", "Nistor", "Florea",
    ],
    order: Order::Western,
    middle: 10,
};

#[rustfmt::skip]
static UKRAINIAN: Culture = Culture {
    male: &[
        "Oleksandr|Олександр", "Andriy|Андрій", "Dmytro|Дмитро", "Serhiy|Сергій", "Mykola|Микола",
        "Volodymyr|Володимир", "Yuriy|Юрій", "Taras|Тарас", "Bohdan|Богдан", "Ivan|Іван",
        "Maksym|Максим", "Oleh|Олег",
    ],
    female: &[
        "Olena|Олена", "Iryna|Ірина", "Nataliya|Наталія", "Oksana|Оксана", "Tetiana|Тетяна",
        "Yulia|Юлія", "Kateryna|Катерина", "Anastasiya|Анастасія", "Sofiya|Софія",
        "Viktoriya|Вікторія", "Daryna|Дарина", "Halyna|Галина",
    ],
    surnames: &[
        "Shevchenko|Шевченко", "Kovalenko|Коваленко", "Bondarenko|Бондаренко", "Tkachenko|Ткаченко",
        "Kravchenko|Кравченко", "Melnyk|Мельник", "Boyko|Бойко", "Koval|Коваль", "Oliynyk|Олійник",
        "Lysenko|Лисенко", "Moroz|Мороз", "Marchenko|Марченко", "Savchenko|Савченко",
        "Rudenko|Руденко", "Petrenko|Петренко", "Polishchuk|Поліщук",
    ],
    order: Order::Western,
    middle: 0,
};

#[rustfmt::skip]
static LUSOPHONE: Culture = Culture {
    male: &[
        "João", "Pedro", "Lucas", "Gabriel", "Rafael", "Gustavo", "Felipe", "Bruno", "Thiago",
        "Rodrigo", "Diego", "Vinícius", "Tiago", "Rui",
    ],
    female: &[
        "Ana", "Beatriz", "Mariana", "Juliana", "Camila", "Larissa", "Fernanda", "Letícia",
        "Amanda", "Bruna", "Inês", "Carolina", "Patrícia", "Joana",
    ],
    surnames: &[
        "Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Rodrigues", "Almeida",
        "Nascimento", "Lima", "Araújo", "Fernandes", "Carvalho", "Gomes", "Martins", "Rocha",
        "Ribeiro", "Alves", "Monteiro", "Mendes", "Barbosa", "Ferreira",
    ],
    order: Order::Western,
    middle: 30,
};

#[rustfmt::skip]
static SWEDISH: Culture = Culture {
    male: &[
        "Erik", "Lars", "Karl", "Anders", "Johan", "Per", "Nils", "Oskar", "Gustav", "Axel",
        "Viktor", "Henrik",
    ],
    female: &[
        "Anna", "Maria", "Karin", "Sara", "Emma", "Elin", "Ida", "Linnea", "Maja", "Ebba", "Frida",
        "Ingrid",
    ],
    surnames: &[
        "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
        "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Lindberg", "Lindström", "Bergström",
        "Lundqvist",
    ],
    order: Order::Western,
    middle: 20,
};

#[rustfmt::skip]
static INDIAN: Culture = Culture {
    male: &[
        "Rahul", "Amit", "Arjun", "Vikram", "Rohan", "Sanjay", "Aditya", "Karthik", "Pranav",
        "Siddharth", "Anand", "Rajesh", "Suresh", "Vivek", "Nikhil", "Manoj",
    ],
    female: &[
        "Priya", "Ananya", "Divya", "Pooja", "Neha", "Kavya", "Shreya", "Aishwarya", "Lakshmi",
        "Meera", "Sneha", "Deepika", "Anjali", "Ritu",
    ],
    surnames: &[
        "Sharma", "Patel", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Nair", "Rao", "Mehta",
        "Joshi", "Desai", "Verma", "Chatterjee", "Banerjee", "Pillai", "Menon", "Agarwal", "Shah",
        "Kulkarni", "Bhat", "Das",
    ],
    order: Order::Western,
    middle: 5,
};

#[rustfmt::skip]
static FILIPINO: Culture = Culture {
    male: &[
        "Jose", "Mark", "John Paul", "Christian", "Joshua", "Angelo", "Carlo", "Paolo", "Rafael",
        "Jerome", "Ramon", "Miguel",
    ],
    female: &[
        "Maria", "Kristine", "Angelica", "Joy", "Camille", "Jasmine", "Patricia", "Andrea",
        "Nicole", "Princess", "Rowena", "Maricel",
    ],
    surnames: &[
        "Santos", "Reyes", "Cruz", "Bautista", "Ocampo", "Garcia", "Mendoza", "Torres", "Tomas",
        "Andrada", "Castillo", "Flores", "Villanueva", "Ramos", "Castro", "Rivera", "Aquino",
        "Navarro", "Dela Cruz", "Soriano",
    ],
    order: Order::Western,
    middle: 10,
};

#[rustfmt::skip]
static VIETNAMESE: Culture = Culture {
    male: &[
        "Văn An", "Minh Tuấn", "Đức Anh", "Quang Huy", "Hoàng Long", "Văn Hùng", "Thanh Tùng",
        "Minh Khoa", "Quốc Bảo", "Trung Kiên",
    ],
    female: &[
        "Thị Lan", "Thu Trang", "Ngọc Anh", "Thị Hương", "Phương Linh", "Thanh Hà", "Minh Châu",
        "Bảo Ngọc", "Thị Mai", "Hồng Nhung",
    ],
    surnames: &[
        "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
        "Hồ", "Ngô", "Dương", "Lý",
    ],
    order: Order::SurnameFirst,
    middle: 0,
};

#[rustfmt::skip]
static CHINESE: Culture = Culture {
    male: &[
        "Wei|伟", "Hao|浩", "Jun|俊", "Lei|磊", "Tao|涛", "Ming|明", "Jie|杰", "Yang|阳", "Bo|博", "Chen|晨",
        "Zhiwei|志伟", "Haoran|浩然",
    ],
    female: &[
        "Fang|芳", "Jing|静", "Li|丽", "Min|敏", "Yan|燕", "Xiaoling|晓玲", "Ying|颖", "Hui|慧", "Xin|欣",
        "Yue|悦", "Mei|美", "Lan|兰",
    ],
    surnames: &[
        "Wang|王", "Li|李", "Zhang|张", "Liu|刘", "Chen|陈", "Yang|杨", "Huang|黄", "Zhao|赵", "Wu|吴",
        "Zhou|周", "Xu|徐", "Sun|孙", "Ma|马", "Zhu|朱", "Hu|胡", "Guo|郭", "Lin|林", "He|何",
    ],
    order: Order::Either,
    middle: 0,
};

#[rustfmt::skip]
static KOREAN: Culture = Culture {
    male: &[
        "Min-jun|민준", "Seo-jun|서준", "Do-yun|도윤", "Ji-ho|지호", "Jae-won|재원", "Hyun-woo|현우",
        "Sung-min|성민", "Dong-hyun|동현", "Jun-young|준영", "Tae-yang|태양",
    ],
    female: &[
        "Seo-yeon|서연", "Ji-woo|지우", "Ha-eun|하은", "Soo-ah|수아", "Ji-yeon|지연", "Eun-ji|은지",
        "Hye-jin|혜진", "Yoo-na|유나", "Min-seo|민서", "Da-eun|다은",
    ],
    surnames: &[
        "Kim|김", "Lee|이", "Park|박", "Choi|최", "Jung|정", "Kang|강", "Cho|조", "Yoon|윤", "Jang|장",
        "Lim|임", "Han|한", "Oh|오", "Seo|서", "Shin|신",
    ],
    order: Order::Either,
    middle: 0,
};

#[rustfmt::skip]
static JAPANESE: Culture = Culture {
    male: &[
        "Haruto", "Yuto", "Sota", "Ren", "Takumi", "Hiroshi", "Kenji", "Daiki", "Kazuki", "Shota",
        "Yuki", "Ryo",
    ],
    female: &[
        "Yui", "Aoi", "Hina", "Sakura", "Yuna", "Mio", "Rin", "Haruka", "Ayaka", "Misaki", "Nanami",
        "Emi",
    ],
    surnames: &[
        "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura",
        "Kobayashi", "Kato", "Yoshida", "Yamada", "Sasaki", "Yamaguchi", "Matsumoto", "Inoue",
        "Kimura", "Hayashi",
    ],
    order: Order::Either,
    middle: 0,
};

#[rustfmt::skip]
static NIGERIAN: Culture = Culture {
    male: &[
        "Chinedu", "Emeka", "Oluwaseun", "Tunde", "Adebayo", "Ikechukwu", "Obinna", "Segun", "Femi",
        "Chukwuemeka", "Ibrahim", "Musa", "Kelechi", "Uche",
    ],
    female: &[
        "Chiamaka", "Ngozi", "Adaeze", "Funmilayo", "Folake", "Oluwakemi", "Aisha", "Blessing",
        "Amaka", "Yetunde", "Zainab", "Ifeoma", "Temitope", "Chioma",
    ],
    surnames: &[
        "Okafor", "Adeyemi", "Okonkwo", "Olawale", "Eze", "Nwosu", "Adebayo", "Ogunleye", "Balogun",
        "Okeke", "Chukwu", "Afolabi", "Bello", "Obi", "Nwachukwu", "Oyelaran",
    ],
    order: Order::Western,
    middle: 25,
};

#[rustfmt::skip]
static KENYAN: Culture = Culture {
    male: &[
        "Brian", "Kevin", "Dennis", "Collins", "Kipchoge", "Otieno", "Mwangi", "Kamau", "Njoroge",
        "Ochieng", "Wafula", "Kibet",
    ],
    female: &[
        "Faith", "Mercy", "Grace", "Wanjiru", "Akinyi", "Achieng", "Njeri", "Wambui", "Chebet",
        "Nafula", "Atieno", "Jebet",
    ],
    surnames: &[
        "Mwangi", "Otieno", "Kamau", "Ochieng", "Wanjiku", "Kiprop", "Mutua", "Njoroge", "Omondi",
        "Kariuki", "Cheruiyot", "Wekesa", "Maina", "Odhiambo", "Kimani", "Mutiso",
    ],
    order: Order::Western,
    middle: 20,
};

#[rustfmt::skip]
static EGYPTIAN: Culture = Culture {
    male: &[
        "Mohamed", "Ahmed", "Mahmoud", "Omar", "Youssef", "Mostafa", "Karim", "Hassan", "Tarek",
        "Amr", "Khaled", "Ali",
    ],
    female: &[
        "Fatma", "Nour", "Mariam", "Salma", "Yasmin", "Aya", "Hana", "Menna", "Esraa", "Dina",
        "Rana", "Heba",
    ],
    surnames: &[
        "Hassan", "Ibrahim", "Abdelrahman", "Mahmoud", "El-Sayed", "Mostafa", "Fathy", "Saleh",
        "Gamal", "Soliman", "Farouk", "Nasser", "Kamel", "Abdelaziz", "Shawky", "Ragab",
    ],
    order: Order::Western,
    middle: 0,
};

#[rustfmt::skip]
static TURKISH: Culture = Culture {
    male: &[
        "Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Emre", "Burak", "Murat", "Can", "Oğuz",
        "Kerem", "Serkan",
    ],
    female: &[
        "Ayşe", "Fatma", "Zeynep", "Elif", "Emine", "Merve", "Büşra", "Esra", "Selin", "Deniz",
        "Ebru", "Gizem",
    ],
    surnames: &[
        "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın",
        "Özdemir", "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt",
    ],
    order: Order::Western,
    middle: 10,
};

#[rustfmt::skip]
static PAKISTANI: Culture = Culture {
    male: &[
        "Muhammad", "Hamza", "Usman", "Bilal", "Faisal", "Imran", "Asad", "Zain", "Hassan",
        "Kashif", "Waqas", "Saad",
    ],
    female: &[
        "Ayesha", "Fatima", "Sana", "Hira", "Mahnoor", "Zainab", "Amna", "Sadia", "Iqra", "Mehwish",
        "Rabia", "Nida",
    ],
    surnames: &[
        "Khan", "Ahmed", "Malik", "Hussain", "Qureshi", "Chaudhry", "Butt", "Sheikh", "Iqbal",
        "Raza", "Siddiqui", "Mirza", "Javed", "Akhtar", "Abbasi", "Shah",
    ],
    order: Order::Western,
    middle: 10,
};

#[rustfmt::skip]
static INDONESIAN: Culture = Culture {
    male: &[
        "Budi", "Agus", "Andi", "Rizky", "Dimas", "Fajar", "Hendra", "Wahyu", "Eko", "Arief",
        "Bayu", "Yoga",
    ],
    female: &[
        "Siti", "Dewi", "Sri", "Putri", "Ayu", "Rina", "Indah", "Fitri", "Nurul", "Wulan", "Intan",
        "Lestari",
    ],
    surnames: &[
        "Santoso", "Wijaya", "Saputra", "Hidayat", "Kusuma", "Pratama", "Setiawan", "Nugroho",
        "Gunawan", "Susanto", "Halim", "Wibowo", "Siregar", "Harahap", "Sitompul", "Purnomo",
    ],
    order: Order::Western,
    middle: 10,
};

#[rustfmt::skip]
static SOUTH_AFRICAN: Culture = Culture {
    male: &[
        "Sipho", "Thabo", "Johan", "Pieter", "Lwazi", "Bongani", "Themba", "Andile", "Kagiso",
        "Willem",
    ],
    female: &[
        "Nomsa", "Thandiwe", "Lerato", "Zanele", "Ayanda", "Palesa", "Anele", "Marietjie", "Naledi",
        "Busisiwe",
    ],
    surnames: &[
        "Nkosi", "Dlamini", "Ndlovu", "Khumalo", "Mokoena", "van der Merwe", "Botha", "Naidoo",
        "Pillay", "Mahlangu", "Mthembu", "Zulu", "Molefe", "Pretorius",
    ],
    order: Order::Western,
    middle: 15,
};

// ---------------------------------------------------------------------------------------------
// Countries.
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Bank {
    /// `(bank name, start of the BBAN)`; the rest of the BBAN is a [`fill`] template.
    Iban {
        banks: &'static [(&'static str, &'static str)],
        bban: &'static str,
    },
    /// `(bank name, routing number or "")`; the account number is a [`fill`] template.
    Domestic {
        banks: &'static [(&'static str, &'static str)],
        account: &'static str,
    },
}

struct Nation {
    /// ISO 3166-1 alpha-2.
    code: &'static str,
    /// As its documents print it.
    icao: &'static str,
    culture: &'static Culture,
    /// Share of applicants living there (0: only a country of origin).
    weight: u64,
    /// `(region, city, postal code, IANA zone)`.
    places: &'static [(&'static str, &'static str, &'static str, &'static str)],
    streets: &'static [&'static str],
    number_first: bool,
    /// `/16`s of residential ISPs (DB-IP country and the ASN table agree, no hosting).
    ip16: &'static [&'static str],
    phone_cc: &'static str,
    /// Ten distinct mobile prefixes of one length.
    phone: [&'static str; 10],
    /// [`fill`] templates with eight unique digits.
    passport: &'static str,
    id_card: Option<&'static str>,
    language: &'static str,
    mail_domains: &'static [&'static str],
    bank: Bank,
    fintech_percent: u64,
    /// Countries of origin of the immigrants living there.
    immigrants: &'static [&'static str],
}

const ORIGIN_ONLY: Nation = Nation {
    code: "",
    icao: "",
    culture: &ANGLO,
    weight: 0,
    places: &[],
    streets: &[],
    number_first: true,
    ip16: &[],
    phone_cc: "",
    phone: [""; 10],
    passport: "########",
    id_card: None,
    language: "en-US,en;q=0.9",
    mail_domains: &[],
    bank: Bank::Domestic {
        banks: &[],
        account: "########",
    },
    fintech_percent: 100,
    immigrants: &[],
};

static NATIONS: &[Nation] = &[
    Nation {
        code: "US",
        icao: "USA",
        culture: &ANGLO,
        weight: 20,
        places: &[
            ("NY", "New York", "10027", "America/New_York"),
            ("IL", "Chicago", "60614", "America/Chicago"),
            ("TX", "Austin", "78701", "America/Chicago"),
            ("TX", "Houston", "77002", "America/Chicago"),
            ("CA", "San Francisco", "94110", "America/Los_Angeles"),
            ("CA", "Los Angeles", "90026", "America/Los_Angeles"),
            ("WA", "Seattle", "98103", "America/Los_Angeles"),
            ("CO", "Denver", "80205", "America/Denver"),
            ("FL", "Miami", "33130", "America/New_York"),
            ("GA", "Atlanta", "30308", "America/New_York"),
            ("MA", "Boston", "02118", "America/New_York"),
            ("AZ", "Phoenix", "85004", "America/Phoenix"),
            ("NC", "Raleigh", "27601", "America/New_York"),
            ("OR", "Portland", "97205", "America/Los_Angeles"),
            ("MN", "Minneapolis", "55401", "America/Chicago"),
        ],
        streets: &[
            "Main St",
            "Oak Ave",
            "Maple St",
            "Cedar Ln",
            "Park Ave",
            "Elm St",
            "Washington Blvd",
            "Lakeview Dr",
            "Pine St",
            "Sunset Blvd",
        ],
        number_first: true,
        ip16: &["73.44", "98.207", "76.102", "71.175", "24.14"],
        phone_cc: "1",
        phone: [
            "312", "415", "512", "617", "206", "303", "404", "646", "713", "858",
        ],
        passport: "A########",
        id_card: None,
        language: "en-US,en;q=0.9",
        mail_domains: &["comcast.net", "aol.com"],
        bank: Bank::Domestic {
            banks: &[
                ("JPMorgan Chase", "071000013"),
                ("JPMorgan Chase", "021000021"),
                ("Bank of America", "026009593"),
                ("Wells Fargo", "121000248"),
                ("U.S. Bank", "091000022"),
                ("Capital One", "031176110"),
            ],
            account: "99########",
        },
        fintech_percent: 15,
        immigrants: &["IN", "MX", "CN", "PH", "KR", "NG", "VN", "UA", "BR", "PK"],
    },
    Nation {
        code: "CA",
        icao: "CAN",
        culture: &ANGLO,
        weight: 4,
        places: &[
            ("ON", "Toronto", "M5V 2T6", "America/Toronto"),
            ("ON", "Ottawa", "K1P 5G4", "America/Toronto"),
            ("QC", "Montréal", "H2X 1Y4", "America/Toronto"),
            ("BC", "Vancouver", "V6B 1A1", "America/Vancouver"),
            ("AB", "Calgary", "T2P 1J9", "America/Edmonton"),
        ],
        streets: &[
            "King St W",
            "Queen St E",
            "Yonge St",
            "Bloor St W",
            "Granville St",
        ],
        number_first: true,
        ip16: &["99.230", "70.30", "174.90", "142.112", "24.114"],
        phone_cc: "1",
        phone: [
            "416", "647", "437", "613", "514", "438", "604", "778", "403", "587",
        ],
        passport: "@@######",
        id_card: None,
        language: "en-CA,en;q=0.9,fr-CA;q=0.8",
        mail_domains: &["rogers.com", "shaw.ca"],
        bank: Bank::Domestic {
            banks: &[
                ("Royal Bank of Canada", "000300002"),
                ("TD Canada Trust", "000400004"),
                ("Scotiabank", "000200002"),
                ("BMO", "000100001"),
            ],
            account: "9########",
        },
        fintech_percent: 15,
        immigrants: &["IN", "CN", "PH", "PK", "UA", "KR"],
    },
    Nation {
        code: "GB",
        icao: "GBR",
        culture: &ANGLO,
        weight: 6,
        places: &[
            ("England", "London", "E1 6AN", "Europe/London"),
            ("England", "Manchester", "M1 1AE", "Europe/London"),
            ("Scotland", "Edinburgh", "EH1 1YZ", "Europe/London"),
            ("England", "Bristol", "BS1 4DJ", "Europe/London"),
            ("England", "Leeds", "LS1 4AP", "Europe/London"),
            ("Wales", "Cardiff", "CF10 1EP", "Europe/London"),
        ],
        streets: &[
            "High Street",
            "Station Road",
            "Church Lane",
            "Victoria Road",
            "Mill Lane",
            "Park Road",
        ],
        number_first: true,
        ip16: &["86.150", "81.100", "92.24", "2.98"],
        phone_cc: "44",
        phone: [
            "770", "771", "772", "773", "774", "775", "776", "777", "778", "779",
        ],
        passport: "1########",
        id_card: None,
        language: "en-GB,en;q=0.9",
        mail_domains: &["btinternet.com", "sky.com"],
        bank: Bank::Iban {
            banks: &[
                ("NatWest", "NWBK"),
                ("Barclays", "BARC"),
                ("Lloyds Bank", "LOYD"),
                ("HSBC UK", "HBUK"),
            ],
            bban: "999999########",
        },
        fintech_percent: 10,
        immigrants: &["IN", "PL", "PK", "NG", "RO", "IT", "PT"],
    },
    Nation {
        code: "DE",
        icao: "D",
        culture: &GERMAN,
        weight: 4,
        places: &[
            ("BE", "Berlin", "10115", "Europe/Berlin"),
            ("BY", "München", "80331", "Europe/Berlin"),
            ("HH", "Hamburg", "20095", "Europe/Berlin"),
            ("NW", "Köln", "50667", "Europe/Berlin"),
            ("HE", "Frankfurt am Main", "60311", "Europe/Berlin"),
            ("BW", "Stuttgart", "70173", "Europe/Berlin"),
            ("SN", "Leipzig", "04109", "Europe/Berlin"),
        ],
        streets: &[
            "Hauptstraße",
            "Bahnhofstraße",
            "Gartenstraße",
            "Schillerstraße",
            "Goethestraße",
            "Lindenallee",
        ],
        number_first: false,
        ip16: &["79.200", "91.40", "84.150", "93.200"],
        phone_cc: "49",
        phone: [
            "151", "152", "157", "160", "162", "163", "170", "171", "172", "175",
        ],
        passport: "C########",
        id_card: Some("L@@######"),
        language: "de-DE,de;q=0.9,en;q=0.8",
        mail_domains: &["web.de", "gmx.de", "t-online.de"],
        bank: Bank::Iban {
            banks: &[
                ("Deutsche Bank", "10070000"),
                ("Commerzbank", "20040000"),
                ("Sparkasse KölnBonn", "37050198"),
                ("Postbank", "50010060"),
                ("Berliner Volksbank", "10090000"),
            ],
            bban: "99########",
        },
        fintech_percent: 10,
        immigrants: &["TR", "PL", "RO", "UA", "IT"],
    },
    Nation {
        code: "FR",
        icao: "FRA",
        culture: &FRENCH,
        weight: 3,
        places: &[
            ("IDF", "Paris", "75011", "Europe/Paris"),
            ("ARA", "Lyon", "69003", "Europe/Paris"),
            ("PAC", "Marseille", "13001", "Europe/Paris"),
            ("OCC", "Toulouse", "31000", "Europe/Paris"),
            ("NAQ", "Bordeaux", "33000", "Europe/Paris"),
            ("HDF", "Lille", "59000", "Europe/Paris"),
            ("PDL", "Nantes", "44000", "Europe/Paris"),
        ],
        streets: &[
            "rue de la République",
            "avenue Jean Jaurès",
            "rue Victor Hugo",
            "boulevard Voltaire",
            "rue Pasteur",
        ],
        number_first: true,
        ip16: &["90.30", "86.200", "82.64", "88.170", "78.200"],
        phone_cc: "33",
        phone: ["60", "61", "62", "63", "64", "65", "66", "67", "68", "77"],
        passport: "##@A#####",
        id_card: Some("#@@A#####"),
        language: "fr-FR,fr;q=0.9,en;q=0.8",
        mail_domains: &["orange.fr", "free.fr", "laposte.net"],
        bank: Bank::Iban {
            banks: &[
                ("BNP Paribas", "30004"),
                ("Société Générale", "30003"),
                ("Crédit Lyonnais", "30002"),
                ("La Banque Postale", "20041"),
            ],
            bban: "99999999########99",
        },
        fintech_percent: 10,
        immigrants: &["PT", "IT", "ES", "TR", "EG"],
    },
    Nation {
        code: "ES",
        icao: "ESP",
        culture: &HISPANIC,
        weight: 3,
        places: &[
            ("MD", "Madrid", "28004", "Europe/Madrid"),
            ("CT", "Barcelona", "08001", "Europe/Madrid"),
            ("VC", "Valencia", "46001", "Europe/Madrid"),
            ("AN", "Sevilla", "41001", "Europe/Madrid"),
            ("AN", "Málaga", "29001", "Europe/Madrid"),
            ("PV", "Bilbao", "48001", "Europe/Madrid"),
        ],
        streets: &[
            "Calle Mayor",
            "Calle Real",
            "Avenida de la Constitución",
            "Calle del Sol",
            "Gran Vía",
        ],
        number_first: false,
        ip16: &["83.40", "88.10"],
        phone_cc: "34",
        phone: ["60", "61", "62", "63", "65", "66", "67", "68", "69", "71"],
        passport: "P@@######",
        id_card: Some("########A"),
        language: "es-ES,es;q=0.9,en;q=0.8",
        mail_domains: &["telefonica.net"],
        bank: Bank::Iban {
            banks: &[
                ("CaixaBank", "2100"),
                ("Banco Santander", "0049"),
                ("BBVA", "0182"),
                ("Banco Sabadell", "0081"),
            ],
            bban: "99999999########",
        },
        fintech_percent: 10,
        immigrants: &["AR", "CO", "RO", "MX", "UA"],
    },
    Nation {
        code: "IT",
        icao: "ITA",
        culture: &ITALIAN,
        weight: 2,
        places: &[
            ("RM", "Roma", "00185", "Europe/Rome"),
            ("MI", "Milano", "20121", "Europe/Rome"),
            ("TO", "Torino", "10121", "Europe/Rome"),
            ("NA", "Napoli", "80133", "Europe/Rome"),
            ("BO", "Bologna", "40121", "Europe/Rome"),
            ("FI", "Firenze", "50123", "Europe/Rome"),
        ],
        streets: &[
            "Via Roma",
            "Via Garibaldi",
            "Corso Italia",
            "Via Mazzini",
            "Via Dante",
        ],
        number_first: false,
        ip16: &["79.10", "87.10", "93.40", "151.30"],
        phone_cc: "39",
        phone: [
            "320", "328", "329", "333", "338", "339", "340", "347", "348", "349",
        ],
        passport: "Y@#######",
        id_card: Some("C@#####@@"),
        language: "it-IT,it;q=0.9,en;q=0.8",
        mail_domains: &["libero.it", "virgilio.it"],
        bank: Bank::Iban {
            banks: &[
                ("Intesa Sanpaolo", "A0306909606"),
                ("UniCredit", "X0200801600"),
                ("Banco BPM", "K0503401600"),
            ],
            bban: "0000########",
        },
        fintech_percent: 10,
        immigrants: &[],
    },
    Nation {
        code: "NL",
        icao: "NLD",
        culture: &DUTCH,
        weight: 2,
        places: &[
            ("NH", "Amsterdam", "1012 AB", "Europe/Amsterdam"),
            ("ZH", "Rotterdam", "3011 AA", "Europe/Amsterdam"),
            ("UT", "Utrecht", "3511 AA", "Europe/Amsterdam"),
            ("ZH", "Den Haag", "2511 AA", "Europe/Amsterdam"),
            ("NB", "Eindhoven", "5611 AA", "Europe/Amsterdam"),
        ],
        streets: &[
            "Kerkstraat",
            "Dorpsstraat",
            "Molenweg",
            "Schoolstraat",
            "Stationsweg",
        ],
        number_first: false,
        ip16: &["84.85", "77.160"],
        phone_cc: "31",
        phone: ["60", "61", "62", "63", "64", "65", "66", "67", "68", "69"],
        passport: "N@@######",
        id_card: Some("I@@######"),
        language: "nl-NL,nl;q=0.9,en;q=0.8",
        mail_domains: &["ziggo.nl", "kpnmail.nl"],
        bank: Bank::Iban {
            banks: &[
                ("ABN AMRO", "ABNA"),
                ("ING", "INGB"),
                ("Rabobank", "RABO"),
                ("SNS", "SNSB"),
            ],
            bban: "99########",
        },
        fintech_percent: 10,
        immigrants: &["TR", "PL", "ID"],
    },
    Nation {
        code: "PL",
        icao: "POL",
        culture: &POLISH,
        weight: 3,
        places: &[
            ("MZ", "Warszawa", "00-001", "Europe/Warsaw"),
            ("MA", "Kraków", "30-001", "Europe/Warsaw"),
            ("DS", "Wrocław", "50-001", "Europe/Warsaw"),
            ("PM", "Gdańsk", "80-001", "Europe/Warsaw"),
            ("WP", "Poznań", "60-001", "Europe/Warsaw"),
            ("LD", "Łódź", "90-001", "Europe/Warsaw"),
        ],
        streets: &[
            "ul. Polna",
            "ul. Leśna",
            "ul. Słoneczna",
            "ul. Krótka",
            "ul. Szkolna",
        ],
        number_first: false,
        ip16: &["83.10", "89.70"],
        phone_cc: "48",
        phone: ["50", "51", "53", "57", "60", "66", "69", "72", "78", "88"],
        passport: "E@#######",
        id_card: Some("A@@######"),
        language: "pl-PL,pl;q=0.9,en;q=0.8",
        mail_domains: &["wp.pl", "onet.pl", "o2.pl"],
        bank: Bank::Iban {
            banks: &[
                ("PKO Bank Polski", "10202892"),
                ("mBank", "11402004"),
                ("ING Bank Śląski", "10501445"),
                ("Bank Pekao", "12401112"),
            ],
            bban: "99999999########",
        },
        fintech_percent: 10,
        immigrants: &["UA"],
    },
    Nation {
        code: "RO",
        icao: "ROU",
        culture: &ROMANIAN,
        weight: 2,
        places: &[
            ("B", "București", "010011", "Europe/Bucharest"),
            ("CJ", "Cluj-Napoca", "400001", "Europe/Bucharest"),
            ("IS", "Iași", "700001", "Europe/Bucharest"),
            ("TM", "Timișoara", "300001", "Europe/Bucharest"),
            ("BV", "Brașov", "500001", "Europe/Bucharest"),
        ],
        streets: &[
            "Strada Mihai Eminescu",
            "Strada Victoriei",
            "Bulevardul Unirii",
            "Strada Florilor",
        ],
        number_first: false,
        ip16: &["86.121", "79.115", "89.136"],
        phone_cc: "40",
        phone: ["70", "71", "72", "73", "74", "75", "76", "77", "78", "79"],
        passport: "########",
        id_card: Some("@@######"),
        language: "ro-RO,ro;q=0.9,en;q=0.8",
        mail_domains: &["yahoo.ro"],
        bank: Bank::Iban {
            banks: &[
                ("Banca Transilvania", "BTRL"),
                ("BCR", "RNCB"),
                ("BRD", "BRDE"),
                ("ING Bank România", "INGB"),
            ],
            bban: "99999999########",
        },
        fintech_percent: 15,
        immigrants: &[],
    },
    Nation {
        code: "UA",
        icao: "UKR",
        culture: &UKRAINIAN,
        weight: 4,
        places: &[
            ("Kyiv", "Kyiv", "01001", "Europe/Kyiv"),
            ("Lviv Oblast", "Lviv", "79000", "Europe/Kyiv"),
            ("Kharkiv Oblast", "Kharkiv", "61000", "Europe/Kyiv"),
            ("Odesa Oblast", "Odesa", "65000", "Europe/Kyiv"),
            ("Dnipropetrovsk Oblast", "Dnipro", "49000", "Europe/Kyiv"),
        ],
        streets: &[
            "vul. Shevchenka",
            "vul. Franka",
            "prosp. Peremohy",
            "vul. Sadova",
        ],
        number_first: false,
        ip16: &["37.73", "176.36", "94.153", "46.200"],
        phone_cc: "380",
        phone: ["50", "63", "66", "67", "68", "73", "93", "95", "97", "98"],
        passport: "@@######",
        id_card: Some("9########"),
        language: "uk-UA,uk;q=0.9,en;q=0.8",
        mail_domains: &["ukr.net", "i.ua"],
        bank: Bank::Iban {
            banks: &[
                ("PrivatBank", "305299"),
                ("Oschadbank", "300465"),
                ("Monobank (Universal Bank)", "322001"),
            ],
            bban: "00000262099########",
        },
        fintech_percent: 40,
        immigrants: &[],
    },
    Nation {
        code: "PT",
        icao: "PRT",
        culture: &LUSOPHONE,
        weight: 1,
        places: &[
            ("Lisboa", "Lisboa", "1100-148", "Europe/Lisbon"),
            ("Porto", "Porto", "4000-322", "Europe/Lisbon"),
            ("Braga", "Braga", "4700-320", "Europe/Lisbon"),
            ("Coimbra", "Coimbra", "3000-150", "Europe/Lisbon"),
        ],
        streets: &[
            "Rua Augusta",
            "Avenida da Liberdade",
            "Rua de Santa Catarina",
            "Rua Direita",
        ],
        number_first: false,
        ip16: &["85.240", "89.180", "81.193"],
        phone_cc: "351",
        phone: [
            "910", "912", "913", "914", "916", "917", "918", "919", "926", "936",
        ],
        passport: "@@######",
        id_card: Some("########9AA9"),
        language: "pt-PT,pt;q=0.9,en;q=0.8",
        mail_domains: &["sapo.pt"],
        bank: Bank::Iban {
            banks: &[
                ("Caixa Geral de Depósitos", "0035"),
                ("Millennium bcp", "0033"),
                ("Novo Banco", "0007"),
            ],
            bban: "9999999########99",
        },
        fintech_percent: 10,
        immigrants: &["BR"],
    },
    Nation {
        code: "SE",
        icao: "SWE",
        culture: &SWEDISH,
        weight: 1,
        places: &[
            ("AB", "Stockholm", "111 20", "Europe/Stockholm"),
            ("O", "Göteborg", "411 03", "Europe/Stockholm"),
            ("M", "Malmö", "211 20", "Europe/Stockholm"),
            ("C", "Uppsala", "753 10", "Europe/Stockholm"),
        ],
        streets: &["Storgatan", "Drottninggatan", "Kungsgatan", "Skolgatan"],
        number_first: false,
        ip16: &["81.224", "83.250"],
        phone_cc: "46",
        phone: [
            "700", "702", "703", "704", "706", "707", "708", "709", "720", "730",
        ],
        passport: "########",
        id_card: Some("########"),
        language: "sv-SE,sv;q=0.9,en;q=0.8",
        mail_domains: &["telia.com"],
        bank: Bank::Iban {
            banks: &[
                ("SEB", "500"),
                ("Handelsbanken", "600"),
                ("Swedbank", "800"),
                ("Nordea", "300"),
            ],
            bban: "000000099########",
        },
        fintech_percent: 10,
        immigrants: &[],
    },
    Nation {
        code: "IN",
        icao: "IND",
        culture: &INDIAN,
        weight: 10,
        places: &[
            ("MH", "Mumbai", "400001", "Asia/Kolkata"),
            ("KA", "Bengaluru", "560001", "Asia/Kolkata"),
            ("DL", "New Delhi", "110001", "Asia/Kolkata"),
            ("TG", "Hyderabad", "500001", "Asia/Kolkata"),
            ("TN", "Chennai", "600001", "Asia/Kolkata"),
            ("MH", "Pune", "411001", "Asia/Kolkata"),
            ("WB", "Kolkata", "700001", "Asia/Kolkata"),
            ("KL", "Kochi", "682001", "Asia/Kolkata"),
        ],
        streets: &[
            "MG Road",
            "Station Road",
            "Nehru Nagar",
            "Gandhi Road",
            "Park Street",
        ],
        number_first: true,
        ip16: &["49.36", "117.200", "106.200", "157.40"],
        phone_cc: "91",
        phone: [
            "981", "982", "983", "984", "987", "991", "992", "993", "997", "998",
        ],
        passport: "@#######",
        id_card: None,
        language: "en-IN,en;q=0.9,hi;q=0.8",
        mail_domains: &["rediffmail.com", "yahoo.co.in"],
        bank: Bank::Domestic {
            banks: &[
                ("HDFC Bank", "HDFC0000240"),
                ("State Bank of India", "SBIN0001234"),
                ("ICICI Bank", "ICIC0000104"),
                ("Axis Bank", "UTIB0000053"),
            ],
            account: "9999########",
        },
        fintech_percent: 50,
        immigrants: &[],
    },
    Nation {
        code: "PH",
        icao: "PHL",
        culture: &FILIPINO,
        weight: 6,
        places: &[
            ("NCR", "Manila", "1000", "Asia/Manila"),
            ("NCR", "Quezon City", "1100", "Asia/Manila"),
            ("NCR", "Makati", "1200", "Asia/Manila"),
            ("CEB", "Cebu City", "6000", "Asia/Manila"),
            ("DAV", "Davao City", "8000", "Asia/Manila"),
        ],
        streets: &[
            "Rizal Street",
            "Mabini Street",
            "Bonifacio Avenue",
            "Quezon Boulevard",
        ],
        number_first: true,
        ip16: &["112.200", "120.28", "49.145"],
        phone_cc: "63",
        phone: [
            "917", "918", "919", "920", "921", "927", "935", "945", "955", "966",
        ],
        passport: "P#######@",
        id_card: None,
        language: "en-PH,en;q=0.9,fil;q=0.8",
        mail_domains: &["yahoo.com.ph"],
        bank: Bank::Domestic {
            banks: &[("BDO Unibank", ""), ("BPI", ""), ("Metrobank", "")],
            account: "99########",
        },
        fintech_percent: 60,
        immigrants: &[],
    },
    Nation {
        code: "VN",
        icao: "VNM",
        culture: &VIETNAMESE,
        weight: 3,
        places: &[
            ("HN", "Hà Nội", "100000", "Asia/Ho_Chi_Minh"),
            ("SG", "Hồ Chí Minh", "700000", "Asia/Ho_Chi_Minh"),
            ("DN", "Đà Nẵng", "550000", "Asia/Ho_Chi_Minh"),
            ("HP", "Hải Phòng", "180000", "Asia/Ho_Chi_Minh"),
        ],
        streets: &["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Huệ", "Hai Bà Trưng"],
        number_first: true,
        ip16: &["113.170", "14.170", "171.230"],
        phone_cc: "84",
        phone: ["90", "91", "93", "94", "96", "97", "98", "32", "33", "86"],
        passport: "@#######",
        id_card: None,
        language: "vi-VN,vi;q=0.9,en;q=0.8",
        mail_domains: &[],
        bank: Bank::Domestic {
            banks: &[("Vietcombank", ""), ("Techcombank", ""), ("VietinBank", "")],
            account: "99########",
        },
        fintech_percent: 50,
        immigrants: &[],
    },
    Nation {
        code: "JP",
        icao: "JPN",
        culture: &JAPANESE,
        weight: 1,
        places: &[
            ("13", "Tokyo", "150-0001", "Asia/Tokyo"),
            ("27", "Osaka", "530-0001", "Asia/Tokyo"),
            ("14", "Yokohama", "220-0011", "Asia/Tokyo"),
            ("23", "Nagoya", "450-0002", "Asia/Tokyo"),
            ("40", "Fukuoka", "810-0001", "Asia/Tokyo"),
        ],
        streets: &["Chuo", "Shibuya", "Umeda", "Sakae", "Tenjin"],
        number_first: false,
        ip16: &["60.100", "126.200", "124.100", "180.12"],
        phone_cc: "81",
        phone: [
            "901", "902", "903", "904", "905", "801", "802", "803", "804", "701",
        ],
        passport: "T@#######",
        id_card: None,
        language: "ja-JP,ja;q=0.9,en;q=0.8",
        mail_domains: &["yahoo.co.jp", "docomo.ne.jp"],
        bank: Bank::Domestic {
            banks: &[
                ("MUFG Bank", "0005"),
                ("Mizuho Bank", "0001"),
                ("SMBC", "0009"),
            ],
            account: "########",
        },
        fintech_percent: 15,
        immigrants: &[],
    },
    Nation {
        code: "KR",
        icao: "KOR",
        culture: &KOREAN,
        weight: 1,
        places: &[
            ("11", "Seoul", "04524", "Asia/Seoul"),
            ("26", "Busan", "48058", "Asia/Seoul"),
            ("41", "Seongnam", "13494", "Asia/Seoul"),
            ("28", "Incheon", "21999", "Asia/Seoul"),
        ],
        streets: &["Teheran-ro", "Sejong-daero", "Gangnam-daero", "Haeundae-ro"],
        number_first: false,
        ip16: &["121.130", "175.200", "116.200"],
        phone_cc: "82",
        phone: [
            "100", "101", "102", "103", "104", "105", "106", "107", "108", "109",
        ],
        passport: "M########",
        id_card: None,
        language: "ko-KR,ko;q=0.9,en;q=0.8",
        mail_domains: &["naver.com", "daum.net"],
        bank: Bank::Domestic {
            banks: &[
                ("KB Kookmin Bank", ""),
                ("Shinhan Bank", ""),
                ("Woori Bank", ""),
            ],
            account: "9999########",
        },
        fintech_percent: 15,
        immigrants: &[],
    },
    Nation {
        code: "AU",
        icao: "AUS",
        culture: &ANGLO,
        weight: 2,
        places: &[
            ("NSW", "Sydney", "2000", "Australia/Sydney"),
            ("VIC", "Melbourne", "3000", "Australia/Melbourne"),
            ("QLD", "Brisbane", "4000", "Australia/Brisbane"),
            ("WA", "Perth", "6000", "Australia/Perth"),
            ("SA", "Adelaide", "5000", "Australia/Adelaide"),
        ],
        streets: &[
            "George St",
            "Collins St",
            "Queen St",
            "Hay St",
            "King William St",
        ],
        number_first: true,
        ip16: &["1.125", "101.170", "58.165", "49.180"],
        phone_cc: "61",
        phone: ["40", "41", "42", "43", "44", "45", "46", "47", "48", "49"],
        passport: "P@#######",
        id_card: None,
        language: "en-AU,en;q=0.9",
        mail_domains: &["bigpond.com"],
        bank: Bank::Domestic {
            banks: &[
                ("Commonwealth Bank", "062000"),
                ("Westpac", "032000"),
                ("ANZ", "012003"),
                ("NAB", "083004"),
            ],
            account: "9########",
        },
        fintech_percent: 10,
        immigrants: &["IN", "CN", "PH", "VN"],
    },
    Nation {
        code: "BR",
        icao: "BRA",
        culture: &LUSOPHONE,
        weight: 4,
        places: &[
            ("SP", "São Paulo", "01310-100", "America/Sao_Paulo"),
            ("RJ", "Rio de Janeiro", "20040-002", "America/Sao_Paulo"),
            ("MG", "Belo Horizonte", "30130-010", "America/Sao_Paulo"),
            ("PR", "Curitiba", "80010-000", "America/Sao_Paulo"),
            ("RS", "Porto Alegre", "90010-000", "America/Sao_Paulo"),
            ("PE", "Recife", "50030-230", "America/Recife"),
        ],
        streets: &[
            "Rua das Flores",
            "Avenida Paulista",
            "Rua XV de Novembro",
            "Rua da Paz",
        ],
        number_first: false,
        ip16: &["177.40", "189.60", "179.100", "186.200"],
        phone_cc: "55",
        phone: [
            "1191", "1198", "1197", "2199", "2198", "3199", "4199", "5199", "6199", "8199",
        ],
        passport: "@@######",
        id_card: None,
        language: "pt-BR,pt;q=0.9,en;q=0.8",
        mail_domains: &["uol.com.br", "bol.com.br"],
        bank: Bank::Domestic {
            banks: &[
                ("Itaú Unibanco", "341"),
                ("Banco do Brasil", "001"),
                ("Bradesco", "237"),
                ("Nubank", "260"),
            ],
            account: "########9",
        },
        fintech_percent: 50,
        immigrants: &[],
    },
    Nation {
        code: "MX",
        icao: "MEX",
        culture: &HISPANIC,
        weight: 3,
        places: &[
            ("CMX", "Ciudad de México", "06600", "America/Mexico_City"),
            ("JAL", "Guadalajara", "44100", "America/Mexico_City"),
            ("NLE", "Monterrey", "64000", "America/Monterrey"),
            ("PUE", "Puebla", "72000", "America/Mexico_City"),
            ("QUE", "Querétaro", "76000", "America/Mexico_City"),
        ],
        streets: &[
            "Avenida Reforma",
            "Calle Hidalgo",
            "Calle Morelos",
            "Avenida Juárez",
        ],
        number_first: false,
        ip16: &["187.150", "189.200", "201.100"],
        phone_cc: "52",
        phone: [
            "551", "552", "553", "554", "556", "331", "333", "811", "818", "222",
        ],
        passport: "G########",
        id_card: None,
        language: "es-MX,es;q=0.9,en;q=0.8",
        mail_domains: &["prodigy.net.mx"],
        bank: Bank::Domestic {
            banks: &[
                ("BBVA México", ""),
                ("Banorte", ""),
                ("Santander México", ""),
            ],
            account: "0121809########9",
        },
        fintech_percent: 40,
        immigrants: &[],
    },
    Nation {
        code: "AR",
        icao: "ARG",
        culture: &HISPANIC,
        weight: 2,
        places: &[
            (
                "C",
                "Buenos Aires",
                "C1001",
                "America/Argentina/Buenos_Aires",
            ),
            ("X", "Córdoba", "X5000", "America/Argentina/Cordoba"),
            ("S", "Rosario", "S2000", "America/Argentina/Cordoba"),
            ("M", "Mendoza", "M5500", "America/Argentina/Mendoza"),
        ],
        streets: &[
            "Avenida Corrientes",
            "Calle Florida",
            "Avenida Santa Fe",
            "Calle San Martín",
        ],
        number_first: false,
        ip16: &["186.22", "201.212", "200.45", "190.55"],
        phone_cc: "54",
        phone: [
            "9111", "9115", "9113", "9351", "9341", "9261", "9221", "9223", "9381", "9299",
        ],
        passport: "A@@######",
        id_card: None,
        language: "es-AR,es;q=0.9,en;q=0.8",
        mail_domains: &["fibertel.com.ar"],
        bank: Bank::Domestic {
            banks: &[
                ("Banco Galicia", ""),
                ("Banco Nación", ""),
                ("BBVA Argentina", ""),
            ],
            account: "0070999999999########9",
        },
        fintech_percent: 60,
        immigrants: &[],
    },
    Nation {
        code: "CO",
        icao: "COL",
        culture: &HISPANIC,
        weight: 2,
        places: &[
            ("DC", "Bogotá", "110111", "America/Bogota"),
            ("ANT", "Medellín", "050001", "America/Bogota"),
            ("VAC", "Cali", "760001", "America/Bogota"),
            ("ATL", "Barranquilla", "080001", "America/Bogota"),
        ],
        streets: &["Carrera 7", "Calle 72", "Carrera 43A", "Avenida 6N"],
        number_first: false,
        ip16: &["181.50", "190.250"],
        phone_cc: "57",
        phone: [
            "300", "301", "304", "310", "311", "313", "315", "316", "318", "320",
        ],
        passport: "@@######",
        id_card: None,
        language: "es-CO,es;q=0.9",
        mail_domains: &[],
        bank: Bank::Domestic {
            banks: &[
                ("Bancolombia", ""),
                ("Banco de Bogotá", ""),
                ("Davivienda", ""),
            ],
            account: "999########",
        },
        fintech_percent: 50,
        immigrants: &[],
    },
    Nation {
        code: "NG",
        icao: "NGA",
        culture: &NIGERIAN,
        weight: 3,
        places: &[
            ("LA", "Lagos", "100001", "Africa/Lagos"),
            ("FC", "Abuja", "900001", "Africa/Lagos"),
            ("OY", "Ibadan", "200001", "Africa/Lagos"),
            ("RI", "Port Harcourt", "500001", "Africa/Lagos"),
        ],
        streets: &[
            "Awolowo Road",
            "Allen Avenue",
            "Adeola Odeku Street",
            "Herbert Macaulay Way",
        ],
        number_first: true,
        ip16: &["105.112", "41.184", "102.88"],
        phone_cc: "234",
        phone: [
            "803", "806", "813", "816", "703", "706", "805", "807", "802", "808",
        ],
        passport: "A########",
        id_card: None,
        language: "en-NG,en;q=0.9",
        mail_domains: &[],
        bank: Bank::Domestic {
            banks: &[
                ("GTBank", "058"),
                ("Access Bank", "044"),
                ("Zenith Bank", "057"),
                ("UBA", "033"),
            ],
            account: "########99",
        },
        fintech_percent: 60,
        immigrants: &[],
    },
    Nation {
        code: "KE",
        icao: "KEN",
        culture: &KENYAN,
        weight: 2,
        places: &[
            ("Nairobi", "Nairobi", "00100", "Africa/Nairobi"),
            ("Mombasa", "Mombasa", "80100", "Africa/Nairobi"),
            ("Kisumu", "Kisumu", "40100", "Africa/Nairobi"),
            ("Nakuru", "Nakuru", "20100", "Africa/Nairobi"),
        ],
        streets: &["Moi Avenue", "Kenyatta Avenue", "Ngong Road", "Waiyaki Way"],
        number_first: false,
        ip16: &["197.248", "105.160", "41.89"],
        phone_cc: "254",
        phone: ["70", "71", "72", "74", "75", "76", "79", "11", "10", "77"],
        passport: "A@#######",
        id_card: None,
        language: "en-KE,en;q=0.9,sw;q=0.8",
        mail_domains: &[],
        bank: Bank::Domestic {
            banks: &[
                ("Equity Bank", ""),
                ("KCB Bank", ""),
                ("Co-operative Bank", ""),
            ],
            account: "99999########",
        },
        fintech_percent: 60,
        immigrants: &[],
    },
    Nation {
        code: "EG",
        icao: "EGY",
        culture: &EGYPTIAN,
        weight: 2,
        places: &[
            ("C", "Cairo", "11511", "Africa/Cairo"),
            ("ALX", "Alexandria", "21500", "Africa/Cairo"),
            ("GZ", "Giza", "12511", "Africa/Cairo"),
        ],
        streets: &[
            "Tahrir Street",
            "Talaat Harb Street",
            "Corniche Road",
            "Abbas El Akkad Street",
        ],
        number_first: true,
        ip16: &["41.40", "156.200"],
        phone_cc: "20",
        phone: [
            "100", "101", "106", "109", "110", "111", "112", "114", "120", "127",
        ],
        passport: "A########",
        id_card: None,
        language: "ar-EG,ar;q=0.9,en;q=0.8",
        mail_domains: &[],
        bank: Bank::Domestic {
            banks: &[
                ("National Bank of Egypt", ""),
                ("Banque Misr", ""),
                ("CIB", ""),
            ],
            account: "9999########",
        },
        fintech_percent: 60,
        immigrants: &[],
    },
    Nation {
        code: "TR",
        icao: "TUR",
        culture: &TURKISH,
        weight: 2,
        places: &[
            ("34", "İstanbul", "34000", "Europe/Istanbul"),
            ("06", "Ankara", "06000", "Europe/Istanbul"),
            ("35", "İzmir", "35000", "Europe/Istanbul"),
            ("16", "Bursa", "16000", "Europe/Istanbul"),
        ],
        streets: &[
            "Atatürk Caddesi",
            "İstiklal Caddesi",
            "Cumhuriyet Caddesi",
            "Bağdat Caddesi",
        ],
        number_first: false,
        ip16: &["88.230", "78.170"],
        phone_cc: "90",
        phone: [
            "530", "531", "532", "533", "535", "536", "541", "542", "505", "555",
        ],
        passport: "U########",
        id_card: Some("A@@######"),
        language: "tr-TR,tr;q=0.9,en;q=0.8",
        mail_domains: &["hotmail.com.tr"],
        bank: Bank::Iban {
            banks: &[
                ("Ziraat Bankası", "00010"),
                ("Garanti BBVA", "00062"),
                ("Akbank", "00046"),
                ("İş Bankası", "00064"),
            ],
            bban: "099999999########",
        },
        fintech_percent: 20,
        immigrants: &[],
    },
    Nation {
        code: "PK",
        icao: "PAK",
        culture: &PAKISTANI,
        weight: 4,
        places: &[
            ("PB", "Lahore", "54000", "Asia/Karachi"),
            ("SD", "Karachi", "74000", "Asia/Karachi"),
            ("IS", "Islamabad", "44000", "Asia/Karachi"),
            ("PB", "Faisalabad", "38000", "Asia/Karachi"),
        ],
        streets: &[
            "Mall Road",
            "Jinnah Avenue",
            "Shahrah-e-Faisal",
            "Main Boulevard",
        ],
        number_first: true,
        ip16: &["39.40", "182.176", "119.152"],
        phone_cc: "92",
        phone: [
            "300", "301", "302", "303", "311", "312", "321", "322", "333", "345",
        ],
        passport: "A@#######",
        id_card: None,
        language: "en-PK,en;q=0.9,ur;q=0.8",
        mail_domains: &[],
        bank: Bank::Iban {
            banks: &[
                ("Standard Chartered", "SCBL"),
                ("Habib Bank", "HABB"),
                ("Meezan Bank", "MEZN"),
                ("United Bank", "UNIL"),
            ],
            bban: "99999999########",
        },
        fintech_percent: 60,
        immigrants: &[],
    },
    Nation {
        code: "ID",
        icao: "IDN",
        culture: &INDONESIAN,
        weight: 2,
        places: &[
            ("JK", "Jakarta", "10110", "Asia/Jakarta"),
            ("JB", "Bandung", "40111", "Asia/Jakarta"),
            ("JI", "Surabaya", "60111", "Asia/Jakarta"),
            ("YO", "Yogyakarta", "55111", "Asia/Jakarta"),
            ("BA", "Denpasar", "80111", "Asia/Makassar"),
        ],
        streets: &[
            "Jalan Sudirman",
            "Jalan Thamrin",
            "Jalan Merdeka",
            "Jalan Diponegoro",
        ],
        number_first: false,
        ip16: &["36.70", "114.120"],
        phone_cc: "62",
        phone: [
            "811", "812", "813", "821", "822", "852", "853", "857", "858", "878",
        ],
        passport: "@#######",
        id_card: Some("3171########9999"),
        language: "id-ID,id;q=0.9,en;q=0.8",
        mail_domains: &[],
        bank: Bank::Domestic {
            banks: &[("Bank Central Asia", ""), ("Bank Mandiri", ""), ("BRI", "")],
            account: "99########",
        },
        fintech_percent: 50,
        immigrants: &[],
    },
    Nation {
        code: "ZA",
        icao: "ZAF",
        culture: &SOUTH_AFRICAN,
        weight: 1,
        places: &[
            ("GP", "Johannesburg", "2001", "Africa/Johannesburg"),
            ("WC", "Cape Town", "8001", "Africa/Johannesburg"),
            ("KZN", "Durban", "4001", "Africa/Johannesburg"),
            ("GP", "Pretoria", "0002", "Africa/Johannesburg"),
        ],
        streets: &[
            "Long Street",
            "Main Road",
            "Church Street",
            "Jan Smuts Avenue",
        ],
        number_first: true,
        ip16: &["105.224", "41.13", "197.229"],
        phone_cc: "27",
        phone: ["60", "61", "71", "72", "73", "74", "76", "78", "79", "82"],
        passport: "A########",
        id_card: None,
        language: "en-ZA,en;q=0.9,af;q=0.8",
        mail_domains: &[],
        bank: Bank::Domestic {
            banks: &[
                ("FNB", "250655"),
                ("Standard Bank", "051001"),
                ("Absa", "632005"),
                ("Capitec", "470010"),
            ],
            account: "99########",
        },
        fintech_percent: 30,
        immigrants: &[],
    },
    Nation {
        code: "CN",
        icao: "CHN",
        culture: &CHINESE,
        passport: "E########",
        language: "zh-CN,zh;q=0.9,en;q=0.8",
        mail_domains: &["qq.com", "163.com"],
        ..ORIGIN_ONLY
    },
];

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
    use crate::identifiers::{normalise_document_number, normalise_email, normalise_phone};
    use crate::model::Application;

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
            .unwrap_or_else(|_| format!("{}/../shared", env!("CARGO_MANIFEST_DIR")));
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
            assert!(phones.insert(normalise_phone(applicant["phone"].as_str().unwrap()).unwrap()));
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

    fn shipped_intel() -> crate::intel::Intel {
        let intel = crate::intel::Intel::load(&crate::intel::IntelSources {
            geoip_dir: Some(format!("{}/geoip", env!("CARGO_MANIFEST_DIR")).into()),
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
            let mut facts = crate::checks::Facts::new(&app, Utc::now());
            facts.sessions = app.sessions.iter().map(|s| intel.lookup(s.ip)).collect();
            for signal in crate::checks::run(&app, &facts) {
                raised.entry(signal.code).or_default().push(i);
            }
        }
        // An interview with the webcam off now and then (3 %), a crypto payout (1 %): weak
        // signals, as in life.
        raised.remove("NET_INTERVIEW_WEBCAM_OFF");
        raised.remove("PAY_CRYPTO");
        assert!(raised.is_empty(), "{raised:?}");
    }

    #[test]
    fn tables_are_consistent() {
        for nation in NATIONS {
            for template in std::iter::once(nation.passport).chain(nation.id_card) {
                assert_eq!(
                    template.chars().filter(|c| matches!(c, '#' | '@')).count(),
                    8,
                    "{} {template}",
                    nation.code
                );
            }
            if nation.weight == 0 {
                continue;
            }
            let distinct: HashSet<&str> = nation.phone.iter().copied().collect();
            let lengths: HashSet<usize> = nation.phone.iter().map(|p| p.len()).collect();
            assert_eq!((distinct.len(), lengths.len()), (10, 1), "{}", nation.code);
            let account = match nation.bank {
                Bank::Iban { bban, .. } => bban,
                Bank::Domestic { account, .. } => account,
            };
            assert_eq!(account.matches('#').count(), 8, "{}", nation.code);
            for origin in nation.immigrants {
                super::nation(origin);
            }
        }
    }
}
