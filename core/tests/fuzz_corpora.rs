//! Replays every committed fuzz corpus (`fuzz/corpus/<target>/`) through the same entry
//! functions the `cargo fuzz` targets call (`playlike_core::fuzzing`), so the stable test
//! suite, which has neither nightly nor libFuzzer, still checks that no corpus input panics
//! and that each corpus reaches past its parser (some of its inputs are accepted).
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::path::PathBuf;

use playlike_core::fuzzing::TARGETS;

fn corpus_dir(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target)
}

#[test]
fn every_fuzz_target_has_a_corpus_that_replays_cleanly_and_reaches_its_parser() {
    for (target, entry) in TARGETS {
        let dir = corpus_dir(target);
        let files: Vec<PathBuf> = fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|f| f.expect("a readable corpus entry").path())
            .collect();
        assert!(!files.is_empty(), "{target}: empty corpus");
        let mut accepted = 0;
        for file in &files {
            let data = fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            // A panic here names neither file nor target on its own; say which one it was.
            eprintln!("{target}: {}", file.display());
            accepted += usize::from(entry(&data));
        }
        assert!(
            accepted > 0,
            "{target}: none of {} inputs accepted",
            files.len()
        );
    }
}

/// The corpus folders and the fuzz crate's binaries are exactly the targets: none without a
/// replay, none left over.
#[test]
fn the_corpus_folders_and_fuzz_binaries_are_the_fuzz_targets() {
    let root = corpus_dir("");
    let mut folders: Vec<String> = fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|f| f.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let mut targets: Vec<String> = TARGETS.iter().map(|(t, _)| t.to_string()).collect();
    targets.sort();
    assert_eq!(folders, targets);
    let manifest = root.join("../Cargo.toml");
    let manifest =
        fs::read_to_string(&manifest).unwrap_or_else(|e| panic!("{}: {e}", manifest.display()));
    let mut binaries: Vec<String> = manifest
        .lines()
        .filter_map(|line| line.strip_prefix("name = \""))
        .filter_map(|rest| rest.strip_suffix('"'))
        .filter(|name| *name != "playlike-fuzz")
        .map(str::to_string)
        .collect();
    binaries.sort();
    assert_eq!(binaries, targets);
}
