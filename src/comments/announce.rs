//! Telling webhooks about comments (`src/events`): every new one (`comment.created`, for
//! moderation tools), and each that becomes public (`comment.approved`). The payload is the
//! comment as the public sees it plus its `status`: never the commenter's email or address,
//! whoever receives it.

use serde_json::Value;

use super::model::{Comment, CommentRow, CommentStatus};
use crate::db::Conn;
use crate::error::ApiError;
use crate::events::{self, EventKind};

/// A comment was posted: `comment.created`, and `comment.approved` too when it is public at
/// once (posted by staff, or with `COMMENTS_AUTO_APPROVE`).
pub fn posted(conn: &mut Conn, row: &CommentRow) -> Result<(), ApiError> {
    let data = payload(row)?;
    events::record(conn, EventKind::CommentCreated, &data)?;
    if row.status == CommentStatus::Approved {
        events::record(conn, EventKind::CommentApproved, &data)?;
    }
    Ok(())
}

/// A moderator changed a comment: `comment.approved` when it was not approved before.
pub fn moderated(conn: &mut Conn, before: CommentStatus, row: &CommentRow) -> Result<(), ApiError> {
    if before != CommentStatus::Approved && row.status == CommentStatus::Approved {
        events::record(conn, EventKind::CommentApproved, &payload(row)?)?;
    }
    Ok(())
}

fn payload(row: &CommentRow) -> Result<Value, ApiError> {
    let mut data = serde_json::to_value(Comment::from(row.clone())).map_err(ApiError::internal)?;
    if let Value::Object(fields) = &mut data {
        let status = serde_json::to_value(row.status).map_err(ApiError::internal)?;
        fields.insert("status".to_owned(), status);
    }
    Ok(data)
}
