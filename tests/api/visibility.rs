//! One visibility rule on every path: a draft, an archived article and a scheduled one stay
//! invisible to the public wherever articles show (lookups, lists and their filters,
//! neighbours, related, comments, views, popular lists, search, category, author and tag
//! counts), while their
//! editors still open them.

use serde_json::{Value, json};

use crate::common::TestApp;

const ARTICLES: &str = "/api/v1/articles";

/// The ids of the articles of a list (a page with `data`, or a bare array of items that
/// hold their article in `article` or are articles).
fn ids(body: &Value) -> Vec<i64> {
    let items = body.get("data").unwrap_or(body);
    items
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|item| item.get("article").unwrap_or(item)["id"].as_i64())
        .collect()
}

/// The articles of the test: one public, then a draft, an archived and a scheduled one,
/// all by one author, in one category, with one rare word in their titles.
struct Newsroom {
    app: TestApp,
    author: String,
    category: Value,
    public: Value,
    hidden: Vec<Value>,
}

async fn newsroom() -> Newsroom {
    let app = TestApp::spawn().await;
    let (_, author) = app.user("author").await;
    let category = app
        .category(json!({"name": "Harbour", "slug": "harbour"}))
        .await;
    let tagged = app
        .post_as(
            "/api/v1/tags",
            &app.admin_token,
            json!({"name": "Tides", "slug": "tides"}),
        )
        .await;
    assert_eq!(tagged.status, 201, "{}", tagged.text);
    let story = |title: &str, extra: Value| {
        let mut body = json!({"title": title, "content": "<p>The zephyrine tide came in.</p>", "category_id": category["id"], "tags": ["tides"]});
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        body
    };
    let public = app
        .article(
            &author,
            story("Zephyrine public", json!({"status": "published"})),
        )
        .await;
    let mut hidden = Vec::new();
    for (title, extra) in [
        ("Zephyrine draft", json!({})),
        ("Zephyrine archived", json!({"status": "archived"})),
        (
            "Zephyrine scheduled",
            json!({"status": "published", "published_at": "2099-01-01T00:00:00Z"}),
        ),
    ] {
        hidden.push(app.article(&author, story(title, extra)).await);
    }
    Newsroom {
        app,
        author,
        category,
        public,
        hidden,
    }
}

#[actix_web::test]
async fn lookups_of_a_hidden_article_are_not_found_by_the_public_but_open_to_its_editor() {
    let room = newsroom().await;
    for article in &room.hidden {
        let id = &article["id"];
        let slug = article["slug"].as_str().expect("a slug");
        for path in [
            format!("{ARTICLES}/{id}"),
            format!("{ARTICLES}/slug/{slug}"),
            format!("{ARTICLES}/{id}/adjacent"),
            format!("{ARTICLES}/{id}/related"),
            format!("{ARTICLES}/{id}/comments"),
            format!("{ARTICLES}/{id}/views"),
        ] {
            room.app.get(&path).await.assert_problem(404);
        }
        let opened = room
            .app
            .get_as(&format!("{ARTICLES}/{id}"), &room.author)
            .await;
        assert_eq!(opened.status, 200, "{}", opened.text);
        assert_eq!(&opened.body["id"], id);
    }
}

#[actix_web::test]
async fn writes_on_a_hidden_article_by_the_public_find_no_article() {
    let room = newsroom().await;
    for article in &room.hidden {
        let id = &article["id"];
        let comment = json!({"author_name": "Jane Reader", "author_email": "jane@example.com", "content": "Hello."});
        room.app
            .post(&format!("{ARTICLES}/{id}/comments"), comment)
            .await
            .assert_problem(404);
        room.app
            .post(&format!("{ARTICLES}/{id}/views"), json!({}))
            .await
            .assert_problem(404);
    }
}

#[actix_web::test]
async fn lists_search_and_counts_hold_only_the_public_article() {
    let room = newsroom().await;
    let public = room.public["id"].as_i64().expect("an id");
    let category = &room.category["id"];
    let author = &room.public["author"]["id"];
    for path in [
        ARTICLES.to_owned(),
        format!("{ARTICLES}?category={category}"),
        format!("{ARTICLES}?author={author}"),
        format!("{ARTICLES}?tag=tides"),
        format!("{ARTICLES}?search=zephyrine"),
        "/api/v1/search?q=zephyrine".to_owned(),
        format!("{ARTICLES}/popular?by=views"),
        format!("{ARTICLES}/popular?by=comments"),
        format!("{ARTICLES}/{public}/related"),
    ] {
        let list = room.app.get(&path).await;
        assert_eq!(list.status, 200, "{path}: {}", list.text);
        let found = ids(&list.body);
        for article in &room.hidden {
            let id = article["id"].as_i64().expect("an id");
            assert!(!found.contains(&id), "{path} shows hidden article {id}");
        }
        // Popular lists hold only articles with views or comments, related ones only others.
        if !path.contains("/popular") && !path.ends_with("/related") {
            assert_eq!(found, [public], "{path}");
        }
    }
    let search = room.app.get("/api/v1/search?q=zephyrine").await;
    assert_eq!(search.body["meta"]["total"], 1, "{}", search.text);
    let adjacent = room.app.get(&format!("{ARTICLES}/{public}/adjacent")).await;
    assert_eq!(adjacent.status, 200, "{}", adjacent.text);
    assert_eq!(adjacent.body["previous"], Value::Null, "{}", adjacent.text);
    assert_eq!(adjacent.body["next"], Value::Null, "{}", adjacent.text);
    let counted = room
        .app
        .get(&format!("/api/v1/categories/{category}"))
        .await;
    assert_eq!(counted.body["article_count"], 1, "{}", counted.text);
    let by = room.app.get(&format!("/api/v1/authors/{author}")).await;
    assert_eq!(by.body["article_count"], 1, "{}", by.text);
    let tag = room.app.get("/api/v1/tags/slug/tides").await;
    assert_eq!(tag.body["article_count"], 1, "{}", tag.text);
}
