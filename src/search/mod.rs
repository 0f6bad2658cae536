//! Search: `GET /search` for the site's search box, and the `search` filter of
//! `GET /articles`, both over the full-text index of `fts.rs`.

pub mod fts;
pub mod model;
pub mod queries;
pub mod rank;
pub mod routes;
pub mod snippet;
pub mod words;
