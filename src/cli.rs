//! The command line: `serve` (the default), `migrate`, `create-user`, `seed`, `export`,
//! `import`, `openapi`, and what each of them does.

use actix_web::HttpServer;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{BufRead, IsTerminal};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::app::{self, Services};
use crate::auth::Role;
use crate::config::Config;
use crate::db::Db;
use crate::stream::state::StreamState;
use crate::users::model::{NewUser, NewUserBody};
use crate::{openapi, seed, transfer};

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
    /// Write the whole site at DATABASE_URL (users, categories, articles, comments, view
    /// counts, refresh tokens, webhooks) to FILE as JSON Lines, to `import` it into another
    /// database or keep it as a backup. The file holds password hashes, refresh-token
    /// hashes and webhook secrets: it is created readable and writable by its owner only
    /// (mode 0600), and never over an existing file. `-` writes to standard output (then
    /// mind where it goes).
    Export {
        /// The file to create, or `-` for standard output.
        file: PathBuf,
    },
    /// Load a file written by `export` into DATABASE_URL (migrated first, as `migrate`
    /// does), keeping every id. DATABASE_URL must hold no users, categories or articles
    /// yet: a site is never merged into another. All of it is loaded in one transaction,
    /// or nothing is.
    Import {
        /// The export to read, or `-` for standard input.
        file: PathBuf,
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
        print!(
            "{}",
            openapi::to_json(&app::spec()).map_err(|e| e.to_string())?
        );
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
            let accounts = seed::demo(&db, &config.media, admin_email, password, articles)
                .map_err(|e| e.to_string())?;
            print_accounts(&accounts);
            Ok(())
        }
        Command::Export { file } => export(&config, &file),
        Command::Import { file } => import(&config, &file),
        Command::Openapi => Ok(()),
    }
}

/// `-` for standard input or output instead of a file.
fn is_standard_stream(file: &Path) -> bool {
    file.as_os_str() == "-"
}

fn export(config: &Config, file: &Path) -> Result<(), String> {
    let db = open(config)?;
    if is_standard_stream(file) {
        let counts = transfer::export(&db, &mut std::io::BufWriter::new(std::io::stdout().lock()))
            .map_err(|e| e.to_string())?;
        // Standard output is the export: the summary goes beside it.
        eprintln!("exported {counts}");
        return Ok(());
    }
    let created = create_private(file)
        .map_err(|error| format!("cannot create {}: {error}", file.display()))?;
    let exported = transfer::export(&db, &mut std::io::BufWriter::new(created));
    match exported {
        Ok(counts) => {
            println!("exported {counts} to {}", file.display());
            Ok(())
        }
        Err(error) => {
            // Half a file is no export; it could only mislead.
            let _ = std::fs::remove_file(file);
            Err(error.to_string())
        }
    }
}

/// A new file only its owner may read or write: it will hold password hashes. Never an
/// existing one, whose mode could be wider (and whose content someone may want).
fn create_private(file: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(file)
}

fn import(config: &Config, file: &Path) -> Result<(), String> {
    let db = open(config)?;
    let mut input: Box<dyn BufRead> = if is_standard_stream(file) {
        Box::new(std::io::stdin().lock())
    } else {
        let opened = std::fs::File::open(file)
            .map_err(|error| format!("cannot open {}: {error}", file.display()))?;
        Box::new(std::io::BufReader::new(opened))
    };
    let counts = transfer::import(&db, &mut input).map_err(|error| {
        format!(
            "nothing was imported into DATABASE_URL ({}): {error}",
            config.database_url
        )
    })?;
    println!("imported {counts}");
    Ok(())
}

fn open(config: &Config) -> Result<Db, String> {
    Db::open(&config.database_url, config.db_pool_size)
}

/// Where `examples/news-site` puts its build (`npm run build`), in this source tree.
const DEMO_SITE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/news-site/dist");

/// `demo` is the number of articles of a demo instance, `None` for a real one.
fn serve(mut config: Config, demo: Option<usize>) -> Result<(), String> {
    // Declared first so that it is dropped last, once every connection to the file closed.
    let demo_database = demo.is_some().then(DemoDatabase::new);
    if let Some(database) = &demo_database {
        config.database_url = database.path.to_string_lossy().into_owned();
        config.jwt_secret = Some(seed::generate_password() + &seed::generate_password());
        // The demo's pictures go beside its database and with it, unless a bucket is set.
        config.media.dir = database.media_dir();
        // A newcomer's first command shows the reference news site, once it is built.
        if config.site_dir.is_none() {
            config.site_dir = Some(PathBuf::from(DEMO_SITE_DIR));
        }
    }
    let secret = config
        .require_jwt_secret()
        .map_err(|e| e.to_string())?
        .to_owned();
    // The port is taken before the database is touched: when it is not free, the start
    // fails at once, before a demo database is filled for nothing.
    let address = config.bind_address;
    let listener = listen(address).map_err(|error| cannot_listen(address, &error))?;
    if demo.is_some() && config.site.url.is_none() {
        // The demo's links (feeds, sitemaps, share metadata) lead to this server.
        let bound = listener.local_addr().unwrap_or(address);
        config.site.url = Some(format!("http://{bound}"));
    }
    if config.site.url.is_none() {
        tracing::warn!(
            "SITE_URL is not set: feeds and sitemaps answer 404 and articles carry no \
             canonical address; set it to the site's public address"
        );
    }
    let db = open(&config)?;
    if let Some(articles) = demo {
        let admin_email = config
            .admin_email
            .clone()
            .unwrap_or_else(|| "admin@example.com".to_owned());
        let password = config.admin_password.as_deref();
        let accounts = seed::demo(&db, &config.media, &admin_email, password, articles)
            .map_err(|e| e.to_string())?;
        println!(
            "Demo database: {} (a new one on every run, removed when the server stops)",
            config.database_url
        );
        print_accounts(&accounts);
    } else {
        ensure_first_admin(&db, &config)?;
    }
    let site_dir = config.site_dir.clone();
    let services = Services::new(db, &secret, config)?;
    let server_services = services.clone();
    actix_web::rt::System::new().block_on(async move {
        let server = HttpServer::new({
            let services = server_services.clone();
            move || app::build(services.clone())
        })
        // The request line and headers must arrive within 5 seconds (actix's default, kept
        // here in sight); the body then has REQUEST_BODY_TIMEOUT (http/json.rs).
        .client_request_timeout(Duration::from_secs(5))
        // A client that closes its side is gone (browsers never half-close): its connection
        // ends at once, and with it a live stream, which gives its slot back then rather
        // than at the next heartbeat that fails to write.
        .h1_allow_half_closed(false)
        .listen(listener)
        .map_err(|error| cannot_listen(address, &error))?;
        // The bound address, which differs from the configured one for port 0.
        let listening = server.addrs().first().copied().unwrap_or(address);
        // Printed only now that it is true: scripts and people wait for this line.
        println!("Listening on http://{listening} (docs at http://{listening}/docs/)");
        if site_dir.is_some() {
            // When it is not built, `/` says how to build it (and the log warns).
            println!("News site at http://{listening}/");
        }
        server_services.spawn_background();
        // actix stops gracefully on SIGTERM and SIGINT: it finishes the requests in
        // flight, then `run` returns. Live streams never finish: they are ended.
        StreamState::close_on_stop(server_services.stream.clone());
        server
            .run()
            .await
            .map_err(|error| format!("server failed: {error}"))
    })?;
    let flushed = services
        .views
        .buffer
        .flush(&services.app.db)
        .map_err(|e| e.to_string())?;
    tracing::info!(views = flushed, "stopped; buffered views written");
    Ok(())
}

/// A listening socket made as actix's own `bind` makes it (address reuse, a backlog of
/// 1024 rather than std's 128), so that it can be taken before the server is built.
fn listen(address: SocketAddr) -> std::io::Result<TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(
        Domain::for_address(address),
        Type::STREAM,
        Some(Protocol::TCP),
    )?;
    socket.set_reuse_address(true)?;
    socket.bind(&address.into())?;
    socket.listen(1024)?;
    Ok(socket.into())
}

fn cannot_listen(address: SocketAddr, error: &std::io::Error) -> String {
    format!("cannot listen on {address} (BIND_ADDRESS): {error}")
}

/// The SQLite file of a `serve --demo` run, removed with its `-wal` and `-shm` files when
/// the run ends, however it ends short of being killed.
struct DemoDatabase {
    path: PathBuf,
}

impl DemoDatabase {
    /// A new name in the temp folder. The process id alone can repeat (a container's
    /// server is often process 1), and the seed would then reuse an old run's file.
    fn new() -> Self {
        let name = format!(
            "newsroom-demo-{}-{:08x}.db",
            std::process::id(),
            rand::random::<u32>()
        );
        Self {
            path: std::env::temp_dir().join(name),
        }
    }
}

impl DemoDatabase {
    /// The folder of the run's media files.
    fn media_dir(&self) -> PathBuf {
        self.path.with_extension("media")
    }
}

impl Drop for DemoDatabase {
    fn drop(&mut self) {
        let media = self.media_dir();
        if let Err(error) = std::fs::remove_dir_all(&media)
            && error.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(%error, folder = %media.display(), "could not remove the demo media");
        }
        for suffix in ["", "-wal", "-shm"] {
            let mut file = self.path.clone().into_os_string();
            file.push(suffix);
            match std::fs::remove_file(&file) {
                Ok(()) => {}
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(error) => tracing::warn!(
                    %error,
                    file = %Path::new(&file).display(),
                    "could not remove the demo database"
                ),
            }
        }
    }
}

/// `ADMIN_EMAIL` + `ADMIN_PASSWORD` create the first admin when there is none.
fn ensure_first_admin(db: &Db, config: &Config) -> Result<(), String> {
    let (email, password) = (&config.admin_email, &config.admin_password);
    if email.is_none() && password.is_none() {
        return Ok(());
    }
    let admins = db
        .read_blocking(|conn| Ok(crate::users::queries::count_admins(conn)?))
        .map_err(|e| e.to_string())?;
    if admins > 0 {
        // Both may stay set, or the password be removed, once the admin exists.
        return Ok(());
    }
    let (Some(email), Some(password)) = (email, password) else {
        return Err(
            "ADMIN_EMAIL and ADMIN_PASSWORD create the first admin together: \
             set both, or neither"
                .to_owned(),
        );
    };
    create(
        db,
        email.clone(),
        password.clone(),
        Role::Admin,
        "Administrator".to_owned(),
    )
    .map_err(|error| {
        format!("cannot create the first admin from ADMIN_EMAIL and ADMIN_PASSWORD: {error}")
    })?;
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
