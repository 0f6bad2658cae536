//! Articles: the publishing resource, and the lists front ends build pages from.

pub mod announce;
pub mod content;
pub mod model;
pub mod queries;
pub mod read;
pub mod routes;
pub mod seo;
