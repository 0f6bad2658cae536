//! Synthetic news text for the demo content: made-up headlines and paragraphs assembled
//! from word lists, so the demo looks like a news site without copying anyone's articles.

use chrono::NaiveDateTime;
use rand::Rng;
use std::sync::LazyLock;

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
    "The mayor",
    "Hospital staff",
    "Airline executives",
    "Prosecutors",
    "Climate scientists",
    "Transport planners",
    "Parents",
    "Retailers",
    "Fishermen",
    "The supreme court",
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
    "sue over",
    "rally behind",
    "vote on",
    "push for",
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
    "vaccine rollout",
    "airport runway",
    "minimum wage increase",
    "fishing quotas",
    "rail strike",
    "flood defences",
    "tax rebate",
    "mining licence",
    "hospital merger",
    "curfew order",
    "stadium deal",
    "solar subsidies",
    "police reform",
    "drought relief",
    "museum funding",
    "ferry contract",
    "teacher shortage",
    "rent controls",
    "refinery closure",
    "harbour dredging",
    "cyber attack inquiry",
    "ballot recount",
    "oil spill cleanup",
    "satellite launch",
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
/// Real places, some spelled with diacritics, so that search shows its folding
/// (`zurich` finds Zürich).
const PLACES: &[&str] = &[
    "Monterey",
    "Kherson",
    "Zürich",
    "São Paulo",
    "Kraków",
    "Malmö",
    "Bogotá",
    "Reykjavík",
    "Göteborg",
    "Córdoba",
    "Tromsø",
    "Besançon",
    "Nuuk",
    "Lagos",
    "Hanoi",
    "Quito",
    "Valparaíso",
    "Düsseldorf",
    "Łódź",
    "Plzeň",
    "Gdańsk",
    "Mérida",
    "Cádiz",
    "Århus",
    "Jyväskylä",
    "Brașov",
    "Nîmes",
    "Coimbra",
    "Antalya",
    "Tbilisi",
    "Mombasa",
    "Kigali",
    "Cusco",
    "Hobart",
    "Dunedin",
    "Halifax",
    "Winnipeg",
    "Tucson",
    "Savannah",
    "Duluth",
    "Galway",
    "Aberdeen",
    "Bergen",
    "Tallinn",
    "Riga",
    "Vilnius",
    "Ljubljana",
    "Porto",
    "Seville",
    "Bari",
];
/// The words every story is built with, picked uniformly: each is in nearly every article.
const FUNCTION_WORDS: &[&str] = &[
    "officials",
    "said",
    "the",
    "would",
    "over",
    "next",
    "year",
    "told",
    "on",
    "and",
    "that",
    "argued",
    "was",
    "while",
    "pointed",
    "to",
    "growing",
    "in",
    "a",
    "sharp",
    "rise",
    "since",
    "according",
    "from",
    "are",
    "expected",
    "continue",
    "week",
    "local",
    "welcomed",
    "but",
    "warned",
    "of",
    "later",
    "this",
    "month",
    "noted",
    "remained",
    "high",
    "across",
    "several",
    "called",
    "for",
    "ruled",
    "described",
    "early",
    "morning",
    "arrived",
    "within",
    "minutes",
    "ongoing",
    "declined",
    "comment",
    "further",
    "details",
    "published",
    "by",
    "found",
    "more",
    "new",
    "also",
    "it",
    "is",
    "has",
    "had",
    "were",
    "with",
    "an",
    "at",
    "as",
    "its",
    "their",
    "they",
    "he",
    "she",
    "not",
    "been",
    "after",
    "about",
    "into",
    "than",
    "some",
    "last",
    "two",
    "three",
    "first",
    "people",
    "city",
    "state",
    "public",
    "group",
    "plan",
    "statement",
    "Tuesday",
    "Friday",
];
/// What stories are about: picked by a Zipf-like law (the first words are common, the last
/// rare), before the made-up names that make the long tail of a real news vocabulary.
const TOPICS: &[&str] = &[
    "government",
    "election",
    "budget",
    "police",
    "court",
    "health",
    "school",
    "housing",
    "energy",
    "climate",
    "economy",
    "market",
    "inflation",
    "trade",
    "security",
    "transport",
    "hospital",
    "workers",
    "union",
    "strike",
    "protest",
    "minister",
    "parliament",
    "senate",
    "mayor",
    "council",
    "taxes",
    "funding",
    "contract",
    "company",
    "profits",
    "shares",
    "investors",
    "bank",
    "interest",
    "rates",
    "mortgage",
    "rent",
    "prices",
    "wages",
    "jobs",
    "unemployment",
    "factory",
    "port",
    "shipping",
    "airport",
    "railway",
    "bridge",
    "highway",
    "traffic",
    "weather",
    "storm",
    "flood",
    "drought",
    "wildfire",
    "earthquake",
    "heatwave",
    "rainfall",
    "harvest",
    "farmers",
    "fishing",
    "water",
    "pollution",
    "emissions",
    "solar",
    "wind",
    "nuclear",
    "coal",
    "gas",
    "oil",
    "pipeline",
    "electricity",
    "grid",
    "battery",
    "vehicles",
    "technology",
    "software",
    "privacy",
    "cyber",
    "hackers",
    "satellite",
    "research",
    "scientists",
    "university",
    "students",
    "teachers",
    "exams",
    "children",
    "parents",
    "families",
    "patients",
    "doctors",
    "nurses",
    "vaccine",
    "virus",
    "outbreak",
    "clinic",
    "pharmacy",
    "insurance",
    "pensions",
    "retirees",
    "veterans",
    "military",
    "troops",
    "border",
    "migrants",
    "refugees",
    "asylum",
    "treaty",
    "summit",
    "diplomats",
    "embassy",
    "sanctions",
    "tariffs",
    "exports",
    "imports",
    "currency",
    "deficit",
    "debt",
    "bonds",
    "audit",
    "fraud",
    "corruption",
    "bribery",
    "trial",
    "verdict",
    "judge",
    "jury",
    "lawsuit",
    "appeal",
    "prison",
    "arrest",
    "suspect",
    "victims",
    "witness",
    "detectives",
    "robbery",
    "shooting",
    "crash",
    "fire",
    "rescue",
    "ambulance",
    "firefighters",
    "volunteers",
    "charity",
    "donations",
    "festival",
    "concert",
    "museum",
    "theatre",
    "film",
    "music",
    "artists",
    "album",
    "award",
    "television",
    "streaming",
    "sports",
    "stadium",
    "tournament",
    "league",
    "coach",
    "players",
    "season",
    "championship",
    "tourism",
    "hotels",
    "restaurants",
    "retail",
    "shoppers",
    "consumers",
    "groceries",
    "supermarket",
    "startup",
    "merger",
    "acquisition",
    "layoffs",
    "hiring",
    "productivity",
    "regulators",
    "legislation",
    "reform",
    "referendum",
    "ballot",
    "campaign",
    "candidates",
    "polls",
    "turnout",
    "coalition",
    "opposition",
    "scandal",
    "resignation",
    "inquiry",
    "report",
    "survey",
    "census",
    "population",
    "neighbourhood",
    "infrastructure",
    "construction",
    "developers",
    "zoning",
    "landlords",
    "tenants",
    "homelessness",
    "shelter",
    "poverty",
    "welfare",
    "subsidies",
    "grants",
    "innovation",
    "exhibition",
    "archaeologists",
    "discovery",
    "telescope",
    "astronauts",
    "launch",
    "ocean",
    "coral",
    "wildlife",
    "forest",
    "glacier",
    "volcano",
    "tsunami",
    "evacuation",
    "curfew",
];

/// How many made-up names (people, towns, firms) the vocabulary ends with.
const MADE_UP_NAMES: usize = 20_000;

/// The vocabulary stories are written with, most frequent first: topics, then thousands of
/// made-up names built from syllables (with the places among them), each in a small share of
/// the articles.
fn vocabulary() -> &'static [String] {
    static VOCABULARY: LazyLock<Vec<String>> = LazyLock::new(|| {
        const ONSETS: [&str; 20] = [
            "b", "br", "c", "ch", "d", "f", "g", "gr", "h", "k", "l", "m", "n", "p", "r", "s",
            "st", "t", "v", "z",
        ];
        const VOWELS: [&str; 6] = ["a", "e", "i", "o", "u", "ai"];
        const CODAS: [&str; 6] = ["", "n", "r", "l", "s", "nd"];
        const SYLLABLES: usize = ONSETS.len() * VOWELS.len() * CODAS.len();
        let syllable = |i: usize| {
            let onset = pick(&ONSETS, i);
            let vowel = pick(&VOWELS, i / ONSETS.len());
            let coda = pick(&CODAS, i / (ONSETS.len() * VOWELS.len()));
            format!("{onset}{vowel}{coda}")
        };
        let names = (0..MADE_UP_NAMES).map(|n| {
            // A stride coprime with the number of pairs visits them in a scattered order.
            let pair = n * 7_919 % (SYLLABLES * SYLLABLES);
            let ending = pick(&["o", "a", "er", "", "is", "son"], n);
            capitalized(&format!(
                "{}{}{ending}",
                syllable(pair / SYLLABLES),
                syllable(pair % SYLLABLES)
            ))
        });
        // Places come after the first thousand names: in a few percent of the articles each.
        let mut words: Vec<String> = TOPICS.iter().map(|word| (*word).to_owned()).collect();
        words.extend(names);
        let places = PLACES.iter().map(|place| (*place).to_owned());
        words.splice(TOPICS.len() + 1_000..TOPICS.len() + 1_000, places);
        words
    });
    &VOCABULARY
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// An element of `list`, the first ones far more often than the last: rank `r` comes with a
/// weight of `1 / (r + 200)` (a Zipf-Mandelbrot law, as word frequencies in real text follow),
/// so that the commonest topic is in about one article in seven and a rare name in one in 700.
fn zipf_pick<'a, T>(rng: &mut impl Rng, list: &'a [T]) -> Option<&'a T> {
    const OFFSET: f64 = 200.0;
    // The inverse of the law's cumulative distribution, applied to a uniform draw.
    let spread = (list.len() as f64 + OFFSET) / (1.0 + OFFSET);
    let rank = (1.0 + OFFSET) * spread.powf(rng.random::<f64>()) - OFFSET;
    list.get((rank as usize).saturating_sub(1))
}

pub fn headline(rng: &mut impl Rng) -> String {
    let pick = |rng: &mut _, list: &[&'static str]| *list.choose(rng).unwrap_or(&"");
    let subject = pick(rng, SUBJECTS);
    let verb = pick(rng, VERBS);
    let object = pick(rng, OBJECTS);
    let tail = pick(rng, TAILS);
    let headline = if rng.random_bool(0.4) {
        let place = pick(rng, PLACES);
        format!("{subject} in {place} {verb} {object} {tail}")
    } else {
        format!("{subject} {verb} {object} {tail}")
    };
    headline.trim_end().to_owned()
}

/// Paragraphs of HTML, `words` words long in all: about half of the words are the common
/// ones every story has, the rest come from the Zipf-distributed vocabulary.
pub fn body_html(rng: &mut impl Rng, words: usize) -> String {
    let vocabulary = vocabulary();
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
                let word = if rng.random_bool(0.5) {
                    FUNCTION_WORDS.choose(rng).copied().unwrap_or("news")
                } else {
                    zipf_pick(rng, vocabulary).map_or("news", String::as_str)
                };
                if w == 0 {
                    html.push_str(&capitalized(word));
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

/// The item at `i`, counting round the list again past its end.
fn pick<'a>(items: &[&'a str], i: usize) -> &'a str {
    items
        .get(i % items.len().max(1))
        .copied()
        .unwrap_or_default()
}
