//! Name normalisation shared by the checks: the ICAO 9303 idea of a name (upper-case Latin letters,
//! diacritics dropped, Cyrillic transliterated) split into comparable tokens.

use std::collections::BTreeSet;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// ICAO 9303 part 3 transliteration of Cyrillic, and the Latin letters that do not decompose.
fn transliterate(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' => "SS",
        'Æ' | 'æ' => "AE",
        'Œ' | 'œ' => "OE",
        'Ø' | 'ø' => "O",
        'Þ' | 'þ' => "TH",
        'Ð' | 'ð' | 'Đ' | 'đ' => "D",
        'Ł' | 'ł' => "L",
        'ı' => "I",
        'А' | 'а' => "A",
        'Б' | 'б' => "B",
        'В' | 'в' => "V",
        'Г' | 'г' | 'Ґ' | 'ґ' => "G",
        'Д' | 'д' => "D",
        'Е' | 'е' | 'Ё' | 'ё' | 'Э' | 'э' => "E",
        'Ж' | 'ж' => "ZH",
        'З' | 'з' => "Z",
        'И' | 'и' | 'Й' | 'й' | 'І' | 'і' | 'Ї' | 'ї' => "I",
        'К' | 'к' => "K",
        'Л' | 'л' => "L",
        'М' | 'м' => "M",
        'Н' | 'н' => "N",
        'О' | 'о' => "O",
        'П' | 'п' => "P",
        'Р' | 'р' => "R",
        'С' | 'с' => "S",
        'Т' | 'т' => "T",
        'У' | 'у' => "U",
        'Ф' | 'ф' => "F",
        'Х' | 'х' => "KH",
        'Ц' | 'ц' => "TS",
        'Ч' | 'ч' => "CH",
        'Ш' | 'ш' => "SH",
        'Щ' | 'щ' => "SHCH",
        'Ъ' | 'ъ' | 'Є' | 'є' => "IE",
        'Ы' | 'ы' => "Y",
        'Ь' | 'ь' => "",
        'Ю' | 'ю' => "IU",
        'Я' | 'я' => "IA",
        _ => return None,
    })
}

/// A name reduced to upper-case ASCII tokens, or `None` when it is written in a script this module
/// cannot transliterate (Hangul, Han…): such a name can be neither matched nor contradicted here.
pub fn latin_tokens(name: &str) -> Option<Vec<String>> {
    let mut folded = String::with_capacity(name.len());
    for c in name.chars() {
        if let Some(t) = transliterate(c) {
            folded.push_str(t);
            continue;
        }
        for d in c.nfkd().filter(|d| !is_combining_mark(*d)) {
            if d.is_ascii_alphanumeric() {
                folded.push(d.to_ascii_uppercase());
            } else if d.is_alphabetic() {
                return None;
            } else {
                folded.push(' ');
            }
        }
    }
    Some(folded.split_whitespace().map(str::to_owned).collect())
}

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
        for tokens in names.filter_map(latin_tokens).filter(|t| !t.is_empty()) {
            any = true;
            set.extend(comparable(&tokens));
        }
        any.then_some(set)
    };
    let left = collect(&mut left.into_iter())?;
    let right = collect(&mut right.into_iter())?;
    Some(!left.is_disjoint(&right))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_to_icao_latin() {
        assert_eq!(
            latin_tokens("José Álvarez-Núñez").unwrap(),
            ["JOSE", "ALVAREZ", "NUNEZ"]
        );
        assert_eq!(latin_tokens("Jürgen Weiß").unwrap(), ["JURGEN", "WEISS"]);
        assert_eq!(latin_tokens("Олег Щукин").unwrap(), ["OLEG", "SHCHUKIN"]);
        assert_eq!(latin_tokens("김영철"), None);
    }

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
}
