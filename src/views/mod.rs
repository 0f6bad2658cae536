//! View counts: buffered ingest written in batches, per-article statistics, and the
//! "Trending" / "Most commented" lists.

pub mod buffer;
pub mod dedup;
pub mod model;
pub mod queries;
pub mod routes;
pub mod state;
