//! What one application's own sessions show: where they come from, through what, and with what
//! tools. Lookups happen before the checks; `facts.sessions[i]` describes `app.sessions[i]`.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::codes::*;
use super::{Facts, signal};
use crate::intel::geoip::IpFacts;
use crate::model::{Application, Country, Session, SessionKind, Signal};

/// The DPRK's own network (Star Joint Venture).
const DPRK_ASN: u32 = 131_279;

/// Regions bordering North Korea where IT-worker teams are reported (China's Liaoning and Jilin,
/// Russia's Primorsky Krai), as ISO 3166-2 subdivision codes and as names.
const BORDER_REGIONS: &[(&str, &str, &str)] = &[
    ("CN", "LN", "Liaoning"),
    ("CN", "JL", "Jilin"),
    ("RU", "PRI", "Primorsky Krai"),
    ("RU", "PRI", "Primorye"),
];

/// Tools that hand the machine to someone else: hardware IP-KVMs weigh more than desktop sharing.
const IP_KVM: &[&str] = &["ip_kvm", "pikvm", "tinypilot", "kvm"];

pub fn check(app: &Application, facts: &Facts, out: &mut Vec<Signal>) {
    let sessions: Vec<(&Session, &IpFacts)> =
        app.sessions.iter().zip(facts.sessions.iter()).collect();
    dprk_address_space(&sessions, out);
    advisory_addresses(&sessions, out);
    anonymisers(&sessions, out);
    session_countries(app, &sessions, out);
    border_regions(app, &sessions, out);
    remote_access(app, out);
    webcam(app, out);
    korean_locale(app, out);
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

fn session_countries(app: &Application, sessions: &[(&Session, &IpFacts)], out: &mut Vec<Signal>) {
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
    let mut countries: BTreeMap<String, u32> = BTreeMap::new();
    for (_, ip) in &elsewhere {
        if let Some(c) = ip.country {
            *countries.entry(c.as_str().to_owned()).or_default() += 1;
        }
    }
    out.push(signal(
        NET_SESSION_COUNTRY_MISMATCH,
        format!(
            "Most sessions come from outside {}, where the applicant says they live.",
            residence.name()
        ),
        json!({
            "residence_country": residence,
            "session_countries": countries,
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
        .filter(|(_, ip)| {
            let Some(country) = ip.country else {
                return false;
            };
            // Someone who lives in that country may well be in that province.
            country != residence
                && BORDER_REGIONS.iter().any(|(c, code, name)| {
                    country.as_str() == *c
                        && (ip.region.as_deref() == Some(*code)
                            || ip
                                .region_name
                                .as_deref()
                                .is_some_and(|n| n.eq_ignore_ascii_case(name)))
                })
        })
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
