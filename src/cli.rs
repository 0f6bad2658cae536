//! The command line: `serve` (the default), `migrate`, `create-user`, `seed`, `openapi`,
//! and what each of them does.

use actix_web::{HttpServer, web};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{BufRead, IsTerminal};
use std::time::Duration;

use crate::app::{self, AppState};
use crate::config::Config;
use crate::db::Db;
use crate::users::model::{NewUser, NewUserBody, Role};
use crate::{openapi, seed, views};

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

/// Runs one command to completion.
pub fn run(command: Command) -> Result<(), String> {
    if let Command::Openapi = command {
        print!("{}", openapi::to_json().map_err(|e| e.to_string())?);
        return Ok(());
    }
    let config = Config::from_env().map_err(|e| e.to_string())?;
    match command {
        Command::Serve { demo, articles } => serve(config, demo.then_some(articles)),
        Command::Migrate => {
            open(&config).map(|_| println!("migrations applied to {}", config.database_url))
        }
        Command::CreateUser {
            email,
            role,
            display_name,
        } => create_user(&config, email, role.into(), display_name),
        Command::Seed { articles, .. } => {
            let db = open(&config)?;
            let admin_email = config.admin_email.as_deref().unwrap_or("admin@example.com");
            let password = config.admin_password.as_deref();
            let accounts =
                seed::demo(&db, admin_email, password, articles).map_err(|e| e.to_string())?;
            print_accounts(&accounts);
            Ok(())
        }
        Command::Openapi => Ok(()),
    }
}

fn open(config: &Config) -> Result<Db, String> {
    Db::open(&config.database_url, config.db_pool_size)
}

/// `demo` is the number of articles of a demo instance, `None` for a real one.
fn serve(mut config: Config, demo: Option<usize>) -> Result<(), String> {
    if demo.is_some() {
        let path = std::env::temp_dir().join(format!("newsroom-demo-{}.db", std::process::id()));
        config.database_url = path.to_string_lossy().into_owned();
        config.jwt_secret = Some(seed::generate_password() + &seed::generate_password());
    }
    let secret = config
        .require_jwt_secret()
        .map_err(|e| e.to_string())?
        .to_owned();
    let db = open(&config)?;
    if let Some(articles) = demo {
        let admin_email = config
            .admin_email
            .clone()
            .unwrap_or_else(|| "admin@example.com".to_owned());
        let password = config.admin_password.as_deref();
        let accounts =
            seed::demo(&db, &admin_email, password, articles).map_err(|e| e.to_string())?;
        println!(
            "Demo database: {} (a new one on every run)",
            config.database_url
        );
        print_accounts(&accounts);
    } else {
        ensure_first_admin(&db, &config)?;
    }
    let address = config.bind_address.clone();
    let flush_every = Duration::from_millis(config.view_flush_interval_ms);
    let state = web::Data::new(AppState::new(db, &secret, config));
    println!("Listening on http://{address} (docs at http://{address}/docs/)");
    let server_state = state.clone();
    actix_web::rt::System::new()
        .block_on(async move {
            views::buffer::spawn_flusher(server_state.clone(), flush_every);
            // actix stops gracefully on SIGTERM and SIGINT: it finishes the requests in
            // flight, then `run` returns.
            HttpServer::new(move || app::build(server_state.clone()))
                .bind(&address)?
                .run()
                .await
        })
        .map_err(|error| format!("server failed: {error}"))?;
    let flushed = state.views.flush(&state.db).map_err(|e| e.to_string())?;
    tracing::info!(views = flushed, "stopped; buffered views written");
    Ok(())
}

/// `ADMIN_EMAIL` + `ADMIN_PASSWORD` create the first admin when there is none.
fn ensure_first_admin(db: &Db, config: &Config) -> Result<(), String> {
    let (Some(email), Some(password)) = (&config.admin_email, &config.admin_password) else {
        return Ok(());
    };
    let admins = db
        .read_blocking(|conn| Ok(crate::users::queries::count_admins(conn)?))
        .map_err(|e| e.to_string())?;
    if admins > 0 {
        return Ok(());
    }
    create(
        db,
        email.clone(),
        password.clone(),
        Role::Admin,
        "Administrator".to_owned(),
    )?;
    tracing::info!(%email, "created the first admin from ADMIN_EMAIL");
    Ok(())
}

fn create_user(
    config: &Config,
    email: String,
    role: Role,
    display_name: String,
) -> Result<(), String> {
    let password = read_password()?;
    let db = open(config)?;
    create(&db, email.clone(), password, role, display_name)?;
    println!("created {} {email}", role.as_str());
    Ok(())
}

fn create(
    db: &Db,
    email: String,
    password: String,
    role: Role,
    display_name: String,
) -> Result<(), String> {
    let body = NewUserBody {
        email,
        password,
        display_name,
        role,
        slug: None,
        bio: None,
        avatar_url: None,
    };
    let mut user = NewUser::try_from(body).map_err(describe)?;
    let password = std::mem::take(&mut user.password);
    let hash = crate::auth::password::hash(&password).map_err(describe)?;
    db.write_blocking(|conn| crate::users::queries::insert(conn, user, hash))
        .map(|_| ())
        .map_err(describe)
}

fn describe(error: crate::error::ApiError) -> String {
    let problem = error.problem();
    match problem.errors {
        Some(errors) => errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; "),
        None => problem.detail,
    }
}

fn read_password() -> Result<String, String> {
    if std::io::stdin().is_terminal() {
        let password = rpassword::prompt_password("Password: ").map_err(|e| e.to_string())?;
        let again = rpassword::prompt_password("Password again: ").map_err(|e| e.to_string())?;
        if password != again {
            return Err("the passwords differ".to_owned());
        }
        return Ok(password);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn print_accounts(accounts: &[seed::DemoAccount]) {
    println!("Demo accounts (passwords are shown once):");
    for account in accounts {
        let note = match &account.outcome {
            seed::Ensured::Created {
                generated_password: Some(password),
            } => format!("password: {password}"),
            seed::Ensured::Created {
                generated_password: None,
            } => "(password from ADMIN_PASSWORD)".to_owned(),
            seed::Ensured::Existed => "(already existed; password unchanged)".to_owned(),
        };
        println!("  {:<7} {}  {note}", account.role.as_str(), account.email);
    }
}
