//! Distribution over the public articles: RSS and Atom feeds, the sitemaps (an index over
//! pages of article addresses, and the Google News sitemap). Every address in them is on
//! the site (`site.rs`), except the links they give to themselves, on the API.

pub mod model;
pub mod queries;
pub mod routes;
pub mod xml;
