//! The live stream: `GET /api/v1/stream` tells connected clients about public events as
//! Server-Sent Events, resuming after a `Last-Event-ID` from a window of recent ones.

pub mod model;
pub mod routes;
pub mod state;
