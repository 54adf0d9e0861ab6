//! `playlike serve`: a tiny static file server for the built web app and its index, for the
//! demo and the end-to-end tests. Loopback by default; not meant to face the internet.
//!
//! It serves what a real host (a bucket or CDN) would: correct content types (`.wasm`,
//! `.json`, `.gz` as `application/gzip` *without* `Content-Encoding`, because the app verifies
//! the SHA-256 of the stored gzip bytes and decompresses them itself), `no-cache` for HTML and
//! `manifest.json`, `immutable` for content-hashed files, a strict Content-Security-Policy,
//! and `index.html` for extension-less unknown paths so deep links like `/game/1942` work.
//! The app's own files (HTML, JS, wasm, CSS, JSON) are gzip-compressed on the fly when the
//! browser accepts it, as any CDN would. `--throttle-kbps` slows every response body down to
//! measure loading on a slow network.
//!
//! Only regular files inside the root are served: no dotfiles or dot-directories, and no
//! path that leaves the root through a symbolic link. The HTTP side ([`http`]) bounds
//! threads, request sizes and time per client.

mod http;

use std::collections::HashMap;
use std::fs;
use std::io::{self, Read, Write};
use std::net::TcpListener;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{bail, Context};
use clap::Args;
use http::{Request, Response};

/// The policy sent with every response; matches the `<meta>` policy in index.html.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self' data: https://images.igdb.com; connect-src 'self'; font-src 'self'; \
object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Directory to serve (the web build, e.g. `dist/`, with the index in `dist/index/`).
    #[arg(long, default_value = "dist")]
    pub dir: PathBuf,
    /// TCP port; 0 picks a free one (the chosen URL is printed on the first line).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Limit each response body to this many kilobits per second (e.g. 10000 for 10 Mbit/s).
    #[arg(long)]
    pub throttle_kbps: Option<u64>,
}

pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    let root = fs::canonicalize(&args.dir)
        .with_context(|| format!("cannot serve {}: no such directory", args.dir.display()))?;
    if !root.is_dir() {
        bail!("cannot serve {}: not a directory", root.display());
    }
    let listener = TcpListener::bind((args.host.as_str(), args.port))
        .with_context(|| format!("cannot listen on {}:{}", args.host, args.port))?;
    let addr = listener.local_addr()?;
    // The first line is machine-read by the e2e tests: keep its shape.
    println!("Serving {} on http://{addr}/", root.display());
    let throttle = args.throttle_kbps.filter(|&k| k > 0);
    let handler = move |request: &Request| respond(&root, request, throttle);
    http::serve(listener, http::Limits::default(), Arc::new(handler))?;
    Ok(())
}

fn respond(root: &Path, request: &Request, throttle_kbps: Option<u64>) -> Response {
    if !matches!(request.method.as_str(), "GET" | "HEAD") {
        return with_policy(Response::text(405, "method not allowed"));
    }
    let Some(file) = resolve(root, &request.target) else {
        return with_policy(Response::text(404, "not found"));
    };
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let encoding = body_encoding(&file, name, request.header("Accept-Encoding"));
    let data = match match &encoding {
        BodyEncoding::Brotli(compressed) => fs::read(compressed).map(Arc::new),
        BodyEncoding::Gzip => gzipped(&file),
        BodyEncoding::Stored => fs::read(&file).map(Arc::new),
    } {
        Ok(data) => data,
        Err(_) => return with_policy(Response::text(404, "not found")),
    };
    let mut headers = vec![
        header("Content-Type", content_type(name)),
        header("Cache-Control", cache_control(name)),
        header("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        header("X-Content-Type-Options", "nosniff"),
        header("Referrer-Policy", "no-referrer"),
        header("Vary", "Accept-Encoding"),
    ];
    match encoding {
        BodyEncoding::Brotli(_) => headers.push(header("Content-Encoding", "br")),
        BodyEncoding::Gzip => headers.push(header("Content-Encoding", "gzip")),
        BodyEncoding::Stored => {}
    }
    if !name.ends_with(".html") {
        // Index files may be fetched by an app served from another origin.
        headers.push(header("Access-Control-Allow-Origin", "*"));
    }
    let len = data.len() as u64;
    let body: Box<dyn Read + Send> = match throttle_kbps {
        Some(kbps) => Box::new(Throttled::new(data, kbps)),
        None => Box::new(io::Cursor::new(SharedBytes(data))),
    };
    Response {
        status: 200,
        headers,
        body,
        len,
    }
}

/// Maps a request URL to a file under `root`, or `None` when there is none to serve.
/// Unknown extension-less paths get `index.html` (client-side routes).
fn resolve(root: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let path = percent_decode(path)?;
    let mut file = root.to_path_buf();
    for component in Path::new(path.trim_start_matches('/')).components() {
        match component {
            // Dotfiles and dot-directories (`.git`, `.env`) are never served.
            Component::Normal(part) if part.to_string_lossy().starts_with('.') => return None,
            Component::Normal(part) => file.push(part),
            Component::CurDir => {}
            // `..`, absolute or prefixed components never leave the root.
            _ => return None,
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    if file.is_file() {
        // A symbolic link may point anywhere: serve only what really lies under the root.
        return fs::canonicalize(&file)
            .ok()
            .filter(|real| real.starts_with(root));
    }
    let last = path.rsplit('/').next().unwrap_or("");
    if last.contains('.') {
        None
    } else {
        Some(root.join("index.html")).filter(|f| f.is_file())
    }
}

fn percent_decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = path.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let decoded = String::from_utf8(out).ok()?;
    (!decoded.contains('\0') && !decoded.contains('\\')).then_some(decoded)
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        // Stored gzip is the payload itself: no Content-Encoding, the app gunzips it (and
        // decodes `.lzma` parts, served as `application/octet-stream`, itself).
        "gz" => "application/gzip",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Text and wasm compress well; stored index files (`.gz`, `.lzma`) are already compressed and must
/// reach the app byte for byte.
fn is_compressible(name: &str) -> bool {
    matches!(
        name.rsplit('.').next().unwrap_or(""),
        "html" | "js" | "mjs" | "wasm" | "css" | "json" | "svg" | "txt" | "md"
    )
}

/// How a response body is sent.
#[derive(Debug, PartialEq)]
enum BodyEncoding {
    /// The build's brotli of the file (`<file>.br`, written by scripts/build-web): a fifth
    /// smaller than gzip for the app's wasm.
    Brotli(PathBuf),
    /// Gzip made here (and kept) for a file without a brotli copy or a client without brotli.
    Gzip,
    /// As stored: index files, images, or a client that accepts neither.
    Stored,
}

/// The encoding for `file` given the request's `Accept-Encoding`, as a static host with
/// pre-compressed files would choose: its brotli copy when the client takes brotli and the
/// copy is a regular file (a symbolic link could point out of the root) at least as new as
/// the file, else gzip for text and wasm.
fn body_encoding(file: &Path, name: &str, accept_encoding: Option<&str>) -> BodyEncoding {
    let accepts = |coding: &str| {
        accept_encoding.is_some_and(|v| {
            v.split(',')
                .any(|c| c.split(';').next().unwrap_or("").trim() == coding)
        })
    };
    if !is_compressible(name) {
        return BodyEncoding::Stored;
    }
    let brotli = PathBuf::from(format!("{}.br", file.display()));
    let copy_modified = fs::symlink_metadata(&brotli)
        .ok()
        .filter(|m| m.is_file())
        .and_then(|m| m.modified().ok());
    let file_modified = fs::metadata(file).and_then(|m| m.modified()).ok();
    let fresh = matches!((copy_modified, file_modified), (Some(b), Some(f)) if b >= f);
    if accepts("br") && fresh {
        BodyEncoding::Brotli(brotli)
    } else if accepts("gzip") {
        BodyEncoding::Gzip
    } else {
        BodyEncoding::Stored
    }
}

/// The gzip of a file, compressed once per modification time.
fn gzipped(file: &Path) -> io::Result<Arc<Vec<u8>>> {
    type Cache = Mutex<HashMap<PathBuf, (SystemTime, Arc<Vec<u8>>)>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let modified = fs::metadata(file)?.modified()?;
    let cache = CACHE.get_or_init(Default::default);
    if let Some((at, data)) = cache.lock().unwrap().get(file) {
        if *at == modified {
            return Ok(data.clone());
        }
    }
    let raw = fs::read(file)?;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(&raw)?;
    let data = Arc::new(encoder.finish()?);
    cache
        .lock()
        .unwrap()
        .insert(file.to_path_buf(), (modified, data.clone()));
    Ok(data)
}

/// Shared response bytes, readable through a cursor.
struct SharedBytes(Arc<Vec<u8>>);

impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

fn cache_control(name: &str) -> &'static str {
    if is_content_hashed(name) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

/// `name-<8+ hex digits>.ext` (Trunk's hashed assets, the index's hashed parts).
fn is_content_hashed(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit(['-', '_'])
        .next()
        .is_some_and(|h| h.len() >= 8 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn header(name: &str, value: &str) -> (String, String) {
    (name.to_string(), value.to_string())
}

/// An error response, with the same policy as every page.
fn with_policy(mut response: Response) -> Response {
    response
        .headers
        .push(header("Content-Security-Policy", CONTENT_SECURITY_POLICY));
    response
}

/// A body that is released no faster than a given bit rate.
struct Throttled {
    data: io::Cursor<SharedBytes>,
    bytes_per_sec: f64,
    start: Instant,
    sent: u64,
}

impl Throttled {
    fn new(data: Arc<Vec<u8>>, kbps: u64) -> Self {
        Throttled {
            data: io::Cursor::new(SharedBytes(data)),
            bytes_per_sec: kbps as f64 * 1000.0 / 8.0,
            start: Instant::now(),
            sent: 0,
        }
    }
}

impl Read for Throttled {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // Small slices keep the rate smooth.
        let chunk = buf.len().min(16 * 1024);
        let due = Duration::from_secs_f64(self.sent as f64 / self.bytes_per_sec);
        if let Some(wait) = due.checked_sub(self.start.elapsed()) {
            std::thread::sleep(wait);
        }
        let n = self.data.read(&mut buf[..chunk])?;
        self.sent += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_files_deep_links_and_refuses_escapes() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("index.html"), "<html>").unwrap();
        fs::create_dir(dir.path().join("index")).unwrap();
        fs::write(dir.path().join("index/manifest.json"), "{}").unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        assert_eq!(
            resolve(&root, "/index/manifest.json?x=1"),
            Some(root.join("index/manifest.json"))
        );
        assert_eq!(resolve(&root, "/"), Some(root.join("index.html")));
        assert_eq!(resolve(&root, "/game/1942"), Some(root.join("index.html")));
        assert_eq!(resolve(&root, "/missing.js"), None);
        assert_eq!(resolve(&root, "/../etc/passwd"), None);
        assert_eq!(resolve(&root, "/%2e%2e/etc/passwd"), None);
    }

    /// `serve` once followed a symbolic link out of its root (`/etc/passwd` through one) and
    /// served dotfiles.
    #[test]
    fn symlinks_out_of_the_root_and_dotfiles_are_not_served() {
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret"), "s").unwrap();
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("index.html"), "<html>").unwrap();
        fs::write(dir.path().join("app.js"), "js").unwrap();
        fs::write(dir.path().join(".env"), "TOKEN=x").unwrap();
        fs::create_dir(dir.path().join(".git")).unwrap();
        fs::write(dir.path().join(".git/config"), "[core]").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), dir.path().join("leak.txt"))
            .unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("out")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("app.js"), dir.path().join("alias.js")).unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        for refused in [
            "/leak.txt",
            "/out/secret",
            "/.env",
            "/.git/config",
            "/%2eenv",
        ] {
            assert_eq!(resolve(&root, refused), None, "{refused}");
        }
        assert_eq!(
            resolve(&root, "/alias.js"),
            Some(root.join("app.js")),
            "a link that stays inside the root is fine"
        );
    }

    #[test]
    fn brotli_copies_are_sent_to_clients_that_take_them_while_fresh() {
        let dir = tempfile::tempdir().unwrap();
        let wasm = dir.path().join("app_bg.wasm");
        fs::write(&wasm, "wasm").unwrap();
        let both = Some("gzip, deflate, br, zstd");
        assert_eq!(
            body_encoding(&wasm, "app_bg.wasm", both),
            BodyEncoding::Gzip,
            "no copy yet"
        );
        let brotli = dir.path().join("app_bg.wasm.br");
        fs::write(&brotli, "br").unwrap();
        assert_eq!(
            body_encoding(&wasm, "app_bg.wasm", both),
            BodyEncoding::Brotli(brotli.clone())
        );
        assert_eq!(
            body_encoding(&wasm, "app_bg.wasm", Some("gzip")),
            BodyEncoding::Gzip
        );
        assert_eq!(
            body_encoding(&wasm, "app_bg.wasm", Some("brotli")),
            BodyEncoding::Stored
        );
        assert_eq!(
            body_encoding(&wasm, "app_bg.wasm", None),
            BodyEncoding::Stored
        );
        // A file rebuilt after its copy: the copy is stale and never sent.
        let later = fs::metadata(&brotli).unwrap().modified().unwrap() + Duration::from_secs(5);
        fs::File::options()
            .write(true)
            .open(&wasm)
            .unwrap()
            .set_modified(later)
            .unwrap();
        assert_eq!(
            body_encoding(&wasm, "app_bg.wasm", both),
            BodyEncoding::Gzip
        );
        // A copy that is a symbolic link is never followed, however new its target.
        let css = dir.path().join("style.css");
        fs::write(&css, "css").unwrap();
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret"), "s").unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("secret"),
            dir.path().join("style.css.br"),
        )
        .unwrap();
        assert_eq!(body_encoding(&css, "style.css", both), BodyEncoding::Gzip);
        let part = dir.path().join("titles-0-0123456789ab.bin.gz");
        fs::write(&part, "gz").unwrap();
        assert_eq!(
            body_encoding(&part, "titles-0-0123456789ab.bin.gz", both),
            BodyEncoding::Stored
        );
    }

    #[test]
    fn types_and_caching_follow_the_file_name() {
        assert_eq!(content_type("titles-0.bin.gz"), "application/gzip");
        assert_eq!(content_type("app_bg.wasm"), "application/wasm");
        assert_eq!(cache_control("manifest.json"), "no-cache");
        assert_eq!(cache_control("index.html"), "no-cache");
        assert!(cache_control("playlike-web-0123456789abcdef_bg.wasm").contains("immutable"));
        assert!(cache_control("titles-0-7491e9ff37ed.bin.gz").contains("immutable"));
        assert!(cache_control("titles-15000-7491e9ff37ed.bin.lzma").contains("immutable"));
        assert!(!is_compressible("titles-15000-7491e9ff37ed.bin.lzma"));
        assert_eq!(cache_control("boot.js"), "no-cache");
    }
}
