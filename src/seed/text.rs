//! Synthetic news text for the demo content: made-up headlines and paragraphs assembled
//! from word lists, so the demo looks like a news site without copying anyone's articles.

use chrono::NaiveDateTime;
use rand::Rng;

use crate::comments::model::{CommentRecord, CommentStatus};
use rand::seq::IndexedRandom;

const SUBJECTS: &[&str] = &[
    "City council",
    "Regional officials",
    "The central bank",
    "Lawmakers",
    "Investigators",
    "Local residents",
    "Health authorities",
    "Tech firms",
    "Farmers",
    "The governor",
    "Energy regulators",
    "School districts",
    "Union leaders",
    "Police",
    "Economists",
    "Coastal towns",
    "Diplomats",
    "Shipping companies",
    "Researchers",
    "Voters",
];
const VERBS: &[&str] = &[
    "weigh",
    "reject",
    "approve",
    "question",
    "delay",
    "expand",
    "challenge",
    "back",
    "unveil",
    "review",
    "debate",
    "scrap",
    "defend",
    "probe",
    "fund",
    "warn over",
];
const OBJECTS: &[&str] = &[
    "new budget plan",
    "port expansion",
    "water restrictions",
    "transit fares",
    "data privacy rules",
    "housing reform",
    "tariff proposal",
    "election timetable",
    "bridge repairs",
    "emergency funding",
    "wildfire response",
    "chip factory",
    "pension changes",
    "border checkpoints",
    "wind farm project",
    "school closures",
];
const TAILS: &[&str] = &[
    "amid rising costs",
    "after months of talks",
    "as deadline nears",
    "despite protests",
    "in surprise vote",
    "ahead of winter",
    "following audit",
    "as markets wobble",
    "after storm damage",
    "in closed session",
    "",
    "",
    "",
];
const WORDS: &[&str] = &[
    "officials",
    "said",
    "the",
    "plan",
    "would",
    "cost",
    "million",
    "over",
    "next",
    "year",
    "residents",
    "told",
    "reporters",
    "meeting",
    "on",
    "Tuesday",
    "and",
    "that",
    "critics",
    "argued",
    "measure",
    "was",
    "rushed",
    "while",
    "supporters",
    "pointed",
    "to",
    "growing",
    "demand",
    "in",
    "region",
    "data",
    "showed",
    "a",
    "sharp",
    "rise",
    "since",
    "spring",
    "according",
    "statement",
    "from",
    "agency",
    "talks",
    "are",
    "expected",
    "continue",
    "week",
    "local",
    "businesses",
    "welcomed",
    "decision",
    "but",
    "warned",
    "of",
    "delays",
    "budget",
    "committee",
    "vote",
    "later",
    "this",
    "month",
    "analysts",
    "noted",
    "prices",
    "remained",
    "high",
    "across",
    "country",
    "several",
    "groups",
    "called",
    "for",
    "review",
    "federal",
    "court",
    "ruled",
    "hearing",
    "evidence",
    "witnesses",
    "described",
    "scene",
    "early",
    "morning",
    "emergency",
    "crews",
    "arrived",
    "within",
    "minutes",
    "investigation",
    "ongoing",
    "spokesperson",
    "declined",
    "comment",
    "further",
    "details",
    "report",
    "published",
    "by",
    "university",
    "found",
    "households",
    "spending",
    "more",
    "energy",
];

pub fn headline(rng: &mut impl Rng) -> String {
    let pick = |rng: &mut _, list: &[&'static str]| *list.choose(rng).unwrap_or(&"");
    let subject = pick(rng, SUBJECTS);
    let verb = pick(rng, VERBS);
    let object = pick(rng, OBJECTS);
    let tail = pick(rng, TAILS);
    format!("{subject} {verb} {object} {tail}")
        .trim_end()
        .to_owned()
}

/// Paragraphs of HTML, `words` words long in all.
pub fn body_html(rng: &mut impl Rng, words: usize) -> String {
    let mut html = String::with_capacity(words * 8);
    let mut written = 0;
    while written < words {
        html.push_str("<p>");
        let sentences = rng.random_range(2..=5);
        for s in 0..sentences {
            let length = rng.random_range(8..=20);
            if s > 0 {
                html.push(' ');
            }
            for w in 0..length {
                let word = *WORDS.choose(rng).unwrap_or(&"news");
                if w == 0 {
                    let mut chars = word.chars();
                    if let Some(first) = chars.next() {
                        html.extend(first.to_uppercase());
                        html.push_str(chars.as_str());
                    }
                } else {
                    html.push(' ');
                    html.push_str(word);
                }
            }
            html.push('.');
            written += length;
        }
        html.push_str("</p>\n");
    }
    html
}

const NAMES: &[&str] = &[
    "Jane Reader",
    "Tom B.",
    "Priya",
    "Marcus Webb",
    "Elena R.",
    "Concerned Citizen",
    "Old Timer",
    "Sam K.",
    "Lucia",
    "D. Park",
];
const REMARKS: &[&str] = &[
    "Thanks for covering this.",
    "This needs a follow-up.",
    "Who is paying for it?",
    "Finally some good news.",
    "I was at that meeting and it went differently.",
    "Great reporting as always.",
    "Not convinced by the numbers here.",
    "Does anyone know when the vote is?",
    "This will hit small businesses hardest.",
    "Dialogue is good here.",
];

/// A reader's comment: mostly approved, some waiting for moderation.
pub fn comment(
    rng: &mut impl Rng,
    article_id: i64,
    parent_id: Option<i64>,
    at: NaiveDateTime,
) -> CommentRecord {
    let name = *NAMES.choose(rng).unwrap_or(&"Reader");
    let remark = *REMARKS.choose(rng).unwrap_or(&"Interesting.");
    let handle: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase();
    CommentRecord {
        article_id,
        parent_id,
        author_name: name.to_owned(),
        author_email: format!("{handle}{}@example.com", rng.random_range(1..1000)),
        author_url: None,
        content: remark.to_owned(),
        status: if rng.random_bool(0.85) {
            CommentStatus::Approved
        } else {
            CommentStatus::Pending
        },
        author_ip: format!("203.0.113.{}", rng.random_range(1..255)),
        user_agent: Some("Mozilla/5.0 (demo)".to_owned()),
        created_at: at,
        updated_at: at,
    }
}
