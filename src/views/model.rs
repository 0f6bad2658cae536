//! View statistics and popular lists as the API shows them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::articles::model::ArticleSummary;

/// Views of one article on one UTC day.
#[derive(Debug, Serialize, ToSchema)]
pub struct DailyViews {
    #[schema(value_type = String, format = Date, example = "2022-10-21")]
    pub date: NaiveDate,
    pub count: i64,
}

/// How often an article was read. Windows are whole UTC days ending today.
#[derive(Debug, Serialize, ToSchema)]
pub struct ViewStats {
    /// All views ever counted.
    pub total: i64,
    /// Views today (UTC).
    pub last_day: i64,
    /// Views over the last 7 days, today included.
    pub last_week: i64,
    /// Views over the last 30 days, today included.
    pub last_month: i64,
    /// The last 30 days, oldest first, days without views included as 0.
    pub daily: Vec<DailyViews>,
}

crate::text_enum! {
    /// What makes an article popular.
    pub enum PopularBy {
        Views => "views",
        Comments => "comments",
    }
}

crate::text_enum! {
    /// Over which stretch of time: today, the last 7 or 30 days (UTC, today included), or ever.
    pub enum Window {
        Day => "day",
        Week => "week",
        Month => "month",
        All => "all",
    }
}

impl Window {
    /// Days counted, today included; `None` for all time.
    pub fn days(self) -> Option<i64> {
        match self {
            Self::Day => Some(1),
            Self::Week => Some(7),
            Self::Month => Some(30),
            Self::All => None,
        }
    }
}

/// The parameters of `GET /articles/popular`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PopularQuery {
    /// `views` for Trending (the default), `comments` for Most commented.
    pub by: Option<PopularBy>,
    /// The stretch of time counted; `week` by default.
    pub window: Option<Window>,
    /// How many articles, 1 to 100.
    #[param(minimum = 1, maximum = 100, default = 10)]
    pub limit: Option<i64>,
}

/// An article of a popular list, with its count in the window.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PopularArticle {
    #[serde(flatten)]
    pub article: ArticleSummary,
    /// Views or approved comments within the window.
    pub count: i64,
}
