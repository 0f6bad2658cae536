//! Turning what authors write into what readers get: sanitized HTML, a plain-text
//! excerpt, and a reading time.

use super::model::ContentFormat;

/// Words a reader gets through in a minute, for `reading_time_minutes`.
const WORDS_PER_MINUTE: usize = 200;
/// Characters of a derived excerpt, cut at a word boundary.
const EXCERPT_CHARS: usize = 200;

/// The safe HTML of a body: Markdown is rendered first; either way ammonia removes scripts,
/// event handlers, `javascript:` URLs and anything else outside its allow-list.
pub fn render(content: &str, format: ContentFormat) -> String {
    match format {
        ContentFormat::Html => ammonia::clean(content),
        ContentFormat::Markdown => {
            let parser = pulldown_cmark::Parser::new_ext(content, pulldown_cmark::Options::all());
            let mut html = String::with_capacity(content.len() * 3 / 2);
            pulldown_cmark::html::push_html(&mut html, parser);
            ammonia::clean(&html)
        }
    }
}

/// The readable text of sanitized HTML: tags dropped, entities decoded, spaces collapsed.
pub fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    // ammonia's serializer only ever writes these entities in text.
    let decoded = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first sentences of the text, at most [`EXCERPT_CHARS`], cut between words.
pub fn excerpt(text: &str) -> String {
    if text.chars().count() <= EXCERPT_CHARS {
        return text.to_owned();
    }
    let mut cut = String::new();
    for word in text.split(' ') {
        if cut.chars().count() + word.chars().count() + 1 > EXCERPT_CHARS {
            break;
        }
        if !cut.is_empty() {
            cut.push(' ');
        }
        cut.push_str(word);
    }
    let cut = cut.trim_end_matches([',', ';', ':', '.', '-']);
    format!("{cut}…")
}

pub fn reading_time_minutes(text: &str) -> i32 {
    let words = text.split_whitespace().count();
    i32::try_from(words.div_ceil(WORDS_PER_MINUTE).max(1)).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_html_is_defused() {
        let html = render(
            r#"<p onclick="steal()">Hi<script>alert(1)</script> <a href="javascript:alert(1)">x</a><img src=x onerror=alert(1)></p>"#,
            ContentFormat::Html,
        );
        for bad in ["<script", "onclick", "onerror", "javascript:"] {
            assert!(!html.contains(bad), "{bad} survived in {html}");
        }
        assert!(html.contains("<p>Hi"));
    }

    #[test]
    fn markdown_is_rendered_then_sanitized() {
        let html = render(
            "# Title\n\n**bold** <script>x</script>",
            ContentFormat::Markdown,
        );
        assert!(html.contains("<h1>Title</h1>") && html.contains("<strong>bold</strong>"));
        assert!(!html.contains("<script"));
    }

    #[test]
    fn excerpts_are_plain_text_cut_between_words() {
        let text = plain_text("<p>Fish &amp; chips</p><p>are   good</p>");
        assert_eq!(text, "Fish & chips are good");
        let long = "word ".repeat(100);
        let cut = excerpt(long.trim());
        assert!(cut.ends_with("word…") && cut.chars().count() <= EXCERPT_CHARS + 1);
    }

    #[test]
    fn reading_time_rounds_up_and_is_at_least_a_minute() {
        assert_eq!(reading_time_minutes(""), 1);
        assert_eq!(reading_time_minutes(&"w ".repeat(201)), 2);
    }
}
