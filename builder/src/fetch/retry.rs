//! Request pacing and retry policy shared by `fetch` (IGDB, Twitch) and `publish` (GCS).
//!
//! - [`Pacer`] spaces request *starts* evenly so a run never exceeds a requests-per-second
//!   budget, whatever the number of worker threads (IGDB allows 4/s).
//! - [`Backoff`] is capped exponential backoff with "full jitter" (a uniformly random delay
//!   in `[0, min(cap, base·2^attempt)]`, the variant that spreads retrying clients best), and
//!   honours a server's `Retry-After` when it sends one.
//! - [`is_transient_status`] names the HTTP statuses worth retrying: 408, 425, 429 and 5xx.
//!
//! And the two rules for anything that carries credentials: [`require_tls`] (secrets and
//! bearer tokens go over `https://`, plain HTTP only to loopback) and
//! [`Reply::redacted_snippet`] (error messages never quote a token or secret a server sent).

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Spaces request starts at least `1/rate` seconds apart across all threads sharing it.
#[derive(Debug)]
pub struct Pacer {
    interval: Duration,
    next: Mutex<Instant>,
}

impl Pacer {
    /// A pacer allowing `per_second` request starts per second (non-positive: unlimited).
    pub fn new(per_second: f64) -> Self {
        let interval = if per_second > 0.0 {
            Duration::from_secs_f64(1.0 / per_second)
        } else {
            Duration::ZERO
        };
        Pacer {
            interval,
            next: Mutex::new(Instant::now()),
        }
    }

    /// Blocks until this caller may start a request.
    pub fn wait(&self) {
        let slot = {
            let mut next = self.next.lock().expect("pacer lock poisoned");
            let now = Instant::now();
            let slot = (*next).max(now);
            *next = slot + self.interval;
            slot
        };
        let now = Instant::now();
        if slot > now {
            std::thread::sleep(slot - now);
        }
    }
}

/// Capped exponential backoff with full jitter.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
    /// Retries after the first attempt; the attempt after the last retry's failure gives up.
    pub max_retries: u32,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base: Duration::from_millis(500),
            cap: Duration::from_secs(30),
            max_retries: 8,
        }
    }
}

impl Backoff {
    /// Delay before retry number `attempt` (0-based). A server-sent `Retry-After` wins when it
    /// is longer than the jittered delay, but is itself capped.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let exp = self
            .base
            .saturating_mul(1u32.checked_shl(attempt.min(20)).unwrap_or(u32::MAX))
            .min(self.cap);
        let jittered = exp.mul_f64(fastrand::f64());
        match retry_after {
            Some(ra) => ra.min(self.cap).max(jittered),
            None => jittered,
        }
    }
}

/// HTTP statuses that are worth retrying: timeouts, throttling and server errors.
pub fn is_transient_status(status: u16) -> bool {
    matches!(status, 408 | 425 | 429) || (500..=599).contains(&status)
}

/// Parses a `Retry-After` header given in seconds (the HTTP-date form is ignored).
pub fn parse_retry_after(value: Option<&str>) -> Option<Duration> {
    let secs: f64 = value?.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(3600.0)))
}

/// Whether a transport-level `ureq` error (no HTTP status) is worth retrying.
pub fn is_transient_error(err: &ureq::Error) -> bool {
    matches!(
        err,
        ureq::Error::Timeout(_)
            | ureq::Error::Io(_)
            | ureq::Error::ConnectionFailed
            | ureq::Error::HostNotFound
            | ureq::Error::Protocol(_)
    )
}

/// A response read to the end: status, headers and body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: ureq::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    /// A header's value, if present and valid text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body for an error message about a credentials endpoint: JSON with every value
    /// under a secret-looking key (`access_token`, `refresh_token`, `*secret*`, `*key*`, …)
    /// replaced by `<redacted>`; a body that is not JSON only by its size.
    pub fn redacted_snippet(&self) -> String {
        match serde_json::from_slice::<serde_json::Value>(&self.body) {
            Ok(mut value) => {
                redact(&mut value);
                shorten(&value.to_string())
            }
            Err(_) => format!("{} bytes that are not JSON", self.body.len()),
        }
    }

    /// The body as (lossy) text, shortened for error messages.
    pub fn snippet(&self) -> String {
        shorten(String::from_utf8_lossy(&self.body).trim())
    }
}

/// Text cut to 300 characters for an error message.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(300) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// Whether a JSON key names something secret.
fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    [
        "token",
        "secret",
        "key",
        "password",
        "assertion",
        "credential",
    ]
    .iter()
    .any(|word| key.contains(word))
}

/// Replaces every value under a secret-looking key, at any depth.
fn redact(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                if is_secret_key(key) {
                    *inner = serde_json::Value::String("<redacted>".into());
                } else {
                    redact(inner);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

/// Refuses to send credentials to `url` in clear: it must be `https://`, or `http://` to a
/// loopback host (a local test server). `what` names the setting in the error.
pub fn require_tls(url: &str, what: &str) -> Result<(), String> {
    let uri: ureq::http::Uri = url
        .parse()
        .map_err(|e| format!("{what} `{url}` is not a URL: {e}"))?;
    let host = uri.host().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match uri.scheme_str() {
        Some("https") if !host.is_empty() => Ok(()),
        Some("http") if loopback => Ok(()),
        _ => Err(format!(
            "{what} `{url}` is not an https:// URL: credentials are only sent over TLS \
             (plain http:// is allowed to loopback addresses only)"
        )),
    }
}

/// Why a call was given up.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error("{what}: gave up after {attempts} attempts; last error: {last}")]
    GaveUp {
        what: String,
        attempts: u32,
        last: String,
    },
    #[error("{what}: {source}")]
    Permanent {
        what: String,
        #[source]
        source: ureq::Error,
    },
}

/// What went wrong on one attempt that is about to be retried.
#[derive(Debug, Clone)]
pub enum RetryCause {
    Status(u16),
    Transport(String),
}

/// Sends a request (built afresh by `send` on every attempt), reads the whole response and
/// retries throttling, server errors and transport failures with `backoff`. Waits on `pacer`
/// before every attempt. Any other status is returned for the caller to judge.
pub fn call_with_retries(
    what: &str,
    backoff: &Backoff,
    pacer: Option<&Pacer>,
    mut send: impl FnMut() -> Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    mut on_retry: impl FnMut(&RetryCause),
) -> Result<Reply, CallError> {
    let mut attempt = 0u32;
    loop {
        if let Some(p) = pacer {
            p.wait();
        }
        let outcome = send().and_then(|mut resp| {
            let body = resp
                .body_mut()
                .with_config()
                .limit(u64::MAX)
                .read_to_vec()?;
            Ok(Reply {
                status: resp.status().as_u16(),
                headers: resp.headers().clone(),
                body,
            })
        });
        let (cause, retry_after) = match outcome {
            Ok(reply) if is_transient_status(reply.status) => (
                RetryCause::Status(reply.status),
                parse_retry_after(reply.header("retry-after")),
            ),
            Ok(reply) => return Ok(reply),
            Err(err) if is_transient_error(&err) => (RetryCause::Transport(err.to_string()), None),
            Err(err) => {
                return Err(CallError::Permanent {
                    what: what.to_string(),
                    source: err,
                })
            }
        };
        if attempt >= backoff.max_retries {
            let last = match cause {
                RetryCause::Status(s) => format!("HTTP {s}"),
                RetryCause::Transport(e) => e,
            };
            return Err(CallError::GaveUp {
                what: what.to_string(),
                attempts: attempt + 1,
                last,
            });
        }
        on_retry(&cause);
        std::thread::sleep(backoff.delay(attempt, retry_after));
        attempt += 1;
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters (for query values and
/// path segments such as GCS object names, where `/` must become `%2F`).
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// An `application/x-www-form-urlencoded` body.
pub fn form_body(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// POSTs a form-encoded body to an OAuth token endpoint (Twitch's, Google's), with retries.
pub fn post_form(
    agent: &ureq::Agent,
    backoff: &Backoff,
    what: &str,
    url: &str,
    body: &str,
) -> Result<Reply, CallError> {
    call_with_retries(
        what,
        backoff,
        None,
        || {
            agent
                .post(url)
                .content_type("application/x-www-form-urlencoded")
                .send(body)
        },
        |_| {},
    )
}

/// What an OAuth token endpoint grants.
#[derive(Debug, serde::Deserialize)]
pub struct TokenReply {
    pub access_token: String,
    /// Lifetime in seconds, when the endpoint says.
    #[serde(default)]
    pub expires_in: Option<u64>,
}

/// Why a token endpoint's reply holds no token; the bodies have their secrets redacted.
#[derive(Debug)]
pub enum TokenFailure {
    Refused { status: u16, body: String },
    BadReply { body: String },
}

impl Reply {
    /// The token in a token endpoint's reply: a 200 whose JSON has a string `access_token`.
    pub fn token(&self) -> Result<TokenReply, TokenFailure> {
        if self.status != 200 {
            return Err(TokenFailure::Refused {
                status: self.status,
                body: self.redacted_snippet(),
            });
        }
        serde_json::from_slice(&self.body).map_err(|_| TokenFailure::BadReply {
            body: self.redacted_snippet(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_capped_and_honours_retry_after() {
        let b = Backoff {
            base: Duration::from_millis(100),
            cap: Duration::from_secs(2),
            max_retries: 5,
        };
        for attempt in 0..40 {
            let d = b.delay(attempt, None);
            let bound = Duration::from_millis(100)
                .saturating_mul(1 << attempt.min(20))
                .min(b.cap);
            assert!(d <= bound, "attempt {attempt}: {d:?} > {bound:?}");
        }
        assert!(b.delay(0, Some(Duration::from_secs(1))) >= Duration::from_secs(1));
        assert_eq!(
            b.delay(0, Some(Duration::from_secs(100))),
            Duration::from_secs(2)
        );
    }

    #[test]
    fn pacer_spaces_request_starts() {
        let pacer = Pacer::new(50.0);
        let start = Instant::now();
        for _ in 0..11 {
            pacer.wait();
        }
        // 11 starts at 20 ms spacing: the last starts at least 200 ms after the first.
        assert!(start.elapsed() >= Duration::from_millis(195));
    }

    #[test]
    fn statuses_and_retry_after() {
        assert!(is_transient_status(429));
        assert!(is_transient_status(503));
        assert!(!is_transient_status(400));
        assert!(!is_transient_status(401));
        assert_eq!(parse_retry_after(Some("2")), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after(Some("Wed, 21 Oct 2015")), None);
        assert_eq!(parse_retry_after(None), None);
    }

    #[test]
    fn percent_encoding_escapes_slashes_and_spaces() {
        assert_eq!(percent_encode("v/1/a b.gz"), "v%2F1%2Fa%20b.gz");
        assert_eq!(form_body(&[("a", "x&y"), ("b", "1")]), "a=x%26y&b=1");
    }

    fn reply(body: &str) -> Reply {
        Reply {
            status: 200,
            headers: ureq::http::HeaderMap::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn redacted_snippets_never_quote_tokens_or_secrets() {
        let wrong_type = reply(
            r#"{"access_token":"ya29.SECRET","expires_in":"soon","nested":{"refresh_token":"1//R","ok":1}}"#,
        );
        let text = wrong_type.redacted_snippet();
        assert!(!text.contains("SECRET") && !text.contains("1//R"), "{text}");
        assert!(
            text.contains("\"expires_in\":\"soon\"") && text.contains("<redacted>"),
            "{text}"
        );
        let listed = reply(r#"[{"client_secret":"hunter2","private_key":"-----BEGIN"}]"#);
        let text = listed.redacted_snippet();
        assert!(
            !text.contains("hunter2") && !text.contains("BEGIN"),
            "{text}"
        );
        assert_eq!(
            reply("token=ya29.SECRET").redacted_snippet(),
            "17 bytes that are not JSON"
        );
    }

    #[test]
    fn credentials_go_over_tls_or_to_loopback_only() {
        for ok in [
            "https://oauth2.googleapis.com/token",
            "https://storage.example:8443",
            "http://127.0.0.1:4443",
            "http://localhost:9000/x",
            "http://[::1]:80/",
        ] {
            assert!(require_tls(ok, "test").is_ok(), "{ok}");
        }
        for refused in [
            "http://storage.example.com",
            "http://10.0.0.5:4443",
            "http://127.0.0.1.evil.example/",
            "ftp://localhost/",
            "storage.example.com",
            "https://",
        ] {
            let err = require_tls(refused, "--token-url").unwrap_err();
            assert!(err.contains("--token-url"), "{refused}: {err}");
        }
    }
}
