//! Comments: the public "Leave a Reply" form, threaded replies, and the moderation queue.

pub mod announce;
pub mod content;
pub mod model;
pub mod queries;
pub mod routes;
pub mod state;
