//! Google Cloud Storage through its JSON API (`/storage/v1`, `/upload/storage/v1`), over the
//! same blocking `ureq` client `fetch` uses.
//!
//! Why plain HTTP rather than a client crate: publishing needs five calls (metadata, media
//! download, multipart upload with `ifGenerationMatch`, list, delete) plus a bucket PATCH for
//! CORS; the maintained Rust clients either pull in an async runtime or use the XML API,
//! which the emulators support less well. The JSON API is stable and documented.
//!
//! Endpoint and credentials, in order:
//! - `STORAGE_EMULATOR_HOST` (`host:port` or a URL): talk to an emulator, without auth — the
//!   convention shared by Google's own client libraries.
//! - `PLAYLIKE_GCS_ENDPOINT`: another endpoint (a proxy, a test server), with normal auth.
//! - `GOOGLE_OAUTH_ACCESS_TOKEN`: a ready bearer token (e.g. from
//!   `google-github-actions/auth` with `token_format: access_token`, or
//!   `gcloud auth print-access-token`).
//! - A credentials JSON file: `--credentials`, else `GOOGLE_APPLICATION_CREDENTIALS`, else
//!   gcloud's application default credentials (`~/.config/gcloud/application_default_credentials.json`):
//!   a `service_account` key (an RS256-signed JWT exchanged for a token) or an
//!   `authorized_user` (a refresh token).
//! - Otherwise the GCE/Cloud Run/GKE metadata server.

mod auth;

use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use serde_json::json;

use auth::Auth;
pub use auth::GcsAuthError;

use super::store::{
    Fetched, Generation, Precondition, PutOptions, Stat, Store, StoreError, Transit,
};
use crate::fetch::retry::{call_with_retries, percent_encode, require_tls, Backoff, Reply};

/// Read-write access to objects.
pub const SCOPE_READ_WRITE: &str = "https://www.googleapis.com/auth/devstorage.read_write";
/// Also bucket metadata (CORS).
pub const SCOPE_FULL_CONTROL: &str = "https://www.googleapis.com/auth/devstorage.full_control";

/// `gs://bucket/prefix` split into bucket and prefix (`""` or ending with `/`).
pub fn parse_gs_url(url: &str) -> Option<(String, String)> {
    let rest = url.strip_prefix("gs://")?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    let valid_bucket = (3..=222).contains(&bucket.len())
        && bucket.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
        });
    if !valid_bucket {
        return None;
    }
    let prefix = prefix.trim_matches('/');
    let prefix = if prefix.is_empty() {
        String::new()
    } else {
        format!("{prefix}/")
    };
    Some((bucket.to_string(), prefix))
}

/// A bucket (and prefix) reached through the GCS JSON API.
pub struct GcsStore {
    agent: ureq::Agent,
    base: String,
    bucket: String,
    prefix: String,
    auth: Auth,
    backoff: Backoff,
}

impl GcsStore {
    /// Connects to `gs://bucket/prefix` with endpoint and credentials found as described in
    /// the module docs; `scope` is the OAuth scope requested for service accounts.
    pub fn connect(
        url: &str,
        credentials: Option<&Path>,
        scope: &str,
    ) -> Result<GcsStore, StoreError> {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        if let Some(host) = env("STORAGE_EMULATOR_HOST") {
            return GcsStore::emulator(url, &host);
        }
        let base = env("PLAYLIKE_GCS_ENDPOINT")
            .map(|e| with_scheme(&e))
            .unwrap_or_else(|| "https://storage.googleapis.com".into());
        require_tls(&base, "PLAYLIKE_GCS_ENDPOINT").map_err(GcsAuthError::Insecure)?;
        GcsStore::new(url, &base, auth::find_auth(credentials, scope)?)
    }

    /// Connects to `gs://bucket/prefix` on an emulator at `host` (`host:port` or a URL),
    /// without auth.
    pub fn emulator(url: &str, host: &str) -> Result<GcsStore, StoreError> {
        GcsStore::new(url, &with_scheme(host), Auth::None)
    }

    fn new(url: &str, base: &str, auth: Auth) -> Result<GcsStore, StoreError> {
        let (bucket, prefix) =
            parse_gs_url(url).ok_or_else(|| StoreError::BadTarget(url.to_string()))?;
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(300)))
            .timeout_connect(Some(Duration::from_secs(10)))
            .user_agent(concat!("playlike/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Ok(GcsStore {
            agent,
            base: base.trim_end_matches('/').to_string(),
            bucket,
            prefix,
            auth,
            backoff: Backoff {
                base: Duration::from_millis(250),
                max_retries: 6,
                ..Backoff::default()
            },
        })
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    fn object_url(&self, key: &str) -> String {
        format!(
            "{}/storage/v1/b/{}/o/{}",
            self.base,
            self.bucket,
            percent_encode(&format!("{}{key}", self.prefix))
        )
    }

    /// Sends a request with auth and retries; `build` makes the request for each attempt.
    fn call(
        &self,
        what: &str,
        build: impl Fn(Option<&str>) -> Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<Reply, StoreError> {
        let bearer = self.auth.bearer(&self.agent, &self.backoff)?;
        Ok(call_with_retries(
            what,
            &self.backoff,
            None,
            || build(bearer.as_deref()),
            |_| {},
        )?)
    }

    fn http_error(what: &str, reply: &Reply) -> StoreError {
        let mut body = reply.snippet();
        if matches!(reply.status, 401 | 403) {
            body.push_str(" (check the credentials and that they may write to the bucket)");
        }
        StoreError::Http {
            what: what.to_string(),
            status: reply.status,
            body,
        }
    }

    /// Sets the bucket's CORS rules (JSON API bucket PATCH); returns the bucket resource.
    pub fn set_cors(&self, cors: &serde_json::Value) -> Result<serde_json::Value, StoreError> {
        let url = format!("{}/storage/v1/b/{}", self.base, self.bucket);
        let what = format!("PATCH {url}");
        let body = json!({ "cors": cors }).to_string();
        let reply = self.call(&what, |auth| {
            let mut req = self.agent.patch(&url).content_type("application/json");
            if let Some(a) = auth {
                req = req.header("Authorization", a);
            }
            req.send(body.as_str())
        })?;
        if reply.status != 200 {
            return Err(Self::http_error(&what, &reply));
        }
        serde_json::from_slice(&reply.body).map_err(|e| StoreError::BadReply {
            what,
            reason: e.to_string(),
        })
    }

    fn list_page(
        &self,
        prefix: &str,
        delimiter: bool,
        token: Option<&str>,
    ) -> Result<ListPage, StoreError> {
        let url = format!("{}/storage/v1/b/{}/o", self.base, self.bucket);
        let full_prefix = format!("{}{prefix}", self.prefix);
        let what = format!("list gs://{}/{full_prefix}", self.bucket);
        let reply = self.call(&what, |auth| {
            let mut req = self.agent.get(&url).query("prefix", &full_prefix);
            if delimiter {
                req = req.query("delimiter", "/");
            }
            if let Some(t) = token {
                req = req.query("pageToken", t);
            }
            if let Some(a) = auth {
                req = req.header("Authorization", a);
            }
            req.call()
        })?;
        if reply.status != 200 {
            return Err(Self::http_error(&what, &reply));
        }
        serde_json::from_slice(&reply.body).map_err(|e| StoreError::BadReply {
            what,
            reason: e.to_string(),
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListPage {
    #[serde(default)]
    items: Vec<ObjectResource>,
    #[serde(default)]
    prefixes: Vec<String>,
    #[serde(default)]
    next_page_token: Option<String>,
}

#[derive(Deserialize)]
struct ObjectResource {
    name: String,
    #[serde(default)]
    size: Option<String>,
    #[serde(default)]
    generation: Option<String>,
    #[serde(default)]
    crc32c: Option<String>,
    #[serde(default)]
    metadata: Option<std::collections::HashMap<String, String>>,
}

fn with_scheme(host: &str) -> String {
    if host.starts_with("http://") || host.starts_with("https://") {
        host.to_string()
    } else {
        format!("http://{host}")
    }
}

impl Store for GcsStore {
    fn describe(&self) -> String {
        format!("gs://{}/{}", self.bucket, self.prefix)
    }

    fn get(&self, key: &str) -> Result<Option<Fetched>, StoreError> {
        let url = self.object_url(key);
        let what = format!("download {}", self.locate(key));
        let reply = self.call(&what, |auth| {
            let mut req = self.agent.get(&url).query("alt", "media");
            if let Some(a) = auth {
                req = req.header("Authorization", a);
            }
            req.call()
        })?;
        match reply.status {
            404 => Ok(None),
            200 => {
                let generation = match reply.header("x-goog-generation") {
                    Some(g) => g.to_string(),
                    None => match self.metadata(key)? {
                        Some(meta) => meta.generation.unwrap_or_default(),
                        None => return Ok(None),
                    },
                };
                Ok(Some(Fetched {
                    bytes: reply.body,
                    generation: Generation(generation),
                }))
            }
            _ => Err(Self::http_error(&what, &reply)),
        }
    }

    fn stat(&self, key: &str) -> Result<Option<Stat>, StoreError> {
        Ok(self.metadata(key)?.map(|meta| Stat {
            size: meta.size.and_then(|s| s.parse().ok()).unwrap_or(0),
            sha256: meta.metadata.and_then(|m| m.get("sha256").cloned()),
            crc32c: meta.crc32c,
        }))
    }

    fn put(&self, key: &str, bytes: &[u8], opts: &PutOptions) -> Result<(), StoreError> {
        let url = format!("{}/upload/storage/v1/b/{}/o", self.base, self.bucket);
        let name = format!("{}{key}", self.prefix);
        let what = format!("upload {}", self.locate(key));
        let gzipped;
        let (bytes, content_encoding) = match opts.transit {
            Transit::AsStored => (bytes, None),
            Transit::Gzip => {
                gzipped = crate::build_cmd::gzip_best(bytes);
                (&gzipped[..], Some("gzip"))
            }
        };
        let mut metadata = json!({
            "name": name,
            "contentType": opts.content_type,
            "cacheControl": opts.cache_control,
            // GCS checks the received bytes against this and rejects a corrupted upload.
            "crc32c": super::store::crc32c_base64(bytes),
            "metadata": { "sha256": opts.sha256 },
        });
        if let Some(encoding) = content_encoding {
            metadata["contentEncoding"] = encoding.into();
        }
        let metadata = metadata.to_string();
        let boundary = format!("playlike-{:016x}", fastrand::u64(..));
        let mut body = Vec::with_capacity(bytes.len() + metadata.len() + 256);
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{metadata}\r\n--{boundary}\r\nContent-Type: {}\r\n\r\n",
                opts.content_type
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let condition = match &opts.precondition {
            Precondition::None => None,
            Precondition::Absent => Some("0".to_string()),
            Precondition::Generation(g) => Some(g.0.clone()),
        };
        let reply = self.call(&what, |auth| {
            let mut req = self
                .agent
                .post(&url)
                .query("uploadType", "multipart")
                .content_type(format!("multipart/related; boundary={boundary}"));
            if let Some(c) = &condition {
                req = req.query("ifGenerationMatch", c);
            }
            if let Some(a) = auth {
                req = req.header("Authorization", a);
            }
            req.send(&body[..])
        })?;
        match reply.status {
            200 | 201 => Ok(()),
            412 => Err(StoreError::PreconditionFailed {
                key: self.locate(key),
            }),
            _ => Err(Self::http_error(&what, &reply)),
        }
    }

    fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let mut out = Vec::new();
        let mut token = None;
        loop {
            let page = self.list_page(prefix, false, token.as_deref())?;
            out.extend(
                page.items
                    .into_iter()
                    .filter_map(|o| o.name.strip_prefix(&self.prefix).map(str::to_string)),
            );
            match page.next_page_token {
                Some(t) if !t.is_empty() => token = Some(t),
                _ => break,
            }
        }
        out.sort();
        Ok(out)
    }

    fn list_dirs(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let full = format!("{}{prefix}", self.prefix);
        let mut out = Vec::new();
        let mut token = None;
        loop {
            let page = self.list_page(prefix, true, token.as_deref())?;
            out.extend(page.prefixes.into_iter().filter_map(|p| {
                p.strip_prefix(&full)
                    .map(|d| d.trim_end_matches('/').to_string())
            }));
            match page.next_page_token {
                Some(t) if !t.is_empty() => token = Some(t),
                _ => break,
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    fn delete(&self, key: &str) -> Result<(), StoreError> {
        let url = self.object_url(key);
        let what = format!("delete {}", self.locate(key));
        let reply = self.call(&what, |auth| {
            let mut req = self.agent.delete(&url);
            if let Some(a) = auth {
                req = req.header("Authorization", a);
            }
            req.call()
        })?;
        match reply.status {
            200 | 204 | 404 => Ok(()),
            _ => Err(Self::http_error(&what, &reply)),
        }
    }
}

impl GcsStore {
    fn metadata(&self, key: &str) -> Result<Option<ObjectResource>, StoreError> {
        let url = self.object_url(key);
        let what = format!("stat {}", self.locate(key));
        let reply = self.call(&what, |auth| {
            let mut req = self.agent.get(&url);
            if let Some(a) = auth {
                req = req.header("Authorization", a);
            }
            req.call()
        })?;
        match reply.status {
            404 => Ok(None),
            200 => {
                serde_json::from_slice(&reply.body)
                    .map(Some)
                    .map_err(|e| StoreError::BadReply {
                        what,
                        reason: e.to_string(),
                    })
            }
            _ => Err(Self::http_error(&what, &reply)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gs_urls_split_into_bucket_and_prefix() {
        assert_eq!(
            parse_gs_url("gs://b-1/a/b/"),
            Some(("b-1".into(), "a/b/".into()))
        );
        assert_eq!(
            parse_gs_url("gs://bkt"),
            Some(("bkt".into(), String::new()))
        );
        assert_eq!(parse_gs_url("gs://Bad/x"), None);
        assert_eq!(parse_gs_url("s3://bkt/x"), None);
    }
}
