//! Snippets: the passage of a result that shows why it matched, made from the article's
//! text in Rust rather than by the search engine. FTS5's `snippet()` tokenized the whole of
//! every column of every result, a third of an uncached search's time on 100,000 articles;
//! here a page of results costs a pass over its texts, the same on any database. Words are
//! found as `words` says.

use super::terms::SearchTerms;
use super::words::{Matcher, Token, tokens};
use crate::http::html::push_escaped;

/// A passage of `columns` (title, excerpt, text, in that order of preference) around the
/// words of `terms`, at most `length` words long, as HTML: the text escaped, each match in
/// `<mark>…</mark>` (the only tags), `…` where the column was cut. The column whose best passage holds the most different
/// words wins, then the one with more matches; an article in which no word is found (the
/// index and this scan disagree on some script) gets the start of its first column.
pub fn snippet(columns: &[&str], terms: &SearchTerms, length: usize) -> String {
    let matcher = Matcher::new(terms);
    let mut best: Option<(Passage, &str, Vec<Token>)> = None;
    for column in columns {
        let tokens = tokens(column, &matcher);
        let passage = best_passage(column, &tokens, length);
        if best
            .as_ref()
            .is_none_or(|(chosen, _, _)| passage.score > chosen.score)
        {
            best = Some((passage, column, tokens));
        }
    }
    match best {
        Some((passage, column, tokens)) => render(column, &tokens, &passage),
        None => String::new(),
    }
}

/// The window of tokens a snippet shows, and how good it is.
struct Passage {
    first: usize,
    end: usize,
    score: usize,
}

/// The best window of `length` tokens: most different query words, then most matches, then
/// one that starts a sentence, then the earliest. It starts a little before its first match
/// so that the match reads in context (earlier near the end of the text, so that it stays
/// full).
fn best_passage(text: &str, tokens: &[Token], length: usize) -> Passage {
    let length = length.max(1);
    let mut best = Passage {
        first: 0,
        end: tokens.len().min(length),
        score: 0,
    };
    for (at, token) in tokens.iter().enumerate() {
        if token.matches.is_none() {
            continue;
        }
        // Near the end, the window starts earlier so that it stays full.
        let first = at
            .saturating_sub(length / 4)
            .min(tokens.len().saturating_sub(length));
        let end = tokens.len().min(first + length);
        let window = tokens.get(first..end).unwrap_or_default();
        let mut seen = Vec::new();
        let mut hits = 0;
        for matched in window.iter().filter_map(|token| token.matches) {
            hits += 1;
            if !seen.contains(&matched) {
                seen.push(matched);
            }
        }
        let starts_sentence = first == 0
            || tokens
                .get(first)
                .and_then(|token| text.get(..token.start))
                .is_some_and(|before| before.trim_end().ends_with(['.', '!', '?']));
        let score = seen.len() * 1000 + hits + if starts_sentence { 100 } else { 0 };
        if score > best.score {
            best = Passage { first, end, score };
        }
    }
    best
}

/// The passage as HTML.
fn render(text: &str, tokens: &[Token], passage: &Passage) -> String {
    let Some(window) = tokens
        .get(passage.first..passage.end)
        .filter(|w| !w.is_empty())
    else {
        return String::new();
    };
    let mut html = String::with_capacity(text.len().min(400));
    let mut at = match passage.first {
        0 => 0,
        _ => {
            html.push('…');
            window.first().map_or(0, |token| token.start)
        }
    };
    for token in window {
        push_escaped(&mut html, &text[at..token.start]);
        let word = &text[token.start..token.end];
        match token.matches {
            Some(_) => {
                html.push_str("<mark>");
                push_escaped(&mut html, word);
                html.push_str("</mark>");
            }
            None => push_escaped(&mut html, word),
        }
        at = token.end;
    }
    if passage.end < tokens.len() {
        html.push('…');
    } else {
        push_escaped(&mut html, &text[at..]);
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn make(columns: &[&str], query: &str, length: usize) -> String {
        SearchTerms::parse("q", query)
            .map(|terms| snippet(columns, &terms, length))
            .unwrap_or_default()
            .replace("<mark>", "[")
            .replace("</mark>", "]")
    }

    #[test]
    fn matches_are_marked_whatever_their_case_and_accents() {
        assert_eq!(
            make(&["Floods in Zürich and ZURICH"], "zurich", 24),
            "Floods in [Zürich] and [ZURICH]"
        );
        assert_eq!(make(&["Café society"], "CAFE", 24), "[Café] society");
    }

    #[test]
    fn the_last_word_matches_as_a_prefix_only_when_the_query_says_so() {
        assert_eq!(
            make(&["Monterey port expansion"], "port expa", 24),
            "Monterey [port] [expansion]"
        );
        assert_eq!(
            make(&["Monterey port expansion"], "port ex", 24),
            "Monterey [port] expansion"
        );
    }

    #[test]
    fn a_long_text_is_cut_around_its_best_passage() {
        let text = "One two three four five six seven eight nine ten. Police said the port \
                    closed today. Eleven twelve thirteen fourteen fifteen";
        let cut = make(&["A title", text], "police port", 6);
        assert_eq!(cut, "…ten. [Police] said the [port] closed…");
    }

    #[test]
    fn the_column_with_the_most_words_wins_and_the_title_on_a_tie() {
        assert_eq!(
            make(&["Port news", "The port and the police"], "police port", 24),
            "The [port] and the [police]"
        );
        assert_eq!(make(&["Port news", "A port"], "port", 24), "[Port] news");
    }

    #[test]
    fn the_text_is_escaped_and_marks_are_the_only_tags() {
        let html = SearchTerms::parse("q", "jerry")
            .map(|terms| snippet(&["“Tom & Jerry” <script>"], &terms, 24));
        assert_eq!(
            html.as_deref(),
            Ok("“Tom &amp; <mark>Jerry</mark>” &lt;script&gt;")
        );
    }

    #[test]
    fn without_a_match_the_first_column_starts_the_snippet() {
        assert_eq!(make(&["Tokyo", "Text"], "kyoto", 24), "Tokyo");
        assert_eq!(make(&[], "kyoto", 24), "");
    }
}
