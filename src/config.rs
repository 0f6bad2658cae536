//! Every setting, read from the environment (and an optional `.env`) and checked once at start.

use std::env;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

use crate::http::client_ip::TrustedProxies;
use crate::site::SiteSettings;

/// The settings of one running server. Names match `.env.example`.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub bind_address: SocketAddr,
    /// `None` only until `serve --demo` fills in a random secret; `serve` refuses to start without.
    pub jwt_secret: Option<String>,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub access_token_ttl_seconds: i64,
    pub refresh_token_ttl_days: i64,
    pub admin_email: Option<String>,
    pub admin_password: Option<String>,
    pub cors_allowed_origins: Vec<String>,
    pub rate_limit_logins_per_minute: u32,
    /// Login attempts per client address, whatever the email: spraying emails is limited too.
    pub rate_limit_logins_per_address_per_minute: u32,
    /// How many passwords are hashed or verified at once (Argon2id takes 19 MiB each).
    pub password_hashing_concurrency: usize,
    /// How long a request waits for a hashing slot before it gets `503`.
    pub password_hashing_wait_ms: u64,
    pub max_body_bytes: usize,
    /// How long a request body may take to arrive, whole, in seconds.
    pub request_body_timeout_seconds: u64,
    pub cache_max_age_seconds: u32,
    pub db_pool_size: u32,
    pub comment_max_depth: u32,
    pub comments_auto_approve: bool,
    /// A form sent sooner than this many seconds after it was shown is refused; 0: no check.
    pub comment_min_seconds: u64,
    pub rate_limit_comments_per_minute: u32,
    /// Which hops in front of the server may say who the client is (`X-Forwarded-For`).
    pub trusted_proxies: TrustedProxies,
    pub view_flush_interval_ms: u64,
    /// A client address counts one view per article within this many seconds; 0: every view.
    pub view_dedup_seconds: u64,
    /// How many of a search's newest matches are ranked by relevance.
    pub search_ranked_matches: i64,
    /// The response cache's size in MiB; 0 turns it off.
    pub response_cache_mb: u64,
    /// How old the view counts inside a cached public response may be.
    pub counters_max_lag_seconds: u64,
    /// Uploads: limits, where the files go, how they are served.
    pub media: MediaSettings,
    /// The public web site: its address and where article pages are (`site.rs`).
    pub site: SiteSettings,
    /// A built front end to serve at `/` (`SERVE_SITE_DIR`); `serve --demo` uses the
    /// repository's reference site when it is unset.
    pub site_dir: Option<PathBuf>,
    /// Deliveries to webhook endpoints (`WEBHOOKS_*`).
    pub webhooks: WebhookSettings,
    /// Events and finished webhook deliveries older than this many days are removed
    /// (`EVENTS_RETENTION_DAYS`); a pending delivery is kept whatever its age.
    pub events_retention_days: u32,
    /// The live stream (`GET /api/v1/stream`): its cap, replay window and heartbeat.
    pub stream: StreamSettings,
}

/// How webhooks are delivered (`WEBHOOKS_*`).
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// How long one send may take, connecting included (`WEBHOOKS_TIMEOUT_SECONDS`).
    pub timeout_seconds: u64,
    /// Attempts before a delivery is given up (`WEBHOOKS_MAX_ATTEMPTS`).
    pub max_attempts: u32,
    /// The first retry's delay; later ones are multiples of it (`WEBHOOKS_RETRY_BASE_MS`,
    /// `webhooks::retry`).
    pub retry_base_ms: u64,
    /// How many sends each instance has under way at once (`WEBHOOKS_CONCURRENCY`).
    pub concurrency: usize,
    /// Endpoints on loopback, private and other non-public addresses are allowed
    /// (`WEBHOOKS_ALLOW_PRIVATE`): for tests and closed networks only.
    pub allow_private: bool,
}

/// The live stream's settings (`STREAM_*`).
#[derive(Debug, Clone)]
pub struct StreamSettings {
    /// Streams open at once on this instance (`STREAM_MAX_CONNECTIONS`); one more is a `503`.
    pub max_connections: usize,
    /// How many recent public events a reconnecting client can resume from
    /// (`STREAM_REPLAY_EVENTS`); an older `Last-Event-ID` gets a `reset` event.
    pub replay_events: usize,
    /// Seconds between the comment lines that keep an idle stream open through proxies
    /// (`STREAM_HEARTBEAT_SECONDS`).
    pub heartbeat_seconds: u64,
}

/// The media library's settings (`MEDIA_*`).
#[derive(Debug, Clone)]
pub struct MediaSettings {
    /// The largest upload accepted, in bytes (`MEDIA_MAX_BYTES`); more is a `413`.
    pub max_bytes: usize,
    /// The most pixels (width × height) an upload may declare (`MEDIA_MAX_PIXELS`); more is
    /// a `413` before anything is decoded, so a decompression bomb never allocates.
    pub max_pixels: u64,
    /// The local folder of the files (`MEDIA_DIR`), used when no S3 bucket is set.
    pub dir: std::path::PathBuf,
    /// An S3-compatible bucket instead of the folder (`MEDIA_S3_*`).
    pub s3: Option<S3Settings>,
    /// How many uploads are decoded and resized at once (`MEDIA_JOBS`): image work is pure
    /// CPU, and the API must keep cores for everything else.
    pub jobs: usize,
    /// Memory for served files, in MiB (`MEDIA_CACHE_MB`): the files never change, so a
    /// copy in memory is never stale. 0 turns it off.
    pub cache_mb: u64,
}

/// An S3-compatible bucket (`MEDIA_S3_BUCKET` and the rest).
#[derive(Debug, Clone)]
pub struct S3Settings {
    pub bucket: String,
    /// For S3-compatible servers (MinIO, Ceph, moto); AWS itself when unset.
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
}

pub const MIN_JWT_SECRET_BYTES: usize = 32;

/// A setting that is present but unusable; the message names it.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl From<crate::site::SettingError> for ConfigError {
    fn from(error: crate::site::SettingError) -> Self {
        Self(error.0)
    }
}

impl Config {
    /// Reads the process environment, after loading `.env` when there is one.
    pub fn from_env() -> Result<Self, ConfigError> {
        load_dotenv()?;
        Self::from_lookup(|name| env::var(name).ok().filter(|value| !value.is_empty()))
    }

    /// Builds the configuration from any source of variables; tests pass a map.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let jwt_secret = lookup("JWT_SECRET");
        if let Some(secret) = &jwt_secret {
            check_secret(secret)?;
        }
        let max_body_bytes = parse(&lookup, "MAX_BODY_BYTES", 1024 * 1024)?;
        if max_body_bytes == 0 {
            return Err(ConfigError("MAX_BODY_BYTES must be at least 1".to_owned()));
        }
        Ok(Self {
            database_url: lookup("DATABASE_URL").unwrap_or_else(|| "data/content.db".to_owned()),
            bind_address: bind_address(&lookup)?,
            jwt_secret,
            jwt_issuer: lookup("JWT_ISSUER").unwrap_or_else(|| "newsroom".to_owned()),
            jwt_audience: lookup("JWT_AUDIENCE").unwrap_or_else(|| "newsroom-api".to_owned()),
            access_token_ttl_seconds: positive(&lookup, "ACCESS_TOKEN_TTL_SECONDS", 900)?,
            refresh_token_ttl_days: positive(&lookup, "REFRESH_TOKEN_TTL_DAYS", 30)?,
            admin_email: lookup("ADMIN_EMAIL"),
            admin_password: lookup("ADMIN_PASSWORD"),
            cors_allowed_origins: cors_allowed_origins(&lookup)?,
            rate_limit_logins_per_minute: positive(&lookup, "RATE_LIMIT_LOGINS_PER_MINUTE", 5)?,
            rate_limit_logins_per_address_per_minute: positive(
                &lookup,
                "RATE_LIMIT_LOGINS_PER_ADDRESS_PER_MINUTE",
                30,
            )?,
            password_hashing_concurrency: positive(
                &lookup,
                "PASSWORD_HASHING_CONCURRENCY",
                cores(),
            )?,
            password_hashing_wait_ms: parse(&lookup, "PASSWORD_HASHING_WAIT_MS", 2000)?,
            max_body_bytes,
            request_body_timeout_seconds: positive(&lookup, "REQUEST_BODY_TIMEOUT", 10)?,
            cache_max_age_seconds: parse(&lookup, "CACHE_MAX_AGE_SECONDS", 60)?,
            db_pool_size: positive(&lookup, "DB_POOL_SIZE", 8)?,
            comment_max_depth: positive(&lookup, "COMMENT_MAX_DEPTH", 5)?,
            comments_auto_approve: flag(&lookup, "COMMENTS_AUTO_APPROVE")?,
            comment_min_seconds: parse(&lookup, "COMMENT_MIN_SECONDS", 3)?,
            rate_limit_comments_per_minute: positive(&lookup, "RATE_LIMIT_COMMENTS_PER_MINUTE", 5)?,
            trusted_proxies: trusted_proxies(&lookup)?,
            view_flush_interval_ms: positive(&lookup, "VIEW_FLUSH_INTERVAL_MS", 1000)?,
            view_dedup_seconds: parse(&lookup, "VIEW_DEDUP_SECONDS", 60)?,
            search_ranked_matches: positive(&lookup, "SEARCH_RANKED_MATCHES", 200)?,
            response_cache_mb: parse(&lookup, "RESPONSE_CACHE_MB", 64)?,
            counters_max_lag_seconds: positive(&lookup, "COUNTERS_MAX_LAG_SECONDS", 10)?,
            media: media(&lookup)?,
            site: SiteSettings::from_lookup(&lookup)?,
            site_dir: lookup("SERVE_SITE_DIR")
                .filter(|dir| !dir.is_empty())
                .map(PathBuf::from),
            webhooks: WebhookSettings {
                timeout_seconds: positive(&lookup, "WEBHOOKS_TIMEOUT_SECONDS", 10)?,
                max_attempts: positive(&lookup, "WEBHOOKS_MAX_ATTEMPTS", 8)?,
                retry_base_ms: positive(&lookup, "WEBHOOKS_RETRY_BASE_MS", 5000)?,
                concurrency: positive(&lookup, "WEBHOOKS_CONCURRENCY", 16)?,
                allow_private: flag(&lookup, "WEBHOOKS_ALLOW_PRIVATE")?,
            },
            events_retention_days: positive(&lookup, "EVENTS_RETENTION_DAYS", 30)?,
            stream: StreamSettings {
                max_connections: positive(&lookup, "STREAM_MAX_CONNECTIONS", 5000)?,
                replay_events: positive(&lookup, "STREAM_REPLAY_EVENTS", 1000)?,
                heartbeat_seconds: positive(&lookup, "STREAM_HEARTBEAT_SECONDS", 15)?,
            },
        })
    }

    /// The JWT secret, which `serve` cannot do without.
    pub fn require_jwt_secret(&self) -> Result<&str, ConfigError> {
        self.jwt_secret.as_deref().ok_or_else(|| {
            ConfigError(format!(
                "JWT_SECRET is not set: set it to a random string of at least \
                 {MIN_JWT_SECRET_BYTES} bytes (for example `openssl rand -hex 32`), \
                 or run `serve --demo` to try the API with a throwaway secret"
            ))
        })
    }
}

/// Adds the variables of `.env` in the working folder to the environment, where they are not
/// set already. A missing `.env` is normal; a broken one is not silently ignored. Runs
/// before logging starts, so that `.env` can set `RUST_LOG` and `LOG_FORMAT` too.
pub fn load_dotenv() -> Result<(), ConfigError> {
    match dotenvy::dotenv() {
        Ok(_) => Ok(()),
        Err(error) if error.not_found() => Ok(()),
        Err(error) => Err(ConfigError(format!("could not read .env: {error}"))),
    }
}

/// The `MEDIA_*` settings. Access keys come in pairs; without them the S3 client falls back
/// to nothing (an anonymous bucket), which is rarely meant, so one without the other is
/// refused.
fn media(lookup: &impl Fn(&str) -> Option<String>) -> Result<MediaSettings, ConfigError> {
    let s3 = match lookup("MEDIA_S3_BUCKET") {
        None => None,
        Some(bucket) => {
            let access_key_id = lookup("MEDIA_S3_ACCESS_KEY_ID");
            let secret_access_key = lookup("MEDIA_S3_SECRET_ACCESS_KEY");
            if access_key_id.is_some() != secret_access_key.is_some() {
                return Err(ConfigError(
                    "MEDIA_S3_ACCESS_KEY_ID and MEDIA_S3_SECRET_ACCESS_KEY go together: set \
                     both or neither"
                        .to_owned(),
                ));
            }
            Some(S3Settings {
                bucket,
                endpoint: lookup("MEDIA_S3_ENDPOINT"),
                region: lookup("MEDIA_S3_REGION").unwrap_or_else(|| "us-east-1".to_owned()),
                access_key_id,
                secret_access_key,
            })
        }
    };
    Ok(MediaSettings {
        max_bytes: positive(lookup, "MEDIA_MAX_BYTES", 20 * 1024 * 1024)?,
        max_pixels: positive(lookup, "MEDIA_MAX_PIXELS", 50_000_000)?,
        dir: lookup("MEDIA_DIR")
            .unwrap_or_else(|| "data/media".to_owned())
            .into(),
        s3,
        jobs: positive(lookup, "MEDIA_JOBS", cores().div_ceil(2))?,
        cache_mb: parse(lookup, "MEDIA_CACHE_MB", 64)?,
    })
}

/// `BIND_ADDRESS`: an IP address and a port. Host names are refused rather than resolved:
/// `localhost` may resolve to `::1`, `127.0.0.1` or both, and which one the server then
/// listens on would be a surprise.
fn bind_address(lookup: &impl Fn(&str) -> Option<String>) -> Result<SocketAddr, ConfigError> {
    let Some(value) = lookup("BIND_ADDRESS") else {
        return Ok(SocketAddr::from(([127, 0, 0, 1], 8080)));
    };
    value.trim().parse().map_err(|_| {
        ConfigError(format!(
            "BIND_ADDRESS must be an IP address and a port, such as 127.0.0.1:8080, \
             [::1]:8080 or 0.0.0.0:8080 (every interface), not `{value}`; \
             host names such as localhost are not accepted"
        ))
    })
}

/// `CORS_ALLOWED_ORIGINS`: `*`, or origins as browsers send them in `Origin`
/// (`scheme://host[:port]`, no path); anything else would never match a request.
fn cors_allowed_origins(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<Vec<String>, ConfigError> {
    let origins: Vec<String> = lookup("CORS_ALLOWED_ORIGINS")
        .unwrap_or_else(|| "*".to_owned())
        .split(',')
        .map(|origin| origin.trim().to_owned())
        .filter(|origin| !origin.is_empty())
        .collect();
    if let Some(bad) = origins
        .iter()
        .find(|origin| *origin != "*" && !is_origin(origin))
    {
        return Err(ConfigError(format!(
            "CORS_ALLOWED_ORIGINS must be * or a comma-separated list of origins such as \
             https://www.example.com,http://localhost:3000 (scheme and host, no path), \
             not `{bad}`"
        )));
    }
    Ok(origins)
}

/// `scheme://host[:port]` with nothing after it.
fn is_origin(origin: &str) -> bool {
    let Some((scheme, authority)) = origin.split_once("://") else {
        return false;
    };
    let scheme_ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    scheme_ok
        && !authority.is_empty()
        && !authority.contains(['/', '?', '#', '@'])
        && authority.parse::<actix_web::http::uri::Authority>().is_ok()
}

/// `TRUSTED_PROXIES`, or the deprecated `TRUST_FORWARDED_FOR=true`, which trusted the
/// leftmost `X-Forwarded-For` entry (the one a client can write) and now means one proxy.
fn trusted_proxies(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<TrustedProxies, ConfigError> {
    let legacy = flag(lookup, "TRUST_FORWARDED_FOR")?;
    let Some(value) = lookup("TRUSTED_PROXIES") else {
        if legacy {
            tracing::warn!(
                "TRUST_FORWARDED_FOR is deprecated: it now means TRUSTED_PROXIES=1 (the \
                 rightmost X-Forwarded-For entry is the client); set TRUSTED_PROXIES instead"
            );
            return Ok(TrustedProxies::Count(1));
        }
        return Ok(TrustedProxies::None);
    };
    if legacy {
        return Err(ConfigError(
            "TRUST_FORWARDED_FOR is deprecated and TRUSTED_PROXIES is set: remove \
             TRUST_FORWARDED_FOR"
                .to_owned(),
        ));
    }
    TrustedProxies::parse(&value).ok_or_else(|| {
        ConfigError(format!(
            "TRUSTED_PROXIES must be the number of proxies in front of the server (such as \
             1) or a comma-separated list of their addresses and networks (such as \
             10.0.0.0/8,192.0.2.7), not `{value}`"
        ))
    })
}

fn check_secret(secret: &str) -> Result<(), ConfigError> {
    if secret.len() < MIN_JWT_SECRET_BYTES {
        return Err(ConfigError(format!(
            "JWT_SECRET is {} bytes long; it must be at least {MIN_JWT_SECRET_BYTES}",
            secret.len()
        )));
    }
    Ok(())
}

/// The default of `PASSWORD_HASHING_CONCURRENCY`: hashing is pure CPU, so more at once
/// than there are cores only adds memory and latency.
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

fn parse<T: FromStr>(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: T,
) -> Result<T, ConfigError> {
    match lookup(name) {
        None => Ok(default),
        Some(value) => value
            .trim()
            .parse()
            .map_err(|_| ConfigError(format!("{name} must be a whole number, not `{value}`"))),
    }
}

/// `true`/`false` (also `1`/`0`, `yes`/`no`); absent is false.
fn flag(lookup: &impl Fn(&str) -> Option<String>, name: &str) -> Result<bool, ConfigError> {
    match lookup(name)
        .map(|value| value.trim().to_lowercase())
        .as_deref()
    {
        None | Some("false" | "0" | "no") => Ok(false),
        Some("true" | "1" | "yes") => Ok(true),
        Some(other) => Err(ConfigError(format!(
            "{name} must be true or false, not `{other}`"
        ))),
    }
}

fn positive<T: FromStr + PartialOrd + Default + Copy>(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: T,
) -> Result<T, ConfigError> {
    let value = parse(lookup, name, default)?;
    if value <= T::default() {
        return Err(ConfigError(format!("{name} must be greater than zero")));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_match_the_documentation() -> Result<(), ConfigError> {
        let config = config(&[])?;
        assert_eq!(config.database_url, "data/content.db");
        assert_eq!(config.bind_address.to_string(), "127.0.0.1:8080");
        assert_eq!(config.access_token_ttl_seconds, 900);
        assert_eq!(config.max_body_bytes, 1024 * 1024);
        assert_eq!(config.request_body_timeout_seconds, 10);
        assert_eq!(config.cors_allowed_origins, vec!["*"]);
        assert_eq!(config.comment_min_seconds, 3);
        assert_eq!(config.rate_limit_logins_per_minute, 5);
        assert_eq!(config.rate_limit_logins_per_address_per_minute, 30);
        assert_eq!(config.password_hashing_concurrency, cores());
        assert_eq!(config.password_hashing_wait_ms, 2000);
        assert_eq!(config.webhooks.timeout_seconds, 10);
        assert_eq!(config.webhooks.max_attempts, 8);
        assert_eq!(config.webhooks.retry_base_ms, 5000);
        assert_eq!(config.webhooks.concurrency, 16);
        assert!(!config.webhooks.allow_private);
        assert_eq!(config.events_retention_days, 30);
        assert_eq!(config.stream.max_connections, 5000);
        assert_eq!(config.stream.replay_events, 1000);
        assert_eq!(config.stream.heartbeat_seconds, 15);
        assert!(config.require_jwt_secret().is_err());
        Ok(())
    }

    #[test]
    fn short_secrets_and_bad_numbers_are_refused() {
        assert!(config(&[("JWT_SECRET", "short")]).is_err());
        assert!(config(&[("ACCESS_TOKEN_TTL_SECONDS", "soon")]).is_err());
        assert!(config(&[("RATE_LIMIT_LOGINS_PER_MINUTE", "0")]).is_err());
        assert!(config(&[("COMMENTS_AUTO_APPROVE", "maybe")]).is_err());
        assert!(config(&[("COMMENT_MIN_SECONDS", "-1")]).is_err());
    }

    #[test]
    fn media_defaults_to_a_local_folder_with_limits() -> Result<(), ConfigError> {
        let media = config(&[])?.media;
        assert_eq!(media.max_bytes, 20 * 1024 * 1024);
        assert_eq!(media.max_pixels, 50_000_000);
        assert_eq!(media.dir, std::path::PathBuf::from("data/media"));
        assert!(media.s3.is_none());
        assert!(media.jobs >= 1);
        Ok(())
    }

    #[test]
    fn media_s3_settings_are_read_and_checked() -> Result<(), ConfigError> {
        let media = config(&[
            ("MEDIA_S3_BUCKET", "photos"),
            ("MEDIA_S3_ENDPOINT", "http://127.0.0.1:9000"),
            ("MEDIA_S3_ACCESS_KEY_ID", "key"),
            ("MEDIA_S3_SECRET_ACCESS_KEY", "secret"),
        ])?
        .media;
        let s3 = media
            .s3
            .ok_or_else(|| ConfigError("no S3 settings".to_owned()))?;
        assert_eq!(s3.bucket, "photos");
        assert_eq!(s3.region, "us-east-1");
        assert_eq!(s3.endpoint.as_deref(), Some("http://127.0.0.1:9000"));
        assert!(
            refusal(&[("MEDIA_S3_BUCKET", "b"), ("MEDIA_S3_ACCESS_KEY_ID", "k")])
                .contains("go together")
        );
        assert!(config(&[("MEDIA_MAX_BYTES", "0")]).is_err());
        assert!(config(&[("MEDIA_MAX_PIXELS", "lots")]).is_err());
        Ok(())
    }

    /// The message of the error that `pairs` cause.
    fn refusal(pairs: &[(&str, &str)]) -> String {
        config(pairs).err().map(|error| error.0).unwrap_or_default()
    }

    #[test]
    fn bind_address_must_be_an_ip_address_and_a_port() -> Result<(), ConfigError> {
        for good in [
            "127.0.0.1:8080",
            "[::1]:8080",
            "0.0.0.0:80",
            " 10.0.0.2:9000 ",
        ] {
            let config = config(&[("BIND_ADDRESS", good)])?;
            assert_eq!(config.bind_address.to_string(), good.trim());
        }
        for bad in [
            "localhost",
            "localhost:8080",
            "127.0.0.1",
            "::1:8080",
            ":8080",
            "1.2.3.4:99999",
        ] {
            let message = refusal(&[("BIND_ADDRESS", bad)]);
            assert!(message.contains("BIND_ADDRESS"), "{bad}: {message}");
            assert!(message.contains("127.0.0.1:8080"), "{bad}: {message}");
            assert!(message.contains(bad), "{bad}: {message}");
        }
        Ok(())
    }

    #[test]
    fn cors_origins_must_be_origins() -> Result<(), ConfigError> {
        let config = config(&[(
            "CORS_ALLOWED_ORIGINS",
            "https://www.example.com, http://localhost:3000,capacitor://localhost",
        )])?;
        assert_eq!(
            config.cors_allowed_origins,
            [
                "https://www.example.com",
                "http://localhost:3000",
                "capacitor://localhost"
            ]
        );
        for bad in [
            "example.com",
            "https://example.com/",
            "https://",
            "https://a b",
        ] {
            let message = refusal(&[("CORS_ALLOWED_ORIGINS", bad)]);
            assert!(message.contains("CORS_ALLOWED_ORIGINS"), "{bad}: {message}");
        }
        Ok(())
    }

    #[test]
    fn trusted_proxies_replace_trust_forwarded_for() -> Result<(), ConfigError> {
        use crate::http::client_ip::{Network, TrustedProxies};
        assert_eq!(config(&[])?.trusted_proxies, TrustedProxies::None);
        assert_eq!(
            config(&[("TRUSTED_PROXIES", "2")])?.trusted_proxies,
            TrustedProxies::Count(2)
        );
        let networks = ["10.0.0.0/8", "192.0.2.7"].map(Network::parse);
        assert_eq!(
            config(&[("TRUSTED_PROXIES", " 10.0.0.0/8 , 192.0.2.7 ")])?.trusted_proxies,
            TrustedProxies::Networks(networks.into_iter().flatten().collect())
        );
        // The deprecated flag: one proxy, not the leftmost entry.
        assert_eq!(
            config(&[("TRUST_FORWARDED_FOR", "true")])?.trusted_proxies,
            TrustedProxies::Count(1)
        );
        assert_eq!(
            config(&[("TRUST_FORWARDED_FOR", "false")])?.trusted_proxies,
            TrustedProxies::None
        );
        let both = refusal(&[("TRUST_FORWARDED_FOR", "true"), ("TRUSTED_PROXIES", "1")]);
        assert!(both.contains("TRUST_FORWARDED_FOR"), "{both}");
        Ok(())
    }

    #[test]
    fn every_refusal_names_its_variable() {
        for (name, value) in [
            ("JWT_SECRET", "short"),
            ("ACCESS_TOKEN_TTL_SECONDS", "soon"),
            ("REFRESH_TOKEN_TTL_DAYS", "-1"),
            ("RATE_LIMIT_LOGINS_PER_MINUTE", "0"),
            ("RATE_LIMIT_LOGINS_PER_ADDRESS_PER_MINUTE", "0"),
            ("PASSWORD_HASHING_CONCURRENCY", "0"),
            ("PASSWORD_HASHING_WAIT_MS", "2s"),
            ("RATE_LIMIT_COMMENTS_PER_MINUTE", "many"),
            ("MAX_BODY_BYTES", "0"),
            ("REQUEST_BODY_TIMEOUT", "0"),
            ("CACHE_MAX_AGE_SECONDS", "-5"),
            ("DB_POOL_SIZE", "0"),
            ("COMMENT_MAX_DEPTH", "deep"),
            ("COMMENTS_AUTO_APPROVE", "maybe"),
            ("TRUST_FORWARDED_FOR", "sometimes"),
            ("TRUSTED_PROXIES", "proxy.example.com"),
            ("TRUSTED_PROXIES", "10.0.0.0/33"),
            ("VIEW_FLUSH_INTERVAL_MS", "1s"),
            ("SEARCH_RANKED_MATCHES", "0"),
            ("BIND_ADDRESS", "localhost:8080"),
            ("CORS_ALLOWED_ORIGINS", "example.com"),
            ("WEBHOOKS_TIMEOUT_SECONDS", "0"),
            ("WEBHOOKS_MAX_ATTEMPTS", "many"),
            ("WEBHOOKS_ALLOW_PRIVATE", "sometimes"),
            ("EVENTS_RETENTION_DAYS", "0"),
            ("STREAM_MAX_CONNECTIONS", "0"),
            ("STREAM_REPLAY_EVENTS", "many"),
            ("STREAM_HEARTBEAT_SECONDS", "0"),
        ] {
            let message = refusal(&[(name, value)]);
            assert!(message.contains(name), "{name}={value}: `{message}`");
        }
    }
}
