//! Every clap type of hb, and nothing else: the commands do the work.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::alert::Priority;
use crate::clock;
use crate::cycle::Module;
use crate::import::{ImportFormat, ImportKind};
use crate::notification::NotificationKind;
use crate::pipeline::{Health, Stage};
use crate::store::RunStatus;

/// hb: the heartbeat of a real-estate deal platform and of the services behind it.
///
/// One binary over one SQLite file. Each invocation runs one job and exits; cron or a
/// systemd timer gives the rhythm (`hb cycle` every 5 minutes).
#[derive(Debug, Parser)]
#[command(name = "hb", version, propagate_version = true, max_term_width = 100)]
#[command(after_long_help = EXIT_CODES_HELP)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0   success (status/checks: ok)
  1   failure, e.g. an unknown id (status/checks: warning)
  2   status/checks: critical
  3   status/checks: unknown (e.g. no cycle ever ran)
  64  usage error (bad arguments)
  65  bad input data (import rows, malformed files)
  75  busy: another cycle is running, or the store is locked
  78  configuration error

Environment:
  HB_CONFIG  path of heartbeat.toml (like --config)
  HB_DB      path of the SQLite store (like --db)
  HB_NOW     the clock, RFC 3339 (like --now)
  NO_COLOR   disables colour when set and not empty";

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Configuration file [default: ./heartbeat.toml, then $XDG_CONFIG_HOME/hb/heartbeat.toml]
    #[arg(long, global = true, env = "HB_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// SQLite store [default: config [store] path, then $XDG_DATA_HOME/hb/heartbeat.db]
    #[arg(long, global = true, env = "HB_DB", value_name = "FILE")]
    pub db: Option<PathBuf>,

    /// Print one JSON document instead of a table
    #[arg(long, global = true)]
    pub json: bool,

    /// When to use colour
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Print nothing but errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Say more (repeat for more detail)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// The clock for every time-based decision, RFC 3339 (for tests and replays)
    #[arg(long, global = true, env = "HB_NOW", value_name = "TIME", value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
}

fn parse_now(s: &str) -> Result<DateTime<Utc>, String> {
    clock::parse_time(s).map_err(|e| e.to_string())
}

fn parse_time_arg(s: &str) -> Result<DateTime<Utc>, String> {
    clock::parse_time(s).map_err(|e| e.to_string())
}

/// `--limit` of the lists (property list, insights, alerts), when not given.
pub const DEFAULT_LIMIT: usize = 50;
/// `hb logs --limit`, when not given.
pub const LOGS_DEFAULT_LIMIT: usize = 20;
/// `hb status --window`, when not given.
pub const DEFAULT_WINDOW: &str = "24h";

/// `--limit N` of every list: `0` means no limit.
pub fn row_limit(n: usize) -> Option<usize> {
    (n > 0).then_some(n)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// One property's pipeline heartbeat; `list` and `set` manage the portfolio
    Property(PropertyArgs),
    /// Record contract facts: attach, sent, signed, completed, cancelled, deadline
    #[command(subcommand)]
    Contract(ContractCommand),
    /// Import properties, contracts, contacts, interactions, watchlists, reminders or prices
    Import(ImportArgs),
    /// What needs attention now, highest priority first (reads only)
    Insights(InsightsArgs),
    /// Run one system-heartbeat cycle (what cron or a timer calls every 5 minutes)
    Cycle(CycleArgs),
    /// Last cycle, modules, the check board, open notifications; exits Nagios-style
    Status(StatusArgs),
    /// Recent runs, or one run in detail
    ///
    /// Every `hb cycle`, `hb checks run` and `hb demo` is a run (its trigger says which:
    /// timer, all, only:MODULES, checks, demo). A run's status says whether it did its
    /// work, never what it found (findings are in its results and alerts):
    ///
    ///   running  in progress (a cycle holds the lock), or its process ended and no cycle
    ///            has run since to mark it aborted
    ///   ok       completed, whatever its checks and modules found: a critical check or
    ///            a hundred stale properties is an ok run with findings
    ///   failed   could not do all of its work: a module failed (an error, not a finding;
    ///            `hb logs RUN_ID` says which and why); 3 in a row escalate
    ///   aborted  its process ended before it finished (killed, crashed); the next cycle
    ///            marks it so
    #[command(verbatim_doc_comment)]
    Logs(LogsArgs),
    /// The health checks of the protocol: list, run, validate, doc
    Checks(ChecksArgs),
    /// Notifications and alert delivery: list, ack, test, outbox
    Alerts(AlertsArgs),
    /// Write a commented config and create the store
    Init(InitArgs),
    /// Create a deterministic sample portfolio and app with a health protocol, and show them
    Demo(DemoArgs),
    /// Maintenance windows: checks that run and record but do not alert, escalate or remediate
    Silence(SilenceArgs),
    /// The daily brief as it reads now: counts, top properties, failing checks, deadlines
    ///
    /// The cycle sends it once a day to `[brief] route`, at the first cycle at or after
    /// `[brief] at` (UTC); this prints it on demand and sends nothing.
    Brief,
    /// Print cron or systemd entries for the two cadences (and the hb serve unit)
    Schedule(ScheduleArgs),
    /// Serve voice assistants: a Model Context Protocol server on stdin/stdout
    ///
    /// An assistant (an MCP client) starts `hb mcp` and asks its tools what `hb property`,
    /// `hb property list`, `hb insights`, `hb status`, `hb logs`, `hb checks` and `hb
    /// alerts` answer; each result is the command's `--json` document and a sentence to
    /// say aloud. Read-only unless --allow-writes (or `[mcp] allow_writes = true`) adds
    /// the tools that trigger a cycle, run the checks and acknowledge notifications.
    /// stdout carries only the protocol; diagnostics go to stderr. It ends when stdin
    /// closes (exit 0).
    Mcp(McpArgs),
    /// Serve the health endpoints over HTTP: read-only, loopback by default
    ///
    /// GET /health (IETF health+json: 200 pass/warn, 503 fail, from the verdict of `hb
    /// status`), /livez, /readyz, /health/heartbeat, /health/checks[/NAME][?window=24h],
    /// /health/properties/ID, /health/insights[?limit=N] and /metrics (Prometheus). Each
    /// body is the `--json` document of the same question, read from the store at the
    /// request. Any address other than loopback needs a bearer token (--token-env); one
    /// line per request on stderr (-q: none). SIGTERM finishes the requests in flight and
    /// exits 0.
    Serve(ServeArgs),
    /// Write shell completions and man pages (maintainers: `cargo run -- generate-assets`)
    #[command(hide = true)]
    GenerateAssets(GenerateAssetsArgs),
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct PropertyArgs {
    #[command(subcommand)]
    pub command: Option<PropertyCommand>,

    /// Property id
    #[arg(required = true, value_name = "ID")]
    pub id: Option<i64>,
}

#[derive(Debug, Subcommand)]
pub enum PropertyCommand {
    /// Properties with their health, most overdue first
    List(PropertyListArgs),
    /// Record facts about one property by hand
    Set(PropertySetArgs),
    /// Put a property on hold until a resume date: it is `snoozed`, not nagged as stale
    ///
    /// On the resume date its clock starts again and it is judged as usual. `--clear`
    /// ends the hold now (its clock starts again now).
    Snooze(PropertySnoozeArgs),
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("hold").required(true)))]
pub struct PropertySnoozeArgs {
    /// Property id
    pub id: i64,
    /// The resume date (RFC 3339 or YYYY-MM-DD)
    #[arg(long, group = "hold", value_parser = parse_time_arg, value_name = "TIME", requires = "reason")]
    pub until: Option<DateTime<Utc>>,
    /// Why it waits, e.g. "waiting on probate"
    #[arg(long, value_name = "REASON")]
    pub reason: Option<String>,
    /// End the hold now
    #[arg(long, group = "hold", conflicts_with = "reason")]
    pub clear: bool,
}

#[derive(Debug, Args)]
pub struct PropertyListArgs {
    /// Only properties with this health
    #[arg(long, value_enum, ignore_case = true)]
    pub health: Option<Health>,
    /// Only properties in this stage
    #[arg(long, value_enum, ignore_case = true)]
    pub stage: Option<Stage>,
    /// At most this many rows (0: all)
    #[arg(long, default_value_t = DEFAULT_LIMIT, value_name = "N")]
    pub limit: usize,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("fact").required(true).multiple(true)))]
pub struct PropertySetArgs {
    /// Property id
    pub id: i64,
    /// Zillow enrichment done, at TIME (default: now)
    #[arg(long, group = "fact", value_name = "TIME", num_args = 0..=1, default_missing_value = "now")]
    pub enriched: Option<String>,
    /// Skip trace done, at TIME (default: now)
    #[arg(long, group = "fact", value_name = "TIME", num_args = 0..=1, default_missing_value = "now")]
    pub skip_traced: Option<String>,
    /// Record a blocker with its reason
    #[arg(
        long,
        group = "fact",
        value_name = "REASON",
        conflicts_with = "unblocked"
    )]
    pub blocked: Option<String>,
    /// Clear the blocker
    #[arg(long, group = "fact")]
    pub unblocked: bool,
    /// Deal score, 0-100
    #[arg(long, group = "fact", value_name = "N", value_parser = clap::value_parser!(u8).range(0..=100))]
    pub score: Option<u8>,
    /// Record that someone acted on the property, at TIME (default: now)
    #[arg(long, group = "fact", value_name = "TIME", num_args = 0..=1, default_missing_value = "now")]
    pub acted: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ContractCommand {
    /// Attach a new contract to a property
    Attach {
        /// Property id
        property_id: i64,
        /// Contract name, e.g. "Purchase agreement"
        #[arg(long)]
        name: String,
        /// Deadline for completion (RFC 3339 or YYYY-MM-DD)
        #[arg(long, value_parser = parse_time_arg, value_name = "TIME")]
        deadline: Option<DateTime<Utc>>,
        /// When it was attached [default: now]
        #[arg(long, value_parser = parse_time_arg, value_name = "TIME")]
        at: Option<DateTime<Utc>>,
    },
    /// The contract was sent for signature
    Sent(ContractEventArgs),
    /// The contract was signed
    Signed(ContractEventArgs),
    /// The contract was completed
    Completed(ContractEventArgs),
    /// The contract was cancelled (it no longer counts for the stage)
    Cancelled(ContractEventArgs),
    /// Set or clear a contract's deadline
    Deadline {
        /// Contract id
        contract_id: i64,
        /// New deadline (RFC 3339 or YYYY-MM-DD)
        #[arg(value_parser = parse_time_arg, value_name = "TIME", required_unless_present = "clear")]
        deadline: Option<DateTime<Utc>>,
        /// Remove the deadline
        #[arg(long, conflicts_with = "deadline")]
        clear: bool,
    },
    /// The contracts of one property
    List {
        /// Property id
        property_id: i64,
    },
}

#[derive(Debug, Args)]
pub struct ContractEventArgs {
    /// Contract id
    pub contract_id: i64,
    /// When it happened [default: now]
    #[arg(long, value_parser = parse_time_arg, value_name = "TIME")]
    pub at: Option<DateTime<Utc>>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What the file holds
    #[arg(value_enum)]
    pub kind: ImportKind,
    /// The file, or - for standard input
    #[arg(value_name = "FILE|-")]
    pub file: PathBuf,
    /// Input format [default: from the extension; csv for stdin]
    #[arg(long, value_enum)]
    pub format: Option<ImportFormat>,
}

#[derive(Debug, Args)]
pub struct InsightsArgs {
    /// At most this many findings (0: all; the JSON document always counts them all)
    #[arg(long, default_value_t = DEFAULT_LIMIT, value_name = "N")]
    pub limit: usize,
    /// Print the finding queries a full reconcile runs, values inlined, for `sqlite3`
    /// (the benchmark's floor), and nothing else
    #[arg(long, hide = true)]
    pub print_sql: bool,
}

#[derive(Debug, Args)]
pub struct CycleArgs {
    /// Run every module, due or not
    #[arg(long, conflicts_with = "only")]
    pub all: bool,
    /// Run only this module (repeatable): portfolio, market, relationships, system, predictive, scheduled
    #[arg(long, value_name = "MODULE")]
    pub only: Vec<String>,
    /// Compute and print, write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Run no remediation (`on_failure`) command in this cycle; `[actions] enabled = false` does it for all
    #[arg(long)]
    pub no_remediate: bool,
    /// Reconcile in full instead of reading only what changed (`[modules.portfolio] full_every` does it daily)
    #[arg(long)]
    pub full: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Window for uptime and latency figures
    #[arg(long, default_value = DEFAULT_WINDOW, value_name = "DURATION")]
    pub window: String,
}

#[derive(Debug, Args)]
pub struct LogsArgs {
    /// One run in detail
    pub run_id: Option<i64>,
    /// Only runs that started within this duration, e.g. 24h
    #[arg(long, value_name = "DURATION")]
    pub since: Option<String>,
    /// Only runs with this status
    #[arg(long, value_enum, ignore_case = true)]
    pub status: Option<RunStatus>,
    /// Only runs in which this module ran
    #[arg(long, value_enum, ignore_case = true, value_name = "MODULE")]
    pub module: Option<Module>,
    /// Only runs in which this check ran (a check of the config or of the run log)
    #[arg(long, value_name = "NAME")]
    pub check: Option<String>,
    /// At most this many runs (0: all)
    #[arg(long, default_value_t = LOGS_DEFAULT_LIMIT, value_name = "N")]
    pub limit: usize,
    /// One JSON object per line
    #[arg(long, conflicts_with = "json")]
    pub ndjson: bool,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ChecksArgs {
    #[command(subcommand)]
    pub command: Option<ChecksCommand>,
}

#[derive(Debug, Subcommand)]
pub enum ChecksCommand {
    /// Every configured check with its last status and next due time
    List,
    /// Run checks now and print the results; exits with the worst status
    Run {
        /// Check names
        #[arg(required_unless_present_any = ["due", "all"], conflicts_with_all = ["due", "all"])]
        names: Vec<String>,
        /// Leave the store untouched (never remediates)
        #[arg(long, conflicts_with = "remediate")]
        no_record: bool,
        /// Run the `on_failure` commands of checks that fail (off by default here; `hb cycle` runs them)
        #[arg(long)]
        remediate: bool,
        /// Run the enabled checks that are due by their `every`, as the cycle would
        #[arg(long, conflicts_with = "all")]
        due: bool,
        /// Run every enabled check
        #[arg(long)]
        all: bool,
    },
    /// Lint the checks of the config
    Validate,
    /// The protocol in Markdown (this is HEARTBEAT.md)
    Doc,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct AlertsArgs {
    #[command(subcommand)]
    pub command: Option<AlertsCommand>,
    #[command(flatten)]
    pub list: AlertsListArgs,
}

#[derive(Debug, Args)]
pub struct AlertsListArgs {
    /// Only this priority
    #[arg(long, value_enum, ignore_case = true)]
    pub priority: Option<Priority>,
    /// Only this kind
    #[arg(long, value_enum, ignore_case = true)]
    pub kind: Option<NotificationKind>,
    /// Include acknowledged and resolved notifications
    #[arg(long)]
    pub all: bool,
    /// At most this many rows (0: all)
    #[arg(long, default_value_t = DEFAULT_LIMIT, value_name = "N")]
    pub limit: usize,
}

#[derive(Debug, Subcommand)]
pub enum AlertsCommand {
    /// List notifications (open ones by default)
    List(AlertsListArgs),
    /// Acknowledge notifications
    Ack {
        /// Notification ids
        #[arg(required = true)]
        ids: Vec<i64>,
    },
    /// Send a test message through a channel and report the server's answer
    Test {
        /// Channel name from the config
        channel: String,
    },
    /// Pending and failed deliveries
    Outbox(AlertsOutboxArgs),
    /// Send an ad-hoc alert through the routes (queued in the outbox, then delivered)
    Send(AlertsSendArgs),
    /// Deliver what is due in the outbox now (`hb cycle` does this itself)
    Deliver,
}

#[derive(Debug, Args)]
pub struct AlertsOutboxArgs {
    /// Include delivered alerts
    #[arg(long)]
    pub all: bool,
    /// At most this many rows, newest first (0: all)
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct AlertsSendArgs {
    /// Routes pick the channels by priority
    #[arg(long, value_enum, ignore_case = true)]
    pub priority: Priority,
    /// One line: what happened
    #[arg(long)]
    pub subject: String,
    /// Details
    #[arg(long, default_value = "")]
    pub message: String,
    /// Identifies the condition, for receivers that deduplicate [default: adhoc:SUBJECT]
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
    /// Send to this channel instead of the route (repeatable)
    #[arg(long = "channel", value_name = "NAME")]
    pub channels: Vec<String>,
    /// Also tell the escalation route
    #[arg(long)]
    pub escalate: bool,
    /// The property it is about
    #[arg(long, value_name = "ID")]
    pub property: Option<i64>,
    /// Only queue it; the next `hb cycle` or `hb alerts deliver` sends it
    #[arg(long)]
    pub queue_only: bool,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SilenceArgs {
    #[command(subcommand)]
    pub command: Option<SilenceCommand>,
    #[command(flatten)]
    pub list: SilenceListArgs,
}

#[derive(Debug, Subcommand)]
pub enum SilenceCommand {
    /// Silence one check, a group or every check, for a while or until a time
    ///
    /// A silenced check still runs and records its results; it sends no alert, escalates
    /// nothing and runs no remediation. When the silence ends, a check still alerting is
    /// told at once.
    #[command(group(clap::ArgGroup::new("what").required(true)))]
    #[command(group(clap::ArgGroup::new("end").required(true)))]
    Add(SilenceAddArgs),
    /// Silences in effect or to come, and the config's recurring windows
    List(SilenceListArgs),
    /// End a silence now
    Remove {
        /// Silence id (`hb silence list`)
        id: i64,
    },
}

#[derive(Debug, Args)]
pub struct SilenceAddArgs {
    /// The check to silence
    #[arg(group = "what", value_name = "CHECK")]
    pub check: Option<String>,
    /// Silence every check of this group
    #[arg(
        long,
        group = "what",
        value_enum,
        ignore_case = true,
        value_name = "GROUP"
    )]
    pub group: Option<crate::checks::Group>,
    /// Silence every check
    #[arg(long, group = "what")]
    pub all: bool,
    /// How long, e.g. 2h
    #[arg(long = "for", group = "end", value_name = "DURATION")]
    pub length: Option<String>,
    /// Until this time (RFC 3339 or YYYY-MM-DD)
    #[arg(long, group = "end", value_parser = parse_time_arg, value_name = "TIME")]
    pub until: Option<DateTime<Utc>>,
    /// From this time instead of now (a planned maintenance)
    #[arg(long, value_parser = parse_time_arg, value_name = "TIME")]
    pub from: Option<DateTime<Utc>>,
    /// Why: shown wherever the silence is
    #[arg(long, required = true)]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct SilenceListArgs {
    /// Include silences that ended or were removed
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Overwrite an existing config
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many properties to generate
    #[arg(long, default_value_t = 500)]
    pub properties: u32,
    /// Directory for the demo store, config and sample app [default: $XDG_DATA_HOME/hb/demo]
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct McpArgs {
    /// Also offer the write tools: trigger_system_heartbeat_cycle, run_health_checks, acknowledge_alert
    #[arg(long)]
    pub allow_writes: bool,
}

#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// cron: crontab lines; systemd: a service and a timer unit per cadence
    #[arg(value_enum)]
    pub kind: ScheduleKind,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on [default: [serve] listen, then 127.0.0.1:9810]
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<std::net::SocketAddr>,
    /// Environment variable holding the bearer token, then required on every path but
    /// /livez (needed for any non-loopback address) [default: [serve] token_env]
    #[arg(long, value_name = "NAME")]
    pub token_env: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScheduleKind {
    Cron,
    Systemd,
}

#[derive(Debug, Args)]
pub struct GenerateAssetsArgs {
    /// Writes DIR/completions/ and DIR/man/
    #[arg(default_value = ".", value_name = "DIR")]
    pub dir: PathBuf,
}

/// The CLI as users see it: `Cli` without its hidden subcommands.
///
/// clap_complete's generators list hidden subcommands too, so completions are generated
/// from this copy. It keeps what completions read: name, version, about, the arguments
/// (global ones propagate when it is built) and the visible subcommands.
pub fn public_command() -> clap::Command {
    use clap::CommandFactory;
    let full = Cli::command();
    let mut public = clap::Command::new("hb")
        .version(env!("CARGO_PKG_VERSION"))
        .propagate_version(true)
        .args(full.get_arguments().cloned())
        .subcommands(full.get_subcommands().filter(|s| !s.is_hide_set()).cloned());
    if let Some(about) = full.get_about() {
        public = public.about(about.clone());
    }
    if let Some(long_about) = full.get_long_about() {
        public = public.long_about(long_about.clone());
    }
    if let Some(after) = full.get_after_long_help() {
        public = public.after_long_help(after.clone());
    }
    public
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
        public_command().debug_assert();
    }

    #[test]
    fn public_command_is_the_cli_minus_hidden_subcommands() {
        let full = Cli::command();
        let public = public_command();
        let names = |cmd: &clap::Command, hidden: bool| -> Vec<String> {
            cmd.get_subcommands()
                .filter(|s| hidden || !s.is_hide_set())
                .map(|s| s.get_name().to_string())
                .collect()
        };
        assert_eq!(names(&public, true), names(&full, false));
        assert!(names(&full, true).contains(&"generate-assets".to_string()));
        let ids = |cmd: &clap::Command| -> Vec<String> {
            cmd.get_arguments()
                .map(|a| a.get_id().to_string())
                .collect()
        };
        assert_eq!(ids(&public), ids(&full));
        assert_eq!(public.get_version(), full.get_version());
    }
}
