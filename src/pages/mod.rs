//! Pages: everything one page of a news site shows, in one cacheable response (the home
//! page, an article page, category, tag, author and search pages), built from the same
//! queries as the per-resource endpoints, which stay.

pub mod model;
pub mod queries;
pub mod routes;
