//! Time zones and clocks: where the browser's clock says the applicant is, against where they say
//! they live and where their IP is. Zones are compared as UTC offsets at each session's moment, so
//! daylight saving and neighbouring zones with the same time do not count as contradictions.

use chrono::{DateTime, Offset, TimeZone, Utc};
use serde_json::{Value, json};

use super::codes::*;
use super::{Facts, signal};
use crate::model::{Application, Signal, TimeZoneName};

/// Offsets closer than this are the same working day (neighbouring zones, DST edges).
const TOLERANCE_MINUTES: i32 = 90;

/// Minutes east of UTC of `zone` at `at`.
pub fn offset_minutes(zone: &TimeZoneName, at: DateTime<Utc>) -> Option<i32> {
    let tz: chrono_tz::Tz = zone.as_str().parse().ok()?;
    Some(
        tz.offset_from_utc_datetime(&at.naive_utc())
            .fix()
            .local_minus_utc()
            / 60,
    )
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
        if from_residence {
            against_residence.push(json!({ "ip": session.ip.to_string(), "browser_timezone": zone.as_str(), "offset_minutes": browser }));
        }
        if let Some(ip_zone) = &ip.time_zone
            && let Some(ip_offset) = offset_minutes(ip_zone, at)
            && (ip_offset - browser).abs() >= TOLERANCE_MINUTES
        {
            against_ip.push(json!({
                "ip": session.ip.to_string(), "browser_timezone": zone.as_str(), "ip_timezone": ip_zone.as_str(),
                "ip_country": ip.country, "vpn_or_proxy": ip.anonymity.any(),
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
            NET_TIMEZONE_CONTRADICTS_RESIDENCE,
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
            NET_TIMEZONE_CONTRADICTS_IP,
            "The browser's clock disagrees with the time zone of the network it connects from.",
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

#[cfg(test)]
mod tests {
    use super::*;

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
