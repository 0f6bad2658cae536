//! The command line: `serve` (the default), `migrate`, `create-user`, `seed`, `openapi`.

use clap::{Parser, Subcommand, ValueEnum};

use crate::users::model::Role;

#[derive(Debug, Parser)]
#[command(
    name = "newsroom",
    version,
    about = "A headless content API for news sites"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (the default command).
    Serve {
        /// Start on a fresh temporary database with demo content, a random JWT secret and
        /// generated passwords, printed once.
        #[arg(long)]
        demo: bool,
        /// Synthetic articles to load with `--demo`.
        #[arg(long, default_value_t = 500, requires = "demo")]
        articles: usize,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create a user. The password is read from standard input (or prompted for), never
    /// taken from the command line.
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        #[arg(long)]
        display_name: String,
    },
    /// Load content into the configured database.
    Seed {
        /// The demo content: the site's categories and one user of each role.
        #[arg(long, required = true)]
        demo: bool,
        /// Synthetic articles to add (any number; 100,000 load in well under a minute).
        #[arg(long, default_value_t = 500)]
        articles: usize,
    },
    /// Print the OpenAPI document as JSON.
    Openapi,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Admin,
    Editor,
    Author,
}

impl From<RoleArg> for Role {
    fn from(role: RoleArg) -> Self {
        match role {
            RoleArg::Admin => Role::Admin,
            RoleArg::Editor => Role::Editor,
            RoleArg::Author => Role::Author,
        }
    }
}
