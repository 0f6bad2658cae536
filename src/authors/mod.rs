//! Authors: the public profiles of users, without any private field.

pub mod model;
pub mod queries;
pub mod routes;
