//! Articles. For now only what other resources need of them: counts and reassignment.

pub mod model;
pub mod queries;
