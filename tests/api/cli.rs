//! The `newsroom` binary as an operator runs it: the checks at start and the `serve`,
//! `openapi`, `create-user` and `seed` commands. Each run gets a cleared environment and
//! an empty working folder, so no `.env` or setting of the developer's leaks in.

use serde_json::{Value, json};
use std::fs::File;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use crate::common::JWT_SECRET;

const BINARY: &str = env!("CARGO_BIN_EXE_newsroom");
/// Long enough for a debug build on a busy 2-core machine; a hung command fails the test.
const DEADLINE: Duration = Duration::from_secs(60);

/// A child process that is killed when the test ends, whether it passed or panicked.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        // It may have exited already; either way it must not outlive the test.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Running {
    fn wait_until(&mut self, deadline: Instant) -> Option<ExitStatus> {
        while Instant::now() < deadline {
            if let Some(status) = self.0.try_wait().expect("the child can be polled") {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

/// What a finished command left behind.
struct Finished {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

/// An empty working folder (no `.env`) holding the database and the output of each run.
struct Workdir {
    dir: tempfile::TempDir,
    runs: AtomicU32,
}

impl Workdir {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("a temporary folder"),
            runs: AtomicU32::new(0),
        }
    }

    fn database_url(&self) -> String {
        self.dir
            .path()
            .join("db.sqlite")
            .to_string_lossy()
            .into_owned()
    }

    /// The binary with only `PATH` and `settings` in its environment, and two files that
    /// receive its stdout and stderr (files never fill up and block it, as pipes can).
    fn command(&self, args: &[&str], settings: &[(&str, &str)]) -> (Command, PathBuf, PathBuf) {
        let run = self.runs.fetch_add(1, Ordering::Relaxed);
        let stdout = self.dir.path().join(format!("stdout-{run}.txt"));
        let stderr = self.dir.path().join(format!("stderr-{run}.txt"));
        let mut command = Command::new(BINARY);
        command
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(settings.iter().copied())
            .current_dir(self.dir.path())
            .stdout(File::create(&stdout).expect("a stdout file"))
            .stderr(File::create(&stderr).expect("a stderr file"));
        (command, stdout, stderr)
    }

    /// Runs a command to its end with `input` on stdin.
    fn run(&self, args: &[&str], settings: &[(&str, &str)], input: &str) -> Finished {
        let (mut command, stdout, stderr) = self.command(args, settings);
        let mut child = Running(
            command
                .stdin(Stdio::piped())
                .spawn()
                .expect("the binary starts"),
        );
        if let Some(mut stdin) = child.0.stdin.take() {
            // A command that exits without reading its input is not an error here.
            let _ = stdin.write_all(input.as_bytes());
        }
        let status = child
            .wait_until(Instant::now() + DEADLINE)
            .unwrap_or_else(|| panic!("`newsroom {}` did not exit", args.join(" ")));
        Finished {
            status,
            stdout: read(&stdout),
            stderr: read(&stderr),
        }
    }

    /// Starts `serve` on a free port and waits until `/health` answers.
    fn serve(&self, settings: &[(&str, &str)]) -> Server {
        let port = free_port();
        let bind = format!("127.0.0.1:{port}");
        let mut settings = settings.to_vec();
        settings.push(("BIND_ADDRESS", &bind));
        let (mut command, _, stderr) = self.command(&["serve"], &settings);
        let mut child = Running(
            command
                .stdin(Stdio::null())
                .spawn()
                .expect("the binary starts"),
        );
        let deadline = Instant::now() + DEADLINE;
        loop {
            if let Some(status) = child.0.try_wait().expect("the child can be polled") {
                panic!("serve exited with {status}: {}", read(&stderr));
            }
            if http(port, "GET", "/health", None, None).is_ok_and(|(status, _)| status == 200) {
                return Server {
                    port,
                    stderr,
                    _process: child,
                };
            }
            assert!(
                Instant::now() < deadline,
                "serve never became healthy: {}",
                read(&stderr)
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// A running `serve`, stopped when dropped.
struct Server {
    port: u16,
    stderr: PathBuf,
    _process: Running,
}

impl Server {
    fn request(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        http(self.port, method, path, token, body).unwrap_or_else(|error| {
            panic!(
                "{method} {path} failed: {error}; serve stderr: {}",
                read(&self.stderr)
            )
        })
    }

    fn login(&self, email: &str, password: &str) -> (u16, Value) {
        let body = json!({"email": email, "password": password});
        self.request("POST", "/api/v1/auth/login", None, Some(&body))
    }
}

fn read(path: &PathBuf) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// A free port below Linux's ephemeral range (32768 and up), where the test servers that
/// bind port 0 get theirs: a port from that range could be handed to one of them between
/// this check and `serve` binding it, and the readiness poll would then reach the wrong app.
fn free_port() -> u16 {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    // Spread over 20000..32000 by process, so that two test runs rarely probe the same ports.
    let offset = std::process::id().wrapping_mul(7);
    (0..12_000)
        .map(|_| 20_000 + offset.wrapping_add(NEXT.fetch_add(1, Ordering::Relaxed)) % 12_000)
        .filter_map(|port| u16::try_from(port).ok())
        .find(|port| TcpListener::bind(("127.0.0.1", *port)).is_ok())
        .expect("a free port")
}

/// One HTTP/1.1 request on its own connection: the status and the JSON body (or null).
fn http(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> std::io::Result<(u16, Value)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let authorization = token
        .map(|token| format!("Authorization: Bearer {token}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n{authorization}\r\n{body}",
        body.len()
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("not an HTTP response: {response}")))?;
    let body = response
        .split_once("\r\n\r\n")
        .and_then(|(_, body)| serde_json::from_str(body).ok())
        .unwrap_or(Value::Null);
    Ok((status, body))
}

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
