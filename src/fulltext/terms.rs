//! The words of a query as a search box sends them: what counts as a word, how many, and
//! whether the last one is a prefix.

use crate::error::FieldError;

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// How many words of a query count; the words after them are ignored.
pub const MAX_TERMS: usize = 8;
/// How many characters of a word count; a longer word is cut.
pub const MAX_TERM_CHARS: usize = 64;
/// The last word matches as a prefix from this many characters on: one or two letters
/// would match nearly every article (and cost the most to rank), while a word of two
/// letters, "EU", still matches as a whole word.
pub const MIN_PREFIX_CHARS: usize = 3;

/// What a query must contain, as the spec says it: a character that is not ASCII or Latin-1
/// punctuation, a space, a control character or in one of Unicode's punctuation blocks.
/// Spelled with plain ranges so that every regex engine (ECMA with or without `u`, Python,
/// Rust) reads it alike; [`PUNCTUATION`] is the same list, and a test keeps them in step.
pub const QUERY_PATTERN: &str = r"[^\x00-\x2F\x3A-\x40\x5B-\x60\x7B-\xA9\xAB-\xB1\xB4\xB6-\xB8\xBB\xBF\xD7\xF7\u2000-\u206F\u2E00-\u2E7F\u3000-\u303F\uFE10-\uFE1F\uFE30-\uFE6F\uFF00-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF65]";

/// Characters that cannot make a query on their own.
const PUNCTUATION: &[(char, char)] = &[
    ('\0', '/'),
    (':', '@'),
    ('[', '`'),
    // Latin-1 punctuation and symbols, but not its letters and digits (ª ² ³ µ ¹ º ¼ ½ ¾).
    ('{', '\u{A9}'),
    ('\u{AB}', '\u{B1}'),
    ('\u{B4}', '\u{B4}'),
    ('\u{B6}', '\u{B8}'),
    ('\u{BB}', '\u{BB}'),
    ('\u{BF}', '\u{BF}'),
    ('\u{D7}', '\u{D7}'),
    ('\u{F7}', '\u{F7}'),
    // General and supplemental punctuation: spaces, dashes, quotes, ellipses…
    ('\u{2000}', '\u{206F}'),
    ('\u{2E00}', '\u{2E7F}'),
    // CJK, vertical, small and fullwidth punctuation.
    ('\u{3000}', '\u{303F}'),
    ('\u{FE10}', '\u{FE1F}'),
    ('\u{FE30}', '\u{FE6F}'),
    ('\u{FF00}', '\u{FF0F}'),
    ('\u{FF1A}', '\u{FF20}'),
    ('\u{FF3B}', '\u{FF40}'),
    ('\u{FF5B}', '\u{FF65}'),
];

fn is_punctuation(c: char) -> bool {
    PUNCTUATION
        .iter()
        .any(|&(low, high)| (low..=high).contains(&c))
}

/// The words of a search, as typed into a search box: runs of letters and digits (Unicode's
/// `Alphabetic` and `Number` characters), in lower case; everything else only separates
/// them, so quotes, operators and punctuation have no meaning. All words must match. The
/// last one may still be being typed, so it also matches the words it begins ("Montere"
/// finds "Monterey").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SearchTerms {
    words: Vec<String>,
    last_is_prefix: bool,
}

impl SearchTerms {
    /// Parses the text of query parameter `field`: a `422` naming it when the text is too
    /// long, or only punctuation and spaces. Text of symbols only (emoji, say) is a valid
    /// query without words, which finds nothing.
    pub fn parse(field: &str, text: &str) -> Result<Self, FieldError> {
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(FieldError::new(
                field,
                format!("must be at most {MAX_QUERY_CHARS} characters"),
            ));
        }
        if text.chars().all(is_punctuation) {
            return Err(FieldError::new(
                field,
                "must contain more than punctuation and spaces",
            ));
        }
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .take(MAX_TERMS)
            // In lower case: the index ignores case, and "Port" and "port" are then one
            // query to the cache.
            .map(|word| {
                word.chars()
                    .take(MAX_TERM_CHARS)
                    .collect::<String>()
                    .to_lowercase()
            })
            .collect();
        let last_is_prefix = words
            .last()
            .is_some_and(|last| last.chars().count() >= MIN_PREFIX_CHARS);
        Ok(Self {
            words,
            last_is_prefix,
        })
    }

    /// The words, in the order typed; empty when the query had none.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// Whether the last word also matches longer words that start with it.
    pub fn last_is_prefix(&self) -> bool {
        self.last_is_prefix
    }

    /// Each word with whether it matches as a prefix (the last one may).
    pub fn words_as_prefix(&self) -> impl Iterator<Item = (&str, bool)> {
        let last = self.words.len().saturating_sub(1);
        self.words
            .iter()
            .enumerate()
            .map(move |(i, word)| (word.as_str(), i == last && self.last_is_prefix))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        SearchTerms::parse("q", text)
            .map(|terms| terms.words().to_vec())
            .unwrap_or_default()
    }

    #[test]
    fn words_are_runs_of_letters_and_digits() {
        assert_eq!(words("Port expansion"), ["port", "expansion"]);
        assert_eq!(
            words("  \"Zürich\"  AND-2024: NEAR(x*)"),
            ["zürich", "and", "2024", "near", "x"]
        );
        assert_eq!(words("日本 ünïcödé"), ["日本", "ünïcödé"]);
    }

    #[test]
    fn the_last_word_is_a_prefix_from_three_characters() {
        for (text, prefix) in [("Montere", true), ("port exp", true), ("port ex", false)] {
            let terms = SearchTerms::parse("q", text).ok();
            assert_eq!(terms.map(|t| t.last_is_prefix()), Some(prefix), "{text}");
        }
    }

    #[test]
    fn queries_of_punctuation_and_spaces_are_rejected() {
        for text in [
            "",
            "   ",
            "\"\"",
            "*",
            "-:()",
            "«»—…",
            "\u{0}\t\u{3000}。",
            "！？",
        ] {
            let error = SearchTerms::parse("q", text).err();
            assert_eq!(error.map(|e| e.field), Some("q".to_owned()), "{text:?}");
        }
        for text in ["🦘", "∑", "\u{e000}"] {
            let terms = SearchTerms::parse("q", text).ok();
            assert_eq!(terms.map(|t| t.words().len()), Some(0), "{text:?}");
        }
    }

    /// The class of [`QUERY_PATTERN`], written out from [`PUNCTUATION`].
    fn pattern_of_punctuation() -> String {
        let escaped = |c: char| match u32::from(c) {
            code @ 0..=0xFF => format!("\\x{code:02X}"),
            code => format!("\\u{code:04X}"),
        };
        let ranges: String = PUNCTUATION
            .iter()
            .map(|&(low, high)| match low == high {
                true => escaped(low),
                false => format!("{}-{}", escaped(low), escaped(high)),
            })
            .collect();
        format!("[^{ranges}]")
    }

    #[test]
    fn the_spec_states_the_rule_the_server_applies() {
        assert_eq!(pattern_of_punctuation(), QUERY_PATTERN);
        for c in ['a', 'Ж', '日', '7', '²', '🦘', '\u{e000}', '\u{ffff}'] {
            assert!(!is_punctuation(c), "{c:?}");
        }
    }

    #[test]
    fn words_and_their_length_are_capped() {
        let many = (1..=20).map(|n| format!("w{n}")).collect::<Vec<_>>();
        assert_eq!(words(&many.join(" ")).len(), MAX_TERMS);
        let long = "x".repeat(100);
        assert_eq!(
            words(&long).first().map(|word| word.chars().count()),
            Some(MAX_TERM_CHARS)
        );
        assert!(SearchTerms::parse("search", &"x ".repeat(101)).is_err());
    }
}
