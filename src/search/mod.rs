//! Search: `GET /search` for the site's search box, over the full-text index of
//! `fulltext/` and the article summaries of `articles/`.

pub mod model;
pub mod queries;
pub mod routes;
