//! Writes a test photo for `bench/media.sh`: `photo WIDTH HEIGHT OUT.jpg`, a JPEG with
//! detail everywhere (gradients and fine stripes), so that it encodes and resizes like a
//! real photo rather than a flat colour.

use image::{DynamicImage, Rgb, RgbImage};

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let [_, width, height, out] = args.as_slice() else {
        return Err("usage: photo WIDTH HEIGHT OUT.jpg".to_owned());
    };
    let width: u32 = width.parse().map_err(|_| "WIDTH: a number")?;
    let height: u32 = height.parse().map_err(|_| "HEIGHT: a number")?;
    let picture = RgbImage::from_fn(width, height, |x, y| {
        let wave = ((x as f32 / 37.0).sin() * (y as f32 / 53.0).cos() * 60.0) as i32;
        let channel = |base: u32, spread: u32| {
            (i32::try_from(base % spread).unwrap_or(0) + wave).clamp(0, 255) as u8
        };
        Rgb([
            channel(x * 255 / width.max(1) + (y % 7) * 3, 256),
            channel(y * 255 / height.max(1) + (x % 5) * 4, 256),
            channel((x ^ y) % 200 + 30, 256),
        ])
    });
    DynamicImage::ImageRgb8(picture)
        .save(out)
        .map_err(|error| format!("{out}: {error}"))
}
