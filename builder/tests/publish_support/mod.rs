//! Shared by the publish tests: small real indexes, the `playlike` binary, a browser-like
//! reader, and a GCS-protocol emulator (fake-gcs-server) on a free loopback port.

#![allow(dead_code)] // each test file uses a different subset

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use playlike_builder::publish::store::{Fetched, PutOptions, Stat, Store, StoreError};
use playlike_core::build::{build_index, BuildOptions};
use playlike_core::format::{open_stored, sha256_hex, Manifest};
use playlike_core::Game;

/// Builds an index of `games` games into `dir` with the core builder; returns its manifest.
/// `details_shard_size` small → many files (to interrupt uploads halfway).
pub fn make_index(dir: &Path, games: usize, built_at: &str, details_shard_size: u32) -> Manifest {
    let genres = [
        "Shooter",
        "Puzzle",
        "Platform",
        "Role-playing (RPG)",
        "Strategy",
    ];
    let list: Vec<Game> = (0..games)
        .map(|i| Game {
            igdb_id: 1000 + i as u64,
            name: format!("Test Game {i}"),
            summary: Some(format!("A test game number {i} about {}.", genres[i % 5])),
            genres: vec![genres[i % 5].to_string(), genres[(i / 5) % 5].to_string()],
            platforms: vec!["PC (Microsoft Windows)".into()],
            developers: vec![format!("Studio {}", i % 7)],
            release_date: Some(1_300_000_000 + i as i64 * 86_400),
            critic_rating: Some(50.0 + (i % 50) as f32),
            ..Game::default()
        })
        .collect();
    let options = BuildOptions {
        built_at: built_at.to_string(),
        source: "publish-test".into(),
        details_shard_size,
        ..BuildOptions::default()
    };
    let built = build_index(list, &options);
    std::fs::create_dir_all(dir).unwrap();
    for (path, bytes) in &built.files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    std::fs::write(dir.join("manifest.json"), built.manifest.to_json()).unwrap();
    built.manifest
}

/// Runs `playlike ARGS` with extra environment.
pub fn playlike(args: &[&str], env: &[(&str, &str)]) -> Output {
    playlike_command(args, env).output().unwrap()
}

pub fn playlike_command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_playlike"));
    cmd.args(args)
        .env_remove("STORAGE_EMULATOR_HOST")
        .env_remove("GOOGLE_APPLICATION_CREDENTIALS")
        .env_remove("GOOGLE_OAUTH_ACCESS_TOKEN")
        .env_remove("PLAYLIKE_GCS_ENDPOINT");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

pub fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[track_caller]
pub fn ok(out: Output) -> String {
    assert!(out.status.success(), "command failed: {}", text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A response body and its headers (lowercase names).
pub type Body = (Vec<u8>, Vec<(String, String)>);

/// How a reader gets bytes: a URL base or a directory.
pub trait Fetch {
    /// `(status, body, headers)` of `path` relative to the publish root.
    fn fetch(&self, path: &str) -> Option<Body>;
}

pub struct Http(pub String);

impl Fetch for Http {
    fn fetch(&self, path: &str) -> Option<Body> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut resp = agent.get(&format!("{}/{path}", self.0)).call().unwrap();
        if resp.status() == 404 {
            return None;
        }
        assert_eq!(resp.status(), 200, "GET {path}");
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_lowercase(),
                    v.to_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        let body = resp
            .body_mut()
            .with_config()
            .limit(u64::MAX)
            .read_to_vec()
            .unwrap();
        Some((body, headers))
    }
}

pub struct Dir(pub PathBuf);

impl Fetch for Dir {
    fn fetch(&self, path: &str) -> Option<Body> {
        std::fs::read(self.0.join(path)).ok().map(|b| (b, vec![]))
    }
}

/// What a browser sees when it loads the app: the root manifest, and the manifest it would
/// use for a given rollout bucket.
pub struct Seen {
    pub root: Manifest,
    pub canary: Option<Manifest>,
}

/// Reads like the web app: the root manifest, then every file it lists (and, with a rollout,
/// the canary manifest and its files, relative to that manifest), verifying each SHA-256 and
/// decompressing it. Panics on any missing or corrupt file.
pub fn browser_read(src: &dyn Fetch) -> Seen {
    let (bytes, headers) = src.fetch("manifest.json").expect("root manifest exists");
    if let Some(cc) = header(&headers, "cache-control") {
        assert!(
            cc.contains("no-cache") || cc.contains("max-age=60") || cc.contains("max-age=0"),
            "root manifest must not be cached long: {cc}"
        );
    }
    let root = Manifest::from_json(std::str::from_utf8(&bytes).unwrap()).unwrap();
    read_files(src, "", &root);
    let canary = root.rollout.as_ref().map(|r| {
        let (bytes, _) = src.fetch(&r.manifest).expect("canary manifest exists");
        let m = Manifest::from_json(std::str::from_utf8(&bytes).unwrap()).unwrap();
        assert_eq!(m.version, r.version);
        let dir = r
            .manifest
            .rsplit_once('/')
            .map(|(d, _)| format!("{d}/"))
            .unwrap();
        read_files(src, &dir, &m);
        m
    });
    Seen { root, canary }
}

fn read_files(src: &dyn Fetch, dir: &str, manifest: &Manifest) {
    for f in &manifest.files {
        let path = format!("{dir}{}", f.path);
        let (bytes, headers) = src
            .fetch(&path)
            .unwrap_or_else(|| panic!("{path} listed by manifest {} is missing", manifest.version));
        assert_eq!(sha256_hex(&bytes), f.sha256, "{path}");
        open_stored(f, &bytes).unwrap();
        if !headers.is_empty() {
            assert_eq!(
                header(&headers, "content-type"),
                Some("application/octet-stream"),
                "{path}"
            );
            assert_eq!(
                header(&headers, "content-encoding"),
                None,
                "{path}: served as stored bytes"
            );
            let cc = header(&headers, "cache-control").unwrap_or_default();
            assert!(
                cc.contains("immutable") && cc.contains("max-age=31536000"),
                "{path}: {cc}"
            );
        }
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// fake-gcs-server on a free loopback port, in-memory, killed on drop.
pub struct Emulator {
    child: Child,
    pub host: String,
}

/// Whether this run is CI's: `CI` is set to anything but empty, `0` or `false`.
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

impl Emulator {
    /// Starts the emulator, or returns `None` (after printing why) if it is not installed.
    /// Under CI (`CI` set, as CI runs always set it) a missing emulator fails the test
    /// instead: a test there may not pass without running.
    pub fn start() -> Option<Emulator> {
        let binary = std::env::var("PLAYLIKE_FAKE_GCS")
            .ok()
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("PATH").and_then(|paths| {
                    std::env::split_paths(&paths)
                        .map(|p| p.join("fake-gcs-server"))
                        .find(|p| p.is_file())
                })
            });
        let Some(binary) = binary else {
            assert!(
                !under_ci(),
                "fake-gcs-server is not installed, and under CI the GCS tests may not skip \
                 (scripts/setup.d/50-gcs-emulator.sh installs it; PLAYLIKE_FAKE_GCS names it)"
            );
            println!(
                "SKIPPED: fake-gcs-server is not installed (run scripts/setup.d/50-gcs-emulator.sh or set PLAYLIKE_FAKE_GCS)"
            );
            eprintln!("SKIPPED: fake-gcs-server is not installed");
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let host = format!("127.0.0.1:{port}");
        let child = Command::new(&binary)
            .args([
                "-backend",
                "memory",
                "-scheme",
                "http",
                "-host",
                "127.0.0.1",
            ])
            .args([
                "-port",
                &port.to_string(),
                "-public-host",
                &host,
                "-log-level",
                "error",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
        let emulator = Emulator { child, host };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(resp) = ureq::get(&format!("{}/storage/v1/b", emulator.url())).call() {
                if resp.status() == 200 {
                    break;
                }
            }
            assert!(Instant::now() < deadline, "fake-gcs-server did not come up");
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(emulator)
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.host)
    }

    pub fn create_bucket(&self, name: &str) {
        let resp = ureq::post(&format!("{}/storage/v1/b?project=test", self.url()))
            .content_type("application/json")
            .send(format!("{{\"name\":\"{name}\"}}"))
            .unwrap();
        assert_eq!(resp.status(), 200);
    }

    /// Public-URL reader for `bucket/prefix`, as a browser would fetch.
    pub fn public(&self, bucket_and_prefix: &str) -> Http {
        Http(format!("{}/{bucket_and_prefix}", self.url()))
    }

    /// Object names under a prefix (JSON API list).
    pub fn list(&self, bucket: &str, prefix: &str) -> Vec<String> {
        let mut resp = ureq::get(&format!("{}/storage/v1/b/{bucket}/o", self.url()))
            .query("prefix", prefix)
            .call()
            .unwrap();
        let v: serde_json::Value =
            serde_json::from_slice(&resp.body_mut().read_to_vec().unwrap()).unwrap();
        v["items"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .map(|i| i["name"].as_str().unwrap().to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// An object's JSON API resource.
    pub fn object(&self, bucket: &str, name: &str) -> serde_json::Value {
        let url = format!("{}/storage/v1/b/{bucket}/o/{}", self.url(), encoded(name));
        let mut resp = ureq::get(&url).call().unwrap();
        serde_json::from_slice(&resp.body_mut().read_to_vec().unwrap()).unwrap()
    }

    /// An object's bytes exactly as the emulator sends them when asked with
    /// `Accept-Encoding: {accept_encoding}` (nothing decoded on the way, unlike ureq), and the
    /// `Content-Encoding` they came with.
    pub fn media_as_sent(
        &self,
        bucket: &str,
        name: &str,
        accept_encoding: &str,
    ) -> (Option<String>, Vec<u8>) {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(&self.host).unwrap();
        write!(
            stream,
            "GET /storage/v1/b/{bucket}/o/{}?alt=media HTTP/1.1\r\nHost: {}\r\nAccept-Encoding: {accept_encoding}\r\nConnection: close\r\n\r\n",
            encoded(name),
            self.host
        )
        .unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        let split = response
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("an HTTP response has a header");
        let head = String::from_utf8_lossy(&response[..split]).to_lowercase();
        assert!(head.starts_with("http/1.1 200"), "{head}");
        let encoding = head
            .lines()
            .find_map(|line| line.strip_prefix("content-encoding:"))
            .map(|v| v.trim().to_string());
        (encoding, response[split + 4..].to_vec())
    }
}

/// An object name as one segment of a JSON API URL.
fn encoded(name: &str) -> String {
    name.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A store that passes everything through to `inner` but fails every upload after the
/// first `uploads`: an interrupted publish, on purpose.
pub struct FailingStore<S> {
    pub inner: S,
    pub uploads: usize,
    done: std::sync::atomic::AtomicUsize,
}

impl<S: Store> FailingStore<S> {
    pub fn new(inner: S, uploads: usize) -> Self {
        FailingStore {
            inner,
            uploads,
            done: Default::default(),
        }
    }
}

impl<S: Store> Store for FailingStore<S> {
    fn describe(&self) -> String {
        self.inner.describe()
    }
    fn get(&self, key: &str) -> Result<Option<Fetched>, StoreError> {
        self.inner.get(key)
    }
    fn stat(&self, key: &str) -> Result<Option<Stat>, StoreError> {
        self.inner.stat(key)
    }
    fn put(&self, key: &str, bytes: &[u8], opts: &PutOptions) -> Result<(), StoreError> {
        use std::sync::atomic::Ordering;
        if self.done.fetch_add(1, Ordering::SeqCst) >= self.uploads {
            return Err(StoreError::Io {
                path: self.inner.locate(key),
                source: std::io::Error::other("injected failure (test store)"),
            });
        }
        self.inner.put(key, bytes, opts)
    }
    fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        self.inner.list(prefix)
    }
    fn list_dirs(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        self.inner.list_dirs(prefix)
    }
    fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.inner.delete(key)
    }
}

/// What `publish` does by default, uploading one file at a time.
pub fn one_at_a_time() -> playlike_builder::publish::upload::Plan {
    playlike_builder::publish::upload::Plan {
        keep: 5,
        max_shrink: 5.0,
        force: false,
        canary: None,
        jobs: 1,
        dry_run: false,
    }
}
