//! The media library: uploads proved to be images within the limits, re-encoded without
//! metadata or foreign bytes, renditions of the right sizes, files served as immutable with
//! ETags and ranges, and articles featuring media items.

use actix_web::http::Method;
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use serde_json::{Value, json};
use std::io::Cursor;

use crate::common::TestApp;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// A picture with some detail (a flat one would compress to nothing).
pub fn picture(width: u32, height: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 239) as u8])
    }))
}

pub fn encoded(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut bytes = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut bytes), format)
        .expect("an encoded test image");
    bytes
}

pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    encoded(&picture(width, height), ImageFormat::Jpeg)
}

/// The JPEG with an EXIF block (a GPS position and a description) right after its start
/// marker, as a phone writes one.
fn jpeg_with_gps(width: u32, height: u32, secret: &str) -> Vec<u8> {
    let mut tiff: Vec<u8> = b"II*\0".to_vec();
    tiff.extend_from_slice(&8u32.to_le_bytes());
    let text_at = 56u32;
    let text_len = u32::try_from(secret.len() + 1).expect("a short text");
    // IFD0: ImageDescription (ASCII, elsewhere) and the GPS IFD's offset.
    tiff.extend_from_slice(&2u16.to_le_bytes());
    for (tag, kind, count, value) in [(0x010Eu16, 2u16, text_len, text_at), (0x8825, 4, 1, 38)] {
        tiff.extend_from_slice(&tag.to_le_bytes());
        tiff.extend_from_slice(&kind.to_le_bytes());
        tiff.extend_from_slice(&count.to_le_bytes());
        tiff.extend_from_slice(&value.to_le_bytes());
    }
    tiff.extend_from_slice(&0u32.to_le_bytes());
    // The GPS IFD at 38: GPSLatitudeRef "N".
    tiff.extend_from_slice(&1u16.to_le_bytes());
    tiff.extend_from_slice(&1u16.to_le_bytes());
    tiff.extend_from_slice(&2u16.to_le_bytes());
    tiff.extend_from_slice(&2u32.to_le_bytes());
    tiff.extend_from_slice(b"N\0\0\0");
    tiff.extend_from_slice(&0u32.to_le_bytes());
    assert_eq!(tiff.len(), 56);
    tiff.extend_from_slice(secret.as_bytes());
    tiff.push(0);
    let mut segment = b"Exif\0\0".to_vec();
    segment.extend_from_slice(&tiff);
    let length = u16::try_from(segment.len() + 2).expect("a short segment");
    let plain = jpeg(width, height);
    let mut with_exif = vec![0xFF, 0xD8, 0xFF, 0xE1];
    with_exif.extend_from_slice(&length.to_be_bytes());
    with_exif.extend_from_slice(&segment);
    with_exif.extend_from_slice(plain.get(2..).expect("a JPEG"));
    with_exif
}

/// CRC-32 as PNG chunks carry it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A tiny PNG whose header claims `width`×`height`: a decompression bomb's shape.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut png = encoded(&picture(4, 4), ImageFormat::Png);
    // The IHDR chunk's data starts at 16: width, height, then 5 bytes; its CRC follows.
    png.splice(16..20, width.to_be_bytes());
    png.splice(20..24, height.to_be_bytes());
    let crc = crc32(png.get(12..29).expect("an IHDR chunk"));
    png.splice(29..33, crc.to_be_bytes());
    png
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// Every file of a media item: the original's URL and its renditions'.
fn urls(item: &Value) -> Vec<String> {
    let mut urls = vec![item["url"].as_str().expect("a url").to_owned()];
    for rendition in item["renditions"].as_array().expect("renditions") {
        urls.push(rendition["url"].as_str().expect("a url").to_owned());
    }
    urls
}

fn sizes(item: &Value, mime_type: &str) -> Vec<(String, u64, u64)> {
    item["renditions"]
        .as_array()
        .expect("renditions")
        .iter()
        .filter(|r| r["mime_type"] == mime_type)
        .map(|r| {
            (
                r["name"].as_str().expect("a name").to_owned(),
                r["width"].as_u64().expect("a width"),
                r["height"].as_u64().expect("a height"),
            )
        })
        .collect()
}

#[actix_web::test]
async fn an_author_uploads_an_image_and_anyone_reads_it() {
    let app = TestApp::spawn().await;
    let anonymous = app
        .upload("", &[("file", Some("a.jpg"), &jpeg(400, 300))])
        .await;
    anonymous.assert_problem(401);

    let (_, author) = app.user("author").await;
    let item = app.media(&author, &jpeg(400, 300)).await;
    assert_eq!(item["mime_type"], "image/jpeg");
    assert_eq!(
        (item["width"].as_i64(), item["height"].as_i64()),
        (Some(400), Some(300))
    );
    assert_eq!(item["alt"], "Cranes at the port");
    assert_eq!(item["caption"], "The new cranes arrived in March.");
    assert_eq!(item["credit"], "Photo: Jane Doe / Example Agency");
    assert!(item["bytes"].as_i64().is_some_and(|bytes| bytes > 0));
    assert!(item["created_at"].is_string());
    for field in [
        "id",
        "url",
        "mime_type",
        "width",
        "height",
        "bytes",
        "alt",
        "caption",
        "credit",
        "created_at",
        "renditions",
    ] {
        assert!(item.get(field).is_some(), "{field} missing: {item}");
    }

    let id = item["id"].as_i64().expect("an id");
    let fetched = app.get(&format!("/api/v1/media/{id}")).await;
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.body, item);
    let list = app.get("/api/v1/media").await;
    assert_eq!(list.status, 200);
    assert_eq!(list.body["data"][0]["id"], id);
    app.get("/api/v1/media/999999").await.assert_problem(404);
}

#[actix_web::test]
async fn renditions_follow_wordpress_sizes_and_are_never_upscaled() {
    let app = TestApp::spawn().await;
    let item = app.media(&app.admin_token, &jpeg(3000, 2000)).await;
    let expected: Vec<(String, u64, u64)> = [
        ("thumbnail", 150, 150),
        ("medium", 300, 200),
        ("medium_large", 768, 512),
        ("large", 1024, 683),
        ("2048", 2048, 1365),
    ]
    .iter()
    .map(|(name, w, h)| ((*name).to_owned(), *w, *h))
    .collect();
    assert_eq!(sizes(&item, "image/jpeg"), expected);
    assert_eq!(sizes(&item, "image/webp"), expected);
    // The files are what the list says they are.
    for rendition in item["renditions"].as_array().expect("renditions") {
        let file = app.get(rendition["url"].as_str().expect("a url")).await;
        assert_eq!(file.status, 200);
        assert_eq!(file.header("content-type"), rendition["mime_type"].as_str());
        let decoded = image::load_from_memory(&file.bytes).expect("a served image");
        assert_eq!(
            (u64::from(decoded.width()), u64::from(decoded.height())),
            (
                rendition["width"].as_u64().expect("w"),
                rendition["height"].as_u64().expect("h")
            ),
            "{rendition}"
        );
    }

    let small = app.media(&app.admin_token, &jpeg(500, 400)).await;
    let small_sizes: Vec<(String, u64, u64)> = vec![
        ("thumbnail".to_owned(), 150, 150),
        ("medium".to_owned(), 300, 240),
    ];
    assert_eq!(sizes(&small, "image/jpeg"), small_sizes);
}

#[actix_web::test]
async fn png_gif_and_webp_keep_their_format() {
    let app = TestApp::spawn().await;
    for (format, mime_type) in [
        (ImageFormat::Png, "image/png"),
        (ImageFormat::Gif, "image/gif"),
        (ImageFormat::WebP, "image/webp"),
    ] {
        let item = app
            .media(&app.admin_token, &encoded(&picture(320, 200), format))
            .await;
        assert_eq!(item["mime_type"], mime_type);
        let original = app.get(item["url"].as_str().expect("a url")).await;
        assert_eq!(original.header("content-type"), Some(mime_type));
        assert_eq!(image::guess_format(&original.bytes).ok(), Some(format));
        assert_eq!(sizes(&item, mime_type).len(), 2, "{item}");
    }
}

#[actix_web::test]
async fn what_is_not_an_allowed_image_is_refused() {
    let app = TestApp::spawn().await;
    let token = &app.admin_token;
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    let html = b"<!doctype html><html><script>alert(1)</script></html>";
    // A BMP's magic: an image, of a type not allowed.
    let bmp = b"BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00".to_vec();
    for (what, bytes) in [
        ("text", b"just some text".as_slice()),
        ("svg", svg.as_slice()),
        ("html", html.as_slice()),
        ("bmp (a type not allowed)", bmp.as_slice()),
        // GIF's magic followed by script: a classic GIF/JavaScript polyglot. Its "header"
        // declares 12605×24891 pixels, so it is refused as too large before decoding.
        (
            "gif header and script",
            b"GIF89a=1;alert(document.domain)//".as_slice(),
        ),
    ] {
        let refused = app
            .upload(token, &[("file", Some("photo.jpg"), bytes)])
            .await;
        assert!(
            [413, 415, 422].contains(&refused.status),
            "{what}: {} {}",
            refused.status,
            refused.text
        );
        refused.assert_problem(refused.status);
    }
    // The type is read from the bytes: the name of the part does not matter.
    let text = app
        .upload(token, &[("file", Some("x.jpg"), b"plain text")])
        .await;
    text.assert_problem(415);

    let jpeg = jpeg(400, 300);
    let truncated = app
        .upload(
            token,
            &[(
                "file",
                Some("cut.jpg"),
                jpeg.get(..jpeg.len() / 2).expect("half"),
            )],
        )
        .await;
    truncated.assert_problem(422);
    let png = encoded(&picture(400, 300), ImageFormat::Png);
    let truncated = app
        .upload(
            token,
            &[(
                "file",
                Some("cut.png"),
                png.get(..png.len() / 2).expect("half"),
            )],
        )
        .await;
    truncated.assert_problem(422);

    let no_file = app.upload(token, &[("alt", None, b"no file")]).await;
    assert_eq!(no_file.assert_problem(422)["errors"][0]["field"], "file");
    let json = app
        .post_as("/api/v1/media", token, json!({"file": "x"}))
        .await;
    json.assert_problem(415);
    assert_eq!(app.get("/api/v1/media").await.body["meta"]["total"], 0);
}

#[actix_web::test]
async fn a_decompression_bomb_is_refused_before_it_is_decoded() {
    let app = TestApp::spawn().await;
    // 100,000 × 100,000 pixels would be 30 GB decoded; the file is under 100 bytes.
    let bomb = png_claiming(100_000, 100_000);
    let refused = app
        .upload(&app.admin_token, &[("file", Some("bomb.png"), &bomb)])
        .await;
    let problem = refused.assert_problem(413);
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("MEDIA_MAX_PIXELS"))
    );
}

#[actix_web::test]
async fn limits_on_bytes_and_pixels_come_from_the_settings() {
    let app =
        TestApp::spawn_with(&[("MEDIA_MAX_BYTES", "20000"), ("MEDIA_MAX_PIXELS", "40000")]).await;
    let token = &app.admin_token;
    let big = jpeg(1200, 1200);
    assert!(big.len() > 20_000);
    app.upload(token, &[("file", Some("big.jpg"), &big)])
        .await
        .assert_problem(413);
    let wide = encoded(&picture(300, 200), ImageFormat::Png);
    app.upload(token, &[("file", Some("wide.png"), &wide)])
        .await
        .assert_problem(413);
    let fits = app
        .upload(token, &[("file", Some("ok.jpg"), &jpeg(200, 200))])
        .await;
    assert_eq!(fits.status, 201, "{}", fits.text);
}

#[actix_web::test]
async fn exif_and_gps_are_stripped_and_a_polyglot_payload_never_served() {
    let app = TestApp::spawn().await;
    let secret = "GPS-SECRET-48.8584N-2.2945E";
    let with_gps = jpeg_with_gps(640, 480, secret);
    assert!(contains(&with_gps, secret.as_bytes()));
    let item = app.media(&app.admin_token, &with_gps).await;
    for url in urls(&item) {
        let file = app.get(&url).await;
        assert_eq!(file.status, 200);
        assert!(
            !contains(&file.bytes, secret.as_bytes()),
            "{url} keeps the EXIF text"
        );
        assert!(
            !contains(&file.bytes, b"Exif\0\0"),
            "{url} keeps an EXIF block"
        );
    }

    let payload = b"<html><script>alert('polyglot')</script></html>";
    for format in [ImageFormat::Jpeg, ImageFormat::Gif, ImageFormat::Png] {
        let mut polyglot = encoded(&picture(400, 300), format);
        polyglot.extend_from_slice(payload);
        let item = app.media(&app.admin_token, &polyglot).await;
        for url in urls(&item) {
            let file = app.get(&url).await;
            assert_eq!(file.status, 200);
            assert!(
                !contains(&file.bytes, b"<script"),
                "{url} serves the payload"
            );
            assert_eq!(file.header("x-content-type-options"), Some("nosniff"));
        }
    }
}

#[actix_web::test]
async fn files_are_served_immutable_with_etags_and_ranges() {
    let app = TestApp::spawn().await;
    let item = app.media(&app.admin_token, &jpeg(800, 600)).await;
    let url = item["url"].as_str().expect("a url");
    assert!(url.starts_with("/media/"), "{url}");
    let file = app.get(url).await;
    assert_eq!(file.status, 200);
    assert_eq!(file.header("content-type"), Some("image/jpeg"));
    assert_eq!(file.header("cache-control"), Some(IMMUTABLE));
    assert_eq!(file.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(file.header("accept-ranges"), Some("bytes"));
    assert_eq!(
        file.bytes.len(),
        usize::try_from(item["bytes"].as_i64().expect("bytes")).expect("a size")
    );
    let etag = file.header("etag").expect("an ETag").to_owned();

    let again = app
        .send_raw(Method::GET, url, &[("If-None-Match", &etag)], b"")
        .await;
    assert_eq!(again.status, 304);
    assert!(again.bytes.is_empty());

    let part = app
        .send_raw(Method::GET, url, &[("Range", "bytes=0-99")], b"")
        .await;
    assert_eq!(part.status, 206);
    assert_eq!(part.bytes, file.bytes.get(..100).expect("100 bytes"));
    let length = file.bytes.len();
    assert_eq!(
        part.header("content-range").map(str::to_owned),
        Some(format!("bytes 0-99/{length}"))
    );
    assert_eq!(part.header("content-type"), Some("image/jpeg"));
    let tail = app
        .send_raw(Method::GET, url, &[("Range", "bytes=-10")], b"")
        .await;
    assert_eq!(tail.status, 206);
    assert_eq!(tail.bytes, file.bytes.get(length - 10..).expect("the tail"));
    let past = app
        .send_raw(
            Method::GET,
            url,
            &[("Range", &format!("bytes={length}-"))],
            b"",
        )
        .await;
    past.assert_problem(416);
    assert_eq!(
        past.header("content-range").map(str::to_owned),
        Some(format!("bytes */{length}"))
    );

    let webp = item["renditions"]
        .as_array()
        .expect("renditions")
        .iter()
        .find(|r| r["mime_type"] == "image/webp")
        .expect("a WebP rendition");
    let served = app.get(webp["url"].as_str().expect("a url")).await;
    assert_eq!(served.header("content-type"), Some("image/webp"));

    app.get("/media/0123456789abcdef0123456789abcdef/original-1x1-0123456789ab.jpg")
        .await
        .assert_problem(404);
    app.get("/media/../../etc/passwd").await.assert_problem(404);
}

#[actix_web::test]
async fn alt_caption_and_credit_are_edited_by_the_uploader_or_an_editor() {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    let (_, other) = app.user("author").await;
    let (_, editor) = app.user("editor").await;
    let item = app.media(&author, &jpeg(300, 200)).await;
    let path = format!("/api/v1/media/{}", item["id"]);

    app.patch_as(&path, &other, json!({"alt": "Not mine"}))
        .await
        .assert_problem(403);
    let changed = app
        .patch_as(
            &path,
            &author,
            json!({"alt": "Cranes at dawn", "caption": null}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.body["alt"], "Cranes at dawn");
    assert_eq!(changed.body["caption"], Value::Null);
    assert_eq!(changed.body["credit"], "Photo: Jane Doe / Example Agency");
    let by_editor = app
        .patch_as(&path, &editor, json!({"credit": "Photo: Agency"}))
        .await;
    assert_eq!(by_editor.body["credit"], "Photo: Agency");
    app.patch_as(&path, &author, json!({"url": "x"}))
        .await
        .assert_problem(422);
    app.delete_as(&path, &other).await.assert_problem(403);
}

#[actix_web::test]
async fn an_article_features_a_media_item_with_its_renditions() {
    let app = TestApp::spawn().await;
    let item = app.media(&app.admin_token, &jpeg(1600, 900)).await;
    let id = item["id"].as_i64().expect("an id");
    let article = app
        .article(
            &app.admin_token,
            json!({"title": "Port", "content": "<p>x</p>", "status": "published", "featured_image": id}),
        )
        .await;
    let image = &article["featured_image"];
    assert_eq!(image["id"], id);
    assert_eq!(image["url"], item["url"]);
    assert_eq!(image["alt"], "Cranes at the port");
    assert_eq!(image["caption"], "The new cranes arrived in March.");
    assert_eq!(image["credit"], "Photo: Jane Doe / Example Agency");
    assert_eq!(
        (image["width"].as_i64(), image["height"].as_i64()),
        (Some(1600), Some(900))
    );
    assert_eq!(image["mime_type"], "image/jpeg");
    assert_eq!(image["renditions"], item["renditions"]);

    // Summaries carry the same object, and the public sees an edit at once (the cached
    // public responses are keyed on a version the media change moves).
    let path = format!("/api/v1/articles/{}", article["id"]);
    let list = app.get("/api/v1/articles").await;
    assert_eq!(list.body["data"][0]["featured_image"], *image);
    assert_eq!(
        app.get(&path).await.body["featured_image"]["alt"],
        "Cranes at the port"
    );
    app.patch_as(
        &format!("/api/v1/media/{id}"),
        &app.admin_token,
        json!({"alt": "New alt"}),
    )
    .await;
    assert_eq!(
        app.get(&path).await.body["featured_image"]["alt"],
        "New alt"
    );
    assert_eq!(
        app.get("/api/v1/articles").await.body["data"][0]["featured_image"]["alt"],
        "New alt"
    );

    let unknown = app
        .post_as(
            "/api/v1/articles",
            &app.admin_token,
            json!({"title": "Nope", "content": "<p>x</p>", "featured_image": 987654}),
        )
        .await;
    assert_eq!(
        unknown.assert_problem(422)["errors"][0]["field"],
        "featured_image"
    );
    assert!(unknown.text.contains("987654"));

    // The free-URL form still works, with no id and no renditions; PATCH switches forms.
    let linked = app
        .patch_as(
            &path,
            &app.admin_token,
            json!({"featured_image": {"url": "https://images.example.com/a.jpg", "alt": "A"}}),
        )
        .await;
    assert_eq!(linked.status, 200, "{}", linked.text);
    assert_eq!(linked.body["featured_image"]["id"], Value::Null);
    assert_eq!(
        linked.body["featured_image"]["url"],
        "https://images.example.com/a.jpg"
    );
    assert_eq!(linked.body["featured_image"]["renditions"], json!([]));
    let back = app
        .patch_as(&path, &app.admin_token, json!({"featured_image": id}))
        .await;
    assert_eq!(back.body["featured_image"]["id"], id);
}

#[actix_web::test]
async fn deleting_media_in_use_is_a_conflict_unless_forced() {
    let app = TestApp::spawn().await;
    let item = app.media(&app.admin_token, &jpeg(400, 300)).await;
    let id = item["id"].as_i64().expect("an id");
    let article = app
        .article(
            &app.admin_token,
            json!({"title": "Uses it", "content": "<p>x</p>", "status": "published", "featured_image": id}),
        )
        .await;
    let path = format!("/api/v1/media/{id}");
    let conflict = app.delete_as(&path, &app.admin_token).await;
    let problem = conflict.assert_problem(409);
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("uses-it")),
        "{problem}"
    );

    let forced = app
        .delete_as(&format!("{path}?force=true"), &app.admin_token)
        .await;
    assert_eq!(forced.status, 204, "{}", forced.text);
    app.get(&path).await.assert_problem(404);
    let article_path = format!("/api/v1/articles/{}", article["id"]);
    assert_eq!(
        app.get(&article_path).await.body["featured_image"],
        Value::Null
    );
    for url in urls(&item) {
        app.get(&url).await.assert_problem(404);
    }

    let unused = app.media(&app.admin_token, &jpeg(200, 200)).await;
    let deleted = app
        .delete_as(&format!("/api/v1/media/{}", unused["id"]), &app.admin_token)
        .await;
    assert_eq!(deleted.status, 204);
}

/// The S3 store against a local S3-compatible server (`.ci/run` starts moto and sets
/// `TEST_S3_ENDPOINT`): upload, serve and delete go through the bucket.
#[actix_web::test]
async fn the_s3_store_keeps_uploads_in_a_bucket() {
    let Ok(endpoint) = std::env::var("TEST_S3_ENDPOINT") else {
        println!("skipped: TEST_S3_ENDPOINT is not set (.ci/run starts a moto server)");
        return;
    };
    let bucket = format!("newsroom-test-{}", std::process::id());
    // moto takes an unsigned bucket creation.
    let created = awc::Client::default()
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .expect("the S3 server answers");
    assert!(
        created.status().is_success(),
        "bucket: {}",
        created.status()
    );
    let app = TestApp::spawn_with(&[
        ("MEDIA_S3_BUCKET", &bucket),
        ("MEDIA_S3_ENDPOINT", &endpoint),
        ("MEDIA_S3_REGION", "us-east-1"),
        ("MEDIA_S3_ACCESS_KEY_ID", "testing"),
        ("MEDIA_S3_SECRET_ACCESS_KEY", "testing"),
        ("MEDIA_CACHE_MB", "0"),
    ])
    .await;
    let item = app.media(&app.admin_token, &jpeg(800, 600)).await;
    let url = item["url"].as_str().expect("a url");
    let file = app.get(url).await;
    assert_eq!(file.status, 200);
    assert_eq!(file.header("cache-control"), Some(IMMUTABLE));
    // The objects are private (an unsigned GET is refused); moto's own view of its state
    // shows the file in the bucket.
    let key = url.trim_start_matches("/media/");
    let state = awc::Client::default()
        .get(format!("{endpoint}/moto-api/data.json"))
        .send()
        .await
        .expect("the S3 server answers")
        .body()
        .limit(64 * 1024 * 1024)
        .await
        .expect("moto's state");
    let state = String::from_utf8_lossy(&state);
    assert!(
        state.contains(&format!("\"name\": \"{key}\"")),
        "{key} is not in the bucket"
    );
    assert!(state.contains(&format!("\"bucket_name\": \"{bucket}\"")));
    let part = app
        .send_raw(Method::GET, url, &[("Range", "bytes=0-9")], b"")
        .await;
    assert_eq!(part.status, 206);
    let deleted = app
        .delete_as(&format!("/api/v1/media/{}", item["id"]), &app.admin_token)
        .await;
    assert_eq!(deleted.status, 204);
    app.get(url).await.assert_problem(404);
}
