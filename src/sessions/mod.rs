//! Sessions: `/auth/login`, `/auth/refresh`, `/auth/logout` and `/auth/me`, the endpoints a
//! person signs in with. They sit above `users/` (whose accounts they open) and use the
//! authentication core below both (`auth/`: tokens, passwords, the caller, the policy).

pub mod model;
pub mod routes;
