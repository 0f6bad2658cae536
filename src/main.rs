//! The `newsroom` binary: parses the command line and runs the command.

#![forbid(unsafe_code)]

use clap::Parser;
use std::process::ExitCode;

use newsroom::cli::{self, Cli, Command};
use newsroom::config;

fn main() -> ExitCode {
    let args = Cli::parse();
    let command = args.command.unwrap_or(Command::Serve {
        demo: false,
        articles: 0,
    });
    // `.env` first, so that it can set the log filter and format too.
    let started = config::load_dotenv()
        .map_err(|error| error.to_string())
        .and_then(|()| init_logging())
        .and_then(|()| cli::run(command));
    match started {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Logs to stderr, filtered by `RUST_LOG` (`info` when unset), as JSON lines when
/// `LOG_FORMAT` is `json`.
fn init_logging() -> Result<(), String> {
    use tracing_subscriber::EnvFilter;
    let filter = match std::env::var("RUST_LOG") {
        Ok(directives) if !directives.trim().is_empty() => EnvFilter::try_new(&directives)
            .map_err(|error| {
                format!(
                    "RUST_LOG must be a log filter such as info or newsroom=debug,info, \
                     not `{directives}`: {error}"
                )
            })?,
        _ => EnvFilter::new("info"),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("LOG_FORMAT").is_ok_and(|format| format == "json") {
        builder.json().init();
    } else {
        builder.init();
    }
    Ok(())
}
