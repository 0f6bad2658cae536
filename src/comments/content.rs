//! A comment's text as HTML, the way WordPress shows comments: escaped, with paragraphs and
//! line breaks kept (`wpautop`) and bare URLs made into links (`make_clickable`).

use linkify::{LinkFinder, LinkKind};

use crate::http::html::push_escaped;

/// Links in comments point wherever a commenter likes: search engines are told not to
/// credit them (`nofollow ugc`) and the target page gets no handle on ours (`noopener`).
const LINK_REL: &str = "nofollow ugc noopener";

/// The HTML of a comment's raw text. Everything the commenter typed is escaped, so the
/// only markup is the `<p>`, `<br>` and `<a>` added here: blank lines separate
/// paragraphs, a single line break is a `<br>`, and `http(s)://` and `www.` URLs are links.
pub fn to_html(text: &str) -> String {
    // Browsers send form text with CRLF; old Macs' lone CR would otherwise stay one line.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut finder = LinkFinder::new();
    // Scheme-less finds are needed for `www.` links; `href` keeps only those.
    finder.kinds(&[LinkKind::Url]).url_must_have_scheme(false);
    let mut html = String::with_capacity(text.len() + text.len() / 4 + 16);
    for (n, paragraph) in paragraphs(&text).iter().enumerate() {
        if n > 0 {
            html.push('\n');
        }
        html.push_str("<p>");
        for (i, line) in paragraph.iter().enumerate() {
            if i > 0 {
                html.push_str("<br>\n");
            }
            push_linked(&mut html, &finder, line);
        }
        html.push_str("</p>");
    }
    html
}

/// The trimmed non-blank lines of each paragraph; blank lines (spaces only) separate them.
fn paragraphs(text: &str) -> Vec<Vec<&str>> {
    let mut paragraphs = Vec::new();
    let mut current = Vec::new();
    for line in text.split('\n').map(str::trim) {
        if line.is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs
}

/// One line, escaped, its web links as `<a>`. linkify finds where a URL ends: trailing
/// punctuation (`.`, `,`, `!`, `?`) and an unbalanced `)` or quote stay outside the link.
fn push_linked(html: &mut String, finder: &LinkFinder, line: &str) {
    for span in finder.spans(line) {
        match span.kind().and_then(|_| href(span.as_str())) {
            Some(href) => {
                html.push_str("<a href=\"");
                push_escaped(html, &href);
                html.push_str("\" rel=\"");
                html.push_str(LINK_REL);
                html.push_str("\">");
                push_escaped(html, span.as_str());
                html.push_str("</a>");
            }
            None => push_escaped(html, span.as_str()),
        }
    }
}

/// Where a found URL points, for web links only: `http(s)://…` as written, `www.…` over
/// `http://` as WordPress does. Other schemes (`ftp:`, `javascript:`) and bare domains
/// (`example.com`, often a typo for a sentence break) stay text.
fn href(link: &str) -> Option<String> {
    let starts_with = |prefix: &str| {
        link.get(..prefix.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
    };
    if starts_with("http://") || starts_with("https://") {
        Some(link.to_owned())
    } else if starts_with("www.") {
        Some(format!("http://{link}"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::to_html;

    fn link(url: &str, text: &str) -> String {
        format!("<a href=\"{url}\" rel=\"nofollow ugc noopener\">{text}</a>")
    }

    #[test]
    fn markup_is_escaped_and_inert() {
        assert_eq!(
            to_html("<script>alert('x')</script> & \"more\""),
            "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot;</p>"
        );
    }

    #[test]
    fn blank_lines_make_paragraphs_and_single_breaks_make_br() {
        assert_eq!(
            to_html("First line\r\nsecond line\r\n\r\n  \r\nNew paragraph\rlast"),
            "<p>First line<br>\nsecond line</p>\n<p>New paragraph<br>\nlast</p>"
        );
        assert_eq!(to_html("  one  "), "<p>one</p>");
    }

    #[test]
    fn bare_web_urls_become_links_without_trailing_punctuation() {
        assert_eq!(
            to_html("See https://example.com/a?b=1&c=2."),
            format!(
                "<p>See {}.</p>",
                link(
                    "https://example.com/a?b=1&amp;c=2",
                    "https://example.com/a?b=1&amp;c=2"
                )
            )
        );
        assert_eq!(
            to_html("(www.example.com), http://example.org/x! Really? https://a.example/?"),
            format!(
                "<p>({}), {}! Really? {}?</p>",
                link("http://www.example.com", "www.example.com"),
                link("http://example.org/x", "http://example.org/x"),
                link("https://a.example/", "https://a.example/"),
            )
        );
    }

    #[test]
    fn a_url_cannot_break_out_of_its_attribute() {
        // A quote or `<` ends the link; what follows is escaped text.
        assert_eq!(
            to_html("https://example.com/\"onmouseover=\"alert(1)\"<b>"),
            format!(
                "<p>{}&quot;onmouseover=&quot;alert(1)&quot;&lt;b&gt;</p>",
                link("https://example.com/", "https://example.com/")
            )
        );
        // Inside a link, quotes and ampersands are escaped in the attribute too.
        assert_eq!(
            to_html("https://example.com/it's?a=1&b=2"),
            format!(
                "<p>{}</p>",
                link(
                    "https://example.com/it&#39;s?a=1&amp;b=2",
                    "https://example.com/it&#39;s?a=1&amp;b=2"
                )
            )
        );
    }

    #[test]
    fn other_schemes_and_bare_domains_stay_text() {
        for text in [
            "javascript://example.com/%0aalert(1)",
            "ftp://example.com/file",
            "example.com",
            "mail me: jane@example.com",
        ] {
            assert!(!to_html(text).contains("<a "), "{text}");
        }
    }
}
