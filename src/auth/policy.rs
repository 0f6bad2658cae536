//! Who may do what: the one place where permissions are decided, the rule of which
//! articles the public sees among them.

use chrono::NaiveDateTime;
use diesel::dsl;
use diesel::prelude::*;

use super::Role;
use super::caller::{Caller, MaybeCaller};
use crate::db::schema::articles;
use crate::domain::ArticleStatus;
use crate::error::ApiError;
use crate::time::now;

/// Everything that needs a permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// List, create, change and delete user accounts.
    ManageUsers,
    /// Register, change and delete webhook endpoints, read their delivery log and
    /// redeliver: they receive unpublished comments and hold signing secrets.
    ManageWebhooks,
    /// Create, change and delete categories.
    ManageCategories,
    /// Create, change and delete tags.
    ManageTags,
    /// Write articles of one's own.
    WriteArticles,
    /// Change or delete the article of `author_id`, or see it while unpublished.
    EditArticleOf { author_id: i64 },
    /// See and filter unpublished articles of anyone.
    SeeAllUnpublished,
    /// Read the moderation queue and change comments.
    ModerateComments,
    /// Upload images to the media library.
    UploadMedia,
    /// Change or delete a media item uploaded by `uploaded_by` (`None`: by a deleted user).
    EditMediaOf { uploaded_by: Option<i64> },
    /// Read the article of `author_id`: anyone once it is public, whoever may edit it
    /// before and after.
    ReadArticle {
        author_id: i64,
        public_from: PublicFrom,
    },
}

/// What the public sees: an article that is published and whose date has come (a
/// `published` article dated later is scheduled). This is the rule as a value, read from
/// one article; [`public_articles`] is the same rule as a query filter, for lists, counts
/// and search. Drafts, archived and scheduled articles are seen only by whoever may edit
/// them (`Action::ReadArticle`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicFrom(Option<NaiveDateTime>);

impl PublicFrom {
    /// Not public, ever: a draft, an archived article, or none at all.
    pub const NEVER: Self = Self(None);

    pub fn of(status: ArticleStatus, published_at: Option<NaiveDateTime>) -> Self {
        Self(published_at.filter(|_| status == ArticleStatus::Published))
    }

    pub fn is_public_at(self, now: NaiveDateTime) -> bool {
        self.0.is_some_and(|at| at <= now)
    }
}

/// The articles the public may see at `now`, as a filter of any query on `articles`: the
/// rule of [`PublicFrom`].
#[dsl::auto_type]
pub fn public_articles(now: NaiveDateTime) -> _ {
    let published: ArticleStatus = ArticleStatus::Published;
    articles::status
        .eq(published)
        .and(articles::published_at.le(now))
}

/// The articles that are published but dated later than `now`: scheduled, public from
/// their date.
#[dsl::auto_type]
pub fn scheduled_articles(now: NaiveDateTime) -> _ {
    let published: ArticleStatus = ArticleStatus::Published;
    articles::status
        .eq(published)
        .and(articles::published_at.gt(now))
}

impl Caller {
    pub fn can(&self, action: Action) -> bool {
        match (self.role, action) {
            (Role::Admin, _) => true,
            (_, Action::ReadArticle { .. }) if action.anyone_may() => true,
            (_, Action::ReadArticle { author_id, .. }) => {
                self.can(Action::EditArticleOf { author_id })
            }
            (Role::Editor, Action::ManageUsers | Action::ManageWebhooks) => false,
            (Role::Editor, _) => true,
            (Role::Author, Action::WriteArticles | Action::UploadMedia) => true,
            (Role::Author, Action::EditMediaOf { uploaded_by }) => {
                uploaded_by == Some(self.user_id)
            }
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

impl Action {
    /// Whether anyone may do it, signed in or not.
    pub fn anyone_may(self) -> bool {
        match self {
            Action::ReadArticle { public_from, .. } => public_from.is_public_at(now()),
            _ => false,
        }
    }
}

impl MaybeCaller {
    pub fn can(&self, action: Action) -> bool {
        match self.0 {
            Some(caller) => caller.can(action),
            None => action.anyone_may(),
        }
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
        assert!(!author.can(Action::ManageTags));
        assert!(caller(Role::Editor).can(Action::ManageTags));
    }
}
