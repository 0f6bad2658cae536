//! Everything search asks of the database's full-text engine, and the only place that speaks
//! it. On SQLite, FTS5: the `articles_fts` index (created, and kept in step by triggers, in
//! `migrations/sqlite/2026-11-25-000001_initial_schema/up.sql`), its query syntax, the
//! newest matches and counts, and bulk loads that index once at their end. On PostgreSQL
//! (the `postgres` module below), a `tsvector` column, a GIN index and `@@`. Ranking and
//! snippets are made in Rust (`rank.rs`, `snippet.rs`), the same on either database. What a
//! reader typed reaches SQL only as a bound value.

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::expression::BoxableExpression;
use diesel::prelude::*;
use diesel::query_builder::QueryFragment;
use diesel::sql_types::{BigInt, Bool, Text};
use diesel::sqlite::{Sqlite, SqliteConnection};

use super::rank::Candidate;
use super::terms::SearchTerms;
use crate::auth::policy::{public_articles, scheduled_articles};
use crate::db::raw::RawQuery;
use crate::db::schema::articles;
use crate::db::{AnyConnection, Backend, Conn};
use crate::domain::ArticleStatus;

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
    terms
        .words_as_prefix()
        .map(|(word, prefix)| {
            // Words are letters and digits only, but a quote inside a string would be doubled.
            let quoted = format!("\"{}\"", word.replace('"', "\"\""));
            if prefix { quoted + "*" } else { quoted }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// "The article matches the terms", as a filter of any query on `articles`, in the SQL of
/// the database `conn` is connected to.
pub fn matching(
    conn: &Conn,
    terms: &SearchTerms,
) -> Box<dyn BoxableExpression<articles::table, Backend, SqlType = Bool>> {
    match conn {
        AnyConnection::Sqlite(_) => Box::new(
            sql::<Bool>("articles.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ")
                .bind::<Text, _>(match_expression(terms))
                .sql(")"),
        ),
        AnyConnection::Postgres(_) => Box::new(postgres::matching(terms)),
    }
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

/// Where to look: the terms, the instant that decides what is public, and the categories
/// (with their descendants) when the search is limited to some.
pub struct Scope<'a> {
    terms: &'a SearchTerms,
    /// The terms as a [`match_expression`], for FTS5.
    expression: String,
    now: NaiveDateTime,
    category_ids: Option<&'a [i64]>,
}

type Query = RawQuery<Sqlite>;

/// A query to finish with a [`Scope`]: its `head`, a SELECT list (maybe after a WITH).
fn select(head: &str) -> Query {
    RawQuery::new(head)
}

impl<'a> Scope<'a> {
    pub fn new(
        terms: &'a SearchTerms,
        now: NaiveDateTime,
        category_ids: Option<&'a [i64]>,
    ) -> Self {
        Self {
            terms,
            expression: match_expression(terms),
            now,
            category_ids,
        }
    }

    /// `head` over the matches among `articles` (a filter of the policy's, public or
    /// scheduled ones), for the caller to finish with more conditions, an order and a limit.
    ///
    /// The index drives the join (CROSS JOIN keeps that order), so a query ordered by rowid
    /// stops after its limit. Status, date and category come from a small covering index
    /// rather than from the article rows, whose status and date sit behind the long content
    /// columns.
    fn matches_among(
        &self,
        head: Query,
        articles: impl QueryFragment<Sqlite> + Send + 'static,
    ) -> Query {
        head.sql(
            " FROM articles_fts \
             CROSS JOIN articles INDEXED BY articles_search_visibility \
                 ON articles.id = articles_fts.rowid \
             WHERE articles_fts MATCH ",
        )
        .bind::<Text, _>(self.expression.clone())
        .sql(" AND ")
        .expression(articles)
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
        head.sql(" FROM articles_fts WHERE articles_fts MATCH ")
            .bind::<Text, _>(format!(
                "{} NOT ({})",
                self.expression,
                unpublished.join(" OR ")
            ))
    }

    /// `head` over the matches the public may see (in the categories, when given).
    fn public_matches(&self, head: Query) -> Query {
        let query = self.matches_among(head, public_articles(self.now));
        match self.category_ids {
            None => query,
            Some(ids) => query
                .sql(" AND articles.category_id IN (SELECT value FROM json_each(")
                .bind::<Text, _>(json_array(ids))
                .sql("))"),
        }
    }
}

/// The `limit` newest public matches (by id, that is by creation), with what ranks them.
/// The newest are found through the index and its small covering index, then only their
/// titles and excerpts are read, which sit before the long columns of a row.
pub fn newest_matches(conn: &mut Conn, scope: &Scope, limit: i64) -> QueryResult<Vec<Candidate>> {
    match conn {
        AnyConnection::Sqlite(conn) => sqlite_newest_matches(conn, scope, limit),
        AnyConnection::Postgres(conn) => postgres::newest_matches(conn, scope, limit),
    }
}

fn sqlite_newest_matches(
    conn: &mut SqliteConnection,
    scope: &Scope,
    limit: i64,
) -> QueryResult<Vec<Candidate>> {
    scope
        .public_matches(select(
            "SELECT newest.id, article.title, article.excerpt \
             FROM (SELECT articles_fts.rowid AS id",
        ))
        .sql(" ORDER BY articles_fts.rowid DESC LIMIT ")
        .bind::<BigInt, _>(limit)
        .sql(") AS newest CROSS JOIN articles AS article ON article.id = newest.id")
        .load(conn)
}

/// How many public matches there are.
pub fn count_matches(conn: &mut Conn, scope: &Scope) -> QueryResult<i64> {
    match conn {
        AnyConnection::Sqlite(conn) => sqlite_count_matches(conn, scope),
        AnyConnection::Postgres(conn) => postgres::count_matches(conn, scope),
    }
}

fn sqlite_count_matches(conn: &mut SqliteConnection, scope: &Scope) -> QueryResult<i64> {
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
        .matches_among(
            select("SELECT count(*) AS count"),
            scheduled_articles(scope.now),
        )
        .sql(" AND articles_fts.rowid >= (SELECT min(id) FROM articles WHERE ")
        .expression(scheduled_articles(scope.now))
        .sql(")")
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
    match conn {
        AnyConnection::Sqlite(conn) => sqlite_older_matches(conn, scope, before, offset, limit),
        AnyConnection::Postgres(conn) => {
            postgres::older_matches(conn, scope, before, offset, limit)
        }
    }
}

fn sqlite_older_matches(
    conn: &mut SqliteConnection,
    scope: &Scope,
    before: i64,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    let older: Vec<Id> = scope
        .public_matches(select("SELECT articles_fts.rowid AS id"))
        .sql(" AND articles_fts.rowid < ")
        .bind::<BigInt, _>(before)
        .sql(" ORDER BY articles_fts.rowid DESC LIMIT ")
        .bind::<BigInt, _>(limit)
        .sql(" OFFSET ")
        .bind::<BigInt, _>(offset)
        .load(conn)?;
    Ok(older.into_iter().map(|row| row.id).collect())
}

/// Runs `load`, which inserts many articles, with the index built once at its end rather
/// than row by row (twice as fast for 100,000 articles). Call it inside a write: the load
/// and the index commit together, or neither does.
pub fn bulk_load<T, E: From<diesel::result::Error>>(
    conn: &mut Conn,
    load: impl FnOnce(&mut Conn) -> Result<T, E>,
) -> Result<T, E> {
    // PostgreSQL's index is a column its trigger fills row by row, fast enough.
    if let AnyConnection::Postgres(_) = conn {
        return load(conn);
    }
    diesel::sql_query("UPDATE search_bulk_load SET active = 1").execute(conn)?;
    let loaded = load(conn)?;
    diesel::sql_query("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
        .execute(conn)?;
    diesel::sql_query("UPDATE search_bulk_load SET active = 0").execute(conn)?;
    Ok(loaded)
}

/// Search on PostgreSQL: the `search_vector` column its trigger keeps (the words of title,
/// excerpt and text, `migrations/postgres`), its GIN index, and the same public rule; the
/// queries are plain diesel, since PostgreSQL's planner joins the index well on its own.
mod postgres {
    use diesel::dsl::AsExprOf;
    use diesel::dsl::sql;
    use diesel::expression::{SqlLiteral, UncheckedBind};
    use diesel::pg::PgConnection;
    use diesel::prelude::*;
    use diesel::sql_types::{Bool, Text};

    use super::{Candidate, Scope};
    use crate::auth::policy::public_articles;
    use crate::db::schema::articles;
    use crate::fulltext::terms::SearchTerms;

    /// The terms as a `tsquery`: every word required, the last one also as a prefix when it
    /// is one. Words are letters and digits only, so quoting each makes nothing an operator.
    pub fn tsquery(terms: &SearchTerms) -> String {
        let lexemes: Vec<String> = terms
            .words_as_prefix()
            .map(|(word, prefix)| {
                // As typed: the `simple_unaccent` configuration folds case and accents as
                // it did for the index (`Zürich` finds `Zurich`); Rust's Latin folding
                // would make Greek or Cyrillic words match nothing.
                let quoted = format!("'{}'", word.replace('\'', "''"));
                if prefix { quoted + ":*" } else { quoted }
            })
            .collect();
        lexemes.join(" & ")
    }

    /// `search_vector @@ tsquery`, as an expression either backend can render. No words
    /// (only symbols) make an empty `tsquery`, which matches nothing.
    pub type Matching = SqlLiteral<Bool, UncheckedBind<SqlLiteral<Bool>, AsExprOf<String, Text>>>;

    pub fn matching(terms: &SearchTerms) -> Matching {
        sql::<Bool>("articles.search_vector @@ to_tsquery('simple_unaccent', ")
            .bind::<Text, _>(tsquery(terms))
            .sql(")")
    }

    fn public_matches(scope: &Scope) -> articles::BoxedQuery<'static, diesel::pg::Pg> {
        let query = articles::table
            .filter(public_articles(scope.now))
            .filter(matching(scope.terms))
            .into_boxed();
        match scope.category_ids {
            None => query,
            Some(ids) => query.filter(articles::category_id.eq_any(ids.to_vec())),
        }
    }

    pub fn newest_matches(
        conn: &mut PgConnection,
        scope: &Scope,
        limit: i64,
    ) -> QueryResult<Vec<Candidate>> {
        public_matches(scope)
            .order(articles::id.desc())
            .limit(limit)
            .select((articles::id, articles::title, articles::excerpt))
            .load(conn)
    }

    pub fn count_matches(conn: &mut PgConnection, scope: &Scope) -> QueryResult<i64> {
        public_matches(scope).count().get_result(conn)
    }

    pub fn older_matches(
        conn: &mut PgConnection,
        scope: &Scope,
        before: i64,
        offset: i64,
        limit: i64,
    ) -> QueryResult<Vec<i64>> {
        public_matches(scope)
            .filter(articles::id.lt(before))
            .order(articles::id.desc())
            .limit(limit)
            .offset(offset)
            .select(articles::id)
            .load(conn)
    }
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
