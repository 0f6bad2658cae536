//! `GET /media/{folder}/{file}`: the files themselves, from whichever store, as a static file
//! server would send them: immutable caching, an `ETag` (and `304`), byte ranges (`206`,
//! `416`), the type the file really is, and `nosniff`.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};

use super::renditions::Kind;
use super::state::MediaState;
use crate::error::ApiError;

/// Every file name is made once for its content (the folder is random, the name carries a
/// hash of the bytes), so a client may keep it for ever.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The file at `/media/{folder}/{file}`.
pub async fn serve_file(
    req: HttpRequest,
    media: web::Data<MediaState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (folder, file) = path.into_inner();
    let not_found = || ApiError::not_found("media file");
    let (kind, etag) = parse_name(&folder, &file).ok_or_else(not_found)?;
    let etag = format!("\"{etag}\"");
    if matches_etag(&req, &etag) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, IMMUTABLE))
            .finish());
    }
    let bytes = media
        .storage
        .read(&format!("{folder}/{file}"))
        .await?
        .ok_or_else(not_found)?;
    let length = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    let mut response = match requested_range(&req, &etag, length) {
        Requested::Whole => HttpResponse::Ok(),
        Requested::Unsatisfiable => return Err(ApiError::RangeNotSatisfiable(length)),
        Requested::Part { start, end } => {
            let mut partial = HttpResponse::PartialContent();
            partial.insert_header((
                header::CONTENT_RANGE,
                format!("bytes {start}-{end}/{length}"),
            ));
            let body = usize::try_from(start)
                .ok()
                .zip(usize::try_from(end).ok())
                .map(|(start, end)| bytes.slice(start..=end))
                .unwrap_or_default();
            return Ok(with_file_headers(&mut partial, kind, &etag).body(body));
        }
    };
    Ok(with_file_headers(&mut response, kind, &etag).body(bytes))
}

fn with_file_headers<'a>(
    response: &'a mut actix_web::HttpResponseBuilder,
    kind: Kind,
    etag: &str,
) -> &'a mut actix_web::HttpResponseBuilder {
    response
        .insert_header((header::CONTENT_TYPE, kind.mime_type()))
        .insert_header((header::CACHE_CONTROL, IMMUTABLE))
        .insert_header((header::ETAG, etag.to_owned()))
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
}

/// The type and the content hash of a file name this module's uploads make:
/// `{32 hex}/{name}-{w}x{h}-{12 hex}.{jpg|png|gif|webp}`. Anything else is no file of ours
/// (and never reaches the store, whatever dots and slashes it holds).
fn parse_name(folder: &str, file: &str) -> Option<(Kind, String)> {
    let hex = |text: &str| {
        text.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    if folder.len() != 32 || !hex(folder) {
        return None;
    }
    let (stem, extension) = file.rsplit_once('.')?;
    let kind = Kind::from_extension(extension)?;
    let (rest, hash) = stem.rsplit_once('-')?;
    let name_ok = rest
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-'));
    (hash.len() == 12 && hex(hash) && name_ok && !rest.is_empty()).then(|| (kind, hash.to_owned()))
}

fn matches_etag(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == etag || tag == "*")
}

#[derive(Debug, PartialEq, Eq)]
enum Requested {
    Whole,
    Part { start: u64, end: u64 },
    Unsatisfiable,
}

/// One byte range (`bytes=a-b`, `bytes=a-`, `bytes=-n`). Several ranges, a malformed header
/// or an `If-Range` for other content get the whole file, as RFC 9110 allows.
fn requested_range(req: &HttpRequest, etag: &str, length: u64) -> Requested {
    let Some(range) = req
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
    else {
        return Requested::Whole;
    };
    if let Some(if_range) = req.headers().get(header::IF_RANGE)
        && if_range != HeaderValue::from_str(etag).unwrap_or(HeaderValue::from_static(""))
    {
        return Requested::Whole;
    }
    parse_range(range, length)
}

fn parse_range(range: &str, length: u64) -> Requested {
    let Some(spec) = range.trim().strip_prefix("bytes=") else {
        return Requested::Whole;
    };
    if spec.contains(',') {
        return Requested::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Requested::Whole;
    };
    let (first, last) = (first.trim(), last.trim());
    let (start, end) = match (first.parse::<u64>(), last.parse::<u64>()) {
        (Ok(start), Ok(end)) if start <= end => (start, end.min(length.saturating_sub(1))),
        (Ok(start), Err(_)) if last.is_empty() => (start, length.saturating_sub(1)),
        (Err(_), Ok(suffix)) if first.is_empty() => {
            if suffix == 0 {
                return Requested::Unsatisfiable;
            }
            (length.saturating_sub(suffix), length.saturating_sub(1))
        }
        _ => return Requested::Whole,
    };
    if start >= length {
        return Requested::Unsatisfiable;
    }
    Requested::Part { start, end }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_read_as_rfc_9110_says() {
        assert_eq!(
            parse_range("bytes=0-9", 100),
            Requested::Part { start: 0, end: 9 }
        );
        assert_eq!(
            parse_range("bytes=90-", 100),
            Requested::Part { start: 90, end: 99 }
        );
        assert_eq!(
            parse_range("bytes=-10", 100),
            Requested::Part { start: 90, end: 99 }
        );
        assert_eq!(
            parse_range("bytes=50-500", 100),
            Requested::Part { start: 50, end: 99 }
        );
        assert_eq!(parse_range("bytes=100-", 100), Requested::Unsatisfiable);
        assert_eq!(parse_range("bytes=0-1,5-6", 100), Requested::Whole);
        assert_eq!(parse_range("lines=1-2", 100), Requested::Whole);
    }

    #[test]
    fn only_names_of_our_making_reach_the_store() {
        let folder = "0123456789abcdef0123456789abcdef";
        assert!(parse_name(folder, "medium-300x200-0123456789ab.jpg").is_some());
        assert!(parse_name(folder, "../etc-0123456789ab.jpg").is_none());
        assert!(parse_name(folder, "medium-300x200-0123456789ab.svg").is_none());
        assert!(parse_name("..", "medium-300x200-0123456789ab.jpg").is_none());
    }
}
