//! What an upload becomes: proved to be an image of an allowed type within the limits,
//! decoded, and re-encoded from its pixels (the original and every size), so that no byte
//! of the upload is ever stored as sent: no EXIF or GPS block, no payload appended to a
//! polyglot. Pure CPU; the caller runs it off the async workers.

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use sha2::{Digest, Sha256};
use std::io::Cursor;

use crate::error::ApiError;

/// The sizes made of every upload, as WordPress names them: (name, width, cropped height).
/// A size as wide as the original or wider is not made (never upscaled).
pub const SIZES: [(&str, u32, Option<u32>); 5] = [
    ("thumbnail", 150, Some(150)),
    ("medium", 300, None),
    ("medium_large", 768, None),
    ("large", 1024, None),
    ("2048", 2048, None),
];

/// JPEG quality of the re-encoded files: what WordPress uses for its sizes.
const JPEG_QUALITY: u8 = 82;

/// An allowed type of upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    Gif,
    WebP,
}

impl Kind {
    fn of(format: ImageFormat) -> Option<Self> {
        match format {
            ImageFormat::Jpeg => Some(Self::Jpeg),
            ImageFormat::Png => Some(Self::Png),
            ImageFormat::Gif => Some(Self::Gif),
            ImageFormat::WebP => Some(Self::WebP),
            _ => None,
        }
    }

    fn format(self) -> ImageFormat {
        match self {
            Self::Jpeg => ImageFormat::Jpeg,
            Self::Png => ImageFormat::Png,
            Self::Gif => ImageFormat::Gif,
            Self::WebP => ImageFormat::WebP,
        }
    }

    pub fn mime_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Gif => "image/gif",
            Self::WebP => "image/webp",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Gif => "gif",
            Self::WebP => "webp",
        }
    }

    /// The type a served file's extension stands for.
    pub fn from_extension(extension: &str) -> Option<Self> {
        match extension {
            "jpg" => Some(Self::Jpeg),
            "png" => Some(Self::Png),
            "gif" => Some(Self::Gif),
            "webp" => Some(Self::WebP),
            _ => None,
        }
    }
}

/// One file to store: the original or a size, in one format.
#[derive(Debug)]
pub struct Encoded {
    /// `original`, or a name of [`SIZES`].
    pub name: &'static str,
    pub kind: Kind,
    pub width: u32,
    pub height: u32,
    pub bytes: Vec<u8>,
}

impl Encoded {
    /// `{name}-{w}x{h}-{hash}.{ext}`: the content's hash in the name makes the file's URL
    /// stand for these bytes only, which is what `immutable` promises.
    pub fn file_name(&self) -> String {
        let digest = Sha256::digest(&self.bytes);
        let hash: String = digest
            .iter()
            .take(6)
            .map(|byte| format!("{byte:02x}"))
            .collect();
        format!(
            "{}-{}x{}-{hash}.{}",
            self.name,
            self.width,
            self.height,
            self.kind.extension()
        )
    }
}

/// What an upload became.
#[derive(Debug)]
pub struct Processed {
    pub original: Encoded,
    /// Smallest first, each size in the original's format then in WebP.
    pub renditions: Vec<Encoded>,
}

/// Checks the upload and makes every file of it. `max_pixels` is `MEDIA_MAX_PIXELS`.
pub fn process(upload: &[u8], max_pixels: u64) -> Result<Processed, ApiError> {
    let kind = sniff(upload)?;
    let image = decode(upload, kind, max_pixels)?;
    let original = encode(&image, "original", kind)?;
    let mut renditions = Vec::new();
    for (name, image) in sizes(&image) {
        renditions.push(encode(&image, name, kind)?);
        if kind != Kind::WebP {
            renditions.push(encode(&image, name, Kind::WebP)?);
        }
    }
    Ok(Processed {
        original,
        renditions,
    })
}

/// The type, read from the bytes: the part's Content-Type and file name are the client's
/// word, and a script can call itself `photo.jpg`.
fn sniff(upload: &[u8]) -> Result<Kind, ApiError> {
    image::guess_format(upload)
        .ok()
        .and_then(Kind::of)
        .ok_or_else(|| {
            ApiError::UnsupportedMediaType(
                "the file is not an image of an allowed type: JPEG, PNG, WebP or GIF (SVG is \
                 not accepted)"
                    .to_owned(),
            )
        })
}

/// Decodes the image after checking the size its header declares, so that a small file
/// declaring a huge image (a decompression bomb) is refused before anything is allocated.
fn decode(upload: &[u8], kind: Kind, max_pixels: u64) -> Result<DynamicImage, ApiError> {
    let unreadable = |error: image::ImageError| {
        ApiError::invalid(
            "file",
            format!("the image cannot be read (truncated or corrupt): {error}"),
        )
    };
    let reader = ImageReader::with_format(Cursor::new(upload), kind.format());
    let (width, height) = reader.into_dimensions().map_err(unreadable)?;
    let pixels = u64::from(width) * u64::from(height);
    if pixels > max_pixels {
        return Err(ApiError::ImageTooLarge(format!(
            "the image is {width}×{height} pixels ({pixels}); the limit is {max_pixels} \
             pixels (MEDIA_MAX_PIXELS)"
        )));
    }
    if kind == Kind::Jpeg && !jpeg_is_complete(upload) {
        return Err(ApiError::invalid(
            "file",
            "the image cannot be read (truncated or corrupt): the JPEG has no end marker",
        ));
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    // The decoded pixels (at most 8 bytes each, 16-bit RGBA) and the decoder's own buffers.
    limits.max_alloc = Some(pixels.saturating_mul(8).saturating_add(64 * 1024 * 1024));
    let mut reader = ImageReader::with_format(Cursor::new(upload), kind.format());
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    // EXIF is dropped with the rest of the metadata, so its rotation is applied to the
    // pixels: a phone's portrait photo stays upright.
    let orientation = decoder.orientation().map_err(unreadable)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// Whether a JPEG's last scan is followed by an end-of-image marker. The JPEG decoder fills
/// a cut-off scan with grey rather than failing, which would store half a photo. (Inside a
/// scan, 0xFF is always followed by 0x00 or a restart marker, so 0xFF 0xD9 is the end.)
fn jpeg_is_complete(upload: &[u8]) -> bool {
    let last_scan = upload
        .windows(2)
        .rposition(|pair| pair == [0xFF, 0xDA])
        .unwrap_or(0);
    upload
        .get(last_scan..)
        .is_some_and(|scan| scan.windows(2).any(|pair| pair == [0xFF, 0xD9]))
}

/// Every size the image is wide enough for, each made from the next larger one (a cascade
/// is several times faster than resizing the original each time, and looks the same).
fn sizes(image: &DynamicImage) -> Vec<(&'static str, DynamicImage)> {
    let mut made = Vec::new();
    let mut source = image.clone();
    for (name, width, crop) in SIZES.iter().rev().copied() {
        if crop.is_some() {
            continue;
        }
        if image.width() <= width {
            continue;
        }
        let height = scaled_height(image.width(), image.height(), width);
        let resized = source.resize_exact(width, height, FilterType::CatmullRom);
        source = resized.clone();
        made.push((name, resized));
    }
    let (thumb_width, thumb_height) = (150, 150);
    if image.width() > thumb_width && image.height() > thumb_height {
        let thumbnail = source.resize_to_fill(thumb_width, thumb_height, FilterType::CatmullRom);
        made.push(("thumbnail", thumbnail));
    }
    made.reverse();
    made
}

/// The height of a size `width` wide, in the original's proportions, rounded.
pub fn scaled_height(original_width: u32, original_height: u32, width: u32) -> u32 {
    let height = (u64::from(original_height) * u64::from(width) * 2 + u64::from(original_width))
        / (u64::from(original_width) * 2);
    u32::try_from(height.max(1)).unwrap_or(u32::MAX)
}

fn encode(image: &DynamicImage, name: &'static str, kind: Kind) -> Result<Encoded, ApiError> {
    let mut bytes = Vec::new();
    let failed = |error: image::ImageError| ApiError::internal(format!("encoding {name}: {error}"));
    match kind {
        // JPEG has no alpha channel.
        Kind::Jpeg => DynamicImage::ImageRgb8(image.to_rgb8())
            .write_with_encoder(JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY))
            .map_err(failed)?,
        // The WebP encoder takes 8-bit RGB(A) only (and is lossless).
        Kind::WebP if image.color().has_alpha() => DynamicImage::ImageRgba8(image.to_rgba8())
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::WebP)
            .map_err(failed)?,
        Kind::WebP => DynamicImage::ImageRgb8(image.to_rgb8())
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::WebP)
            .map_err(failed)?,
        Kind::Gif => DynamicImage::ImageRgba8(image.to_rgba8())
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Gif)
            .map_err(failed)?,
        Kind::Png => image
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
            .map_err(failed)?,
    }
    Ok(Encoded {
        name,
        kind,
        width: image.width(),
        height: image.height(),
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heights_keep_the_proportions_rounded() {
        assert_eq!(scaled_height(3000, 2000, 300), 200);
        assert_eq!(scaled_height(3000, 2000, 1024), 683);
        assert_eq!(scaled_height(3000, 2000, 2048), 1365);
        assert_eq!(scaled_height(10000, 1, 150), 1);
    }

    #[test]
    fn only_sizes_narrower_than_the_original_are_made() {
        let image = DynamicImage::new_rgb8(500, 400);
        let names: Vec<_> = sizes(&image)
            .into_iter()
            .map(|(name, image)| (name, image.width(), image.height()))
            .collect();
        assert_eq!(names, vec![("thumbnail", 150, 150), ("medium", 300, 240)]);
    }

    #[test]
    fn a_cut_off_jpeg_is_incomplete() {
        assert!(jpeg_is_complete(&[
            0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0xFF, 0xD9
        ]));
        assert!(!jpeg_is_complete(&[
            0xFF, 0xD8, 0xFF, 0xD9, 0xFF, 0xDA, 0x01
        ]));
    }
}
