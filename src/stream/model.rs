//! What the live stream sends and accepts: the event envelope (for the spec and the typed
//! clients; frames are rendered in `state.rs`) and the filters of the query string.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::articles::model::ArticleSummary;
use crate::comments::model::{Comment, CommentStatus};
use crate::error::ApiError;
use crate::events::EventKind;
use crate::time::Timestamp;

/// One message of the live stream: the JSON of its `data:` line. The SSE `event:` field
/// repeats `type`, and `id:` is the event's id (send it back as `Last-Event-ID`). The
/// envelope is the webhooks' own: `{"type", "timestamp", "data"}`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "type")]
pub enum StreamEvent {
    /// An article became public: published now, or a scheduled one came due.
    #[serde(rename = "article.published")]
    ArticlePublished {
        timestamp: Timestamp,
        data: ArticleEventData,
    },
    /// A public article changed.
    #[serde(rename = "article.updated")]
    ArticleUpdated {
        timestamp: Timestamp,
        data: ArticleEventData,
    },
    /// A public article stopped being public (back to draft, archived, or rescheduled).
    #[serde(rename = "article.unpublished")]
    ArticleUnpublished {
        timestamp: Timestamp,
        data: ArticleEventData,
    },
    /// A public article was deleted.
    #[serde(rename = "article.deleted")]
    ArticleDeleted {
        timestamp: Timestamp,
        data: ArticleEventData,
    },
    /// A comment became public (approved, or posted where no approval is needed). Pending
    /// comments are never streamed.
    #[serde(rename = "comment.approved")]
    CommentApproved {
        timestamp: Timestamp,
        data: CommentEventData,
    },
    /// The events after the client's `Last-Event-ID` are no longer held (or the id is
    /// unknown): reload what you show, then carry on with the events that follow. Its `id:`
    /// is the newest event, so a reconnection after it resumes from there.
    #[serde(rename = "reset")]
    Reset {
        timestamp: Timestamp,
        data: ResetData,
    },
}

/// An article event's data: the article as `GET /articles` lists it, with its `url`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleEventData {
    #[serde(flatten)]
    pub article: ArticleSummary,
}

/// A comment event's data: the comment as the public sees it, plus its status.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommentEventData {
    #[serde(flatten)]
    pub comment: Comment,
    pub status: CommentStatus,
}

/// Why the client must reload.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResetData {
    #[schema(example = "the events after Last-Event-ID 12 are no longer held")]
    pub reason: String,
}

/// The stream's query: where to resume, and which events to send.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StreamQuery {
    /// Resume after this event id, for clients that cannot send the `Last-Event-ID` header
    /// (the header wins when both are sent).
    #[param(minimum = 0, example = 120)]
    pub last_event_id: Option<i64>,
    /// Only these event types, comma-separated (default: every type the stream sends).
    #[param(example = "article.published,article.updated")]
    pub events: Option<String>,
    /// Only article events of this category (by slug); comment events are left out.
    #[param(example = "world-news")]
    pub category: Option<String>,
}

/// Which frames one client receives.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// `None`: every streamed type.
    kinds: Option<Vec<EventKind>>,
    category: Option<String>,
}

impl Filter {
    pub fn admits(&self, kind: EventKind, category: Option<&str>) -> bool {
        let kind_ok = self
            .kinds
            .as_ref()
            .is_none_or(|kinds| kinds.contains(&kind));
        let category_ok = self
            .category
            .as_deref()
            .is_none_or(|wanted| category == Some(wanted));
        kind_ok && category_ok
    }
}

impl TryFrom<&StreamQuery> for Filter {
    type Error = ApiError;

    fn try_from(query: &StreamQuery) -> Result<Self, ApiError> {
        let kinds = match &query.events {
            None => None,
            Some(list) => Some(
                list.split(',')
                    .map(str::trim)
                    .filter(|name| !name.is_empty())
                    .map(|name| {
                        EventKind::from_name(name)
                            .filter(|kind| kind.is_public())
                            .ok_or_else(|| {
                                ApiError::invalid(
                                    "events",
                                    format!("`{name}` is not an event type the stream sends"),
                                )
                            })
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        };
        Ok(Self {
            kinds,
            category: query.category.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_take_public_types_and_a_category() -> Result<(), ApiError> {
        let query = StreamQuery {
            events: Some("article.published, comment.approved".to_owned()),
            category: Some("world".to_owned()),
            ..StreamQuery::default()
        };
        let filter = Filter::try_from(&query)?;
        assert!(filter.admits(EventKind::ArticlePublished, Some("world")));
        assert!(!filter.admits(EventKind::ArticlePublished, Some("sport")));
        assert!(!filter.admits(EventKind::ArticleUpdated, Some("world")));
        assert!(Filter::default().admits(EventKind::ArticleDeleted, None));
        for refused in ["comment.created", "article.eaten"] {
            let query = StreamQuery {
                events: Some(refused.to_owned()),
                ..StreamQuery::default()
            };
            assert!(Filter::try_from(&query).is_err(), "{refused}");
        }
        Ok(())
    }
}
