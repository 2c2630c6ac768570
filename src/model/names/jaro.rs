//! Jaro and Jaro-Winkler similarity over bytes (the matcher compares folded
//! ASCII words), allocation-free for words up to 64 bytes.

/// Jaro similarity in [0, 1].
#[allow(clippy::needless_range_loop)] // index arithmetic over two strings
pub fn jaro(a: &[u8], b: &[u8]) -> f64 {
    if a == b {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a.len() > 64 || b.len() > 64 {
        return jaro_long(a, b);
    }
    let range = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut a_m: u64 = 0;
    let mut b_m: u64 = 0;
    let mut matches = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(range);
        let hi = (i + range + 1).min(b.len());
        for j in lo..hi {
            if b_m & (1 << j) == 0 && b[j] == ca {
                a_m |= 1 << i;
                b_m |= 1 << j;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut trans = 0usize;
    let mut j = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        if a_m & (1 << i) != 0 {
            while b_m & (1 << j) == 0 {
                j += 1;
            }
            if ca != b[j] {
                trans += 1;
            }
            j += 1;
        }
    }
    let m = matches as f64;
    (m / a.len() as f64 + m / b.len() as f64 + (m - (trans / 2) as f64) / m) / 3.0
}

fn jaro_long(a: &[u8], b: &[u8]) -> f64 {
    let range = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut a_m = vec![false; a.len()];
    let mut b_m = vec![false; b.len()];
    let mut matches = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(range);
        let hi = (i + range + 1).min(b.len());
        for j in lo..hi {
            if !b_m[j] && b[j] == ca {
                a_m[i] = true;
                b_m[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut trans = 0usize;
    let mut j = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        if a_m[i] {
            while !b_m[j] {
                j += 1;
            }
            if ca != b[j] {
                trans += 1;
            }
            j += 1;
        }
    }
    let m = matches as f64;
    (m / a.len() as f64 + m / b.len() as f64 + (m - (trans / 2) as f64) / m) / 3.0
}

/// Jaro-Winkler (prefix scale 0.1, prefix up to 4) in [0, 1].
pub fn jaro_winkler(a: &[u8], b: &[u8]) -> f64 {
    let j = jaro(a, b);
    if j <= 0.0 {
        return j;
    }
    let prefix = a
        .iter()
        .zip(b.iter())
        .take(4)
        .take_while(|(x, y)| x == y)
        .count();
    j + prefix as f64 * 0.1 * (1.0 - j)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert!((jaro_winkler(b"martha", b"marhta") - 0.9611).abs() < 1e-3);
        assert!((jaro_winkler(b"dwayne", b"duane") - 0.84).abs() < 1e-3);
        assert!((jaro(b"dixon", b"dicksonx") - 0.7667).abs() < 1e-3);
        assert_eq!(jaro_winkler(b"abc", b"abc"), 1.0);
        assert_eq!(jaro_winkler(b"", b"abc"), 0.0);
        let long_a = [b'a'; 70];
        let mut long_b = [b'a'; 70];
        long_b[69] = b'b';
        assert!(jaro_winkler(&long_a, &long_b) > 0.98);
    }
}
