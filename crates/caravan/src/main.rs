//! `caravan`: multimodal freight routes across Central and South Asia, from the command line.

mod cost;
mod gravity;
mod output;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use caravan_net::{Layer, Network};
use caravan_route::{BcpChange, Criterion, Location, RouteRequest, Router, Scenario};
use clap::{Args, Parser, Subcommand, ValueEnum};

/// Exit codes: 0 success, 1 internal or data error, 2 bad input, 3 no route.
pub(crate) const EXIT_BAD_INPUT: u8 = 2;
const EXIT_NO_ROUTE: u8 = 3;

#[derive(Parser)]
#[command(
    name = "caravan",
    version,
    about = "Multimodal freight routing across Central and South Asia"
)]
struct Cli {
    /// Data directory (default: $CARAVAN_DATA, ./data, or the repository's data/).
    #[arg(long, global = true, value_name = "DIR")]
    data: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Plan a freight route with border crossings, transfers, time, cost and CO2e.
    Route(Box<RouteArgs>),
    /// Find places by name, alternative name or UN/LOCODE.
    Places {
        #[command(subcommand)]
        command: PlacesCommand,
    },
    /// Border crossing points: list or show one.
    Bcp {
        #[command(subcommand)]
        command: BcpCommand,
    },
    /// Landed cost of a shipment: goods, freight, duty, VAT, fees, de minimis, with sources.
    Cost(Box<cost::CostArgs>),
    /// Harmonized System codes.
    Hs {
        #[command(subcommand)]
        command: cost::HsCommand,
    },
    /// Structural gravity: PPML-HDFE estimates and GE trade counterfactuals.
    Gravity {
        #[command(subcommand)]
        command: gravity::GravityCommand,
    },
    /// Start the HTTP API and the web map.
    Serve(ServeArgs),
    /// Load and validate the data directory, and print what it holds.
    Data {
        #[command(subcommand)]
        command: DataCommand,
    },
}

#[derive(Subcommand)]
enum PlacesCommand {
    Search {
        query: String,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Subcommand)]
enum BcpCommand {
    List {
        /// Only crossings on this country's border (ISO alpha-2).
        #[arg(long)]
        country: Option<String>,
        /// Only road or rail crossings.
        #[arg(long)]
        mode: Option<String>,
        /// Include unlisted crossings found in the graph.
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    Show {
        id: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Subcommand)]
enum DataCommand {
    Check,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Geojson,
}

#[derive(Args)]
struct RouteArgs {
    /// Origin: a place name, UN/LOCODE, or "lat,lon".
    #[arg(long)]
    from: String,
    /// Destination: a place name, UN/LOCODE, or "lat,lon".
    #[arg(long)]
    to: String,
    /// Allowed modes, comma-separated: road, rail, sea (default: all).
    #[arg(long, value_delimiter = ',')]
    modes: Vec<String>,
    /// fastest, cheapest, greenest or generalized.
    #[arg(long, default_value = "generalized")]
    optimize: String,
    #[arg(long, default_value_t = 20.0)]
    cargo_tonnes: f64,
    #[arg(long, default_value_t = 50_000.0)]
    cargo_value_usd: f64,
    /// Number of alternatives besides the best route.
    #[arg(long, default_value_t = 0)]
    alternatives: usize,
    /// Countries to avoid (ISO alpha-2), repeatable or comma-separated.
    #[arg(long, value_delimiter = ',')]
    avoid_country: Vec<String>,
    /// BCPs not to use (`id` or `id:mode`), repeatable or comma-separated.
    #[arg(long, value_delimiter = ',')]
    avoid_bcp: Vec<String>,
    /// Scenario: close these BCPs.
    #[arg(long, value_delimiter = ',')]
    close_bcp: Vec<String>,
    /// Scenario: open these BCPs even if closed in the data.
    #[arg(long, value_delimiter = ',')]
    open_bcp: Vec<String>,
    /// Scenario: set a BCP's clearance hours, `id=hours` (e.g. torkham=6).
    #[arg(long, value_name = "ID=HOURS")]
    bcp_wait: Vec<String>,
    /// Scenario: set a BCP's fee per vehicle, `id=usd`.
    #[arg(long, value_name = "ID=USD")]
    bcp_fee: Vec<String>,
    /// Scenario file (TOML or JSON) with close_bcps, open_bcps, bcp_changes.
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Value of time as a share of goods value per day (default from the data).
    #[arg(long)]
    vot_day_share: Option<f64>,
    /// Carbon price, USD per tonne CO2e (default from the data).
    #[arg(long)]
    carbon_price: Option<f64>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (printed on start).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: String,
    /// SQLite file for saved scenarios (default: $CARAVAN_DB, else
    /// $XDG_DATA_HOME/caravan/scenarios.sqlite or ~/.local/share/caravan/scenarios.sqlite).
    #[arg(long, value_name = "FILE")]
    db: Option<PathBuf>,
    /// Allow this origin to call the API from a browser (repeatable; `*` for any).
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    cors_origins: Vec<String>,
    /// Longest a route request may compute, in milliseconds.
    #[arg(long, default_value_t = 10_000)]
    route_timeout_ms: u64,
    /// Route searches computed at once (default: twice the CPU cores); others queue.
    #[arg(long)]
    route_workers: Option<usize>,
    /// Largest accepted request body, in KiB.
    #[arg(long, default_value_t = 64)]
    max_body_kib: usize,
}

fn default_db() -> PathBuf {
    if let Some(p) = std::env::var_os("CARAVAN_DB") {
        return PathBuf::from(p);
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("caravan").join("scenarios.sqlite")
}

fn serve(dir: &Path, a: ServeArgs) -> Result<(), Failure> {
    let addr: std::net::SocketAddr = a.addr.parse().map_err(|_| {
        bad_input(format!(
            "`{}` is not HOST:PORT (e.g. 127.0.0.1:8080)",
            a.addr
        ))
    })?;
    let db = a.db.unwrap_or_else(default_db);
    let store = caravan_server::ScenarioStore::open(&db)
        .with_context(|| format!("opening the scenario database {}", db.display()))?;
    let router = Router::new(load(dir)?);
    let config = caravan_server::ServerConfig {
        route_timeout: std::time::Duration::from_millis(a.route_timeout_ms.max(1)),
        max_body_bytes: a.max_body_kib.max(1) * 1024,
        cors_origins: a.cors_origins,
        ..caravan_server::ServerConfig::default()
    };
    let config = caravan_server::ServerConfig {
        route_workers: a.route_workers.unwrap_or(config.route_workers),
        ..config
    };
    let engine = cost::load_engine(dir, None, "")?;
    let app = caravan_server::app(
        std::sync::Arc::new(router),
        std::sync::Arc::new(store),
        std::sync::Arc::new(engine),
        config,
    )
    .map_err(bad_input)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("binding {addr}"))?;
        let local = listener.local_addr().context("reading the bound address")?;
        // Scripts and tests read this line to learn the port.
        println!("caravan listening on http://{local}");
        use std::io::Write;
        let _ = std::io::stdout().flush();
        tracing::info!(%local, db = %db.display(), "serving");
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown_signal())
            .await
            .context("serving")?;
        Ok::<(), anyhow::Error>(())
    })?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}

fn data_dir(explicit: Option<PathBuf>) -> PathBuf {
    if let Some(d) = explicit.or_else(|| std::env::var_os("CARAVAN_DATA").map(PathBuf::from)) {
        return d;
    }
    let local = Path::new("data");
    if local.join("network").is_dir() {
        return local.to_path_buf();
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data")
}

pub(crate) fn load(dir: &Path) -> anyhow::Result<Network> {
    let t = Instant::now();
    let net = Network::load_dir(dir)
        .with_context(|| format!("loading the network from {}", dir.display()))?;
    tracing::info!(
        elapsed_ms = t.elapsed().as_millis() as u64,
        nodes = net.nodes.len(),
        "network loaded"
    );
    Ok(net)
}

/// A failure with the exit code it maps to.
pub(crate) struct Failure {
    pub code: u8,
    pub error: anyhow::Error,
    pub json: Option<serde_json::Value>,
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Self {
        Failure {
            code: 1,
            error,
            json: None,
        }
    }
}

pub(crate) fn bad_input(msg: String) -> Failure {
    Failure {
        code: EXIT_BAD_INPUT,
        error: anyhow::anyhow!(msg),
        json: None,
    }
}

/// Lets `caravan ... | head` end quietly, as other Unix tools do, instead of panicking when
/// the reader closes the pipe.
#[cfg(unix)]
fn restore_default_sigpipe() {
    // SAFETY: called once at start, before any thread exists; SIG_DFL is a valid disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    #[cfg(unix)]
    restore_default_sigpipe();
    let cli = Cli::parse();
    // The server reports what it does; one-shot commands stay quiet unless asked.
    let default_filter = if matches!(cli.command, Command::Serve(_)) {
        "info"
    } else {
        "warn"
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CARAVAN_LOG")
                .unwrap_or_else(|_| default_filter.into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if let Some(j) = f.json {
                println!("{}", serde_json::to_string_pretty(&j).unwrap_or_default());
            }
            eprintln!("error: {:#}", f.error);
            ExitCode::from(f.code)
        }
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    let dir = data_dir(cli.data);
    match cli.command {
        Command::Route(args) => route(&dir, *args),
        Command::Serve(args) => serve(&dir, args),
        Command::Cost(args) => cost::cost(&dir, *args),
        Command::Gravity { command } => gravity::run(command),
        Command::Hs { command } => cost::hs(&dir, command),
        Command::Places {
            command:
                PlacesCommand::Search {
                    query,
                    limit,
                    format,
                },
        } => {
            let net = load(&dir)?;
            let index = caravan_net::PlaceIndex::new(&net.places);
            let hits = index.search(&query, limit.clamp(1, 100));
            if hits.is_empty() {
                return Err(bad_input(format!("no place matches `{query}`")));
            }
            output::places(&net, &hits, format);
            Ok(())
        }
        Command::Bcp { command } => {
            let net = load(&dir)?;
            match command {
                BcpCommand::List {
                    country,
                    mode,
                    all,
                    format,
                } => {
                    let country = country
                        .map(|c| {
                            caravan_net::Country::parse(&c).ok_or_else(|| {
                                bad_input(format!("`{c}` is not an ISO alpha-2 code"))
                            })
                        })
                        .transpose()?;
                    let mode = mode
                        .map(|m| {
                            Layer::parse(&m)
                                .ok_or_else(|| bad_input(format!("`{m}` is not road or rail")))
                        })
                        .transpose()?;
                    let rows: Vec<_> = net
                        .bcps
                        .iter()
                        .filter(|b| all || b.listed)
                        .filter(|b| country.is_none_or(|c| b.country_a == c || b.country_b == c))
                        .filter(|b| mode.is_none_or(|m| b.mode == m))
                        .collect();
                    output::bcp_list(&rows, format);
                    Ok(())
                }
                BcpCommand::Show { id, format } => {
                    let idx = net.find_bcps(&id);
                    if idx.is_empty() {
                        let hint =
                            format!("did you mean: {}?", net.suggest_bcps(&id, 5).join(", "));
                        return Err(bad_input(format!("unknown border crossing `{id}`; {hint}")));
                    }
                    let rows: Vec<_> = idx.iter().map(|&i| &net.bcps[i as usize]).collect();
                    output::bcp_show(&net, &rows, format);
                    Ok(())
                }
            }
        }
        Command::Data {
            command: DataCommand::Check,
        } => {
            let net = load(&dir)?;
            let router = Router::new(net);
            output::data_summary(&router);
            Ok(())
        }
    }
}

pub(crate) fn parse_assignment(s: &str, what: &str) -> Result<(String, f64), Failure> {
    let (id, v) = s
        .split_once('=')
        .ok_or_else(|| bad_input(format!("`{s}`: expected ID={what}")))?;
    let v: f64 = v
        .trim()
        .parse()
        .map_err(|_| bad_input(format!("`{s}`: {what} must be a number")))?;
    Ok((id.trim().to_owned(), v))
}

fn read_scenario(path: &Path) -> anyhow::Result<Scenario> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading scenario {}", path.display()))?;
    let parsed = if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).map_err(anyhow::Error::from)
    } else {
        toml::from_str(&text).map_err(anyhow::Error::from)
    };
    parsed.with_context(|| format!("scenario {} is not valid", path.display()))
}

fn route(dir: &Path, a: RouteArgs) -> Result<(), Failure> {
    let optimize: Criterion = a.optimize.parse().map_err(bad_input)?;
    let mut modes = Vec::new();
    for m in &a.modes {
        match Layer::parse(m) {
            Some(l) => modes.push(l),
            None => {
                return Err(bad_input(format!(
                    "unknown mode `{m}`: use road, rail or sea"
                )))
            }
        }
    }
    let mut scenario = match &a.scenario {
        Some(p) => read_scenario(p).map_err(|e| Failure {
            code: EXIT_BAD_INPUT,
            error: e,
            json: None,
        })?,
        None => Scenario::default(),
    };
    scenario.close_bcps.extend(a.close_bcp.iter().cloned());
    scenario.open_bcps.extend(a.open_bcp.iter().cloned());
    for s in &a.bcp_wait {
        let (bcp, h) = parse_assignment(s, "HOURS")?;
        scenario.bcp_changes.push(BcpChange {
            bcp,
            wait_hours: Some(h),
            ..BcpChange::default()
        });
    }
    for s in &a.bcp_fee {
        let (bcp, usd) = parse_assignment(s, "USD")?;
        scenario.bcp_changes.push(BcpChange {
            bcp,
            fee_usd: Some(usd),
            ..BcpChange::default()
        });
    }
    let req = RouteRequest {
        from: Location::parse(&a.from),
        to: Location::parse(&a.to),
        modes,
        optimize,
        cargo_tonnes: a.cargo_tonnes,
        cargo_value_usd: a.cargo_value_usd,
        alternatives: a.alternatives,
        avoid_countries: a.avoid_country,
        avoid_bcps: a.avoid_bcp,
        scenario,
        vot_day_share: a.vot_day_share,
        carbon_price_usd_per_t: a.carbon_price,
    };
    let net = load(dir)?;
    let t = Instant::now();
    let router = Router::new(net);
    tracing::info!(
        elapsed_ms = t.elapsed().as_millis() as u64,
        "router compiled"
    );
    let t = Instant::now();
    match router.route(&req) {
        Ok(resp) => {
            tracing::info!(elapsed_ms = t.elapsed().as_millis() as u64, "route found");
            output::route(&resp, a.format);
            Ok(())
        }
        Err(e) => {
            let code = if e.is_bad_input() {
                EXIT_BAD_INPUT
            } else {
                EXIT_NO_ROUTE
            };
            let json = (a.format != Format::Table).then(|| output::error_json(&e));
            Err(Failure {
                code,
                error: anyhow::Error::new(e),
                json,
            })
        }
    }
}
