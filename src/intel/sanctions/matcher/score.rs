//! What a list entry's other facts add to a name's similarity: date of birth, nationality and
//! document number (docs/signals.md, "Sanctions").

use chrono::{Datelike, NaiveDate};

use crate::intel::sanctions::model::{DateSpec, Entity, PartialDate};

/// Added when a date of birth contradicts every date the entry lists
/// (more than one year outside each, docs/signals.md): enough to push a perfect
/// name (1.0) below any threshold above 0.5.
pub const DOB_CONTRADICTION: f64 = -0.5;
/// Added when the birth date falls on a listed date known to the day.
pub const DOB_EXACT_DAY: f64 = 0.08;
/// Added when the birth date falls inside a listed date or range (year/month precision).
pub const DOB_IN_RANGE: f64 = 0.04;
/// Added when the query country is among the entry's nationalities/citizenships.
pub const COUNTRY_NATIONALITY: f64 = 0.04;
/// Added when the query country is only among the entry's addresses or birthplaces.
pub const COUNTRY_OTHER: f64 = 0.02;
/// Added when the subject's consistent documents show a nationality a person entry does not list
/// (while it lists one): with a perfect name (1.0) the score falls below the review floor.
pub const NATIONALITY_CONTRADICTION: f64 = -0.3;
/// Added when a document number of the query equals one of the entry's.
pub const DOCUMENT_MATCH: f64 = 0.3;

fn widen(d: NaiveDate, years: i32) -> NaiveDate {
    let y = d.year() + years;
    NaiveDate::from_ymd_opt(y, d.month(), d.day())
        .or_else(|| NaiveDate::from_ymd_opt(y, d.month(), 28))
        .unwrap_or(d)
}

/// How a birth date compares with the entry's listed dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DobVerdict {
    /// The entry lists no usable date (or the query has none).
    Unknown,
    /// Same day, both known to the day.
    ExactDay,
    /// Inside a listed date or range.
    InRange,
    /// Within the one-year tolerance of a listed date or range.
    Near,
    /// More than one year outside every listed date or range.
    Contradicts,
}

/// Compare a birth date with the entry's dates of birth (docs/signals.md: more than
/// one year outside every date or range is a contradiction; `circa` dates get two years).
pub fn dob_verdict(q: &PartialDate, specs: &[DateSpec]) -> DobVerdict {
    let (Some(qlo), Some(qhi)) = (q.first_day(), q.last_day()) else {
        return DobVerdict::Unknown;
    };
    let mut any = false;
    let mut best = DobVerdict::Contradicts;
    for spec in specs {
        let Some((lo, hi)) = spec.bounds() else {
            continue;
        };
        any = true;
        if let DateSpec::On { date, .. } = spec
            && date.day.is_some()
            && q.day.is_some()
            && *date == *q
        {
            return DobVerdict::ExactDay;
        }
        if qlo <= hi && qhi >= lo {
            best = DobVerdict::InRange;
            continue;
        }
        let tol = if spec.is_circa() { 2 } else { 1 };
        if qlo <= widen(hi, tol) && qhi >= widen(lo, -tol) && best == DobVerdict::Contradicts {
            best = DobVerdict::Near;
        }
    }
    if any { best } else { DobVerdict::Unknown }
}

/// Score contribution of a [`DobVerdict`].
pub fn dob_adjustment(v: DobVerdict) -> f64 {
    match v {
        DobVerdict::Unknown | DobVerdict::Near => 0.0,
        DobVerdict::ExactDay => DOB_EXACT_DAY,
        DobVerdict::InRange => DOB_IN_RANGE,
        DobVerdict::Contradicts => DOB_CONTRADICTION,
    }
}

/// Whether a person entry lists nationalities or citizenships and `iso2` is none of them.
pub fn nationality_contradicts(iso2: &str, e: &Entity) -> bool {
    let mut listed = e
        .nationalities
        .iter()
        .chain(e.citizenships.iter())
        .filter_map(|c| c.iso2.as_deref())
        .peekable();
    listed.peek().is_some() && !listed.any(|c| c == iso2)
}

/// Score contribution of an ISO alpha-2 country hint (a bonus only: a
/// disguised worker claims another nationality, so a mismatch is not evidence).
pub fn country_adjustment(iso2: &str, e: &Entity) -> f64 {
    let eq = |c: &crate::intel::sanctions::model::Country| c.iso2.as_deref() == Some(iso2);
    if e.nationalities.iter().chain(e.citizenships.iter()).any(eq) {
        return COUNTRY_NATIONALITY;
    }
    let other = e
        .addresses
        .iter()
        .filter_map(|a| a.country.as_ref())
        .chain(e.places_of_birth.iter().filter_map(|p| p.country.as_ref()))
        .any(eq);
    if other { COUNTRY_OTHER } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dob_rules() {
        let on = |y, m, d| DateSpec::on(PartialDate::ymd(y, m, d).unwrap());
        let specs = [on(1962, 2, 18)];
        let q = PartialDate::ymd(1962, 2, 18).unwrap();
        assert_eq!(dob_verdict(&q, &specs), DobVerdict::ExactDay);
        assert_eq!(
            dob_verdict(&PartialDate::year(1962), &specs),
            DobVerdict::InRange
        );
        assert_eq!(
            dob_verdict(&PartialDate::year(1963), &specs),
            DobVerdict::Near
        );
        assert_eq!(
            dob_verdict(&PartialDate::year(1964), &specs),
            DobVerdict::Contradicts
        );
        assert_eq!(
            dob_verdict(&PartialDate::year(1990), &[]),
            DobVerdict::Unknown
        );
        let range = [DateSpec::Between {
            from: PartialDate::year(1967),
            to: PartialDate::year(1969),
            circa: false,
        }];
        assert_eq!(
            dob_verdict(&PartialDate::year(1970), &range),
            DobVerdict::Near
        );
        assert_eq!(
            dob_verdict(&PartialDate::year(1971), &range),
            DobVerdict::Contradicts
        );
        let circa = [DateSpec::On {
            date: PartialDate::year(1947),
            circa: true,
        }];
        assert_eq!(
            dob_verdict(&PartialDate::year(1949), &circa),
            DobVerdict::Near
        );
        assert_eq!(
            dob_verdict(&PartialDate::year(1950), &circa),
            DobVerdict::Contradicts
        );
        assert_eq!(
            dob_verdict(&q, &[DateSpec::Text("unknown".into())]),
            DobVerdict::Unknown
        );
    }
}
