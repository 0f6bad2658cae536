//! Authentication: passwords, tokens, the caller extractor, the permission policy and the
//! `/auth` endpoints.

pub mod caller;
pub mod model;
pub mod password;
pub mod policy;
pub mod queries;
pub mod role;
pub mod routes;
pub mod state;
pub mod tokens;

pub use caller::{Caller, MaybeCaller};
pub use policy::Action;
pub use role::Role;
