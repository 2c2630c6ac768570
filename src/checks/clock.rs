//! Time zones and clocks: where the browser's clock says the applicant is, against where they say
//! they live and where their IP is. Zones are compared as UTC offsets at each session's moment, so
//! daylight saving and neighbouring zones with the same time do not count as contradictions.

use chrono::{DateTime, Offset, TimeZone, Utc};
use serde_json::{Value, json};

use super::codes::*;
use super::{Facts, signal};
use crate::model::IpFacts;
use crate::model::{Application, Country, Session, Signal, TimeZoneName};

/// Offsets closer than this are the same working day (neighbouring zones, DST edges).
const TOLERANCE_MINUTES: i32 = 90;

/// Minutes east of UTC of `zone` at `at`.
pub fn offset_minutes(zone: &TimeZoneName, at: DateTime<Utc>) -> Option<i32> {
    let tz = zone.tz()?;
    Some(
        tz.offset_from_utc_datetime(&at.naive_utc())
            .fix()
            .local_minus_utc()
            / 60,
    )
}

/// Whether the browser's clock agrees with where the session's IP is: with the IP's zone (City
/// database) within the tolerance, or, when only the IP's country is known, the browser's zone is one
/// used in that country (tzdata). `None` when either side is unknown.
pub fn clock_agrees_with_ip(session: &Session, ip: &IpFacts, at: DateTime<Utc>) -> Option<bool> {
    let zone = session.browser_timezone.as_ref()?;
    let country = ip.country?;
    if let Some(ip_zone) = &ip.time_zone
        && let (Some(browser), Some(local)) =
            (offset_minutes(zone, at), offset_minutes(ip_zone, at))
    {
        return Some((browser - local).abs() < TOLERANCE_MINUTES);
    }
    zone.used_in(country)
}

/// One fact, "working from abroad": a session from a non-anonymised network outside the country of
/// residence whose browser clock agrees with where that network is. Its clock says nothing against
/// the residence beyond that fact, which the session-country check reports.
pub fn abroad_with_local_clock(
    residence: Country,
    session: &Session,
    ip: &IpFacts,
    at: DateTime<Utc>,
) -> bool {
    !ip.anonymity.any()
        && ip.country.is_some_and(|c| c != residence)
        && clock_agrees_with_ip(session, ip, at) == Some(true)
}

pub fn check(app: &Application, facts: &Facts, out: &mut Vec<Signal>) {
    let residence = &app.applicant.residence;
    let mut pyongyang = Vec::new();
    let mut against_residence = Vec::new();
    let mut against_ip = Vec::new();
    let mut clock = Vec::new();
    let mut with_zone = 0;

    for (session, ip) in app.sessions.iter().zip(facts.sessions.iter()) {
        let at = session.observed_at.unwrap_or(facts.now);
        if let (Some(zone), Some(stated)) = (&session.browser_timezone, session.utc_offset_minutes)
            && let Some(expected) = offset_minutes(zone, at)
            && (expected - i32::from(stated)).abs() >= 30
        {
            clock.push(json!({
                "ip": session.ip.to_string(), "browser_timezone": zone.as_str(),
                "utc_offset_minutes": stated, "zone_offset_minutes": expected,
            }));
        }
        let Some(zone) = &session.browser_timezone else {
            continue;
        };
        with_zone += 1;
        if zone.as_str() == "Asia/Pyongyang" {
            pyongyang.push(json!({ "ip": session.ip.to_string(), "session": session.kind }));
        }
        let Some(browser) = offset_minutes(zone, at) else {
            continue;
        };
        let from_residence = match &residence.timezone {
            Some(home) => {
                offset_minutes(home, at).is_some_and(|h| (h - browser).abs() >= TOLERANCE_MINUTES)
            }
            // No declared zone: the browser's zone is foreign to the country of residence.
            None => zone.used_in(residence.country) == Some(false),
        };
        if from_residence && !abroad_with_local_clock(residence.country, session, ip, at) {
            against_residence.push(json!({ "ip": session.ip.to_string(), "browser_timezone": zone.as_str(), "offset_minutes": browser }));
        }
        // An anonymised session exits wherever its provider is: its zone says nothing of the person.
        if !ip.anonymity.any()
            && let Some(ip_zone) = &ip.time_zone
            && let Some(ip_offset) = offset_minutes(ip_zone, at)
            && (ip_offset - browser).abs() >= TOLERANCE_MINUTES
        {
            against_ip.push(json!({
                "ip": session.ip.to_string(), "browser_timezone": zone.as_str(), "ip_timezone": ip_zone.as_str(),
                "ip_country": ip.country,
            }));
        }
    }

    if !pyongyang.is_empty() {
        out.push(signal(
            NET_PYONGYANG_TIMEZONE,
            "The browser's clock is set to Pyongyang time.",
            json!({ "sessions": pyongyang }),
        ));
    }
    // Most sessions, not one: a traveller's laptop keeps home time for a day or two.
    if against_residence.len() * 2 > with_zone {
        let zones: Vec<&Value> = against_residence
            .iter()
            .map(|s| &s["browser_timezone"])
            .collect();
        out.push(signal(
            NET_CLOCK_AWAY_FROM_RESIDENCE,
            format!(
                "The browser's clock is in {} while the applicant says they work from {}.",
                zones
                    .first()
                    .and_then(|z| z.as_str())
                    .unwrap_or("another zone"),
                residence
                    .timezone
                    .as_ref()
                    .map(|z| z.as_str())
                    .unwrap_or(residence.country.name())
            ),
            json!({
                "residence_timezone": residence.timezone.as_ref().map(|z| z.as_str()),
                "residence_country": residence.country,
                "sessions": against_residence,
                "of_sessions_with_zone": with_zone,
            }),
        ));
    }
    if !against_ip.is_empty() {
        out.push(signal(
            NET_CLOCK_CONTRADICTS_IP_LOCATION,
            "The browser's clock disagrees with the time zone of the (non-anonymised) network it connects from.",
            json!({ "sessions": against_ip }),
        ));
    }
    if !clock.is_empty() {
        out.push(signal(
            NET_CLOCK_CONTRADICTS_TIMEZONE,
            "The browser's UTC offset does not match the time zone it reports: one of them was altered.",
            json!({ "sessions": clock }),
        ));
    }
}

/// Great-circle distance in kilometres.
fn distance_km((lat1, lon1): (f64, f64), (lat2, lon2): (f64, f64)) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let (dp, dl) = ((lat2 - lat1).to_radians(), (lon2 - lon1).to_radians());
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    6371.0 * 2.0 * a.sqrt().asin()
}

/// Faster than an airliner between two located, non-anonymised sessions.
const TRAVEL_KMH_MAX: f64 = 1000.0;
/// Geolocation is approximate: nearer than this is never "travel".
const TRAVEL_KM_MIN: f64 = 500.0;

/// A session with its moment and place.
type Located<'a> = (
    DateTime<Utc>,
    (f64, f64),
    &'a crate::model::Session,
    &'a crate::model::IpFacts,
);

pub fn travel(app: &Application, facts: &Facts, out: &mut Vec<Signal>) {
    let mut located: Vec<Located> = app
        .sessions
        .iter()
        .zip(facts.sessions.iter())
        .filter(|(_, ip)| !ip.anonymity.any())
        .filter_map(|(s, ip)| Some((s.observed_at?, ip.coordinates?, s, ip)))
        .collect();
    located.sort_by_key(|(at, ..)| *at);
    let jumps: Vec<Value> = located
        .windows(2)
        .filter_map(|pair| {
            let (a, b) = (&pair[0], &pair[1]);
            let km = distance_km(a.1, b.1);
            let hours = (b.0 - a.0).num_seconds() as f64 / 3600.0;
            (km >= TRAVEL_KM_MIN && km > TRAVEL_KMH_MAX * hours.max(0.0)).then(|| {
                json!({
                    "from": { "ip": a.2.ip.to_string(), "country": a.3.country, "city": a.3.city, "at": a.0.to_rfc3339() },
                    "to": { "ip": b.2.ip.to_string(), "country": b.3.country, "city": b.3.city, "at": b.0.to_rfc3339() },
                    "km": km.round(),
                    "hours": (hours * 10.0).round() / 10.0,
                })
            })
        })
        .collect();
    if !jumps.is_empty() {
        out.push(signal(
            NET_IMPOSSIBLE_TRAVEL,
            "Two sessions are farther apart than anyone could travel in the time between them.",
            json!({ "jumps": jumps }),
        ));
    }
}

/// Sessions at night where the applicant lives and in office hours at UTC+8/+9 (China, Korea):
/// the pattern of someone working a Pyongyang or Shenyang day on a western contract.
pub fn working_hours(app: &Application, out: &mut Vec<Signal>) {
    let Some(home) = &app.applicant.residence.timezone else {
        return;
    };
    let timed: Vec<DateTime<Utc>> = app.sessions.iter().filter_map(|s| s.observed_at).collect();
    // A handful of logins says nothing about someone's day.
    if timed.len() < 4 {
        return;
    }
    let Some(home_zone) = home.tz() else {
        return;
    };
    let shifted = timed
        .iter()
        .filter(|at| {
            use chrono::Timelike;
            let local = at.with_timezone(&home_zone).hour();
            let east_asia = (at.hour() + 8) % 24; // UTC+8; UTC+9 is one hour later
            // Outside the home working day rather than strictly at night: a UTC+8 office day is
            // a New York night but a Los Angeles evening.
            let outside_home_day = !(8..19).contains(&local);
            outside_home_day && (9..19).contains(&east_asia)
        })
        .count();
    if shifted * 4 >= timed.len() * 3 {
        out.push(signal(
            NET_OFF_HOURS_ACTIVITY,
            "Most activity falls outside the working day where the applicant lives and in the office day of UTC+8/+9.",
            json!({ "residence_timezone": home.as_str(), "sessions_in_pattern": shifted, "timed_sessions": timed.len() }),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(zone: &str) -> Session {
        Session {
            ip: "192.0.2.1".parse().unwrap(),
            observed_at: None,
            kind: None,
            user_agent: None,
            browser_timezone: TimeZoneName::parse(zone),
            utc_offset_minutes: None,
            accept_language: None,
            keyboard_layouts: vec![],
            remote_access_tools: vec![],
            device_id: None,
            webcam_enabled: None,
        }
    }

    fn ip(country: &str, zone: Option<&str>) -> IpFacts {
        IpFacts {
            country: Country::parse(country),
            time_zone: zone.and_then(TimeZoneName::parse),
            ..IpFacts::default()
        }
    }

    #[test]
    fn a_clock_agrees_with_the_ips_zone_or_with_a_zone_of_its_country() {
        let at: DateTime<Utc> = "2026-11-20T14:00:00Z".parse().unwrap();
        let lisbon = session("Europe/Lisbon");
        // Country-level database: the zone is one tzdata lists for the country.
        assert_eq!(
            clock_agrees_with_ip(&lisbon, &ip("PT", None), at),
            Some(true)
        );
        assert_eq!(
            clock_agrees_with_ip(&lisbon, &ip("TH", None), at),
            Some(false)
        );
        // City database: offsets within the tolerance (London and Lisbon share an offset).
        assert_eq!(
            clock_agrees_with_ip(&lisbon, &ip("GB", Some("Europe/London")), at),
            Some(true)
        );
        assert_eq!(
            clock_agrees_with_ip(&lisbon, &ip("PT", Some("Asia/Bangkok")), at),
            Some(false)
        );
        assert_eq!(
            clock_agrees_with_ip(&session("Nowhere/Zone"), &ip("PT", None), at),
            None
        );
        assert_eq!(clock_agrees_with_ip(&lisbon, &IpFacts::default(), at), None);
    }

    #[test]
    fn working_abroad_needs_a_located_foreign_network_and_a_local_clock() {
        let at: DateTime<Utc> = "2026-11-20T14:00:00Z".parse().unwrap();
        let us = Country::parse("US").unwrap();
        let bangkok = session("Asia/Bangkok");
        assert!(abroad_with_local_clock(us, &bangkok, &ip("TH", None), at));
        // At home is not abroad.
        let th = Country::parse("TH").unwrap();
        assert!(!abroad_with_local_clock(th, &bangkok, &ip("TH", None), at));
        // A VPN exit says nothing of where the person is.
        let mut exit = ip("TH", None);
        exit.anonymity.vpn = true;
        assert!(!abroad_with_local_clock(us, &bangkok, &exit, at));
        // A home clock abroad is not the working-abroad fact.
        assert!(!abroad_with_local_clock(
            us,
            &session("America/Chicago"),
            &ip("TH", None),
            at
        ));
    }

    #[test]
    fn offsets_follow_daylight_saving() {
        let chicago = TimeZoneName::parse("America/Chicago").unwrap();
        let winter: DateTime<Utc> = "2026-01-15T12:00:00Z".parse().unwrap();
        let summer: DateTime<Utc> = "2026-07-15T12:00:00Z".parse().unwrap();
        assert_eq!(offset_minutes(&chicago, winter), Some(-360));
        assert_eq!(offset_minutes(&chicago, summer), Some(-300));
        let seoul = TimeZoneName::parse("Asia/Seoul").unwrap();
        assert_eq!(offset_minutes(&seoul, summer), Some(540));
        let calcutta = TimeZoneName::parse("Asia/Calcutta").unwrap();
        assert_eq!(
            offset_minutes(&calcutta, summer),
            Some(330),
            "link names resolve"
        );
    }
}
