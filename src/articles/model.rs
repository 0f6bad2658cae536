//! Article types.

crate::text_enum! {
    /// Where an article is in its life.
    pub enum ArticleStatus {
        Draft => "draft",
        Published => "published",
        Archived => "archived",
    }
}
