//! The `newsroom` binary as an operator runs it: the checks at start and the `serve`,
//! `openapi`, `create-user` and `seed` commands. Each run gets a cleared environment and
//! an empty working folder, so no `.env` or setting of the developer's leaks in.

use serde_json::Value;
use std::net::TcpListener;
use std::path::Path;

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

// Clear start-up errors

#[test]
fn a_host_name_in_bind_address_is_refused_naming_it() {
    let work = Workdir::new();
    let database = work.database_url();
    for bind in ["localhost:8080", "localhost", "127.0.0.1"] {
        let finished = work.run(
            &["serve"],
            &[
                ("DATABASE_URL", database.as_str()),
                ("JWT_SECRET", JWT_SECRET),
                ("BIND_ADDRESS", bind),
            ],
            "",
        );
        assert!(!finished.status.success(), "started on {bind}");
        assert!(
            finished.stderr.contains("BIND_ADDRESS") && finished.stderr.contains("127.0.0.1:8080"),
            "{bind}: stderr: {}",
            finished.stderr
        );
        assert!(
            !finished.stdout.contains("Listening"),
            "{}",
            finished.stdout
        );
    }
}

#[test]
fn a_taken_port_fails_the_start_naming_bind_address_without_claiming_to_listen() {
    let work = Workdir::new();
    let database = work.database_url();
    let port = free_port();
    let _taken = TcpListener::bind(("127.0.0.1", port)).expect("the free port can be taken");
    let bind = format!("127.0.0.1:{port}");
    let finished = work.run(
        &["serve"],
        &[
            ("DATABASE_URL", database.as_str()),
            ("JWT_SECRET", JWT_SECRET),
            ("BIND_ADDRESS", bind.as_str()),
        ],
        "",
    );
    assert!(!finished.status.success(), "started on a taken port");
    assert!(
        finished.stderr.contains("BIND_ADDRESS") && finished.stderr.contains(&bind),
        "stderr: {}",
        finished.stderr
    );
    assert!(
        !finished.stdout.contains("Listening"),
        "stdout: {}",
        finished.stdout
    );
}

/// The files of `serve --demo` databases in the folder.
fn demo_databases(folder: &Path) -> Vec<String> {
    std::fs::read_dir(folder)
        .expect("the folder can be listed")
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("newsroom-demo-"))
        .collect()
}

#[test]
fn serve_demo_starts_without_errors_and_removes_its_database_when_stopped() {
    for signal in ["TERM", "INT"] {
        let work = Workdir::new();
        let temp = work.path().to_string_lossy().into_owned();
        let server = work.serve_with(
            &["serve", "--demo", "--articles", "20"],
            &[("TMPDIR", temp.as_str())],
        );
        let files = demo_databases(work.path());
        assert!(
            files.iter().any(|name| name.ends_with(".db")),
            "no demo database in the temp folder: {files:?}"
        );
        assert!(
            server.stdout().contains(&temp),
            "stdout: {}",
            server.stdout()
        );
        let stderr = server.stderr();
        let status = server.stop_with(signal);
        assert!(status.success(), "SIG{signal}: {status}");
        assert!(
            !stderr.lines().any(|line| line.contains("ERROR")),
            "stderr: {stderr}"
        );
        assert_eq!(
            demo_databases(work.path()),
            Vec::<String>::new(),
            "after SIG{signal}"
        );
    }
}

#[test]
fn serve_demo_leaves_no_database_when_the_start_fails() {
    let work = Workdir::new();
    let temp = work.path().to_string_lossy().into_owned();
    let port = free_port();
    let _taken = TcpListener::bind(("127.0.0.1", port)).expect("the free port can be taken");
    let bind = format!("127.0.0.1:{port}");
    let finished = work.run(
        &["serve", "--demo", "--articles", "0"],
        &[("TMPDIR", temp.as_str()), ("BIND_ADDRESS", bind.as_str())],
        "",
    );
    assert!(!finished.status.success(), "started on a taken port");
    assert!(
        finished.stderr.contains("BIND_ADDRESS"),
        "{}",
        finished.stderr
    );
    assert_eq!(demo_databases(work.path()), Vec::<String>::new());
}

#[test]
fn a_database_url_that_cannot_be_created_is_named() {
    let work = Workdir::new();
    let file = work.path().join("a-file");
    std::fs::write(&file, "not a folder").expect("a file");
    let database = file.join("content.db").to_string_lossy().into_owned();
    let bind = format!("127.0.0.1:{}", free_port());
    for args in [&["serve"][..], &["migrate"]] {
        let finished = work.run(
            args,
            &[
                ("DATABASE_URL", database.as_str()),
                ("JWT_SECRET", JWT_SECRET),
                ("BIND_ADDRESS", bind.as_str()),
            ],
            "",
        );
        assert!(!finished.status.success(), "{args:?} succeeded");
        assert!(
            finished.stderr.contains("DATABASE_URL") && finished.stderr.contains(&database),
            "{args:?} stderr: {}",
            finished.stderr
        );
    }
}

#[test]
fn settings_in_dot_env_that_are_wrong_are_named() {
    let work = Workdir::new();
    std::fs::write(work.path().join(".env"), "RUST_LOG=newsroom=loud\n").expect("a .env");
    let finished = work.run(&["migrate"], &[], "");
    assert!(!finished.status.success(), "started with a broken RUST_LOG");
    assert!(finished.stderr.contains("RUST_LOG"), "{}", finished.stderr);
}

#[test]
fn admin_email_without_admin_password_is_refused_while_there_is_no_admin() {
    let work = Workdir::new();
    let database = work.database_url();
    let bind = format!("127.0.0.1:{}", free_port());
    let finished = work.run(
        &["serve"],
        &[
            ("DATABASE_URL", database.as_str()),
            ("JWT_SECRET", JWT_SECRET),
            ("BIND_ADDRESS", bind.as_str()),
            ("ADMIN_EMAIL", "chief@example.com"),
        ],
        "",
    );
    assert!(!finished.status.success(), "started without ADMIN_PASSWORD");
    assert!(
        finished.stderr.contains("ADMIN_PASSWORD"),
        "stderr: {}",
        finished.stderr
    );
}

// Storage trouble

#[test]
fn a_file_that_is_not_a_database_is_refused_naming_database_url() {
    let work = Workdir::new();
    let database = work.database_url();
    let noise: Vec<u8> = (0..65_536_u32)
        .map(|n| (n.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&database, noise).expect("a file of noise");
    let bind = format!("127.0.0.1:{}", free_port());
    let settings = [
        ("DATABASE_URL", database.as_str()),
        ("JWT_SECRET", JWT_SECRET),
        ("BIND_ADDRESS", bind.as_str()),
    ];
    let finished = work.run(&["serve"], &settings, "");
    assert!(!finished.status.success(), "serve started on noise");
    assert!(
        finished.stderr.contains("DATABASE_URL")
            && finished.stderr.contains(&database)
            && finished.stderr.contains("not a database"),
        "stderr: {}",
        finished.stderr
    );
}

/// Makes `path` unwritable even for root (the immutable attribute, where chmod is not
/// enough), and says whether that worked.
fn make_unwritable(path: &str, on: bool) -> bool {
    let flag = if on { "+i" } else { "-i" };
    let chattr = std::process::Command::new("chattr")
        .args([flag, path])
        .status()
        .is_ok_and(|status| status.success());
    if !chattr {
        use std::os::unix::fs::PermissionsExt;
        let mode = if on { 0o444 } else { 0o644 };
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
    }
    std::fs::OpenOptions::new().write(true).open(path).is_err() == on
}

#[test]
fn a_database_the_server_may_not_write_is_refused_at_start_naming_database_url() {
    let work = Workdir::new();
    let database = work.database_url();
    let settings = [("DATABASE_URL", database.as_str())];
    assert!(work.run(&["migrate"], &settings, "").status.success());
    assert!(
        make_unwritable(&database, true),
        "could not make {database} unwritable"
    );
    let bind = format!("127.0.0.1:{}", free_port());
    let finished = work.run(
        &["serve"],
        &[
            ("DATABASE_URL", database.as_str()),
            ("JWT_SECRET", JWT_SECRET),
            ("BIND_ADDRESS", bind.as_str()),
        ],
        "",
    );
    make_unwritable(&database, false);
    assert!(
        !finished.status.success(),
        "serve started on a read-only database"
    );
    assert!(
        finished.stderr.contains("DATABASE_URL") && finished.stderr.contains("not writable"),
        "stderr: {}",
        finished.stderr
    );
}

#[test]
fn a_database_deleted_while_serving_makes_writes_and_ready_503_not_lost() {
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
    std::fs::remove_file(&database).expect("the database removed");
    // A login writes (its refresh token): it must not be acknowledged into a deleted file.
    let (status, body) = server.login("chief@example.com", "chief password 1");
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["status"], 503, "{body}");
    let (ready, _) = http(server.port, "GET", "/ready", None, None).expect("the server answers");
    assert_eq!(ready, 503);
}

#[test]
fn ready_says_503_while_the_database_cannot_be_written_and_200_when_it_can_again() {
    let work = Workdir::new();
    let database = work.database_url();
    let server = work.serve(&[
        ("DATABASE_URL", database.as_str()),
        ("JWT_SECRET", JWT_SECRET),
    ]);
    let ready = || {
        http(server.port, "GET", "/ready", None, None)
            .expect("the server answers")
            .0
    };
    assert_eq!(ready(), 200);
    assert!(
        make_unwritable(&database, true),
        "could not make {database} unwritable"
    );
    let while_unwritable = ready();
    make_unwritable(&database, false);
    assert_eq!(while_unwritable, 503);
    assert_eq!(ready(), 200);
}
