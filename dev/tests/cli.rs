//! The `vetgate-dev` binary: `generate` storing through the service's pipeline (SQLite in a
//! temporary directory) and printing, and `fuzz-seeds`.

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use vetgate_dev::Generator;

/// Runs `vetgate-dev ARGS` in `dir` with only PATH and `envs` set (the service refuses unknown
/// `VETGATE_*` variables): whether it succeeded, its stdout and its stderr.
fn vetgate_dev(dir: &Path, envs: &[(&str, &str)], args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vetgate-dev"))
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(envs.iter().copied())
        .args(args)
        .output()
        .expect("vetgate-dev runs");
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).expect("UTF-8 output");
    (out.status.success(), text(out.stdout), text(out.stderr))
}

#[test]
fn generate_screens_and_stores_synthetic_applications() {
    let dir = tempfile::tempdir().unwrap();
    let generate = |extra: &[&str]| {
        let mut args = vec!["generate", "--tenant", "acme", "--count", "50"];
        args.extend(["--farm-every", "10", "--concurrency", "1"]);
        args.extend(extra);
        let (success, _, stderr) = vetgate_dev(dir.path(), &[("VETGATE_LOG", "warn")], &args);
        assert!(success, "{stderr}");
        stderr
    };
    let stderr = generate(&[]);
    assert!(
        stderr.contains("generated 50 applications for tenant acme (indices 0..50, seed 1)"),
        "{stderr}"
    );
    // Farm 0 is indices 0, 10, 20 and 30: the three screened after the first share its device and
    // payout account under other names.
    let rejected: u32 = stderr
        .split("reject ")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no reject count in {stderr}"));
    assert!(rejected >= 3, "{stderr}");

    // The series continues where it stopped; the applications printed are the generator's (whose
    // unit tests check them against the contract's schema).
    let stderr = generate(&["--start", "50"]);
    assert!(stderr.contains("(indices 50..100, seed 1)"), "{stderr}");
    let (success, stdout, stderr) = vetgate_dev(
        dir.path(),
        &[],
        &["generate", "--jsonl", "--count", "2", "--start", "49"],
    );
    assert!(success, "{stderr}");
    let printed: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(printed[0]["external_ref"], "dev-1-00000049");
    let generator = Generator::new(1, 50);
    assert_eq!(
        printed,
        [generator.application(49), generator.application(50)]
    );
}

#[test]
fn generate_refuses_a_range_past_the_unique_identifiers() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["generate", "--jsonl", "--start", "49999999", "--count", "2"];
    let (success, stdout, stderr) = vetgate_dev(dir.path(), &[], &args);
    assert!(!success && stdout.is_empty());
    assert!(stderr.contains("must stay within 50000000"), "{stderr}");
}

#[test]
fn fuzz_seeds_writes_a_directory_per_target() {
    let dir = tempfile::tempdir().unwrap();
    let (success, stdout, stderr) = vetgate_dev(dir.path(), &[], &["fuzz-seeds", "seeds"]);
    assert!(success, "{stderr}");
    for target in ["ofac_csv", "un_xml", "mmdb", "application"] {
        let files = std::fs::read_dir(dir.path().join("seeds").join(target))
            .unwrap()
            .count();
        assert!(
            stdout.contains(&format!("{target}: {files} seeds")),
            "{stdout}"
        );
    }
}

/// The committed corpora are minimised from these seeds: the same bytes on every run, the `.mmdb`
/// files' build date included.
#[test]
fn fuzz_seeds_are_the_same_bytes_on_every_run() {
    let dir = tempfile::tempdir().unwrap();
    let read_all = |name: &str| -> Vec<(String, Vec<u8>)> {
        let (success, _, stderr) = vetgate_dev(dir.path(), &[], &["fuzz-seeds", name]);
        assert!(success, "{stderr}");
        let mut files = Vec::new();
        for target in std::fs::read_dir(dir.path().join(name)).unwrap() {
            let target = target.unwrap().path();
            for file in std::fs::read_dir(&target).unwrap() {
                let path = file.unwrap().path();
                let rel = path.strip_prefix(dir.path().join(name)).unwrap();
                files.push((rel.display().to_string(), std::fs::read(&path).unwrap()));
            }
        }
        files.sort();
        files
    };
    let first = read_all("first");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second = read_all("second");
    assert_eq!(first.len(), second.len());
    for ((name, a), (_, b)) in first.iter().zip(&second) {
        assert!(a == b, "{name} differs between two runs");
    }
}
