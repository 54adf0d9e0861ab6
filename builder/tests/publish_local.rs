//! `playlike publish` and friends against a local-directory target (served by any static
//! server): layout, skip on republish, refusal of bad or shrunken indexes, canary, promote,
//! rollback, pruning.

mod publish_support;

use std::path::Path;

use playlike_builder::publish::store::LocalStore;
use playlike_builder::publish::upload::publish_to;
use publish_support::*;

struct Fixture {
    tmp: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture {
            tmp: tempfile::tempdir().unwrap(),
        }
    }
    fn index(
        &self,
        name: &str,
        games: usize,
        built_at: &str,
    ) -> (String, playlike_core::format::Manifest) {
        let dir = self.tmp.path().join(name);
        let m = make_index(&dir, games, built_at, 16);
        (dir.to_str().unwrap().to_string(), m)
    }
    fn site(&self) -> String {
        self.tmp.path().join("site").to_str().unwrap().to_string()
    }
    fn seen(&self) -> Seen {
        browser_read(&Dir(self.tmp.path().join("site")))
    }
}

#[test]
fn local_publish_lays_out_versions_and_skips_unchanged_files() {
    let f = Fixture::new();
    let (idx, m) = f.index("a", 100, "2026-01-01T00:00:00Z");
    let out = ok(playlike(
        &["publish", "--index", &idx, "--to", &f.site()],
        &[],
    ));
    assert!(
        out.contains(&format!("{} files uploaded", m.files.len())),
        "{out}"
    );
    let seen = f.seen();
    assert_eq!(seen.root.version, m.version);
    assert!(seen
        .root
        .files
        .iter()
        .all(|x| x.path.starts_with(&format!("v/{}/", m.version))));
    assert!(seen.canary.is_none());
    let own =
        std::fs::read_to_string(format!("{}/v/{}/manifest.json", f.site(), m.version)).unwrap();
    assert_eq!(
        own,
        m.to_json(),
        "the version keeps its own manifest as built"
    );

    let out = ok(playlike(
        &["publish", "--index", &idx, "--to", &f.site()],
        &[],
    ));
    assert!(
        out.contains(&format!(
            "0 files uploaded (0 bytes), {} already there",
            m.files.len()
        )),
        "{out}"
    );
}

#[test]
fn local_publish_refuses_corrupt_and_shrunken_indexes() {
    let f = Fixture::new();
    let (big, big_m) = f.index("big", 200, "2026-01-01T00:00:00Z");
    ok(playlike(
        &["publish", "--index", &big, "--to", &f.site()],
        &[],
    ));

    // A corrupted file is named and nothing changes.
    let (bad, bad_m) = f.index("bad", 210, "2026-01-02T00:00:00Z");
    let victim = format!("{bad}/{}", bad_m.files[0].path);
    let mut bytes = std::fs::read(&victim).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&victim, bytes).unwrap();
    let out = playlike(&["publish", "--index", &bad, "--to", &f.site()], &[]);
    assert!(!out.status.success());
    let msg = text(&out);
    assert!(
        msg.contains("verification failed") && msg.contains(&bad_m.files[0].path),
        "{msg}"
    );
    assert_eq!(f.seen().root.version, big_m.version);

    // 180 games vs 200 live is 10% fewer: refused at the default 5%, allowed at 15% or --force.
    let (small, small_m) = f.index("small", 180, "2026-01-03T00:00:00Z");
    let out = playlike(&["publish", "--index", &small, "--to", &f.site()], &[]);
    assert!(!out.status.success());
    assert!(text(&out).contains("10.0% fewer"), "{}", text(&out));
    assert_eq!(f.seen().root.version, big_m.version);
    ok(playlike(
        &[
            "publish",
            "--index",
            &small,
            "--to",
            &f.site(),
            "--max-shrink",
            "15",
        ],
        &[],
    ));
    assert_eq!(f.seen().root.version, small_m.version);
    let (tiny, tiny_m) = f.index("tiny", 20, "2026-01-04T00:00:00Z");
    assert!(
        !playlike(&["publish", "--index", &tiny, "--to", &f.site()], &[])
            .status
            .success()
    );
    ok(playlike(
        &["publish", "--index", &tiny, "--to", &f.site(), "--force"],
        &[],
    ));
    assert_eq!(f.seen().root.version, tiny_m.version);
}

#[test]
fn local_canary_promote_rollback_and_prune() {
    let f = Fixture::new();
    let site = f.site();
    let mut versions = Vec::new();
    for day in 1..=3 {
        let (idx, m) = f.index(
            &format!("i{day}"),
            100 + day,
            &format!("2026-02-0{day}T00:00:00Z"),
        );
        ok(playlike(&["publish", "--index", &idx, "--to", &site], &[]));
        versions.push(m.version);
    }
    assert_eq!(f.seen().root.version, versions[2]);

    // Canary: the stable manifest stays, the rollout names the new version.
    let (idx4, m4) = f.index("i4", 104, "2026-02-04T00:00:00Z");
    let out = ok(playlike(
        &[
            "publish", "--index", &idx4, "--to", &site, "--canary", "10", "--keep", "2",
        ],
        &[],
    ));
    assert!(out.contains("canary"), "{out}");
    let seen = f.seen();
    assert_eq!(seen.root.version, versions[2]);
    let rollout = seen.root.rollout.clone().unwrap();
    assert_eq!(
        (rollout.version.as_str(), rollout.percent),
        (m4.version.as_str(), 10)
    );
    assert_eq!(rollout.manifest, format!("v/{}/manifest.json", m4.version));
    assert_eq!(seen.canary.unwrap().version, m4.version);

    // --keep 2 pruned the two oldest; live and canary survive.
    let listed = ok(playlike(&["versions", "--from", &site, "--json"], &[]));
    let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec![versions[2].as_str(), m4.version.as_str()]);
    assert_eq!(listed[0]["status"], "live");
    assert_eq!(listed[1]["status"], "canary 10%");

    // rollback with a canary active cancels it.
    ok(playlike(&["rollback", "--target", &site], &[]));
    let seen = f.seen();
    assert_eq!(seen.root.version, versions[2]);
    assert!(seen.root.rollout.is_none());

    // Canary again, then promote.
    ok(playlike(
        &["publish", "--index", &idx4, "--to", &site, "--canary", "25"],
        &[],
    ));
    let out = ok(playlike(&["promote", "--target", &site], &[]));
    assert!(out.contains("promoted"), "{out}");
    let seen = f.seen();
    assert_eq!(seen.root.version, m4.version);
    assert!(seen.root.rollout.is_none());
    assert!(
        !playlike(&["promote", "--target", &site], &[])
            .status
            .success(),
        "no canary left"
    );

    // rollback without --to goes to the previous version; --to picks one.
    ok(playlike(&["rollback", "--target", &site], &[]));
    assert_eq!(f.seen().root.version, versions[2]);
    ok(playlike(
        &["rollback", "--target", &site, "--to", &m4.version],
        &[],
    ));
    assert_eq!(f.seen().root.version, m4.version);
    let out = playlike(&["rollback", "--target", &site, "--to", &versions[0]], &[]);
    assert!(
        !out.status.success(),
        "a pruned version cannot be rolled back to"
    );
    assert!(text(&out).contains("not published"), "{}", text(&out));
    assert_eq!(f.seen().root.version, m4.version);
}

#[test]
fn rollback_refuses_a_version_with_missing_files() {
    let f = Fixture::new();
    let site = f.site();
    let (a, ma) = f.index("a", 50, "2026-03-01T00:00:00Z");
    let (b, mb) = f.index("b", 51, "2026-03-02T00:00:00Z");
    ok(playlike(&["publish", "--index", &a, "--to", &site], &[]));
    ok(playlike(&["publish", "--index", &b, "--to", &site], &[]));
    std::fs::remove_file(format!("{site}/v/{}/{}", ma.version, ma.files[0].path)).unwrap();
    let out = playlike(&["rollback", "--target", &site, "--to", &ma.version], &[]);
    assert!(!out.status.success());
    assert!(text(&out).contains("missing"), "{}", text(&out));
    assert_eq!(f.seen().root.version, mb.version, "live manifest untouched");
}

#[test]
fn interrupted_local_publish_keeps_the_live_manifest_whole() {
    let f = Fixture::new();
    let site = f.site();
    let (a, ma) = f.index("a", 60, "2026-04-01T00:00:00Z");
    let (b, mb) = f.index("b", 61, "2026-04-02T00:00:00Z");
    ok(playlike(&["publish", "--index", &a, "--to", &site], &[]));
    let store = FailingStore::new(LocalStore::new(Path::new(&site)), 2);
    let err = publish_to(Path::new(&b), &store, &one_at_a_time()).unwrap_err();
    let err = format!("{err:#}");
    assert!(
        err.contains("live manifest") && err.contains("injected failure"),
        "{err}"
    );
    assert_eq!(f.seen().root.version, ma.version);
    let out = ok(playlike(&["publish", "--index", &b, "--to", &site], &[]));
    assert!(out.contains("2 already there"), "{out}");
    assert_eq!(f.seen().root.version, mb.version);
}
