//! Twitch client-credentials OAuth, which IGDB uses for API access.
//!
//! Credentials come from `TWITCH_CLIENT_ID` / `TWITCH_CLIENT_SECRET` in the environment, or
//! from a `KEY=VALUE` file (default `~/.config/playlike/igdb.env`), environment first. The
//! app access token is cached on disk (mode 0600, default `~/.cache/playlike/twitch-token.json`)
//! so repeated runs do not mint a token each time, and is refreshed when it is about to expire
//! or when the API answers 401. Refreshes are serialised: when several workers see a 401 for
//! the same token, only the first asks for a new one.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::retry::{form_body, post_form, Backoff, CallError, TokenFailure};
use crate::clock::now_secs;

/// Why a token could not be had.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(
        "no Twitch credentials: set TWITCH_CLIENT_ID and TWITCH_CLIENT_SECRET, or put them in {0}"
    )]
    Missing(String),
    #[error("cannot read credentials file {path}: {source}")]
    ConfigFile {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Call(#[from] CallError),
    #[error("token endpoint {url} refused the credentials: HTTP {status}: {body}")]
    Refused {
        url: String,
        status: u16,
        body: String,
    },
    #[error("token endpoint {url} answered without a usable access_token: {body}")]
    BadReply { url: String, body: String },
}

/// A client id and secret.
#[derive(Clone)]
pub struct Credentials {
    pub client_id: String,
    pub client_secret: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .finish()
    }
}

/// Default credentials file: `$XDG_CONFIG_HOME/playlike/igdb.env` or `~/.config/playlike/igdb.env`.
pub fn default_config_path() -> PathBuf {
    base_dir("XDG_CONFIG_HOME", ".config").join("playlike/igdb.env")
}

/// Default token cache: `$XDG_CACHE_HOME/playlike/twitch-token.json` or `~/.cache/…`.
pub fn default_token_cache() -> PathBuf {
    base_dir("XDG_CACHE_HOME", ".cache").join("playlike/twitch-token.json")
}

fn base_dir(var: &str, fallback: &str) -> PathBuf {
    match std::env::var_os(var) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."))
            .join(fallback),
    }
}

impl Credentials {
    /// Environment first, then the `KEY=VALUE` file at `config` (missing file is fine).
    pub fn load(config: &Path) -> Result<Self, AuthError> {
        let from_file = match std::fs::read_to_string(config) {
            Ok(text) => parse_env_file(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(source) => {
                return Err(AuthError::ConfigFile {
                    path: config.display().to_string(),
                    source,
                })
            }
        };
        let get = |key: &str| {
            std::env::var(key)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .or_else(|| {
                    from_file
                        .iter()
                        .find(|(k, _)| k == key)
                        .map(|(_, v)| v.clone())
                })
        };
        match (get("TWITCH_CLIENT_ID"), get("TWITCH_CLIENT_SECRET")) {
            (Some(client_id), Some(client_secret)) => Ok(Credentials {
                client_id: client_id.trim().to_string(),
                client_secret: client_secret.trim().to_string(),
            }),
            _ => Err(AuthError::Missing(config.display().to_string())),
        }
    }
}

/// `KEY=VALUE` lines; `#` comments, blank lines, `export ` prefixes and quotes are allowed.
fn parse_env_file(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let l = l.strip_prefix("export ").unwrap_or(l);
            let (k, v) = l.split_once('=')?;
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .or_else(|| v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                .unwrap_or(v);
            Some((k.trim().to_string(), v.to_string()))
        })
        .collect()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CachedToken {
    client_id: String,
    access_token: String,
    /// Unix seconds.
    expires_at: u64,
}

#[derive(Debug)]
struct State {
    token: Option<CachedToken>,
    /// Bumped on every new token, so a 401 only invalidates the token it was seen with.
    generation: u64,
    refreshes: u64,
}

/// Hands out a valid app access token, minting and caching one as needed.
pub struct TokenSource {
    creds: Credentials,
    token_url: String,
    cache: Option<PathBuf>,
    agent: ureq::Agent,
    backoff: Backoff,
    state: Mutex<State>,
}

/// A token and the generation it belongs to (pass it back to [`TokenSource::invalidate`]).
#[derive(Debug, Clone)]
pub struct Token {
    pub value: String,
    pub generation: u64,
}

/// Tokens this close to expiry are replaced before use.
const EXPIRY_MARGIN: u64 = 300;

impl TokenSource {
    pub fn new(
        creds: Credentials,
        token_url: String,
        cache: Option<PathBuf>,
        agent: ureq::Agent,
        backoff: Backoff,
    ) -> Self {
        let cached = cache.as_deref().and_then(read_cache).filter(|t| {
            t.client_id == creds.client_id && t.expires_at > now_secs() + EXPIRY_MARGIN
        });
        TokenSource {
            creds,
            token_url,
            cache,
            agent,
            backoff,
            state: Mutex::new(State {
                token: cached,
                generation: 1,
                refreshes: 0,
            }),
        }
    }

    pub fn client_id(&self) -> &str {
        &self.creds.client_id
    }

    /// How many tokens this source has minted.
    pub fn refreshes(&self) -> u64 {
        self.state.lock().expect("token lock poisoned").refreshes
    }

    /// A valid token, minting one if there is none or it is about to expire.
    pub fn get(&self) -> Result<Token, AuthError> {
        let mut state = self.state.lock().expect("token lock poisoned");
        let fresh = state
            .token
            .as_ref()
            .is_some_and(|t| t.expires_at > now_secs() + EXPIRY_MARGIN);
        if !fresh {
            let token = self.mint()?;
            if let Some(path) = &self.cache {
                if let Err(e) = write_cache(path, &token) {
                    eprintln!(
                        "warning: cannot cache the Twitch token in {}: {e}",
                        path.display()
                    );
                }
            }
            state.token = Some(token);
            state.generation += 1;
            state.refreshes += 1;
        }
        let token = state.token.as_ref().expect("token just set");
        Ok(Token {
            value: token.access_token.clone(),
            generation: state.generation,
        })
    }

    /// Drops `token` after the API rejected it (no-op if it was already replaced).
    pub fn invalidate(&self, token: &Token) {
        let mut state = self.state.lock().expect("token lock poisoned");
        if state.generation == token.generation {
            state.token = None;
        }
    }

    fn mint(&self) -> Result<CachedToken, AuthError> {
        let body = form_body(&[
            ("client_id", &self.creds.client_id),
            ("client_secret", &self.creds.client_secret),
            ("grant_type", "client_credentials"),
        ]);
        let what = format!("POST {}", self.token_url);
        let reply = post_form(&self.agent, &self.backoff, &what, &self.token_url, &body)?;
        let url = self.token_url.clone();
        let parsed = reply.token().map_err(|failure| match failure {
            TokenFailure::Refused { status, body } => AuthError::Refused { url, status, body },
            TokenFailure::BadReply { body } => AuthError::BadReply { url, body },
        })?;
        Ok(CachedToken {
            client_id: self.creds.client_id.clone(),
            access_token: parsed.access_token,
            expires_at: now_secs() + parsed.expires_in.unwrap_or(3600),
        })
    }
}

fn read_cache(path: &Path) -> Option<CachedToken> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

fn write_cache(path: &Path, token: &CachedToken) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&tmp)?;
        file.write_all(&serde_json::to_vec(token).expect("token serializes"))?;
    }
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_files_allow_comments_exports_and_quotes() {
        let parsed = parse_env_file(
            "# creds\nexport TWITCH_CLIENT_ID=\"abc\"\n\nTWITCH_CLIENT_SECRET='s=3'\njunk\n",
        );
        assert_eq!(
            parsed,
            vec![
                ("TWITCH_CLIENT_ID".to_string(), "abc".to_string()),
                ("TWITCH_CLIENT_SECRET".to_string(), "s=3".to_string())
            ]
        );
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let c = Credentials {
            client_id: "id".into(),
            client_secret: "hunter2".into(),
        };
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
