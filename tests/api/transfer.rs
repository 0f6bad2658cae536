//! `newsroom export` and `newsroom import`, as an operator moves a site: from the embedded
//! SQLite file to a new database (PostgreSQL when the suite runs on it), and what a client
//! of the new one then sees.

use serde_json::{Value, json};
use std::os::unix::fs::PermissionsExt;

use crate::common::binary::{Finished, Server, Workdir};
use crate::common::{JWT_SECRET, fresh_database};

const ADMIN_EMAIL: &str = "admin@example.com";
const ADMIN_PASSWORD: &str = "admin password 123";
const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";

/// A SQLite site with the demo content (`articles` of them), its admin's password known;
/// returns the editor's generated password.
fn seeded_site(work: &Workdir, articles: usize) -> String {
    let database = work.database_url();
    let seeded = work.run(
        &["seed", "--demo", "--articles", &articles.to_string()],
        &[
            ("DATABASE_URL", database.as_str()),
            ("ADMIN_PASSWORD", ADMIN_PASSWORD),
        ],
        "",
    );
    assert!(seeded.status.success(), "seed: {}", seeded.stderr);
    seeded
        .stdout
        .lines()
        .find(|line| line.trim_start().starts_with("editor"))
        .and_then(|line| line.split_once("password:"))
        .map(|(_, password)| password.trim().to_owned())
        .unwrap_or_else(|| panic!("no editor password in: {}", seeded.stdout))
}

fn export(work: &Workdir, database: &str, file: &str) -> Finished {
    work.run(&["export", file], &[("DATABASE_URL", database)], "")
}

fn import(work: &Workdir, database: &str, file: &str, input: &str) -> Finished {
    work.run(&["import", file], &[("DATABASE_URL", database)], input)
}

fn serve(work: &Workdir, database: &str) -> Server {
    work.serve(&[("DATABASE_URL", database), ("JWT_SECRET", JWT_SECRET)])
}

fn token(login: &Value) -> &str {
    login["access_token"].as_str().expect("an access token")
}

/// What a client sees of a site, anonymous and as its admin: the responses a move must
/// leave unchanged.
fn what_clients_see(server: &Server, admin: &str) -> Vec<(String, Value)> {
    let mut seen = Vec::new();
    let mut get = |path: &str, token: Option<&str>| {
        let (status, body) = server.request("GET", path, token, None);
        assert_eq!(status, 200, "GET {path}: {body}");
        seen.push((path.to_owned(), body));
    };
    get("/api/v1/articles?per_page=100", None);
    get("/api/v1/articles?per_page=100&sort=-view_count", None);
    get("/api/v1/categories?per_page=100", None);
    get("/api/v1/tags?per_page=100", None);
    get("/api/v1/authors?per_page=100", None);
    get("/api/v1/articles/popular?by=views&window=month", None);
    get("/api/v1/articles?per_page=100&status=draft", Some(admin));
    get("/api/v1/articles/1/views", Some(admin));
    get("/api/v1/comments?per_page=100", Some(admin));
    get("/api/v1/users?per_page=100", Some(admin));
    seen
}

fn seen<'a>(seen: &'a [(String, Value)], path: &str) -> &'a Value {
    seen.iter()
        .find_map(|(seen_path, body)| (seen_path == path).then_some(body))
        .unwrap_or_else(|| panic!("{path} was not read"))
}

fn ids(list: &Value) -> Vec<i64> {
    list["data"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|item| item["id"].as_i64())
        .collect()
}

#[test]
fn an_imported_site_looks_the_same_to_clients_and_goes_on_from_there() {
    let work = Workdir::new();
    let editor_password = seeded_site(&work, 30);
    let source = work.database_url();

    // A day of the site's life: a reader's comment and views (buffered, written as the
    // server stops), a category moved under a newer one, a login whose tokens stay valid.
    let server = serve(&work, &source);
    let (status, login) = server.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    assert_eq!(status, 200, "{login}");
    let admin = token(&login).to_owned();
    let (_, articles) = server.request("GET", "/api/v1/articles?per_page=3", None, None);
    let first_ids = ids(&articles);
    assert_eq!(first_ids.len(), 3, "{articles}");
    let comment = json!({"author_name": "Reader", "author_email": "reader@example.com", "content": "Well put."});
    let path = format!("/api/v1/articles/{}/comments", first_ids[0]);
    let (status, body) = server.request("POST", &path, None, Some(&comment));
    assert_eq!(status, 201, "{body}");
    for id in &first_ids {
        let path = format!("/api/v1/articles/{id}/views");
        let (status, _) = server.request_with("POST", &path, &[("User-Agent", BROWSER)], None);
        assert_eq!(status, 202);
    }
    let (status, newer) = server.request(
        "POST",
        "/api/v1/categories",
        Some(&admin),
        Some(&json!({"name": "Opinion"})),
    );
    assert_eq!(status, 201, "{newer}");
    let (status, moved) = server.request(
        "PATCH",
        "/api/v1/categories/1",
        Some(&admin),
        Some(&json!({"parent_id": newer["id"]})),
    );
    assert_eq!(status, 200, "{moved}");
    assert!(server.stop_with("TERM").success());

    let exported = export(&work, &source, "site.jsonl");
    assert!(exported.status.success(), "export: {}", exported.stderr);
    assert!(
        exported.stdout.contains("30 articles"),
        "{}",
        exported.stdout
    );
    let target = fresh_database(work.path());
    let imported = import(&work, &target, "site.jsonl", "");
    assert!(imported.status.success(), "import: {}", imported.stderr);
    assert!(
        imported
            .stdout
            .contains("imported 6 users, 10 categories, 30 articles, 24 tags"),
        "{}",
        imported.stdout
    );

    let before = serve(&work, &source);
    let after = serve(&work, &target);
    let seen_before = what_clients_see(&before, &admin);
    let seen_after = what_clients_see(&after, &admin);
    for ((path, was), (_, is)) in seen_before.iter().zip(&seen_after) {
        assert_eq!(was, is, "GET {path} differs after the move");
    }
    let articles = seen(&seen_after, "/api/v1/articles?per_page=100");
    // The demo articles carry tags, in their order, and the tags their counts: the
    // comparison above covered them only if they came across.
    let tagged = articles["data"]
        .as_array()
        .expect("a page")
        .iter()
        .filter(|article| {
            article["tags"]
                .as_array()
                .is_some_and(|tags| !tags.is_empty())
        })
        .count();
    assert!(tagged > 0, "no imported article has tags: {articles}");
    let tags = seen(&seen_after, "/api/v1/tags?per_page=100");
    assert_eq!(tags["meta"]["total"], 24, "{tags}");
    let viewed = &articles["data"][0];
    assert!(viewed["view_count"].as_i64() > Some(0), "{viewed}");

    // Derived data was made again: search finds an article by its title.
    let title = viewed["title"].as_str().expect("a title");
    let word = title
        .split(|c: char| !c.is_alphanumeric())
        .max_by_key(|word| word.len())
        .expect("a word");
    let (status, found) = after.request(
        "GET",
        &format!("/api/v1/search?q={word}&per_page=100"),
        None,
        None,
    );
    assert_eq!(status, 200, "{found}");
    assert!(
        ids(&found).contains(&viewed["id"].as_i64().expect("an id")),
        "`{word}` (of `{title}`) finds: {found}"
    );

    // People keep their passwords and their sessions.
    let (status, body) = after.login("editor@example.com", &editor_password);
    assert_eq!(status, 200, "{body}");
    let (status, me) = after.request("GET", "/api/v1/auth/me", Some(&admin), None);
    assert_eq!(status, 200, "{me}");
    let refresh = json!({"refresh_token": login["refresh_token"]});
    let (status, body) = after.request("POST", "/api/v1/auth/refresh", None, Some(&refresh));
    assert_eq!(
        status, 200,
        "the refresh token of a login before the move: {body}"
    );

    // New rows get ids past the imported ones (PostgreSQL's identities were moved on).
    let story =
        json!({"title": "After the move", "content": "<p>New home.</p>", "status": "published"});
    let (status, created) = after.request("POST", "/api/v1/articles", Some(&admin), Some(&story));
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["id"], 31, "the seed made articles 1 to 30");
    let category = json!({"name": "Letters"});
    let (status, created) =
        after.request("POST", "/api/v1/categories", Some(&admin), Some(&category));
    assert_eq!(status, 201, "{created}");
    assert_eq!(
        created["id"], 11,
        "9 demo categories and Opinion came before"
    );
    let second = json!({"author_name": "Reader", "author_email": "reader@example.com", "content": "And again."});
    let (status, created) = after.request("POST", &path, None, Some(&second));
    assert_eq!(status, 201, "{created}");
    let comments = seen(&seen_after, "/api/v1/comments?per_page=100");
    let newest_comment = ids(comments).into_iter().max();
    assert!(
        created["id"].as_i64() > newest_comment,
        "{created} after {comments}"
    );
}

/// The rows of a database as an export writes them, without the header (its date moves).
fn rows_of(work: &Workdir, database: &str) -> String {
    let exported = export(work, database, "-");
    assert!(exported.status.success(), "export: {}", exported.stderr);
    exported
        .stdout
        .split_once('\n')
        .map(|(_, rows)| rows.to_owned())
        .unwrap_or_default()
}

#[test]
fn import_into_a_database_with_content_is_refused_and_changes_nothing() {
    let work = Workdir::new();
    seeded_site(&work, 3);
    let exported = export(&work, &work.database_url(), "site.jsonl");
    assert!(exported.status.success(), "export: {}", exported.stderr);
    let target = fresh_database(work.path());
    let created = work.run(
        &[
            "create-user",
            "--email",
            "ed@example.com",
            "--role",
            "editor",
            "--display-name",
            "Ed",
        ],
        &[("DATABASE_URL", target.as_str())],
        "a long passphrase\n",
    );
    assert!(created.status.success(), "create-user: {}", created.stderr);
    let before = rows_of(&work, &target);

    let refused = import(&work, &target, "site.jsonl", "");
    assert!(
        !refused.status.success(),
        "imported into a database with a user"
    );
    assert!(
        refused.stderr.contains("DATABASE_URL") && refused.stderr.contains("already holds 1 users"),
        "stderr: {}",
        refused.stderr
    );
    assert!(
        !refused.stdout.contains("imported"),
        "stdout: {}",
        refused.stdout
    );
    assert_eq!(rows_of(&work, &target), before);
}

#[test]
fn a_damaged_file_is_refused_naming_its_line_and_imports_nothing() {
    let work = Workdir::new();
    seeded_site(&work, 5);
    let exported = export(&work, &work.database_url(), "-");
    assert!(exported.status.success(), "export: {}", exported.stderr);
    let lines: Vec<&str> = exported.stdout.lines().collect();
    // The first comment's line: users, categories and articles come before it, so a
    // failure there comes after rows were inserted.
    let comment = lines
        .iter()
        .position(|line| line.starts_with(r#"{"table":"comments""#))
        .expect("the demo content has comments");
    let joined = |lines: &[&str]| {
        lines
            .iter()
            .map(|line| format!("{line}\n"))
            .collect::<String>()
    };
    let cut_in_a_line = {
        let mut text = joined(&lines[..comment]);
        text.push_str(&lines[comment][..40]);
        text
    };
    let other_version = joined(&lines).replacen(r#""version":1"#, r#""version":2"#, 1);
    let wrong_type = lines[comment].replacen(r#""article_id":"#, r#""article_id":"x","was":"#, 1);
    let cases = [
        (cut_in_a_line, format!("line {}", comment + 1)),
        (
            joined(&lines[..lines.len() - 1]),
            format!("after line {}", lines.len() - 1),
        ),
        (
            joined(&lines[..comment]).replacen('\n', "\n\n", 1),
            "line 2 is empty".to_owned(),
        ),
        (other_version, "line 1".to_owned()),
        (
            joined(&lines).replacen("newsroom-export", "wordpress-export", 1),
            "line 1".to_owned(),
        ),
        (
            joined(
                &[
                    &lines[..comment],
                    &[wrong_type.as_str()],
                    &lines[comment + 1..],
                ]
                .concat(),
            ),
            format!("line {}", comment + 1),
        ),
        (
            joined(&[&lines[..comment], &lines[comment + 1..]].concat()),
            "end line counts".to_owned(),
        ),
    ];
    let target = fresh_database(work.path());
    for (text, named) in &cases {
        let refused = import(&work, &target, "-", text);
        assert!(
            !refused.status.success(),
            "imported a damaged file ({named})"
        );
        assert!(
            refused.stderr.contains(named) && refused.stderr.contains("nothing was imported"),
            "expected `{named}` in: {}",
            refused.stderr
        );
        assert!(!refused.stderr.contains("panicked"), "{}", refused.stderr);
    }
    // Nothing of them stayed: the whole file still goes in (import refuses a database with
    // content), through standard input this time.
    let imported = import(&work, &target, "-", &exported.stdout);
    assert!(imported.status.success(), "import: {}", imported.stderr);
    assert_eq!(
        rows_of(&work, &target),
        rows_of(&work, &work.database_url())
    );
}

#[test]
fn the_export_file_is_private_to_its_owner_and_never_overwrites_a_file() {
    let work = Workdir::new();
    seeded_site(&work, 1);
    let database = work.database_url();
    let exported = export(&work, &database, "site.jsonl");
    assert!(exported.status.success(), "export: {}", exported.stderr);
    let file = work.path().join("site.jsonl");
    let mode = std::fs::metadata(&file)
        .expect("the export")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");

    std::fs::write(&file, "mine").expect("a file in the way");
    let again = export(&work, &database, "site.jsonl");
    assert!(!again.status.success(), "exported over an existing file");
    assert!(
        again.stderr.contains("site.jsonl"),
        "stderr: {}",
        again.stderr
    );
    assert_eq!(std::fs::read_to_string(&file).expect("the file"), "mine");
}

#[test]
fn a_category_moved_under_a_newer_one_comes_in_with_its_parent() {
    // Written by hand, as the format says: more categories than one batch of rows, the
    // first one moved under the last.
    const CATEGORIES: usize = 1_200;
    let mut file = String::from(
        "{\"format\":\"newsroom-export\",\"version\":1,\"exported_at\":\"2026-01-01T00:00:00Z\"}\n",
    );
    for id in 1..=CATEGORIES {
        let parent = if id == 1 {
            json!(CATEGORIES)
        } else {
            Value::Null
        };
        let row = json!({"id": id, "name": format!("Section {id}"), "slug": format!("section-{id}"), "description": null, "parent_id": parent, "created_at": "2026-01-01T00:00:00", "updated_at": "2026-01-01T00:00:00"});
        file.push_str(&json!({"table": "categories", "row": row}).to_string());
        file.push('\n');
    }
    // Written without `tags` and `article_tags`, as exports were before tags: still read.
    let counts = json!({"users": 0, "categories": CATEGORIES, "articles": 0, "comments": 0, "article_views_daily": 0, "refresh_tokens": 0});
    file.push_str(&json!({"table": "end", "row": counts}).to_string());
    let work = Workdir::new();
    let target = fresh_database(work.path());
    let imported = import(&work, &target, "-", &file);
    assert!(imported.status.success(), "import: {}", imported.stderr);

    let server = serve(&work, &target);
    let (status, first) = server.request("GET", "/api/v1/categories/1", None, None);
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["parent_id"], CATEGORIES);
}
