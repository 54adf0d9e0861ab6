//! Google auth for the GCS store: where an access token comes from (a ready token, a
//! service-account key, an `authorized_user` refresh token, or the metadata server), minting
//! and caching it, and typed errors that never quote a secret.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use base64::Engine;
use serde::Deserialize;
use serde_json::json;

use crate::clock::now_secs;
use crate::fetch::retry::{
    call_with_retries, form_body, post_form, require_tls, Backoff, CallError, Reply, TokenFailure,
};

/// Why no access token could be had.
#[derive(Debug, thiserror::Error)]
pub enum GcsAuthError {
    #[error("cannot read credentials file {path}: {source}")]
    ReadFile {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: expected a service-account key or authorized-user JSON file: {reason}")]
    NotCredentials { path: String, reason: String },
    #[error("{path}: `{field}` is missing")]
    Missing { path: String, field: &'static str },
    #[error("{path}: private_key is not a PEM `PRIVATE KEY` block")]
    NotPem { path: String },
    #[error("{path}: private_key is not an RSA PKCS#8 key: {reason}")]
    BadKey { path: String, reason: String },
    #[error(
        "{path}: credentials of type `{kind}` are not supported; use a service-account key, \
         gcloud application-default credentials, or set GOOGLE_OAUTH_ACCESS_TOKEN"
    )]
    Unsupported { path: String, kind: String },
    /// An endpoint that would receive a secret without TLS.
    #[error("{0}")]
    Insecure(String),
    #[error("signing the token request: {0}")]
    Signing(String),
    #[error("{what}: HTTP {status}: {body}")]
    Refused {
        what: String,
        status: u16,
        body: String,
    },
    #[error("{what}: no usable access_token in the reply: {body}")]
    BadReply { what: String, body: String },
    #[error(transparent)]
    Call(#[from] CallError),
}

/// How requests are authorised.
pub(super) enum Auth {
    None,
    Static(String),
    Refreshing {
        provider: Provider,
        cache: Mutex<Option<(String, u64)>>,
    },
}

/// Where access tokens come from.
pub(super) enum Provider {
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

impl Auth {
    /// The `Authorization` header value, minting a token when the cached one is (nearly)
    /// expired; `None` for an emulator.
    pub(super) fn bearer(
        &self,
        agent: &ureq::Agent,
        backoff: &Backoff,
    ) -> Result<Option<String>, GcsAuthError> {
        match self {
            Auth::None => Ok(None),
            Auth::Static(t) => Ok(Some(format!("Bearer {t}"))),
            Auth::Refreshing { provider, cache } => {
                let mut cache = cache.lock().expect("token lock poisoned");
                if let Some((token, expires)) = cache.as_ref() {
                    if *expires > now_secs() + 120 {
                        return Ok(Some(format!("Bearer {token}")));
                    }
                }
                let (token, expires_in) = provider.fetch(agent, backoff)?;
                *cache = Some((token.clone(), now_secs() + expires_in));
                Ok(Some(format!("Bearer {token}")))
            }
        }
    }
}

/// Finds credentials as described in the module docs of [`super`].
pub(super) fn find_auth(explicit: Option<&Path>, scope: &str) -> Result<Auth, GcsAuthError> {
    if let Ok(token) = std::env::var("GOOGLE_OAUTH_ACCESS_TOKEN") {
        if !token.trim().is_empty() {
            return Ok(Auth::Static(token.trim().to_string()));
        }
    }
    let provider = match credentials_file(explicit) {
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

/// `--credentials`, else `GOOGLE_APPLICATION_CREDENTIALS`, else gcloud's application default
/// credentials when that file exists.
fn credentials_file(explicit: Option<&Path>) -> Option<PathBuf> {
    explicit
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
        })
}

fn provider_from_file(path: &Path, scope: &str) -> Result<Provider, GcsAuthError> {
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
    let shown = path.display().to_string();
    let text = std::fs::read(path).map_err(|source| GcsAuthError::ReadFile {
        path: shown.clone(),
        source,
    })?;
    let key: KeyFile = serde_json::from_slice(&text).map_err(|e| GcsAuthError::NotCredentials {
        path: shown.clone(),
        reason: e.to_string(),
    })?;
    let missing = |field| GcsAuthError::Missing {
        path: shown.clone(),
        field,
    };
    match key.kind.as_str() {
        "service_account" => Ok(Provider::ServiceAccount {
            key_der: rsa_key(key.private_key.ok_or_else(|| missing("private_key"))?, path)?,
            email: key.client_email.ok_or_else(|| missing("client_email"))?,
            token_uri: token_uri(key.token_uri, path)?,
            scope: scope.to_string(),
        }),
        "authorized_user" => Ok(Provider::AuthorizedUser {
            client_id: key.client_id.ok_or_else(|| missing("client_id"))?,
            client_secret: key.client_secret.ok_or_else(|| missing("client_secret"))?,
            refresh_token: key.refresh_token.ok_or_else(|| missing("refresh_token"))?,
            token_uri: token_uri(key.token_uri, path)?,
        }),
        other => Err(GcsAuthError::Unsupported {
            path: shown,
            kind: other.to_string(),
        }),
    }
}

/// The DER of a service account's PEM key, checked now (not at the first upload) to be an
/// RSA key ring can sign with.
fn rsa_key(pem: String, path: &Path) -> Result<Vec<u8>, GcsAuthError> {
    let shown = path.display().to_string();
    let key_der = pem_to_der(&pem).ok_or_else(|| GcsAuthError::NotPem {
        path: shown.clone(),
    })?;
    ring::signature::RsaKeyPair::from_pkcs8(&key_der).map_err(|e| GcsAuthError::BadKey {
        path: shown,
        reason: e.to_string(),
    })?;
    Ok(key_der)
}

/// A credentials file's token endpoint (Google's by default), which must use TLS.
fn token_uri(listed: Option<String>, path: &Path) -> Result<String, GcsAuthError> {
    let uri = listed.unwrap_or_else(|| "https://oauth2.googleapis.com/token".into());
    require_tls(&uri, &format!("{}: token_uri", path.display())).map_err(GcsAuthError::Insecure)?;
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
fn service_account_jwt(
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

impl Provider {
    /// A fresh access token and its lifetime in seconds.
    fn fetch(&self, agent: &ureq::Agent, backoff: &Backoff) -> Result<(String, u64), GcsAuthError> {
        let (what, reply) = self.request(agent, backoff)?;
        let token = reply.token().map_err(|failure| match failure {
            TokenFailure::Refused { status, body } => GcsAuthError::Refused { what, status, body },
            TokenFailure::BadReply { body } => GcsAuthError::BadReply { what, body },
        })?;
        Ok((token.access_token, token.expires_in.unwrap_or(3600)))
    }

    /// Asks the provider's endpoint for a token: what was asked (for messages) and the reply.
    fn request(
        &self,
        agent: &ureq::Agent,
        backoff: &Backoff,
    ) -> Result<(String, Reply), GcsAuthError> {
        match self {
            Provider::ServiceAccount {
                email,
                key_der,
                token_uri,
                scope,
            } => {
                let jwt = service_account_jwt(email, key_der, token_uri, scope, now_secs())
                    .map_err(GcsAuthError::Signing)?;
                let body = form_body(&[
                    ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                    ("assertion", &jwt),
                ]);
                let what = format!("token for {email} from {token_uri}");
                let reply = post_form(agent, backoff, &what, token_uri, &body)?;
                Ok((what, reply))
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
                Ok((what, reply))
            }
            Provider::Metadata { url } => {
                let what = format!(
                    "token from the metadata server {url} (no credentials file found: set \
                     GOOGLE_APPLICATION_CREDENTIALS or pass --credentials)"
                );
                let once = Backoff {
                    max_retries: 1,
                    ..*backoff
                };
                let reply = call_with_retries(
                    &what,
                    &once,
                    None,
                    || agent.get(url).header("Metadata-Flavor", "Google").call(),
                    |_| {},
                )?;
                Ok((what, reply))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_blocks_decode() {
        let pem = "-----BEGIN PRIVATE KEY-----\nAAEC\nAw==\n-----END PRIVATE KEY-----\n";
        assert_eq!(pem_to_der(pem), Some(vec![0, 1, 2, 3]));
    }
}
