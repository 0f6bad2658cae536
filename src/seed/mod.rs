//! Demo content: the site's nine categories and a set of tags, one user of each role plus
//! a few more authors, and any number of synthetic articles.

mod pictures;
mod text;

pub use pictures::DEMO_CREDIT;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use indicatif::{ProgressBar, ProgressStyle};
use rand::distr::Alphanumeric;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use std::collections::{HashMap, HashSet};

use crate::articles::announce;
use crate::articles::content;
use crate::articles::model::{ArticleRecord, ContentFormat};
use crate::articles::queries as articles;
use crate::comments::queries as comments;
use crate::fulltext;
use crate::time::now;
use crate::views::queries as views;

use crate::auth::Role;
use crate::auth::password;
use crate::categories::model::NewCategory;
use crate::categories::queries as categories;
use crate::config::MediaSettings;
use crate::db::schema::categories as categories_table;
use crate::db::{Conn, Db};
use crate::domain::{ArticleStatus, Email, Key, Slug};
use crate::error::ApiError;
use crate::tags::model::NewTag;
use crate::tags::queries as tags;
use crate::users::model::NewUser;
use crate::users::queries as users;

/// The sections of the reference site, with a line each.
const CATEGORIES: [(&str, &str); 9] = [
    ("Breaking News", "What is happening right now."),
    ("Business", "Companies, markets and the economy."),
    ("China", "News from and about China."),
    ("Crime", "Courts, police and investigations."),
    ("Entertainment", "Film, music, television and culture."),
    ("Finance", "Money, banking and personal finance."),
    ("Politics", "Government, elections and policy."),
    ("US", "News from across the United States."),
    ("World News", "International news and diplomacy."),
];

/// Tags of the reference site's world: places, people and institutions its stories come
/// back to.
const TAGS: [&str; 24] = [
    "Ukraine",
    "Russia",
    "Kherson",
    "Kyiv",
    "Pentagon",
    "NATO",
    "Taiwan",
    "Beijing",
    "Ecuador",
    "State Department",
    "Congress",
    "White House",
    "Supreme Court",
    "Elections",
    "Inflation",
    "Federal Reserve",
    "Oil Prices",
    "Wall Street",
    "Border Security",
    "FBI",
    "Hollywood",
    "Energy",
    "Trade",
    "Opinion",
];

/// A demo account and, when this run created it, its password.
pub struct DemoAccount {
    pub email: String,
    pub role: Role,
    pub outcome: Ensured,
}

/// What `ensure_user` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ensured {
    /// The email was taken; nothing changed.
    Existed,
    /// Created with the given password, or with this generated one.
    Created { generated_password: Option<String> },
}

/// Adds what is missing of the demo accounts and categories (running it twice changes
/// nothing), then `articles` new synthetic articles. The admin gets `admin_password` when
/// given (`ADMIN_PASSWORD`), the other accounts generated passwords.
pub fn demo(
    db: &Db,
    media: &MediaSettings,
    admin_email: &str,
    admin_password: Option<&str>,
    articles: usize,
) -> Result<Vec<DemoAccount>, ApiError> {
    let people = [
        (admin_email, "Newsroom Admin", Role::Admin),
        ("editor@example.com", "Conservative Guard", Role::Editor),
        ("author@example.com", "Dana Reporter", Role::Author),
        ("maria@example.com", "Maria Lopez", Role::Author),
        ("james@example.com", "James Carter", Role::Author),
        ("aiko@example.com", "Aiko Tanaka", Role::Author),
    ];
    let mut accounts = Vec::new();
    for (email, name, role) in people {
        let given = (role == Role::Admin).then_some(admin_password).flatten();
        let outcome = ensure_user(db, email, name, role, given.map(str::to_owned))?;
        accounts.push(DemoAccount {
            email: email.to_owned(),
            role,
            outcome,
        });
    }
    db.write_blocking(|conn| {
        for (name, description) in CATEGORIES {
            let slug = Slug::from_text(name, "category");
            if categories::find(conn, Key::Slug(slug.as_str().to_owned())).is_ok() {
                continue;
            }
            categories::insert(
                conn,
                NewCategory {
                    name: name.to_owned(),
                    slug: Some(slug),
                    description: Some(description.to_owned()),
                    parent_id: None,
                },
            )?;
        }
        ensure_tags(conn)
    })?;
    let newest_before = db.read_blocking(|conn| Ok(articles::max_id(conn)?))?;
    demo_articles(db, media, articles)?;
    demo_comments(db, newest_before.unwrap_or(0))?;
    demo_views(db, newest_before.unwrap_or(0))?;
    // Last: the comment and view totals rewrote every article's row once more.
    db.after_bulk_load()?;
    Ok(accounts)
}

/// Creates the demo tags that are missing.
fn ensure_tags(conn: &mut Conn) -> Result<(), ApiError> {
    for name in TAGS {
        let slug = Slug::from_text(name, "tag");
        if tags::find(conn, Key::Slug(slug.as_str().to_owned())).is_ok() {
            continue;
        }
        tags::insert(
            conn,
            NewTag {
                name: name.to_owned(),
                slug: Some(slug),
                description: None,
            },
        )?;
    }
    Ok(())
}

/// Up to four tags for each article with an id above `after_id`, most articles one to
/// three, inserted in batches (one INSERT per few thousand rows, not one per article).
fn tag_articles(conn: &mut Conn, rng: &mut StdRng, after_id: i64) -> Result<(), ApiError> {
    let tag_ids = tags::all_ids(conn)?;
    let mut rows = Vec::new();
    for article_id in articles::ids_after(conn, after_id)? {
        let count = match rng.random_range(0..10) {
            0 => 0,
            1..=4 => 1,
            5..=7 => 2,
            8 => 3,
            _ => 4,
        };
        let chosen = tag_ids.choose_multiple(rng, count);
        rows.extend(
            (0i32..)
                .zip(chosen)
                .map(|(position, &tag_id)| (article_id, tag_id, position)),
        );
    }
    Ok(tags::attach_many(conn, &rows)?)
}

/// Rows per batch: the step of the progress bar, and the size of each transaction of
/// comments (large enough to amortize the commit, small enough to keep other writers
/// waiting only briefly).
const BATCH: usize = 2_000;

/// Synthetic articles over the last two years, spread over every category and author:
/// mostly published, some drafts, archived and scheduled ones, of varied lengths.
/// A handful of pictures (one per category) serve every article: a seed of 100,000
/// articles stays as fast as without them.
pub fn demo_articles(db: &Db, media: &MediaSettings, count: usize) -> Result<(), ApiError> {
    if count == 0 {
        return Ok(());
    }
    let (categories, author_ids, mut slugs) = db.read_blocking(|conn| {
        Ok((
            categories_table::table
                .select((categories_table::id, categories_table::name))
                .order(categories_table::id)
                .load::<(i64, String)>(conn)?,
            users::all_ids(conn)?,
            articles::all_slugs(conn)?,
        ))
    })?;
    let pictures = pictures::ensure(db, media, &categories)?;
    let category_ids: Vec<i64> = categories.iter().map(|(id, _)| *id).collect();
    let progress = ProgressBar::new(count as u64).with_style(
        ProgressStyle::with_template(
            "{msg} {wide_bar} {pos}/{len} articles ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    progress.set_message("seeding");
    let mut rng = StdRng::seed_from_u64(slugs.len() as u64);
    let newest_before = db.read_blocking(|conn| Ok(articles::max_id(conn)?))?;
    let now = now();
    // One transaction, indexed for search at its end: a demo database is whole or absent.
    db.write_blocking(|conn| {
        fulltext::fts::bulk_load(conn, |conn| {
            for chunk in timeline(&mut rng, now, count).chunks(BATCH) {
                let batch: Vec<ArticleRecord> = chunk
                    .iter()
                    .map(|&when| {
                        let authors = &author_ids;
                        let ids = (category_ids.as_slice(), authors.as_slice());
                        synthetic_article(&mut rng, when, now, ids, &pictures, &mut slugs)
                    })
                    .collect();
                articles::insert_many(conn, &batch)?;
                progress.inc(chunk.len() as u64);
            }
            progress.set_message("tagging");
            tag_articles(conn, &mut rng, newest_before.unwrap_or(0))?;
            // Loaded content is not news: only scheduled ones will be told, when due.
            announce::mark_all_announced(conn, now)?;
            progress.set_message("indexing for search");
            Ok::<_, ApiError>(())
        })
    })?;
    progress.finish_with_message("seeded");
    Ok(())
}

/// Comments on about a third of the public articles newer than `after_id`: a few each,
/// some of them replies, most approved and the rest waiting for moderation.
pub fn demo_comments(db: &Db, after_id: i64) -> Result<(), ApiError> {
    let targets = db.read_blocking(|conn| Ok(articles::public_after(conn, after_id, now())?))?;
    let mut rng = StdRng::seed_from_u64(after_id as u64 + 7);
    for chunk in targets.chunks(BATCH) {
        db.write_blocking(|conn| {
            for &(article_id, published_at) in chunk {
                if !rng.random_bool(0.35) {
                    continue;
                }
                let mut thread: Vec<i64> = Vec::new();
                let mut at = published_at;
                for _ in 0..rng.random_range(1..=6) {
                    at += Duration::minutes(rng.random_range(5..600));
                    let parent_id = (!thread.is_empty() && rng.random_bool(0.3))
                        .then(|| thread.choose(&mut rng).copied())
                        .flatten();
                    let record = text::comment(&mut rng, article_id, parent_id, at);
                    thread.push(comments::insert_record(conn, record)?);
                }
            }
            Ok(())
        })?;
    }
    db.write_blocking(|conn| Ok(comments::recount_all(conn)?))?;
    Ok(())
}

/// View histories for the public articles newer than `after_id`: each article draws a
/// popularity, its views fade day by day after publication, so that today's, this week's,
/// this month's and all-time lists differ.
pub fn demo_views(db: &Db, after_id: i64) -> Result<(), ApiError> {
    let targets = db.read_blocking(|conn| Ok(articles::public_after(conn, after_id, now())?))?;
    let mut rng = StdRng::seed_from_u64(after_id as u64 + 11);
    let today = now().date();
    let mut buckets = Vec::new();
    for &(article_id, published_at) in &targets {
        let popularity: f64 = rng.random_range(0.0..1.0_f64).powi(4) * 5_000.0;
        // A few evergreen articles keep being read long after publication.
        let tail = if rng.random_bool(0.02) { 0.05 } else { 0.0 };
        let published = published_at.date();
        let age_days = (today - published).num_days();
        if age_days > 30 {
            // Older articles: their launch-week views, before the 30-day history.
            buckets.push((article_id, published, (popularity * 3.0) as i64 + 1));
        }
        for back in 0..age_days.clamp(0, 29) + 1 {
            let day = today - Duration::days(back);
            let since_launch = (day - published).num_days() as f64;
            let fade = 0.6_f64.powf(since_launch.min(60.0)) + tail;
            let count = (popularity * fade * rng.random_range(0.5..1.5)) as i64;
            if count > 0 {
                buckets.push((article_id, day, count));
            }
        }
    }
    for chunk in buckets.chunks(BATCH * 10) {
        db.write_blocking(|conn| views::insert_history(conn, chunk))?;
    }
    Ok(())
}

/// The status and publication date of `count` articles over the last two years, mostly
/// published, some drafts, archived and scheduled: in the order they were written, so that
/// ids follow time as on a real site (drafts and scheduled articles are the latest).
fn timeline(
    rng: &mut StdRng,
    now: NaiveDateTime,
    count: usize,
) -> Vec<(ArticleStatus, Option<NaiveDateTime>)> {
    let mut timeline: Vec<_> = (0..count)
        .map(|_| {
            let age = Duration::seconds(rng.random_range(0..730 * 24 * 3600));
            match rng.random_range(0..100) {
                0..=1 => (ArticleStatus::Draft, None),
                2 => (ArticleStatus::Archived, Some(now - age)),
                3 => (
                    ArticleStatus::Published,
                    Some(now + Duration::hours(rng.random_range(1..24 * 14))),
                ),
                _ => (ArticleStatus::Published, Some(now - age)),
            }
        })
        .collect();
    timeline.sort_by_key(|&(_, published_at)| published_at.unwrap_or(now));
    timeline
}

fn synthetic_article(
    rng: &mut StdRng,
    (status, published_at): (ArticleStatus, Option<NaiveDateTime>),
    now: NaiveDateTime,
    (category_ids, author_ids): (&[i64], &[i64]),
    pictures: &HashMap<i64, i64>,
    slugs: &mut HashSet<String>,
) -> ArticleRecord {
    let title = text::headline(rng);
    let slug = match Slug::from_text(&title, "article")
        .first_free(|candidate| Ok::<_, std::convert::Infallible>(slugs.contains(candidate)))
    {
        Ok(slug) => slug.as_str().to_owned(),
        Err(never) => match never {},
    };
    slugs.insert(slug.clone());
    // Lengths from a short brief to a long read.
    let words = match rng.random_range(0..10) {
        0..=3 => rng.random_range(60..180),
        4..=7 => rng.random_range(180..400),
        _ => rng.random_range(400..900),
    };
    let html = text::body_html(rng, words);
    let plain = content::plain_text(&html);
    let stamp = published_at.unwrap_or(now).min(now);
    // Drawn in the order the seeder always drew them, so that a seed gives the same site.
    let wants_picture = rng.random_bool(0.7);
    let featured = rng.random_bool(0.05);
    let comments_open = rng.random_bool(0.9);
    let category_id = category_ids.choose(rng).copied();
    let picture = category_id
        .and_then(|id| pictures.get(&id).copied())
        .filter(|_| wants_picture);
    ArticleRecord {
        excerpt: content::excerpt(&plain),
        reading_time_minutes: content::reading_time_minutes(&plain),
        content: html.clone(),
        content_format: ContentFormat::Html,
        content_html: html,
        content_text: plain,
        status,
        published_at,
        featured,
        comments_open,
        featured_image_alt: None,
        featured_image_caption: None,
        featured_image_url: None,
        featured_image_id: picture,
        meta_title: None,
        meta_description: None,
        og_image_id: None,
        canonical_url: None,
        category_id,
        author_id: author_ids.choose(rng).copied().unwrap_or(1),
        created_at: stamp,
        updated_at: stamp,
        title,
        slug,
    }
}

/// Creates the user unless the email is taken. Returns the password when it was generated.
pub fn ensure_user(
    db: &Db,
    email: &str,
    name: &str,
    role: Role,
    password: Option<String>,
) -> Result<Ensured, ApiError> {
    let email = Email::parse("email", email).map_err(|error| ApiError::Validation(vec![error]))?;
    let lookup = email.as_str().to_owned();
    if db
        .read_blocking(|conn| Ok(users::find_by_email(conn, &lookup)?))?
        .is_some()
    {
        return Ok(Ensured::Existed);
    }
    let generated = password.is_none();
    let password = password.unwrap_or_else(generate_password);
    let hash = password::hash(&password)?;
    let user = NewUser {
        email,
        password: String::new(),
        display_name: name.to_owned(),
        role,
        slug: None,
        bio: None,
        avatar_url: None,
    };
    db.write_blocking(|conn| users::insert(conn, user, hash))?;
    Ok(Ensured::Created {
        generated_password: generated.then_some(password),
    })
}

pub fn generate_password() -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(20)
        .map(char::from)
        .collect()
}
