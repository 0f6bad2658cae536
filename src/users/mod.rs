//! User accounts: the admin-only `/users` endpoints.

pub mod model;
pub mod queries;
pub mod routes;
