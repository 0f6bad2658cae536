//! Articles: the publishing resource, and the lists front ends build pages from.

pub mod content;
pub mod list_cache;
pub mod model;
pub mod queries;
pub mod routes;
