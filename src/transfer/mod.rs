//! `export` and `import`: a whole site as one portable file, to move it between databases
//! (SQLite to PostgreSQL and back) or keep it as a backup.
//!
//! The file is JSON Lines. Line 1 is a header naming the format and its version; then one
//! line per row, `{"table":"users","row":{...}}`, table by table in the order of their
//! references (users, categories, articles, tags, article tags, comments, daily views,
//! refresh tokens, webhooks with their secrets but not their delivery log); the
//! last line counts the rows. What the database derives is not in the file: the search
//! index (SQLite's `articles_fts`, PostgreSQL's `search_vector`) and the public content
//! version are made again by the triggers as the rows go in.

mod rows;

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};

use crate::articles::announce;
use crate::db::schema::{articles, categories, tags, users};
use crate::db::{self, Conn, Db};
use crate::error::ApiError;
use crate::fulltext;
pub use rows::Counts;
use rows::{
    Article, ArticleTag, Category, Comment, Entry, MediaItem, RefreshToken, Table, Tag, User,
    ViewsDay, Webhook,
};

const FORMAT: &str = "newsroom-export";
/// The version of the file's shape; an import reads only its own.
const VERSION: u32 = 1;
/// Rows an export reads at a time.
const PAGE: i64 = 1_000;
/// Rows per INSERT on import, well under SQLite's limit on bound parameters (an article has
/// 23 columns).
const ROWS_PER_INSERT: usize = 500;

/// Line 1 of an export.
#[derive(Debug, Serialize, Deserialize)]
struct Header {
    format: String,
    version: u32,
    /// When it was written, for the people who keep the file; an import ignores it.
    #[serde(default)]
    exported_at: String,
}

/// Writes every row of `db` to `out`, as the database was at one moment: a server may go on
/// writing meanwhile, and what it writes after that moment is not in the file.
pub fn export(db: &Db, out: &mut dyn Write) -> Result<Counts, ApiError> {
    db.snapshot_blocking(|conn| {
        let header = Header {
            format: FORMAT.to_owned(),
            version: VERSION,
            exported_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        };
        write_line(out, &header)?;
        let mut counts = Counts::default();
        export_table::<User>(conn, out, &mut counts)?;
        export_table::<Category>(conn, out, &mut counts)?;
        export_table::<MediaItem>(conn, out, &mut counts)?;
        export_table::<Article>(conn, out, &mut counts)?;
        export_table::<Tag>(conn, out, &mut counts)?;
        export_table::<ArticleTag>(conn, out, &mut counts)?;
        export_table::<Comment>(conn, out, &mut counts)?;
        export_table::<ViewsDay>(conn, out, &mut counts)?;
        export_table::<RefreshToken>(conn, out, &mut counts)?;
        export_table::<Webhook>(conn, out, &mut counts)?;
        write_line(out, &Entry::End(counts))?;
        out.flush().map_err(cannot_write)?;
        Ok(counts)
    })
}

fn export_table<T: Table>(
    conn: &mut Conn,
    out: &mut dyn Write,
    counts: &mut Counts,
) -> Result<(), ApiError> {
    let mut after = None;
    loop {
        let page = T::page(conn, after, PAGE).map_err(|error| refused(error.to_string()))?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = Some(last.key());
        *T::count(counts) += page.len() as u64;
        for row in page {
            write_line(out, &row.into_entry())?;
        }
    }
}

fn write_line(out: &mut dyn Write, line: &impl Serialize) -> Result<(), ApiError> {
    serde_json::to_writer(&mut *out, line).map_err(|error| cannot_write(error.into()))?;
    out.write_all(b"\n").map_err(cannot_write)
}

fn cannot_write(error: std::io::Error) -> ApiError {
    refused(format!("cannot write the export: {error}"))
}

/// Loads an export into `db`, which must hold no content yet: all of it in one transaction,
/// ids kept, or nothing at all.
pub fn import(db: &Db, input: &mut dyn BufRead) -> Result<Counts, ApiError> {
    let counts = db.write_blocking(|conn| {
        // In the transaction: nothing can be written between the check and the load.
        refuse_unless_empty(conn)?;
        let mut lines = Lines { input, number: 0 };
        lines.header()?;
        let counts = fulltext::fts::bulk_load(conn, |conn| Loader::default().run(conn, lines))?;
        // A moved site's articles are not news: only scheduled ones will be told, when due.
        announce::mark_all_announced(conn, crate::time::now())?;
        db::continue_ids_after_explicit_ones(conn).map_err(|error| {
            refused(format!(
                "cannot move the ids past the imported ones: {error}"
            ))
        })?;
        Ok(counts)
    })?;
    // The rows are committed by now: a failure here costs speed until autovacuum runs,
    // not data, so it must not be reported as a failed import.
    if let Err(error) = db.after_bulk_load() {
        tracing::warn!(
            ?error,
            "imported, but could not bring the planner's statistics up to date"
        );
    }
    Ok(counts)
}

/// A site is never merged into another by accident: their ids, slugs and emails would
/// collide, or worse, mix.
fn refuse_unless_empty(conn: &mut Conn) -> Result<(), ApiError> {
    let counted = |table: &str, rows: QueryResult<i64>| {
        rows.map_err(|error| refused(format!("cannot count the {table}: {error}")))
    };
    let users = counted("users", users::table.count().get_result(conn))?;
    let categories = counted("categories", categories::table.count().get_result(conn))?;
    let articles = counted("articles", articles::table.count().get_result(conn))?;
    let tags = counted("tags", tags::table.count().get_result(conn))?;
    if users + categories + articles + tags > 0 {
        return Err(refused(format!(
            "it already holds {users} users, {categories} categories, {articles} articles \
             and {tags} tags; \
             import fills an empty database only, so that a site is never merged into another"
        )));
    }
    Ok(())
}

/// The lines of an export, numbered from 1 as an editor shows them.
struct Lines<'a> {
    input: &'a mut dyn BufRead,
    number: u64,
}

impl Lines<'_> {
    /// The next line, `None` at the end of the file.
    fn next(&mut self) -> Result<Option<String>, ApiError> {
        let mut line = String::new();
        let read = self
            .input
            .read_line(&mut line)
            .map_err(|error| refused(format!("cannot read line {}: {error}", self.number + 1)))?;
        if read == 0 {
            return Ok(None);
        }
        self.number += 1;
        Ok(Some(line))
    }

    fn header(&mut self) -> Result<(), ApiError> {
        let Some(line) = self.next()? else {
            return Err(refused(
                "the file is empty: an export starts with its header".to_owned(),
            ));
        };
        let header: Header = serde_json::from_str(&line).map_err(|_| {
            refused(format!(
                "line 1 is not the header of a newsroom export \
                 ({{\"format\":\"{FORMAT}\",\"version\":{VERSION},...}})"
            ))
        })?;
        if header.format != FORMAT {
            return Err(refused(format!(
                "line 1: not a newsroom export (its format is `{}`, not `{FORMAT}`)",
                header.format
            )));
        }
        if header.version != VERSION {
            return Err(refused(format!(
                "line 1: an export of version {}; this newsroom reads version {VERSION} only",
                header.version
            )));
        }
        Ok(())
    }

    /// The next row or end line; a file without its end line was cut short.
    fn entry(&mut self) -> Result<Entry, ApiError> {
        match self.next()? {
            Some(line) => self.parse(&line),
            None => Err(refused(format!(
                "the file ends after line {} without its end line: it was cut short",
                self.number
            ))),
        }
    }

    /// Nothing may follow the end line.
    fn end(&mut self) -> Result<(), ApiError> {
        match self.next()? {
            None => Ok(()),
            Some(_) => Err(refused(format!(
                "line {}: a line after the end line",
                self.number
            ))),
        }
    }

    /// The line as JSON, or an error naming it (and its column: serde_json's own position
    /// would say "line 1", which is its line of this one line).
    fn parse<T: serde::de::DeserializeOwned>(&self, line: &str) -> Result<T, ApiError> {
        if line.trim().is_empty() {
            return Err(refused(format!("line {} is empty", self.number)));
        }
        serde_json::from_str(line).map_err(|error| {
            let text = error.to_string();
            let what = text.split(" at line ").next().unwrap_or(&text);
            let hint = if error.is_eof() {
                " (the line is cut short)"
            } else {
                ""
            };
            refused(format!(
                "line {}, column {}: {what}{hint}",
                self.number,
                error.column()
            ))
        })
    }
}

/// Inserts rows as they come, a batch of one table at a time.
#[derive(Default)]
struct Loader {
    batch: Vec<Entry>,
    /// The line of the batch's first row.
    first_line: u64,
    counts: Counts,
    /// Each category's parent, set once every category is in: a category may have been
    /// moved under a newer one, whose row comes later in the file, possibly in a later
    /// batch (within one INSERT, both databases check references at its end).
    parents: Vec<(i64, i64)>,
}

impl Loader {
    fn run(mut self, conn: &mut Conn, mut lines: Lines<'_>) -> Result<Counts, ApiError> {
        loop {
            match lines.entry()? {
                Entry::End(written) => {
                    self.flush(conn, lines.number - 1)?;
                    self.set_parents(conn)?;
                    lines.end()?;
                    if written != self.counts {
                        return Err(refused(format!(
                            "the end line counts {written}, but the file holds {}",
                            self.counts
                        )));
                    }
                    return Ok(self.counts);
                }
                entry => {
                    let other_table = self.batch.first().is_some_and(|first| {
                        std::mem::discriminant(first) != std::mem::discriminant(&entry)
                    });
                    if other_table || self.batch.len() == ROWS_PER_INSERT {
                        self.flush(conn, lines.number - 1)?;
                    }
                    if self.batch.is_empty() {
                        self.first_line = lines.number;
                    }
                    self.batch.push(entry);
                }
            }
        }
    }

    /// Inserts the batch, whose last row is on `last_line`.
    fn flush(&mut self, conn: &mut Conn, last_line: u64) -> Result<(), ApiError> {
        let batch = std::mem::take(&mut self.batch);
        let inserted = match batch.first() {
            None => return Ok(()),
            Some(Entry::Users(_)) => self.insert::<User>(conn, rows(batch)),
            Some(Entry::Categories(_)) => {
                let mut categories: Vec<Category> = rows(batch);
                self.parents
                    .extend(categories.iter_mut().filter_map(|category| {
                        category
                            .parent_id
                            .take()
                            .map(|parent| (category.id, parent))
                    }));
                self.insert(conn, categories)
            }
            Some(Entry::Media(_)) => self.insert::<MediaItem>(conn, rows(batch)),
            Some(Entry::Articles(_)) => self.insert::<Article>(conn, rows(batch)),
            Some(Entry::Tags(_)) => self.insert::<Tag>(conn, rows(batch)),
            Some(Entry::ArticleTags(_)) => self.insert::<ArticleTag>(conn, rows(batch)),
            Some(Entry::Comments(_)) => self.insert::<Comment>(conn, rows(batch)),
            Some(Entry::ArticleViewsDaily(_)) => self.insert::<ViewsDay>(conn, rows(batch)),
            Some(Entry::RefreshTokens(_)) => self.insert::<RefreshToken>(conn, rows(batch)),
            Some(Entry::Webhooks(_)) => self.insert::<Webhook>(conn, rows(batch)),
            Some(Entry::End(_)) => Ok(()),
        };
        inserted
            .map_err(|error| refused(format!("lines {} to {last_line}: {error}", self.first_line)))
    }

    fn insert<T: Table>(&mut self, conn: &mut Conn, rows: Vec<T>) -> QueryResult<()> {
        T::insert(conn, &rows)?;
        *T::count(&mut self.counts) += rows.len() as u64;
        Ok(())
    }

    fn set_parents(&self, conn: &mut Conn) -> Result<(), ApiError> {
        for &(id, parent) in &self.parents {
            diesel::update(categories::table.find(id))
                .set(categories::parent_id.eq(parent))
                .execute(conn)
                .map_err(|error| refused(format!("category {id}: its parent {parent}: {error}")))?;
        }
        Ok(())
    }
}

/// The rows of a batch of one table.
fn rows<T: Table>(batch: Vec<Entry>) -> Vec<T> {
    batch.into_iter().filter_map(T::from_entry).collect()
}

/// Why the command stopped, for the operator: `BadRequest` is the error whose text is the
/// message itself, which the command line prints. (A database error turned into an
/// `ApiError` by `?` would only say "internal error".)
fn refused(message: String) -> ApiError {
    ApiError::BadRequest(message)
}
