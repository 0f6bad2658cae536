//! `/articles/{id}/comments` (public) and `/comments` (moderation, editors and up).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use super::announce;
use super::model::{
    Comment, CommentPatch, CommentPatchBody, CommentStatus, ModeratedComment, NewComment,
    NewCommentBody, PostedComment, Sender,
};
use super::queries::{self, CommentFilter, CommentSort};
use super::state::CommentsState;
use crate::articles::queries as articles;
use crate::auth::{Action, Caller, MaybeCaller};
use crate::error::{ApiError, Problem};
use crate::http::{Json, ListParams, Paginated, Query, created, pagination};
use crate::state::{AppState, client_address};
use crate::time::now;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_article_comments)
        .service(post_comment)
        .service(list_comments)
        .service(get_comment)
        .service(moderate_comment)
        .service(delete_comment);
}

/// List an article's comments.
///
/// The approved comments of a published article, oldest first by default, as one flat page:
/// build the threads from `parent_id` (`null` for a top-level comment). Each comment has
/// `content` (the raw text) and `content_html` (the same text made safe to insert as HTML).
/// Emails and addresses are never shown.
#[utoipa::path(
    tag = "comments",
    params(("id" = i64, Path, minimum = 1, description = "Article id", example = 2), ListParams<CommentSort>),
    security(()),
    responses((status = 200, description = "A page of approved comments", body = Paginated<Comment>))
)]
#[get("/articles/{id}/comments")]
pub async fn list_article_comments(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    params: ListParams<CommentSort>,
) -> Result<HttpResponse, ApiError> {
    let article_id = id.into_inner();
    let (comments, total) = state
        .db
        .read(move |conn| {
            let article = articles::find_row(conn, article_id)?;
            // Comments are listed for the public only (staff read them in the queue).
            if !article.reading().anyone_may() {
                return Err(ApiError::not_found("article"));
            }
            queries::public_of_article(conn, article_id, params)
        })
        .await?;
    Ok(pagination::respond(&req, params.page, total, comments))
}

/// Leave a reply.
///
/// The "Leave a Reply" form. `author_name`, `author_email` (required, never published) and
/// `content` (plain text); `parent_id` to reply to an approved comment of the same article
/// (one the public cannot see is answered as one that does not exist; editors and admins
/// may also answer pending comments). A comment waits for moderation (`status: pending`)
/// unless it is posted with a token or comments are auto-approved. The same text from the
/// same email at the same place (article and parent) as a comment that is not in the trash
/// is a `409`. Forms add two fields against bots: `website_url`, a hidden honeypot (when it
/// is filled the comment is answered as usual but kept as `spam`), and `form_rendered_at`,
/// when the form was shown (sent less than `COMMENT_MIN_SECONDS` after it, or from the
/// future: `422`). Limited per client address (`RATE_LIMIT_COMMENTS_PER_MINUTE`): more get
/// `429` with `Retry-After`.
///
/// Example body: `{"author_name":"Jane Reader","author_email":"jane@example.com","content":"Dialogue is good here."}`
#[utoipa::path(
    tag = "comments",
    params(("id" = i64, Path, minimum = 1, description = "Article id", example = 2)),
    request_body = NewCommentBody,
    security((), ("bearer" = [])),
    responses(
        (status = 201, description = "Received", body = PostedComment),
        (status = 401, description = "A bad token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Comments are closed on this article", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A duplicate: the same email already said the same thing on this article, in reply to the same comment. Or the article is not published (answered to staff who may see it; anyone else gets `404`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, listed in `errors`: among them a `parent_id` naming no comment the caller may answer, and a `form_rendered_at` less than `COMMENT_MIN_SECONDS` ago or in the future", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many comments from this address", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/articles/{id}/comments")]
pub async fn post_comment(
    req: HttpRequest,
    state: web::Data<AppState>,
    own: web::Data<CommentsState>,
    caller: MaybeCaller,
    id: web::Path<i64>,
    body: Json<NewCommentBody>,
) -> Result<HttpResponse, ApiError> {
    let address = client_address(&req);
    own.limiter.check(address.clone())?;
    let new = NewComment::parse(body.0, now(), state.config.comment_min_seconds)?;
    let answered = if state.config.comments_auto_approve || caller.0.is_some() {
        CommentStatus::Approved
    } else {
        CommentStatus::Pending
    };
    let sender = Sender {
        address,
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .map(|value| value.chars().take(500).collect()),
    };
    let record = new.into_record(id.into_inner(), answered, sender, now());
    let posting = queries::Posting {
        max_depth: state.config.comment_max_depth,
        moderator: caller.can(Action::ModerateComments),
    };
    let row = state
        .db
        .write(move |conn| {
            let row = queries::post(conn, record, posting, caller)?;
            announce::posted(conn, &row)?;
            Ok(row)
        })
        .await?;
    let posted = PostedComment {
        status: answered,
        comment: row.into(),
    };
    Ok(created(
        format!("/api/v1/comments/{}", posted.comment.id),
        &posted,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ModerationQuery {
    /// Only comments in this status (the moderation queue is `pending`).
    pub status: Option<CommentStatus>,
    /// Only comments on this article.
    #[param(minimum = 1)]
    pub article_id: Option<i64>,
}

/// Moderation list.
///
/// Editors and admins: comments in every status, with the commenter's email, address and
/// user agent. The moderation queue is `?status=pending`.
#[utoipa::path(
    tag = "comments",
    params(ListParams<CommentSort>, ModerationQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "A page of comments", body = Paginated<ModeratedComment>))
)]
#[get("/comments")]
pub async fn list_comments(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    params: ListParams<CommentSort>,
    query: Query<ModerationQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::ModerateComments)?;
    let query = query.into_inner();
    if query.article_id.is_some_and(|id| id < 1) {
        return Err(ApiError::invalid("article_id", "must be a positive id"));
    }
    let filter = CommentFilter {
        article_id: query.article_id,
        status: query.status,
        public: false,
    };
    let (rows, total) = state
        .db
        .read(move |conn| queries::list(conn, filter, params))
        .await?;
    let comments: Vec<ModeratedComment> = rows.into_iter().map(ModeratedComment::from).collect();
    Ok(pagination::respond(&req, params.page, total, comments))
}

/// Get a comment for moderation.
///
/// Editors and admins: one comment in any status, with the commenter's email and address.
#[utoipa::path(
    tag = "comments",
    params(("id" = i64, Path, minimum = 1, description = "Comment id", example = 1)),
    security(("bearer" = [])),
    responses((status = 200, description = "The comment", body = ModeratedComment))
)]
#[get("/comments/{id}")]
pub async fn get_comment(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<ModeratedComment>, ApiError> {
    caller.require(Action::ModerateComments)?;
    let id = id.into_inner();
    let row = state.db.read(move |conn| queries::find(conn, id)).await?;
    Ok(web::Json(row.into()))
}

/// Moderate a comment.
///
/// Editors and admins: approve, hold (`pending`), mark as `spam` or `trash` a comment, or
/// correct its text. The article's `comment_count` follows in the same transaction.
///
/// Example body: `{"status":"approved"}`
#[utoipa::path(
    tag = "comments",
    params(("id" = i64, Path, minimum = 1, description = "Comment id", example = 1)),
    request_body = CommentPatchBody,
    security(("bearer" = [])),
    responses((status = 200, description = "The changed comment", body = ModeratedComment))
)]
#[patch("/comments/{id}")]
pub async fn moderate_comment(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<CommentPatchBody>,
) -> Result<web::Json<ModeratedComment>, ApiError> {
    caller.require(Action::ModerateComments)?;
    let id = id.into_inner();
    let patch = CommentPatch::try_from(body.0)?;
    let row = state
        .db
        .write(move |conn| {
            let before = queries::find(conn, id)?.status;
            queries::update(conn, id, patch)?;
            let row = queries::find(conn, id)?;
            announce::moderated(conn, before, &row)?;
            Ok(row)
        })
        .await?;
    Ok(web::Json(row.into()))
}

/// Delete a comment.
///
/// Editors and admins. The comment is gone for good; its replies move up to its parent, so a
/// thread never dangles. The article's `comment_count` follows in the same transaction.
#[utoipa::path(
    tag = "comments",
    params(("id" = i64, Path, minimum = 1, description = "Comment id")),
    security(("bearer" = [])),
    responses((status = 204, description = "Deleted"))
)]
#[delete("/comments/{id}")]
pub async fn delete_comment(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::ModerateComments)?;
    let id = id.into_inner();
    state
        .db
        .write(move |conn| queries::delete(conn, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
