//! View queries: the batched write, per-article statistics, and popular lists.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::dsl;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date};

use super::buffer::Pending;
use super::model::{DailyViews, PopularArticle, PopularBy, ViewStats, Window};
use crate::articles::model::ArticleSummary;
use crate::articles::queries::summaries;
use crate::auth::policy::public_articles;
use crate::comments::model::CommentStatus;
use crate::db::raw::RawQuery;
use crate::db::schema::{article_views_daily as daily, articles, comments};
use crate::db::{Backend, Conn};
use crate::error::ApiError;
use crate::site::SiteSettings;

/// Adds buffered views to the totals and the daily buckets. Views of an article deleted
/// since they were counted are dropped.
pub fn add_views(conn: &mut Conn, pending: &Pending) -> Result<(), ApiError> {
    for (&(article_id, day), &count) in pending {
        let updated = diesel::update(articles::table.find(article_id))
            .set(articles::view_count.eq(articles::view_count + count))
            .execute(conn)?;
        if updated == 0 {
            continue;
        }
        // An upsert in the SQL both databases speak (diesel's builds it per backend only).
        RawQuery::<Backend>::new(
            "INSERT INTO article_views_daily (article_id, day, count) VALUES (",
        )
        .bind::<BigInt, _>(article_id)
        .sql(", ")
        .bind::<Date, _>(day)
        .sql(", ")
        .bind::<BigInt, _>(count)
        .sql(
            ") ON CONFLICT (article_id, day) \
             DO UPDATE SET count = article_views_daily.count + excluded.count",
        )
        .execute(conn)?;
    }
    Ok(())
}

/// Loads many prepared daily buckets and adds them to the totals (the demo seeder's path).
pub fn insert_history(conn: &mut Conn, buckets: &[(i64, NaiveDate, i64)]) -> Result<(), ApiError> {
    let mut pending = Pending::new();
    for &(article_id, day, count) in buckets {
        *pending.entry((article_id, day)).or_insert(0) += count;
    }
    add_views(conn, &pending)
}

/// Daily views of the last 30 days and the window sums.
pub fn stats(
    conn: &mut Conn,
    article_id: i64,
    total: i64,
    today: NaiveDate,
) -> QueryResult<ViewStats> {
    let since = today - Duration::days(29);
    let buckets: Vec<(NaiveDate, i64)> = daily::table
        .filter(daily::article_id.eq(article_id))
        .filter(daily::day.ge(since))
        .select((daily::day, daily::count))
        .load(conn)?;
    let count_on = |date: NaiveDate| {
        buckets
            .iter()
            .find(|(day, _)| *day == date)
            .map_or(0, |(_, count)| *count)
    };
    let days: Vec<DailyViews> = (0..30)
        .map(|back| {
            let date = today - Duration::days(29 - back);
            DailyViews {
                date,
                count: count_on(date),
            }
        })
        .collect();
    let sum_last = |n: usize| days.iter().rev().take(n).map(|day| day.count).sum();
    Ok(ViewStats {
        total,
        last_day: sum_last(1),
        last_week: sum_last(7),
        last_month: sum_last(30),
        daily: days,
    })
}

/// The Trending or Most commented list: the popular articles' summaries, each with its
/// count in the window, the most popular first.
pub fn popular_articles(
    conn: &mut Conn,
    site: &SiteSettings,
    by: PopularBy,
    window: Window,
    limit: i64,
    now: NaiveDateTime,
) -> Result<Vec<PopularArticle>, ApiError> {
    let counts = popular(conn, by, window, limit, now)?;
    let ids: Vec<i64> = counts.iter().map(|(id, _)| *id).collect();
    Ok(with_counts(summaries(conn, site, &ids)?, &counts))
}

/// The most viewed or most commented public articles of the window, with their counts.
pub fn popular(
    conn: &mut Conn,
    by: PopularBy,
    window: Window,
    limit: i64,
    now: NaiveDateTime,
) -> QueryResult<Vec<(i64, i64)>> {
    let since = window
        .days()
        .map(|days| now.date() - Duration::days(days - 1));
    match (by, since) {
        (PopularBy::Views, None) => articles::table
            .filter(public_articles(now))
            .select((articles::id, articles::view_count))
            .order((articles::view_count.desc(), articles::id.desc()))
            .limit(limit)
            .load(conn),
        (PopularBy::Comments, None) => articles::table
            .filter(public_articles(now))
            .select((articles::id, articles::comment_count))
            .order((articles::comment_count.desc(), articles::id.desc()))
            .limit(limit)
            .load(conn),
        (PopularBy::Views, Some(since)) => views_in_window(conn, since, limit, now),
        (PopularBy::Comments, Some(since)) => comments::table
            .inner_join(articles::table)
            .filter(comments::status.eq(CommentStatus::Approved))
            .filter(crate::comments::queries::in_public_thread())
            .filter(comments::created_at.ge(since.and_time(chrono::NaiveTime::MIN)))
            .filter(public_articles(now))
            .group_by(comments::article_id)
            .select((comments::article_id, dsl::count_star()))
            .order((dsl::count_star().desc(), comments::article_id.desc()))
            .limit(limit)
            .load(conn),
    }
}

/// Rows ranked beyond `limit` before the visibility check, for articles unpublished since
/// they were read.
const OVERFETCH: i64 = 20;

/// The most viewed public articles since `since`. Ranking the window's buckets alone and
/// then dropping articles that are no longer public reads a few thousand bucket rows; a
/// join would probe every public article's buckets instead. When too many top articles
/// are gone, the exact join settles it.
fn views_in_window(
    conn: &mut Conn,
    since: NaiveDate,
    limit: i64,
    now: NaiveDateTime,
) -> QueryResult<Vec<(i64, i64)>> {
    let views = dsl::sql::<BigInt>("CAST(SUM(article_views_daily.count) AS BIGINT)");
    let ranked: Vec<(i64, i64)> = daily::table
        .filter(daily::day.ge(since))
        .group_by(daily::article_id)
        .select((daily::article_id, views.clone()))
        .order((views.clone().desc(), daily::article_id.desc()))
        .limit(limit + OVERFETCH)
        .load(conn)?;
    let ids: Vec<i64> = ranked.iter().map(|(id, _)| *id).collect();
    let public: Vec<i64> = articles::table
        .filter(articles::id.eq_any(&ids))
        .filter(public_articles(now))
        .select(articles::id)
        .load(conn)?;
    let visible: Vec<(i64, i64)> = ranked
        .iter()
        .filter(|(id, _)| public.contains(id))
        .take(usize::try_from(limit).unwrap_or(0))
        .copied()
        .collect();
    let exhausted = ranked.len() < usize::try_from(limit + OVERFETCH).unwrap_or(usize::MAX);
    if visible.len() as i64 == limit || exhausted {
        return Ok(visible);
    }
    daily::table
        .inner_join(articles::table)
        .filter(daily::day.ge(since))
        .filter(public_articles(now))
        .group_by(daily::article_id)
        .select((daily::article_id, views.clone()))
        .order((views.desc(), daily::article_id.desc()))
        .limit(limit)
        .load(conn)
}

fn with_counts(summaries: Vec<ArticleSummary>, counts: &[(i64, i64)]) -> Vec<PopularArticle> {
    summaries
        .into_iter()
        .filter_map(|article| {
            let &(_, count) = counts.iter().find(|(id, _)| *id == article.id)?;
            Some(PopularArticle { article, count })
        })
        .collect()
}
