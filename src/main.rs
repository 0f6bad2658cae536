//! The `newsroom` binary: parses the command line and runs the command.

use clap::Parser;
use std::process::ExitCode;

use newsroom::cli::{self, Cli, Command};

fn main() -> ExitCode {
    let args = Cli::parse();
    init_logging();
    match cli::run(args.command.unwrap_or(Command::Serve {
        demo: false,
        articles: 0,
    })) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("LOG_FORMAT").is_ok_and(|format| format == "json") {
        builder.json().init();
    } else {
        builder.init();
    }
}
