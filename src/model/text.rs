//! The one normaliser for text that is screened or linked: names on their way to the sanctions
//! matcher and the name checks, identifiers on their way to the identifier index and the lists'
//! exact lookups. Every path that compares text goes through one of three functions here, so a
//! character that is invisible or a compatibility variant cannot make one path see a difference
//! another path does not.
//!
//! * [`clean`] (identifiers: document numbers, IBANs and account numbers, crypto addresses,
//!   e-mails, phones, device ids, address words): removes every `Default_Ignorable_Code_Point`
//!   (Unicode DerivedCoreProperties: soft hyphen, zero-width space/joiner/non-joiner, word joiner,
//!   bidi marks and embeddings, variation selectors, Hangul fillers, tags…; the property comes
//!   from ICU4X `icu_properties`), applies NFKC (full-width `１２３` → `123`, `ﬁ` → `fi`) and
//!   removes ignorables NFKC itself produced (`U+FFA0` → `U+3164`). Identifiers are **never**
//!   folded to look-alikes: `0`/`O` and `1`/`l` are different characters in a document number or
//!   a wallet, and folding them would invent reuse. Each kind then applies its own case rule.
//! * [`fold`]: [`clean`] plus case folding, for text compared without case (e-mail addresses).
//! * [`name`] (personal and organisation names): [`clean`], then each word that mixes scripts
//!   (`Раk` with a Cyrillic `Р` and `а`, `Ηyok` with a Greek `Η`) is written in one script with the
//!   UTS #39 confusable prototypes (`confusables.txt`, through `unicode-security`): in Latin when
//!   every letter of the other script has a Latin look-alike, else in the other script when every
//!   Latin letter has a look-alike there (`Андpеев` with a Latin `p` → `Андреев`). Latin letters
//!   outside ASCII that are look-alikes of one ASCII letter (small capitals `ɪ` → `i`, `ʏ` → `y`)
//!   are read as that letter. A word in one script (`Андреев`, `김영철`, `金正恩`) and names whose
//!   words are in different scripts (`Kim 김`) are left to transliteration.
//!
//! Pure ASCII takes a fast path everywhere: no ignorable is ASCII and ASCII is its own NFKC, so
//! such text is returned borrowed after one scan.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use icu_properties::CodePointSetData;
use icu_properties::props::DefaultIgnorableCodePoint;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;
use unicode_script::{Script, UnicodeScript};
use unicode_security::MixedScript;

/// Is `c` a `Default_Ignorable_Code_Point` (invisible, and to be ignored in comparisons)?
pub fn is_ignorable(c: char) -> bool {
    !c.is_ascii() && CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(c)
}

/// An apostrophe of any kind: inside a name it joins (`Ku'k-ryo'l` → `kuk ryol`).
pub fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '’' | '‘' | 'ʼ' | 'ʻ' | '`' | '´' | 'ʹ' | '′' | '‛' | 'ˈ'
    )
}

/// Ignorables removed, then NFKC (see the module documentation). Borrowed for ASCII.
pub fn clean(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .filter(|c| !is_ignorable(*c))
            .nfkc()
            .filter(|c| !is_ignorable(*c))
            .collect(),
    )
}

/// [`clean`], then case folded: the Unicode lower-case mapping, with `ß`/`ẞ` → `ss` and final
/// `ς` → `σ` (after NFKC these are where full case folding differs from lower case, Cherokee
/// aside).
pub fn fold(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        if s.bytes().any(|b| b.is_ascii_uppercase()) {
            return Cow::Owned(s.to_ascii_lowercase());
        }
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in clean(s).chars() {
        match c {
            'ß' | 'ẞ' => out.push_str("ss"),
            'ς' => out.push('σ'),
            c => out.extend(c.to_lowercase()),
        }
    }
    Cow::Owned(out)
}

/// A name as the matcher and the name checks read it (see the module documentation). Borrowed for
/// ASCII.
pub fn name(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    let cleaned = clean(s);
    let mut out = String::with_capacity(cleaned.len());
    for (word, piece) in pieces(&cleaned) {
        if word {
            one_script(piece, &mut out);
        } else {
            out.push_str(piece);
        }
    }
    Cow::Owned(out)
}

/// The scripts mixed inside one word of `name` (full Unicode names, sorted), over every such
/// word; empty when each word is written in one script. Common characters (digits, apostrophes)
/// and combining marks belong to every script. Hangul with Han, or kana with Han, is one writing
/// system (UTS #39 augmented script sets), not a mix.
pub fn mixed_scripts(name: &str) -> Vec<&'static str> {
    if name.is_ascii() {
        return Vec::new();
    }
    let cleaned = clean(name);
    let mut scripts: Vec<&'static str> = Vec::new();
    for (word, piece) in pieces(&cleaned) {
        if word && !piece.is_single_script() {
            for c in piece.chars() {
                let script = c.script();
                if !matches!(script, Script::Common | Script::Inherited | Script::Unknown) {
                    scripts.push(script.full_name());
                }
            }
        }
    }
    scripts.sort_unstable();
    scripts.dedup();
    scripts
}

/// Is `c` part of a word (letters, digits, marks, apostrophes)?
fn word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c) || is_apostrophe(c)
}

/// `s` cut into words and what separates them, in order: `(is_word, text)`.
fn pieces(s: &str) -> impl Iterator<Item = (bool, &str)> {
    let mut rest = s;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let word = word_char(first);
        let end = rest
            .char_indices()
            .find(|&(_, c)| word_char(c) != word)
            .map_or(rest.len(), |(i, _)| i);
        let (piece, tail) = rest.split_at(end);
        rest = tail;
        Some((word, piece))
    })
}

/// The UTS #39 skeleton of one character.
fn skeleton(c: char) -> String {
    unicode_security::skeleton(c.encode_utf8(&mut [0u8; 4])).collect()
}

/// ASCII letters by their skeleton. A skeleton is the prototype of a class of look-alikes, not
/// always a member one would pick: `I`, `l` and Cyrillic `І` share `l`, and `m` is `rn`.
static ASCII_BY_SKELETON: LazyLock<HashMap<String, Vec<char>>> = LazyLock::new(|| {
    let mut map: HashMap<String, Vec<char>> = HashMap::new();
    for a in ('A'..='Z').chain('a'..='z') {
        map.entry(skeleton(a)).or_default().push(a);
    }
    map
});

/// The ASCII letter `c` is a UTS #39 confusable of (`Р` → `P`, `а` → `a`, `Η` → `H`, `І` → `I`,
/// `ɪ` → `i`), if there is one; of two (`I` and `l`), the one of `c`'s case.
pub fn latin_lookalike(c: char) -> Option<char> {
    if c.is_ascii() {
        return None;
    }
    let candidates = ASCII_BY_SKELETON.get(&skeleton(c))?;
    candidates
        .iter()
        .find(|a| a.is_ascii_uppercase() == c.is_uppercase())
        .or(candidates.first())
        .copied()
}

/// For Cyrillic and Greek: the letter of that script each ASCII letter is a look-alike of
/// (`p` → `р`), taken from the same confusable prototypes, only letters transliteration reads.
static LOOKALIKES_OF_LATIN: LazyLock<HashMap<(Script, char), char>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    let blocks = ('\u{0370}'..='\u{03FF}').chain('\u{0400}'..='\u{04FF}');
    for c in blocks {
        let readable = crate::model::translit::for_matching(
            c.encode_utf8(&mut [0u8; 4]),
            crate::model::translit::Scheme::DEFAULT,
        )
        .is_ascii();
        if let (true, Some(latin)) = (readable, latin_lookalike(c)) {
            map.entry((c.script(), latin)).or_insert(c);
        }
    }
    map
});

/// Writes `word` in one script where it mixes them (see the module documentation).
fn one_script(word: &str, out: &mut String) {
    if word.is_single_script() {
        for c in word.chars() {
            match c.script() {
                Script::Latin => out.push(latin_lookalike(c).unwrap_or(c)),
                _ => out.push(c),
            }
        }
        return;
    }
    let foreign = |c: char| {
        !matches!(
            c.script(),
            Script::Latin | Script::Common | Script::Inherited
        )
    };
    // In Latin, when every other letter has a Latin look-alike.
    if word
        .chars()
        .filter(|c| foreign(*c))
        .all(|c| latin_lookalike(c).is_some())
    {
        out.extend(word.chars().map(|c| {
            if foreign(c) || c.script() == Script::Latin {
                latin_lookalike(c).unwrap_or(c)
            } else {
                c
            }
        }));
        return;
    }
    // In the other script, when there is one other and every Latin letter has a look-alike in it.
    let mut other = word
        .chars()
        .map(|c| c.script())
        .filter(|s| !matches!(s, Script::Latin | Script::Common | Script::Inherited));
    if let Some(script) = other.next()
        && other.all(|s| s == script)
    {
        let mapped: Option<String> = word
            .chars()
            .map(|c| match c.script() {
                Script::Latin => LOOKALIKES_OF_LATIN.get(&(script, c)).copied(),
                _ => Some(c),
            })
            .collect();
        if let Some(mapped) = mapped {
            out.push_str(&mapped);
            return;
        }
    }
    out.push_str(word);
}

/// What the property tests of every normalised path share: invisible characters and look-alike
/// letters to hide in text, and where.
#[cfg(test)]
pub(crate) mod testing {
    use proptest::prelude::*;

    /// A sample of `Default_Ignorable_Code_Point` (Unicode DerivedCoreProperties.txt) across its
    /// ranges: soft hyphen, combining grapheme joiner, Arabic letter mark, Hangul fillers, Khmer
    /// inherent vowels, Mongolian variation selectors and vowel separator, zero-width space,
    /// non-joiner and joiner, left-to-right and right-to-left marks, bidi embeddings and isolates,
    /// word joiner, invisible operators, variation selectors, BOM, shorthand format controls,
    /// musical formatting, tags.
    pub const IGNORABLES: &[char] = &[
        '\u{00AD}',
        '\u{034F}',
        '\u{061C}',
        '\u{115F}',
        '\u{1160}',
        '\u{17B4}',
        '\u{180B}',
        '\u{180E}',
        '\u{200B}',
        '\u{200C}',
        '\u{200D}',
        '\u{200E}',
        '\u{200F}',
        '\u{202A}',
        '\u{202E}',
        '\u{2060}',
        '\u{2061}',
        '\u{2064}',
        '\u{2066}',
        '\u{2069}',
        '\u{206F}',
        '\u{3164}',
        '\u{FE00}',
        '\u{FE0F}',
        '\u{FEFF}',
        '\u{FFA0}',
        '\u{1BCA0}',
        '\u{1D173}',
        '\u{E0001}',
        '\u{E0041}',
        '\u{E0100}',
        '\u{E01EF}',
    ];

    /// Letters of other scripts (and Latin small capitals) that look like an ASCII letter, written
    /// out independently of the confusables table the normaliser reads.
    pub const LOOKALIKES: &[(char, &[char])] = &[
        ('A', &['\u{0410}', '\u{0391}']),
        ('B', &['\u{0412}', '\u{0392}']),
        ('C', &['\u{0421}']),
        ('E', &['\u{0415}', '\u{0395}']),
        ('H', &['\u{041D}', '\u{0397}']),
        ('I', &['\u{0406}', '\u{0399}']),
        ('J', &['\u{0408}']),
        ('K', &['\u{041A}', '\u{039A}']),
        ('M', &['\u{041C}', '\u{039C}']),
        ('N', &['\u{039D}']),
        ('O', &['\u{041E}', '\u{039F}']),
        ('P', &['\u{0420}', '\u{03A1}']),
        ('S', &['\u{0405}']),
        ('T', &['\u{0422}', '\u{03A4}']),
        ('X', &['\u{0425}', '\u{03A7}']),
        ('Y', &['\u{04AE}', '\u{03A5}']),
        ('Z', &['\u{0396}']),
        ('a', &['\u{0430}']),
        ('c', &['\u{0441}']),
        ('e', &['\u{0435}']),
        ('i', &['\u{0456}', '\u{026A}']),
        ('j', &['\u{0458}']),
        ('o', &['\u{043E}', '\u{03BF}']),
        ('p', &['\u{0440}']),
        ('s', &['\u{0455}']),
        ('x', &['\u{0445}']),
        ('y', &['\u{0443}']),
    ];

    pub fn ignorable() -> impl Strategy<Value = char> {
        prop::sample::select(IGNORABLES)
    }

    /// `text` with `c` inserted before its `at`-th character (modulo its length + 1).
    pub fn insert(text: &str, c: char, at: usize) -> String {
        let n = text.chars().count();
        let at = at % (n + 1);
        let mut out: String = text.chars().take(at).collect();
        out.push(c);
        out.extend(text.chars().skip(at));
        out
    }

    /// `text` with its `pick`-th letter that has look-alikes (modulo their number) replaced by the
    /// `which`-th of them; `None` when it has no such letter.
    pub fn swap_lookalike(text: &str, pick: usize, which: usize) -> Option<String> {
        let spots: Vec<(usize, &[char])> = text
            .char_indices()
            .filter_map(|(i, c)| {
                LOOKALIKES
                    .iter()
                    .find(|(l, _)| *l == c)
                    .map(|(_, alike)| (i, *alike))
            })
            .collect();
        let (at, alike) = *spots.get(pick % spots.len().max(1))?;
        let replacement = alike[which % alike.len()];
        let mut out = String::with_capacity(text.len() + 2);
        out.push_str(&text[..at]);
        out.push(replacement);
        out.push_str(&text[at + 1..]);
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::testing::*;
    use super::*;

    #[test]
    fn ignorables_are_the_unicode_property_and_nothing_visible() {
        for &c in IGNORABLES {
            assert!(is_ignorable(c), "U+{:04X}", c as u32);
        }
        for c in [
            'a', ' ', '-', 'é', 'Р', '김', '\u{0301}', '\u{00A0}', '\u{3000}',
        ] {
            assert!(!is_ignorable(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn clean_removes_ignorables_and_applies_nfkc() {
        assert_eq!(clean("C03\u{200B}005\u{00AD}988"), "C03005988");
        assert_eq!(clean("１２３ＡＢＣ"), "123ABC");
        assert_eq!(
            clean("e\u{200B}\u{0301}"),
            "é",
            "the mark composes once the ZWSP is gone"
        );
        assert_eq!(
            clean("a\u{FFA0}b"),
            "ab",
            "an ignorable NFKC produces is removed too"
        );
        assert!(matches!(clean("plain ascii"), Cow::Borrowed(_)));
    }

    #[test]
    fn fold_case_folds_after_cleaning() {
        assert_eq!(
            fold("John.Smith\u{200D}@Example.COM"),
            "john.smith@example.com"
        );
        assert_eq!(fold("STRAẞE"), "strasse");
        assert_eq!(fold("ΟΔΥΣΣΕΥΣ"), fold("οδυσσευς"));
        assert!(matches!(fold("already lower"), Cow::Borrowed(_)));
    }

    #[test]
    fn mixed_script_words_are_written_in_one_script() {
        // Cyrillic Р, а, Ј, Н; Greek Ρ, Η: each word written back in Latin.
        assert_eq!(name("Раk Јin Нyok"), "Pak Jin Hyok");
        assert_eq!(name("Ρak Jin Ηyok"), "Pak Jin Hyok");
        assert_eq!(name("P\u{200B}ak Ji\u{00AD}n Hy\u{200D}ok"), "Pak Jin Hyok");
        assert_eq!(name("Pak Jɪn Hyok"), "Pak Jin Hyok", "small capital I");
        // A Cyrillic word with one Latin look-alike goes back to Cyrillic.
        assert_eq!(name("Андpеев"), "Андреев");
        // One script per word: left to transliteration.
        for whole in [
            "Андреев Виталий",
            "김영철",
            "金正恩",
            "Kim 김",
            "Ὀδυσσεύς",
            "José Müller",
        ] {
            assert_eq!(name(whole), whole);
        }
    }

    #[test]
    fn only_words_that_mix_scripts_are_mixed() {
        assert_eq!(mixed_scripts("Раk Jin Hyok"), ["Cyrillic", "Latin"]);
        assert_eq!(mixed_scripts("Pak Jin Ηyok"), ["Greek", "Latin"]);
        assert_eq!(mixed_scripts("Kim김"), ["Hangul", "Latin"]);
        for ordinary in [
            "Pak Jin Hyok",
            "김영철",
            "金正恩",
            "金 正恩",
            "김 金",
            "Андреев Виталий Сергеевич",
            "Kim 김영철",
            "Li Wei 李伟",
            "Ivanov Иван",
            "Nguyễn Văn Anh",
            "O'Brien",
            "Ku'k-ryo'l",
            "山田 花子",
            "やまだ 花子",
            "Γιώργος Παπαδόπουλος",
        ] {
            assert!(mixed_scripts(ordinary).is_empty(), "{ordinary}");
        }
    }

    #[test]
    fn every_listed_lookalike_reads_as_its_letter_inside_a_latin_word() {
        for (latin, alike) in LOOKALIKES {
            for &c in *alike {
                let word = format!("x{c}x");
                assert_eq!(name(&word), format!("x{latin}x"), "U+{:04X}", c as u32);
            }
        }
    }

    proptest! {
        #[test]
        fn an_inserted_ignorable_changes_nothing(
            text in "[A-Za-z0-9@.+ -]{1,24}|[а-яА-Я ]{1,12}|[가-힣 ]{1,6}",
            c in ignorable(),
            at in 0usize..25,
        ) {
            let spoofed = insert(&text, c, at);
            prop_assert_eq!(clean(&spoofed), clean(&text));
            prop_assert_eq!(fold(&spoofed), fold(&text));
            prop_assert_eq!(name(&spoofed), name(&text));
            prop_assert_eq!(mixed_scripts(&spoofed), mixed_scripts(&text));
        }

        #[test]
        fn one_lookalike_letter_in_a_latin_word_reads_as_the_letter(
            text in "[A-Za-z]{2,12}( [A-Za-z]{2,12}){0,2}",
            pick in 0usize..40,
            which in 0usize..2,
        ) {
            if let Some(spoofed) = swap_lookalike(&text, pick, which) {
                prop_assert_eq!(name(&spoofed), text.as_str());
            }
        }
    }
}
