//! Webhooks: endpoints that admins register (`routes.rs`), the deliveries written in the
//! transaction of each event (`outbox.rs`), and the dispatcher that sends them, signed as
//! Standard Webhooks says (`signature.rs`), to public addresses only (`address.rs`).

pub mod address;
pub mod dispatcher;
pub mod model;
pub mod outbox;
pub mod queries;
pub mod routes;
pub mod signature;
pub mod spec;
