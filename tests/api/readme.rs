//! The README, run as written: its Quickstart shows what `serve --demo` prints, and its tour
//! of the API, run against `serve --demo` with `curl` and `jq`, prints what it says.
//!
//! The README marks the blocks it promises with HTML comments just outside their fences:
//! `<!-- NAME:begin -->` and `<!-- NAME:end -->`. In a shell block, each command (its lines
//! up to a blank or comment line) may be followed by lines `# => EXPECTED`: every one of them
//! must match a line of what that command printed, in any order (HTTP headers come in no
//! fixed order). In an output block, the lines must match what was printed, one for one and
//! in order. Either way `...` matches any text within a line, and spaces at either end of a
//! line do not count. A command that prints something must show some of it.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use crate::common::binary::{Server, Workdir};

const README: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"));
/// The address the README's examples use; the tests put their server's address in its place.
const README_ADDRESS: &str = "127.0.0.1:8080";
/// Not the README's password, so that a tour that spells it out instead of using
/// `$PASSWORD` fails.
const TOUR_PASSWORD: &str = "readme tour password 1";

#[test]
fn readme_quickstart_shows_what_serve_demo_prints() {
    let expected = fenced_block("quickstart-output");
    let work = Workdir::new();
    let tmp = work.path().to_string_lossy().into_owned();
    let server = work.serve_with(&["serve", "--demo"], &[("TMPDIR", tmp.as_str())]);
    let wanted = with_address(&expected, &server);
    // As if the temporary folder were `/tmp`, where a reader's demo database would be.
    let printed =
        printed(&server, |printed| printed.lines().count() >= wanted.len()).replace(&tmp, "/tmp");
    let printed: Vec<&str> = printed.lines().collect();
    assert!(
        printed.len() == wanted.len()
            && wanted
                .iter()
                .zip(&printed)
                .all(|(pattern, line)| matches(pattern, line)),
        "the README's Quickstart says `serve --demo` prints\n{}\nbut it printed\n{}",
        indent(&wanted.join("\n")),
        indent(&printed.join("\n")),
    );
}

#[test]
fn readme_tour_runs_as_written_on_serve_demo() {
    let start = DemoStart::from_readme();
    let tour = steps(&fenced_block("tour"));
    let password = tour
        .iter()
        .flat_map(|step| step.command.lines())
        .find_map(|line| line.trim().strip_prefix("PASSWORD="))
        .and_then(|value| value.split_whitespace().next());
    assert_eq!(
        password,
        Some(start.password.as_str()),
        "the tour must set PASSWORD to the ADMIN_PASSWORD the server started with"
    );
    let work = Workdir::new();
    let server = start.serve(&work);
    let outputs = run_tour(&work, &tour, &server);
    let failures: Vec<String> = tour
        .iter()
        .zip(&outputs)
        .filter_map(|(step, output)| output.check(&step.expected))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of the README tour's {} commands print something else than it says:\n\n{}",
        failures.len(),
        tour.len(),
        failures.join("\n\n")
    );
}

/// The tour's server start, `ADMIN_PASSWORD='…' cargo run --release -- ARGS…`, and what it
/// says the server prints.
struct DemoStart {
    step: Step,
    password: String,
    args: Vec<String>,
}

impl DemoStart {
    fn from_readme() -> Self {
        let mut steps = steps(&fenced_block("tour-server"));
        let (Some(step), None) = (steps.pop(), steps.pop()) else {
            panic!("the tour-server block must hold one command, the server's start");
        };
        let (setting, cargo) = step
            .command
            .trim()
            .split_once(' ')
            .unwrap_or_else(|| panic!("not a server start: {}", step.command));
        let password = setting
            .strip_prefix("ADMIN_PASSWORD=")
            .unwrap_or_else(|| panic!("the tour's server start must set ADMIN_PASSWORD"))
            .to_owned();
        let args = cargo
            .trim()
            .strip_prefix("cargo run --release -- ")
            .unwrap_or_else(|| panic!("the tour's server must start with `cargo run --release --`"))
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        Self {
            step,
            password,
            args,
        }
    }

    /// Starts the server as the README does, with the test's password, and checks what it
    /// printed.
    fn serve(&self, work: &Workdir) -> Server {
        let tmp = work.path().to_string_lossy().into_owned();
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        let settings = [("TMPDIR", tmp.as_str()), ("ADMIN_PASSWORD", TOUR_PASSWORD)];
        let server = work.serve_with(&args, &settings);
        let expected = with_address(&self.step.expected, &server);
        let output = |printed: &str| Output {
            command: self.step.command.clone(),
            printed: printed.to_owned(),
        };
        let printed = printed(&server, |printed| {
            output(printed).check(&expected).is_none()
        });
        if let Some(failure) = output(&printed).check(&expected) {
            panic!("the README's tour starts the server with\n{failure}");
        }
        server
    }
}

/// Runs the tour with bash against `server`: the output of each command, or a panic that
/// shows the command where it stopped.
fn run_tour(work: &Workdir, tour: &[Step], server: &Server) -> Vec<Output> {
    let script_path = work.path().join("tour.sh");
    std::fs::write(&script_path, tour_script(tour, server)).expect("the tour script is written");
    let path = std::env::var("PATH").unwrap_or_default();
    let finished = work.run_program(
        "bash",
        &["-euo", "pipefail", &script_path.to_string_lossy()],
        &[("PATH", path.as_str())],
        "",
    );
    let outputs = split_outputs(tour, &finished.stdout);
    if !finished.status.success() || outputs.len() != tour.len() {
        let ran = outputs.last().map_or_else(
            || "  (before its first command)".to_owned(),
            Output::to_string,
        );
        let log = server.stderr();
        let recent: Vec<&str> = log.lines().rev().take(20).collect();
        let recent: Vec<&str> = recent.into_iter().rev().collect();
        panic!(
            "the README's tour stopped ({}; it needs bash, curl and jq) at\n{ran}\n\
             the server's last log lines:\n{}",
            finished.status,
            recent.join("\n")
        );
    }
    outputs
}

/// A command of a shell block and the lines it says the command prints.
#[derive(Debug)]
struct Step {
    command: String,
    expected: Vec<String>,
}

/// The commands of a shell block: a command runs up to a blank line, a comment or the
/// expected lines (`# => `) that must follow it directly.
fn steps(block: &[String]) -> Vec<Step> {
    #[derive(PartialEq)]
    enum Previous {
        Command,
        Expected,
        Other,
    }
    let mut steps: Vec<Step> = Vec::new();
    let mut previous = Previous::Other;
    for line in block {
        let trimmed = line.trim();
        if let Some(expected) = trimmed.strip_prefix("# =>") {
            let step = steps
                .last_mut()
                .filter(|_| previous != Previous::Other)
                .unwrap_or_else(|| panic!("`{line}` does not directly follow a command"));
            step.expected.push(expected.trim().to_owned());
            previous = Previous::Expected;
        } else if trimmed.is_empty() || trimmed.starts_with('#') {
            previous = Previous::Other;
        } else {
            match steps.last_mut() {
                Some(step) if previous == Previous::Command => {
                    step.command.push('\n');
                    step.command.push_str(line);
                }
                _ => steps.push(Step {
                    command: line.clone(),
                    expected: Vec::new(),
                }),
            }
            previous = Previous::Command;
        }
    }
    steps
}

/// The lines of the fenced block between `<!-- NAME:begin -->` and `<!-- NAME:end -->`.
pub fn fenced_block(name: &str) -> Vec<String> {
    let begin = format!("<!-- {name}:begin -->");
    let end = format!("<!-- {name}:end -->");
    let marked = README
        .split_once(&begin)
        .and_then(|(_, rest)| rest.split_once(&end))
        .map(|(marked, _)| marked)
        .unwrap_or_else(|| panic!("README.md has no block marked {begin} ... {end}"));
    let lines: Vec<&str> = marked.trim().lines().collect();
    match lines.as_slice() {
        [open, body @ .., close] if open.starts_with("```") && close.trim() == "```" => {
            body.iter().map(|line| (*line).to_owned()).collect()
        }
        _ => panic!("the block marked {begin} must be exactly one ``` fence"),
    }
}

/// The lines with the README's address replaced by the server's.
fn with_address(lines: &[String], server: &Server) -> Vec<String> {
    let address = format!("127.0.0.1:{}", server.port);
    lines
        .iter()
        .map(|line| line.replace(README_ADDRESS, &address))
        .collect()
}

/// What the server printed on stdout, once it is `done` or after a few seconds (it may
/// answer `/health` a moment before it says that it listens).
fn printed(server: &Server, done: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let printed = server.stdout();
        if done(&printed) || Instant::now() > deadline {
            return printed;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Lines the script prints before each command, to tell the commands' output apart.
const STEP_MARK: &str = "::readme-tour-step";

/// The tour as one bash script, its `BASE` and `PASSWORD` set for the test's server. Each
/// command is announced on stdout, its errors go to stdout too, and each variable it sets
/// must be set to something other than nothing or `null` (what `jq` gives for a missing
/// field).
fn tour_script(tour: &[Step], server: &Server) -> String {
    let mut script = String::from("exec 2>&1\n");
    let (mut base, mut password) = (0, 0);
    for (number, step) in tour.iter().enumerate() {
        let _ = writeln!(script, "printf '\\n%s\\n' '{STEP_MARK} {number}'");
        for line in step.command.lines() {
            let trimmed = line.trim_start();
            if trimmed.starts_with("BASE=") {
                base += 1;
                let _ = writeln!(script, "BASE=http://127.0.0.1:{}/api/v1", server.port);
            } else if trimmed.starts_with("PASSWORD=") {
                password += 1;
                let _ = writeln!(script, "PASSWORD='{TOUR_PASSWORD}'");
            } else {
                let _ = writeln!(script, "{line}");
            }
        }
        for variable in step.command.lines().filter_map(assigned_variable) {
            let _ = writeln!(
                script,
                "[[ -n \"${variable}\" && \"${variable}\" != null ]] || \
                 {{ echo \"\\${variable} is '${variable}'\"; exit 1; }}"
            );
        }
    }
    assert_eq!(
        (base, password),
        (1, 1),
        "the tour must set BASE and PASSWORD once each, on lines of their own"
    );
    script
}

/// `NAME` of a line `NAME=…` that sets a shell variable.
fn assigned_variable(line: &str) -> Option<&str> {
    let (name, _) = line.split_once('=')?;
    let mut chars = name.chars();
    let first = chars.next()?;
    (first.is_ascii_uppercase()
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
    .then_some(name)
}

/// What one command printed.
struct Output {
    command: String,
    printed: String,
}

impl Output {
    /// What is wrong with the output, if anything: an expected line it lacks, or output where
    /// the README shows none.
    fn check(&self, expected: &[String]) -> Option<String> {
        let lines: Vec<&str> = self.printed.lines().map(str::trim).collect();
        let missing: Vec<&String> = expected
            .iter()
            .filter(|pattern| !lines.iter().any(|line| matches(pattern, line)))
            .collect();
        let silent = expected.is_empty() && lines.iter().any(|line| !line.is_empty());
        if missing.is_empty() && !silent {
            return None;
        }
        let mut failure = self.to_string();
        if silent {
            failure.push_str("\nprints something, but the README shows nothing of it");
        }
        for pattern in missing {
            let _ = write!(failure, "\nexpected a line like\n  {pattern}");
        }
        Some(failure)
    }
}

impl std::fmt::Display for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}\nwhich printed\n{}",
            indent(&format!("$ {}", self.command)),
            indent(self.printed.trim())
        )
    }
}

/// The output of each command of the tour, up to the last one that started.
fn split_outputs(tour: &[Step], stdout: &str) -> Vec<Output> {
    let mut outputs: Vec<Output> = Vec::new();
    for line in stdout.lines() {
        if let Some(number) = line.strip_prefix(STEP_MARK) {
            let number: usize = number.trim().parse().expect("a step number");
            let step = tour.get(number).expect("a step of the tour");
            outputs.push(Output {
                command: step.command.clone(),
                printed: String::new(),
            });
        } else if let Some(output) = outputs.last_mut() {
            output.printed.push_str(line);
            output.printed.push('\n');
        }
    }
    outputs
}

/// Whether `line` is `pattern`, each `...` in the pattern standing for any text.
fn matches(pattern: &str, line: &str) -> bool {
    let (pattern, line) = (pattern.trim(), line.trim());
    let mut parts = pattern.split("...");
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = line.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.split_once(part) {
            Some((_, after)) => rest = after,
            None => return false,
        }
    }
    rest.ends_with(last)
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("  {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn three_dots_match_any_text_within_a_line() {
    assert!(matches(
        "{\"id\":...,\"slug\":\"a\"}",
        "{\"id\":10,\"slug\":\"a\"}"
    ));
    assert!(matches("a...b...c", "a-b-b-c"));
    assert!(matches("...", ""));
    assert!(matches("  x  ", "x"));
    assert!(!matches("a...b", "a-c"));
    assert!(!matches("ab...ba", "aba"));
    assert!(!matches("201", "HTTP/1.1 201 Created"));
}
