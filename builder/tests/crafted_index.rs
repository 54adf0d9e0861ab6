//! Crafted indexes whose every hash is right but whose numbers lie: `inspect` and `query`
//! refuse each one with an error naming the problem, before any allocation the numbers ask
//! for (the checks are core's `Manifest::check_layout` and `format::open_part`).

use std::path::Path;
use std::process::{Command, Output};

use playlike_core::format::{self, FileRole, Manifest, ManifestFile, TitleShard};

fn playlike(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_playlike"))
        .args(args)
        .output()
        .expect("the playlike binary runs")
}

fn build(out: &Path) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/catalogue.jsonl");
    let built = playlike(&[
        "build",
        "--input",
        fixture.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(built.status.success(), "{built:?}");
}

fn read_manifest(dir: &Path) -> Manifest {
    Manifest::from_json(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap()
}

/// Writes a manifest as JSON without checking it, as an attacker would.
fn write_manifest(dir: &Path, manifest: &Manifest) {
    std::fs::write(
        dir.join("manifest.json"),
        serde_json::to_string(manifest).unwrap(),
    )
    .unwrap();
}

/// `inspect` and `query` on `dir` must both fail with `expected` in their output.
fn assert_refused(dir: &Path, expected: &str) {
    let index = dir.to_str().unwrap();
    for args in [
        vec!["inspect", index],
        vec!["query", "--index", index, "--like", "1"],
    ] {
        let out = playlike(&args);
        let report = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} accepted it: {report}");
        assert!(report.contains(expected), "{args:?}: {report}");
        assert!(!report.contains("panicked"), "{args:?}: {report}");
    }
}

/// A fresh copy of the fixture index with `damage` applied to its manifest.
fn with_manifest(damage: impl FnOnce(&mut Manifest)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path());
    let mut manifest = read_manifest(dir.path());
    damage(&mut manifest);
    write_manifest(dir.path(), &manifest);
    dir
}

#[test]
fn a_title_shard_claiming_absurd_games_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path());
    let mut manifest = read_manifest(dir.path());
    let entry = title_entry(&mut manifest);
    let stored = std::fs::read(dir.path().join(&entry.path)).unwrap();
    let mut shard = TitleShard::decode(&format::open_stored(entry, &stored).unwrap()).unwrap();
    shard.first_game = 4_000_000_000;
    let raw = shard.encode();
    let crafted = format::gzip(&raw);
    std::fs::write(dir.path().join(&entry.path), &crafted).unwrap();
    entry.sha256 = format::sha256_hex(&crafted);
    entry.bytes = crafted.len() as u64;
    entry.raw_bytes = raw.len() as u64;
    write_manifest(dir.path(), &manifest);
    assert_refused(
        dir.path(),
        "the manifest lists games 0..+8, the file holds 4000000000..+8",
    );
}

/// A change to a manifest that a test makes.
type Damage = fn(&mut Manifest);

fn title_entry(m: &mut Manifest) -> &mut ManifestFile {
    m.files
        .iter_mut()
        .find(|f| f.role == FileRole::Search)
        .unwrap()
}

#[test]
fn manifests_with_wrong_ranges_counts_or_sizes_are_refused() {
    let cases: [(Damage, &str); 6] = [
        (
            |m| title_entry(m).first_game = 4_000_000_000,
            "search files leave a gap or overlap at game 0",
        ),
        (
            |m| title_entry(m).game_count = u32::MAX,
            "search files cover 4294967295 games, the manifest says 8",
        ),
        (
            |m| m.games = 9,
            "search files cover 8 games, the manifest says 9",
        ),
        (|m| m.games = u32::MAX, "more than an index may hold"),
        (|m| title_entry(m).bytes += 1, "bytes stored, found"),
        (
            |m| title_entry(m).raw_bytes = 1 << 40,
            "more than a reader accepts",
        ),
    ];
    for (damage, expected) in cases {
        let dir = with_manifest(damage);
        assert_refused(dir.path(), expected);
    }
}
