//! Caching of public reads, in one place. An anonymous `GET` (or `HEAD`, made a `GET` by `http::head`) of `/api/v1` is
//! answered from one response cache: the body, its `ETag`, and its gzip and brotli forms,
//! each made once per entry (when a client first asks for it: most searches are asked
//! once, and compressing them for nobody cost a fifth of their CPU), so a hit runs no SQL,
//! no serialization and no compression, and a
//! matching `If-None-Match` is a `304` at once. An entry holds while the public content
//! version it was made at does (`db::version`), and for at most `COUNTERS_MAX_LAG_SECONDS`,
//! the bound on how old the view counts inside it may be (and on how late an article
//! leaves the news sitemap's 48 hours). Any `200` is kept with its `Content-Type`, so the
//! XML of feeds and sitemaps is cached, compressed and revalidated like the JSON. A request with a token never
//! reads or fills the cache, and its answer tells no shared cache to keep it.

use actix_web::body::{BoxBody, MessageBody, to_bytes};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{
    self, AcceptEncoding, Encoding, Header as _, HeaderMap, HeaderName, HeaderValue,
};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{Error, HttpRequest, HttpResponse, web};
use moka::ops::compute::{CompResult, Op};
use std::convert::Infallible;
use std::hash::{DefaultHasher, Hasher};
use std::io::Write;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::db::Db;
use crate::db::version::PublicState;
use crate::error::ApiError;

/// `Cache-Control: max-age` of public responses, in seconds.
#[derive(Debug, Clone, Copy)]
pub struct CacheMaxAge(pub u32);

/// The headers of a response that a cached copy repeats; the rest are made per request.
const KEPT_HEADERS: [HeaderName; 3] = [
    header::CONTENT_TYPE,
    HeaderName::from_static("x-total-count"),
    header::LINK,
];

/// One public response, in every encoding a client may ask for.
struct Entry {
    made_at: PublicState,
    headers: Vec<(HeaderName, HeaderValue)>,
    etag: HeaderValue,
    identity: Bytes,
    gzip: OnceLock<Bytes>,
    brotli: OnceLock<Bytes>,
}

/// The response cache: public responses by path and normalized query.
pub struct ResponseCache {
    entries: Option<moka::future::Cache<String, Arc<Entry>>>,
}

impl ResponseCache {
    /// `capacity_bytes` 0 turns the cache off; `max_lag` bounds an entry's age.
    pub fn new(capacity_bytes: u64, max_lag: Duration) -> Self {
        let entries = (capacity_bytes > 0).then(|| {
            moka::future::Cache::builder()
                .max_capacity(capacity_bytes)
                .weigher(|key: &String, entry: &Arc<Entry>| {
                    // Weighed when inserted, before its encodings exist: a compressed form
                    // is never much larger than the body, so three bodies bound the entry.
                    let bytes = key.len() + 3 * entry.identity.len() + 256;
                    u32::try_from(bytes).unwrap_or(u32::MAX)
                })
                .time_to_live(max_lag)
                .build()
        });
        Self { entries }
    }

    /// The bytes the entries weigh now (after pending evictions have run).
    pub async fn weighted_size(&self) -> u64 {
        match &self.entries {
            None => 0,
            Some(entries) => {
                entries.run_pending_tasks().await;
                entries.weighted_size()
            }
        }
    }
}

/// What the middleware needs of the application.
pub struct CacheContext {
    pub db: Db,
    pub cache: Arc<ResponseCache>,
    pub max_age: CacheMaxAge,
}

pub async fn public_cache(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    // A HEAD arrives here as a GET already (http/head.rs).
    let is_read = req.method() == Method::GET;
    let with_token = req.headers().contains_key(header::AUTHORIZATION);
    let context = req.app_data::<web::Data<CacheContext>>().cloned();
    let (Some(context), true, false) = (context, is_read, with_token) else {
        // Writes and answers made for a token must never be kept by a shared cache.
        let cache_control = if is_read {
            "private, no-store"
        } else {
            "no-store"
        };
        let response = next.call(req).await?.map_into_boxed_body();
        return Ok(with_cache_control(response, cache_control));
    };
    if asks_for_event_stream(&req) {
        // A stream is never kept, and must not wait on other requests for its key.
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let now = chrono::Utc::now().timestamp();
    // Read before the handler runs: a write that lands meanwhile makes the entry stale at
    // once instead of keeping an old answer under the new version.
    let current = context.db.current_public_state(now).await?;
    let origin = {
        let info = req.connection_info();
        format!("{}://{}", info.scheme(), info.host())
    };
    let key = cache_key(&origin, req.path(), req.query_string());
    let cached = match &context.cache.entries {
        Some(entries) => entries.get(&key).await,
        None => None,
    };
    if let Some(entry) = cached.filter(|entry| entry.made_at.still_holds(current, now)) {
        let response = entry.respond(req.request(), context.max_age);
        return Ok(req.into_response(response));
    }
    fill(&context, key, req, next, current, now).await
}

/// Runs the handler for a request that missed, and keeps its answer when it is a `200`.
/// Requests for the same key wait for each other (moka's compute runs one at a time per
/// key), and a waiter finding a fresh entry answers from it: when a write moves the
/// version, one request per key rebuilds the entry instead of every connection at once
/// (which tripled the p99 of the cached list under churn).
async fn fill<B: MessageBody + 'static>(
    context: &CacheContext,
    key: String,
    req: ServiceRequest,
    next: Next<B>,
    current: PublicState,
    now: i64,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(entries) = &context.cache.entries else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    // The request goes to the handler only if nobody made the entry meanwhile; the
    // handler's answer comes back as the request it answered, or as the answer to pass on.
    let mut waiting = Some(req);
    let mut answered = None;
    let (waiting_slot, answered_slot) = (&mut waiting, &mut answered);
    let computed = entries
        .entry(key)
        .and_try_compute_with(move |existing| async move {
            let fresh =
                existing.is_some_and(|entry| entry.value().made_at.still_holds(current, now));
            let Some(req) = waiting_slot.take_if(|_| !fresh) else {
                return Ok::<_, Infallible>(Op::Nop);
            };
            let response = next
                .call(req)
                .await
                .map(ServiceResponse::map_into_boxed_body);
            match entry_of(response, current).await {
                Ok((request, entry)) => {
                    *answered_slot = Some(Ok(request));
                    Ok(Op::Put(entry))
                }
                Err(passed) => {
                    *answered_slot = Some(Err(passed));
                    Ok(Op::Nop)
                }
            }
        })
        .await;
    let entry = match computed {
        Ok(
            CompResult::Inserted(entry)
            | CompResult::ReplacedWith(entry)
            | CompResult::Unchanged(entry),
        ) => Some(entry.into_value()),
        Ok(CompResult::StillNone(_) | CompResult::Removed(_)) => None,
    };
    match (entry, waiting, answered) {
        (_, _, Some(Err(passed))) => passed,
        (Some(entry), Some(req), None) => {
            let response = entry.respond(req.request(), context.max_age);
            Ok(req.into_response(response))
        }
        (Some(entry), None, Some(Ok(request))) => {
            let response = entry.respond(&request, context.max_age);
            Ok(ServiceResponse::new(request, response))
        }
        // A compute that only puts an entry or keeps a fresh one leaves no other outcome.
        _ => Err(ApiError::internal("the response cache neither kept nor passed an answer").into()),
    }
}

/// The handler's answer as an entry made at `made_at` (with the request it answered), or
/// as it came when it is not a `200`.
async fn entry_of(
    response: Result<ServiceResponse<BoxBody>, Error>,
    made_at: PublicState,
) -> Result<(HttpRequest, Arc<Entry>), Result<ServiceResponse<BoxBody>, Error>> {
    let response = response.map_err(Err)?;
    if response.status() != StatusCode::OK || is_event_stream(response.headers()) {
        // An endless body is passed on as it comes, never read whole.
        return Err(Ok(response));
    }
    let (request, response) = response.into_parts();
    let (head, body) = response.into_parts();
    let identity = to_bytes(body)
        .await
        .map_err(|error| Err(Error::from(error)))?;
    let entry = Entry::new(made_at, head.headers(), identity)
        .map_err(|error| Err(ApiError::internal(error).into()))?;
    Ok((request, Arc::new(entry)))
}

const EVENT_STREAM: &str = "text/event-stream";

/// An `EventSource` (and most SSE clients) says what it wants.
fn asks_for_event_stream(req: &ServiceRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains(EVENT_STREAM))
}

fn is_event_stream(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|content_type| content_type.starts_with(EVENT_STREAM))
}

/// The address asked (scheme and host, as actix reads them), the path, and the query with
/// its pairs sorted and the default page left out, so that the same question asked two
/// ways shares one entry. Pairs stay as sent (encoded), so different questions never share
/// one; nor do two names of the server, since feeds and sitemaps link to the name they were
/// asked by.
fn cache_key(origin: &str, path: &str, query: &str) -> String {
    let mut pairs: Vec<&str> = query
        .split('&')
        .filter(|pair| !pair.is_empty() && *pair != "page=1" && *pair != "per_page=20")
        .collect();
    pairs.sort_unstable();
    format!("{origin}{path}?{}", pairs.join("&"))
}

impl Entry {
    fn new(made_at: PublicState, headers: &HeaderMap, identity: Bytes) -> std::io::Result<Self> {
        let etag = HeaderValue::from_str(&etag_of(&identity))
            .map_err(|error| std::io::Error::other(error.to_string()))?;
        Ok(Self {
            made_at,
            headers: KEPT_HEADERS
                .iter()
                .filter_map(|name| Some((name.clone(), headers.get(name)?.clone())))
                .collect(),
            etag,
            identity,
            gzip: OnceLock::new(),
            brotli: OnceLock::new(),
        })
    }

    fn gzip(&self) -> &Bytes {
        self.gzip.get_or_init(|| {
            let mut gzip =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            // Writing to memory cannot fail; an empty result would only cost a larger body.
            let _ = gzip.write_all(&self.identity);
            gzip.finish().unwrap_or_default().into()
        })
    }

    fn brotli(&self) -> &Bytes {
        self.brotli.get_or_init(|| {
            let mut brotli = Vec::new();
            {
                // Quality 6 of 11: nearly the size of the best for JSON, at a tenth of its time.
                let mut writer = brotli::CompressorWriter::new(&mut brotli, 4096, 6, 22);
                let _ = writer.write_all(&self.identity);
            }
            brotli.into()
        })
    }

    /// This entry as an answer to `req`: `304` when its `If-None-Match` matches, else the
    /// body in the best encoding the client accepts.
    fn respond(&self, req: &HttpRequest, max_age: CacheMaxAge) -> HttpResponse {
        let not_modified = req
            .headers()
            .get(header::IF_NONE_MATCH)
            .is_some_and(|value| etag_matches(value, &self.etag));
        let mut response = if not_modified {
            HttpResponse::NotModified()
        } else {
            HttpResponse::Ok()
        };
        response
            .insert_header((header::ETAG, self.etag.clone()))
            .insert_header((
                header::CACHE_CONTROL,
                format!("public, max-age={}", max_age.0),
            ))
            .insert_header((header::VARY, "accept-encoding"));
        if not_modified {
            return response.finish();
        }
        for (name, value) in &self.headers {
            response.insert_header((name.clone(), value.clone()));
        }
        let accepted = AcceptEncoding::parse(req).ok().and_then(|accepted| {
            accepted.negotiate([Encoding::brotli(), Encoding::gzip(), Encoding::identity()].iter())
        });
        let (encoding, body) = match accepted {
            Some(encoding) if encoding == Encoding::brotli() => ("br", self.brotli()),
            Some(encoding) if encoding == Encoding::gzip() => ("gzip", self.gzip()),
            _ => ("identity", &self.identity),
        };
        if encoding != "identity" {
            response.insert_header((header::CONTENT_ENCODING, encoding));
        }
        response.body(body.clone())
    }
}

fn with_cache_control(
    mut response: ServiceResponse<BoxBody>,
    value: &'static str,
) -> ServiceResponse<BoxBody> {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

/// Weak, because the same representation travels identity, gzip- or brotli-encoded.
fn etag_of(bytes: &[u8]) -> String {
    let mut hasher = DefaultHasher::new();
    hasher.write(bytes);
    format!("W/\"{:016x}\"", hasher.finish())
}

/// `If-None-Match` uses weak comparison: `W/` prefixes are ignored, `*` matches anything.
fn etag_matches(if_none_match: &HeaderValue, etag: &HeaderValue) -> bool {
    let (Ok(value), Ok(etag)) = (if_none_match.to_str(), etag.to_str()) else {
        return false;
    };
    let ours = etag.trim_start_matches("W/");
    value
        .split(',')
        .map(str::trim)
        .any(|candidate| candidate == "*" || candidate.trim_start_matches("W/") == ours)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_and_strong_forms_of_the_same_tag_match() -> Result<(), header::InvalidHeaderValue> {
        let tag = HeaderValue::from_str(&etag_of(b"{}"))?;
        let strong = HeaderValue::from_str(etag_of(b"{}").trim_start_matches("W/"))?;
        assert!(etag_matches(&strong, &tag));
        assert!(!etag_matches(&HeaderValue::from_static("\"other\""), &tag));
        Ok(())
    }

    #[test]
    fn equivalent_queries_share_a_key_and_different_ones_do_not() {
        let key = |query| cache_key("http://a", "/api/v1/articles", query);
        assert_eq!(key("sort=title&per_page=5"), key("per_page=5&sort=title"));
        assert_eq!(key(""), key("page=1&per_page=20"));
        assert_ne!(key("page=2"), key(""));
        assert_ne!(key("category=a&page=2"), key("category=a%26page%3D2"));
        assert_ne!(
            cache_key("http://a", "/api/v1/articles", "q=a"),
            cache_key("http://a", "/api/v1/search", "q=a")
        );
        assert_ne!(
            cache_key("http://a", "/api/v1/feeds/rss", ""),
            cache_key("http://b", "/api/v1/feeds/rss", "")
        );
    }

    #[actix_web::test]
    async fn the_byte_capacity_holds() -> std::io::Result<()> {
        let capacity = 64 * 1024;
        let cache = ResponseCache::new(capacity, Duration::from_secs(60));
        let made_at = PublicState {
            version: 1,
            valid_until: i64::MAX,
        };
        let body: Vec<u8> = (0..8192_u32).map(|n| (n * 7919 % 251) as u8).collect();
        let entries = cache
            .entries
            .as_ref()
            .ok_or(std::io::ErrorKind::Unsupported)?;
        for n in 0..200 {
            let entry = Entry::new(made_at, &HeaderMap::new(), Bytes::from(body.clone()))?;
            let key = format!("/api/v1/articles?page={n}");
            entries.insert(key, Arc::new(entry)).await;
        }
        let size = cache.weighted_size().await;
        assert!(
            size <= capacity,
            "{size} bytes held in a cache of {capacity}"
        );
        assert!(size > 0, "the cache holds nothing");
        Ok(())
    }
}
