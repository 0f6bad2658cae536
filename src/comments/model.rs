//! Comment types: the public view (never an email or address), the moderation view, and
//! what commenters and moderators send.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::content;
use crate::db::schema::comments;
use crate::domain::{self, Checks, Email};
use crate::error::{ApiError, FieldError};
use crate::http::Timestamp;
use crate::http::patch::present;

crate::text_enum! {
    /// Where a comment is in moderation. Only `approved` comments are public and counted,
    /// and a reply only when every comment above it in its thread is approved too.
    pub enum CommentStatus {
        Pending => "pending",
        Approved => "approved",
        Spam => "spam",
        Trash => "trash",
    }
}

pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_CONTENT_CHARS: usize = 5000;

/// A row of the `comments` table with its number of approved replies.
#[derive(Debug, Clone, Queryable)]
pub struct CommentRow {
    pub id: i64,
    pub article_id: i64,
    pub parent_id: Option<i64>,
    pub author_name: String,
    pub author_email: String,
    pub author_url: Option<String>,
    pub content: String,
    pub status: CommentStatus,
    pub author_ip: String,
    pub user_agent: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub reply_count: i64,
}

/// A comment as everyone sees it: never the commenter's email or address.
#[derive(Debug, Serialize, ToSchema)]
pub struct Comment {
    #[schema(example = 7)]
    pub id: i64,
    #[schema(example = 42)]
    pub article_id: i64,
    /// The comment this one replies to; `null` for a top-level comment.
    #[schema(required = true)]
    pub parent_id: Option<i64>,
    #[schema(example = "Jane Reader")]
    pub author_name: String,
    #[schema(required = true)]
    pub author_url: Option<String>,
    /// The raw text, exactly as written: render it as text, never as HTML (markup in it is
    /// the commenter's, not ours). For display, `content_html` is the same text made safe.
    #[schema(example = "Dialogue is good here.\n\nMore at https://example.com.")]
    pub content: String,
    /// `content` as HTML that is safe to insert as is: the text HTML-escaped, paragraphs
    /// (blank-line separated) as `<p>`, single line breaks as `<br>`, and bare
    /// `http(s)://` and `www.` URLs as `<a href="…" rel="nofollow ugc noopener">` links.
    #[schema(
        example = "<p>Dialogue is good here.</p>\n<p>More at <a href=\"https://example.com\" rel=\"nofollow ugc noopener\">https://example.com</a>.</p>"
    )]
    pub content_html: String,
    pub created_at: Timestamp,
    /// Replies to this comment that the public sees: approved, in a thread whose comments
    /// above them are all approved (so `0` while this comment is not public itself).
    pub reply_count: i64,
}

impl From<CommentRow> for Comment {
    fn from(row: CommentRow) -> Self {
        Self {
            id: row.id,
            article_id: row.article_id,
            parent_id: row.parent_id,
            author_name: row.author_name,
            author_url: row.author_url,
            content_html: content::to_html(&row.content),
            content: row.content,
            created_at: row.created_at.into(),
            reply_count: row.reply_count,
        }
    }
}

/// What the commenter gets back: the public comment and whether it awaits moderation.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostedComment {
    #[serde(flatten)]
    pub comment: Comment,
    /// `pending` until a moderator approves it, unless comments are auto-approved.
    pub status: CommentStatus,
}

/// A comment as moderators see it, with the commenter's email and address.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModeratedComment {
    #[serde(flatten)]
    pub comment: Comment,
    pub status: CommentStatus,
    #[schema(example = "jane@example.com")]
    pub author_email: String,
    #[schema(example = "203.0.113.7")]
    pub author_ip: String,
    #[schema(required = true)]
    pub user_agent: Option<String>,
    pub updated_at: Timestamp,
}

impl From<CommentRow> for ModeratedComment {
    fn from(row: CommentRow) -> Self {
        let status = row.status;
        let author_email = row.author_email.clone();
        let author_ip = row.author_ip.clone();
        let user_agent = row.user_agent.clone();
        let updated_at = row.updated_at.into();
        Self {
            comment: row.into(),
            status,
            author_email,
            author_ip,
            user_agent,
            updated_at,
        }
    }
}

/// The body of `POST /articles/{id}/comments`: the "Leave a Reply" form.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"author_name": "Jane Reader", "author_email": "jane@example.com", "content": "Dialogue is good here.\n\nMore at https://example.com."}))]
pub struct NewCommentBody {
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"\S",
        example = "Jane Reader"
    )]
    pub author_name: String,
    /// Required, never published.
    #[schema(format = Email, max_length = 254, example = "jane@example.com")]
    pub author_email: String,
    /// Plain text: HTML in it is kept as text, never interpreted. Comments are returned
    /// with it as `content` and rendered safely as `content_html` (paragraphs, line
    /// breaks, links).
    #[schema(
        min_length = 1,
        max_length = 5000,
        pattern = r"\S",
        example = "Dialogue is good here."
    )]
    pub content: String,
    #[serde(default)]
    #[schema(
        pattern = "^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[!-~]*)?$",
        max_length = 2000,
        example = "https://jane.example.com"
    )]
    pub author_url: Option<String>,
    /// The comment this one replies to: an approved comment of the same article (one that
    /// does not exist, or that the public cannot see, is a `422`).
    #[serde(default)]
    #[schema(minimum = 1)]
    pub parent_id: Option<i64>,
    /// Leave empty: a hidden form field (a honeypot). Forms hide it from people (CSS, and
    /// `autocomplete="off"` so browsers do not fill it); bots that fill every field fill it.
    /// When it is not empty the comment is answered as usual but stored as `spam`.
    #[serde(default)]
    #[schema(example = "")]
    pub website_url: Option<String>,
    /// When the form was shown (RFC 3339), stamped by the front end from the server's clock
    /// when it renders the form. When present, a comment sent less than
    /// `COMMENT_MIN_SECONDS` (3 by default) after it, or a time in the future, is a `422`
    /// naming this field. Leave it out for clients that are not forms.
    #[serde(default)]
    pub form_rendered_at: Option<Timestamp>,
}

/// A validated new comment.
#[derive(Debug)]
pub struct NewComment {
    pub author_name: String,
    pub author_email: Email,
    pub content: String,
    pub author_url: Option<String>,
    pub parent_id: Option<i64>,
    /// The honeypot was filled: a bot, whose comment is kept as spam.
    pub honeypot_filled: bool,
}

/// Where a comment came from, kept for moderation and never published.
pub struct Sender {
    pub address: String,
    pub user_agent: Option<String>,
}

impl NewComment {
    /// The comment to store on `article_id` at `now`. `answered` is the status the reader
    /// is told; a bot that filled the honeypot is told the same, so that it learns nothing
    /// to adapt to, but its comment goes to the spam queue, where a moderator can still
    /// rescue a person's comment.
    pub fn into_record(
        self,
        article_id: i64,
        answered: CommentStatus,
        sender: Sender,
        now: NaiveDateTime,
    ) -> CommentRecord {
        CommentRecord {
            article_id,
            parent_id: self.parent_id,
            author_name: self.author_name,
            author_email: self.author_email.into_inner(),
            author_url: self.author_url,
            content: self.content,
            status: match self.honeypot_filled {
                true => CommentStatus::Spam,
                false => answered,
            },
            author_ip: sender.address,
            user_agent: sender.user_agent,
            created_at: now,
            updated_at: now,
        }
    }

    /// Checks the form as sent at `now`; a form sent less than `min_seconds` after it was
    /// shown (0: no minimum) is refused.
    pub fn parse(
        body: NewCommentBody,
        now: NaiveDateTime,
        min_seconds: u64,
    ) -> Result<Self, ApiError> {
        let mut checks = Checks::default();
        let name = checks.take(domain::text(
            "author_name",
            &body.author_name,
            MAX_NAME_CHARS,
        ));
        let email = checks.take(Email::parse("author_email", &body.author_email));
        let content = checks.take(domain::text("content", &body.content, MAX_CONTENT_CHARS));
        let url = checks.take(
            body.author_url
                .map(|u| domain::url("author_url", &u))
                .transpose(),
        );
        if let Some(shown) = body.form_rendered_at {
            checks.take(sent_late_enough(shown.0, now, min_seconds));
        }
        checks.finish(|| {
            Some(Self {
                author_name: name?,
                author_email: email?,
                content: content?,
                author_url: url?,
                parent_id: body.parent_id,
                honeypot_filled: body
                    .website_url
                    .is_some_and(|value| !value.trim().is_empty()),
            })
        })
    }
}

/// People take a few seconds to write a comment; bots that post a form back as soon as they
/// fetch it do not. Refused rather than kept as spam (unlike the honeypot): a person can
/// trip it too (a pasted text, a front end whose clock is off), and should be told to send
/// again. A time in the future cannot be measured from and is refused the same way; an old
/// one is a page left open, which is fine.
fn sent_late_enough(
    shown: NaiveDateTime,
    now: NaiveDateTime,
    min_seconds: u64,
) -> Result<(), FieldError> {
    const FIELD: &str = "form_rendered_at";
    if min_seconds == 0 {
        return Ok(());
    }
    if shown > now {
        return Err(FieldError::new(
            FIELD,
            "is later than the server's clock: it must be when the form was shown, \
             stamped with the server's time",
        ));
    }
    let elapsed = u64::try_from((now - shown).num_seconds()).unwrap_or(0);
    if elapsed < min_seconds {
        return Err(FieldError::new(
            FIELD,
            format!(
                "the form was sent less than {min_seconds} seconds after it was shown; \
                 wait a moment and send it again"
            ),
        ));
    }
    Ok(())
}

/// The body of `PATCH /comments/{id}`: moderation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "approved"}))]
pub struct CommentPatchBody {
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub status: Option<CommentStatus>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, min_length = 1, max_length = 5000, pattern = r"\S")]
    pub content: Option<String>,
}

/// A validated moderation change.
#[derive(Debug)]
pub struct CommentPatch {
    pub status: Option<CommentStatus>,
    pub content: Option<String>,
}

impl TryFrom<CommentPatchBody> for CommentPatch {
    type Error = ApiError;

    fn try_from(body: CommentPatchBody) -> Result<Self, ApiError> {
        let mut checks = Checks::default();
        let content = checks.take(
            body.content
                .map(|c| domain::text("content", &c, MAX_CONTENT_CHARS))
                .transpose(),
        );
        checks.finish(|| {
            Some(Self {
                status: body.status,
                content: content?,
            })
        })
    }
}

/// Everything stored with a new comment.
#[derive(Debug, Insertable)]
#[diesel(table_name = comments)]
pub struct CommentRecord {
    pub article_id: i64,
    pub parent_id: Option<i64>,
    pub author_name: String,
    pub author_email: String,
    pub author_url: Option<String>,
    pub content: String,
    pub status: CommentStatus,
    pub author_ip: String,
    pub user_agent: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
