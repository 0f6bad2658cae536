//! The `newsroom` binary as an operator runs it: the checks at start and the `serve`,
//! `openapi`, `create-user` and `seed` commands. Each run gets a cleared environment and
//! an empty working folder, so no `.env` or setting of the developer's leaks in.

use serde_json::Value;

use crate::common::JWT_SECRET;
use crate::common::binary::{Workdir, free_port, http};

#[test]
fn serve_without_a_jwt_secret_exits_with_a_message() {
    let work = Workdir::new();
    let bind = format!("127.0.0.1:{}", free_port());
    let database = work.database_url();
    let settings = [
        ("DATABASE_URL", database.as_str()),
        ("BIND_ADDRESS", bind.as_str()),
    ];
    for args in [&["serve"][..], &[]] {
        let finished = work.run(args, &settings, "");
        assert!(
            !finished.status.success(),
            "{args:?} started without a secret"
        );
        assert!(
            finished.stderr.contains("JWT_SECRET"),
            "{args:?} stderr: {}",
            finished.stderr
        );
    }
}

#[test]
fn a_jwt_secret_shorter_than_32_bytes_is_refused() {
    let work = Workdir::new();
    let bind = format!("127.0.0.1:{}", free_port());
    let database = work.database_url();
    let short = "x".repeat(31);
    let settings = [
        ("DATABASE_URL", database.as_str()),
        ("BIND_ADDRESS", bind.as_str()),
        ("JWT_SECRET", short.as_str()),
    ];
    let finished = work.run(&["serve"], &settings, "");
    assert!(!finished.status.success(), "started with a short secret");
    assert!(
        finished.stderr.contains("JWT_SECRET") && finished.stderr.contains("32"),
        "stderr: {}",
        finished.stderr
    );
}

#[test]
fn openapi_prints_the_3_1_spec() {
    let work = Workdir::new();
    let finished = work.run(&["openapi"], &[], "");
    assert!(finished.status.success(), "stderr: {}", finished.stderr);
    let spec: Value = serde_json::from_str(&finished.stdout).expect("the spec is JSON");
    assert!(
        spec["openapi"]
            .as_str()
            .is_some_and(|version| version.starts_with("3.1")),
        "openapi: {}",
        spec["openapi"]
    );
    assert!(spec["paths"]["/api/v1/auth/login"].is_object());
}

#[test]
fn create_user_reads_the_password_from_stdin_and_refuses_a_taken_email() {
    let work = Workdir::new();
    let database = work.database_url();
    let settings = [("DATABASE_URL", database.as_str())];
    let args = [
        "create-user",
        "--email",
        "x@example.com",
        "--role",
        "editor",
        "--display-name",
        "X",
    ];
    let created = work.run(&args, &settings, "editor password 1\n");
    assert!(created.status.success(), "stderr: {}", created.stderr);
    assert!(
        created.stdout.contains("x@example.com"),
        "stdout: {}",
        created.stdout
    );
    assert!(
        !created.stdout.contains("editor password 1"),
        "the password is echoed"
    );
    let again = work.run(&args, &settings, "another password\n");
    assert!(!again.status.success(), "a second user with the same email");
    assert!(again.stderr.contains("email"), "stderr: {}", again.stderr);
}

#[test]
fn create_user_refuses_a_short_password() {
    let work = Workdir::new();
    let database = work.database_url();
    let finished = work.run(
        &[
            "create-user",
            "--email",
            "y@example.com",
            "--role",
            "author",
            "--display-name",
            "Y",
        ],
        &[("DATABASE_URL", database.as_str())],
        "short\n",
    );
    assert!(!finished.status.success(), "a 5-character password");
    assert!(
        finished.stderr.contains("password"),
        "stderr: {}",
        finished.stderr
    );
}

#[test]
fn a_user_made_by_create_user_can_log_in() {
    let work = Workdir::new();
    let database = work.database_url();
    let created = work.run(
        &[
            "create-user",
            "--email",
            "x@example.com",
            "--role",
            "editor",
            "--display-name",
            "X",
        ],
        &[("DATABASE_URL", database.as_str())],
        "editor password 1\n",
    );
    assert!(created.status.success(), "stderr: {}", created.stderr);
    let server = work.serve(&[
        ("DATABASE_URL", database.as_str()),
        ("JWT_SECRET", JWT_SECRET),
    ]);
    let (status, body) = server.login("x@example.com", "editor password 1");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["role"], "editor");
    assert_eq!(body["user"]["display_name"], "X");
    assert_eq!(server.login("x@example.com", "wrong password").0, 401);
}

#[test]
fn seed_demo_prints_each_password_once_and_can_run_again() {
    let work = Workdir::new();
    let database = work.database_url();
    let settings = [("DATABASE_URL", database.as_str())];
    let first = work.run(&["seed", "--demo"], &settings, "");
    assert!(first.status.success(), "stderr: {}", first.stderr);
    for role in ["admin", "editor", "author"] {
        let line = first
            .stdout
            .lines()
            .find(|line| line.trim_start().starts_with(role))
            .unwrap_or_else(|| panic!("no {role} account in: {}", first.stdout));
        let password = line
            .split_once("password:")
            .map(|(_, password)| password.trim())
            .unwrap_or_default();
        assert!(password.len() >= 12, "{role} password in: {line}");
    }
    let second = work.run(&["seed", "--demo"], &settings, "");
    assert!(second.status.success(), "stderr: {}", second.stderr);
    assert_eq!(
        second.stdout.matches("already existed").count(),
        first.stdout.matches("password:").count(),
        "stdout: {}",
        second.stdout
    );
    assert!(
        !second.stdout.contains("password:"),
        "no new password on the second run: {}",
        second.stdout
    );
}

#[test]
fn serve_creates_the_first_admin_from_admin_email_and_password() {
    let work = Workdir::new();
    let database = work.database_url();
    let server = work.serve(&[
        ("DATABASE_URL", database.as_str()),
        ("JWT_SECRET", JWT_SECRET),
        ("ADMIN_EMAIL", "chief@example.com"),
        ("ADMIN_PASSWORD", "chief password 1"),
    ]);
    let (status, body) = server.login("chief@example.com", "chief password 1");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["role"], "admin");
    let token = body["access_token"].as_str().expect("an access token");
    let (status, users) =
        http(server.port, "GET", "/api/v1/users", Some(token), None).expect("the server answers");
    assert_eq!(status, 200, "{users}");
    assert_eq!(users["meta"]["total"], 1);
}
