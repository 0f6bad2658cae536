//! Everything search asks of SQLite's FTS5, and the only place that speaks it: the
//! `articles_fts` index (created, filled and kept in step by triggers in
//! `migrations/2026-11-26-000006_search_status`), its query syntax, ranking with FTS5's
//! built-in `bm25`, counts and snippets.
//! Another backend would replace this file (PostgreSQL: `tsvector`, `ts_rank`,
//! `ts_headline`). What a reader typed reaches SQL only as a bound value.

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::expression::BoxableExpression;
use diesel::prelude::*;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{BigInt, Bool, Integer, Text, Timestamp};
use diesel::sqlite::Sqlite;
use std::collections::HashMap;

use super::model::SearchTerms;
use crate::articles::model::ArticleStatus;
use crate::db::Conn;
use crate::db::schema::articles;

/// Where a match starts and ends in a snippet as FTS5 returns it: private-use characters,
/// which `model::highlighted_html` turns into `<mark>` tags after escaping the text.
pub const MATCH_START: char = '\u{E000}';
pub const MATCH_END: char = '\u{E001}';
/// Words in a snippet, at most.
const SNIPPET_WORDS: i32 = 24;
/// `bm25`'s weight of a match in each column of the index, in order: a match in the title
/// weighs ten times one in the text, one in the excerpt three times; the status is no text.
const COLUMN_WEIGHTS: &str = "10.0, 3.0, 1.0, 0.0";

/// What the index's `search_status` column holds before an article's status, so that the
/// status is a word no reader can type (their words are letters and digits).
const STATUS_MARK: char = '\u{E002}';

/// The terms in FTS5 query syntax: every word a quoted string, so that nothing typed is an
/// operator or a column name; all of them must match (juxtaposed strings are an AND); the
/// last one with `*` when it matches as a prefix. No words make the empty string `""`,
/// which matches nothing.
pub fn match_expression(terms: &SearchTerms) -> String {
    if terms.words().is_empty() {
        return "\"\"".to_owned();
    }
    let last = terms.words().len() - 1;
    terms
        .words()
        .iter()
        .enumerate()
        .map(|(i, word)| {
            // Words are letters and digits only, but a quote inside a string would be doubled.
            let quoted = format!("\"{}\"", word.replace('"', "\"\""));
            if i == last && terms.last_is_prefix() {
                quoted + "*"
            } else {
                quoted
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// "The article matches the terms", as a filter of any query on `articles`.
pub fn matching(
    terms: &SearchTerms,
) -> Box<dyn BoxableExpression<articles::table, Sqlite, SqlType = Bool>> {
    Box::new(
        sql::<Bool>("articles.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ")
            .bind::<Text, _>(match_expression(terms))
            .sql(")"),
    )
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    count: i64,
}

/// Where to look: the terms as a [`match_expression`], the instant that decides what is
/// public, and the categories (with their descendants) when the search is limited to some.
pub struct Scope<'a> {
    pub expression: &'a str,
    pub now: NaiveDateTime,
    pub category_ids: Option<&'a [i64]>,
}

type Query = BoxedSqlQuery<'static, Sqlite, SqlQuery>;

/// A query to finish with a [`Scope`]: its `head`, a SELECT list (maybe after a WITH).
fn select(head: &str) -> Query {
    diesel::sql_query(head).into_boxed()
}

impl Scope<'_> {
    /// `head` over the published matches whose date is `when` (`<=`: public now, `>`:
    /// scheduled), for the caller to finish with more conditions, an order and a limit.
    ///
    /// The index drives the join (CROSS JOIN keeps that order), so a query ordered by rowid
    /// stops after its limit. Status, date and category come from a small covering index
    /// rather than from the article rows, whose status and date sit behind the long content
    /// columns. The visibility rule is `articles::queries::is_public`.
    fn published_matches(&self, head: Query, when: &str) -> Query {
        head.sql(format!(
            " FROM articles_fts \
             CROSS JOIN articles INDEXED BY articles_search_visibility \
                 ON articles.id = articles_fts.rowid \
             WHERE articles_fts MATCH ? AND articles.status = ? AND articles.published_at {when} ?"
        ))
        .bind::<Text, _>(self.expression.to_owned())
        .bind::<Text, _>(ArticleStatus::Published)
        .bind::<Timestamp, _>(self.now)
    }

    /// `head` over the matches whose status is `published` (scheduled ones too), read from
    /// the index alone: the words, and none of the other statuses, which are few and so
    /// cheaper to rule out than `published` is to require.
    fn published_in_index(&self, head: Query) -> Query {
        let unpublished: Vec<String> = ArticleStatus::ALL
            .iter()
            .filter(|&&status| status != ArticleStatus::Published)
            .map(|status| format!("\"{STATUS_MARK}{}\"", status.as_str()))
            .collect();
        head.sql(" FROM articles_fts WHERE articles_fts MATCH ?")
            .bind::<Text, _>(format!(
                "{} NOT ({})",
                self.expression,
                unpublished.join(" OR ")
            ))
    }

    /// `head` over the matches the public may see (in the categories, when given).
    fn public_matches(&self, head: Query) -> Query {
        let query = self.published_matches(head, "<=");
        match self.category_ids {
            None => query,
            Some(ids) => query
                .sql(" AND articles.category_id IN (SELECT value FROM json_each(?))")
                .bind::<Text, _>(json_array(ids)),
        }
    }
}

/// The ids of the `limit` newest public matches (by id, that is by creation), best first by
/// bm25 with [`COLUMN_WEIGHTS`], then the most recently written. Only those are ranked:
/// bm25 is computed for each, so the limit bounds the work of a broad query.
pub fn ranked_matches(conn: &mut Conn, scope: &Scope, limit: i64) -> QueryResult<Vec<i64>> {
    let head = format!(
        "WITH matches AS MATERIALIZED (SELECT articles_fts.rowid AS id, \
         bm25(articles_fts, {COLUMN_WEIGHTS}) AS score"
    );
    let ranked: Vec<Id> = scope
        .public_matches(select(&head))
        .sql(
            " ORDER BY articles_fts.rowid DESC LIMIT ?) \
             SELECT id FROM matches ORDER BY score, id DESC",
        )
        .bind::<BigInt, _>(limit)
        .load(conn)?;
    Ok(ranked.into_iter().map(|row| row.id).collect())
}

/// How many public matches there are.
pub fn count_matches(conn: &mut Conn, scope: &Scope) -> QueryResult<i64> {
    if scope.category_ids.is_some() {
        let row: Count = scope
            .public_matches(select("SELECT count(*) AS count"))
            .get_result(conn)?;
        return Ok(row.count);
    }
    // Without a category the index alone counts the published matches, reading no article
    // row: a hundred thousand matches take a few milliseconds this way, and tens with a
    // lookup per match. Less the scheduled ones.
    let published: Count = scope
        .published_in_index(select("SELECT count(*) AS count"))
        .get_result(conn)?;
    // Scheduled articles are the latest written: the lookups start at the oldest of them.
    let scheduled: Count = scope
        .published_matches(select("SELECT count(*) AS count"), ">")
        .sql(
            " AND articles_fts.rowid >= ( \
                 SELECT min(id) FROM articles WHERE status = ? AND published_at > ?)",
        )
        .bind::<Text, _>(ArticleStatus::Published)
        .bind::<Timestamp, _>(scope.now)
        .get_result(conn)?;
    Ok(published.count - scheduled.count)
}

/// The ids of public matches created before article `before`, newest first, from `offset`.
pub fn older_matches(
    conn: &mut Conn,
    scope: &Scope,
    before: i64,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    let older: Vec<Id> = scope
        .public_matches(select("SELECT articles_fts.rowid AS id"))
        .sql(" AND articles_fts.rowid < ? ORDER BY articles_fts.rowid DESC LIMIT ? OFFSET ?")
        .bind::<BigInt, _>(before)
        .bind::<BigInt, _>(limit)
        .bind::<BigInt, _>(offset)
        .load(conn)?;
    Ok(older.into_iter().map(|row| row.id).collect())
}

#[derive(QueryableByName)]
struct Snippet {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    snippet: String,
}

/// A snippet of each of these articles matching `expression` (a [`match_expression`]), by
/// id: a passage of the column that matches best, matches between [`MATCH_START`] and
/// [`MATCH_END`], `…` where it was cut.
pub fn snippets(
    conn: &mut Conn,
    expression: &str,
    ids: &[i64],
) -> QueryResult<HashMap<i64, String>> {
    let (Some(&first), Some(&last)) = (ids.iter().min(), ids.iter().max()) else {
        return Ok(HashMap::new());
    };
    // One pass over the range of ids, not one query per id: each query would expand a
    // prefix again. `+rowid` keeps the id list from being used as one lookup per id.
    let rows: Vec<Snippet> = diesel::sql_query(
        "SELECT rowid AS id, snippet(articles_fts, -1, ?, ?, '…', ?) AS snippet \
         FROM articles_fts \
         WHERE articles_fts MATCH ? AND rowid BETWEEN ? AND ? \
             AND +rowid IN (SELECT value FROM json_each(?))",
    )
    .bind::<Text, _>(MATCH_START.to_string())
    .bind::<Text, _>(MATCH_END.to_string())
    .bind::<Integer, _>(SNIPPET_WORDS)
    .bind::<Text, _>(expression)
    .bind::<BigInt, _>(first)
    .bind::<BigInt, _>(last)
    .bind::<Text, _>(json_array(ids))
    .load(conn)?;
    Ok(rows.into_iter().map(|row| (row.id, row.snippet)).collect())
}

/// Runs `load`, which inserts many articles, with the index built once at its end rather
/// than row by row (twice as fast for 100,000 articles). Call it inside a write: the load
/// and the index commit together, or neither does.
pub fn bulk_load<T, E: From<diesel::result::Error>>(
    conn: &mut Conn,
    load: impl FnOnce(&mut Conn) -> Result<T, E>,
) -> Result<T, E> {
    diesel::sql_query("UPDATE search_bulk_load SET active = 1").execute(conn)?;
    let loaded = load(conn)?;
    diesel::sql_query("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
        .execute(conn)?;
    diesel::sql_query("UPDATE search_bulk_load SET active = 0").execute(conn)?;
    Ok(loaded)
}

fn json_array(ids: &[i64]) -> String {
    let items: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!("[{}]", items.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expression(text: &str) -> String {
        SearchTerms::parse("q", text)
            .map(|terms| match_expression(&terms))
            .unwrap_or_default()
    }

    #[test]
    fn every_word_is_quoted_and_the_last_is_a_prefix() {
        assert_eq!(expression("Montere"), "\"montere\"*");
        assert_eq!(expression("port expansion"), "\"port\" \"expansion\"*");
        assert_eq!(expression("port e"), "\"port\" \"e\"");
    }

    #[test]
    fn a_query_without_words_is_the_empty_string() {
        assert_eq!(expression("🦘 ∑"), "\"\"");
    }

    #[test]
    fn operators_and_syntax_are_only_separators() {
        assert_eq!(
            expression("title: \"a\" OR NEAR(b c) -d ^efg*"),
            "\"title\" \"a\" \"or\" \"near\" \"b\" \"c\" \"d\" \"efg\"*"
        );
    }

    #[test]
    fn ids_travel_as_a_json_array() {
        assert_eq!(json_array(&[3, 1, 2]), "[3,1,2]");
        assert_eq!(json_array(&[]), "[]");
    }
}
