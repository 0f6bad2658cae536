//! `/search` and the `search` filter of `/articles`: the site's search box, ranked, forgiving
//! about accents and unfinished words, blind to drafts, and never broken by what is typed.

use chrono::{SecondsFormat, TimeDelta, Utc};
use serde_json::{Value, json};

use crate::common::{Response, TestApp};

const ARTICLES: &str = "/api/v1/articles";

fn encoded(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// `GET /search?q=…` with extra query parameters.
async fn search(app: &TestApp, q: &str, extra: &str) -> Response {
    app.get(&format!("/api/v1/search?q={}{extra}", encoded(q)))
        .await
}

/// The titles of a search's results, best first; asserts a `200`.
async fn found(app: &TestApp, q: &str) -> Vec<String> {
    let response = search(app, q, "").await;
    assert_eq!(response.status, 200, "{q:?}: {}", response.text);
    titles(&response.body)
}

/// A `200` with an empty page.
fn assert_finds_nothing(response: &Response) {
    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(response.body["meta"]["total"], 0, "{}", response.text);
    assert_eq!(titles(&response.body).len(), 0);
}

fn titles(body: &Value) -> Vec<String> {
    body["data"]
        .as_array()
        .expect("a list of results")
        .iter()
        .map(|result| result["title"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn strings(texts: &[&str]) -> Vec<String> {
    texts.iter().map(|&text| text.to_owned()).collect()
}

fn ago(days: i64) -> String {
    (Utc::now() - TimeDelta::days(days)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Publishes an article as admin, dated `days` ago, with these fields.
async fn published(app: &TestApp, days: i64, fields: Value) -> Value {
    let mut body = json!({"status": "published", "published_at": ago(days)});
    if let (Some(body), Some(fields)) = (body.as_object_mut(), fields.as_object()) {
        body.extend(fields.clone());
    }
    app.article(&app.admin_token, body).await
}

async fn story(app: &TestApp, title: &str, content: &str) -> Value {
    published(
        app,
        1,
        json!({"title": title, "content": format!("<p>{content}</p>")}),
    )
    .await
}

// Ranking and results

#[actix_web::test]
async fn a_title_match_ranks_above_an_excerpt_match_above_a_text_match() {
    let app = TestApp::spawn().await;
    let text = json!({"title": "Harbour report", "excerpt": "Boats and weather.",
        "content": "<p>Boats came in. A quokka was seen near the harbour at dawn.</p>"});
    let excerpt = json!({"title": "Wildlife report", "excerpt": "A quokka near the harbour.",
        "content": "<p>Boats came in at dawn, and more boats.</p>"});
    let title = json!({"title": "Quokka seen at the harbour", "excerpt": "Boats and weather.",
        "content": "<p>Boats came in at dawn, and more boats.</p>"});
    for n in 1..=4 {
        story(&app, &format!("Other news {n}"), "Boats came in at dawn.").await;
    }
    // The newest first, so that relevance, not recency, decides.
    published(&app, 1, text).await;
    published(&app, 2, excerpt).await;
    published(&app, 3, title).await;
    assert_eq!(
        found(&app, "quokka").await,
        [
            "Quokka seen at the harbour",
            "Wildlife report",
            "Harbour report"
        ]
    );
}

#[actix_web::test]
async fn every_word_must_match_in_any_order() {
    let app = TestApp::spawn().await;
    story(&app, "Port expansion approved", "The council voted.").await;
    story(
        &app,
        "Port closed for the winter",
        "No expansion this year.",
    )
    .await;
    story(&app, "Airport expansion delayed", "Again.").await;
    let mut both = found(&app, "expansion port").await;
    both.sort();
    assert_eq!(
        both,
        ["Port closed for the winter", "Port expansion approved"]
    );
    assert_eq!(
        found(&app, "port expansion council").await,
        ["Port expansion approved"]
    );
}

#[actix_web::test]
async fn results_are_summaries_with_a_marked_snippet_in_the_usual_envelope() {
    let app = TestApp::spawn().await;
    for n in 1..=3 {
        story(&app, &format!("Kherson update {n}"), "Forces advanced.").await;
    }
    story(&app, "Unrelated", "Nothing here.").await;
    let response = search(&app, "kherson", "&per_page=2&page=1").await;
    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(response.header("x-total-count"), Some("3"));
    let link = response.header("link").expect("a Link header");
    assert!(
        link.contains("rel=\"next\"") && link.contains("page=2"),
        "{link}"
    );
    assert!(link.contains("q=kherson"), "{link}");
    assert_eq!(
        response.body["meta"],
        json!({"page": 1, "per_page": 2, "total": 3, "total_pages": 2})
    );
    let first = &response.body["data"][0];
    assert!(
        first["title"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Kherson update")
    );
    assert!(first.get("content_html").is_none(), "{first}");
    for field in [
        "id",
        "slug",
        "excerpt",
        "author",
        "category",
        "published_at",
    ] {
        assert!(first.get(field).is_some(), "no {field} in {first}");
    }
    let snippet = first["snippet"].as_str().expect("a snippet");
    assert!(snippet.contains("<mark>Kherson</mark>"), "{snippet}");
    let last = search(&app, "kherson", "&per_page=2&page=2").await;
    assert_eq!(titles(&last.body).len(), 1);
}

#[actix_web::test]
async fn snippets_are_escaped_html_whose_only_tags_are_marks() {
    let app = TestApp::spawn().await;
    story(
        &app,
        "Cartoon news",
        "Tom &amp; Jerry &lt;script&gt;alert(1)&lt;/script&gt; fight in <b>Valparaíso</b> \u{e000}again\u{e001}.",
    )
    .await;
    let response = search(&app, "valparaiso", "").await;
    let snippet = response.body["data"][0]["snippet"]
        .as_str()
        .expect("a snippet")
        .to_owned();
    assert!(snippet.contains("<mark>Valparaíso</mark>"), "{snippet}");
    assert!(
        snippet.contains("Tom &amp; Jerry &lt;script&gt;"),
        "{snippet}"
    );
    let without_marks = snippet.replace("<mark>", "").replace("</mark>", "");
    assert!(!without_marks.contains('<'), "{snippet}");
    assert_eq!(
        snippet.matches("<mark>").count(),
        snippet.matches("</mark>").count(),
        "{snippet}"
    );
}

// Matching what a search box sends

#[actix_web::test]
async fn the_last_word_matches_as_a_prefix_while_it_is_typed() {
    let app = TestApp::spawn().await;
    story(&app, "Storm hits Monterey harbour", "Boats were lost.").await;
    story(&app, "EU ministers meet", "In Brussels.").await;
    for typed in [
        "Mon",
        "Mont",
        "Montere",
        "monterey",
        "Monterey harb",
        "storm mont",
    ] {
        assert_eq!(
            found(&app, typed).await,
            ["Storm hits Monterey harbour"],
            "{typed:?}"
        );
    }
    // Only the last word is a prefix, words are matched from their start, and one or two
    // letters are a whole word (as a prefix they would match nearly every article).
    for typed in [
        "Montere harbour",
        "onterey",
        "storm m",
        "storm mo",
        "Mo",
        "E",
    ] {
        assert!(found(&app, typed).await.is_empty(), "{typed:?}");
    }
    assert_eq!(found(&app, "eu").await, ["EU ministers meet"]);
}

#[actix_web::test]
async fn case_and_accents_are_ignored() {
    let app = TestApp::spawn().await;
    story(
        &app,
        "Lawmakers in Zürich vote",
        "A São Paulo delegation came.",
    )
    .await;
    for typed in ["zurich", "ZÜRICH", "Zur", "sao paulo", "SÃO PAULO"] {
        assert_eq!(
            found(&app, typed).await,
            ["Lawmakers in Zürich vote"],
            "{typed:?}"
        );
    }
}

#[actix_web::test]
async fn the_category_filter_includes_child_categories() {
    let app = TestApp::spawn().await;
    let world = app.category(json!({"name": "World"})).await;
    let europe = app
        .category(json!({"name": "Europe", "parent_id": world["id"]}))
        .await;
    let sport = app.category(json!({"name": "Sport"})).await;
    for (title, category) in [("Gdańsk floods", &europe), ("Gdańsk wins the cup", &sport)] {
        published(
            &app,
            1,
            json!({"title": title, "content": "<p>News.</p>", "category_id": category["id"]}),
        )
        .await;
    }
    for category in ["world", world["id"].to_string().as_str(), "europe"] {
        let response = search(&app, "gdansk", &format!("&category={category}")).await;
        assert_eq!(titles(&response.body), ["Gdańsk floods"], "{category}");
    }
    assert_finds_nothing(&search(&app, "gdansk", "&category=nowhere").await);
}

/// The titles of a page of `q` with these extra parameters, and its total; asserts a `200`
/// whose header and body agree on the total.
async fn page(app: &TestApp, q: &str, extra: &str) -> (Vec<String>, i64) {
    let response = search(app, q, extra).await;
    assert_eq!(response.status, 200, "{}", response.text);
    let total = response.body["meta"]["total"].as_i64().unwrap_or(-1);
    let header = response.header("x-total-count").map(str::to_owned);
    assert_eq!(header, Some(total.to_string()), "{}", response.text);
    (titles(&response.body), total)
}

#[actix_web::test]
async fn the_newest_matches_are_ranked_the_older_follow_and_all_are_counted() {
    let app = TestApp::spawn_with(&[("SEARCH_RANKED_MATCHES", "2")]).await;
    let token = app.admin_token.clone();
    let coast = app.category(json!({"name": "Coast"})).await;
    let in_coast = |title: &str, content: &str| json!({"title": title, "content": format!("<p>{content}</p>"), "category_id": coast["id"]});
    // Written oldest first. The oldest has the word in its title, but only the two newest
    // matches are ranked.
    published(
        &app,
        9,
        json!({"title": "Narwhal sighting", "content": "<p>Far out.</p>"}),
    )
    .await;
    for n in 1..=3 {
        published(
            &app,
            5,
            in_coast(&format!("Coast report {n}"), "A narwhal was seen."),
        )
        .await;
    }
    published(&app, 2, in_coast("Harbour news", "A narwhal again.")).await;
    published(&app, 1, in_coast("Narwhal returns", "Seen again.")).await;
    // Never found, never counted.
    let tomorrow = (Utc::now() + TimeDelta::days(1)).to_rfc3339_opts(SecondsFormat::Secs, true);
    for (title, status, at) in [
        ("Narwhal draft", "draft", None),
        ("Narwhal archive", "archived", Some(ago(3))),
        ("Narwhal tomorrow", "published", Some(tomorrow)),
    ] {
        let mut body = in_coast(title, "Narwhal.");
        body["status"] = json!(status);
        if let Some(at) = at {
            body["published_at"] = json!(at);
        }
        app.article(&token, body).await;
    }

    let pages = [
        ("&per_page=2", vec!["Narwhal returns", "Harbour news"]),
        (
            "&per_page=2&page=2",
            vec!["Coast report 3", "Coast report 2"],
        ),
        (
            "&per_page=2&page=3",
            vec!["Coast report 1", "Narwhal sighting"],
        ),
        ("&per_page=2&page=4", vec![]),
        (
            "&per_page=3",
            vec!["Narwhal returns", "Harbour news", "Coast report 3"],
        ),
        (
            "&per_page=3&page=2",
            vec!["Coast report 2", "Coast report 1", "Narwhal sighting"],
        ),
    ];
    for (extra, expected) in pages {
        let (titles, total) = page(&app, "narwhal", extra).await;
        assert_eq!((titles, total), (strings(&expected), 6), "{extra}");
    }
    // A category counts its own matches.
    let (titles, total) = page(&app, "narwhal", "&category=coast&per_page=2&page=3").await;
    assert_eq!((titles, total), (strings(&["Coast report 1"]), 5));
    // The articles list counts the same matches.
    let listed = app.get(&format!("{ARTICLES}?search=narwhal")).await;
    assert_eq!(listed.body["meta"]["total"], 6, "{}", listed.text);
}

#[actix_web::test]
async fn words_are_looked_for_in_the_text_never_in_the_status() {
    let app = TestApp::spawn().await;
    story(&app, "Garden notes", "Roses in bloom.").await;
    let token = app.admin_token.clone();
    app.article(
        &token,
        json!({"title": "Garden plans", "content": "<p>Tulips.</p>"}),
    )
    .await;
    for status in ["published", "draft", "archived", "status"] {
        assert!(found(&app, status).await.is_empty(), "{status}");
    }
    story(&app, "Published at last", "The book about roses.").await;
    assert_eq!(found(&app, "published").await, ["Published at last"]);
}

#[actix_web::test]
async fn demo_content_is_indexed_and_so_is_what_is_written_after_it() {
    // `seed --demo` indexes its articles once, at the end of its transaction.
    let app = TestApp::spawn_seeded(&[], 60).await;
    let listed = app.get(&format!("{ARTICLES}?per_page=100")).await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    let articles = listed.body["data"].as_array().cloned().unwrap_or_default();
    assert!(!articles.is_empty(), "{}", listed.text);
    for article in articles.iter().take(10) {
        let title = article["title"].as_str().unwrap_or_default();
        let response = search(&app, title, "&per_page=100").await;
        assert_eq!(response.status, 200, "{}", response.text);
        let ids: Vec<&Value> = response.body["data"]
            .as_array()
            .map(|results| results.iter().map(|result| &result["id"]).collect())
            .unwrap_or_default();
        assert!(
            ids.contains(&&article["id"]),
            "{title:?}: {}",
            response.text
        );
    }
    // And the index is kept row by row again afterwards.
    story(&app, "Capybara census", "A count of capybaras.").await;
    assert_eq!(found(&app, "capybara").await, ["Capybara census"]);
}

// Visibility and keeping the index in step

#[actix_web::test]
async fn drafts_archived_and_scheduled_articles_are_never_found() {
    let app = TestApp::spawn().await;
    let token = app.admin_token.clone();
    let draft = app
        .article(
            &token,
            json!({"title": "Wombat draft", "content": "<p>Wombat.</p>"}),
        )
        .await;
    app.article(
        &token,
        json!({"title": "Wombat archive", "content": "<p>Wombat.</p>", "status": "archived"}),
    )
    .await;
    let tomorrow = (Utc::now() + TimeDelta::days(1)).to_rfc3339_opts(SecondsFormat::Secs, true);
    app.article(
        &token,
        json!({"title": "Wombat tomorrow", "content": "<p>Wombat.</p>", "status": "published", "published_at": tomorrow}),
    )
    .await;
    assert!(found(&app, "wombat").await.is_empty());
    let listed = app.get(&format!("{ARTICLES}?search=wombat")).await;
    assert_eq!(listed.body["meta"]["total"], 0, "{}", listed.text);
    // Publishing is enough to be found.
    let path = format!("{ARTICLES}/{}", draft["id"]);
    let publish = app
        .patch_as(&path, &token, json!({"status": "published"}))
        .await;
    assert_eq!(publish.status, 200, "{}", publish.text);
    assert_eq!(found(&app, "wombat").await, ["Wombat draft"]);
    let unpublish = app
        .patch_as(&path, &token, json!({"status": "draft"}))
        .await;
    assert_eq!(unpublish.status, 200, "{}", unpublish.text);
    assert!(found(&app, "wombat").await.is_empty());
}

/// Every step searches, changes an article, then searches again: the next search sees the
/// change, and one that does not touch the search leaves its results as they were.
#[actix_web::test]
async fn the_next_search_sees_every_change_that_touches_it() {
    let app = TestApp::spawn_with(&[("SEARCH_RANKED_MATCHES", "2")]).await;
    let token = app.admin_token.clone();
    let coast = app.category(json!({"name": "Coast"})).await;
    // Oldest first: only the two newest matches are ranked.
    let oldest = story(&app, "Walrus one", "On the ice.").await;
    let unrelated = story(&app, "Otter news", "In the kelp.").await;
    for title in ["Walrus two", "Walrus three", "Walrus four"] {
        story(&app, title, "On the ice.").await;
    }
    let all = |titles: &[&str]| (strings(titles), i64::try_from(titles.len()).unwrap_or(0));
    let before = page(&app, "walrus", "&per_page=10").await;
    assert_eq!(before.1, 4);
    assert_eq!(
        page(&app, "walrus", "&per_page=1&page=3").await.0,
        ["Walrus two"]
    );

    // A change that does not touch the search: the same results.
    story(&app, "Seal news", "On the rocks.").await;
    assert_eq!(page(&app, "walrus", "&per_page=10").await, before);
    assert_eq!(
        page(&app, "walrus", "&per_page=1&page=3").await.0,
        ["Walrus two"]
    );

    // A new match is found, and moves the later pages.
    story(&app, "Walrus five", "On the ice.").await;
    let (titles, total) = page(&app, "walrus", "&per_page=10").await;
    assert_eq!(
        (titles.first().map(String::as_str), total),
        (Some("Walrus five"), 5)
    );
    assert_eq!(
        page(&app, "walrus", "&per_page=1&page=3").await.0,
        ["Walrus three"]
    );
    // A weaker one (in the text only) is ranked below the title matches, and pushes the
    // oldest ranked one out among the older matches.
    let watch = story(&app, "Otter watch", "A walrus on the ice.").await;
    let expected = [
        "Walrus five",
        "Otter watch",
        "Walrus four",
        "Walrus three",
        "Walrus two",
        "Walrus one",
    ];
    assert_eq!(page(&app, "walrus", "&per_page=10").await, all(&expected));

    // An old match, older than the ranked ones, that no longer matches.
    let path = |article: &Value| format!("{ARTICLES}/{}", article["id"]);
    let edited = app
        .patch_as(&path(&oldest), &token, json!({"title": "Seal one"}))
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text);
    assert_eq!(page(&app, "walrus", "&per_page=10").await.1, 5);
    // An old article that now matches.
    let edited = app
        .patch_as(
            &path(&unrelated),
            &token,
            json!({"content": "<p>A walrus.</p>"}),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text);
    let (titles, total) = page(&app, "walrus", "&per_page=10").await;
    assert_eq!(
        (titles.last().map(String::as_str), total),
        (Some("Otter news"), 6)
    );

    // A ranked match unpublished.
    let unpublished = app
        .patch_as(&path(&watch), &token, json!({"status": "draft"}))
        .await;
    assert_eq!(unpublished.status, 200, "{}", unpublished.text);
    let expected = [
        "Walrus five",
        "Walrus four",
        "Walrus three",
        "Walrus two",
        "Otter news",
    ];
    assert_eq!(page(&app, "walrus", "&per_page=10").await, all(&expected));

    // A category's search sees an article moved into the category.
    assert_eq!(page(&app, "walrus", "&category=coast").await.1, 0);
    let moved = app
        .patch_as(
            &path(&unrelated),
            &token,
            json!({"category_id": coast["id"]}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(
        page(&app, "walrus", "&category=coast").await,
        all(&["Otter news"])
    );

    // A scheduled match is found once it comes due, not before.
    let due = Utc::now() + TimeDelta::seconds(2);
    let at = due.to_rfc3339_opts(SecondsFormat::Millis, true);
    let body = json!({"title": "Walrus six", "content": "<p>Soon.</p>", "status": "published", "published_at": at});
    app.article(&token, body).await;
    assert_eq!(page(&app, "walrus", "&per_page=10").await.1, 5);
    while Utc::now() <= due {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (titles, total) = page(&app, "walrus", "&per_page=10").await;
    assert_eq!(
        (titles.first().map(String::as_str), total),
        (Some("Walrus six"), 6)
    );
}

#[actix_web::test]
async fn edits_and_deletes_reach_the_index_at_once() {
    let app = TestApp::spawn().await;
    let token = app.admin_token.clone();
    let article = story(&app, "Platypus spotted", "By the river.").await;
    let path = format!("{ARTICLES}/{}", article["id"]);
    let retitled = app
        .patch_as(&path, &token, json!({"title": "Echidna spotted"}))
        .await;
    assert_eq!(retitled.status, 200, "{}", retitled.text);
    assert!(found(&app, "platypus").await.is_empty());
    assert_eq!(found(&app, "echidna").await, ["Echidna spotted"]);
    let rewritten = app
        .patch_as(
            &path,
            &token,
            json!({"content": "<p>Near the <em>billabong</em>.</p>"}),
        )
        .await;
    assert_eq!(rewritten.status, 200, "{}", rewritten.text);
    assert_eq!(found(&app, "billabong").await, ["Echidna spotted"]);
    assert!(found(&app, "river").await.is_empty());
    // HTML is not text: tag names are not words of the article.
    assert!(found(&app, "em").await.is_empty());
    let deleted = app.delete_as(&path, &token).await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert!(found(&app, "echidna").await.is_empty());
    assert!(found(&app, "billabong").await.is_empty());
}

// Hostile and empty queries

#[actix_web::test]
async fn query_syntax_and_hostile_strings_are_only_text() {
    let app = TestApp::spawn().await;
    story(&app, "Dingo sighting", "A dingo near the road.").await;
    let hostile = [
        "\"",
        "\"dingo",
        "dingo\"",
        "dingo OR x",
        "NOT dingo",
        "dingo AND",
        "NEAR(dingo road, 2)",
        "title:dingo",
        "{title}: dingo",
        "- dingo",
        "^dingo",
        "dingo*",
        "*dingo",
        "(dingo",
        "dingo)",
        "'; DROP TABLE articles; --",
        "dingo\u{0}",
        "dingo\u{e000}",
        "%",
        "\\",
        "dingo 🦘 🦘",
        "\u{202e}dingo",
        "d\u{301}ingo",
        "x",
        &"dingo ".repeat(33),
        &"d".repeat(200),
    ];
    for q in hostile {
        let response = search(&app, q, "").await;
        assert!(
            response.status == 200 || response.status == 422,
            "{q:?}: {} {}",
            response.status,
            response.text
        );
        let listed = app.get(&format!("{ARTICLES}?search={}", encoded(q))).await;
        assert!(
            listed.status == 200 || listed.status == 422,
            "{q:?}: {} {}",
            listed.status,
            listed.text
        );
    }
    // Every word typed must match, operators included: these are all words of the article.
    for q in [
        "\"dingo",
        "dingo\"",
        "dingo*",
        "*dingo",
        "- dingo",
        "^dingo",
        "(dingo",
        "NEAR(dingo road",
        "dingo\u{0}",
    ] {
        assert_eq!(found(&app, q).await, ["Dingo sighting"], "{q:?}");
    }
}

#[actix_web::test]
async fn an_empty_or_punctuation_only_query_is_422() {
    let app = TestApp::spawn().await;
    for q in [
        "",
        "   ",
        "\"\"",
        "***",
        "-:()",
        "«»—…",
        "!?",
        "\u{3000}。、",
    ] {
        let response = search(&app, q, "").await;
        assert_eq!(response.error_fields(), ["q"], "{q:?}");
        let listed = app.get(&format!("{ARTICLES}?search={}", encoded(q))).await;
        assert_eq!(listed.error_fields(), ["search"], "{q:?}");
    }
    let missing = app.get("/api/v1/search").await;
    assert_eq!(missing.error_fields(), ["q"]);
    let too_long = search(&app, &"a".repeat(201), "").await;
    assert_eq!(too_long.error_fields(), ["q"]);
    let both = search(&app, "!", "&per_page=500").await;
    assert_eq!(both.error_fields(), ["q", "per_page"]);
    // Not punctuation, but no word either: a valid query that finds nothing.
    assert_finds_nothing(&search(&app, "🦘 ∑", "").await);
}

// The `search` filter of `/articles`

#[actix_web::test]
async fn the_articles_list_filters_by_the_same_words_and_keeps_its_sort() {
    let app = TestApp::spawn().await;
    published(
        &app,
        3,
        json!({"title": "Old Kraków story", "content": "<p>A.</p>"}),
    )
    .await;
    published(
        &app,
        1,
        json!({"title": "New Krakow story", "content": "<p>B.</p>"}),
    )
    .await;
    published(
        &app,
        2,
        json!({"title": "Gdańsk story", "content": "<p>C.</p>"}),
    )
    .await;
    let listed = app.get(&format!("{ARTICLES}?search=krak")).await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert_eq!(
        titles(&listed.body),
        ["New Krakow story", "Old Kraków story"]
    );
    assert_eq!(listed.header("x-total-count"), Some("2"));
    let by_title = app
        .get(&format!("{ARTICLES}?search=story%20krakow&sort=title"))
        .await;
    assert_eq!(
        titles(&by_title.body),
        ["New Krakow story", "Old Kraków story"]
    );
}
