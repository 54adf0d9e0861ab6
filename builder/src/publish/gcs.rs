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

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use serde::Deserialize;
use serde_json::json;

use super::store::{Fetched, Generation, Precondition, PutOptions, Stat, Store, StoreError};
use crate::fetch::retry::{
    call_with_retries, form_body, percent_encode, require_tls, Backoff, Reply,
};

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

/// How requests are authorised.
enum Auth {
    None,
    Static(String),
    Refreshing {
        provider: Provider,
        cache: Mutex<Option<(String, u64)>>,
    },
}

/// Where access tokens come from.
enum Provider {
    ServiceAccount {
        email: String,
        key_der: Vec<u8>,
        token_uri: String,
        scope: String,
    },
    AuthorizedUser {
        client_id: String,
        client_secret: String,
        refresh_token: String,
        token_uri: String,
    },
    Metadata {
        url: String,
    },
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

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs()
}

impl GcsStore {
    /// Connects to `gs://bucket/prefix` with endpoint and credentials found as described in
    /// the module docs; `scope` is the OAuth scope requested for service accounts.
    pub fn connect(
        url: &str,
        credentials: Option<&Path>,
        scope: &str,
    ) -> Result<GcsStore, StoreError> {
        let (bucket, prefix) = parse_gs_url(url).ok_or_else(|| {
            StoreError::Auth(format!(
                "`{url}` is not a gs://bucket[/prefix] URL with a valid bucket name"
            ))
        })?;
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(300)))
            .timeout_connect(Some(Duration::from_secs(10)))
            .user_agent(concat!("playlike/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let (base, auth) = if let Some(host) = env("STORAGE_EMULATOR_HOST") {
            (with_scheme(&host), Auth::None)
        } else {
            let base = env("PLAYLIKE_GCS_ENDPOINT")
                .map(|e| with_scheme(&e))
                .unwrap_or_else(|| "https://storage.googleapis.com".into());
            require_tls(&base, "PLAYLIKE_GCS_ENDPOINT").map_err(StoreError::Auth)?;
            (base, find_auth(credentials, scope)?)
        };
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

    fn bearer(&self) -> Result<Option<String>, StoreError> {
        match &self.auth {
            Auth::None => Ok(None),
            Auth::Static(t) => Ok(Some(format!("Bearer {t}"))),
            Auth::Refreshing { provider, cache } => {
                let mut cache = cache.lock().expect("token lock poisoned");
                if let Some((token, expires)) = cache.as_ref() {
                    if *expires > now_secs() + 120 {
                        return Ok(Some(format!("Bearer {token}")));
                    }
                }
                let (token, expires_in) = provider.fetch(&self.agent, &self.backoff)?;
                *cache = Some((token.clone(), now_secs() + expires_in));
                Ok(Some(format!("Bearer {token}")))
            }
        }
    }

    /// Sends a request with auth and retries; `build` makes the request for each attempt.
    fn call(
        &self,
        what: &str,
        build: impl Fn(Option<&str>) -> Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<Reply, StoreError> {
        let bearer = self.bearer()?;
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
        let metadata = json!({
            "name": name,
            "contentType": opts.content_type,
            "cacheControl": opts.cache_control,
            // GCS checks the received bytes against this and rejects a corrupted upload.
            "crc32c": super::store::crc32c_base64(bytes),
            "metadata": { "sha256": opts.sha256 },
        })
        .to_string();
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

/// Finds credentials as described in the module docs.
fn find_auth(explicit: Option<&Path>, scope: &str) -> Result<Auth, StoreError> {
    if let Ok(token) = std::env::var("GOOGLE_OAUTH_ACCESS_TOKEN") {
        if !token.trim().is_empty() {
            return Ok(Auth::Static(token.trim().to_string()));
        }
    }
    let file: Option<PathBuf> = explicit
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("GOOGLE_APPLICATION_CREDENTIALS").map(PathBuf::from))
        .or_else(|| {
            let gcloud = std::env::var_os("CLOUDSDK_CONFIG")
                .map(PathBuf::from)
                .or_else(|| {
                    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config/gcloud"))
                })?
                .join("application_default_credentials.json");
            gcloud.exists().then_some(gcloud)
        });
    let provider = match file {
        Some(path) => provider_from_file(&path, scope)?,
        None => Provider::Metadata {
            url: format!(
                "http://{}/computeMetadata/v1/instance/service-accounts/default/token",
                std::env::var("GCE_METADATA_HOST")
                    .unwrap_or_else(|_| "metadata.google.internal".into())
            ),
        },
    };
    Ok(Auth::Refreshing {
        provider,
        cache: Mutex::new(None),
    })
}

fn provider_from_file(path: &Path, scope: &str) -> Result<Provider, StoreError> {
    #[derive(Deserialize)]
    struct KeyFile {
        #[serde(rename = "type")]
        kind: String,
        client_email: Option<String>,
        private_key: Option<String>,
        token_uri: Option<String>,
        client_id: Option<String>,
        client_secret: Option<String>,
        refresh_token: Option<String>,
    }
    let text = std::fs::read(path).map_err(|e| {
        StoreError::Auth(format!(
            "cannot read credentials file {}: {e}",
            path.display()
        ))
    })?;
    let key: KeyFile = serde_json::from_slice(&text).map_err(|e| {
        StoreError::Auth(format!(
            "{}: expected a service-account key or authorized-user JSON file: {e}",
            path.display()
        ))
    })?;
    let missing =
        |field: &str| StoreError::Auth(format!("{}: `{field}` is missing", path.display()));
    match key.kind.as_str() {
        "service_account" => {
            let pem = key.private_key.ok_or_else(|| missing("private_key"))?;
            let key_der = pem_to_der(&pem).ok_or_else(|| {
                StoreError::Auth(format!(
                    "{}: private_key is not a PEM `PRIVATE KEY` block",
                    path.display()
                ))
            })?;
            // Fail now, not at the first upload, if the key is unusable.
            ring::signature::RsaKeyPair::from_pkcs8(&key_der).map_err(|e| {
                StoreError::Auth(format!(
                    "{}: private_key is not an RSA PKCS#8 key: {e}",
                    path.display()
                ))
            })?;
            Ok(Provider::ServiceAccount {
                email: key.client_email.ok_or_else(|| missing("client_email"))?,
                key_der,
                token_uri: token_uri(key.token_uri, path)?,
                scope: scope.to_string(),
            })
        }
        "authorized_user" => Ok(Provider::AuthorizedUser {
            client_id: key.client_id.ok_or_else(|| missing("client_id"))?,
            client_secret: key.client_secret.ok_or_else(|| missing("client_secret"))?,
            refresh_token: key.refresh_token.ok_or_else(|| missing("refresh_token"))?,
            token_uri: token_uri(key.token_uri, path)?,
        }),
        other => Err(StoreError::Auth(format!(
            "{}: credentials of type `{other}` are not supported; use a service-account key, \
             gcloud application-default credentials, or set GOOGLE_OAUTH_ACCESS_TOKEN",
            path.display()
        ))),
    }
}

/// A credentials file's token endpoint (Google's by default), which must use TLS.
fn token_uri(listed: Option<String>, path: &Path) -> Result<String, StoreError> {
    let uri = listed.unwrap_or_else(|| "https://oauth2.googleapis.com/token".into());
    require_tls(&uri, &format!("{}: token_uri", path.display())).map_err(StoreError::Auth)?;
    Ok(uri)
}

/// The DER bytes of the first PEM block.
fn pem_to_der(pem: &str) -> Option<Vec<u8>> {
    let body: String = pem
        .lines()
        .map(str::trim)
        .skip_while(|l| !l.starts_with("-----BEGIN"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    base64::engine::general_purpose::STANDARD.decode(body).ok()
}

/// A signed RS256 JWT asking `token_uri` for an access token with `scope`.
pub fn service_account_jwt(
    email: &str,
    key_der: &[u8],
    token_uri: &str,
    scope: &str,
    now: u64,
) -> Result<String, String> {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header = b64.encode(json!({"alg": "RS256", "typ": "JWT"}).to_string());
    let claims = b64.encode(
        json!({
            "iss": email,
            "scope": scope,
            "aud": token_uri,
            "iat": now,
            "exp": now + 3600,
        })
        .to_string(),
    );
    let signing_input = format!("{header}.{claims}");
    let key = ring::signature::RsaKeyPair::from_pkcs8(key_der).map_err(|e| e.to_string())?;
    let mut signature = vec![0; key.public().modulus_len()];
    key.sign(
        &ring::signature::RSA_PKCS1_SHA256,
        &ring::rand::SystemRandom::new(),
        signing_input.as_bytes(),
        &mut signature,
    )
    .map_err(|e| e.to_string())?;
    Ok(format!("{signing_input}.{}", b64.encode(signature)))
}

/// POSTs a form-encoded body to an OAuth token endpoint, with retries.
fn post_form(
    agent: &ureq::Agent,
    backoff: &Backoff,
    what: &str,
    url: &str,
    body: &str,
) -> Result<Reply, StoreError> {
    Ok(call_with_retries(
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
    )?)
}

impl Provider {
    /// A fresh access token and its lifetime in seconds.
    fn fetch(&self, agent: &ureq::Agent, backoff: &Backoff) -> Result<(String, u64), StoreError> {
        let (what, reply) = match self {
            Provider::ServiceAccount {
                email,
                key_der,
                token_uri,
                scope,
            } => {
                let jwt = service_account_jwt(email, key_der, token_uri, scope, now_secs())
                    .map_err(|e| StoreError::Auth(format!("signing the token request: {e}")))?;
                let body = form_body(&[
                    ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                    ("assertion", &jwt),
                ]);
                let what = format!("token for {email} from {token_uri}");
                let reply = post_form(agent, backoff, &what, token_uri, &body)?;
                (what, reply)
            }
            Provider::AuthorizedUser {
                client_id,
                client_secret,
                refresh_token,
                token_uri,
            } => {
                let body = form_body(&[
                    ("grant_type", "refresh_token"),
                    ("client_id", client_id),
                    ("client_secret", client_secret),
                    ("refresh_token", refresh_token),
                ]);
                let what = format!("token refresh from {token_uri}");
                let reply = post_form(agent, backoff, &what, token_uri, &body)?;
                (what, reply)
            }
            Provider::Metadata { url } => {
                let what = format!(
                    "token from the metadata server {url} (no credentials file found: set \
                     GOOGLE_APPLICATION_CREDENTIALS or pass --credentials)"
                );
                let reply = call_with_retries(
                    &what,
                    &Backoff {
                        max_retries: 1,
                        ..*backoff
                    },
                    None,
                    || agent.get(url).header("Metadata-Flavor", "Google").call(),
                    |_| {},
                )?;
                (what, reply)
            }
        };
        if reply.status != 200 {
            return Err(StoreError::Auth(format!(
                "{what}: HTTP {}: {}",
                reply.status,
                reply.redacted_snippet()
            )));
        }
        #[derive(Deserialize)]
        struct TokenReply {
            access_token: String,
            #[serde(default)]
            expires_in: Option<u64>,
        }
        let token: TokenReply = serde_json::from_slice(&reply.body).map_err(|_| {
            StoreError::Auth(format!(
                "{what}: no usable access_token in the reply: {}",
                reply.redacted_snippet()
            ))
        })?;
        Ok((token.access_token, token.expires_in.unwrap_or(3600)))
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

    #[test]
    fn pem_blocks_decode() {
        let pem = "-----BEGIN PRIVATE KEY-----\nAAEC\nAw==\n-----END PRIVATE KEY-----\n";
        assert_eq!(pem_to_der(pem), Some(vec![0, 1, 2, 3]));
    }
}
