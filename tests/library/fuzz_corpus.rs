//! The committed fuzz corpora replayed on every test run: each input goes through what its cargo-fuzz
//! target does (the bodies in fuzz/fuzz_targets/common/), with its assertions, without the
//! instrumented build that the fuzzer itself needs. A regression that panics on any input the
//! fuzzer kept fails here. Then a short uninstrumented fuzz smoke: a fixed series of mutations of
//! the corpus (bit flips, insertions, deletions, splices of two inputs, libFuzzer's kinds without
//! its coverage feedback), so CI also tries inputs near the corpus that no one has run yet. The
//! fuzzing itself: fuzz/smoke.sh, docs/reliability.md.

use std::path::PathBuf;

#[path = "../../fuzz/fuzz_targets/common/mod.rs"]
mod common;

fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut inputs: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();
    inputs.sort();
    assert!(
        inputs.len() > 100,
        "{}: the committed corpus",
        dir.display()
    );
    inputs
}

/// Mutated inputs per target and test run.
const MUTATIONS: usize = 1_500;

/// Every committed input of `target` through `body`, the target's own code, then [`MUTATIONS`]
/// mutations of them. A failing mutation is written to `target/fuzz-smoke/<target>` and named.
fn replay(target: &str, body: fn(&[u8])) {
    let inputs = corpus(target);
    for (path, data) in &inputs {
        let replayed = std::panic::catch_unwind(|| body(data));
        assert!(replayed.is_ok(), "{}", path.display());
    }
    let mut mutator = Mutator::new(target);
    for round in 0..MUTATIONS {
        let (_, input) = &inputs[mutator.below(inputs.len())];
        let (_, other) = &inputs[mutator.below(inputs.len())];
        let mutated = mutator.mutate(input, other);
        if std::panic::catch_unwind(|| body(&mutated)).is_err() {
            let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-smoke");
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join(format!("{target}-{round}"));
            std::fs::write(&path, &mutated).unwrap();
            panic!(
                "{target}: mutation {round} panics; input written to {} \
                 (reproduce: cargo fuzz run {target} {})",
                path.display(),
                path.display()
            );
        }
    }
}

/// A deterministic mutator (xorshift64*, seeded by the target's name): the same inputs on every
/// run, so a failure reproduces.
struct Mutator(u64);

impl Mutator {
    fn new(target: &str) -> Mutator {
        let seed = target.bytes().fold(0x9e37_79b9_7f4a_7c15_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        Mutator(seed | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// One to four edits of `input`; `other` is spliced from.
    fn mutate(&mut self, input: &[u8], other: &[u8]) -> Vec<u8> {
        /// Bytes that end or open structures in the targets' formats.
        const SPECIAL: &[u8] = b"\0\x1a\xff\"',;<>/{}[]:-\n\r ";
        let mut out = input.to_vec();
        for _ in 0..1 + self.below(4) {
            let at = self.below(out.len() + 1);
            match self.below(6) {
                0 if at < out.len() => out[at] ^= 1 << self.below(8),
                1 if at < out.len() => out[at] = SPECIAL[self.below(SPECIAL.len())],
                2 => out.insert(at, SPECIAL[self.below(SPECIAL.len())]),
                3 if at < out.len() => {
                    let len = 1 + self.below((out.len() - at).min(64));
                    out.drain(at..at + len);
                }
                4 if !other.is_empty() => {
                    let from = self.below(other.len());
                    let len = 1 + self.below((other.len() - from).min(256));
                    out.splice(at..at, other[from..from + len].iter().copied());
                }
                _ if at < out.len() => {
                    // Repeat a piece in place: deep nesting, long runs.
                    let len = 1 + self.below((out.len() - at).min(32));
                    let piece: Vec<u8> = out[at..at + len].to_vec();
                    for _ in 0..1 + self.below(8) {
                        out.splice(at..at, piece.iter().copied());
                    }
                }
                _ => out.push(SPECIAL[self.below(SPECIAL.len())]),
            }
        }
        out
    }
}

#[test]
fn the_csv_list_corpus_and_its_mutations_run_without_a_panic() {
    replay("csv_list", common::csv_list_input);
}

#[test]
fn the_ofac_csv_corpus_and_its_mutations_run_without_a_panic() {
    replay("ofac_csv", common::ofac_csv_input);
}

#[test]
fn the_un_xml_corpus_and_its_mutations_run_without_a_panic() {
    replay("un_xml", common::un_xml_input);
}

#[test]
fn the_eu_xml_corpus_and_its_mutations_run_without_a_panic() {
    replay("eu_xml", common::eu_xml_input);
}

#[test]
fn the_uk_xml_corpus_and_its_mutations_run_without_a_panic() {
    replay("uk_xml", common::uk_xml_input);
}

#[test]
fn the_ftm_json_corpus_and_its_mutations_run_without_a_panic() {
    replay("ftm_json", common::ftm_json_input);
}

#[test]
fn the_mmdb_corpus_and_its_mutations_run_without_a_panic() {
    replay("mmdb", common::mmdb::mmdb_input);
}

#[test]
fn the_application_corpus_and_its_mutations_run_without_a_panic() {
    replay("application", common::application::application_input);
}

#[test]
fn the_mrz_corpus_and_its_mutations_run_without_a_panic() {
    replay("mrz", common::mrz_input);
}
