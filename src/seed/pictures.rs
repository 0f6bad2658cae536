//! The demo's photos, drawn here so that `serve --demo` shows pictures with no network: one
//! landscape per category (a sky, a sun and hills in the category's colours), stored as
//! media items through the media store like any upload.

use image::{ImageBuffer, Rgb};
use std::collections::HashMap;

use crate::config::MediaSettings;
use crate::db::Db;
use crate::db::schema::media as media_table;
use crate::error::ApiError;
use crate::media::model::{MediaText, prepare};
use crate::media::queries as media;
use crate::media::renditions;
use crate::media::storage::Storage;
use diesel::prelude::*;

/// The credit line of every demo picture, which also tells them apart from uploads.
pub const DEMO_CREDIT: &str = "Illustration: Newsroom demo";

/// The size of a demo picture: 16:9, wide enough for the `large` rendition.
const WIDTH: u32 = 1200;
const HEIGHT: u32 = 675;

/// One demo picture per category name, made and stored unless they exist already; returns
/// the media id for each category name.
pub fn ensure(
    db: &Db,
    settings: &MediaSettings,
    categories: &[(i64, String)],
) -> Result<HashMap<i64, i64>, ApiError> {
    let existing: Vec<(i64, Option<String>)> = db.read_blocking(|conn| {
        Ok(media_table::table
            .filter(media_table::credit.eq(DEMO_CREDIT))
            .select((media_table::id, media_table::alt))
            .load(conn)?)
    })?;
    let storage = Storage::open(settings).map_err(ApiError::internal)?;
    let mut ids = HashMap::new();
    for (index, (category_id, name)) in categories.iter().enumerate() {
        let alt = alt_text(name);
        if let Some((id, _)) = existing.iter().find(|(_, a)| a.as_deref() == Some(&alt)) {
            ids.insert(*category_id, *id);
            continue;
        }
        let jpeg = landscape(index)?;
        let processed = renditions::process(&jpeg, u64::MAX)?;
        let text = MediaText {
            alt: Some(alt),
            caption: Some(format!("{name}: a picture drawn by the demo seeder.")),
            credit: Some(DEMO_CREDIT.to_owned()),
        };
        let (record, files) = prepare(processed, text, None);
        storage.put_all_blocking(files)?;
        let id = db.write_blocking(|conn| Ok(media::insert(conn, record)?.id))?;
        ids.insert(*category_id, id);
    }
    Ok(ids)
}

fn alt_text(category: &str) -> String {
    format!("An illustrated landscape for {category}")
}

/// A landscape in the colours of the `index`th palette, as a JPEG.
fn landscape(index: usize) -> Result<Vec<u8>, ApiError> {
    const PALETTES: [([u8; 3], [u8; 3], [u8; 3]); 9] = [
        ([200, 40, 40], [255, 190, 120], [90, 30, 30]),
        ([20, 60, 120], [140, 190, 240], [30, 80, 60]),
        ([170, 20, 30], [250, 210, 90], [110, 50, 20]),
        ([25, 25, 45], [90, 90, 140], [20, 20, 30]),
        ([120, 30, 140], [250, 150, 200], [60, 20, 80]),
        ([10, 90, 70], [150, 230, 190], [20, 60, 40]),
        ([30, 40, 110], [220, 220, 240], [110, 30, 40]),
        ([40, 90, 160], [240, 200, 140], [60, 110, 50]),
        ([10, 110, 150], [170, 230, 240], [40, 100, 70]),
    ];
    let (top, bottom, hills) = PALETTES
        .get(index % PALETTES.len())
        .copied()
        .unwrap_or(PALETTES[0]);
    let sun_x = 250.0 + 90.0 * index as f32;
    let picture = ImageBuffer::from_fn(WIDTH, HEIGHT, |x, y| {
        let (xf, yf) = (x as f32, y as f32);
        let t = yf / HEIGHT as f32;
        let mix = |a: u8, b: u8, t: f32| (f32::from(a) * (1.0 - t) + f32::from(b) * t) as u8;
        let ridge = 430.0 + 60.0 * (xf / 170.0 + index as f32).sin() + 25.0 * (xf / 61.0).cos();
        let near = 540.0 + 40.0 * (xf / 110.0 + 2.0 * index as f32).sin();
        if yf > near {
            Rgb([hills[0] / 2, hills[1] / 2, hills[2] / 2])
        } else if yf > ridge {
            Rgb(hills)
        } else if (xf - sun_x).hypot(yf - 200.0) < 70.0 {
            Rgb([255, 240, 200])
        } else {
            Rgb([
                mix(top[0], bottom[0], t),
                mix(top[1], bottom[1], t),
                mix(top[2], bottom[2], t),
            ])
        }
    });
    let mut jpeg = Vec::new();
    image::DynamicImage::ImageRgb8(picture)
        .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
            &mut jpeg, 85,
        ))
        .map_err(ApiError::internal)?;
    Ok(jpeg)
}
