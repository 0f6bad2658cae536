//! The words of a text as search sees them: runs of letters and digits, compared without
//! case or accents (`Zurich` finds `Zürich`), the last word of a query also as the start of
//! a longer word when the query says so. The same rule as the index's (FTS5's `unicode61`
//! tokenizer, removing diacritics), for what search does in Rust: ranking and snippets.

use deunicode::deunicode_char;

use super::terms::SearchTerms;

/// A word of the text: where it is, and which word of the query it matches, if any.
pub struct Token {
    pub start: usize,
    pub end: usize,
    /// The index of the query word it is.
    pub matches: Option<usize>,
}

/// The words of a query, folded, ready to be found in texts.
pub struct Matcher {
    words: Vec<String>,
    last_is_prefix: bool,
}

impl Matcher {
    pub fn new(terms: &SearchTerms) -> Self {
        Self {
            words: terms.words().iter().map(|word| fold(word)).collect(),
            last_is_prefix: terms.last_is_prefix(),
        }
    }

    /// How many words the query has.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether the query has no words.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Which word of the query `word` (as written in the text) is, if any. Most words of
    /// most texts are ASCII, compared here without folding them first: ranking and snippets
    /// spent a quarter of a search's time folding words that matched nothing.
    pub fn find(&self, word: &str) -> Option<usize> {
        if word.is_ascii() {
            let word = word.as_bytes();
            return self.position(
                |query| query.len() == word.len() && query.eq_ignore_ascii_case(word),
                |last| {
                    word.get(..last.len())
                        .is_some_and(|start| start.eq_ignore_ascii_case(last))
                },
            );
        }
        let folded = fold(word);
        let folded = folded.as_bytes();
        self.position(|query| query == folded, |last| folded.starts_with(last))
    }

    /// The first query word that `equals`, else the last one when it is a prefix that
    /// `begins` the word.
    fn position(
        &self,
        equals: impl Fn(&[u8]) -> bool,
        begins: impl Fn(&[u8]) -> bool,
    ) -> Option<usize> {
        let last = self.words.len().checked_sub(1)?;
        self.words
            .iter()
            .position(|query| equals(query.as_bytes()))
            .or_else(|| {
                let prefix = self.words.last().filter(|_| self.last_is_prefix)?;
                begins(prefix.as_bytes()).then_some(last)
            })
    }
}

/// The words of `text`, each with the query word it matches.
pub fn tokens(text: &str, matcher: &Matcher) -> Vec<Token> {
    // About one word in six bytes of English.
    let mut tokens = Vec::with_capacity(text.len() / 6);
    for_each_word(text, |start, end| {
        tokens.push(Token {
            start,
            end,
            matches: matcher.find(&text[start..end]),
        });
    });
    tokens
}

/// Calls `visit` with the start and end of each word of `text`. Byte by byte, decoding a
/// character only where one is not ASCII: this scan is most of what ranking and snippets
/// cost, over some 100 KB of text per search.
pub fn for_each_word(text: &str, mut visit: impl FnMut(usize, usize)) {
    let bytes = text.as_bytes();
    let mut start = None;
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        let (in_word, width) = match byte.is_ascii() {
            true => (byte.is_ascii_alphanumeric(), 1),
            false => text[at..]
                .chars()
                .next()
                .map_or((false, 1), |c| (c.is_alphanumeric(), c.len_utf8())),
        };
        match (in_word, start) {
            (true, None) => start = Some(at),
            (false, Some(from)) => {
                visit(from, at);
                start = None;
            }
            _ => {}
        }
        at += width;
    }
    if let Some(from) = start {
        visit(from, text.len());
    }
}

/// `word` in lower case without accents, as the index compares words.
pub fn fold(word: &str) -> String {
    let mut folded = String::with_capacity(word.len());
    push_folded(&mut folded, word);
    folded
}

fn push_folded(folded: &mut String, word: &str) {
    for c in word.chars() {
        if c.is_ascii() {
            folded.push(c.to_ascii_lowercase());
            continue;
        }
        // A Latin letter with an accent becomes the letter ("ü" is "u"); other scripts stay
        // as they are, in lower case (transliterating them would match what the index does not).
        match deunicode_char(c) {
            Some(plain) if plain.len() == 1 && plain.chars().all(|p| p.is_ascii_alphanumeric()) => {
                folded.push_str(&plain.to_ascii_lowercase());
            }
            _ => folded.extend(c.to_lowercase()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_runs_of_letters_and_digits_in_any_script() {
        let text = "«Zürich», 日本 2024—x";
        let mut words = Vec::new();
        for_each_word(text, |start, end| words.push(&text[start..end]));
        assert_eq!(words, ["Zürich", "日本", "2024", "x"]);
    }

    #[test]
    fn words_are_found_whatever_their_case_and_accents() -> Result<(), crate::error::FieldError> {
        let matcher = Matcher::new(&SearchTerms::parse("q", "zurich CAFÉ")?);
        assert_eq!(matcher.find("ZÜRICH"), Some(0));
        assert_eq!(matcher.find("cafe"), Some(1));
        assert_eq!(matcher.find("cafes"), Some(1));
        assert_eq!(matcher.find("zurichs"), None);
        Ok(())
    }
}
