//! What one application's own sessions show: where they come from, through what, and with what
//! tools. Lookups happen before the checks; `facts.sessions[i]` describes `app.sessions[i]`.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::codes::*;
use super::{Facts, clock, signal};
use crate::model::IpFacts;
use crate::model::{Application, Country, Session, SessionKind, Signal, unroutable};

/// The DPRK's own network (Star Joint Venture).
const DPRK_ASN: u32 = 131_279;

/// Regions bordering North Korea where IT-worker teams are reported (China's Liaoning and Jilin,
/// Russia's Primorsky Krai): the country, the ISO 3166-2 codes the big GeoIP vendors use (letters
/// since 2017; MaxMind still writes China's former numeric codes `21`/`22`; `25` is Primorsky's
/// federal-subject number), and the names' stems as `region_key` leaves them ("Liaoning Sheng",
/// "Primorskiy (Maritime) Kray", "Primorsky Krai", "Приморский край"…).
const BORDER_REGIONS: &[(&str, &[&str], &[&str])] = &[
    ("CN", &["LN", "21"], &["liaoning", "辽宁"]),
    ("CN", &["JL", "22"], &["jilin", "吉林"]),
    (
        "RU",
        &["PRI", "25"],
        &[
            "primorsky",
            "primorskiy",
            "primorskii",
            "primorskij",
            "primorye",
            "primorie",
            "приморский",
            "приморье",
        ],
    ),
];

/// Words vendors add to a subdivision's name that say what kind of subdivision it is, folded as
/// `region_key` folds them (край loses its breve: `краи`).
const SUBDIVISION_WORDS: &[&str] = &[
    "sheng",
    "shi",
    "province",
    "krai",
    "kray",
    "oblast",
    "region",
    "territory",
    "maritime",
    "краи",
    "省",
];

/// A subdivision name reduced to its stem: case and diacritics folded, parentheses and the kind of
/// subdivision dropped ("Primorskiy (Maritime) Kray" → `primorskiy`, "Liaoning Sheng" → `liaoning`).
fn region_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut depth = 0usize;
    let folded: String = name
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .filter(|c| match c {
            '(' => {
                depth += 1;
                false
            }
            ')' => {
                depth = depth.saturating_sub(1);
                false
            }
            _ => depth == 0,
        })
        .collect();
    let mut words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.retain(|w| !SUBDIVISION_WORDS.contains(w));
    let mut key = words.concat();
    // Chinese names carry 省 ("province") without a space.
    if let Some(stem) = key.strip_suffix('省') {
        key = stem.to_owned();
    }
    key
}

/// The subdivision code without its country prefix (`CN-LN` → `LN`), upper-cased.
fn region_code(code: &str, country: &str) -> String {
    let code = code.trim().to_ascii_uppercase();
    code.strip_prefix(&format!("{country}-"))
        .map(str::to_owned)
        .unwrap_or(code)
}

/// The stems of [`BORDER_REGIONS`] folded by [`region_key`], once.
static BORDER_STEM_KEYS: std::sync::LazyLock<Vec<Vec<String>>> = std::sync::LazyLock::new(|| {
    BORDER_REGIONS
        .iter()
        .map(|(_, _, stems)| stems.iter().map(|s| region_key(s)).collect())
        .collect()
});

/// Whether what a database says of a session's subdivision names a region bordering North Korea.
pub fn is_border_region(ip: &IpFacts) -> bool {
    let Some(country) = ip.country else {
        return false;
    };
    let country = country.as_str();
    if !BORDER_REGIONS.iter().any(|(c, _, _)| *c == country) {
        return false;
    }
    let keys: Vec<String> = [ip.region.as_deref(), ip.region_name.as_deref()]
        .into_iter()
        .flatten()
        .map(region_key)
        .collect();
    BORDER_REGIONS
        .iter()
        .zip(BORDER_STEM_KEYS.iter())
        .any(|((c, codes, _), stems)| {
            *c == country
                && (ip
                    .region
                    .as_deref()
                    .is_some_and(|r| codes.contains(&region_code(r, c).as_str()))
                    || keys.iter().any(|key| stems.contains(key)))
        })
}

/// Tools that hand the machine to someone else: hardware IP-KVMs weigh more than desktop sharing.
const IP_KVM: &[&str] = &["ip_kvm", "pikvm", "tinypilot", "kvm"];

pub fn check(app: &Application, facts: &Facts, out: &mut Vec<Signal>) {
    let sessions: Vec<(&Session, &IpFacts)> =
        app.sessions.iter().zip(facts.sessions.iter()).collect();
    dprk_address_space(&sessions, out);
    advisory_addresses(&sessions, out);
    anonymisers(&sessions, out);
    session_countries(app, facts, &sessions, out);
    border_regions(app, &sessions, out);
    remote_access(app, out);
    webcam(app, out);
    korean_locale(app, out);
    unlocatable(facts, &sessions, out);
}

fn describe(session: &Session, ip: &IpFacts) -> Value {
    json!({
        "ip": session.ip.to_string(),
        "session": session.kind,
        "country": ip.country,
        "region": ip.region.as_deref().or(ip.region_name.as_deref()),
        "city": ip.city,
        "asn": ip.asn,
        "organization": ip.as_organization,
    })
}

fn dprk_address_space(sessions: &[(&Session, &IpFacts)], out: &mut Vec<Signal>) {
    let hits: Vec<Value> = sessions
        .iter()
        .filter(|(_, ip)| ip.has_tag("dprk") || ip.asn == Some(DPRK_ASN))
        .map(|(s, ip)| {
            let mut d = describe(s, ip);
            d["network"] = json!(ip.overlay.as_ref().and_then(|o| o.network.clone()));
            d["source"] = json!(ip.overlay.as_ref().and_then(|o| o.source.clone()));
            d
        })
        .collect();
    if !hits.is_empty() {
        out.push(signal(
            NET_DPRK_ADDRESS_SPACE,
            "A session came from address space allocated to North Korea.",
            json!({ "sessions": hits }),
        ));
    }
}

fn advisory_addresses(sessions: &[(&Session, &IpFacts)], out: &mut Vec<Signal>) {
    let hits: Vec<Value> = sessions
        .iter()
        .filter(|(_, ip)| ip.has_tag("advisory_ioc"))
        .map(|(s, ip)| {
            let mut d = describe(s, ip);
            d["source"] = json!(ip.overlay.as_ref().and_then(|o| o.source.clone()));
            d
        })
        .collect();
    if !hits.is_empty() {
        out.push(signal(
            NET_ADVISORY_ADDRESS,
            "A session came from an address published as an indicator of DPRK IT-worker activity.",
            json!({ "sessions": hits }),
        ));
    }
}

fn anonymisers(sessions: &[(&Session, &IpFacts)], out: &mut Vec<Signal>) {
    let anonymised: Vec<Value> = sessions
        .iter()
        .filter(|(_, ip)| ip.anonymity.any())
        .map(|(s, ip)| {
            let mut d = describe(s, ip);
            d["through"] = json!(ip.anonymity.kinds());
            d["provider"] = json!(ip.anonymity.provider);
            d
        })
        .collect();
    if anonymised.is_empty() {
        return;
    }
    // Someone who is never seen without an anonymiser hides where they are; one VPN login says
    // little (privacy-minded people, corporate VPNs, a build box in a cloud).
    let (code, message) = if anonymised.len() == sessions.len() {
        (
            NET_ANONYMIZER_ALWAYS,
            "Every session came through a VPN, proxy, Tor or hosting network.",
        )
    } else {
        (
            NET_ANONYMIZER_SOMETIMES,
            "Some sessions came through a VPN, proxy, Tor or hosting network.",
        )
    };
    out.push(signal(
        code,
        message,
        json!({ "sessions": anonymised, "of_sessions": sessions.len() }),
    ));
}

/// How much a session says about where someone is: those that a person attends weigh more than
/// a single login.
fn weight(session: &Session) -> u32 {
    match session.kind {
        Some(SessionKind::Interview | SessionKind::DocumentUpload | SessionKind::Signup) => 2,
        _ => 1,
    }
}

/// Countries named as bases of DPRK IT workers: the 2022 US advisory (most in China and Russia), the
/// 2025 Multilateral Sanctions Monitoring Team report (China, Russia, Laos, Cambodia, Equatorial Guinea,
/// Guinea, Nigeria, Tanzania), and the cases naming Vietnam (Sobaeksu-recruited teams) and the UAE
/// (the Georgia defendants, 2019 on). Malaysia, named once in a vendor's account, is left out.
const DPRK_WORKER_BASES: &[&str] = &["CN", "RU", "LA", "KH", "VN", "AE", "GQ", "GN", "NG", "TZ"];

fn session_countries(
    app: &Application,
    facts: &Facts,
    sessions: &[(&Session, &IpFacts)],
    out: &mut Vec<Signal>,
) {
    let residence = app.applicant.residence.country;
    // Anonymised sessions exit wherever the provider is: their country says nothing of the person.
    let located: Vec<&(&Session, &IpFacts)> = sessions
        .iter()
        .filter(|(_, ip)| ip.country.is_some() && !ip.anonymity.any())
        .collect();
    let total: u32 = located.iter().map(|(s, _)| weight(s)).sum();
    let elsewhere: Vec<&&(&Session, &IpFacts)> = located
        .iter()
        .filter(|(_, ip)| ip.country != Some(residence))
        .collect();
    let away: u32 = elsewhere.iter().map(|(s, _)| weight(s)).sum();
    // Weight 2 is one interview or two logins; more than half the evidence must point elsewhere.
    if away < 2 || away * 2 <= total {
        return;
    }
    let countries = |of: &[&&(&Session, &IpFacts)]| {
        let mut counted: BTreeMap<String, u32> = BTreeMap::new();
        for (_, ip) in of {
            if let Some(c) = ip.country {
                *counted.entry(c.as_str().to_owned()).or_default() += 1;
            }
        }
        counted
    };
    // Sessions abroad whose browser clock is on local time there: someone working from abroad.
    let local: Vec<&&(&Session, &IpFacts)> = elsewhere
        .iter()
        .copied()
        .filter(|(s, ip)| {
            clock::abroad_with_local_clock(residence, s, ip, s.observed_at.unwrap_or(facts.now))
        })
        .collect();
    let local_weight: u32 = local.iter().map(|(s, _)| weight(s)).sum();
    if local_weight * 2 > away {
        let at_base: Vec<&&(&Session, &IpFacts)> = local
            .iter()
            .copied()
            .filter(|(_, ip)| {
                ip.country
                    .is_some_and(|c| DPRK_WORKER_BASES.contains(&c.as_str()))
            })
            .collect();
        let base_weight: u32 = at_base.iter().map(|(s, _)| weight(s)).sum();
        // One fact, one signal: the country, the clock and the residence all describe it.
        let (code, message, shown) = if base_weight >= 2 && base_weight * 2 >= local_weight {
            (
                NET_WORKING_FROM_DPRK_WORKER_BASE,
                format!(
                    "The applicant works from {}, a country named as a base of North Korean IT workers, while saying they live in {}.",
                    at_base[0].1.country.map_or("abroad", |c| c.name()),
                    residence.name()
                ),
                &at_base,
            )
        } else {
            (
                NET_WORKING_ABROAD,
                format!(
                    "The applicant works from abroad ({}): sessions from there with the browser clock on local time.",
                    local[0].1.country.map_or("another country", |c| c.name())
                ),
                &local,
            )
        };
        out.push(signal(
            code,
            message,
            json!({
                "residence_country": residence,
                "session_countries": countries(shown),
                "weight_abroad": away,
                "weight_total": total,
                "sessions": shown.iter().map(|(s, ip)| {
                    let mut d = describe(s, ip);
                    d["browser_timezone"] = json!(s.browser_timezone.as_ref().map(|z| z.as_str()));
                    d
                }).collect::<Vec<_>>(),
            }),
        ));
        return;
    }
    out.push(signal(
        NET_SESSIONS_ABROAD,
        format!(
            "Most sessions come from outside {}, where the applicant says they live, and the browser clock does not place them there.",
            residence.name()
        ),
        json!({
            "residence_country": residence,
            "session_countries": countries(&elsewhere),
            "weight_elsewhere": away,
            "weight_total": total,
            "sessions": elsewhere.iter().map(|(s, ip)| describe(s, ip)).collect::<Vec<_>>(),
        }),
    ));
}

fn border_regions(app: &Application, sessions: &[(&Session, &IpFacts)], out: &mut Vec<Signal>) {
    let residence = app.applicant.residence.country;
    let hits: Vec<Value> = sessions
        .iter()
        .filter(|(_, ip)| !ip.anonymity.any())
        // Someone who lives in that country may well be in that province.
        .filter(|(_, ip)| ip.country.is_some_and(|c| c != residence) && is_border_region(ip))
        .map(|(s, ip)| describe(s, ip))
        .collect();
    if !hits.is_empty() {
        out.push(signal(
            NET_DPRK_BORDER_REGION,
            "A session came from a region bordering North Korea where IT-worker teams operate, far from the declared residence.",
            json!({ "residence_country": residence, "sessions": hits }),
        ));
    }
}

fn remote_access(app: &Application, out: &mut Vec<Signal>) {
    let mut kvm: Vec<String> = Vec::new();
    let mut desktop: Vec<String> = Vec::new();
    for tool in app.sessions.iter().flat_map(|s| &s.remote_access_tools) {
        let name = tool.trim().to_ascii_lowercase();
        let list = if IP_KVM.iter().any(|k| name.contains(k)) {
            &mut kvm
        } else {
            &mut desktop
        };
        if !name.is_empty() && !list.contains(&name) {
            list.push(name);
        }
    }
    if !kvm.is_empty() {
        out.push(signal(
            NET_IP_KVM,
            "An IP-KVM device controls the applicant's machine: someone else may be at the keyboard.",
            json!({ "tools": kvm }),
        ));
    }
    if !desktop.is_empty() {
        out.push(signal(
            NET_REMOTE_DESKTOP,
            "Remote-desktop software runs on the applicant's machine.",
            json!({ "tools": desktop }),
        ));
    }
}

fn webcam(app: &Application, out: &mut Vec<Signal>) {
    let off = app
        .sessions
        .iter()
        .filter(|s| s.kind == Some(SessionKind::Interview) && s.webcam_enabled == Some(false))
        .count();
    if off > 0 {
        out.push(signal(
            NET_INTERVIEW_WEBCAM_OFF,
            "The applicant kept the webcam off during an interview.",
            json!({ "interviews_with_webcam_off": off }),
        ));
    }
}

fn korean_locale(app: &Application, out: &mut Vec<Signal>) {
    let korea = |c: Option<Country>| c.is_some_and(|c| matches!(c.as_str(), "KR" | "KP"));
    let doc_korean = app.identity_document.as_ref().is_some_and(|d| {
        korea(d.nationality.as_ref().and_then(|n| n.country()))
            || korea(d.issuing_country.country())
    });
    if korea(app.applicant.nationality)
        || korea(Some(app.applicant.residence.country))
        || doc_korean
    {
        return;
    }
    let mut seen: Vec<String> = Vec::new();
    for session in &app.sessions {
        let language = session.accept_language.as_deref().unwrap_or("");
        let primary = language
            .split(',')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if primary == "ko" || primary.starts_with("ko-") {
            seen.push(format!("accept-language {primary}"));
        }
        for layout in &session.keyboard_layouts {
            let l = layout.to_ascii_lowercase();
            if l == "ko" || l.starts_with("ko-") || l.contains("korean") || l.contains("hangul") {
                seen.push(format!("keyboard {layout}"));
            }
        }
    }
    seen.dedup();
    if !seen.is_empty() {
        out.push(signal(
            NET_KOREAN_LOCALE,
            "The browser prefers Korean, or a Korean keyboard is installed, although nothing else about the applicant is Korean.",
            json!({ "seen": seen }),
        ));
    }
}

/// Sessions whose reported address is private or special-purpose: the network checks could not
/// place them, which the reviewer should know when the verdict says nothing about the network.
fn unlocatable(facts: &Facts, sessions: &[(&Session, &IpFacts)], out: &mut Vec<Signal>) {
    let hits: Vec<Value> = sessions
        .iter()
        .enumerate()
        // A range the tenant allows (its own proxy) is placed by the tenant.
        .filter(|(i, _)| !facts.allow.covers_session(*i))
        .filter_map(|(_, (s, _))| {
            unroutable(s.ip)
                .map(|why| json!({ "ip": s.ip.to_string(), "session": s.kind, "address": why }))
        })
        .collect();
    if !hits.is_empty() {
        out.push(signal(
            NET_SESSIONS_UNLOCATABLE,
            "Some sessions report addresses no IP database can place (private, loopback, carrier-grade NAT): the network checks could not judge them.",
            json!({ "sessions": hits, "of_sessions": sessions.len() }),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(country: &str, region: Option<&str>, name: Option<&str>) -> IpFacts {
        IpFacts {
            country: Country::parse(country),
            region: region.map(str::to_owned),
            region_name: name.map(str::to_owned),
            ..IpFacts::default()
        }
    }

    #[test]
    fn border_regions_match_every_code_spelling_and_vendor_name() {
        for (country, code, name) in [
            ("CN", Some("LN"), None),
            ("CN", Some("21"), None),
            ("CN", Some("CN-LN"), None),
            ("CN", Some("cn-21"), None),
            ("CN", Some("22"), Some("Jilin Sheng")),
            ("CN", Some("JL"), None),
            ("CN", None, Some("Liaoning")),
            ("CN", None, Some("Liaoning Sheng")),
            ("CN", None, Some("LIAONING PROVINCE")),
            ("CN", None, Some("Jilin")),
            ("CN", None, Some("辽宁省")),
            ("CN", None, Some("吉林")),
            ("RU", Some("PRI"), None),
            ("RU", Some("RU-PRI"), None),
            ("RU", None, Some("Primorskiy Kray")),
            ("RU", None, Some("Primorsky Krai")),
            ("RU", None, Some("Primorskiy (Maritime) Kray")),
            ("RU", None, Some("Primorye")),
            ("RU", None, Some("Primor'ye")),
            ("RU", None, Some("Приморский край")),
        ] {
            assert!(
                is_border_region(&place(country, code, name)),
                "{country} {code:?} {name:?}"
            );
        }
    }

    #[test]
    fn other_regions_and_other_countries_are_not_border_regions() {
        for (country, code, name) in [
            ("CN", Some("SH"), Some("Shanghai")),
            ("CN", Some("15"), Some("Inner Mongolia")),
            ("CN", Some("23"), Some("Heilongjiang Sheng")),
            ("RU", Some("KHA"), Some("Khabarovsk")),
            ("RU", Some("21"), Some("Chuvashia")),
            // Codes and names belong to their country: Liaoning's code elsewhere means something else.
            ("US", Some("LN"), Some("Liaoning")),
            ("KR", Some("22"), None),
        ] {
            assert!(
                !is_border_region(&place(country, code, name)),
                "{country} {code:?} {name:?}"
            );
        }
    }

    #[test]
    fn region_keys_fold_case_diacritics_and_kinds_of_subdivision() {
        assert_eq!(region_key("Primorskiy (Maritime) Kray"), "primorskiy");
        assert_eq!(region_key("  Liaoning Sheng "), "liaoning");
        assert_eq!(region_key("Primórskiy Kráy"), "primorskiy");
        assert_eq!(region_key("辽宁省"), "辽宁");
    }
}
