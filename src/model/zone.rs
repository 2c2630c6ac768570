//! IANA time zone names and the countries that use them.

use super::Country;
use super::zone_table::ZONES;

/// A time zone name from the IANA database (canonical or link name, e.g. `Asia/Calcutta`), with
/// the countries that use it and its rules, looked up once when the name is parsed.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct TimeZoneName(&'static str, &'static [&'static str], Option<chrono_tz::Tz>);

impl serde::Serialize for TimeZoneName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

impl TimeZoneName {
    pub fn parse(name: &str) -> Option<TimeZoneName> {
        ZONES
            .binary_search_by(|(zone, _)| (*zone).cmp(name))
            .ok()
            .map(|i| TimeZoneName(ZONES[i].0, ZONES[i].1, ZONES[i].0.parse().ok()))
    }

    /// The zone's rules (chrono-tz), for offsets at a given moment.
    pub fn tz(&self) -> Option<chrono_tz::Tz> {
        self.2
    }

    pub fn as_str(&self) -> &'static str {
        self.0
    }

    /// Whether people in `country` use this zone. Zones without a country (`UTC`, `Etc/GMT+5`) say
    /// nothing about where someone lives and answer `None`.
    pub fn used_in(&self, country: Country) -> Option<bool> {
        if self.1.is_empty() {
            None
        } else {
            Some(self.1.contains(&country.as_str()))
        }
    }

    pub fn countries(&self) -> &'static [&'static str] {
        self.1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_know_their_countries_including_link_names() {
        let us = Country::parse("US").unwrap();
        let dk = Country::parse("DK").unwrap();
        assert_eq!(
            TimeZoneName::parse("America/Chicago").unwrap().used_in(us),
            Some(true)
        );
        assert_eq!(
            TimeZoneName::parse("Asia/Shanghai").unwrap().used_in(us),
            Some(false)
        );
        assert_eq!(
            TimeZoneName::parse("Europe/Berlin").unwrap().used_in(dk),
            Some(true),
            "zone1970.tab lists Denmark under Europe/Berlin"
        );
        assert_eq!(
            TimeZoneName::parse("Asia/Calcutta").unwrap().countries(),
            &["IN"],
            "a link name inherits its target's country"
        );
        assert_eq!(TimeZoneName::parse("UTC").unwrap().used_in(us), None);
        assert!(TimeZoneName::parse("Central Time").is_none());
        assert!(TimeZoneName::parse("america/chicago").is_none());
    }

    #[test]
    fn zone_table_matches_system_tzdata() {
        let Ok(zi) = std::fs::read_to_string("/usr/share/zoneinfo/tzdata.zi") else {
            return; // tzdata not installed: nothing to compare against
        };
        let mut names: Vec<&str> = zi
            .lines()
            .filter_map(|l| match l.split(' ').collect::<Vec<_>>().as_slice() {
                ["Z", name, ..] => Some(*name),
                ["L", _, alias] => Some(*alias),
                _ => None,
            })
            .collect();
        names.sort_unstable();
        let ours: Vec<&str> = ZONES.iter().map(|(z, _)| *z).collect();
        assert_eq!(
            ours, names,
            "regenerate src/model/zone_table.rs from tzdata"
        );
    }
}
