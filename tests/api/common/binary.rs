//! The real `newsroom` binary, run as an operator runs it: each run gets a cleared
//! environment and an empty working folder, so no `.env` or setting of the developer's
//! leaks in; a plain HTTP/1.1 client talks to a running `serve`.

use serde_json::{Value, json};
use std::fs::File;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

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
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// An empty working folder (no `.env`) holding the database and the output of each run.
pub struct Workdir {
    dir: tempfile::TempDir,
    runs: AtomicU32,
}

impl Workdir {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("a temporary folder"),
            runs: AtomicU32::new(0),
        }
    }

    pub fn database_url(&self) -> String {
        self.dir
            .path()
            .join("db.sqlite")
            .to_string_lossy()
            .into_owned()
    }

    /// The folder itself.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `program` (the binary unless said otherwise) with only `PATH` and `settings` in its
    /// environment, and two files that receive its stdout and stderr (files never fill up
    /// and block it, as pipes can).
    fn command(
        &self,
        program: &str,
        args: &[&str],
        settings: &[(&str, &str)],
    ) -> (Command, PathBuf, PathBuf) {
        let run = self.runs.fetch_add(1, Ordering::Relaxed);
        let stdout = self.dir.path().join(format!("stdout-{run}.txt"));
        let stderr = self.dir.path().join(format!("stderr-{run}.txt"));
        let mut command = Command::new(program);
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

    /// Runs a command of the binary to its end with `input` on stdin.
    pub fn run(&self, args: &[&str], settings: &[(&str, &str)], input: &str) -> Finished {
        self.run_program(BINARY, args, settings, input)
    }

    /// Runs any program (`bash`, say) to its end, as [`Workdir::run`] runs the binary.
    pub fn run_program(
        &self,
        program: &str,
        args: &[&str],
        settings: &[(&str, &str)],
        input: &str,
    ) -> Finished {
        let (mut command, stdout, stderr) = self.command(program, args, settings);
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
            .unwrap_or_else(|| panic!("`{program} {}` did not exit", args.join(" ")));
        Finished {
            status,
            stdout: read(&stdout),
            stderr: read(&stderr),
        }
    }

    /// Starts `serve` on a free port and waits until `/health` answers.
    pub fn serve(&self, settings: &[(&str, &str)]) -> Server {
        self.serve_with(&["serve"], settings)
    }

    /// Starts the server with these arguments (`serve --demo`, say) on a free port and waits
    /// until `/health` answers.
    pub fn serve_with(&self, args: &[&str], settings: &[(&str, &str)]) -> Server {
        let port = free_port();
        let bind = format!("127.0.0.1:{port}");
        let mut settings = settings.to_vec();
        settings.push(("BIND_ADDRESS", &bind));
        let (mut command, stdout, stderr) = self.command(BINARY, args, &settings);
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
                    stdout,
                    stderr,
                    process: child,
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
pub struct Server {
    pub port: u16,
    stdout: PathBuf,
    stderr: PathBuf,
    process: Running,
}

impl Server {
    pub fn request(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let authorization = token.map(|token| format!("Bearer {token}"));
        let headers: Vec<(&str, &str)> = authorization
            .iter()
            .map(|value| ("Authorization", value.as_str()))
            .collect();
        self.request_with(method, path, &headers, body)
    }

    /// A request carrying exactly these extra headers.
    pub fn request_with(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> (u16, Value) {
        http_with(self.port, method, path, headers, body).unwrap_or_else(|error| {
            panic!(
                "{method} {path} failed: {error}; serve stderr: {}",
                read(&self.stderr)
            )
        })
    }

    pub fn login(&self, email: &str, password: &str) -> (u16, Value) {
        let body = json!({"email": email, "password": password});
        self.request("POST", "/api/v1/auth/login", None, Some(&body))
    }

    /// Sends the signal (`TERM`, `INT`, ...) with `kill` and waits for the process to exit.
    pub fn stop_with(mut self, signal: &str) -> ExitStatus {
        let pid = self.process.0.id().to_string();
        let sent = Command::new("kill")
            .args([format!("-{signal}"), pid])
            .status()
            .expect("`kill` runs");
        assert!(sent.success(), "kill -{signal} failed: {sent}");
        self.process
            .wait_until(Instant::now() + DEADLINE)
            .unwrap_or_else(|| panic!("serve did not exit on SIG{signal}: {}", read(&self.stderr)))
    }

    /// What the server wrote to stderr so far (its logs).
    pub fn stderr(&self) -> String {
        read(&self.stderr)
    }

    /// What the server wrote to stdout so far (what it tells the operator).
    pub fn stdout(&self) -> String {
        read(&self.stdout)
    }
}

fn read(path: &PathBuf) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// A free port below Linux's ephemeral range (32768 and up), where the test servers that
/// bind port 0 get theirs: a port from that range could be handed to one of them between
/// this check and `serve` binding it, and the readiness poll would then reach the wrong app.
pub fn free_port() -> u16 {
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
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> std::io::Result<(u16, Value)> {
    let authorization = token.map(|token| format!("Bearer {token}"));
    let headers: Vec<(&str, &str)> = authorization
        .iter()
        .map(|value| ("Authorization", value.as_str()))
        .collect();
    http_with(port, method, path, &headers, body)
}

/// One HTTP/1.1 request on its own connection with exactly these extra headers.
pub fn http_with(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> std::io::Result<(u16, Value)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let headers: String = headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}\r\n"))
        .collect();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n{headers}\r\n{body}",
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
