//! Roles: what a signed-in user is, which the policy (`policy.rs`) turns into what they may do.

crate::text_enum! {
    /// What a user may do, as in WordPress: admins everything, editors all content and
    /// comments, authors their own articles.
    pub enum Role {
        Admin => "admin",
        Editor => "editor",
        Author => "author",
    }
}
