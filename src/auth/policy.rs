//! Who may do what: the one place where permissions are decided.

use super::caller::{Caller, MaybeCaller};
use crate::error::ApiError;
use crate::users::model::Role;

/// Everything that needs a permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// List, create, change and delete user accounts.
    ManageUsers,
    /// Create, change and delete categories.
    ManageCategories,
    /// Write articles of one's own.
    WriteArticles,
    /// Change or delete the article of `author_id`, or see it while unpublished.
    EditArticleOf { author_id: i64 },
    /// See and filter unpublished articles of anyone.
    SeeAllUnpublished,
    /// Read the moderation queue and change comments.
    ModerateComments,
}

impl Caller {
    pub fn can(&self, action: Action) -> bool {
        match (self.role, action) {
            (Role::Admin, _) => true,
            (Role::Editor, Action::ManageUsers) => false,
            (Role::Editor, _) => true,
            (Role::Author, Action::WriteArticles) => true,
            (Role::Author, Action::EditArticleOf { author_id }) => author_id == self.user_id,
            (Role::Author, _) => false,
        }
    }

    /// `403` unless the caller may do `action`.
    pub fn require(&self, action: Action) -> Result<(), ApiError> {
        if self.can(action) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "your role does not allow this action".to_owned(),
            ))
        }
    }
}

impl MaybeCaller {
    pub fn can(&self, action: Action) -> bool {
        self.0.is_some_and(|caller| caller.can(action))
    }

    /// The refusal of an action on an article by `author_id` that is not public: staff who
    /// may open it learn `why` (`409`); anyone else, only that there is no such article.
    pub fn refuse_unpublished(&self, author_id: i64, why: &str) -> ApiError {
        match self.can(Action::EditArticleOf { author_id }) {
            true => ApiError::Conflict(why.to_owned()),
            false => ApiError::not_found("article"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(role: Role) -> Caller {
        Caller { user_id: 1, role }
    }

    #[test]
    fn only_admins_manage_users() {
        assert!(caller(Role::Admin).can(Action::ManageUsers));
        assert!(!caller(Role::Editor).can(Action::ManageUsers));
        assert!(!caller(Role::Author).can(Action::ManageUsers));
    }

    #[test]
    fn authors_edit_only_their_own_articles() {
        let author = caller(Role::Author);
        assert!(author.can(Action::EditArticleOf { author_id: 1 }));
        assert!(!author.can(Action::EditArticleOf { author_id: 2 }));
        assert!(caller(Role::Editor).can(Action::EditArticleOf { author_id: 2 }));
        assert!(!author.can(Action::ManageCategories));
    }
}
