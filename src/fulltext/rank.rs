//! Ranking: which of a search's newest matches come first. Every match holds all the words
//! somewhere; what tells them apart is where: each word found in the title counts 10, in the
//! excerpt 3, and among equals the newest comes first. This is the order WordPress's own
//! search uses (title before excerpt before text, then date), weighed the way the spec says,
//! computed in Rust over the titles and excerpts of the newest matches: FTS5's `bm25` spent
//! most of an uncached search's time counting every match of every word for its weights.

use diesel::sql_types::{BigInt, Text};
use diesel::{Queryable, QueryableByName};

use super::terms::SearchTerms;
use super::words::{Matcher, for_each_word};

/// What a word found in the title counts; the title says what the article is about.
const TITLE_WEIGHT: u32 = 10;
/// What a word found in the excerpt counts.
const EXCERPT_WEIGHT: u32 = 3;

/// A match to rank: its id and the text that ranks it, as `fts::newest_matches` reads it
/// (by name from FTS5's hand-written SQL, by position from PostgreSQL's diesel query).
#[derive(Queryable, QueryableByName)]
pub struct Candidate {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub excerpt: String,
}

/// The ids of `candidates`, best first, then newest (highest id) first.
pub fn best_first(candidates: Vec<Candidate>, terms: &SearchTerms) -> Vec<i64> {
    let matcher = Matcher::new(terms);
    let mut scored: Vec<(u32, i64)> = candidates
        .into_iter()
        .map(|candidate| {
            let score = TITLE_WEIGHT * found(&candidate.title, &matcher)
                + EXCERPT_WEIGHT * found(&candidate.excerpt, &matcher);
            (score, candidate.id)
        })
        .collect();
    scored.sort_unstable_by(|a, b| b.cmp(a));
    scored.into_iter().map(|(_, id)| id).collect()
}

/// How many different words of the query `text` holds.
fn found(text: &str, matcher: &Matcher) -> u32 {
    let mut seen = vec![false; matcher.len()];
    for_each_word(text, |start, end| {
        if let Some(seen) = matcher
            .find(&text[start..end])
            .and_then(|index| seen.get_mut(index))
        {
            *seen = true;
        }
    });
    seen.into_iter().map(u32::from).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(id: i64, title: &str, excerpt: &str) -> Candidate {
        Candidate {
            id,
            title: title.to_owned(),
            excerpt: excerpt.to_owned(),
        }
    }

    fn order(query: &str, candidates: Vec<Candidate>) -> Vec<i64> {
        SearchTerms::parse("q", query)
            .map(|terms| best_first(candidates, &terms))
            .unwrap_or_default()
    }

    #[test]
    fn the_title_before_the_excerpt_before_the_text_then_the_newest() {
        let ranked = order(
            "port closure",
            vec![
                candidate(1, "Port closure ends", ""),
                candidate(2, "Weather", "The port closure"),
                candidate(3, "Weather", "Nothing"),
                candidate(4, "Weather", "Still nothing"),
                candidate(5, "Port reopens", ""),
            ],
        );
        assert_eq!(ranked, [1, 5, 2, 4, 3]);
    }

    #[test]
    fn words_count_once_and_accents_and_prefixes_as_search_finds_them() {
        let ranked = order(
            "zurich expan",
            vec![
                candidate(1, "Zurich zurich zurich", ""),
                candidate(2, "Zürich expansion", ""),
            ],
        );
        assert_eq!(ranked, [2, 1]);
    }
}
