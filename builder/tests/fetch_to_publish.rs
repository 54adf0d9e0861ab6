//! The operator's whole path with real binaries and loopback servers: `fetch` from the mock
//! IGDB (throttling on), `build` the snapshot, `inspect` it, `publish` it to a directory and
//! to the GCS emulator (when installed), and read it back as the browser does.

mod fetch_support;
mod publish_support;

use std::sync::{Arc, Mutex};

use fetch_support::{catalogue, Faults, Mock, Run};
use publish_support::{browser_read, ok, playlike, Dir, Emulator};

#[test]
fn fetch_build_inspect_publish_read_back() {
    let games = catalogue(700);
    let mock = Mock::start(
        Arc::new(Mutex::new(games.clone())),
        Faults {
            throttle_every: 4,
            ..Faults::default()
        },
    );
    let run = Run::new();
    let out = run.fetch(&mock, &["--page-size", "200"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let dir = run.dir.path();
    let snapshot = run.out();
    let index = dir.join("index");
    let (snapshot, index) = (snapshot.to_str().unwrap(), index.to_str().unwrap());
    ok(playlike(
        &["build", "--input", snapshot, "--out", index],
        &[],
    ));
    let report = ok(playlike(&["inspect", index], &[]));
    assert!(report.contains("games: 700"), "{report}");

    let site = dir.join("site");
    ok(playlike(
        &["publish", "--index", index, "--to", site.to_str().unwrap()],
        &[],
    ));
    let seen = browser_read(&Dir(site));
    assert_eq!(seen.root.games, 700);

    if let Some(emu) = Emulator::start() {
        emu.create_bucket("pipeline");
        let env = [("STORAGE_EMULATOR_HOST", emu.host.as_str())];
        ok(playlike(
            &["publish", "--index", index, "--to", "gs://pipeline/www"],
            &env,
        ));
        let seen = browser_read(&emu.public("pipeline/www"));
        assert_eq!(seen.root.games, 700);
    }
}
