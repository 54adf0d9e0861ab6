//! `playlike publish` and friends against a real GCS-protocol server: fake-gcs-server on a
//! free loopback port (installed by scripts/setup.d/50-gcs-emulator.sh; when it is not
//! installed each test prints SKIPPED and passes, except under CI, where it fails). Reads go through the public object URLs
//! exactly as the browser app fetches them.

mod publish_support;

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use playlike_builder::publish::gcs::GcsStore;
use playlike_builder::publish::upload::publish_to;
use playlike_core::format::Manifest;
use publish_support::*;

const BUCKET: &str = "playlike-test";
const PREFIX: &str = "site/idx";

fn target() -> String {
    format!("gs://{BUCKET}/{PREFIX}")
}

struct Gcs {
    emu: Emulator,
    tmp: tempfile::TempDir,
}

impl Gcs {
    fn start() -> Option<Gcs> {
        let emu = Emulator::start()?;
        emu.create_bucket(BUCKET);
        Some(Gcs {
            emu,
            tmp: tempfile::tempdir().unwrap(),
        })
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        self.run_env(args, &[])
    }

    fn run_env(&self, args: &[&str], extra: &[(&str, &str)]) -> std::process::Output {
        let mut env: Vec<(&str, &str)> = vec![("STORAGE_EMULATOR_HOST", self.emu.host.as_str())];
        env.extend_from_slice(extra);
        playlike(args, &env)
    }

    fn index(
        &self,
        name: &str,
        games: usize,
        day: u32,
        shard: u32,
    ) -> (String, playlike_core::format::Manifest) {
        let dir = self.tmp.path().join(name);
        let m = make_index(&dir, games, &format!("2026-05-{day:02}T00:00:00Z"), shard);
        (dir.to_str().unwrap().to_string(), m)
    }

    fn seen(&self) -> Seen {
        browser_read(&self.emu.public(&format!("{BUCKET}/{PREFIX}")))
    }
}

#[test]
fn gcs_publish_read_back_republish_canary_promote_rollback_prune() {
    let Some(g) = Gcs::start() else { return };
    let t = target();
    let (i1, m1) = g.index("one", 120, 1, 32);
    let out = ok(g.run(&["publish", "--index", &i1, "--to", &t]));
    assert!(
        out.contains(&format!("{} files uploaded", m1.files.len())),
        "{out}"
    );
    let seen = g.seen();
    assert_eq!(seen.root.version, m1.version);

    // Object metadata as stored: immutable parts, no-cache root, sha256 recorded.
    let part = format!("{PREFIX}/v/{}/{}", m1.version, m1.files[0].path);
    let obj = g.emu.object(BUCKET, &part);
    assert_eq!(obj["contentType"], "application/octet-stream");
    assert_eq!(obj["cacheControl"], "public, max-age=31536000, immutable");
    assert_eq!(obj["metadata"]["sha256"], m1.files[0].sha256.as_str());
    let encoding = obj.get("contentEncoding").and_then(|e| e.as_str());
    assert!(
        matches!(encoding, None | Some("") | Some("identity")),
        "{encoding:?}"
    );
    let root = g.emu.object(BUCKET, &format!("{PREFIX}/manifest.json"));
    assert_eq!(root["cacheControl"], "no-cache");
    assert_eq!(root["contentType"], "application/json");
    // Manifests are kept in gzip: sent so to browsers, decompressed for other clients.
    for name in [
        format!("{PREFIX}/manifest.json"),
        format!("{PREFIX}/v/{}/manifest.json", m1.version),
    ] {
        assert_eq!(g.emu.object(BUCKET, &name)["contentEncoding"], "gzip");
        let (encoding, gzipped) = g.emu.media_as_sent(BUCKET, &name, "gzip, deflate, br");
        assert_eq!(encoding.as_deref(), Some("gzip"), "{name}");
        let (encoding, plain) = g.emu.media_as_sent(BUCKET, &name, "identity");
        assert_eq!(encoding, None, "{name}");
        assert!(
            gzipped.len() < plain.len() / 2,
            "{name}: {} of {}",
            gzipped.len(),
            plain.len()
        );
        let mut unzipped = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(&gzipped[..]),
            &mut unzipped,
        )
        .unwrap();
        assert_eq!(unzipped, plain, "{name}");
        Manifest::from_json(std::str::from_utf8(&plain).unwrap()).unwrap();
    }

    // Publishing the same index again uploads nothing.
    let out = ok(g.run(&["publish", "--index", &i1, "--to", &t]));
    assert!(
        out.contains(&format!(
            "0 files uploaded (0 bytes), {} already there",
            m1.files.len()
        )),
        "{out}"
    );

    // Canary, seen by the browser through the rollout field.
    let (i2, m2) = g.index("two", 121, 2, 32);
    ok(g.run(&["publish", "--index", &i2, "--to", &t, "--canary", "10"]));
    let seen = g.seen();
    assert_eq!(seen.root.version, m1.version);
    assert_eq!(seen.root.rollout.as_ref().unwrap().percent, 10);
    assert_eq!(seen.canary.unwrap().version, m2.version);

    // Promote, then roll back to the previous version and forward again.
    ok(g.run(&["promote", "--target", &t]));
    let seen = g.seen();
    assert_eq!(
        (seen.root.version.as_str(), seen.canary.is_none()),
        (m2.version.as_str(), true)
    );
    ok(g.run(&["rollback", "--target", &t]));
    assert_eq!(g.seen().root.version, m1.version);
    ok(g.run(&["rollback", "--target", &t, "--to", &m2.version]));
    assert_eq!(g.seen().root.version, m2.version);

    // A canary cancelled by rollback.
    let (i3, m3) = g.index("three", 122, 3, 32);
    ok(g.run(&["publish", "--index", &i3, "--to", &t, "--canary", "20"]));
    assert_eq!(g.seen().canary.unwrap().version, m3.version);
    ok(g.run(&["rollback", "--target", &t]));
    let seen = g.seen();
    assert_eq!(seen.root.version, m2.version);
    assert!(seen.root.rollout.is_none());

    // versions lists all three. --keep 2 on the next publish prunes the oldest, but never the
    // version it replaces (m2: browsers may still hold that root manifest) nor the new one.
    let table = ok(g.run(&["versions", "--from", &t]));
    for m in [&m1, &m2, &m3] {
        assert!(table.contains(&m.version), "{table}");
    }
    assert!(table.contains("live"), "{table}");
    let (i4, m4) = g.index("four", 123, 4, 32);
    let out = ok(g.run(&["publish", "--index", &i4, "--to", &t, "--keep", "2"]));
    assert!(
        out.contains(&format!("pruned 1 old version(s): {}", m1.version)),
        "{out}"
    );
    assert!(g
        .emu
        .list(BUCKET, &format!("{PREFIX}/v/{}/", m1.version))
        .is_empty());
    let seen = g.seen();
    assert_eq!(seen.root.version, m4.version);
    let listed: serde_json::Value =
        serde_json::from_str(&ok(g.run(&["versions", "--from", &t, "--json"]))).unwrap();
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec![
            m2.version.as_str(),
            m3.version.as_str(),
            m4.version.as_str()
        ]
    );
}

/// Polls the live manifest like a browser while `work` runs, asserting that every manifest
/// it ever sees lists only files that exist. Returns how many reads it made.
fn watch_live<T>(g: &Gcs, work: impl FnOnce() -> T) -> (T, usize) {
    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicUsize::new(0));
    let reader = {
        let (stop, reads) = (stop.clone(), reads.clone());
        let base = format!("{}/{BUCKET}/{PREFIX}", g.emu.url());
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                browser_read(&Http(base.clone()));
                reads.fetch_add(1, Ordering::SeqCst);
            }
        })
    };
    let result = work();
    stop.store(true, Ordering::SeqCst);
    reader
        .join()
        .expect("a reader saw a manifest pointing at missing or corrupt files");
    (result, reads.load(Ordering::SeqCst))
}

#[test]
fn gcs_interrupted_publish_never_exposes_missing_files() {
    let Some(g) = Gcs::start() else { return };
    let t = target();
    let (i1, m1) = g.index("one", 200, 1, 8);
    ok(g.run(&["publish", "--index", &i1, "--to", &t]));

    // 1. A store that fails after 5 uploads.
    let (i2, m2) = g.index("two", 201, 2, 8);
    let (result, reads) = watch_live(&g, || {
        let store = FailingStore::new(GcsStore::emulator(&t, &g.emu.host).unwrap(), 5);
        publish_to(Path::new(&i2), &store, &one_at_a_time())
    });
    let err = format!("{:#}", result.unwrap_err());
    assert!(err.contains("injected failure"), "{err}");
    assert!(reads > 0);
    assert_eq!(g.seen().root.version, m1.version, "live manifest unchanged");
    let partial = g.emu.list(BUCKET, &format!("{PREFIX}/v/{}/", m2.version));
    assert_eq!(partial.len(), 5, "{partial:?}");

    // 2. The process killed mid-upload (SIGKILL, no cleanup).
    let (i3, m3) = g.index("three", 202, 3, 4);
    let prefix3 = format!("{PREFIX}/v/{}/", m3.version);
    let mut child = playlike_command(
        &["publish", "--index", &i3, "--to", &t, "--jobs", "1"],
        &[("STORAGE_EMULATOR_HOST", g.emu.host.as_str())],
    )
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::null())
    .spawn()
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while g.emu.list(BUCKET, &prefix3).len() < 3 {
        assert!(Instant::now() < deadline, "upload never started");
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let uploaded = g.emu.list(BUCKET, &prefix3).len();
    assert!(
        uploaded < m3.files.len(),
        "killed before the end ({uploaded})"
    );
    assert_eq!(g.seen().root.version, m1.version, "live manifest unchanged");

    // 3. Finishing both publishes while a reader polls: it never sees a broken manifest.
    let ((a, b), reads) = watch_live(&g, || {
        let a = g.run(&["publish", "--index", &i2, "--to", &t]);
        let b = g.run(&["publish", "--index", &i3, "--to", &t, "--keep", "2"]);
        (a, b)
    });
    let a = ok(a);
    assert!(a.contains("5 already there"), "{a}");
    ok(b);
    assert!(reads > 0);
    assert_eq!(g.seen().root.version, m3.version);
}

#[test]
fn gcs_refuses_to_shrink_and_to_overwrite_a_version() {
    let Some(g) = Gcs::start() else { return };
    let t = target();
    let (i1, m1) = g.index("one", 300, 1, 64);
    ok(g.run(&["publish", "--index", &i1, "--to", &t]));
    let (i2, _) = g.index("two", 200, 2, 64);
    let out = g.run(&["publish", "--index", &i2, "--to", &t]);
    assert!(!out.status.success());
    assert!(text(&out).contains("--max-shrink"), "{}", text(&out));
    assert_eq!(g.seen().root.version, m1.version);
    assert!(
        g.emu
            .list(BUCKET, &format!("{PREFIX}/v/"))
            .iter()
            .all(|n| n.contains(&m1.version)),
        "nothing of the refused version was uploaded"
    );

    // Same version name, different bytes: refused (versions are immutable).
    let (i3, _) = g.index("three", 300, 1, 64);
    let mut manifest = std::fs::read_to_string(format!("{i3}/manifest.json")).unwrap();
    let own = playlike_core::format::Manifest::from_json(&manifest).unwrap();
    manifest = manifest
        .replace(&own.version, &m1.version)
        .replace("publish-test", "other");
    std::fs::write(format!("{i3}/manifest.json"), manifest).unwrap();
    let out = g.run(&["publish", "--index", &i3, "--to", &t]);
    assert!(!out.status.success());
    assert!(text(&out).contains("immutable"), "{}", text(&out));
}

#[test]
fn gcs_cors_is_printed_and_applied() {
    let Some(g) = Gcs::start() else { return };
    let printed = ok(g.run(&[
        "cors",
        "--target",
        &target(),
        "--origin",
        "https://playlike.example",
    ]));
    let rules: serde_json::Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(
        rules[0]["origin"],
        serde_json::json!(["https://playlike.example"])
    );
    assert_eq!(rules[0]["method"], serde_json::json!(["GET", "HEAD"]));
    let headers = rules[0]["responseHeader"].as_array().unwrap();
    for h in ["Content-Type", "Content-Length"] {
        assert!(headers.iter().any(|x| x == h), "{h}");
    }
    assert!(rules[0]["maxAgeSeconds"].as_u64().unwrap() > 0);
    ok(g.run(&["cors", "--target", &target(), "--apply"]));
    let out = playlike(&["cors", "--target", "./local-dir"], &[]);
    assert!(!out.status.success());
}

/// One request as a recording mock saw it.
#[derive(Debug, Clone)]
struct Request {
    method: String,
    url: String,
    authorization: Option<String>,
    body: String,
}

/// A loopback server playing both an OAuth token endpoint (`POST /token`, answering
/// `ya29.minted`) and an empty GCS bucket `bkt`, recording every request.
struct AuthMock {
    base: String,
    seen: Arc<std::sync::Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl AuthMock {
    fn start() -> AuthMock {
        AuthMock::answering_tokens_with(r#"{"access_token":"ya29.minted","expires_in":3600}"#)
    }

    /// A mock whose token endpoint answers `token_reply`.
    fn answering_tokens_with(token_reply: &'static str) -> AuthMock {
        let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
        let base = format!("http://{}", server.server_addr().to_ip().unwrap());
        let seen: Arc<std::sync::Mutex<Vec<Request>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (seen, stop) = (seen.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let Ok(Some(mut req)) = server.recv_timeout(Duration::from_millis(20)) else {
                        continue;
                    };
                    let mut body = String::new();
                    std::io::Read::read_to_string(req.as_reader(), &mut body).unwrap();
                    let authorization = req
                        .headers()
                        .iter()
                        .find(|h| h.field.equiv("Authorization"))
                        .map(|h| h.value.to_string());
                    let url = req.url().to_string();
                    seen.lock().unwrap().push(Request {
                        method: req.method().to_string(),
                        url: url.clone(),
                        authorization,
                        body,
                    });
                    let (status, reply) = if url.starts_with("/token") {
                        (200, token_reply)
                    } else if url.starts_with("/storage/v1/b/bkt/o?") {
                        (200, r#"{"kind":"storage#objects"}"#)
                    } else {
                        (404, r#"{"error":{"code":404}}"#)
                    };
                    let _ = req
                        .respond(tiny_http::Response::from_string(reply).with_status_code(status));
                }
            })
        };
        AuthMock {
            base,
            seen,
            stop,
            thread: Some(thread),
        }
    }

    /// Runs `playlike versions --from gs://bkt/x` against this mock with `env`.
    fn versions(&self, args: &[&str], env: &[(&str, &str)]) -> Vec<Request> {
        let mut all: Vec<(&str, &str)> = vec![("PLAYLIKE_GCS_ENDPOINT", self.base.as_str())];
        all.extend_from_slice(env);
        let mut argv = vec!["versions", "--from", "gs://bkt/x"];
        argv.extend_from_slice(args);
        let out = ok(playlike(&argv, &all));
        assert!(out.contains("no versions published"), "{out}");
        std::mem::take(&mut *self.seen.lock().unwrap())
    }
}

impl Drop for AuthMock {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Every storage request carries `Bearer <token>`.
fn assert_storage_auth(seen: &[Request], token: &str) {
    let storage: Vec<&Request> = seen
        .iter()
        .filter(|s| s.url.starts_with("/storage/"))
        .collect();
    assert!(!storage.is_empty(), "{seen:?}");
    for s in storage {
        assert_eq!(
            s.authorization.as_deref(),
            Some(format!("Bearer {token}").as_str()),
            "{} {}",
            s.method,
            s.url
        );
    }
}

#[test]
fn service_account_key_signs_a_valid_jwt_and_its_token_is_used() {
    use base64::Engine;
    let mock = AuthMock::start();
    let fixture: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/operate/test-service-account.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let public_key = base64::engine::general_purpose::STANDARD
        .decode(
            fixture["_test_public_key_pkcs1_der_base64"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
    let token_uri = format!("{}/token", mock.base);
    let mut key = fixture.clone();
    key["token_uri"] = token_uri.clone().into();
    let tmp = tempfile::tempdir().unwrap();
    let key_path = tmp.path().join("sa.json");
    std::fs::write(&key_path, key.to_string()).unwrap();

    // Through --credentials, and through GOOGLE_APPLICATION_CREDENTIALS.
    let key_path = key_path.to_str().unwrap();
    for (args, env) in [
        (vec!["--credentials", key_path], vec![]),
        (vec![], vec![("GOOGLE_APPLICATION_CREDENTIALS", key_path)]),
    ] {
        let seen = mock.versions(&args, &env);
        let token_requests: Vec<&Request> = seen.iter().filter(|s| s.url == "/token").collect();
        assert_eq!(
            token_requests.len(),
            1,
            "one token for the whole run: {seen:?}"
        );
        let body = &token_requests[0].body;
        assert!(
            body.contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"),
            "{body}"
        );
        let assertion = body
            .split('&')
            .find_map(|kv| kv.strip_prefix("assertion="))
            .expect("assertion in the form body");
        let (signed, signature) = assertion.rsplit_once('.').unwrap();
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        ring::signature::UnparsedPublicKey::new(
            &ring::signature::RSA_PKCS1_2048_8192_SHA256,
            &public_key,
        )
        .verify(signed.as_bytes(), &b64.decode(signature).unwrap())
        .expect("JWT signature verifies with the service account's public key");
        let claims: serde_json::Value =
            serde_json::from_slice(&b64.decode(signed.split('.').nth(1).unwrap()).unwrap())
                .unwrap();
        assert_eq!(claims["iss"], fixture["client_email"]);
        assert_eq!(claims["aud"], token_uri.as_str());
        assert!(claims["scope"].as_str().unwrap().contains("devstorage"));
        assert!(claims["exp"].as_u64().unwrap() > claims["iat"].as_u64().unwrap());
        assert_storage_auth(&seen, "ya29.minted");
    }
}

#[test]
fn authorized_user_refresh_and_static_tokens_are_used() {
    let mock = AuthMock::start();
    let tmp = tempfile::tempdir().unwrap();
    let user = tmp.path().join("adc.json");
    std::fs::write(
        &user,
        serde_json::json!({
            "type": "authorized_user",
            "client_id": "cid",
            "client_secret": "csecret",
            "refresh_token": "1//refresh",
            "token_uri": format!("{}/token", mock.base),
        })
        .to_string(),
    )
    .unwrap();
    let seen = mock.versions(&["--credentials", user.to_str().unwrap()], &[]);
    let body = &seen
        .iter()
        .find(|s| s.url == "/token")
        .expect("a refresh")
        .body;
    assert!(
        body.contains("grant_type=refresh_token") && body.contains("refresh_token=1%2F%2Frefresh"),
        "{body}"
    );
    assert_storage_auth(&seen, "ya29.minted");

    let seen = mock.versions(&[], &[("GOOGLE_OAUTH_ACCESS_TOKEN", "ya29.static")]);
    assert!(seen.iter().all(|s| s.url != "/token"));
    assert_storage_auth(&seen, "ya29.static");

    // An unsupported credentials type is a clear error, naming the file.
    std::fs::write(&user, r#"{"type":"external_account"}"#).unwrap();
    let out = playlike(
        &[
            "versions",
            "--from",
            "gs://bkt/x",
            "--credentials",
            user.to_str().unwrap(),
        ],
        &[("PLAYLIKE_GCS_ENDPOINT", mock.base.as_str())],
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("external_account"), "{}", text(&out));
}

/// An OAuth reply with a wrong field type was printed in the error, token included; a GCS
/// endpoint or token URI without TLS received the bearer token or refresh token in clear.
#[test]
fn secrets_are_never_printed_nor_sent_without_tls() {
    let mock = AuthMock::answering_tokens_with(
        r#"{"access_token":"ya29.LEAKED","expires_in":"soon","refresh_token":"1//LEAKED"}"#,
    );
    let tmp = tempfile::tempdir().unwrap();
    let user = tmp.path().join("adc.json");
    let write_user = |token_uri: &str| {
        let key = serde_json::json!({
            "type": "authorized_user",
            "client_id": "cid",
            "client_secret": "csecret",
            "refresh_token": "1//refresh",
            "token_uri": token_uri,
        });
        std::fs::write(&user, key.to_string()).unwrap();
    };
    let versions = |env: &[(&str, &str)]| {
        playlike(
            &[
                "versions",
                "--from",
                "gs://bkt/x",
                "--credentials",
                user.to_str().unwrap(),
            ],
            env,
        )
    };
    write_user(&format!("{}/token", mock.base));
    let out = versions(&[("PLAYLIKE_GCS_ENDPOINT", mock.base.as_str())]);
    assert!(!out.status.success());
    let report = text(&out);
    assert!(
        report.contains("no usable access_token") && report.contains("\"expires_in\":\"soon\""),
        "{report}"
    );
    assert!(!report.contains("LEAKED"), "{report}");

    let requests_before = mock.seen.lock().unwrap().len();
    let out = versions(&[("PLAYLIKE_GCS_ENDPOINT", "http://storage.example.com")]);
    assert!(!out.status.success());
    assert!(
        text(&out)
            .contains("PLAYLIKE_GCS_ENDPOINT `http://storage.example.com` is not an https:// URL"),
        "{}",
        text(&out)
    );
    write_user("http://oauth.example.com/token");
    let out = versions(&[("PLAYLIKE_GCS_ENDPOINT", mock.base.as_str())]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("token_uri `http://oauth.example.com/token` is not an https:// URL"),
        "{}",
        text(&out)
    );
    assert_eq!(
        mock.seen.lock().unwrap().len(),
        requests_before,
        "nothing was sent"
    );
}

/// The emulator tests once returned early, passing, when the emulator was missing, even in
/// CI. Runs one of them in a child test process with no emulator on its `PATH` and `CI=true`.
#[test]
fn without_the_emulator_the_gcs_tests_fail_under_ci() {
    let run = |ci: &str| {
        std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "gcs_refuses_to_shrink_and_to_overwrite_a_version",
                "--exact",
                "--nocapture",
            ])
            .env("CI", ci)
            .env("PATH", "/nonexistent")
            .env_remove("PLAYLIKE_FAKE_GCS")
            .output()
            .unwrap()
    };
    let in_ci = run("true");
    let report = text(&in_ci);
    assert!(!in_ci.status.success(), "{report}");
    assert!(
        report.contains("under CI the GCS tests may not skip"),
        "{report}"
    );
    let outside = run("");
    assert!(outside.status.success(), "{}", text(&outside));
    assert!(text(&outside).contains("SKIPPED"), "{}", text(&outside));
}
