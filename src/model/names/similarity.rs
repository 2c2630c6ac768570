//! How alike two names are: token-set Jaro-Winkler with phonetic keys, word weights and fusion of
//! adjacent words, in [0, 1]. The sanctions matcher scores list entries with it; the checks ask it
//! whether a payout holder or a document names the applicant.

use super::jaro::jaro_winkler;
use super::normalize::{COUNTRY_WORDS, TokClass, Token, tokens_with};
use crate::model::translit::{self, Scheme};

/// Pairs of words less similar than this count as unmatched.
pub const MIN_PAIR: f64 = 0.78;
/// Factor when the matched words are shuffled, not just rotated.
pub const ORDER_FACTOR: f64 = 0.85;
/// The same for a pair involving two fused words.
pub const MIN_FUSED_PAIR: f64 = 0.9;
/// Factor when Korean or Chinese syllables are shuffled (`Ri Min Chol` / `Ri Chol Min`): given-name
/// syllables keep their order, so such a pair is another name and stays under the review floor.
pub const SYLLABLE_ORDER_FACTOR: f64 = 0.7;
/// Ceiling of a partial name: a name of two words that meets only two of the other side's three or
/// more (`Kim Song` / `Kim Song Il`) names someone else as often as the same person; below the
/// review floor.
pub const PARTIAL_NAME_CAP: f64 = 0.7;
/// Words this short are syllables of East Asian names rather than whole Western names.
const SYLLABLE_MAX_LEN: usize = 5;
/// Factor on the name similarity of a weak (low-quality) alias.
pub const WEAK_ALIAS_FACTOR: f64 = 0.93;
/// Ceiling of the name similarity on a 1–3 character name or alias: indexed,
/// shown to analysts, never a match (nor a review) on its own.
pub const SHORT_NAME_CAP: f64 = 0.6;

/// Base weight of a word class (multiplied by an IDF factor in the index).
pub fn class_weight(c: TokClass) -> f32 {
    match c {
        TokClass::Suffix => 0.06,
        TokClass::Generic => 0.35,
        TokClass::Name => 1.0,
    }
}

/// Similarity of two words in [0, 1]: exact > same skeleton > same loose key >
/// fuzzy Jaro-Winkler (raw, skeleton and loose key), damped on very short words.
pub fn token_sim(a: &Token, b: &Token) -> f64 {
    if a.raw == b.raw {
        return 1.0;
    }
    if a.skel == b.skel {
        return 0.97;
    }
    if a.loose == b.loose {
        return 0.94;
    }
    if one_transposition(a.raw.as_bytes(), b.raw.as_bytes()) {
        return if a.raw.len() <= 3 { 0.85 } else { 0.9 };
    }
    let mut j = jaro_winkler(a.raw.as_bytes(), b.raw.as_bytes());
    if a.skel != a.raw || b.skel != b.raw {
        j = j.max(0.96 * jaro_winkler(a.skel.as_bytes(), b.skel.as_bytes()));
    }
    if a.loose != a.skel || b.loose != b.skel {
        j = j.max(0.92 * jaro_winkler(a.loose.as_bytes(), b.loose.as_bytes()));
    }
    fuzzy_curve(j, a, b)
}

/// Do `a` and `b` differ by exactly one swap of adjacent letters (`kmi`/`kim`)?
pub fn one_transposition(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() || a.len() < 2 {
        return false;
    }
    let Some(i) = a.iter().zip(b).position(|(x, y)| x != y) else {
        return false;
    };
    i + 1 < a.len() && a[i] == b[i + 1] && a[i + 1] == b[i] && a[i + 2..] == b[i + 2..]
}

/// Damp a fuzzy (not key-equal) word similarity: below 0.92 it falls twice
/// as fast (different words share letters); very short words are damped, and
/// short words with another first sound (Korean syllables: Byong/Myong) more.
fn fuzzy_curve(j: f64, a: &Token, b: &Token) -> f64 {
    let j = if j >= 0.92 { j } else { 2.0 * j - 0.92 };
    let short = a.raw.len().min(b.raw.len());
    let damp = match short {
        0..=2 => 0.7,
        3 => 0.9,
        4 => 0.95,
        _ => 1.0,
    };
    let first_differs = a.skel.as_bytes().first() != b.skel.as_bytes().first();
    let damp = if first_differs && a.raw.len().max(b.raw.len()) <= 6 {
        damp * 0.9
    } else {
        damp
    };
    (j * damp).max(0.0)
}

/// [`token_sim`] for a pair involving a fused word: also compares the words
/// backwards, so that a shared first half (`korea`+`zinc` vs `korea`+`kumryong`)
/// does not pass for the whole.
pub fn fused_sim(a: &Token, b: &Token) -> f64 {
    if a.raw == b.raw {
        return 1.0;
    }
    if a.skel == b.skel {
        return 0.97;
    }
    let (x, y) = (a.skel.as_bytes(), b.skel.as_bytes());
    if a.loose == b.loose && x.len() == y.len() {
        return 0.94;
    }
    let s = fuzzy_curve(
        jaro_winkler(a.raw.as_bytes(), b.raw.as_bytes()).max(0.96 * jaro_winkler(x, y)),
        a,
        b,
    );
    if x.len() > 64 || y.len() > 64 {
        return s;
    }
    let mut rx = [0u8; 64];
    let mut ry = [0u8; 64];
    for (k, &c) in x.iter().rev().enumerate() {
        rx[k] = c;
    }
    for (k, &c) in y.iter().rev().enumerate() {
        ry[k] = c;
    }
    s.min(jaro_winkler(&rx[..x.len()], &ry[..y.len()]))
}

/// A name side prepared for alignment: words, weights, and the fused adjacent pairs.
#[derive(Debug, Clone)]
pub struct Side {
    pub toks: Vec<Token>,
    pub w: Vec<f32>,
    /// `fused[i]` = `toks[i]` + `toks[i + 1]`.
    pub fused: Vec<Token>,
}

impl Side {
    /// Prepare words with their weights.
    pub fn new(toks: Vec<Token>, w: Vec<f32>) -> Side {
        let fused = toks
            .windows(2)
            .map(|p| Token::fused(&p[0], &p[1]))
            .collect();
        Side { toks, w, fused }
    }

    /// Sum of the weights.
    pub fn wsum(&self) -> f32 {
        self.w.iter().sum()
    }

    fn len(&self, merge: Option<usize>) -> usize {
        self.toks.len() - usize::from(merge.is_some())
    }

    fn get(&self, merge: Option<usize>, k: usize) -> (&Token, f32) {
        match merge {
            Some(m) if k == m => (&self.fused[m], self.w[m] + self.w[m + 1]),
            Some(m) if k > m => (&self.toks[k + 1], self.w[k + 1]),
            _ => (&self.toks[k], self.w[k]),
        }
    }
}

const MAXT: usize = 16;

type Matrix = [[f32; MAXT]; MAXT];

/// One arrangement of a side: its words and weights (after at most one fusion).
struct View<'a> {
    t: [Option<&'a Token>; MAXT],
    w: [f32; MAXT],
    len: usize,
}

impl<'a> View<'a> {
    fn new(s: &'a Side, merge: Option<usize>) -> View<'a> {
        let mut v = View {
            t: [None; MAXT],
            w: [0.0; MAXT],
            len: s.len(merge).min(MAXT),
        };
        for k in 0..v.len {
            let (t, w) = s.get(merge, k);
            v.t[k] = Some(t);
            v.w[k] = w;
        }
        v
    }

    fn tok(&self, k: usize) -> &'a Token {
        self.t[k].expect("in range")
    }
}

fn pair(a: &Token, b: &Token, fused: bool) -> f32 {
    // a fused pair must really be the same word, not a shared prefix
    let (s, min) = if fused {
        (fused_sim(a, b), MIN_FUSED_PAIR)
    } else {
        (token_sim(a, b), MIN_PAIR)
    };
    if s >= min { s as f32 } else { 0.0 }
}

/// Whether an alignment leaves a name word of the shorter side unmatched, or is a two-word
/// person's name meeting only part of a longer one. Organisations drop a city or a generic word all
/// the time: the partial rule is for people.
fn is_partial(q: &View<'_>, n: &View<'_>, used_q: u32, used_n: u32) -> bool {
    let names = |v: &View<'_>| {
        (0..v.len)
            .filter(|&k| v.tok(k).class == TokClass::Name)
            .count()
    };
    let open = |v: &View<'_>, used: u32| {
        (0..v.len)
            .filter(|&k| used & (1 << k) == 0 && v.tok(k).class == TokClass::Name)
            .count()
    };
    let (names_q, names_n) = (names(q), names(n));
    let (open_q, open_n) = (open(q, used_q), open(n, used_n));
    let (short_open, long_open, short_names) = if names_q <= names_n {
        (open_q, open_n, names_q)
    } else {
        (open_n, open_q, names_n)
    };
    let people = names_q == q.len && names_n == n.len;
    short_open > 0
        || (people && short_names <= 2 && long_open > 0 && short_names < names_q.max(names_n))
}

/// Weighted Dice over a greedy best-pair alignment, given the pair matrix.
fn solve(q: &View<'_>, n: &View<'_>, sim: &Matrix) -> f64 {
    let (lq, ln) = (q.len, n.len);
    if lq == 0 || ln == 0 {
        return 0.0;
    }
    let mut total: f64 = q.w[..lq]
        .iter()
        .chain(n.w[..ln].iter())
        .map(|&w| f64::from(w))
        .sum();
    let mut used_q = 0u32;
    let mut used_n = 0u32;
    let mut matched = 0f64;
    // name position matched by each query position (for the order check)
    let mut pos = [u8::MAX; MAXT];
    for _ in 0..lq.min(ln) {
        let mut best = (0f32, 0usize, 0usize);
        for (i, row) in sim.iter().enumerate().take(lq) {
            if used_q & (1 << i) != 0 {
                continue;
            }
            for (j, &s) in row.iter().enumerate().take(ln) {
                if used_n & (1 << j) == 0 && s > best.0 {
                    best = (s, i, j);
                }
            }
        }
        if best.0 <= 0.0 {
            break;
        }
        used_q |= 1 << best.1;
        used_n |= 1 << best.2;
        pos[best.1] = best.2 as u8;
        matched += f64::from(best.0) * f64::from(q.w[best.1] + n.w[best.2]);
    }
    // a legal form or connective left unmatched is no evidence either way; a
    // generic word left unmatched counts double (sharing one is weak evidence,
    // having one more is a real difference: Fortune Technology vs Fortune),
    // except country words, often left out of a citation
    let unmatched = |t: &Token, w: f32| match t.class {
        TokClass::Suffix => -f64::from(w),
        TokClass::Generic if COUNTRY_WORDS.contains(&t.raw.as_str()) => 0.0,
        TokClass::Generic => f64::from(w),
        TokClass::Name => 0.0,
    };
    for i in 0..lq {
        if used_q & (1 << i) == 0 {
            total += unmatched(q.tok(i), q.w[i]);
        }
    }
    for j in 0..ln {
        if used_n & (1 << j) == 0 {
            total += unmatched(n.tok(j), n.w[j]);
        }
    }
    if total <= 1e-9 {
        return 0.0;
    }
    let mut s = (matched / total).clamp(0.0, 1.0);
    // Every name word of the shorter side must align; and a two-word name meeting two words of a
    // longer one is a partial name (`Kim Song` is not `Kim Song Il`). Only a score above the cap
    // can be lowered by it, so the common case of two different names skips the count.
    if s > PARTIAL_NAME_CAP && is_partial(q, n, used_q, used_n) {
        s = PARTIAL_NAME_CAP;
    }
    // word order may rotate (family name first or last) but not shuffle:
    // Kim Seok-jin is not Kim Jin-seok
    let mut seq = [0u8; MAXT];
    let mut len = 0;
    for &p in pos[..lq].iter().filter(|&&p| p != u8::MAX) {
        seq[len] = p;
        len += 1;
    }
    if len >= 3 {
        let descents = (0..len).filter(|&k| seq[(k + 1) % len] < seq[k]).count();
        if descents > 1 {
            let syllables = (0..lq)
                .filter(|&i| used_q & (1 << i) != 0)
                .all(|i| q.tok(i).raw.len() <= SYLLABLE_MAX_LEN);
            s *= if syllables {
                SYLLABLE_ORDER_FACTOR
            } else {
                ORDER_FACTOR
            };
        }
    }
    s
}

/// Name similarity of two prepared sides, in [0, 1], order-independent;
/// tries fusing each adjacent pair of words on either side (`Yong Chol` =
/// `Yongchol`, `Silver Star` = `Silverstar`) where one of the two words is
/// not already well matched.
#[allow(clippy::needless_range_loop)] // matrix index arithmetic
pub fn name_similarity(q: &Side, n: &Side) -> f64 {
    let qv = View::new(q, None);
    let nv = View::new(n, None);
    let mut base: Matrix = [[0.0; MAXT]; MAXT];
    for i in 0..qv.len {
        for j in 0..nv.len {
            base[i][j] = pair(qv.tok(i), nv.tok(j), false);
        }
    }
    let mut best = solve(&qv, &nv, &base);
    if best >= 0.99 {
        return best;
    }
    // a fused word far longer than every word of the other side cannot match
    let q_longest = (0..qv.len).map(|i| qv.tok(i).raw.len()).max().unwrap_or(0);
    let n_longest = (0..nv.len).map(|j| nv.tok(j).raw.len()).max().unwrap_or(0);
    let row_max = |i: usize| base[i][..nv.len].iter().copied().fold(0f32, f32::max);
    let col_max = |j: usize| (0..qv.len).map(|i| base[i][j]).fold(0f32, f32::max);
    for m in 0..q.fused.len().min(MAXT - 1) {
        if q.fused[m].class == TokClass::Suffix
            || q.fused[m].raw.len() > n_longest + 3
            || (row_max(m) >= 0.97 && row_max(m + 1) >= 0.97)
        {
            continue;
        }
        let v = View::new(q, Some(m));
        let mut sim: Matrix = [[0.0; MAXT]; MAXT];
        for i in 0..v.len {
            let src = if i < m {
                Some(i)
            } else if i > m {
                Some(i + 1)
            } else {
                None
            };
            for j in 0..nv.len {
                sim[i][j] = match src {
                    Some(r) => base[r][j],
                    None => pair(v.tok(i), nv.tok(j), true),
                };
            }
        }
        best = best.max(solve(&v, &nv, &sim));
    }
    for m in 0..n.fused.len().min(MAXT - 1) {
        if n.fused[m].class == TokClass::Suffix
            || n.fused[m].raw.len() > q_longest + 3
            || (col_max(m) >= 0.97 && col_max(m + 1) >= 0.97)
        {
            continue;
        }
        let v = View::new(n, Some(m));
        let mut sim: Matrix = [[0.0; MAXT]; MAXT];
        for j in 0..v.len {
            let src = if j < m {
                Some(j)
            } else if j > m {
                Some(j + 1)
            } else {
                None
            };
            for i in 0..qv.len {
                sim[i][j] = match src {
                    Some(c) => base[i][c],
                    None => pair(qv.tok(i), v.tok(j), true),
                };
            }
        }
        best = best.max(solve(&qv, &v, &sim));
    }
    best
}

/// Similarity of two names as written (any script, any order), in [0, 1] and symmetric. Each name
/// is tokenised as [`crate::intel::sanctions::matcher::Index::build`] does, in every transliteration scheme its script allows,
/// and weighted by word class alone (there is no list to take an IDF factor from); the result is
/// the best [`name_similarity`] over the schemes and both directions. For comparing one name with
/// another outside an index, such as a payout account's holder with the applicant.
pub fn name_similarity_str(a: &str, b: &str) -> f64 {
    let sides = |name: &str| -> Vec<Side> {
        let schemes: &[Scheme] = if translit::has_scheme_dependent(name) {
            &Scheme::ALL
        } else {
            &Scheme::ALL[..1]
        };
        schemes
            .iter()
            .map(|&scheme| tokens_with(name, scheme))
            .filter(|toks| !toks.is_empty())
            .map(|toks| {
                let w = toks.iter().map(|t| class_weight(t.class)).collect();
                Side::new(toks, w)
            })
            .collect()
    };
    let (left, right) = (sides(a), sides(b));
    let mut best = 0f64;
    for l in &left {
        for r in &right {
            best = best.max(name_similarity(l, r)).max(name_similarity(r, l));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::names::normalize::tokens;

    fn side(s: &str) -> Side {
        let t = tokens(s);
        let w = t.iter().map(|t| class_weight(t.class)).collect();
        Side::new(t, w)
    }

    fn sim(a: &str, b: &str) -> f64 {
        name_similarity(&side(a), &side(b))
    }

    #[test]
    fn the_review_band_needs_whole_names_in_their_order() {
        // Partial names: two words meeting two of three.
        assert!(sim("Kim Song", "Kim Song Il") <= PARTIAL_NAME_CAP);
        assert!(sim("Sim Hyon", "SIM Hyon Sop") <= PARTIAL_NAME_CAP);
        // A word of the shorter name that aligns with nothing.
        assert!(sim("Kim Yong Su", "KIM, Yong Chol") <= PARTIAL_NAME_CAP);
        // Korean given-name syllables keep their order; the family name may move.
        assert!(sim("Ri Min Chol", "RI, Chol Min") < 0.74);
        assert!(sim("Min Chol Ri", "RI, Min Chol") >= 0.99);
        // Western names shuffled keep the milder factor.
        let shuffled = sim("Garcia Lopez Maria", "Maria Lopez Garcia");
        assert!(shuffled > 0.8, "{shuffled}");
        // What stays: fused given names, romanisation variants, organisations without a city.
        assert!(sim("Kim Yongchol", "KIM, Yong Chol") > 0.95);
        assert!(sim("Jung Sung Hwa", "JONG Song Hwa") > 0.9);
        assert!(
            sim(
                "Silverstar Network Technology",
                "YANBIAN SILVERSTAR NETWORK TECHNOLOGY CO., LTD."
            ) >= 0.74
        );
    }

    #[test]
    fn order_fusion_and_variants() {
        assert_eq!(sim("KIM, Yong Chol", "Yong Chol Kim"), 1.0);
        assert!(sim("Kim Yongchol", "KIM, Yong Chol") > 0.95);
        assert!(sim("Yong-chol KIM", "KIM Yongchol") > 0.95);
        assert!(sim("Gim Yeong-cheol", "KIM, Yong Chol") > 0.93);
        assert!(sim("Choi Bu Il", "CHOE, Pu Il") > 0.9);
        assert!(sim("Park Jin Hyuk", "PAK, Jin Hyok") > 0.9);
        assert!(
            sim(
                "Yanbian Silver Star Network Technology Co Ltd",
                "YANBIAN SILVERSTAR NETWORK TECHNOLOGY CO., LTD."
            ) > 0.95
        );
        assert!(
            sim(
                "Jinyong IT Cooperation Co",
                "CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY"
            ) > 0.6
        );
        assert!(
            sim(
                "Korea Sobaeksu Trading Corporation",
                "KOREA SOBAEKSU TRADING COMPANY"
            ) > 0.97
        );
        assert!(sim("Kim Yong Su", "KIM, Yong Chol") < 0.75);
        assert!(sim("Kim", "KIM, Yong Chol") < 0.6);
        assert!(sim("Korea Zinc", "KOREA KUMRYONG TRADING CORPORATION") < 0.5);
    }

    #[test]
    fn names_as_written_compare_across_scripts_and_both_ways() {
        let pairs = [
            ("김영철", "Kim Yong Chol"),
            ("Carter, Emily", "EMILY CARTER"),
            ("Kim Yong Su", "KIM, Yong Chol"),
            ("Emily Carter", ""),
        ];
        for (a, b) in pairs {
            assert_eq!(
                name_similarity_str(a, b),
                name_similarity_str(b, a),
                "{a} / {b}"
            );
        }
        assert!(name_similarity_str("김영철", "Kim Yong Chol") > 0.95);
        assert_eq!(name_similarity_str("Carter, Emily", "EMILY CARTER"), 1.0);
        assert!(name_similarity_str("Kim Yong Su", "KIM, Yong Chol") < 0.75);
        assert_eq!(name_similarity_str("Emily Carter", ""), 0.0);
    }
}
