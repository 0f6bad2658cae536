//! Categories: the site's sections ("Browse by Category"), a hierarchy without cycles.

pub mod model;
pub mod queries;
pub mod routes;
