//! `heartbeat.toml`: discovery, defaults, and errors that name file, line and key.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;
use toml::de::DeTable;

use crate::alert::secret::{Secret, SecretSource};
use crate::alert::AlertsConfig;
use crate::brief::{BriefConfig, BriefSpec};
use crate::checks::{ActionsConfig, Check, CheckSpec, RunContext, Written};
use crate::duration::{de, Span};
use crate::exit::HbError;
use crate::issue::{line_of, ConfigIssue, Lines, Position};
use crate::silence::{Window, WindowSpec};

pub const FILE_NAME: &str = "heartbeat.toml";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub store: StoreConfig,
    pub schedule: ScheduleConfig,
    pub property: PropertyConfig,
    pub insights: InsightsConfig,
    pub modules: ModulesConfig,
    /// `[[check]]` tables as written; `check` holds them resolved.
    #[serde(rename = "check")]
    check_specs: Vec<CheckSpec>,
    /// The health protocol (see `checks`), resolved when the config loads.
    #[serde(skip)]
    pub check: Vec<Check>,
    /// `[alerts]`: channels, routes, delivery (validated on load).
    pub alerts: AlertsConfig,
    pub deadman: DeadmanConfig,
    pub export: ExportConfig,
    /// `[actions]`: the global brake on remediation commands.
    pub actions: ActionsConfig,
    /// `[[silence]]` tables as written; `silences` holds them resolved.
    #[serde(rename = "silence")]
    silence_specs: Vec<WindowSpec>,
    /// Recurring maintenance windows (see `silence`), resolved when the config loads.
    #[serde(skip)]
    pub silences: Vec<Window>,
    /// `[brief]` as written; `brief` holds it resolved.
    #[serde(rename = "brief")]
    brief_spec: BriefSpec,
    /// The daily brief: when, and to which channels.
    #[serde(skip)]
    pub brief: BriefConfig,
    /// `[runlog]`: each cycle's `agent_runs` row in the application's database.
    pub runlog: Option<crate::runlog::RunlogConfig>,
    /// `[serve]`: the health endpoints (`hb serve`).
    pub serve: ServeConfig,
    /// `[mcp]`: what `hb mcp` offers assistants.
    pub mcp: McpConfig,
}

/// `[serve]`: where `hb serve` listens, and the variable holding its bearer token.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServeConfig {
    /// An IP address and port, e.g. `127.0.0.1:9810` (the default).
    pub listen: Option<std::net::SocketAddr>,
    /// The environment variable that holds the token; required for a non-loopback bind.
    pub token_env: Option<String>,
}

/// `[mcp]`: `hb mcp`, the assistants' door. Read-only unless writes are allowed here or
/// with `hb mcp --allow-writes`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct McpConfig {
    /// Offer the write tools: trigger a cycle, run the checks, acknowledge notifications.
    pub allow_writes: bool,
}

/// `[deadman]`: a Healthchecks.io-style URL pinged at the start and end of every cycle.
/// The URL is a secret: it comes from `url`, or from the variable named by `url_env`.
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "DeadmanToml")]
pub struct DeadmanConfig {
    pub url: Option<String>,
    pub url_env: Option<String>,
    /// Each ping gives up after this long: a slow pinger must not hold up the cycle.
    pub timeout: Span,
}

impl Default for DeadmanConfig {
    fn default() -> Self {
        DeadmanConfig {
            url: None,
            url_env: None,
            timeout: Span::secs(5),
        }
    }
}

/// `[deadman]` as written, before the rule that `url` and `url_env` exclude each other.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeadmanToml {
    url: Option<String>,
    url_env: Option<String>,
    #[serde(default, deserialize_with = "de::opt_time_limit")]
    timeout: Option<Span>,
}

impl TryFrom<DeadmanToml> for DeadmanConfig {
    type Error = String;

    fn try_from(raw: DeadmanToml) -> Result<Self, String> {
        if raw.url.is_some() && raw.url_env.is_some() {
            return Err("set either `url` or `url_env`, not both (url_env keeps the secret URL out of the file)".into());
        }
        if raw.url_env.as_deref().is_some_and(|v| v.trim().is_empty()) {
            return Err(
                "`url_env` must name an environment variable, e.g. \"HB_DEADMAN_URL\"".into(),
            );
        }
        Ok(DeadmanConfig {
            url: raw.url,
            url_env: raw.url_env,
            timeout: raw.timeout.unwrap_or(DeadmanConfig::default().timeout),
        })
    }
}

/// `[export]`: files written for other tools after every cycle.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExportConfig {
    /// node_exporter textfile collector file (`.prom`), relative to the config file.
    pub prometheus_textfile: Option<PathBuf>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StoreConfig {
    /// Relative to the config file's directory.
    pub path: Option<PathBuf>,
    #[serde(deserialize_with = "de::retention_days")]
    pub retention_days: u32,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            path: None,
            retention_days: 30,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScheduleConfig {
    /// How often the timer runs `hb cycle`; a last cycle older than twice this is overdue.
    #[serde(deserialize_with = "de::cadence")]
    pub system: Span,
    /// How often the full health protocol runs.
    #[serde(deserialize_with = "de::cadence")]
    pub protocol: Span,
}

impl Default for ScheduleConfig {
    fn default() -> Self {
        ScheduleConfig {
            system: Span::secs(300),
            protocol: Span::secs(4 * 3600),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PropertyConfig {
    pub stale_days: StaleDays,
}

/// Days in a stage after which a property is stale.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StaleDays {
    #[serde(deserialize_with = "positive_days")]
    pub new: f64,
    #[serde(deserialize_with = "positive_days")]
    pub enriched: f64,
    #[serde(deserialize_with = "positive_days")]
    pub researched: f64,
    #[serde(deserialize_with = "positive_days")]
    pub waiting_for_contracts: f64,
}

/// A stale threshold of zero or less would call every property stale the moment it
/// enters the stage.
fn positive_days<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    let days = f64::deserialize(deserializer)?;
    if days <= 0.0 {
        return Err(serde::de::Error::custom(format!(
            "{days} days: a property is stale after this many days in the stage, so give a \
             number of days above 0 (e.g. 3), or leave the key out for the default"
        )));
    }
    de::days_in_range(days).map_err(serde::de::Error::custom)
}

impl Default for StaleDays {
    fn default() -> Self {
        StaleDays {
            new: 3.0,
            enriched: 5.0,
            researched: 7.0,
            waiting_for_contracts: 10.0,
        }
    }
}

fn retired_deadline_within_days<'de, D: serde::Deserializer<'de>>(_: D) -> Result<(), D::Error> {
    Err(serde::de::Error::custom(
        "deadline_within_days became the deadline ladder: write deadline_ladder_days = [7, 3, 1] \
         (days ahead at which each deadline is told once; the widest step is the old window)",
    ))
}

/// The steps at which a contract deadline is announced, in days ahead, widest first.
#[derive(Debug, Clone, PartialEq)]
pub struct DeadlineLadder(Vec<f64>);

impl Default for DeadlineLadder {
    fn default() -> Self {
        DeadlineLadder(vec![7.0, 3.0, 1.0])
    }
}

impl DeadlineLadder {
    /// Days ahead of each step, widest first (never empty).
    pub fn steps(&self) -> &[f64] {
        &self.0
    }

    /// The widest step: a deadline this close is a finding.
    pub fn widest(&self) -> f64 {
        self.0.first().copied().unwrap_or(0.0)
    }

    /// The steps, from the written list: at least one, each a number of days above 0,
    /// no two alike; kept widest first.
    pub fn new(mut days: Vec<f64>) -> Result<DeadlineLadder, String> {
        if days.is_empty() {
            return Err(
                "give at least one number of days ahead, e.g. [7, 3, 1] (the default)".into(),
            );
        }
        for d in &days {
            if *d <= 0.0 {
                return Err(format!(
                    "{d} days: each step is a number of days ahead of the deadline, above 0 \
                     (the deadline itself is always announced when it passes)"
                ));
            }
            de::days_in_range(*d)?;
        }
        days.sort_by(|a, b| b.total_cmp(a));
        if days.windows(2).any(|w| w[0] == w[1]) {
            return Err("each step is announced once: write each number of days once".into());
        }
        Ok(DeadlineLadder(days))
    }
}

impl<'de> Deserialize<'de> for DeadlineLadder {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        DeadlineLadder::new(Vec::<f64>::deserialize(deserializer)?)
            .map_err(serde::de::Error::custom)
    }
}

/// Thresholds of `hb insights` and of the cycle's portfolio module.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InsightsConfig {
    /// How many days ahead an open contract's deadline is announced, once at each step
    /// (the last step at high priority); `[7, 3, 1]` by default.
    pub deadline_ladder_days: DeadlineLadder,
    /// Replaced by `deadline_ladder_days`: written, it is an error that says so.
    #[serde(default, deserialize_with = "retired_deadline_within_days")]
    deadline_within_days: (),
    /// A contract sent and still unsigned after this many days is a finding.
    #[serde(deserialize_with = "de::days")]
    pub unsigned_after_days: f64,
    /// A property not enriched this many days after it was created is a finding.
    #[serde(deserialize_with = "de::days")]
    pub enrichment_after_days: f64,
    /// An enriched property not skip traced this many days after enrichment is a finding.
    #[serde(deserialize_with = "de::days")]
    pub skip_trace_after_days: f64,
    /// A score at or above this is "high"...
    pub high_score: f64,
    /// ...and a high-score property with no action for this many days is a finding.
    #[serde(deserialize_with = "de::days")]
    pub high_score_idle_days: f64,
}

impl Default for InsightsConfig {
    fn default() -> Self {
        InsightsConfig {
            deadline_ladder_days: DeadlineLadder::default(),
            deadline_within_days: (),
            unsigned_after_days: 5.0,
            enrichment_after_days: 2.0,
            skip_trace_after_days: 3.0,
            high_score: 80.0,
            high_score_idle_days: 3.0,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ModulesConfig {
    pub portfolio: PortfolioConfig,
    pub market: MarketConfig,
    pub relationships: RelationshipsConfig,
    pub system: ModuleConfig,
    pub predictive: ModuleConfig,
    pub scheduled: ModuleConfig,
}

impl Default for ModulesConfig {
    fn default() -> Self {
        ModulesConfig {
            portfolio: PortfolioConfig::default(),
            market: MarketConfig::default(),
            relationships: RelationshipsConfig::default(),
            system: ModuleConfig::every_secs(300),
            predictive: ModuleConfig::every_secs(3600),
            scheduled: ModuleConfig::every_secs(300),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModuleConfig {
    #[serde(deserialize_with = "de::cadence")]
    pub every: Span,
    #[serde(default = "yes")]
    pub enabled: bool,
}

impl ModuleConfig {
    fn every_secs(secs: u64) -> Self {
        ModuleConfig {
            every: Span::secs(secs),
            enabled: true,
        }
    }
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PortfolioConfig {
    #[serde(deserialize_with = "de::cadence")]
    pub every: Span,
    pub enabled: bool,
    /// Cycles in between look only at what changed and what came due; this often the
    /// portfolio (and market, relationships, predictive) reconcile everything in full.
    #[serde(deserialize_with = "de::period")]
    pub full_every: Span,
}

impl Default for PortfolioConfig {
    fn default() -> Self {
        PortfolioConfig {
            every: Span::secs(300),
            enabled: true,
            full_every: Span::secs(86_400),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MarketConfig {
    #[serde(deserialize_with = "de::cadence")]
    pub every: Span,
    pub enabled: bool,
    /// Median list price over the last window vs the window before it.
    #[serde(deserialize_with = "de::period")]
    pub price_window: Span,
    /// A shift of the median beyond this percent (either way) is a finding.
    pub price_shift_percent: f64,
}

impl Default for MarketConfig {
    fn default() -> Self {
        MarketConfig {
            every: Span::secs(3600),
            enabled: true,
            price_window: Span::secs(30 * 86_400),
            price_shift_percent: 5.0,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RelationshipsConfig {
    #[serde(deserialize_with = "de::cadence")]
    pub every: Span,
    pub enabled: bool,
    /// A score drop of this percent or more against the score one `window` ago is "cooling".
    pub cooling_drop_percent: f64,
    /// The comparison window: cooling compares today's score with the score this long ago.
    pub window: Span,
}

impl Default for RelationshipsConfig {
    fn default() -> Self {
        // Daily: cooling compares with the score a `window` ago whatever the cadence, so the
        // cadence only says how soon a cooling contact is noticed (within a day).
        RelationshipsConfig {
            every: Span::secs(86_400),
            enabled: true,
            cooling_drop_percent: 10.0,
            window: Span::secs(7 * 86_400),
        }
    }
}

/// A config and where it came from (`None`: built-in defaults).
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub config: Config,
    pub path: Option<PathBuf>,
}

impl Loaded {
    /// The store file: `--db`/`HB_DB`, else `[store] path` relative to the config file,
    /// else `$XDG_DATA_HOME/hb/heartbeat.db`.
    pub fn store_path(&self, cli_db: Option<&Path>) -> Result<PathBuf> {
        if let Some(db) = cli_db {
            return Ok(db.to_path_buf());
        }
        if let Some(path) = &self.config.store.path {
            return Ok(self.base_dir().join(path));
        }
        Ok(data_dir()?.join("heartbeat.db"))
    }

    /// The config file's directory, where relative paths in it start (`.` without a file).
    pub fn base_dir(&self) -> &Path {
        self.path
            .as_deref()
            .and_then(Path::parent)
            .unwrap_or(Path::new("."))
    }

    /// Resolve a path written in the config relative to the config file's directory
    /// (an absolute path, or any path without a config file, stays as it is).
    pub fn resolve(&self, path: &Path) -> PathBuf {
        match self.path.as_deref().and_then(Path::parent) {
            Some(dir) => dir.join(path),
            None => path.to_path_buf(),
        }
    }

    /// What a run of the config's checks needs: where relative paths start, the store
    /// and the system cadence (for the `cycle` check), the config's redactor.
    pub fn check_context(&self, store_path: Option<PathBuf>, now: i64) -> RunContext {
        RunContext {
            now,
            base_dir: self.base_dir().to_path_buf(),
            store_path,
            cycle_cadence: self.config.schedule.system,
            passed: Default::default(),
            redactor: self.config.alerts.redactor(),
            silenced: Default::default(),
            postgres: Default::default(),
        }
    }
}

/// `$XDG_DATA_HOME/hb`, or `~/.local/share/hb`.
pub fn data_dir() -> Result<PathBuf> {
    xdg_dir("XDG_DATA_HOME", ".local/share")
}

/// `$XDG_CONFIG_HOME/hb`, or `~/.config/hb`.
pub fn config_dir() -> Result<PathBuf> {
    xdg_dir("XDG_CONFIG_HOME", ".config")
}

fn xdg_dir(var: &str, home_fallback: &str) -> Result<PathBuf> {
    match std::env::var_os(var).filter(|v| !v.is_empty()) {
        Some(dir) => Ok(PathBuf::from(dir).join("hb")),
        None => {
            let home = std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .context("neither $XDG_DATA_HOME nor $HOME is set: pass --db and --config")?;
            Ok(PathBuf::from(home).join(home_fallback).join("hb"))
        }
    }
}

/// Find and load the config: `--config`/`HB_CONFIG` (must exist), else
/// `./heartbeat.toml`, else `$XDG_CONFIG_HOME/hb/heartbeat.toml`, else defaults.
pub fn load(explicit: Option<&Path>) -> Result<Loaded> {
    if let Some(path) = explicit {
        if !path.exists() {
            return Err(HbError::Config(format!(
                "config file {} does not exist: create it with `hb init` or fix --config/HB_CONFIG",
                path.display()
            ))
            .into());
        }
        return load_file(path);
    }
    let local = PathBuf::from(FILE_NAME);
    if local.is_file() {
        return load_file(&local);
    }
    if let Ok(dir) = config_dir() {
        let user = dir.join(FILE_NAME);
        if user.is_file() {
            return load_file(&user);
        }
    }
    Ok(Loaded::default())
}

pub fn load_file(path: &Path) -> Result<Loaded> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        HbError::Config(format!(
            "could not read config {}: {e} (check its permissions, or fix --config/HB_CONFIG)",
            path.display()
        ))
    })?;
    let mut config =
        parse(&text).map_err(|e| HbError::Config(e.render(&path.display().to_string())))?;
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    config.alerts.set_base_dir(path.parent());
    Ok(Loaded {
        config,
        path: Some(path),
    })
}

/// A config error with its position, rendered as `file:line: key `a.b`: message`.
#[derive(Debug)]
pub struct ParseError {
    pub line: Option<usize>,
    pub key: Option<String>,
    pub message: String,
}

impl ParseError {
    pub fn render(&self, file: &str) -> String {
        let mut out = format!("invalid config {file}");
        if let Some(line) = self.line {
            out.push_str(&format!(":{line}"));
        }
        if let Some(key) = &self.key {
            out.push_str(&format!(": key `{key}`"));
        }
        out.push_str(&format!(": {}", self.message));
        out
    }
}

pub fn parse(text: &str) -> Result<Config, ParseError> {
    let (mut config, written) = deserialize(text)?;
    let at = |issue: ConfigIssue| ParseError {
        line: issue.at.map(|at| at.line(text)),
        key: Some(issue.key),
        message: issue.message,
    };
    // What serde cannot check, each problem at its line: the alert channels and routes,
    // the checks, and the routes of checks (they name declared channels).
    config.alerts.validate().map_err(at)?;
    let specs = std::mem::take(&mut config.check_specs);
    let tables = specs
        .into_iter()
        .enumerate()
        .map(|(index, spec)| (spec, written.get(index).cloned().unwrap_or_default()))
        .collect();
    config.check = crate::checks::resolve(tables, config.schedule.protocol).map_err(at)?;
    for (index, check) in config.check.iter().enumerate() {
        if let Some(route) = &check.common.route {
            config
                .alerts
                .check_channel_names(route)
                .map_err(|message| {
                    at(ConfigIssue {
                        at: Some(Position::Line(check.common.written.line_of("route"))),
                        key: format!("check[{index}].route"),
                        message,
                    })
                })?;
        }
    }
    let names: Vec<&str> = config
        .check
        .iter()
        .map(|c| c.common.name.as_str())
        .collect();
    let windows = std::mem::take(&mut config.silence_specs);
    config.silences = crate::silence::resolve_windows(windows, &names).map_err(at)?;
    let spec = std::mem::take(&mut config.brief_spec);
    let alerts = &config.alerts;
    config.brief =
        crate::brief::resolve(spec, |name| alerts.check_channel_names(&[name.to_string()]))
            .map_err(at)?;
    let (sources, values) = secrets_outside_channels(&config);
    config.alerts.note_secrets(sources, values);
    Ok(config)
}

/// Where each `[[check]]` table and its keys are written, from the parsed document's
/// spans.
fn check_tables(text: &str, document: &DeTable<'_>) -> Vec<Written> {
    let Some(checks) = document
        .iter()
        .find(|(key, _)| key.get_ref() == "check")
        .and_then(|(_, value)| value.get_ref().as_array())
    else {
        return Vec::new();
    };
    let lines = Lines::new(text);
    checks
        .iter()
        .map(|table| {
            let mut keys: Vec<(String, usize)> = table
                .get_ref()
                .as_table()
                .into_iter()
                .flat_map(|keys| keys.keys())
                .map(|key| (key.get_ref().to_string(), lines.line_of(key.span().start)))
                .collect();
            keys.sort_by_key(|(_, line)| *line);
            Written {
                line: lines.line_of(table.span().start),
                keys,
            }
        })
        .collect()
}

/// The secrets the config names outside `[[alerts.channel]]`: each `${VAR}` of the
/// checks' URLs, headers and PostgreSQL conninfos, their `password_env`s (and the
/// runlog's), and the dead-man URL (written, or from `url_env`).
fn secrets_outside_channels(config: &Config) -> (Vec<SecretSource>, Vec<Secret>) {
    let mut sources: Vec<SecretSource> = config
        .check
        .iter()
        .flat_map(Check::secret_vars)
        .map(SecretSource::Env)
        .collect();
    if let Some(var) = &config.deadman.url_env {
        sources.push(SecretSource::Env(var.clone()));
    }
    if let Some(runlog) = &config.runlog {
        sources.extend(runlog.secret_vars().into_iter().map(SecretSource::Env));
    }
    let values = config.deadman.url.iter().map(Secret::new).collect();
    (sources, values)
}

/// The config and where its `[[check]]` tables are written, from one parse of `text`.
fn deserialize(text: &str) -> Result<(Config, Vec<Written>), ParseError> {
    let error = |path: String, err: toml::de::Error| ParseError {
        line: err.span().map(|span| line_of(text, span.start)),
        key: (!path.is_empty() && path != ".").then_some(path),
        message: err.message().trim().to_string(),
    };
    let document = DeTable::parse(text).map_err(|err| error(String::new(), err))?;
    let written = check_tables(text, document.get_ref());
    let config = serde_path_to_error::deserialize(toml::de::Deserializer::from(document)).map_err(
        |err| {
            let path = err.path().to_string();
            error(path, err.into_inner())
        },
    )?;
    Ok((config, written))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::model::CheckKind;
    use crate::duration::*;
    use std::time::Duration;

    #[test]
    fn defaults_when_empty() {
        let config = parse("").unwrap();
        assert_eq!(config.property.stale_days, StaleDays::default());
        assert_eq!(config.store.retention_days, 30);
        assert_eq!(config.modules.market.every, Span::secs(3600));
    }

    #[test]
    fn unknown_key_names_line_and_key() {
        let err =
            parse("[store]\nretention_days = 3\n\n[property.stale_days]\nneww = 4\n").unwrap_err();
        assert_eq!(err.line, Some(5));
        assert_eq!(err.key.as_deref(), Some("property.stale_days.neww"));
        assert!(
            err.message.contains("unknown field `neww`"),
            "{}",
            err.message
        );
    }

    #[test]
    fn bad_value_names_line_and_key() {
        let err = parse("[modules.market]\nevery = \"soon\"\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert_eq!(err.key.as_deref(), Some("modules.market.every"));
        assert!(err.message.contains("invalid duration"), "{}", err.message);
        let rendered = err.render("hb.toml");
        assert!(
            rendered.starts_with("invalid config hb.toml:2: key `modules.market.every`"),
            "{rendered}"
        );
    }

    #[test]
    fn deadman_and_export_are_typed() {
        let config = parse(
            "[deadman]\nurl_env = \"HB_DEADMAN_URL\"\ntimeout = \"2s\"\n\n[export]\nprometheus_textfile = \"hb.prom\"\n",
        )
        .unwrap();
        assert_eq!(config.deadman.url_env.as_deref(), Some("HB_DEADMAN_URL"));
        assert_eq!(config.deadman.timeout, Span::secs(2));
        assert_eq!(
            config.export.prometheus_textfile,
            Some(PathBuf::from("hb.prom"))
        );
        let err = parse("[export]\nprometheus = \"x\"\n").unwrap_err();
        assert_eq!(err.key.as_deref(), Some("export.prometheus"));
        let err = parse("[deadman]\nuri = \"http://x/1\"\n").unwrap_err();
        assert_eq!(err.key.as_deref(), Some("deadman.uri"));
        let err = parse("\n[deadman]\nurl = \"http://x/1\"\nurl_env = \"U\"\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(
            err.message.contains("either `url` or `url_env`"),
            "{}",
            err.message
        );
    }

    /// Every duration key, with extreme values: each is refused at its line and key
    /// with its range, or accepted within it; and no accepted value makes the time
    /// arithmetic that uses it overflow, whatever the clock says.
    #[test]
    fn duration_keys_reject_extremes_and_sums_never_overflow() {
        type Get = fn(&Config) -> Span;
        let check = "[[check]]\nname = \"c\"\ngroup = \"system\"\n";
        let file_age = format!("{check}type = \"file_age\"\npath = \"x\"\n");
        let remedied = format!("{file_age}on_failure = [[\"true\"]]\nrecheck = true\n");
        let cycle = format!("{check}type = \"cycle\"\n");
        let channel = "[[alerts.channel]]\nname = \"c\"\ntype = \"stderr\"\n".to_string();
        let keys: Vec<(String, &str, DurationRange, Get)> = vec![
            ("[schedule]\n".into(), "system", CADENCE, |c| {
                c.schedule.system
            }),
            ("[schedule]\n".into(), "protocol", CADENCE, |c| {
                c.schedule.protocol
            }),
            ("[modules.portfolio]\n".into(), "every", CADENCE, |c| {
                c.modules.portfolio.every
            }),
            ("[modules.portfolio]\n".into(), "full_every", PERIOD, |c| {
                c.modules.portfolio.full_every
            }),
            ("[modules.market]\n".into(), "every", CADENCE, |c| {
                c.modules.market.every
            }),
            ("[modules.market]\n".into(), "price_window", PERIOD, |c| {
                c.modules.market.price_window
            }),
            ("[modules.relationships]\n".into(), "every", CADENCE, |c| {
                c.modules.relationships.every
            }),
            ("[alerts]\n".into(), "give_up_after", PERIOD, |c| {
                c.alerts.give_up_after
            }),
            ("[alerts.routes]\n".into(), "renotify_after", PERIOD, |c| {
                c.alerts.routes.renotify_after
            }),
            ("[deadman]\n".into(), "timeout", TIME_LIMIT, |c| {
                c.deadman.timeout
            }),
            (channel, "timeout", TIME_LIMIT, |c| {
                Span(c.alerts.channels()[0].timeout)
            }),
            (
                format!("{file_age}max_age = \"1h\"\n"),
                "every",
                CADENCE,
                |c| c.check[0].common.every,
            ),
            (
                format!("{file_age}max_age = \"1h\"\n"),
                "timeout",
                TIME_LIMIT,
                |c| c.check[0].common.timeout,
            ),
            (file_age.clone(), "max_age", PERIOD, |c| {
                match &c.check[0].kind {
                    CheckKind::FileAge(file_age) => file_age.max_age,
                    other => panic!("not file_age: {other:?}"),
                }
            }),
            (
                format!("{remedied}max_age = \"1h\"\n"),
                "remediation_timeout",
                TIME_LIMIT,
                |c| c.check[0].common.remediation_timeout,
            ),
            (
                format!("{remedied}max_age = \"1h\"\n"),
                "recheck_delay",
                WAIT,
                |c| c.check[0].common.recheck.unwrap().delay.unwrap(),
            ),
            (cycle, "window", PERIOD, |c| match &c.check[0].kind {
                CheckKind::Cycle(cycle) => cycle.window,
                other => panic!("not cycle: {other:?}"),
            }),
        ];
        let values = [
            "18446744073709551615s",
            "9223372036854775808s",
            "9223372036854775807s",
            "106751991167301d",
            "3661d",
            "3660d",
            "367d",
            "366d",
            "3601s",
            "1h",
            "1s",
            "500ms",
            "1ms",
            "1ns",
        ];
        let nows = [i64::MIN, -1, 0, 1_795_000_000, i64::MAX];
        for (prefix, key, range, get) in &keys {
            for value in values {
                let text = format!("{prefix}{key} = \"{value}\"\n");
                let line = text.lines().count();
                let parsed = humantime::parse_duration(value).ok();
                let fits = parsed.is_some_and(|d| d >= range.min && d <= range.max);
                // A channel's send must also fit in the default delivery budget (1m).
                let budget = Duration::from_secs(60);
                let channel_over_budget =
                    prefix.starts_with("[[alerts.channel]]") && parsed.is_some_and(|d| d > budget);
                if fits && channel_over_budget {
                    let err = parse(&text).expect_err("a channel timeout over the budget");
                    assert!(err.message.contains("delivery_budget"), "{err:?}");
                    continue;
                }
                match parse(&text) {
                    Ok(config) => {
                        assert!(fits, "{key} = {value} was accepted outside {range:?}");
                        let every = get(&config);
                        assert_eq!(Some(every.0), parsed, "{key} = {value}");
                        let secs = every.as_secs();
                        assert!((0..=i64::from(MAX_DAYS) * 86_400).contains(&secs));
                        for now in nows {
                            let due = crate::cadence::next_due(Some(now), secs);
                            assert!(due.is_some());
                            let _ = crate::cadence::is_due(Some(now), secs, now);
                            let _ = now.saturating_sub(secs);
                            let _ = crate::clock::deadline(every.0);
                        }
                    }
                    Err(err) => {
                        assert!(!fits, "{key} = {value} refused inside {range:?}: {err:?}");
                        assert_eq!(err.line, Some(line), "{key} = {value}: {err:?}");
                        assert!(
                            err.key.as_deref().is_some_and(|k| k.ends_with(key)),
                            "{key} = {value}: {err:?}"
                        );
                        if parsed.is_some_and(|d| !d.is_zero()) {
                            assert!(
                                err.message.contains(&format!("{} is ", range.what)),
                                "{key} = {value}: {}",
                                err.message
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn day_counts_have_a_range() {
        for (text, key) in [
            (
                "[property.stale_days]\nnew = 4000\n",
                "property.stale_days.new",
            ),
            (
                "[property.stale_days]\nenriched = nan\n",
                "property.stale_days.enriched",
            ),
            (
                "[insights]\ndeadline_ladder_days = [1e300]\n",
                "insights.deadline_ladder_days",
            ),
            (
                "[insights]\nhigh_score_idle_days = inf\n",
                "insights.high_score_idle_days",
            ),
            ("[store]\nretention_days = 0\n", "store.retention_days"),
            ("[store]\nretention_days = 4000\n", "store.retention_days"),
        ] {
            let err = parse(text).unwrap_err();
            assert_eq!(err.key.as_deref(), Some(key), "{text}");
            assert_eq!(err.line, Some(2), "{text}");
            assert!(err.message.contains("out of range"), "{}", err.message);
        }
        assert_eq!(
            parse("[insights]\nunsigned_after_days = 0.5\n")
                .unwrap()
                .insights
                .unsigned_after_days,
            0.5
        );
    }

    #[test]
    fn one_redactor_knows_every_secret_of_the_config() {
        // Names no other test uses: the environment is shared by the test threads.
        std::env::set_var("HB_UNIT_REDACT_HEADER", "header-secret-1");
        std::env::set_var("HB_UNIT_REDACT_URL", "url-secret-2");
        std::env::set_var(
            "HB_UNIT_REDACT_DEADMAN",
            "https://hc.example/ping/deadman-uuid-3",
        );
        std::env::set_var("HB_UNIT_REDACT_PASSWORD", "smtp-secret-4");
        let config = parse(
            r#"
[[check]]
name = "api"
group = "system"
type = "http"
url = "http://127.0.0.1:1/?k=${HB_UNIT_REDACT_URL}"
headers = { X-Api-Key = "${HB_UNIT_REDACT_HEADER}" }

[deadman]
url_env = "HB_UNIT_REDACT_DEADMAN"

[[alerts.channel]]
name = "mail"
type = "email"
smtp_host = "127.0.0.1"
from = "hb@example.com"
to = ["ops@example.com"]
username = "hb"
password_env = "HB_UNIT_REDACT_PASSWORD"
"#,
        )
        .unwrap();
        let redactor = config.alerts.redactor();
        assert_eq!(
            redactor.redact(
                "header-secret-1 url-secret-2 https://hc.example/ping/deadman-uuid-3 smtp-secret-4"
            ),
            "*** *** *** ***"
        );
        assert!(!format!("{config:?}").contains("header-secret-1"));
        let literal =
            parse("[deadman]\nurl = \"https://hc.example/ping/literal-uuid-5\"\n").unwrap();
        assert_eq!(
            literal
                .alerts
                .redactor()
                .redact("GET https://hc.example/ping/literal-uuid-5/fail"),
            "GET ***/fail"
        );
    }

    /// PostgreSQL passwords (checks' and the runlog's `password_env`) and a connection
    /// string from the environment are secrets like any other.
    #[test]
    fn the_redactor_knows_postgres_passwords() {
        std::env::set_var("HB_UNIT_PG_CHECK_PASSWORD", "pg-check-secret-6");
        std::env::set_var("HB_UNIT_PG_RUNLOG_PASSWORD", "pg-runlog-secret-7");
        std::env::set_var("HB_UNIT_PG_URL", "postgres://app:pg-url-secret-8@db/app");
        let config = parse(
            r#"
[runlog]
database = "postgres://hb_writer@127.0.0.1/app"
password_env = "HB_UNIT_PG_RUNLOG_PASSWORD"

[[check]]
name = "q"
group = "queue"
type = "sql"
database = "postgres://hb_reader@127.0.0.1/app"
password_env = "HB_UNIT_PG_CHECK_PASSWORD"
query = "SELECT 1"

[[check]]
name = "rls"
group = "security"
type = "rls"
database = "${HB_UNIT_PG_URL}"
"#,
        )
        .unwrap();
        assert_eq!(
            config.alerts.redactor().redact(
                "pg-check-secret-6 pg-runlog-secret-7 postgres://app:pg-url-secret-8@db/app"
            ),
            "*** *** ***"
        );
    }

    #[test]
    fn the_deadline_ladder_is_days_ahead_widest_first() {
        let config = parse("[insights]\ndeadline_ladder_days = [1, 14, 3]\n").unwrap();
        assert_eq!(
            config.insights.deadline_ladder_days.steps(),
            [14.0, 3.0, 1.0]
        );
        assert_eq!(
            parse("").unwrap().insights.deadline_ladder_days.steps(),
            [7.0, 3.0, 1.0]
        );
        let err = parse("[insights]\ndeadline_within_days = 7\n").unwrap_err();
        assert!(
            err.message.contains("deadline_ladder_days = [7, 3, 1]"),
            "{}",
            err.message
        );
        for (bad, says) in [
            ("[]", "at least one"),
            ("[3, 0]", "above 0"),
            ("[3, 3]", "once"),
        ] {
            let err = parse(&format!("[insights]\ndeadline_ladder_days = {bad}\n")).unwrap_err();
            assert_eq!(err.key.as_deref(), Some("insights.deadline_ladder_days"));
            assert!(err.message.contains(says), "{bad}: {}", err.message);
        }
    }

    #[test]
    fn stale_days_are_configurable() {
        let config = parse("[property.stale_days]\nnew = 1\n").unwrap();
        assert_eq!(config.property.stale_days.new, 1.0);
        assert_eq!(config.property.stale_days.enriched, 5.0);
    }
}
