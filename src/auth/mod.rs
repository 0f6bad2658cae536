//! Authentication, below every resource: passwords, tokens, roles, the caller extractor,
//! the permission policy (with the rule of what the public sees), and what it keeps in the
//! database and in memory. The `/auth` endpoints are in `sessions/`.

pub mod caller;
pub mod password;
pub mod policy;
pub mod queries;
pub mod role;
pub mod state;
pub mod tokens;

pub use caller::{Caller, MaybeCaller};
pub use policy::Action;
pub use role::Role;
