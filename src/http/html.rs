//! Text made safe to insert as HTML, for the fields that carry HTML the server wrote
//! around someone else's text (comment bodies, search snippets).

/// Escapes the five characters that matter in text and in a quoted attribute value.
pub fn push_escaped(html: &mut String, text: &str) {
    text.chars().for_each(|c| push_escaped_char(html, c));
}

/// [`push_escaped`] for one character.
pub fn push_escaped_char(html: &mut String, c: char) {
    match c {
        '<' => html.push_str("&lt;"),
        '>' => html.push_str("&gt;"),
        '&' => html.push_str("&amp;"),
        '"' => html.push_str("&quot;"),
        '\'' => html.push_str("&#39;"),
        c => html.push(c),
    }
}
