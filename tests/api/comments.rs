//! Comments: the public "Leave a Reply" form and thread, and the moderation queue.

use actix_web::http::Method;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU32, Ordering};

use crate::common::{Response, TestApp};

const ARTICLES: &str = "/api/v1/articles";
const COMMENTS: &str = "/api/v1/comments";
/// Lifts the per-address posting limit for tests that post more than a handful.
const ROOMY: (&str, &str) = ("RATE_LIMIT_COMMENTS_PER_MINUTE", "1000");

/// An app whose comment rate limit stays out of the way.
async fn roomy() -> TestApp {
    TestApp::spawn_with(&[ROOMY]).await
}

fn id_of(value: &Value) -> i64 {
    value["id"].as_i64().expect("an id")
}

fn comments_of(article_id: i64) -> String {
    format!("{ARTICLES}/{article_id}/comments")
}

fn comment_path(id: i64) -> String {
    format!("{COMMENTS}/{id}")
}

/// A valid "Leave a Reply" form with this content.
fn form(content: &str) -> Value {
    json!({"author_name": "Jane Reader", "author_email": "jane@example.com", "content": content})
}

/// The form with one field set (or added).
fn with(mut body: Value, field: &str, value: Value) -> Value {
    body[field] = value;
    body
}

fn reply(content: &str, parent_id: i64) -> Value {
    with(form(content), "parent_id", json!(parent_id))
}

/// Posts anonymously and returns the new comment, which must have been received.
async fn posted(app: &TestApp, article_id: i64, body: Value) -> i64 {
    let response = app.comment(article_id, body).await;
    assert_eq!(response.status, 201, "{}", response.text);
    id_of(&response.body)
}

/// A moderator sets the comment's status.
async fn moderate(app: &TestApp, id: i64, status: &str) {
    let response = app
        .patch_as(
            &comment_path(id),
            &app.admin_token,
            json!({"status": status}),
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(response.body["status"], status);
}

/// A moderator's reply, approved at once, to a comment they may see (held ones too).
async fn staff_reply(app: &TestApp, article_id: i64, content: &str, parent_id: i64) -> i64 {
    let response = app
        .post_as(
            &comments_of(article_id),
            &app.admin_token,
            reply(content, parent_id),
        )
        .await;
    assert_eq!(response.status, 201, "{}", response.text);
    assert_eq!(response.body["status"], "approved");
    id_of(&response.body)
}

/// Posts a comment and approves it.
async fn approved(app: &TestApp, article_id: i64, body: Value) -> i64 {
    let id = posted(app, article_id, body).await;
    moderate(app, id, "approved").await;
    id
}

/// The comment as a moderator sees it.
async fn moderated(app: &TestApp, id: i64) -> Value {
    let response = app.get_as(&comment_path(id), &app.admin_token).await;
    assert_eq!(response.status, 200, "{}", response.text);
    response.body
}

/// The public comments of the article, in the order given by `query`.
async fn public_list(app: &TestApp, article_id: i64, query: &str) -> Response {
    let response = app
        .get(&format!("{}{query}", comments_of(article_id)))
        .await;
    assert_eq!(response.status, 200, "{}", response.text);
    response
}

fn ids(body: &Value) -> Vec<i64> {
    body["data"]
        .as_array()
        .expect("a list")
        .iter()
        .map(id_of)
        .collect()
}

/// The listed item with this id.
fn item(body: &Value, id: i64) -> Value {
    body["data"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|item| id_of(item) == id)
        .cloned()
        .unwrap_or_else(|| panic!("comment {id} is not listed in {body}"))
}

fn keys(object: &Value) -> Vec<String> {
    let mut names: Vec<String> = object
        .as_object()
        .expect("an object")
        .keys()
        .cloned()
        .collect();
    names.sort();
    names
}

async fn comment_count(app: &TestApp, article_id: i64) -> Value {
    let article = app.get(&format!("{ARTICLES}/{article_id}")).await;
    assert_eq!(article.status, 200, "{}", article.text);
    article.body["comment_count"].clone()
}

/// Posts the form as JSON from a client that says it forwards for `forwarded_for`; each
/// with new words, which would otherwise be a duplicate.
async fn post_forwarded(app: &TestApp, article_id: i64, forwarded_for: &str) -> Response {
    static SENT: AtomicU32 = AtomicU32::new(0);
    let n = SENT.fetch_add(1, Ordering::Relaxed);
    let words = form(&format!("From behind a proxy, {n}."));
    let body = serde_json::to_vec(&words).expect("JSON");
    app.send_raw(
        Method::POST,
        &comments_of(article_id),
        &[
            ("content-type", "application/json"),
            ("x-forwarded-for", forwarded_for),
        ],
        &body,
    )
    .await
}

const PUBLIC_FIELDS: [&str; 9] = [
    "article_id",
    "author_name",
    "author_url",
    "content",
    "content_html",
    "created_at",
    "id",
    "parent_id",
    "reply_count",
];

// Posting

#[actix_web::test]
async fn anonymous_comments_wait_for_moderation_with_a_location() {
    let app = TestApp::spawn().await;
    let article = id_of(&app.published_article().await);
    let created = app
        .comment(
            article,
            with(
                form("Dialogue is good here."),
                "author_url",
                json!("https://jane.example.com/blog"),
            ),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = id_of(&created.body);
    assert_eq!(created.header("location"), Some(comment_path(id).as_str()));
    let mut expected_keys = PUBLIC_FIELDS.to_vec();
    expected_keys.push("status");
    expected_keys.sort_unstable();
    assert_eq!(keys(&created.body), expected_keys);
    assert_eq!(created.body["status"], "pending");
    assert_eq!(created.body["article_id"], article);
    assert_eq!(created.body["parent_id"], Value::Null);
    assert_eq!(created.body["author_name"], "Jane Reader");
    assert_eq!(created.body["author_url"], "https://jane.example.com/blog");
    assert_eq!(created.body["content"], "Dialogue is good here.");
    assert_eq!(created.body["reply_count"], 0);
    assert!(
        created.body["created_at"]
            .as_str()
            .is_some_and(|at| at.ends_with('Z')),
        "{}",
        created.text
    );
    let public = public_list(&app, article, "").await;
    assert_eq!(public.body["data"], json!([]));
    assert_eq!(public.body["meta"]["total"], 0);
    assert_eq!(comment_count(&app, article).await, 0);
    let queued = moderated(&app, id).await;
    assert_eq!(queued["status"], "pending");
    assert_eq!(queued["author_email"], "jane@example.com");
    assert_eq!(queued["author_ip"], "127.0.0.1");
}

#[actix_web::test]
async fn comments_are_approved_at_once_when_auto_approve_is_on() {
    let app = TestApp::spawn_with(&[("COMMENTS_AUTO_APPROVE", "true")]).await;
    let article = id_of(&app.published_article().await);
    let created = app.comment(article, form("Straight through.")).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["status"], "approved");
    let public = public_list(&app, article, "").await;
    assert_eq!(ids(&public.body), [id_of(&created.body)]);
    assert_eq!(comment_count(&app, article).await, 1);
}

#[actix_web::test]
async fn comments_posted_with_a_valid_token_are_approved_and_a_bad_token_is_401() {
    let app = TestApp::spawn().await;
    let article = id_of(&app.published_article().await);
    let (_, author) = app.user("author").await;
    let created = app
        .post_as(&comments_of(article), &author, form("Staff says hi."))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["status"], "approved");
    let public = public_list(&app, article, "").await;
    assert_eq!(ids(&public.body), [id_of(&created.body)]);
    let forged = app
        .post_as(&comments_of(article), "not-a-token", form("Forged."))
        .await;
    forged.assert_problem(401);
    assert_eq!(forged.header("www-authenticate"), Some("Bearer"));
    let all = app.get_as(COMMENTS, &app.admin_token).await;
    assert_eq!(all.body["meta"]["total"], 1, "{}", all.text);
}

#[actix_web::test]
async fn each_invalid_field_is_a_422_naming_it() {
    let app = roomy().await;
    let article = id_of(&app.published_article().await);
    let cases = [
        (with(form("Hi"), "author_name", json!("   ")), "author_name"),
        (
            with(form("Hi"), "author_name", json!("n".repeat(101))),
            "author_name",
        ),
        (
            with(form("Hi"), "author_email", json!("not-an-email")),
            "author_email",
        ),
        (
            with(form("Hi"), "author_email", json!("jane@")),
            "author_email",
        ),
        (form(""), "content"),
        (form(" \n\t "), "content"),
        (form(&"x".repeat(5001)), "content"),
        (
            with(form("Hi"), "author_url", json!("javascript:alert(1)")),
            "author_url",
        ),
        (
            with(form("Hi"), "author_url", json!("not a url")),
            "author_url",
        ),
        (with(form("Hi"), "parent_id", json!("seven")), "parent_id"),
        (
            with(form("Hi"), "website", json!("https://example.com")),
            "website",
        ),
    ];
    for (body, field) in cases {
        let response = app.comment(article, body.clone()).await;
        assert_eq!(response.error_fields(), vec![field], "{body}");
    }
    let all_wrong = app
        .comment(
            article,
            json!({"author_name": "", "author_email": "nope", "content": ""}),
        )
        .await;
    let mut fields = all_wrong.error_fields();
    fields.sort();
    assert_eq!(fields, ["author_email", "author_name", "content"]);
    let missing = app
        .comment(article, json!({"author_name": "Jane", "content": "Hi"}))
        .await;
    missing.assert_problem(422);
    assert!(missing.text.contains("author_email"), "{}", missing.text);
    let stored = app.get_as(COMMENTS, &app.admin_token).await;
    assert_eq!(stored.body["meta"]["total"], 0, "{}", stored.text);
}

#[actix_web::test]
async fn content_of_exactly_5000_characters_is_accepted() {
    let app = TestApp::spawn().await;
    let article = id_of(&app.published_article().await);
    let ascii = "x".repeat(5000);
    let created = app.comment(article, form(&ascii)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["content"], ascii);
    // Characters, not bytes: this is 10,000 bytes of UTF-8.
    let accented = "é".repeat(5000);
    let created = app.comment(article, form(&accented)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["content"], accented);
}

#[actix_web::test]
async fn html_in_a_comment_comes_back_as_the_same_text() {
    let app = TestApp::spawn_with(&[("COMMENTS_AUTO_APPROVE", "true")]).await;
    let article = id_of(&app.published_article().await);
    let hostile = "<script>alert(1)</script><b>x</b>";
    let created = app
        .comment(
            article,
            with(form(hostile), "author_name", json!("<i>Jane</i>")),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["content"], hostile);
    assert_eq!(created.body["author_name"], "<i>Jane</i>");
    let public = public_list(&app, article, "").await;
    assert_eq!(public.body["data"][0]["content"], hostile);
    assert!(
        public
            .text
            .contains(r#""content":"<script>alert(1)</script><b>x</b>""#),
        "{}",
        public.text
    );
}

/// A comment with a script, URLs and two paragraphs, as typed.
const RICH_COMMENT: &str = "<script>alert('hi')</script> Read https://example.com/a?b=1&c=2.\n\nSecond paragraph,\nsecond line: www.example.org!";
/// Its `content_html`: escaped, in paragraphs, its URLs linked without the punctuation after them.
const RICH_COMMENT_HTML: &str = concat!(
    "<p>&lt;script&gt;alert(&#39;hi&#39;)&lt;/script&gt; Read ",
    r#"<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow ugc noopener">"#,
    "https://example.com/a?b=1&amp;c=2</a>.</p>\n",
    "<p>Second paragraph,<br>\nsecond line: ",
    r#"<a href="http://www.example.org" rel="nofollow ugc noopener">www.example.org</a>!</p>"#,
);

#[actix_web::test]
async fn comments_carry_safe_html_with_paragraphs_and_links_publicly_and_in_moderation() {
    let app = TestApp::spawn().await;
    let article = id_of(&app.published_article().await);
    let created = app.comment(article, form(RICH_COMMENT)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["content"], RICH_COMMENT);
    assert_eq!(created.body["content_html"], RICH_COMMENT_HTML);
    let id = id_of(&created.body);
    moderate(&app, id, "approved").await;
    let public = public_list(&app, article, "").await;
    let listed = item(&public.body, id);
    assert_eq!(listed["content"], RICH_COMMENT);
    assert_eq!(listed["content_html"], RICH_COMMENT_HTML);
    let queued = moderated(&app, id).await;
    assert_eq!(queued["content"], RICH_COMMENT);
    assert_eq!(queued["content_html"], RICH_COMMENT_HTML);
    let all = app.get_as(COMMENTS, &app.admin_token).await;
    assert_eq!(item(&all.body, id)["content_html"], RICH_COMMENT_HTML);
}

#[actix_web::test]
async fn an_edited_comment_gets_new_html() {
    let app = TestApp::spawn().await;
    let article = id_of(&app.published_article().await);
    let id = posted(&app, article, form("Before.")).await;
    let edited = app
        .patch_as(
            &comment_path(id),
            &app.admin_token,
            json!({"content": "After <b>edit</b>\n\nhttps://example.com"}),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text);
    assert_eq!(
        edited.body["content_html"],
        concat!(
            "<p>After &lt;b&gt;edit&lt;/b&gt;</p>\n<p>",
            r#"<a href="https://example.com" rel="nofollow ugc noopener">https://example.com</a></p>"#
        )
    );
}

#[actix_web::test]
async fn a_parent_on_another_article_or_unknown_is_422() {
    let app = TestApp::spawn().await;
    let first = id_of(&app.published_article().await);
    let second = id_of(&app.published_article().await);
    let elsewhere = posted(&app, first, form("On the first article.")).await;
    let response = app.comment(second, reply("Wrong thread.", elsewhere)).await;
    assert_eq!(response.error_fields(), vec!["parent_id"]);
    let response = app.comment(second, reply("No such parent.", 999_999)).await;
    assert_eq!(response.error_fields(), vec!["parent_id"]);
    moderate(&app, elsewhere, "approved").await;
    let same = app.comment(first, reply("Right thread.", elsewhere)).await;
    assert_eq!(same.status, 201, "{}", same.text);
    assert_eq!(same.body["parent_id"], elsewhere);
}

#[actix_web::test]
async fn replies_nest_no_deeper_than_comment_max_depth() {
    let app = TestApp::spawn_with(&[
        ("COMMENT_MAX_DEPTH", "2"),
        ("COMMENTS_AUTO_APPROVE", "true"),
    ])
    .await;
    let article = id_of(&app.published_article().await);
    let top = posted(&app, article, form("Depth one.")).await;
    let second = posted(&app, article, reply("Depth two.", top)).await;
    let third = app.comment(article, reply("Depth three.", second)).await;
    assert_eq!(third.error_fields(), vec!["parent_id"]);
    let sibling = app.comment(article, reply("Also depth two.", top)).await;
    assert_eq!(sibling.status, 201, "{}", sibling.text);
}

#[actix_web::test]
async fn replies_nest_five_deep_by_default() {
    let app = TestApp::spawn_with(&[ROOMY, ("COMMENTS_AUTO_APPROVE", "true")]).await;
    let article = id_of(&app.published_article().await);
    let mut parent = posted(&app, article, form("Depth 1.")).await;
    for depth in 2..=5 {
        parent = posted(&app, article, reply(&format!("Depth {depth}."), parent)).await;
    }
    let sixth = app.comment(article, reply("Depth 6.", parent)).await;
    assert_eq!(sixth.error_fields(), vec!["parent_id"]);
}

/// The instant `seconds` from now (negative: ago), as a form would send it.
fn seconds_from_now(seconds: i64) -> Value {
    let at = chrono::Utc::now() + chrono::Duration::seconds(seconds);
    json!(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

#[actix_web::test]
async fn the_same_comment_twice_from_the_same_email_is_409_until_the_first_is_trashed() {
    let app = roomy().await;
    let article = id_of(&app.published_article().await);
    let other_article = id_of(&app.published_article().await);
    let first = posted(&app, article, form("Same words.")).await;
    // The same email in other letter case, the same text with the blanks the server trims.
    let again = with(
        form("  Same words.\n "),
        "author_email",
        json!("JANE@Example.com"),
    );
    let duplicate = app.comment(article, again.clone()).await;
    let problem = duplicate.assert_problem(409);
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|detail| detail.contains("already said that")),
        "{}",
        duplicate.text
    );
    let stored = app.get_as(COMMENTS, &app.admin_token).await;
    assert_eq!(stored.body["meta"]["total"], 1, "{}", stored.text);
    // Elsewhere, from someone else, or with other words, it is a new comment.
    posted(&app, other_article, form("Same words.")).await;
    posted(
        &app,
        article,
        with(
            form("Same words."),
            "author_email",
            json!("joe@example.com"),
        ),
    )
    .await;
    posted(&app, article, form("Same words, more of them.")).await;
    // A staff token does not make a duplicate welcome either.
    app.post_as(&comments_of(article), &app.admin_token, form("Same words."))
        .await
        .assert_problem(409);
    // Held or spam, the first one still counts; trashed, it no longer does.
    moderate(&app, first, "spam").await;
    app.comment(article, again.clone())
        .await
        .assert_problem(409);
    moderate(&app, first, "trash").await;
    let after_trash = app.comment(article, again).await;
    assert_eq!(after_trash.status, 201, "{}", after_trash.text);
}

#[actix_web::test]
async fn the_same_words_in_reply_to_another_comment_are_not_a_duplicate() {
    let app = roomy().await;
    let article = id_of(&app.published_article().await);
    let one = approved(
        &app,
        article,
        with(form("One."), "author_email", json!("a@example.com")),
    )
    .await;
    let two = approved(
        &app,
        article,
        with(form("Two."), "author_email", json!("b@example.com")),
    )
    .await;
    posted(&app, article, reply("Agreed.", one)).await;
    posted(&app, article, reply("Agreed.", two)).await;
    posted(&app, article, form("Agreed.")).await;
    app.comment(article, reply("Agreed.", two))
        .await
        .assert_problem(409);
}

#[actix_web::test]
async fn a_filled_honeypot_is_answered_as_usual_but_kept_as_spam() {
    let app = roomy().await;
    let article = id_of(&app.published_article().await);
    let bot = app
        .comment(
            article,
            with(
                form("Buy now."),
                "website_url",
                json!("https://spam.example"),
            ),
        )
        .await;
    assert_eq!(bot.status, 201, "{}", bot.text);
    assert_eq!(bot.body["status"], "pending");
    assert!(!bot.text.contains("website_url"), "{}", bot.text);
    assert_eq!(moderated(&app, id_of(&bot.body)).await["status"], "spam");
    // Empty, or null, is how a person's form sends it.
    for empty in [json!(""), Value::Null] {
        let person = app
            .comment(
                article,
                with(form(&format!("Hello {empty}.")), "website_url", empty),
            )
            .await;
        assert_eq!(person.status, 201, "{}", person.text);
        assert_eq!(
            moderated(&app, id_of(&person.body)).await["status"],
            "pending"
        );
    }
    let queue = app
        .get_as(&format!("{COMMENTS}?status=spam"), &app.admin_token)
        .await;
    assert_eq!(ids(&queue.body), [id_of(&bot.body)]);
}

#[actix_web::test]
async fn a_honeypot_comment_stays_out_of_sight_when_comments_are_auto_approved() {
    let app = TestApp::spawn_with(&[("COMMENTS_AUTO_APPROVE", "true")]).await;
    let article = id_of(&app.published_article().await);
    let bot = app
        .comment(
            article,
            with(
                form("Buy now."),
                "website_url",
                json!("https://spam.example"),
            ),
        )
        .await;
    assert_eq!(bot.status, 201, "{}", bot.text);
    assert_eq!(bot.body["status"], "approved");
    assert_eq!(moderated(&app, id_of(&bot.body)).await["status"], "spam");
    let public = public_list(&app, article, "").await;
    assert_eq!(public.body["meta"]["total"], 0, "{}", public.text);
    assert_eq!(comment_count(&app, article).await, 0);
}

#[actix_web::test]
async fn a_form_sent_too_soon_after_it_was_shown_or_from_the_future_is_422() {
    let app = roomy().await;
    let article = id_of(&app.published_article().await);
    for (n, at) in [
        seconds_from_now(0),
        seconds_from_now(-1),
        seconds_from_now(3600),
        json!("yesterday"),
        json!("2026-11-30T10:00:00"),
    ]
    .into_iter()
    .enumerate()
    {
        let response = app
            .comment(
                article,
                with(form(&format!("Quick {n}.")), "form_rendered_at", at.clone()),
            )
            .await;
        assert_eq!(response.error_fields(), ["form_rendered_at"], "{at}");
    }
    let stored = app.get_as(COMMENTS, &app.admin_token).await;
    assert_eq!(stored.body["meta"]["total"], 0, "{}", stored.text);
    // Long enough after, hours or years after, or without the field (an API client).
    for (n, at) in [
        seconds_from_now(-5),
        seconds_from_now(-7200),
        json!("2020-01-01T00:00:00+02:00"),
    ]
    .into_iter()
    .enumerate()
    {
        let response = app
            .comment(
                article,
                with(
                    form(&format!("Thought over {n}.")),
                    "form_rendered_at",
                    at.clone(),
                ),
            )
            .await;
        assert_eq!(response.status, 201, "{at}: {}", response.text);
    }
}

#[actix_web::test]
async fn comment_min_seconds_sets_the_minimum_and_0_turns_it_off() {
    let app = TestApp::spawn_with(&[ROOMY, ("COMMENT_MIN_SECONDS", "60")]).await;
    let article = id_of(&app.published_article().await);
    let soon = app
        .comment(
            article,
            with(
                form("Half a minute."),
                "form_rendered_at",
                seconds_from_now(-30),
            ),
        )
        .await;
    assert_eq!(soon.error_fields(), ["form_rendered_at"]);
    let later = app
        .comment(
            article,
            with(
                form("Two minutes."),
                "form_rendered_at",
                seconds_from_now(-120),
            ),
        )
        .await;
    assert_eq!(later.status, 201, "{}", later.text);
    let off = TestApp::spawn_with(&[("COMMENT_MIN_SECONDS", "0")]).await;
    let article = id_of(&off.published_article().await);
    let at_once = off
        .comment(
            article,
            with(form("At once."), "form_rendered_at", seconds_from_now(0)),
        )
        .await;
    assert_eq!(at_once.status, 201, "{}", at_once.text);
}

#[actix_web::test]
async fn a_reply_to_a_comment_the_public_cannot_see_is_answered_as_to_none_unless_staff() {
    let app = roomy().await;
    let article = id_of(&app.published_article().await);
    let missing = app.comment(article, reply("To nobody.", 999_999)).await;
    assert_eq!(missing.error_fields(), ["parent_id"]);
    let held = posted(&app, article, form("Held.")).await;
    let spam = posted(&app, article, form("Spam.")).await;
    moderate(&app, spam, "spam").await;
    let trash = posted(&app, article, form("Trash.")).await;
    moderate(&app, trash, "trash").await;
    // Approved itself, but under a held comment: not public either.
    let under_held = staff_reply(&app, article, "Under held.", held).await;
    for (name, parent) in [
        ("held", held),
        ("spam", spam),
        ("trash", trash),
        ("under held", under_held),
    ] {
        let response = app.comment(article, reply("To nobody.", parent)).await;
        assert_eq!(response.status, missing.status, "{name}: {}", response.text);
        assert_eq!(response.body, missing.body, "{name}");
        // A token that cannot moderate sees no more than the public.
        let (_, author) = app.user("author").await;
        let response = app
            .post_as(&comments_of(article), &author, reply("To nobody.", parent))
            .await;
        assert_eq!(response.body, missing.body, "{name} (author)");
    }
    let stored = app.get_as(COMMENTS, &app.admin_token).await;
    assert_eq!(stored.body["meta"]["total"], 4, "{}", stored.text);
    // Moderators see held comments and may answer them (the answer waits with them), but
    // not spam or trash.
    staff_reply(&app, article, "Answer.", held).await;
    for parent in [spam, trash] {
        let refused = app
            .post_as(
                &comments_of(article),
                &app.admin_token,
                reply("No.", parent),
            )
            .await;
        assert_eq!(refused.error_fields(), ["parent_id"], "{parent}");
    }
}

#[actix_web::test]
async fn a_reply_is_public_and_counted_only_while_every_comment_above_it_is_approved() {
    let app = roomy().await;
    let article = id_of(&app.published_article().await);
    let top = posted(&app, article, form("Top, held.")).await;
    // A moderator answers in the queue: the answer is approved, the question is not.
    let answer = staff_reply(&app, article, "Answer.", top).await;
    let nested = staff_reply(&app, article, "Nested.", answer).await;
    let hidden = public_list(&app, article, "").await;
    assert_eq!(hidden.body["data"], json!([]), "{}", hidden.text);
    assert_eq!(hidden.body["meta"]["total"], 0);
    assert_eq!(comment_count(&app, article).await, 0);
    let popular = app
        .get(&format!("{ARTICLES}/popular?by=comments&window=week"))
        .await;
    assert_eq!(popular.body, json!([]), "{}", popular.text);
    // Approving the question makes the whole thread public at once.
    moderate(&app, top, "approved").await;
    let shown = public_list(&app, article, "").await;
    assert_eq!(ids(&shown.body), [top, answer, nested]);
    assert_eq!(item(&shown.body, top)["reply_count"], 1);
    assert_eq!(item(&shown.body, answer)["reply_count"], 1);
    assert_eq!(comment_count(&app, article).await, 3);
    let popular = app
        .get(&format!("{ARTICLES}/popular?by=comments&window=week"))
        .await;
    assert_eq!(popular.body[0]["count"], 3, "{}", popular.text);
    // Holding the middle of the thread hides it and everything under it.
    for status in ["pending", "spam", "trash"] {
        moderate(&app, answer, status).await;
        let cut = public_list(&app, article, "").await;
        assert_eq!(ids(&cut.body), [top], "{status}");
        assert_eq!(cut.body["meta"]["total"], 1, "{status}");
        assert_eq!(item(&cut.body, top)["reply_count"], 0, "{status}");
        assert_eq!(comment_count(&app, article).await, 1, "{status}");
    }
    // Deleting the held middle moves its approved reply up under the approved top.
    let deleted = app.delete_as(&comment_path(answer), &app.admin_token).await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    let rejoined = public_list(&app, article, "").await;
    assert_eq!(ids(&rejoined.body), [top, nested]);
    assert_eq!(item(&rejoined.body, top)["reply_count"], 1);
    assert_eq!(comment_count(&app, article).await, 2);
}

#[actix_web::test]
async fn closed_articles_refuse_comments_with_403_but_still_show_theirs() {
    let app = TestApp::spawn().await;
    let closed = app
        .article(
            &app.admin_token,
            json!({"title": "No comments", "content": "<p>Quiet.</p>", "status": "published", "comments_open": false}),
        )
        .await;
    app.comment(id_of(&closed), form("Let me in."))
        .await
        .assert_problem(403);
    let (_, author) = app.user("author").await;
    app.post_as(&comments_of(id_of(&closed)), &author, form("Staff too?"))
        .await
        .assert_problem(403);
    let closing = app.published_article().await;
    let article = id_of(&closing);
    let earlier = approved(&app, article, form("Before closing.")).await;
    let patched = app
        .patch_as(
            &format!("{ARTICLES}/{article}"),
            &app.admin_token,
            json!({"comments_open": false}),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    app.comment(article, form("After closing."))
        .await
        .assert_problem(403);
    let public = public_list(&app, article, "").await;
    assert_eq!(ids(&public.body), [earlier]);
}

#[actix_web::test]
async fn deleting_an_article_deletes_its_comments() {
    let app = TestApp::spawn().await;
    let article = id_of(&app.published_article().await);
    let id = approved(&app, article, form("Soon gone.")).await;
    let deleted = app
        .delete_as(&format!("{ARTICLES}/{article}"), &app.admin_token)
        .await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    app.get_as(&comment_path(id), &app.admin_token)
        .await
        .assert_problem(404);
    let all = app.get_as(COMMENTS, &app.admin_token).await;
    assert_eq!(all.body["meta"]["total"], 0, "{}", all.text);
}

#[actix_web::test]
async fn draft_scheduled_archived_and_missing_articles_have_no_comments() {
    let app = roomy().await;
    let token = app.admin_token.clone();
    let draft = app
        .article(&token, json!({"title": "Draft", "content": "<p>Soon.</p>"}))
        .await;
    let scheduled = app
        .article(
            &token,
            json!({"title": "Scheduled", "content": "<p>Later.</p>", "status": "published", "published_at": "2099-01-01T00:00:00Z"}),
        )
        .await;
    let archived = app
        .article(
            &token,
            json!({"title": "Archived", "content": "<p>Old.</p>", "status": "archived"}),
        )
        .await;
    for (name, article_id) in [
        ("draft", id_of(&draft)),
        ("scheduled", id_of(&scheduled)),
        ("archived", id_of(&archived)),
        ("missing", 999_999),
    ] {
        let response = app.comment(article_id, form("Hello?")).await;
        assert_eq!(response.status, 404, "{name}: {}", response.text);
        response.assert_problem(404);
        let list = app.get(&comments_of(article_id)).await;
        assert_eq!(list.status, 404, "{name}: {}", list.text);
        list.assert_problem(404);
        // Staff who can open the article are told why instead of "not found".
        let staff = app
            .post_as(&comments_of(article_id), &token, form("Hello?"))
            .await;
        let expected = if name == "missing" { 404 } else { 409 };
        assert_eq!(staff.status, expected, "{name} (staff): {}", staff.text);
        staff.assert_problem(expected);
    }
}

// Rate limits

#[actix_web::test]
async fn posting_is_rate_limited_per_client_address_with_retry_after() {
    let app = TestApp::spawn_with(&[("RATE_LIMIT_COMMENTS_PER_MINUTE", "3")]).await;
    let article = id_of(&app.published_article().await);
    for n in 1..=3 {
        posted(&app, article, form(&format!("Comment {n}."))).await;
    }
    let limited = app.comment(article, form("One too many.")).await;
    limited.assert_problem(429);
    let retry_after: u64 = limited
        .header("retry-after")
        .and_then(|value| value.parse().ok())
        .expect("a Retry-After of whole seconds");
    assert!(
        (1..=60).contains(&retry_after),
        "Retry-After: {retry_after}"
    );
    let stored = app.get_as(COMMENTS, &app.admin_token).await;
    assert_eq!(stored.body["meta"]["total"], 3, "{}", stored.text);
}

#[actix_web::test]
async fn the_default_limit_is_five_comments_a_minute() {
    let app = TestApp::spawn().await;
    let article = id_of(&app.published_article().await);
    for n in 1..=5 {
        posted(&app, article, form(&format!("Comment {n}."))).await;
    }
    app.comment(article, form("Sixth."))
        .await
        .assert_problem(429);
}

#[actix_web::test]
async fn behind_one_proxy_the_address_it_saw_is_limited_and_recorded_not_the_spoofed_one() {
    let app = TestApp::spawn_with(&[
        ("RATE_LIMIT_COMMENTS_PER_MINUTE", "3"),
        ("TRUSTED_PROXIES", "1"),
    ])
    .await;
    let article = id_of(&app.published_article().await);
    // The client writes a new leftmost entry each time; the proxy appends what it saw.
    for spoofed in ["192.0.2.1", "192.0.2.2", "192.0.2.3"] {
        let response = post_forwarded(&app, article, &format!("{spoofed}, 203.0.113.7")).await;
        assert_eq!(response.status, 201, "{}", response.text);
        let recorded = moderated(&app, id_of(&response.body)).await;
        assert_eq!(recorded["author_ip"], "203.0.113.7");
    }
    post_forwarded(&app, article, "192.0.2.4, 203.0.113.7")
        .await
        .assert_problem(429);
    let other = post_forwarded(&app, article, "203.0.113.7, 198.51.100.4").await;
    assert_eq!(other.status, 201, "{}", other.text);
    let recorded = moderated(&app, id_of(&other.body)).await;
    assert_eq!(recorded["author_ip"], "198.51.100.4");
    // A value that is no address is not trusted: the peer's address counts instead.
    let garbled = post_forwarded(&app, article, "not-an-address").await;
    assert_eq!(garbled.status, 201, "{}", garbled.text);
    let recorded = moderated(&app, id_of(&garbled.body)).await;
    assert_eq!(recorded["author_ip"], "127.0.0.1");
}

#[actix_web::test]
async fn trusted_proxy_networks_are_skipped_from_the_right() {
    let app = TestApp::spawn_with(&[ROOMY, ("TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")]).await;
    let article = id_of(&app.published_article().await);
    let through = post_forwarded(&app, article, "192.0.2.1, 203.0.113.5, 10.1.2.3, 10.0.0.9").await;
    assert_eq!(through.status, 201, "{}", through.text);
    let recorded = moderated(&app, id_of(&through.body)).await;
    assert_eq!(recorded["author_ip"], "203.0.113.5");
    // A peer outside the networks is the client, whatever it forwards.
    let app = TestApp::spawn_with(&[ROOMY, ("TRUSTED_PROXIES", "10.0.0.0/8")]).await;
    let article = id_of(&app.published_article().await);
    let direct = post_forwarded(&app, article, "203.0.113.5").await;
    assert_eq!(direct.status, 201, "{}", direct.text);
    let recorded = moderated(&app, id_of(&direct.body)).await;
    assert_eq!(recorded["author_ip"], "127.0.0.1");
}

#[actix_web::test]
async fn the_deprecated_trust_forwarded_for_means_one_proxy() {
    let app = TestApp::spawn_with(&[ROOMY, ("TRUST_FORWARDED_FOR", "true")]).await;
    let article = id_of(&app.published_article().await);
    let response = post_forwarded(&app, article, "192.0.2.1, 203.0.113.7").await;
    assert_eq!(response.status, 201, "{}", response.text);
    let recorded = moderated(&app, id_of(&response.body)).await;
    assert_eq!(recorded["author_ip"], "203.0.113.7");
}

#[actix_web::test]
async fn forwarded_for_is_ignored_unless_trusted() {
    let app = TestApp::spawn_with(&[("RATE_LIMIT_COMMENTS_PER_MINUTE", "3")]).await;
    let article = id_of(&app.published_article().await);
    let mut first = None;
    for address in ["203.0.113.7", "203.0.113.8", "203.0.113.9"] {
        let response = post_forwarded(&app, article, address).await;
        assert_eq!(response.status, 201, "{}", response.text);
        first.get_or_insert(id_of(&response.body));
    }
    post_forwarded(&app, article, "198.51.100.4")
        .await
        .assert_problem(429);
    let recorded = moderated(&app, first.expect("a first comment")).await;
    assert_eq!(recorded["author_ip"], "127.0.0.1");
}

// Public reading

#[actix_web::test]
async fn the_public_sees_approved_comments_oldest_first_or_newest_with_a_sort() {
    let app = roomy().await;
    let article = id_of(&app.published_article().await);
    let first = approved(&app, article, form("First.")).await;
    let pending = posted(&app, article, form("Held.")).await;
    let spam = posted(&app, article, form("Buy now.")).await;
    moderate(&app, spam, "spam").await;
    let trash = posted(&app, article, form("Rude.")).await;
    moderate(&app, trash, "trash").await;
    let last = approved(&app, article, form("Last.")).await;
    let oldest_first = public_list(&app, article, "").await;
    assert_eq!(ids(&oldest_first.body), [first, last]);
    assert_eq!(oldest_first.body["meta"]["total"], 2);
    assert_eq!(oldest_first.header("x-total-count"), Some("2"));
    let explicit = public_list(&app, article, "?sort=created_at").await;
    assert_eq!(ids(&explicit.body), [first, last]);
    let newest_first = public_list(&app, article, "?sort=-created_at").await;
    assert_eq!(ids(&newest_first.body), [last, first]);
    let listed = item(&oldest_first.body, first);
    assert_eq!(keys(&listed), PUBLIC_FIELDS);
    assert_eq!(listed["content"], "First.");
    assert!(!ids(&oldest_first.body).contains(&pending));
}

#[actix_web::test]
async fn public_comments_carry_their_parent_and_count_approved_direct_replies() {
    let app = roomy().await;
    let article = id_of(&app.published_article().await);
    let top = approved(&app, article, form("Top.")).await;
    let answer = approved(&app, article, reply("Answer.", top)).await;
    posted(&app, article, reply("Held answer.", top)).await;
    let nested = approved(&app, article, reply("Nested.", answer)).await;
    let list = public_list(&app, article, "").await;
    assert_eq!(ids(&list.body), [top, answer, nested]);
    assert_eq!(item(&list.body, top)["parent_id"], Value::Null);
    assert_eq!(item(&list.body, top)["reply_count"], 1);
    assert_eq!(item(&list.body, answer)["parent_id"], top);
    assert_eq!(item(&list.body, answer)["reply_count"], 1);
    assert_eq!(item(&list.body, nested)["parent_id"], answer);
    assert_eq!(item(&list.body, nested)["reply_count"], 0);
}

#[actix_web::test]
async fn comment_lists_are_paginated_with_meta_and_links() {
    let app = roomy().await;
    let article = id_of(&app.published_article().await);
    let mut expected = Vec::new();
    for n in 1..=3 {
        expected.push(approved(&app, article, form(&format!("Comment {n}."))).await);
    }
    let first = public_list(&app, article, "?per_page=2").await;
    assert_eq!(ids(&first.body), expected[..2]);
    assert_eq!(
        first.body["meta"],
        json!({"page": 1, "per_page": 2, "total": 3, "total_pages": 2})
    );
    assert_eq!(first.header("x-total-count"), Some("3"));
    let link = first.header("link").expect("a Link header");
    assert!(link.contains(r#"rel="next""#), "{link}");
    assert!(link.contains("page=2"), "{link}");
    let second = public_list(&app, article, "?per_page=2&page=2").await;
    assert_eq!(ids(&second.body), expected[2..]);
    let all = public_list(&app, article, "?per_page=100").await;
    assert_eq!(ids(&all.body), expected);
}

#[actix_web::test]
async fn the_public_list_is_cacheable_and_its_etag_changes_with_an_approval() {
    let app = roomy().await;
    let article = id_of(&app.published_article().await);
    approved(&app, article, form("First.")).await;
    let held = posted(&app, article, form("Second.")).await;
    let before = public_list(&app, article, "").await;
    let etag = before.header("etag").expect("an ETag").to_owned();
    assert!(
        before
            .header("cache-control")
            .is_some_and(|value| value.starts_with("public")),
        "{:?}",
        before.header("cache-control")
    );
    let path = comments_of(article);
    let unchanged = app
        .send_raw(Method::GET, &path, &[("if-none-match", &etag)], b"")
        .await;
    assert_eq!(unchanged.status, 304);
    moderate(&app, held, "approved").await;
    let changed = app
        .send_raw(Method::GET, &path, &[("if-none-match", &etag)], b"")
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.body["meta"]["total"], 2);
}

#[actix_web::test]
async fn an_unknown_sort_or_an_out_of_range_page_is_422() {
    let app = TestApp::spawn().await;
    let article = id_of(&app.published_article().await);
    for list in [comments_of(article), COMMENTS.to_owned()] {
        for (query, field) in [
            ("sort=author_name", "sort"),
            ("sort=-email", "sort"),
            ("per_page=0", "per_page"),
            ("per_page=101", "per_page"),
            ("page=0", "page"),
        ] {
            let response = app
                .get_as(&format!("{list}?{query}"), &app.admin_token)
                .await;
            assert_eq!(response.error_fields(), vec![field], "{list}?{query}");
        }
    }
}

#[actix_web::test]
async fn the_commenters_email_and_address_never_appear_in_public_responses() {
    let app = TestApp::spawn_with(&[ROOMY, ("TRUSTED_PROXIES", "1")]).await;
    let email = "secret-reader-7731@example.com";
    let address = "203.0.113.77";
    let agent = "SecretAgent/7731";
    let category = app.category(json!({"name": "Town"})).await;
    let (author_id, author) = app.user("author").await;
    let mut articles = Vec::new();
    for title in ["Town hall vote", "Town hall recount"] {
        articles.push(
            app.article(
                &author,
                json!({"title": title, "content": "<p>The town hall vote was close.</p>", "status": "published", "category_id": category["id"]}),
            )
            .await,
        );
    }
    let article = id_of(&articles[0]);
    let secret_form = json!({"author_name": "Secret Reader", "author_email": email, "content": "A thought.", "author_url": "https://reader.example.com"});
    let headers = [
        ("content-type", "application/json"),
        ("x-forwarded-for", address),
        ("user-agent", agent),
    ];
    let mut comment_ids = Vec::new();
    for n in 0..3 {
        // Each one says something new: the same words twice would be a duplicate.
        let words = with(
            secret_form.clone(),
            "content",
            json!(format!("Thought {n}.")),
        );
        let bytes = serde_json::to_vec(&words).expect("JSON");
        let created = app
            .send_raw(Method::POST, &comments_of(article), &headers, &bytes)
            .await;
        assert_eq!(created.status, 201, "{}", created.text);
        assert!(!created.text.contains(email), "{}", created.text);
        assert!(!created.text.contains(address), "{}", created.text);
        comment_ids.push(id_of(&created.body));
    }
    let staff_reply = with(secret_form, "parent_id", json!(comment_ids[0]));
    let staff = app
        .post_as(&comments_of(article), &app.admin_token, staff_reply)
        .await;
    assert_eq!(staff.status, 201, "{}", staff.text);
    assert!(!staff.text.contains(email), "{}", staff.text);
    for id in &comment_ids[..2] {
        moderate(&app, *id, "approved").await;
    }
    let private = moderated(&app, comment_ids[0]).await;
    assert_eq!(private["author_email"], email);
    assert_eq!(private["author_ip"], address);
    let slug = articles[0]["slug"].as_str().expect("a slug");
    let paths = [
        ARTICLES.to_owned(),
        format!("{ARTICLES}?sort=-comment_count"),
        format!("{ARTICLES}/{article}"),
        format!("{ARTICLES}/slug/{slug}"),
        comments_of(article),
        format!("{}?sort=-created_at", comments_of(article)),
        format!("{ARTICLES}/{article}/adjacent"),
        format!("{ARTICLES}/{}/adjacent", id_of(&articles[1])),
        format!("{ARTICLES}/{}/related", id_of(&articles[1])),
        format!("{ARTICLES}/{article}/related"),
        "/api/v1/authors".to_owned(),
        format!("/api/v1/authors/{author_id}"),
        "/api/v1/categories".to_owned(),
        format!("/api/v1/categories/{}", category["id"]),
    ];
    for path in &paths {
        let response = app.get(path).await;
        assert_eq!(response.status, 200, "{path}: {}", response.text);
        for secret in [
            email,
            address,
            agent,
            "author_email",
            "author_ip",
            "user_agent",
        ] {
            assert!(
                !response.text.contains(secret),
                "{path} shows {secret}: {}",
                response.text
            );
        }
    }
    let public = public_list(&app, article, "").await;
    assert_eq!(public.body["meta"]["total"], 3, "{}", public.text);
    assert!(public.text.contains("Secret Reader"), "{}", public.text);
    assert_eq!(comment_count(&app, article).await, 3);
}

// Moderation

#[actix_web::test]
async fn moderators_see_the_email_address_and_user_agent() {
    let app = TestApp::spawn().await;
    let article = id_of(&app.published_article().await);
    let bytes = serde_json::to_vec(&form("Watch me.")).expect("JSON");
    let created = app
        .send_raw(
            Method::POST,
            &comments_of(article),
            &[
                ("content-type", "application/json"),
                ("user-agent", "CommentBot/1.0 (test)"),
            ],
            &bytes,
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.header("cache-control"), Some("no-store"));
    let id = id_of(&created.body);
    let (_, editor) = app.user("editor").await;
    let list = app.get_as(COMMENTS, &editor).await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert_eq!(list.header("cache-control"), Some("private, no-store"));
    assert_eq!(ids(&list.body), [id]);
    let listed = item(&list.body, id);
    assert_eq!(
        keys(&listed),
        [
            "article_id",
            "author_email",
            "author_ip",
            "author_name",
            "author_url",
            "content",
            "content_html",
            "created_at",
            "id",
            "parent_id",
            "reply_count",
            "status",
            "updated_at",
            "user_agent",
        ]
    );
    assert_eq!(listed["author_email"], "jane@example.com");
    assert_eq!(listed["author_ip"], "127.0.0.1");
    assert_eq!(listed["user_agent"], "CommentBot/1.0 (test)");
    assert_eq!(listed["status"], "pending");
    let one = app.get_as(&comment_path(id), &editor).await;
    assert_eq!(one.status, 200, "{}", one.text);
    assert_eq!(one.header("cache-control"), Some("private, no-store"));
    assert_eq!(one.body, listed);
    assert_eq!(
        app.get_as(&comment_path(999_999), &editor).await.status,
        404
    );
}

#[actix_web::test]
async fn the_moderation_list_filters_by_status_and_article() {
    let app = roomy().await;
    let first = id_of(&app.published_article().await);
    let second = id_of(&app.published_article().await);
    let held = posted(&app, first, form("Held.")).await;
    let good = approved(&app, first, form("Good.")).await;
    let junk = posted(&app, first, form("Junk.")).await;
    moderate(&app, junk, "spam").await;
    let elsewhere = posted(&app, second, form("Elsewhere.")).await;
    let token = app.admin_token.clone();
    for (query, expected) in [
        ("", vec![held, good, junk, elsewhere]),
        ("?sort=-created_at", vec![elsewhere, junk, good, held]),
        ("?status=pending", vec![held, elsewhere]),
        ("?status=approved", vec![good]),
        ("?status=spam", vec![junk]),
        ("?status=trash", vec![]),
        (&format!("?article_id={first}"), vec![held, good, junk]),
        (
            &format!("?status=pending&article_id={second}"),
            vec![elsewhere],
        ),
    ] {
        let list = app.get_as(&format!("{COMMENTS}{query}"), &token).await;
        assert_eq!(list.status, 200, "{query}: {}", list.text);
        assert_eq!(ids(&list.body), expected, "{query}");
        assert_eq!(list.body["meta"]["total"], expected.len(), "{query}");
    }
}

#[actix_web::test]
async fn a_bad_moderation_filter_value_is_422() {
    let app = TestApp::spawn().await;
    for (query, field) in [
        ("status=deleted", "status"),
        ("status=", "status"),
        ("article_id=abc", "article_id"),
    ] {
        let response = app
            .get_as(&format!("{COMMENTS}?{query}"), &app.admin_token)
            .await;
        assert_eq!(response.error_fields(), vec![field], "{query}");
    }
}

#[actix_web::test]
async fn authors_get_403_and_anonymous_callers_401_from_moderation() {
    let app = TestApp::spawn().await;
    let article = id_of(&app.published_article().await);
    let id = posted(&app, article, form("Judge me.")).await;
    let (_, author) = app.user("author").await;
    let one = comment_path(id);
    let requests = [
        (Method::GET, COMMENTS.to_owned(), None),
        (Method::GET, one.clone(), None),
        (
            Method::PATCH,
            one.clone(),
            Some(json!({"status": "approved"})),
        ),
        (Method::DELETE, one.clone(), None),
    ];
    for (method, path, body) in requests {
        let forbidden = app
            .send(method.clone(), &path, Some(&author), body.clone())
            .await;
        assert_eq!(forbidden.status, 403, "{method} {path}: {}", forbidden.text);
        forbidden.assert_problem(403);
        let anonymous = app.send(method.clone(), &path, None, body).await;
        assert_eq!(anonymous.status, 401, "{method} {path}: {}", anonymous.text);
        anonymous.assert_problem(401);
        assert_eq!(anonymous.header("www-authenticate"), Some("Bearer"));
    }
    let untouched = moderated(&app, id).await;
    assert_eq!(untouched["status"], "pending");
}

#[actix_web::test]
async fn moderators_change_the_status_and_the_content_separately() {
    let app = TestApp::spawn().await;
    let article = id_of(&app.published_article().await);
    let id = posted(&app, article, form("Teh original.")).await;
    let (_, editor) = app.user("editor").await;
    let path = comment_path(id);
    let edited = app
        .patch_as(&path, &editor, json!({"content": "The original."}))
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text);
    assert_eq!(edited.body["content"], "The original.");
    assert_eq!(edited.body["status"], "pending");
    assert_eq!(edited.body["author_email"], "jane@example.com");
    let approved = app
        .patch_as(&path, &editor, json!({"status": "approved"}))
        .await;
    assert_eq!(approved.status, 200, "{}", approved.text);
    assert_eq!(approved.body["status"], "approved");
    assert_eq!(approved.body["content"], "The original.");
    let public = public_list(&app, article, "").await;
    assert_eq!(public.body["data"][0]["content"], "The original.");
    for (body, field) in [
        (json!({"status": "deleted"}), "status"),
        (json!({"status": null}), "status"),
        (json!({"content": "   "}), "content"),
        (json!({"content": "x".repeat(5001)}), "content"),
        (json!({"author_email": "new@example.com"}), "author_email"),
    ] {
        let response = app.patch_as(&path, &editor, body.clone()).await;
        assert_eq!(response.error_fields(), vec![field], "{body}");
    }
    let unknown = app
        .patch_as(&comment_path(999_999), &editor, json!({"status": "spam"}))
        .await;
    unknown.assert_problem(404);
    let after = moderated(&app, id).await;
    assert_eq!(after["status"], "approved");
    assert_eq!(after["content"], "The original.");
}

#[actix_web::test]
async fn a_patch_sent_as_an_array_is_422_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let article = id_of(&app.published_article().await);
    let id = posted(&app, article, form("The original.")).await;
    let response = app
        .patch_as(
            &comment_path(id),
            &app.admin_token,
            json!(["spam", "rewritten"]),
        )
        .await;
    assert_eq!(response.error_fields(), vec!["body"], "{}", response.text);
    let after = moderated(&app, id).await;
    assert_eq!(after["status"], "pending");
    assert_eq!(after["content"], "The original.");
}

#[actix_web::test]
async fn deleting_a_comment_is_204_and_its_replies_move_up_to_its_parent() {
    let app = roomy().await;
    let article = id_of(&app.published_article().await);
    let top = approved(&app, article, form("Top.")).await;
    let middle = approved(&app, article, reply("Middle.", top)).await;
    let bottom = approved(&app, article, reply("Bottom.", middle)).await;
    let (_, editor) = app.user("editor").await;
    let deleted = app.delete_as(&comment_path(middle), &editor).await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert!(deleted.text.is_empty(), "{}", deleted.text);
    app.get_as(&comment_path(middle), &editor)
        .await
        .assert_problem(404);
    let list = public_list(&app, article, "").await;
    assert_eq!(ids(&list.body), [top, bottom]);
    assert_eq!(item(&list.body, bottom)["parent_id"], top);
    assert_eq!(item(&list.body, top)["reply_count"], 1);
    assert_eq!(moderated(&app, bottom).await["parent_id"], top);
    let deleted = app.delete_as(&comment_path(top), &editor).await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    let list = public_list(&app, article, "").await;
    assert_eq!(ids(&list.body), [bottom]);
    assert_eq!(item(&list.body, bottom)["parent_id"], Value::Null);
    app.delete_as(&comment_path(top), &editor)
        .await
        .assert_problem(404);
}

// Counts

#[actix_web::test]
async fn comment_count_follows_approval_unapproval_and_deletion() {
    let app = TestApp::spawn().await;
    let article = id_of(&app.published_article().await);
    let first = posted(&app, article, form("First.")).await;
    let second = posted(&app, article, form("Second.")).await;
    assert_eq!(comment_count(&app, article).await, 0);
    let steps = [
        (first, "approved", 1),
        (second, "approved", 2),
        (first, "spam", 1),
        (first, "approved", 2),
        (first, "trash", 1),
        (first, "approved", 2),
        (second, "pending", 1),
        (second, "approved", 2),
    ];
    for (id, status, count) in steps {
        moderate(&app, id, status).await;
        assert_eq!(
            comment_count(&app, article).await,
            count,
            "after comment {id} became {status}"
        );
    }
    let edited = app
        .patch_as(
            &comment_path(first),
            &app.admin_token,
            json!({"content": "First, edited."}),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text);
    assert_eq!(comment_count(&app, article).await, 2);
    let list = app.get(ARTICLES).await;
    assert_eq!(list.body["data"][0]["comment_count"], 2, "{}", list.text);
    let deleted = app.delete_as(&comment_path(first), &app.admin_token).await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert_eq!(comment_count(&app, article).await, 1);
    let list = app.get(ARTICLES).await;
    assert_eq!(list.body["data"][0]["comment_count"], 1, "{}", list.text);
}

#[actix_web::test]
async fn articles_sort_by_comment_count() {
    let app = roomy().await;
    let quiet = id_of(&app.published_article().await);
    let busy = id_of(&app.published_article().await);
    let middling = id_of(&app.published_article().await);
    for n in 0..3 {
        approved(&app, busy, form(&format!("Busy {n}."))).await;
    }
    posted(&app, busy, form("Held.")).await;
    approved(&app, middling, form("Middling.")).await;
    let junk = posted(&app, middling, form("Junk.")).await;
    moderate(&app, junk, "spam").await;
    posted(&app, quiet, form("Held.")).await;
    for (sort, expected) in [
        ("-comment_count", [busy, middling, quiet]),
        ("comment_count", [quiet, middling, busy]),
    ] {
        let list = app.get(&format!("{ARTICLES}?sort={sort}")).await;
        assert_eq!(list.status, 200, "{}", list.text);
        assert_eq!(ids(&list.body), expected, "sort={sort}");
        let counts: Vec<i64> = list.body["data"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|article| article["comment_count"].as_i64().expect("a count"))
            .collect();
        let expected_counts = if sort.starts_with('-') {
            [3, 1, 0]
        } else {
            [0, 1, 3]
        };
        assert_eq!(counts, expected_counts, "sort={sort}");
    }
}
