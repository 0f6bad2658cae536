//! Tags: free labels across categories ("Kherson", "NATO"), several per article, each with
//! its public page (`GET /articles?tag=`).

pub mod model;
pub mod queries;
pub mod routes;
