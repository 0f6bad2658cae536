//! `remembered_bm25`, an FTS5 ranking function: FTS5's own `bm25`, except that how many
//! articles hold each word is remembered from one search to the next.
//!
//! `bm25` weighs a word by how rare it is, and counts that afresh in every query by reading
//! the word's whole list of articles: for a word in a fifth of 100,000 articles, more than
//! ranking the thousand newest matches takes. A search box asks for the same words over and
//! over ("police", "police st", "police sta"), and those counts barely move as articles are
//! written, so each is remembered per database file until the number of indexed articles
//! moves by more than [`DRIFT`]. Scores are then those of `bm25` up to that drift.
//!
//! SQL: `remembered_bm25(articles_fts, words, weight, ...)`: `words` names the query's
//! phrases in order, separated by spaces (a phrase beyond them, or a query whose phrases
//! they do not name, is counted as `bm25` does); the weights are `bm25`'s, per column.

use libsqlite3_sys as ffi;
use std::collections::HashMap;
use std::ffi::{CStr, c_char, c_int, c_void};
use std::ptr;
use std::sync::{Arc, LazyLock, Mutex, Once, PoisonError};

use crate::db::BUSY_TIMEOUT_MS;

/// The function's name in SQL.
pub const NAME: &str = "remembered_bm25";
const C_NAME: &CStr = c"remembered_bm25";
/// bm25's constants, as FTS5 sets them.
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// How far (a fraction of the indexed rows) the row count may move before a remembered
/// count is counted again.
const DRIFT: f64 = 0.01;
/// Words remembered per database, at most; more are forgotten all at once.
const MAX_WORDS: usize = 65_536;

/// Adds the function to every SQLite connection the process opens from now on.
pub fn register() {
    static ONCE: Once = Once::new();
    // SAFETY: `init` is an entry point of the signature SQLite calls, and stays valid.
    ONCE.call_once(|| unsafe {
        ffi::sqlite3_auto_extension(Some(init));
    });
}

/// How many rows hold each word, by word, with the row count when they were counted.
#[derive(Default)]
struct Frequencies(Mutex<HashMap<String, (i64, i64)>>);

impl Frequencies {
    /// The connections of one database file share its counts; an in-memory database has
    /// its own.
    fn of(file: &str) -> Arc<Self> {
        static BY_FILE: LazyLock<Mutex<HashMap<String, Arc<Frequencies>>>> =
            LazyLock::new(Mutex::default);
        if file.is_empty() {
            return Arc::default();
        }
        let mut by_file = BY_FILE.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(by_file.entry(file.to_owned()).or_default())
    }

    fn get(&self, word: &str, rows: i64) -> Option<i64> {
        let words = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let &(hits, counted_at) = words.get(word)?;
        let drift = (rows - counted_at).abs() as f64;
        (drift <= DRIFT * counted_at as f64).then_some(hits)
    }

    fn put(&self, word: &str, rows: i64, hits: i64) {
        let mut words = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if words.len() >= MAX_WORDS {
            words.clear();
        }
        words.insert(word.to_owned(), (hits, rows));
    }
}

/// Runs when a connection opens: finds its FTS5 API and adds the function to it.
unsafe extern "C" fn init(
    db: *mut ffi::sqlite3,
    _error: *mut *mut c_char,
    _api: *const ffi::sqlite3_api_routines,
) -> c_int {
    // SAFETY: SQLite calls this with an open connection.
    let (api, file) = unsafe {
        // Finding the API reads the schema, which waits while another connection writes or
        // recovers the WAL index. The pool's pragmas set a busy timeout only after the open,
        // so without this the lookup fails at once, and the open with it: r2d2 then logged
        // `ERROR r2d2: SQL logic error` at start and tried again.
        ffi::sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
        (fts5_api(db), file_name(db))
    };
    let Some(create) = (!api.is_null())
        .then(|| unsafe { (*api).xCreateFunction })
        .flatten()
    else {
        return ffi::SQLITE_ERROR;
    };
    let counts = Box::into_raw(Box::new(Frequencies::of(&file)));
    // SAFETY: the API is the connection's; SQLite hands `counts` back to `drop_counts`
    // when the connection closes. Should the call fail, the connection fails to open and
    // the box is lost: a few bytes.
    unsafe {
        create(
            api,
            C_NAME.as_ptr(),
            counts.cast(),
            Some(remembered_bm25),
            Some(drop_counts),
        )
    }
}

unsafe extern "C" fn drop_counts(counts: *mut c_void) {
    // SAFETY: `counts` is the box `init` leaked, handed back once.
    drop(unsafe { Box::from_raw(counts.cast::<Arc<Frequencies>>()) });
}

/// The connection's FTS5 API, found the way SQLite documents: `SELECT fts5(?)` with a
/// pointer bound. Null when FTS5 is missing.
unsafe fn fts5_api(db: *mut ffi::sqlite3) -> *mut ffi::fts5_api {
    let mut api: *mut ffi::fts5_api = ptr::null_mut();
    let mut statement = ptr::null_mut();
    // SAFETY: `db` is open; `api` outlives the statement, finalized before returning.
    unsafe {
        let sql = c"SELECT fts5(?1)";
        if ffi::sqlite3_prepare_v2(db, sql.as_ptr(), -1, &mut statement, ptr::null_mut())
            != ffi::SQLITE_OK
        {
            return ptr::null_mut();
        }
        let pointer: *mut *mut ffi::fts5_api = &mut api;
        ffi::sqlite3_bind_pointer(statement, 1, pointer.cast(), c"fts5_api_ptr".as_ptr(), None);
        ffi::sqlite3_step(statement);
        ffi::sqlite3_finalize(statement);
    }
    api
}

/// The file of the connection's main database; empty for one in memory.
unsafe fn file_name(db: *mut ffi::sqlite3) -> String {
    // SAFETY: `db` is open; SQLite owns the returned string while it stays open.
    unsafe {
        let name = ffi::sqlite3_db_filename(db, c"main".as_ptr());
        match name.is_null() {
            true => String::new(),
            false => CStr::from_ptr(name).to_string_lossy().into_owned(),
        }
    }
}

/// What a query computes once, on its first row.
struct Query {
    avgdl: f64,
    idf: Vec<f64>,
    weights: Vec<f64>,
    /// Each phrase's weighted frequency in the current row.
    freq: Vec<f64>,
}

unsafe extern "C" fn drop_query(query: *mut c_void) {
    // SAFETY: `query` is the box `Call::query` leaked, handed back once.
    drop(unsafe { Box::from_raw(query.cast::<Query>()) });
}

unsafe extern "C" fn remembered_bm25(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    context: *mut ffi::sqlite3_context,
    argc: c_int,
    argv: *mut *mut ffi::sqlite3_value,
) {
    let args = match usize::try_from(argc) {
        // SAFETY: SQLite passes `argc` values.
        Ok(count) if count > 0 && !argv.is_null() => unsafe {
            std::slice::from_raw_parts(argv, count)
        },
        _ => &[],
    };
    // SAFETY: SQLite passes its API and the query's context for the current row.
    let call = Call {
        api: unsafe { &*api },
        fts,
    };
    // SAFETY: as above; `context` is this call's.
    unsafe {
        match call.score(args) {
            // Like bm25: negative, so that the best sort first.
            Ok(score) => ffi::sqlite3_result_double(context, -score),
            Err(code) => ffi::sqlite3_result_error_code(context, code),
        }
    }
}

/// One call of the function: FTS5's API over the current row of a query.
struct Call<'a> {
    api: &'a ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
}

/// An FTS5 API entry, or `SQLITE_MISUSE` if this SQLite lacks it.
fn entry<F>(function: Option<F>) -> Result<F, c_int> {
    function.ok_or(ffi::SQLITE_MISUSE)
}

fn check(code: c_int) -> Result<(), c_int> {
    match code {
        ffi::SQLITE_OK => Ok(()),
        error => Err(error),
    }
}

impl Call<'_> {
    /// bm25 of the current row, as FTS5 computes it.
    unsafe fn score(&self, args: &[*mut ffi::sqlite3_value]) -> Result<f64, c_int> {
        // SAFETY: the API calls get this call's context, and out-pointers to locals.
        unsafe {
            let query = &mut *self.query(args)?;
            query.freq.fill(0.0);
            let mut instances = 0;
            check(entry(self.api.xInstCount)?(self.fts, &mut instances))?;
            for i in 0..instances {
                let (mut phrase, mut column, mut offset) = (0, 0, 0);
                check(entry(self.api.xInst)?(
                    self.fts,
                    i,
                    &mut phrase,
                    &mut column,
                    &mut offset,
                ))?;
                let weight = usize::try_from(column)
                    .ok()
                    .and_then(|column| query.weights.get(column))
                    .unwrap_or(&1.0);
                if let Some(freq) = usize::try_from(phrase)
                    .ok()
                    .and_then(|phrase| query.freq.get_mut(phrase))
                {
                    *freq += weight;
                }
            }
            let mut tokens = 0;
            check(entry(self.api.xColumnSize)?(self.fts, -1, &mut tokens))?;
            let length = 1.0 - B + B * f64::from(tokens) / query.avgdl;
            Ok(query
                .idf
                .iter()
                .zip(&query.freq)
                .map(|(idf, freq)| idf * (freq * (K1 + 1.0)) / (freq + K1 * length))
                .sum())
        }
    }

    /// The query's figures, computed on its first row and kept with it by FTS5.
    unsafe fn query(&self, args: &[*mut ffi::sqlite3_value]) -> Result<*mut Query, c_int> {
        // SAFETY: as in `score`; the aux data is only ever a `Query` box.
        unsafe {
            let kept = entry(self.api.xGetAuxdata)?(self.fts, 0);
            if !kept.is_null() {
                return Ok(kept.cast());
            }
            let query = Box::into_raw(Box::new(self.new_query(args)?));
            check(entry(self.api.xSetAuxdata)?(
                self.fts,
                query.cast(),
                Some(drop_query),
            ))?;
            Ok(query)
        }
    }

    unsafe fn new_query(&self, args: &[*mut ffi::sqlite3_value]) -> Result<Query, c_int> {
        // SAFETY: as in `score`; the user data is the `Arc<Frequencies>` `init` gave.
        unsafe {
            let (mut rows, mut tokens) = (0, 0);
            check(entry(self.api.xRowCount)?(self.fts, &mut rows))?;
            check(entry(self.api.xColumnTotalSize)?(self.fts, -1, &mut tokens))?;
            let phrases = usize::try_from(entry(self.api.xPhraseCount)?(self.fts)).unwrap_or(0);
            let counts = &*entry(self.api.xUserData)?(self.fts).cast::<Arc<Frequencies>>();
            let words = args.first().map(|&value| text(value)).unwrap_or_default();
            let words: Vec<&str> = words.split(' ').filter(|word| !word.is_empty()).collect();
            let mut idf = Vec::with_capacity(phrases);
            for phrase in 0..phrases {
                let word = words.get(phrase).filter(|_| words.len() <= phrases);
                let hits = match word.and_then(|word| counts.get(word, rows)) {
                    Some(hits) => hits,
                    None => {
                        let hits = self.rows_with(phrase)?;
                        if let Some(word) = word {
                            counts.put(word, rows, hits);
                        }
                        hits
                    }
                };
                idf.push(inverse_document_frequency(rows, hits));
            }
            Ok(Query {
                avgdl: tokens as f64 / rows.max(1) as f64,
                idf,
                weights: args
                    .iter()
                    .skip(1)
                    .map(|&value| ffi::sqlite3_value_double(value))
                    .collect(),
                freq: vec![0.0; phrases],
            })
        }
    }

    /// How many rows hold the phrase: a pass over all of them.
    unsafe fn rows_with(&self, phrase: usize) -> Result<i64, c_int> {
        unsafe extern "C" fn count_row(
            _api: *const ffi::Fts5ExtensionApi,
            _fts: *mut ffi::Fts5Context,
            count: *mut c_void,
        ) -> c_int {
            // SAFETY: `count` is the `hits` below, alive during the pass.
            unsafe { *count.cast::<i64>() += 1 };
            ffi::SQLITE_OK
        }
        let mut hits: i64 = 0;
        let phrase = c_int::try_from(phrase).map_err(|_| ffi::SQLITE_RANGE)?;
        let pointer: *mut i64 = &mut hits;
        // SAFETY: as in `score`.
        check(unsafe {
            entry(self.api.xQueryPhrase)?(self.fts, phrase, pointer.cast(), Some(count_row))
        })?;
        Ok(hits)
    }
}

/// bm25's IDF, as FTS5 computes it: never below a millionth, so that a word in more than
/// half the rows still counts a little.
fn inverse_document_frequency(rows: i64, hits: i64) -> f64 {
    let idf = ((rows - hits) as f64 + 0.5) / (hits as f64 + 0.5);
    match idf.ln() {
        idf if idf > 0.0 => idf,
        _ => 1e-6,
    }
}

/// A text argument, empty when it is not text.
unsafe fn text(value: *mut ffi::sqlite3_value) -> String {
    // SAFETY: SQLite keeps the text alive until the value changes, after the copy.
    unsafe {
        let start = ffi::sqlite3_value_text(value);
        let length = usize::try_from(ffi::sqlite3_value_bytes(value)).unwrap_or(0);
        match start.is_null() {
            true => String::new(),
            false => {
                String::from_utf8_lossy(std::slice::from_raw_parts(start, length)).into_owned()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    use diesel::sql_types::{Double, Text};

    #[derive(QueryableByName, Debug)]
    struct Scores {
        #[diesel(sql_type = Double)]
        bm25: f64,
        #[diesel(sql_type = Double)]
        remembered: f64,
    }

    fn scores(conn: &mut SqliteConnection, expression: &str) -> Vec<Scores> {
        diesel::sql_query(
            "SELECT bm25(t, 10.0, 1.0) AS bm25, remembered_bm25(t, ?, 10.0, 1.0) AS remembered \
             FROM t WHERE t MATCH ? ORDER BY rowid",
        )
        .bind::<Text, _>(expression)
        .bind::<Text, _>(expression)
        .load(conn)
        .unwrap_or_default()
    }

    fn assert_same_as_bm25(conn: &mut SqliteConnection, expression: &str, rows: usize) {
        let found = scores(conn, expression);
        assert_eq!(found.len(), rows, "{expression}");
        for row in found {
            assert!(
                (row.bm25 - row.remembered).abs() < 1e-9,
                "{expression}: {row:?}"
            );
        }
    }

    #[test]
    fn scores_are_bm25s_while_remembered_and_after_rows_are_added() -> QueryResult<()> {
        register();
        let mut conn = SqliteConnection::establish(":memory:")
            .map_err(|error| diesel::result::Error::QueryBuilderError(error.into()))?;
        conn.batch_execute(
            "CREATE VIRTUAL TABLE t USING fts5(title, body, prefix = '3');
             INSERT INTO t VALUES ('Police close the port', 'The port police said the port was shut');
             INSERT INTO t VALUES ('Harbour news', 'Police patrol the harbour and the port');
             INSERT INTO t VALUES ('Weather', 'Rain over the port all week');
             INSERT INTO t VALUES ('Politics', 'A policy on ports');",
        )?;
        for _ in 0..2 {
            assert_same_as_bm25(&mut conn, "\"port\"", 3);
            assert_same_as_bm25(&mut conn, "\"police\" \"por\"*", 2);
            assert_same_as_bm25(&mut conn, "\"pol\"*", 3);
        }
        conn.batch_execute("INSERT INTO t VALUES ('Port fire', 'Fire at the port');")?;
        assert_same_as_bm25(&mut conn, "\"port\"", 4);
        assert_same_as_bm25(&mut conn, "\"port\" NOT \"fire\"", 3);
        Ok(())
    }

    #[test]
    fn a_connection_opened_while_the_file_is_locked_waits_instead_of_failing()
    -> Result<(), Box<dyn std::error::Error>> {
        register();
        let dir = tempfile::tempdir()?;
        let url = dir.path().join("locked.db").to_string_lossy().into_owned();
        let mut holder = SqliteConnection::establish(&url)?;
        holder.batch_execute(
            "PRAGMA locking_mode = EXCLUSIVE; CREATE TABLE x (a); BEGIN EXCLUSIVE; \
             INSERT INTO x VALUES (1);",
        )?;
        let release = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(300));
            // Leaving exclusive locking mode lets the next read drop the lock.
            holder.batch_execute("COMMIT; PRAGMA locking_mode = NORMAL; SELECT * FROM x;")
        });
        // Before the busy timeout in `init`, this failed at once with "SQL logic error".
        let mut opened = SqliteConnection::establish(&url)?;
        opened.batch_execute("SELECT * FROM x")?;
        release.join().map_err(|_| "the holder panicked")??;
        Ok(())
    }

    #[test]
    fn idf_is_bm25s() {
        assert!((inverse_document_frequency(1000, 10) - (990.5f64 / 10.5).ln()).abs() < 1e-12);
        assert_eq!(inverse_document_frequency(1000, 900), 1e-6);
    }

    #[test]
    fn a_count_is_remembered_until_the_rows_drift() {
        let counts = Frequencies::default();
        counts.put("police", 10_000, 2_000);
        assert_eq!(counts.get("police", 10_100), Some(2_000));
        assert_eq!(counts.get("police", 9_900), Some(2_000));
        assert_eq!(counts.get("police", 10_101), None);
        assert_eq!(counts.get("fire", 10_000), None);
    }
}
