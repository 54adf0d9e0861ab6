//! Guards title-search quality on the committed demo catalogue (data/sample, 18,000 real
//! games): the same `playlike queries` set and `playlike eval-search` scoring as the full-dump
//! figures in docs/QUALITY.md, so a change that loses queries fails CI. Needs no /work/shared.

use std::path::PathBuf;

use playlike_builder::eval_search::evaluate;
use playlike_builder::ingest::{read_games, ReadOptions};
use playlike_builder::queries::{generate, Kind};
use playlike_core::build::{build_index, BuildOptions};

#[test]
fn noisy_title_queries_on_the_sample_find_their_game() {
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data/sample/games.jsonl.gz");
    let (games, _) = read_games(&[sample], ReadOptions::default()).unwrap();
    let queries = generate(&games, 1200, 1, 2000);
    assert_eq!(queries.len(), 1200, "every kind applies to enough games");
    let library = build_index(games, &BuildOptions::default()).load().unwrap();
    let report = evaluate(&library, &queries);
    println!("{}", report.markdown());
    assert_eq!(report.kinds.len(), Kind::ALL.len());
    assert_eq!(
        report.total.empty, 0,
        "a query of known words came back empty"
    );
    // Measured 0.970 and 0.998 when this guard was written (docs/QUALITY.md).
    assert!(
        report.total.share_at_1() >= 0.95,
        "found@1 fell:\n{}",
        report.markdown()
    );
    assert!(
        report.total.share_at_10() >= 0.99,
        "found@10 fell:\n{}",
        report.markdown()
    );
    for (kind, score) in &report.kinds {
        assert!(
            score.share_at_10() >= 0.95,
            "{} found@10 fell:\n{}",
            kind.label(),
            report.markdown()
        );
    }
}
