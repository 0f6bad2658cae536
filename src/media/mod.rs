//! The media library: uploaded images, their renditions, and the files served under
//! `/media/`. Below the articles, which show a media item as their featured image.

pub mod files;
pub mod model;
pub mod queries;
pub mod renditions;
pub mod routes;
pub mod state;
pub mod storage;
