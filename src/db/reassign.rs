//! Deleting what articles belong to (a category, an author): its articles move to another
//! one first (`?reassign_to=`), or the deletion is refused while it has any. Articles are
//! never deleted, nor left without an owner, as a side effect.

use super::Conn;
use crate::error::ApiError;
use diesel::QueryResult;

/// Something articles belong to, as the deletion of one sees it.
pub trait ArticleOwner {
    /// What it is called in messages ("category", "user").
    const NOUN: &'static str;
    fn exists(conn: &mut Conn, id: i64) -> QueryResult<bool>;
    /// Whether any article, in any status, belongs to it.
    fn has_articles(conn: &mut Conn, id: i64) -> QueryResult<bool>;
    fn move_articles(conn: &mut Conn, from: i64, to: i64) -> QueryResult<usize>;
}

/// Before owner `id` is deleted: moves its articles to `reassign_to`, or refuses (`409`)
/// while it has articles and no other owner is named. A target that is the same owner or
/// none at all is a `422`.
pub fn articles_before_delete<O: ArticleOwner>(
    conn: &mut Conn,
    id: i64,
    reassign_to: Option<i64>,
) -> Result<(), ApiError> {
    let noun = O::NOUN;
    match reassign_to {
        Some(target) if target == id => Err(ApiError::invalid(
            "reassign_to",
            format!("must be another {noun}"),
        )),
        Some(target) if !O::exists(conn, target)? => Err(ApiError::invalid(
            "reassign_to",
            format!("no {noun} has this id"),
        )),
        Some(target) => {
            O::move_articles(conn, id, target)?;
            Ok(())
        }
        None if O::has_articles(conn, id)? => Err(ApiError::Conflict(format!(
            "the {noun} has articles: pass ?reassign_to={{{noun} id}} to move them first"
        ))),
        None => Ok(()),
    }
}
