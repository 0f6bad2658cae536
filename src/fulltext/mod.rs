//! The full-text index, below the resources: the words of a query (`terms.rs`, `words.rs`),
//! the index and what it finds (`fts.rs`, the only file that speaks SQLite's FTS5), and
//! ranking and snippets made in Rust (`rank.rs`, `snippet.rs`). Articles use it for their
//! `search` filter; `search/` builds `GET /search` on it and on articles.

pub mod fts;
pub mod rank;
pub mod snippet;
pub mod terms;
pub mod words;
