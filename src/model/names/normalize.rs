//! Folding names into comparable tokens.
//!
//! [`fold`] turns any name into lower-case ASCII words: the name normaliser
//! ([`crate::model::text::name`]: invisible characters removed, NFKC, words that mix scripts
//! written in one, small capitals read as letters), transliteration
//! ([`crate::model::translit::for_matching`]), Unicode NFKD with combining marks dropped (the
//! McCune-Reischauer breves of `Ŏ`/`Ŭ`), apostrophes of every kind removed
//! (`Ku'k-ryo'l`, `RI U’N SO’NG` → `kuk ryol`, `ri un song`), every other
//! non-alphanumeric character a separator (hyphens included, so `Yong-chol`
//! is `yong chol`; re-fusing is the scorer's job).
//!
//! [`tokens`] then expands abbreviations (`shpg`, `trdg`, `intl`, `co`, `corp`,
//! `ltd`), classifies each word ([`TokClass`]: legal-form/suffix words, generic
//! organisation words, ordinary name words) and computes two phonetic keys
//! ([`skeleton`], [`loose`]) that collapse romanisation variants:
//!
//! | variants | key |
//! |---|---|
//! | Kim / Gim | `kim` |
//! | Jong / Jung / Chong / Jeong / Chung | `joN` (loose) |
//! | Un / Eun, Song / Seong / Sung, Sok / Seok / Suk, Chol / Cheol / Chul, Hyon / Hyun | loose key |
//! | Choe / Choi / Chwe, Ri / Rhee / Lee / Yi / I / Li, Pak / Park / Bak, Ryu / Yu / Yoo, Rim / Im / Lim | surname table |
//! | Kang / Gang, Ko / Go, Yong / Young / Yeong, Chinyong / Jinyong, Geumpungri / Kumpungri, Alis / Alice | skeleton |

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::model::text::{self, is_apostrophe};
use crate::model::translit::{self, Scheme};

/// Fold a name to lower-case ASCII words separated by single spaces.
pub fn fold(s: &str) -> String {
    fold_with(s, Scheme::DEFAULT)
}

/// [`fold`] with an explicit transliteration scheme.
pub fn fold_with(s: &str, scheme: Scheme) -> String {
    // ASCII is its own normal form: only other text pays for normalising and transliterating.
    let latin: Cow<'_, str> = if s.is_ascii() {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(translit::for_matching(&text::name(s), scheme))
    };
    let mut out = String::with_capacity(latin.len());
    let mut pending_space = false;
    let push = |c: char, out: &mut String, pending: &mut bool| {
        if *pending && !out.is_empty() {
            out.push(' ');
        }
        *pending = false;
        out.push(c);
    };
    let handle = |c: char, out: &mut String, pending: &mut bool| {
        if c.is_ascii_alphanumeric() {
            push(c.to_ascii_lowercase(), out, pending);
        } else if is_apostrophe(c) || is_combining_mark(c) {
            // joined: Ku'k → kuk
        } else if c == '&' {
            *pending = true;
            push('a', out, pending);
            out.push_str("nd");
            *pending = true;
        } else if c.is_ascii() {
            *pending = true;
        } else {
            // non-ASCII letters left after NFKD (ø, ß, ł, æ …)
            match c {
                'ß' => {
                    push('s', out, pending);
                    out.push('s');
                }
                'ø' | 'Ø' => push('o', out, pending),
                'ł' | 'Ł' => push('l', out, pending),
                'æ' | 'Æ' => {
                    push('a', out, pending);
                    out.push('e');
                }
                'œ' | 'Œ' => {
                    push('o', out, pending);
                    out.push('e');
                }
                'đ' | 'Đ' | 'ð' => push('d', out, pending),
                'ı' => push('i', out, pending),
                'þ' => {
                    push('t', out, pending);
                    out.push('h');
                }
                _ if c.is_alphanumeric() => {
                    for l in c.to_lowercase() {
                        push(l, out, pending);
                    }
                }
                _ => *pending = true,
            }
        }
    };
    if latin.is_ascii() {
        for c in latin.chars() {
            handle(c, &mut out, &mut pending_space);
        }
    } else {
        for c in latin.nfkd() {
            handle(c, &mut out, &mut pending_space);
        }
    }
    out
}

/// What role a word plays in a name (sets its weight).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokClass {
    /// Legal form and connective words (`company`, `limited`, `llc`, `trading`,
    /// `general`, `the`, `of`): almost no weight.
    Suffix,
    /// Generic organisation words (`korea`, `bank`, `shipping`, `technology`):
    /// reduced weight, so that sharing one of them never makes a match.
    Generic,
    /// Any other word.
    Name,
}

/// Abbreviations expanded before classification.
pub fn expand_abbreviation(w: &str) -> &str {
    match w {
        "co" | "cie" => "company",
        "corp" | "corpn" => "corporation",
        "ltd" | "ltda" | "lt" => "limited",
        "inc" => "incorporated",
        "shpg" | "shipg" => "shipping",
        "trdg" | "trd" => "trading",
        "intl" | "int" => "international",
        "mgmt" | "mgt" => "management",
        "dev" | "devt" => "development",
        "tech" => "technology",
        "dept" => "department",
        "univ" => "university",
        "govt" => "government",
        "assn" | "assoc" => "association",
        "natl" => "national",
        "ind" | "inds" => "industries",
        "dprkn" => "dprk",
        "korean" => "korea",
        _ => w,
    }
}

/// Legal-form and connective words (weight ≈ 0).
const SUFFIX: &[&str] = &[
    "company",
    "companies",
    "limited",
    "corporation",
    "incorporated",
    "llc",
    "liability",
    "responsibility",
    "jsc",
    "ojsc",
    "cjsc",
    "pjsc",
    "ooo",
    "oao",
    "zao",
    "tov",
    "pte",
    "pty",
    "plc",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "srl",
    "spa",
    "bv",
    "nv",
    "jv",
    "lp",
    "llp",
    "fze",
    "fzco",
    "fzc",
    "fzllc",
    "dmcc",
    "tnhh",
    "cong",
    "ty",
    "cc",
    "trading",
    "trade",
    "general",
    "the",
    "of",
    "and",
    "for",
    "de",
    "del",
    "la",
    "le",
    "el",
    "al",
    "no",
    "obshchestvo",
    "s",
    "obschestvo",
    "ogranichennoi",
    "ogranichennoy",
    "otvetstvennostyu",
    "hoesa",
    "chusikhoesa",
];

/// Generic organisation words (reduced weight).
const GENERIC: &[&str] = &[
    "korea",
    "dprk",
    "democratic",
    "peoples",
    "people",
    "republic",
    "north",
    "china",
    "chinese",
    "hong",
    "kong",
    "international",
    "shipping",
    "bank",
    "banking",
    "technology",
    "technologies",
    "technical",
    "network",
    "development",
    "industrial",
    "industry",
    "industries",
    "credit",
    "commercial",
    "joint",
    "venture",
    "export",
    "import",
    "economic",
    "economics",
    "economy",
    "information",
    "computer",
    "management",
    "marine",
    "maritime",
    "investment",
    "investments",
    "services",
    "service",
    "cooperation",
    "cooperative",
    "construction",
    "engineering",
    "electronics",
    "electronic",
    "systems",
    "global",
    "agency",
    "center",
    "centre",
    "bureau",
    "department",
    "ministry",
    "committee",
    "office",
    "national",
    "academy",
    "overseas",
    "project",
    "projects",
    "logistics",
    "energy",
    "holdings",
    "holding",
    "group",
    "union",
    "association",
    "united",
    "first",
    "new",
    "science",
    "sciences",
    "research",
    "institute",
    "university",
    "foreign",
    "state",
    "central",
    "world",
    "star",
    "silver",
    "golden",
    "gold",
    "green",
    "ocean",
    "sea",
    "east",
    "west",
    "south",
    "asia",
    "pacific",
    "freight",
    "transport",
    "logistic",
    "industrial",
    "enterprise",
    "enterprises",
    "solutions",
    "software",
    "consulting",
    "real",
    "estate",
    "partners",
    "capital",
    "finance",
    "financial",
    "insurance",
    "motor",
    "motors",
    "chemical",
    "chemicals",
    "steel",
    "oil",
    "gas",
    "mining",
    "metal",
    "metals",
    "materials",
    "equipment",
    "machinery",
    "bureau",
    "army",
    "force",
    "forces",
    "party",
    "workers",
    "military",
    "security",
    "ship",
    "air",
    "airlines",
    "airline",
    "airways",
    "lines",
    "line",
    "medical",
    "foundation",
    "port",
    "restaurant",
    "pharmaceutical",
];

/// Country words: generic, but often left out of a citation (`Sobaeksu
/// Trading Company` for `KOREA SOBAEKSU TRADING COMPANY`), so their absence is
/// not held against a name.
pub const COUNTRY_WORDS: &[&str] = &["korea", "dprk", "north", "china", "chinese", "hong", "kong"];

/// Classify a word (after abbreviation expansion).
pub fn classify(w: &str) -> TokClass {
    if SUFFIX.contains(&w) || is_patronymic(w) {
        TokClass::Suffix
    } else if GENERIC.contains(&w) {
        TokClass::Generic
    } else {
        TokClass::Name
    }
}

/// Korean surname spellings that no letter rule can bridge, mapped to one form.
fn surname_canon(w: &str) -> &str {
    match w {
        "gim" | "ghim" | "kimm" => "kim",
        "lee" | "rhee" | "yi" | "i" | "li" | "rhie" | "ree" | "reeh" | "lie" | "rie" | "yee" => {
            "ri"
        }
        "park" | "bak" | "bahk" | "pahk" | "paik" | "pag" => "pak",
        "choi" | "chwe" | "choy" | "chey" | "chae" => "choe",
        "yoo" | "you" | "lyu" | "ryoo" | "ryu" | "yu" | "rhyu" | "yiu" => "yu",
        "lim" | "im" | "yim" | "rhim" => "rim",
        "roh" | "noh" | "no" | "nho" | "rho" => "ro",
        "oh" | "o" => "o",
        "woo" | "wu" | "u" | "oo" => "u",
        "yoon" => "yun",
        "ryang" | "yang" | "lyang" => "yang",
        "ryom" | "yom" | "yeom" | "yum" => "yom",
        "ryo" | "yeo" | "yo" | "yuh" => "yo",
        "ra" | "na" | "rah" | "nah" => "na",
        "ryu0" => "yu",
        _ => w,
    }
}

/// Phonetic skeleton of a folded word: bridges romanisation systems (RR,
/// McCune-Reischauer, DPRK and South Korean informal spellings) and a few
/// Latin spelling habits. See the module table.
pub fn skeleton(w: &str) -> String {
    let w = surname_canon(w);
    let b = w.as_bytes();
    let n = b.len();
    let mut out: Vec<u8> = Vec::with_capacity(n);
    let is_vowel = |c: u8| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'y' | b'w');
    let mut i = 0;
    while i < n {
        let c = b[i];
        let next = if i + 1 < n { b[i + 1] } else { 0 };
        let next2 = if i + 2 < n { b[i + 2] } else { 0 };
        let (emit, adv): (&[u8], usize) = match c {
            b'n' if next == b'g' && !matches!(next2, b'a' | b'e' | b'i' | b'o' | b'u') => (b"N", 2),
            b't' if next == b'c' && next2 == b'h' => (b"j", 3),
            b'c' if next == b'h' => (b"j", 2),
            b'z' if next == b'h' => (b"j", 2),
            b's' if next == b'h' => (b"s", 2),
            b'p' if next == b'h' => (b"p", 2),
            b't' if next == b'h' => (b"t", 2),
            b'k' if next == b'h' => (b"k", 2),
            b'g' if next == b'h' => (b"k", 2),
            b'c' if next == b'k' => (b"k", 2),
            b'e' if next == b'o' => (b"o", 2),
            b'e' if next == b'u' => (b"u", 2),
            b'o' if next == b'o' => (b"u", 2),
            b'o' if next == b'u' => (b"o", 2),
            // Russian ye between vowels: Andreyev = Andreev, Sergeyevich = Sergeevich
            b'y' if i > 0 && b[i - 1] == b'e' && next == b'e' => (b"", 1),
            b'a' if next == b'e' => (b"e", 2),
            b'e' if next == b'i' => (b"e", 2),
            b'w' if next == b'u' => (b"u", 2),
            b'g' | b'q' => (b"k", 1),
            b'd' => (b"t", 1),
            b'b' => (b"p", 1),
            b'l' => (b"r", 1),
            b'z' => (b"j", 1),
            b'x' => (b"s", 1),
            b'c' if matches!(next, b'e' | b'i' | b'y') => (b"s", 1),
            b'c' => (b"k", 1),
            b'h' if i + 1 == n && i > 0 => (b"", 1),
            // trailing silent e after a consonant (Alice → alis), long words only
            b'e' if i + 1 == n && n >= 4 && !is_vowel(b[i - 1]) => (b"", 1),
            _ => (std::slice::from_ref(&b[i]), 1),
        };
        for &e in emit {
            if out.last() != Some(&e) || e.is_ascii_digit() {
                out.push(e);
            }
        }
        i += adv;
    }
    // Bytes are ASCII letters/digits and 'N'.
    String::from_utf8(out).unwrap_or_default()
}

/// The looser key: [`skeleton`] with `u` and `o` merged (South Korean informal
/// spellings write ㅓ as `u`: Chul, Sung, Jung, Hyun, Suk) and a non-initial `y` read as `i`.
pub fn loose(skel: &str) -> String {
    let mut out = String::with_capacity(skel.len());
    let mapped = skel.chars().enumerate().map(|(i, c)| match c {
        'u' => 'o',
        // a non-initial y is the vowel i (Gayk = Gaik, Asatryan = Asatrian)
        'y' if i > 0 => 'i',
        c => c,
    });
    for c in mapped {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// One word of a name, with its keys and class.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// The folded word (after abbreviation expansion).
    pub raw: String,
    /// [`skeleton`] of `raw`.
    pub skel: String,
    /// [`loose`] key.
    pub loose: String,
    pub class: TokClass,
}

impl Token {
    /// Build a token from a folded word.
    pub fn new(word: &str) -> Token {
        let raw = expand_abbreviation(word).to_string();
        let class = classify(&raw);
        let skel = skeleton(&raw);
        let loose = loose(&skel);
        Token {
            raw,
            skel,
            loose,
            class,
        }
    }

    /// Two adjacent words fused (`yong` + `chol` → `yongchol`).
    pub fn fused(a: &Token, b: &Token) -> Token {
        let raw = format!("{}{}", a.raw, b.raw);
        let skel = skeleton(&raw);
        let loose = loose(&skel);
        let class = if a.class == TokClass::Name || b.class == TokClass::Name {
            TokClass::Name
        } else if a.class == TokClass::Generic || b.class == TokClass::Generic {
            TokClass::Generic
        } else {
            TokClass::Suffix
        };
        Token {
            raw,
            skel,
            loose,
            class,
        }
    }
}

/// Fold and tokenise a name (at most 16 words are kept).
pub fn tokens(name: &str) -> Vec<Token> {
    tokens_with(name, Scheme::DEFAULT)
}

/// [`tokens`] with an explicit transliteration scheme.
pub fn tokens_with(name: &str, scheme: Scheme) -> Vec<Token> {
    let folded = fold_with(name, scheme);
    let mut words: Vec<&str> = Vec::new();
    for w in folded.split(' ').filter(|w| !w.is_empty()) {
        if w == "it" {
            // one abbreviation that stands for two words
            words.push("information");
            words.push("technology");
        } else {
            words.push(w);
        }
    }
    let mut out: Vec<Token> = Vec::new();
    let mut i = 0;
    while i < words.len() && out.len() < 16 {
        // dotted acronyms: L.L.C. → llc, U.S.A. → usa
        let mut j = i;
        while j < words.len() && words[j].len() == 1 && words[j].as_bytes()[0].is_ascii_alphabetic()
        {
            j += 1;
        }
        if j - i >= 2 {
            out.push(Token::new(&words[i..j].concat()));
            i = j;
            continue;
        }
        // Democratic People's Republic of Korea → dprk
        if words[i] == "democratic" {
            let rest: Vec<&str> = words[i + 1..]
                .iter()
                .copied()
                .filter(|w| *w != "of" && *w != "s")
                .take(3)
                .collect();
            if rest.len() == 3
                && (rest[0] == "peoples" || rest[0] == "people")
                && rest[1] == "republic"
                && (rest[2] == "korea" || rest[2] == "korean")
            {
                let mut k = i + 1;
                let mut seen = 0;
                while k < words.len() && seen < 3 {
                    if words[k] != "of" && words[k] != "s" {
                        seen += 1;
                    }
                    k += 1;
                }
                out.push(Token::new("dprk"));
                i = k;
                continue;
            }
        }
        out.push(Token::new(words[i]));
        i += 1;
    }
    out
}

/// Russian/Ukrainian patronymic (`Sergeyevich`, `Igorevna`): optional in names.
pub fn is_patronymic(w: &str) -> bool {
    w.len() >= 7
        && [
            "ovich", "evich", "ovna", "evna", "ichna", "ovych", "ivna", "yevych",
        ]
        .iter()
        .any(|s| w.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lk(w: &str) -> String {
        loose(&skeleton(w))
    }

    #[test]
    fn folding() {
        assert_eq!(fold("KIM, Yong-Chol"), "kim yong chol");
        assert_eq!(fold("RI U’N SO’NG"), "ri un song");
        assert_eq!(fold("O, Ku'k-ryo'l"), "o kuk ryol");
        assert_eq!(fold("Kim Yŏng-ch’ŏl"), "kim yong chol");
        assert_eq!(
            fold("SENAT SHIPPING & TRADING PTE LTD"),
            "senat shipping and trading pte ltd"
        );
        assert_eq!(
            fold("  Müller-Lüdenscheidt  GmbH "),
            "muller ludenscheidt gmbh"
        );
        assert_eq!(fold("김영철"), "gim yeong cheol");
        assert_eq!(
            fold("Андреев Виталий Сергеевич"),
            "andreev vitaliy sergeevich"
        );
    }

    #[test]
    fn korean_variants_share_keys() {
        let groups: &[&[&str]] = &[
            &["kim", "gim"],
            &["jong", "jung", "chong", "jeong", "chung", "cheong"],
            &["un", "eun"],
            &["song", "seong", "sung"],
            &["choe", "choi", "chwe"],
            &["ri", "rhee", "lee", "yi", "i", "li"],
            &["pak", "park", "bak"],
            &["ryu", "yu", "yoo"],
            &["hyon", "hyun", "hyeon"],
            &["kang", "gang"],
            &["ko", "go"],
            &["yong", "young", "yeong"],
            &["chol", "cheol", "chul"],
            &["sok", "seok", "suk"],
            &["chinyong", "jinyong", "jinyoung"],
            &["geumpungri", "kumpungri"],
            &["alis", "alice"],
            &["hyok", "hyeok", "hyuk"],
            &["il", "il"],
            &["woo", "u"],
        ];
        for g in groups {
            let k = lk(g[0]);
            for w in &g[1..] {
                assert_eq!(lk(w), k, "{w} vs {}", g[0]);
            }
        }
        assert_ne!(lk("kim"), lk("pak"));
        assert_ne!(lk("son"), lk("song"));
    }

    #[test]
    fn suffixes_and_abbreviations() {
        let t = tokens("Korea Sobaeksu Trading Co., Ltd.");
        let classes: Vec<TokClass> = t.iter().map(|t| t.class).collect();
        assert_eq!(
            classes,
            [
                TokClass::Generic,
                TokClass::Name,
                TokClass::Suffix,
                TokClass::Suffix,
                TokClass::Suffix
            ]
        );
        assert_eq!(tokens("KOREA SAMMA SHPG CO")[2].raw, "shipping");
        assert_eq!(
            Token::fused(&Token::new("silver"), &Token::new("star")).raw,
            "silverstar"
        );
    }
}
