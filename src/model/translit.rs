//! Transliteration to Latin, in the two schemes the service reads names in. Each script's table is
//! written once here; a function is named for the use it serves.
//!
//! * **ICAO 9303** ([`icao_words`]): a name as a machine-readable zone spells it, upper-case ASCII
//!   words (Doc 9303 part 3: diacritics dropped, Cyrillic transliterated, `Щукин` → `SHCHUKIN`,
//!   `Weiß` → `WEISS`). The printed name is compared with the zone in it, names are compared
//!   across an application in it, and identity name keys are built from it (their stored hashes
//!   depend on it: its output never changes). A script it has no table for (Hangul, Han, Arabic…)
//!   makes the name unreadable, never guessed.
//! * **Matching** ([`for_matching`]): what the sanctions matcher and the "same person" comparison
//!   fold names from, lower case, every script with a reading:
//!   * **Hangul**: syllables are decomposed into jamo arithmetically
//!     (`syllable = 0xAC00 + (initial * 21 + medial) * 28 + final`) and written in Revised
//!     Romanisation ([`Hangul::Rr`], `김영철` → `gim yeong cheol`) or in McCune-Reischauer without
//!     diacritics, the style of the DPRK designations ([`Hangul::Mr`], `김영철` →
//!     `kim yong chol`). The matcher's phonetic keys then bridge the remaining spelling families
//!     (`Gim`/`Kim`, `Jeong`/`Jong`, `Lee`/`Ri`).
//!   * **Cyrillic**: BGN/PCGN-style (`Андреев` → `andreev`, `ж` → `zh`, `х` → `kh`, `я` → `ya`
//!     where ICAO writes `ia`).
//!   * **Greek**: simple ELOT-style letters.
//!   * **Han**: a small table (≈250 characters): the ~100 commonest Chinese surnames, the Hanja
//!     of common Korean surnames and given-name syllables (金 正 日 成 哲 鐵 永 龍 光 國 男 …) and
//!     the characters of the Chinese names on the OFAC/UN DPRK entries. Each character has a
//!     pinyin and a Sino-Korean reading ([`Han::Pinyin`], [`Han::SinoKorean`]): `金正恩` →
//!     `jin zheng en` / `kim jong un`. Characters outside the table are dropped (the coverage is
//!     honest, not complete: a Han name with unknown characters loses them).
//!
//!   Runs of up to four Hangul/Han syllables (a personal name) become one token per syllable;
//!   longer runs (an organisation written without spaces) are fused into one token.

use std::collections::HashMap;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// How Hangul is romanised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hangul {
    /// Revised Romanisation (South Korea, 2000): `정은` → `jeong eun`.
    Rr,
    /// McCune-Reischauer without breves/apostrophes (DPRK list style): `정은` → `chong un`.
    Mr,
}

/// How Han characters are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Han {
    /// Mandarin pinyin without tones.
    Pinyin,
    /// Sino-Korean reading, DPRK spelling (`金` → `kim`, `李` → `ri`).
    SinoKorean,
}

/// One transliteration scheme for a whole string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Scheme {
    pub hangul: Hangul,
    pub han: Han,
}

impl Scheme {
    /// The default scheme (RR, pinyin).
    pub const DEFAULT: Scheme = Scheme {
        hangul: Hangul::Rr,
        han: Han::Pinyin,
    };
    /// Every scheme worth trying for a query.
    pub const ALL: [Scheme; 2] = [
        Scheme::DEFAULT,
        Scheme {
            hangul: Hangul::Mr,
            han: Han::SinoKorean,
        },
    ];
}

const RR_INITIAL: [&str; 19] = [
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p",
    "h",
];
const MR_INITIAL: [&str; 19] = [
    "k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "ch", "tch", "ch", "k", "t",
    "p", "h",
];
const RR_MEDIAL: [&str; 21] = [
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
    "wi", "yu", "eu", "ui", "i",
];
const MR_MEDIAL: [&str; 21] = [
    "a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
    "wi", "yu", "u", "ui", "i",
];
const FINAL: [&str; 28] = [
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p",
    "t", "t", "ng", "t", "t", "k", "t", "p", "t",
];

/// Is `c` a precomposed Hangul syllable?
pub fn is_hangul_syllable(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// Is `c` a CJK unified ideograph (basic block or extension A)?
pub fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c)
}

/// Romanise one Hangul syllable into `out`. Returns false when `c` is not one.
pub fn romanise_syllable(c: char, scheme: Hangul, out: &mut String) -> bool {
    if !is_hangul_syllable(c) {
        return false;
    }
    let s = c as u32 - 0xAC00;
    let (ini, med, fin) = (
        (s / 588) as usize,
        ((s % 588) / 28) as usize,
        (s % 28) as usize,
    );
    match scheme {
        Hangul::Rr => {
            out.push_str(RR_INITIAL[ini]);
            out.push_str(RR_MEDIAL[med]);
        }
        Hangul::Mr => {
            // MR writes ㅅ before ㅣ as "sh" ("shi"); everything else by table.
            if ini == 9 && med == 20 {
                out.push_str("sh");
            } else {
                out.push_str(MR_INITIAL[ini]);
            }
            out.push_str(MR_MEDIAL[med]);
        }
    }
    out.push_str(FINAL[fin]);
    true
}

/// Romanise a Hangul string, syllable per syllable, leaving other characters.
pub fn romanise_hangul(s: &str, scheme: Hangul) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        if !romanise_syllable(c, scheme, &mut out) {
            out.push(c);
        }
    }
    out
}

/// A Cyrillic letter (either case) in both schemes, lower case: `(ICAO 9303, matching)`. They
/// differ where Doc 9303 writes `ie`, `iu`, `ia` and BGN/PCGN `ye`, `yu`, `ya`; ICAO has no reading
/// of `ў`. `None` for anything else.
fn cyrillic(c: char) -> Option<(Option<&'static str>, &'static str)> {
    if !('\u{400}'..='\u{4FF}').contains(&c) {
        return None;
    }
    let both = |latin| Some((Some(latin), latin));
    match c.to_lowercase().next()? {
        'а' => both("a"),
        'б' => both("b"),
        'в' => both("v"),
        'г' | 'ґ' => both("g"),
        'д' => both("d"),
        'е' | 'ё' | 'э' => both("e"),
        'є' => Some((Some("ie"), "ye")),
        'ж' => both("zh"),
        'з' => both("z"),
        'и' | 'і' => both("i"),
        'ї' => Some((Some("i"), "yi")),
        'й' => Some((Some("i"), "y")),
        'к' => both("k"),
        'л' => both("l"),
        'м' => both("m"),
        'н' => both("n"),
        'о' => both("o"),
        'п' => both("p"),
        'р' => both("r"),
        'с' => both("s"),
        'т' => both("t"),
        'у' => both("u"),
        'ў' => Some((None, "w")),
        'ф' => both("f"),
        'х' => both("kh"),
        'ц' => both("ts"),
        'ч' => both("ch"),
        'ш' => both("sh"),
        'щ' => both("shch"),
        'ъ' => Some((Some("ie"), "")),
        'ь' => both(""),
        'ы' => both("y"),
        'ю' => Some((Some("iu"), "yu")),
        'я' => Some((Some("ia"), "ya")),
        _ => None,
    }
}

/// Greek letter → Latin (lower case). `None` for non-Greek.
fn greek(c: char) -> Option<&'static str> {
    let lc = c.to_lowercase().next().unwrap_or(c);
    Some(match lc {
        'α' | 'ά' => "a",
        'β' => "v",
        'γ' => "g",
        'δ' => "d",
        'ε' | 'έ' => "e",
        'ζ' => "z",
        'η' | 'ή' => "i",
        'θ' => "th",
        'ι' | 'ί' | 'ϊ' | 'ΐ' => "i",
        'κ' => "k",
        'λ' => "l",
        'μ' => "m",
        'ν' => "n",
        'ξ' => "x",
        'ο' | 'ό' => "o",
        'π' => "p",
        'ρ' => "r",
        'σ' | 'ς' => "s",
        'τ' => "t",
        'υ' | 'ύ' | 'ϋ' | 'ΰ' => "y",
        'φ' => "f",
        'χ' => "ch",
        'ψ' => "ps",
        'ω' | 'ώ' => "o",
        _ => return None,
    })
}

/// `char pinyin korean` triples, `;`-separated.
const HAN_TABLE: &str = "\
金 jin kim;李 li ri;王 wang wang;张 zhang jang;張 zhang jang;刘 liu ryu;劉 liu ryu;陈 chen jin;\
陳 chen jin;杨 yang yang;楊 yang yang;黄 huang hwang;黃 huang hwang;赵 zhao jo;趙 zhao jo;\
吴 wu o;吳 wu o;周 zhou ju;徐 xu so;孙 sun son;孫 sun son;马 ma ma;馬 ma ma;朱 zhu ju;胡 hu ho;\
郭 guo kwak;何 he ha;高 gao ko;林 lin rim;罗 luo ra;羅 luo ra;郑 zheng jong;鄭 zheng jong;\
梁 liang ryang;谢 xie sa;謝 xie sa;宋 song song;唐 tang tang;许 xu ho;許 xu ho;韩 han han;\
韓 han han;冯 feng pung;馮 feng pung;邓 deng tung;鄧 deng tung;曹 cao jo;彭 peng paeng;\
曾 zeng jung;肖 xiao so;田 tian jon;董 dong tong;袁 yuan won;潘 pan pan;蒋 jiang jang;\
蔣 jiang jang;蔡 cai chae;余 yu yo;杜 du tu;叶 ye yop;葉 ye yop;程 cheng jong;苏 su so;蘇 su so;\
魏 wei wi;吕 lu ryo;呂 lu ryo;丁 ding jong;任 ren im;沈 shen sim;姚 yao yo;卢 lu ro;盧 lu ro;\
姜 jiang kang;崔 cui choe;钟 zhong jong;鍾 zhong jong;谭 tan tam;譚 tan tam;陆 lu ryuk;\
陸 lu ryuk;汪 wang wang;范 fan pom;石 shi sok;廖 liao ryo;贾 jia ka;賈 jia ka;夏 xia ha;韦 wei wi;\
韋 wei wi;方 fang pang;白 bai paek;邹 zou chu;鄒 zou chu;孟 meng maeng;秦 qin jin;江 jiang kang;\
尹 yin yun;朴 piao pak;全 quan jon;安 an an;洪 hong hong;文 wen mun;申 shen sin;权 quan kwon;\
權 quan kwon;玄 xuan hyon;南 nan nam;车 che cha;車 che cha;具 ju ku;元 yuan won;池 chi ji;\
延 yan yon;明 ming myong;千 qian chon;成 cheng song;柳 liu ryu;裴 pei pae;慎 shen sin;禹 yu u;\
河 he ha;康 kang kang;太 tai tae;咸 xian ham;卞 bian pyon;廉 lian ryom;边 bian pyon;邊 bian pyon;\
秋 qiu chu;鲁 lu ro;魯 lu ro;都 du to;奇 qi ki;严 yan om;嚴 yan om;闵 min min;閔 min min;\
辛 xin sin;吉 ji kil;孔 kong kong;黎 li ryo;胥 xu so;\
正 zheng jong;日 ri il;恩 en un;哲 zhe chol;铁 tie chol;鐵 tie chol;鉄 tie chol;永 yong yong;\
英 ying yong;龙 long ryong;龍 long ryong;勇 yong yong;光 guang kwang;国 guo kuk;國 guo kuk;\
男 nan nam;浩 hao ho;虎 hu ho;镐 hao ho;鎬 hao ho;赫 he hyok;革 ge hyok;秀 xiu su;洙 zhu su;\
寿 shou su;壽 shou su;万 wan man;萬 wan man;满 man man;滿 man man;三 san sam;一 yi il;二 er i;\
云 yun un;雲 yun un;银 yin un;銀 yin un;星 xing song;松 song song;春 chun chun;俊 jun jun;\
峻 jun jun;宗 zong jong;敏 min min;民 min min;玉 yu ok;淑 shu suk;顺 shun sun;順 shun sun;\
姬 ji hui;熙 xi hui;喜 xi hui;植 zhi sik;锡 xi sok;錫 xi sok;硕 shuo sok;碩 shuo sok;基 ji ki;\
奎 kui kyu;圭 gui kyu;根 gen kun;建 jian kon;健 jian kon;东 dong tong;東 dong tong;世 shi se;\
西 xi so;信 xin sin;仁 ren in;镇 zhen jin;鎭 zhen jin;鎮 zhen jin;振 zhen jin;真 zhen jin;\
進 jin jin;进 jin jin;雄 xiong ung;应 ying ung;應 ying ung;鹤 he hak;鶴 he hak;学 xue hak;\
學 xue hak;泰 tai tae;大 da tae;德 de tok;宇 yu u;友 you u;佑 you u;海 hai hae;亨 heng hyong;\
炯 jiong hyong;贤 xian hyon;賢 xian hyon;铉 xuan hyon;鉉 xuan hyon;允 yun yun;荣 rong yong;\
榮 rong yong;燮 xie sop;峰 feng pong;锋 feng pong;鋒 feng pong;凤 feng pong;鳳 feng pong;\
虎 hu ho;相 xiang sang;尚 shang sang;哲 zhe chol;洙 zhu su;善 shan son;仙 xian son;\
宣 xuan son;松 song song;明 ming myong;命 ming myong;鸣 ming myong;鳴 ming myong;\
有 you yu;限 xian han;公 gong kong;司 si sa;科 ke kwa;技 ji ki;网 wang mang;網 wang mang;\
络 luo rak;絡 luo rak;長 chang jang;长 chang jang;連 lian ryon;连 lian ryon;术 shu sul;\
術 shu sul;华 hua hwa;華 hua hwa;船 chuan son;务 wu mu;務 wu mu;香 xiang hyang;港 gang hang;\
忠 zhong chung;际 ji je;際 ji je;运 yun un;運 yun un;贸 mao mu;貿 mao mu;易 yi yok;\
集 ji jip;团 tuan tan;團 tuan tan;中 zhong jung;朝 chao jo;鲜 xian son;鮮 xian son;\
平 ping pyong;壤 rang yang;阳 yang yang;陽 yang yang;丹 dan tan;京 jing kyong;北 bei puk;\
上 shang sang;新 xin sin;发 fa pal;發 fa pal;展 zhan jon;工 gong kong;业 ye op;業 ye op;\
商 shang sang;行 hang haeng;电 dian jon;電 dian jon;子 zi ja;辉 hui hwi;輝 hui hwi;\
伟 wei wi;偉 wei wi;军 jun kun;軍 jun kun;杰 jie kol;傑 jie kol;涛 tao to;濤 tao to;\
磊 lei roe;强 qiang kang;強 qiang kang;平 ping pyong;静 jing jong;靜 jing jong;丽 li ryo;\
麗 li ryo;芳 fang pang;娜 na na;敏 min min;磊 lei roe;洋 yang yang;勇 yong yong;艳 yan yom;\
艷 yan yom;杰 jie kol;娟 juan yon;涛 tao to;超 chao cho;霞 xia ha;刚 gang kang;剛 gang kang;\
桂 gui kye;英 ying yong;华 hua hwa;慧 hui hye;惠 hui hye;美 mei mi;淑 shu suk;晶 jing jong;\
建 jian kon;斌 bin pin;宏 hong kwing;鹏 peng pung;鵬 peng pung;辉 hui hwi;飞 fei pi;飛 fei pi;\
波 bo pa;宁 ning nyong;寧 ning nyong;博 bo pak;振 zhen jin;兴 xing hung;興 xing hung;\
慧 hui hye;景 jing kyong;庆 qing kyong;慶 qing kyong;京 jing kyong;亚 ya a;亞 ya a;\
兰 lan ran;蘭 lan ran;红 hong hong;紅 hong hong;霖 lin rim;彬 bin pin;义 yi ui;義 yi ui;\
忠 zhong chung;孝 xiao hyo;武 wu mu;文 wen mun;秀 xiu su;智 zhi ji;志 zhi ji;在 zai jae;\
载 zai jae;載 zai jae;宰 zai jae;在 zai jae;炳 bing pyong;秉 bing pyong;昌 chang chang;\
珍 zhen jin;珠 zhu ju;钟 zhong jong;浚 jun jun;泳 yong yong;容 rong yong;镛 yong yong;\
鏞 yong yong;雪 xue sol;主 zhu ju;席 xi sok;山 shan san;江 jiang kang;河 he ha;川 chuan chon;\
天 tian chon;地 di ji;人 ren in;心 xin sim;爱 ai ae;愛 ai ae;福 fu pok;寿 shou su;吉 ji kil";

static HAN: LazyLock<HashMap<char, (&'static str, &'static str)>> = LazyLock::new(|| {
    let mut m = HashMap::new();
    for row in HAN_TABLE.split(';') {
        let mut it = row.split_whitespace();
        if let (Some(c), Some(py), Some(ko)) = (it.next(), it.next(), it.next())
            && let Some(ch) = c.chars().next()
        {
            m.entry(ch).or_insert((py, ko));
        }
    }
    m
});

/// Reading of a Han character, if the table has it.
pub fn han(c: char, scheme: Han) -> Option<&'static str> {
    HAN.get(&c).map(|&(py, ko)| match scheme {
        Han::Pinyin => py,
        Han::SinoKorean => ko,
    })
}

/// Number of distinct Han characters in the table (documentation/tests).
pub fn han_table_len() -> usize {
    HAN.len()
}

/// `s` with every Hangul, Han, Cyrillic and Greek character replaced by Latin letters in the
/// matching scheme, before the matcher folds it. Syllabic scripts produce one space-separated token
/// per syllable for runs of at most four syllables, one fused token for longer runs.
pub fn for_matching(s: &str, scheme: Scheme) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_hangul_syllable(c) || is_han(c) {
            let start = i;
            while i < chars.len() && (is_hangul_syllable(chars[i]) || is_han(chars[i])) {
                i += 1;
            }
            let fuse = i - start > 4;
            out.push(' ');
            for &sc in &chars[start..i] {
                if !romanise_syllable(sc, scheme.hangul, &mut out)
                    && let Some(r) = han(sc, scheme.han)
                {
                    out.push_str(r);
                }
                if !fuse {
                    out.push(' ');
                }
            }
            out.push(' ');
            continue;
        }
        if matches!(c, 'υ' | 'ύ') && i > 0 && matches!(chars[i - 1], 'ο' | 'Ο' | 'ό') {
            out.push('u'); // Greek ου
        } else if let Some(r) = cyrillic(c)
            .map(|(_, matching)| matching)
            .or_else(|| greek(c))
        {
            out.push_str(r);
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
}

/// Does `s` contain a character whose transliteration depends on the scheme?
pub fn has_scheme_dependent(s: &str) -> bool {
    s.chars().any(|c| is_hangul_syllable(c) || is_han(c))
}

// ---------------------------------------------------------------------------------------------
// ICAO 9303: zones and name keys.
// ---------------------------------------------------------------------------------------------

/// A letter in ICAO 9303 Latin, lower case: Cyrillic (Doc 9303 part 3), and the Latin letters that
/// do not decompose under NFKD.
fn icao_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' => "ss",
        'Æ' | 'æ' => "ae",
        'Œ' | 'œ' => "oe",
        'Ø' | 'ø' => "o",
        'Þ' | 'þ' => "th",
        'Ð' | 'ð' | 'Đ' | 'đ' => "d",
        'Ł' | 'ł' => "l",
        'ı' => "i",
        _ => return cyrillic(c)?.0,
    })
}

/// A name as an ICAO 9303 machine-readable zone spells it: upper-case ASCII words, diacritics
/// dropped, Cyrillic transliterated. `None` when the name is written in a script without an ICAO
/// reading here (Hangul, Han, Arabic…): such a name can be neither matched nor contradicted.
/// The name is read through the name normaliser first ([`crate::model::text::name`]: invisible
/// characters, compatibility forms and look-alike letters of another script do not change it).
/// Identity name keys are hashed from these words: a change to their output for any name is a new
/// `identifiers::INDEX_VERSION`.
pub fn icao_words(name: &str) -> Option<Vec<String>> {
    let name = crate::model::text::name(name);
    let mut folded = String::with_capacity(name.len());
    for c in name.chars() {
        if let Some(latin) = icao_letter(c) {
            folded.extend(latin.chars().map(|l| l.to_ascii_uppercase()));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hangul_rr_and_mr() {
        assert_eq!(romanise_hangul("김영철", Hangul::Rr), "gimyeongcheol");
        assert_eq!(romanise_hangul("김영철", Hangul::Mr), "kimyongchol");
        assert_eq!(
            for_matching("김정은", Scheme::DEFAULT)
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["gim", "jeong", "eun"]
        );
        let mr = Scheme {
            hangul: Hangul::Mr,
            han: Han::SinoKorean,
        };
        assert_eq!(
            for_matching("정성화", mr)
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["chong", "song", "hwa"]
        );
        assert_eq!(romanise_hangul("박", Hangul::Rr), "bak");
        assert_eq!(romanise_hangul("최", Hangul::Rr), "choe");
        assert_eq!(romanise_hangul("리", Hangul::Mr), "ri");
        assert_eq!(romanise_hangul("신", Hangul::Mr), "shin");
    }

    #[test]
    fn cyrillic_greek_han() {
        assert_eq!(
            for_matching("Андреев Виталий", Scheme::DEFAULT),
            "andreev vitaliy"
        );
        assert_eq!(
            for_matching("Щукин Хрущёв", Scheme::DEFAULT),
            "shchukin khrushchev"
        );
        assert_eq!(
            for_matching("Παπαδόπουλος", Scheme::DEFAULT),
            "papadopoulos"
        );
        let ko = Scheme {
            hangul: Hangul::Mr,
            han: Han::SinoKorean,
        };
        assert_eq!(
            for_matching("金正恩", ko)
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["kim", "jong", "un"]
        );
        assert_eq!(
            for_matching("金铁三", Scheme::DEFAULT)
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["jin", "tie", "san"]
        );
        assert!(han_table_len() > 200);
    }

    #[test]
    fn names_fold_to_icao_latin() {
        assert_eq!(
            icao_words("José Álvarez-Núñez").unwrap(),
            ["JOSE", "ALVAREZ", "NUNEZ"]
        );
        assert_eq!(icao_words("Jürgen Weiß").unwrap(), ["JURGEN", "WEISS"]);
        assert_eq!(icao_words("Олег Щукин").unwrap(), ["OLEG", "SHCHUKIN"]);
        assert_eq!(
            icao_words("ØRSTED Þór Łukasz").unwrap(),
            ["ORSTED", "THOR", "LUKASZ"]
        );
        assert_eq!(icao_words("김영철"), None);
    }

    #[test]
    fn the_two_schemes_share_one_cyrillic_table_and_differ_where_their_standards_do() {
        let icao = |s: &str| icao_words(s).unwrap().join(" ");
        let matching = |s: &str| for_matching(s, Scheme::DEFAULT);
        for (cyrillic, doc_9303, bgn) in [
            ("Юлия", "IULIIA", "yuliya"),
            ("Євгенія", "IEVGENIIA", "yevgeniya"),
            ("Їжак", "IZHAK", "yizhak"),
            ("Подъём", "PODIEEM", "podem"),
            ("Хрущёв", "KHRUSHCHEV", "khrushchev"),
        ] {
            assert_eq!(icao(cyrillic), doc_9303, "{cyrillic}");
            assert_eq!(matching(cyrillic), bgn, "{cyrillic}");
        }
        // Doc 9303 has no reading of the Belarusian short u: the name is not guessed at.
        assert_eq!(icao_words("Ўладзімір"), None);
        assert_eq!(matching("Ўладзімір"), "wladzimir");
    }
}
