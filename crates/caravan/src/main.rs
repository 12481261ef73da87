//! `caravan`: multimodal freight routes across Central and South Asia, from the command line.

mod compare;
mod compiled;
mod cost;
mod gravity;
mod impact;
mod matrix;
mod output;
mod parquet_out;
mod scenario;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use caravan_net::{Layer, Network};
use caravan_route::{BcpChange, Criterion, Location, Scenario};
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
    #[command(allow_negative_numbers = true)]
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
    #[command(allow_negative_numbers = true)]
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
    /// Time, cost, distance and CO2e between many origins and destinations (long-form CSV or
    /// JSON), on the contraction hierarchy.
    #[command(allow_negative_numbers = true)]
    Matrix(Box<matrix::MatrixArgs>),
    /// Every place reachable from an origin within a time or cost budget (accessibility).
    #[command(allow_negative_numbers = true)]
    Reach(Box<matrix::ReachArgs>),
    /// Compile the network into one binary file (the contraction hierarchy, keyed by the
    /// data's checksum) that `matrix`, `reach` and `serve` load instead of rebuilding it.
    Build(compiled::BuildArgs),
    /// Trade impact of a network scenario: transport costs between economic centres ->
    /// trade costs -> structural-gravity GE (exports, imports, real GDP per country).
    Impact(Box<impact::ImpactArgs>),
    /// The scenario library (planned projects, policy scenarios): list or show one.
    Scenario {
        #[command(subcommand)]
        command: scenario::ScenarioCommand,
    },
    /// Base vs scenario: time, cost and distance between many places, per pair and per
    /// country pair, winners and losers, and the pairs whose best route changes corridor.
    #[command(allow_negative_numbers = true)]
    Compare(Box<compare::CompareArgs>),
    /// Accessibility of places, base vs scenario: to the nearest seaport, the nearest open
    /// border crossing, and population-weighted market access.
    #[command(allow_negative_numbers = true)]
    Access(Box<compare::AccessArgs>),
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
    /// Ranked, typo-tolerant search by name, alternative name or UN/LOCODE (`Name, CC` picks
    /// a country).
    #[command(allow_negative_numbers = true)]
    Search {
        /// What to look for (at most 100 characters).
        query: String,
        /// Most results to print (1-100).
        #[arg(long, default_value_t = 10)]
        limit: i64,
        /// table, json, or geojson (points).
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Subcommand)]
enum BcpCommand {
    /// List the curated crossings (waits in hours and fees in USD per vehicle, with sources).
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
        /// table, json, or geojson (points).
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Show one crossing (every mode, or `id:mode`), each figure with its source.
    Show {
        /// Crossing id, e.g. `torkham` or `dostyk-alashankou:rail`.
        id: String,
        /// table or json.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Subcommand)]
enum DataCommand {
    /// Load and validate every file, then print what the network holds.
    Check,
    /// Route the published facts of data/validation/facts.csv and judge each (reference,
    /// ours, ratio, pass); the pass rate of the validation set is the network's score.
    Validate {
        /// A facts file instead of the shipped one (same columns).
        #[arg(long)]
        facts: Option<PathBuf>,
        /// calibration, validation or all.
        #[arg(long, default_value = "all")]
        set: String,
        /// Exit with code 1 when the validation set passes less than this share (0-1).
        #[arg(long)]
        min_pass_rate: Option<f64>,
        /// Also write the report as the `## Validation` section of this Markdown file
        /// (replacing that section; data/network/BUILD_REPORT.md after a network build).
        #[arg(long)]
        write_report: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
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
    #[command(flatten)]
    options: RequestOptions,
    /// Number of alternatives besides the best route (0-8).
    #[arg(long, default_value_t = 0)]
    alternatives: i64,
    /// table, json (the full result) or geojson (legs and points).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// What a request may use and how it prices routes: shared by `route`, `matrix` and `reach`.
#[derive(Args, Clone)]
pub(crate) struct RequestOptions {
    /// Allowed modes, comma-separated: road, rail, sea, inland_water (default: road, rail and
    /// sea; inland waterways only when asked for).
    #[arg(long, value_delimiter = ',')]
    modes: Vec<String>,
    /// fastest (hours), cheapest (USD), greenest (kg CO2e) or generalized (USD + value of time
    /// x hours + carbon price x kg CO2e).
    #[arg(long, default_value = "generalized")]
    optimize: String,
    /// Cargo weight in tonnes (0.001-100000).
    #[arg(long, default_value_t = 20.0, value_name = "TONNES")]
    cargo_tonnes: f64,
    /// Goods value in USD (0-10^12), for the value of time.
    #[arg(long, default_value_t = 50_000.0, value_name = "USD")]
    cargo_value_usd: f64,
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
    /// Scenario: a library id (`caravan scenario list`, e.g. trans-afghan-railway) or a file
    /// (TOML, or JSON when named *.json; at most 1 MiB) with close_bcps, open_bcps,
    /// bcp_changes, projects, infrastructure, mode_changes, close_country_pairs.
    #[arg(long, value_name = "ID|FILE")]
    scenario: Option<String>,
    /// Value of time per day as a fraction of the goods value (0.0135) or a percentage
    /// (1.35%); default from the data (1.35%).
    #[arg(long, value_name = "SHARE")]
    vot_day_share: Option<String>,
    /// Carbon price, USD per tonne CO2e (0-10000; default from the data).
    #[arg(long, value_name = "USD_PER_T")]
    carbon_price: Option<f64>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ServeEngine {
    Hierarchy,
    Astar,
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
    /// Longest a route, search or landed-cost request may take, waiting for a worker
    /// included, in milliseconds; then 503 and the search stops.
    #[arg(long, default_value_t = 10_000, value_name = "MS")]
    route_timeout_ms: u64,
    /// Searches computed at once (default: twice the CPU cores); others queue in FIFO order.
    #[arg(long, value_name = "N")]
    route_workers: Option<usize>,
    /// Largest accepted request body, in KiB.
    #[arg(long, default_value_t = 64, value_name = "KIB")]
    max_body_kib: usize,
    /// Also answer requests addressed to this host name (repeatable; loopback names are always
    /// allowed; `*` allows any). Others get 421, which stops DNS-rebinding pages.
    #[arg(long = "allowed-host", value_name = "HOST")]
    allowed_hosts: Vec<String>,
    /// File with API keys, one per line: writes to /v1/scenarios then need
    /// `Authorization: Bearer KEY` (401 without a key, 403 with a wrong one).
    #[arg(long, value_name = "FILE")]
    api_key_file: Option<PathBuf>,
    /// Requests per second per client address on the expensive endpoints (route, cost,
    /// places, hs), with bursts of twice that; over it, 429. Default: no limit.
    #[arg(long, value_name = "PER_SECOND")]
    rate_limit: Option<f64>,
    /// Most connections open at once; later clients wait in the accept queue.
    #[arg(long, default_value_t = 512, value_name = "N")]
    max_connections: usize,
    /// Seconds a client may take to send a request's headers (also the idle limit of a kept-alive
    /// connection) and, separately, its body.
    #[arg(long, default_value_t = 5, value_name = "SECONDS")]
    client_timeout_s: u64,
    /// What answers routes: `hierarchy` (customize the contraction hierarchy for each new
    /// metric, cache it; A* until the hierarchy is loaded) or `astar` (A* only, no hierarchy
    /// in memory; matrices still build it on first use).
    #[arg(long, value_enum, default_value_t = ServeEngine::Hierarchy)]
    engine: ServeEngine,
    /// Seconds in-flight requests get to finish after SIGTERM or Ctrl-C.
    #[arg(long, default_value_t = 2, value_name = "SECONDS")]
    shutdown_grace_s: u64,
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
    let route_engine = match a.engine {
        ServeEngine::Hierarchy => caravan_route::Engine::Hierarchy,
        ServeEngine::Astar => caravan_route::Engine::AStar,
    };
    let opened = compiled::open_router(dir, route_engine)?;
    let config = caravan_server::ServerConfig {
        route_timeout: std::time::Duration::from_millis(a.route_timeout_ms.max(1)),
        max_body_bytes: a.max_body_kib.max(1) * 1024,
        cors_origins: a.cors_origins,
        ..caravan_server::ServerConfig::default()
    };
    let api_keys = match &a.api_key_file {
        Some(p) => {
            let text = read_limited(p, 64 * 1024)
                .map_err(|e| bad_input(format!("API key file {}: {e}", p.display())))?;
            let keys: Vec<String> = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_owned)
                .collect();
            if keys.is_empty() {
                return Err(bad_input(format!(
                    "API key file {} has no key (one per line)",
                    p.display()
                )));
            }
            keys
        }
        None => Vec::new(),
    };
    let config = caravan_server::ServerConfig {
        route_workers: a.route_workers.unwrap_or(config.route_workers).max(1),
        allowed_hosts: a.allowed_hosts,
        api_keys,
        rate_limit_per_s: a.rate_limit,
        body_timeout: std::time::Duration::from_secs(a.client_timeout_s.max(1)),
        ..config
    };
    let limits = caravan_server::ConnLimits {
        header_read_timeout: std::time::Duration::from_secs(a.client_timeout_s.max(1)),
        max_connections: a.max_connections.max(1),
        shutdown_grace: std::time::Duration::from_secs(a.shutdown_grace_s),
    };
    let engine = std::sync::Arc::new(cost::load_engine(dir, None, "")?);
    let router = opened.router.clone();
    if a.engine == ServeEngine::Hierarchy {
        // The hierarchy comes from the compiled file (or is built) off the main thread: the
        // server answers at once, by A* until the hierarchy is in place.
        let dir = dir.to_path_buf();
        std::thread::spawn(move || opened.ensure_hierarchy(&dir));
    }
    let app = caravan_server::app(
        router.clone(),
        std::sync::Arc::new(store),
        engine.clone(),
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
        caravan_server::serve(listener, app, limits, shutdown_signal()).await;
        Ok::<(), anyhow::Error>(())
    })?;
    // Searches still on the blocking pool were cancelled or end within the route limit; the
    // process does not wait for them.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    // Freeing the network and the rate tables (millions of small allocations) would only delay
    // the exit; the operating system takes the memory back at once.
    std::mem::forget(router);
    std::mem::forget(engine);
    tracing::info!("stopped");
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
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
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
        Command::Matrix(args) => matrix::matrix(&dir, *args),
        Command::Reach(args) => matrix::reach(&dir, *args),
        Command::Build(args) => compiled::build(&dir, args),
        Command::Cost(args) => cost::cost(&dir, *args),
        Command::Gravity { command } => gravity::run(command),
        Command::Impact(args) => impact::impact(&dir, *args),
        Command::Scenario { command } => scenario::run(&dir, command),
        Command::Compare(args) => compare::compare(&dir, *args),
        Command::Access(args) => compare::access(&dir, *args),
        Command::Hs { command } => cost::hs(&dir, command),
        Command::Places {
            command:
                PlacesCommand::Search {
                    query,
                    limit,
                    format,
                },
        } => {
            caravan_server::edge::check_text(
                "query",
                &query,
                caravan_server::edge::MAX_QUERY_CHARS,
            )
            .map_err(bad_input)?;
            if !(1..=100).contains(&limit) {
                return Err(bad_input(format!("--limit must be 1 to 100, got {limit}")));
            }
            let net = load(&dir)?;
            let index = caravan_net::PlaceIndex::new(&net.places);
            let hits = index.search(&query, limit as usize);
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
                                .filter(|l| *l != Layer::Sea)
                                .ok_or_else(|| bad_input(format!("`{m}` is not road or rail")))
                        })
                        .transpose()?;
                    let rows: Vec<_> = net
                        .existing_bcps()
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
            let router = compiled::open_router(&dir, caravan_route::Engine::AStar)?.router;
            output::data_summary(&router);
            let data = caravan_cost::CostData::load_dir(&dir).map_err(|e| {
                anyhow::anyhow!(e)
                    .context(format!("loading landed-cost data from {}", dir.display()))
            })?;
            output::tariff_coverage(&data);
            Ok(())
        }
        Command::Data {
            command:
                DataCommand::Validate {
                    facts,
                    set,
                    min_pass_rate,
                    write_report,
                    format,
                },
        } => {
            let wanted = match set.as_str() {
                "all" => None,
                "calibration" => Some(caravan_net::facts::FactSet::Calibration),
                "validation" => Some(caravan_net::facts::FactSet::Validation),
                other => {
                    return Err(bad_input(format!(
                        "unknown set `{other}`: use calibration, validation or all"
                    )))
                }
            };
            let (label, input) = match &facts {
                Some(p) => (
                    p.display().to_string(),
                    Box::new(std::io::BufReader::new(
                        std::fs::File::open(p)
                            .with_context(|| format!("reading facts {}", p.display()))?,
                    )) as Box<dyn std::io::Read>,
                ),
                None => (
                    caravan_net::files::FACTS.to_owned(),
                    caravan_net::open_data_file(&dir, caravan_net::files::FACTS)
                        .map_err(anyhow::Error::from)?,
                ),
            };
            let all = caravan_net::facts::load_facts(&label, input).map_err(anyhow::Error::from)?;
            let chosen: Vec<_> = all
                .into_iter()
                .filter(|f| wanted.is_none_or(|w| f.set == w))
                .collect();
            let router = compiled::open_router(&dir, caravan_route::Engine::AStar)?.router;
            let results = caravan_route::validate::validate(&router, &chosen);
            output::validation(&results, format);
            if let Some(path) = write_report {
                let old = std::fs::read_to_string(&path).unwrap_or_default();
                let head = old.split("\n## Validation").next().unwrap_or("").trim_end();
                let text = format!("{head}\n\n{}", output::validation_markdown(&results));
                std::fs::write(&path, text)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
            let (_, val) = caravan_route::validate::summarize(&results);
            if let Some(min) = min_pass_rate {
                if val.facts > 0 && val.rate() < min {
                    return Err(anyhow::anyhow!(
                        "validation pass rate {:.1}% is below the required {:.1}%",
                        val.rate() * 100.0,
                        min * 100.0
                    )
                    .into());
                }
            }
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

/// Reads a text file of at most `max` bytes, without reading more than that from it (a FIFO
/// or `/dev/zero` ends with an error, not with the memory).
pub(crate) fn read_limited(path: &Path, max: u64) -> anyhow::Result<String> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let mut buf = Vec::new();
    file.take(max + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > max {
        anyhow::bail!("the file is larger than the limit of {max} bytes");
    }
    String::from_utf8(buf).map_err(|_| anyhow::anyhow!("the file is not UTF-8 text"))
}

/// `0.0135` or `1.35%`.
fn parse_share(s: &str) -> Result<f64, Failure> {
    let t = s.trim();
    let (num, scale) = match t.strip_suffix('%') {
        Some(p) => (p.trim(), 0.01),
        None => (t, 1.0),
    };
    num.parse::<f64>().map(|v| v * scale).map_err(|_| {
        bad_input(format!(
            "--vot-day-share `{s}`: give a fraction such as 0.0135 or a percentage such as 1.35%"
        ))
    })
}

fn read_scenario(path: &Path) -> anyhow::Result<Scenario> {
    let text = read_limited(path, caravan_server::edge::MAX_SCENARIO_FILE_BYTES)
        .with_context(|| format!("reading scenario {}", path.display()))?;
    let parsed = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        serde_json::from_str(&text).map_err(anyhow::Error::from)
    } else {
        toml::from_str(&text).map_err(anyhow::Error::from)
    };
    parsed.with_context(|| format!("scenario {} is not valid", path.display()))
}

/// Parses the shared request options into the router's terms.
pub(crate) fn request_options(
    dir: &Path,
    o: &RequestOptions,
) -> Result<caravan_route::MatrixOptions, Failure> {
    let optimize: Criterion = o.optimize.parse().map_err(bad_input)?;
    let mut modes = Vec::new();
    let mut inland_water = false;
    for m in &o.modes {
        if m.trim() == "inland_water" {
            inland_water = true;
            continue;
        }
        match Layer::parse(m) {
            Some(l) => modes.push(l),
            None => {
                return Err(bad_input(format!(
                    "unknown mode `{m}`: use road, rail, sea or inland_water"
                )))
            }
        }
    }
    let mut scenario = match &o.scenario {
        Some(s) => scenario::resolve(dir, s)?,
        None => Scenario::default(),
    };
    scenario.close_bcps.extend(o.close_bcp.iter().cloned());
    scenario.open_bcps.extend(o.open_bcp.iter().cloned());
    for s in &o.bcp_wait {
        let (bcp, h) = parse_assignment(s, "HOURS")?;
        scenario.bcp_changes.push(BcpChange {
            bcp,
            wait_hours: Some(h),
            ..BcpChange::default()
        });
    }
    for s in &o.bcp_fee {
        let (bcp, usd) = parse_assignment(s, "USD")?;
        scenario.bcp_changes.push(BcpChange {
            bcp,
            fee_usd: Some(usd),
            ..BcpChange::default()
        });
    }
    Ok(caravan_route::MatrixOptions {
        modes,
        inland_water,
        optimize,
        cargo_tonnes: o.cargo_tonnes,
        cargo_value_usd: o.cargo_value_usd,
        avoid_countries: o.avoid_country.clone(),
        avoid_bcps: o.avoid_bcp.clone(),
        scenario,
        vot_day_share: o.vot_day_share.as_deref().map(parse_share).transpose()?,
        carbon_price_usd_per_t: o.carbon_price,
    })
}

fn route(dir: &Path, a: RouteArgs) -> Result<(), Failure> {
    let options = request_options(dir, &a.options)?;
    if a.alternatives < 0 {
        return Err(bad_input(format!(
            "--alternatives must be 0 to {}, got {}",
            caravan_route::MAX_ALTERNATIVES,
            a.alternatives
        )));
    }
    let mut req = options.route(Location::parse(&a.from), Location::parse(&a.to));
    req.alternatives = usize::try_from(a.alternatives).unwrap_or(usize::MAX);
    // Every limit is checked here, before the data is even loaded.
    caravan_server::edge::check_route_request(&req).map_err(bad_input)?;
    let router =
        compiled::open_router_for(dir, caravan_route::Engine::AStar, &req.scenario)?.router;
    if !req.avoid_countries.is_empty() {
        caravan_server::edge::check_avoid_countries(
            &req.avoid_countries,
            &caravan_server::edge::network_countries(router.network()),
        )
        .map_err(bad_input)?;
    }
    let t = Instant::now();
    match router.route(&req) {
        Ok(mut resp) => {
            tracing::info!(elapsed_ms = t.elapsed().as_millis() as u64, "route found");
            caravan_server::edge::check_route_response(&resp).map_err(bad_input)?;
            caravan_server::edge::label_opened_crossings(&mut resp);
            output::route(&resp, a.format);
            // The router holds the whole network; the OS frees it faster than the destructors.
            std::mem::forget(router);
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
