//! "Is this the same person?": the one place the checks compare a name with the applicant's.
//!
//! * [`holder_similarity`] and [`SAME_PERSON_MIN`]: whether the payout account's holder is the
//!   applicant, worked out once per application ([`super::Facts::holder_is_applicant`]) for the
//!   payout check and the sanctions screen alike: the sanctions matcher's similarity, after
//!   courtesy titles, initials and middle names are dealt with.
//! * [`share_a_name`]: whether two sets of names share one at all, in ICAO 9303 Latin
//!   ([`crate::model::translit::icao_words`]): the document's name against the declared one, the shipping
//!   recipient against the applicant.

use std::collections::BTreeSet;

use crate::model::Application;
use crate::model::names::normalize::fold_with;
use crate::model::names::similarity::name_similarity_str;
use crate::model::translit::{self, Han, Scheme, icao_words};

/// Tokens worth comparing (initials say too little) plus each pair of neighbours fused, so that
/// `Yongchol` meets `YONG CHOL` and `Mary-Ann` meets `MARYANN`.
fn comparable(tokens: &[String]) -> BTreeSet<String> {
    let mut set: BTreeSet<String> = tokens.iter().filter(|t| t.len() > 1).cloned().collect();
    for pair in tokens.windows(2) {
        set.insert(format!("{}{}", pair[0], pair[1]));
    }
    set
}

/// Whether two sets of name variants have a name in common. `None` when no variant on one side can
/// be read (all in an untransliterated script).
pub fn share_a_name<'a>(
    left: impl IntoIterator<Item = &'a str>,
    right: impl IntoIterator<Item = &'a str>,
) -> Option<bool> {
    let collect = |names: &mut dyn Iterator<Item = &'a str>| -> Option<BTreeSet<String>> {
        let mut any = false;
        let mut set = BTreeSet::new();
        for tokens in names.filter_map(icao_words).filter(|t| !t.is_empty()) {
            any = true;
            set.extend(comparable(&tokens));
        }
        any.then_some(set)
    };
    let left = collect(&mut left.into_iter())?;
    let right = collect(&mut right.into_iter())?;
    Some(!left.is_disjoint(&right))
}

// ---------------------------------------------------------------------------------------------
// Is the payout account's holder the applicant?
// ---------------------------------------------------------------------------------------------

/// Two names at least this similar ([`name_similarity_str`], after the initials and middle-name
/// handling of [`pair_similarity`]) are one person's: the one cut-off for "the payout holder is the
/// applicant", used by the payout check and by the sanctions screen alike. One person's spellings,
/// with a typo or another romanisation in any word, score 0.9 and up (`Emilly Carter` 0.98, `Li
/// Wie` / `Li Wei` 0.92, `Gim Yeong-cheol` / `Kim Yong Chol` 0.97), while one wholly different word
/// in a name of up to four words scores 0.75 at most (`Kim Yong Su` / `Kim Yong Chol` 0.67), and
/// 0.80 for `Le Van Anh` / `Nguyen Van Anh`, where the matcher weighs the particle `le` as a
/// connective.
pub const SAME_PERSON_MIN: f64 = 0.85;

/// Courtesy titles and sole-trader markers (Ukrainian `ФОП`, Russian `ИП`, `СПД`) that come and go
/// on account names without making them another person's.
const NOT_NAME_WORDS: &[&str] = &[
    "dr", "fop", "frau", "herr", "ip", "miss", "mlle", "mme", "mr", "mrs", "ms", "mx", "prof",
    "spd", "sr", "sra", "srta",
];

/// The applicant's own names: declared, other names, and the document's (printed, else its
/// machine-readable zone's).
fn own_names(app: &Application) -> Vec<String> {
    let mut names = vec![app.applicant.full_name.clone()];
    names.extend(app.applicant.other_names.iter().cloned());
    if let Some(doc) = &app.identity_document {
        let zone = doc.mrz_read.as_ref().and_then(|r| r.as_ref().ok());
        let given = doc
            .given_names
            .clone()
            .or_else(|| zone.map(|z| z.given_names.clone()));
        let surname = doc
            .surname
            .clone()
            .or_else(|| zone.map(|z| z.surname.clone()));
        let printed = [given, surname]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        names.push(printed);
    }
    names
}

/// A name as lower-case ASCII words, once per transliteration its script allows; empty when some
/// of it cannot be transliterated (a Han character outside the matcher's table, Arabic, Thai, Kana):
/// such a name can be neither matched nor contradicted.
fn name_forms(name: &str) -> Vec<Vec<String>> {
    if name
        .chars()
        .any(|c| translit::is_han(c) && translit::han(c, Han::Pinyin).is_none())
    {
        return Vec::new();
    }
    let schemes: &[Scheme] = if translit::has_scheme_dependent(name) {
        &Scheme::ALL
    } else {
        &Scheme::ALL[..1]
    };
    let mut forms: Vec<Vec<String>> = Vec::new();
    for &scheme in schemes {
        let folded = fold_with(name, scheme);
        if !folded.is_ascii() {
            return Vec::new();
        }
        let words: Vec<String> = folded
            .split(' ')
            .filter(|w| !w.is_empty() && !NOT_NAME_WORDS.contains(w))
            .map(str::to_owned)
            .collect();
        if words.iter().any(|w| w.len() > 1) && !forms.contains(&words) {
            forms.push(words);
        }
    }
    forms
}

/// `words` with each initial replaced by the first unclaimed word of `other` that it abbreviates,
/// or dropped when none does (`E Carter` against `Emily Carter`; a middle initial the other side
/// does not write).
fn expand_initials(words: &[String], other: &[String]) -> Vec<String> {
    let mut claimed = vec![false; other.len()];
    let mut out = Vec::with_capacity(words.len());
    for w in words {
        let is_initial = w.len() == 1 && w.as_bytes()[0].is_ascii_alphabetic();
        if !is_initial {
            out.push(w.clone());
            continue;
        }
        if let Some(i) = (0..other.len())
            .find(|&i| !claimed[i] && other[i].len() > 1 && other[i].starts_with(w.as_str()))
        {
            claimed[i] = true;
            out.push(other[i].clone());
        }
    }
    out
}

/// Similarity of two names (as words) for "is this the same person": the matcher's similarity after
/// initials are resolved, and, when one name is longer, the best over the longer name's words taken
/// as many as the shorter has (a middle name, a second surname written on one side only). A name
/// of one word is never matched to a part of a longer one.
fn pair_similarity(a: &[String], b: &[String]) -> f64 {
    let (a, b) = (expand_initials(a, b), expand_initials(b, a));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let mut best = name_similarity_str(&a.join(" "), &b.join(" "));
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if best >= SAME_PERSON_MIN || short.len() < 2 || long.len() == short.len() || long.len() > 6 {
        return best;
    }
    let short = short.join(" ");
    for mask in 0u32..(1 << long.len()) {
        if mask.count_ones() as usize != a.len().min(b.len()) {
            continue;
        }
        let part: Vec<&str> = (0..long.len())
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| long[i].as_str())
            .collect();
        best = best.max(name_similarity_str(&short, &part.join(" ")));
        if best >= SAME_PERSON_MIN {
            break;
        }
    }
    best
}

/// The best similarity of `holder` to any of `own`, or `None` when the holder or every own name is
/// in a script that cannot be compared.
fn best_similarity(holder: &str, own: &[String]) -> Option<f64> {
    let holder_forms = name_forms(holder);
    if holder_forms.is_empty() {
        return None;
    }
    let mut best: Option<f64> = None;
    for name in own {
        for form in name_forms(name) {
            for h in &holder_forms {
                let s = pair_similarity(h, &form);
                best = Some(best.map_or(s, |b| b.max(s)));
                if s >= SAME_PERSON_MIN {
                    return best;
                }
            }
        }
    }
    best
}

/// The best similarity of `holder` to any of the applicant's own names, or `None` when the holder
/// or every own name is in a script that cannot be compared. At [`SAME_PERSON_MIN`] or more the
/// holder is the applicant: the payout check's `PAY_HOLDER_NAME_MISMATCH` and the sanctions
/// screen's "a payout holder who is the applicant" rows both ask this, through
/// [`super::Facts::holder_is_applicant`].
pub fn holder_similarity(holder: &str, app: &Application) -> Option<f64> {
    best_similarity(holder, &own_names(app))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Left names, right names, expected answer, why.
    type Case = (
        &'static [&'static str],
        &'static [&'static str],
        Option<bool>,
        &'static str,
    );

    #[test]
    fn shared_names_survive_order_fusion_and_middle_names() {
        let cases: [Case; 7] = [
            (
                &["Emily Carter"],
                &["CARTER", "EMILY"],
                Some(true),
                "same name",
            ),
            (&["Wei Li"], &["LI", "WEI"], Some(true), "order differs"),
            (
                &["Kim Yongchol"],
                &["KIM", "YONG CHOL"],
                Some(true),
                "fused given name",
            ),
            (
                &["Emily Rose Smith"],
                &["CARTER", "EMILY"],
                Some(true),
                "married name keeps the given name",
            ),
            (
                &["Kenji Tanaka"],
                &["MILES", "JANET"],
                Some(false),
                "different person",
            ),
            (
                &["김영철"],
                &["KIM", "YONG CHOL"],
                None,
                "Hangul alone cannot be compared",
            ),
            (
                &["김영철", "Kim Young-chul"],
                &["KIM"],
                Some(true),
                "a Latin alias is used",
            ),
        ];
        for (left, right, want, why) in cases {
            assert_eq!(
                share_a_name(left.iter().copied(), right.iter().copied()),
                want,
                "{why}"
            );
        }
    }

    #[test]
    fn the_holder_name_cut_off_separates_typos_from_other_people() {
        let own = |name: &str| vec![name.to_owned()];
        let same = [
            ("Emilly Carter", "Emily Carter"),
            ("Emily Cartre", "Emily Carter"),
            ("Li Wie", "Li Wei"),
            ("Jon Smith", "John Smith"),
            ("José Álvarez Núñez", "Jose Alvarez"),
            ("Maria Garcia Lopez", "Maria Lopez"),
            ("J Carter", "Jane Emily Carter"),
        ];
        for (holder, name) in same {
            let s = best_similarity(holder, &own(name)).unwrap();
            assert!(s >= SAME_PERSON_MIN, "{holder} / {name}: {s}");
        }
        let other = [
            ("Emma Carter", "Emily Carter"),
            ("Emily Parker", "Emily Carter"),
            ("Le Van Anh", "Nguyen Van Anh"),
            ("Kim Yong Su", "Kim Yong Chol"),
            ("Maria Fernanda Lopez Perez", "Maria Fernanda Lopez Garcia"),
            ("Carter", "Emily Carter"),
            ("J Carter", "Emily Carter"),
            ("Janet Miles", "Emily Carter"),
        ];
        for (holder, name) in other {
            let s = best_similarity(holder, &own(name)).unwrap();
            assert!(s < SAME_PERSON_MIN, "{holder} / {name}: {s}");
        }
        assert_eq!(best_similarity("إميلي", &own("Emily")), None);
        assert_eq!(best_similarity("Emily", &own("إميلي")), None);
    }
}
