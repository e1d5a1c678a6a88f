//! `hb schedule`: ready-to-install cron lines and systemd units for the two cadences.
//!
//! Pure: the caller supplies the binary, the config and store paths and the cadences.
//! Two jobs: the system heartbeat (`hb cycle`, `[schedule] system`, 5m by default) and
//! the full protocol (`hb cycle --all`, `[schedule] protocol`, 4h). The protocol run is
//! placed half a system period off the system beat, so the two never start together and
//! one of them find the cycle lock taken.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Result};
use serde::Serialize;

use crate::clock;

/// What the entries need to know.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Absolute path of the hb binary.
    pub exe: PathBuf,
    /// The config file in use, absolute; `None`: built-in defaults.
    pub config: Option<PathBuf>,
    /// The store, passed as `--db` when there is no config or it was given explicitly.
    pub db: Option<PathBuf>,
    /// The store in use, absolute: `hb serve`'s unit may write beside it (SQLite's
    /// `-wal` and `-shm` files) and nowhere else.
    pub store: PathBuf,
    pub system: Duration,
    pub protocol: Duration,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Job {
    /// `cycle` or `protocol`: also the unit names `hb-cycle.*`, `hb-protocol.*`.
    pub name: &'static str,
    pub description: String,
    pub every: String,
    /// The command line, binary first.
    pub command: Vec<String>,
    /// Where in the period it starts, in minutes (the protocol's offset).
    #[serde(skip)]
    pub offset_minutes: u64,
    #[serde(skip)]
    pub period: Duration,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitFile {
    /// Where it goes, for the operator: `~/.config/systemd/user/hb-cycle.service`.
    pub path: String,
    pub content: String,
}

pub const UNIT_DIR: &str = "~/.config/systemd/user";

impl Plan {
    /// The two jobs; `quiet` adds `-q` (cron mails any output, the journal keeps it).
    pub fn jobs(&self, quiet: bool) -> Vec<Job> {
        let q: &[&str] = if quiet { &["-q"] } else { &[] };
        let system_minutes = self.system.as_secs() / 60;
        vec![
            Job {
                name: "cycle",
                description: "hb system heartbeat: one cycle of the modules that are due".into(),
                every: clock::format_duration(self.system),
                command: self.command(&[&["cycle"], q].concat()),
                offset_minutes: 0,
                period: self.system,
            },
            Job {
                name: "protocol",
                description: "hb full protocol: one cycle of every module and check".into(),
                every: clock::format_duration(self.protocol),
                command: self.command(&[&["cycle", "--all"], q].concat()),
                offset_minutes: (system_minutes / 2) % 60,
                period: self.protocol,
            },
        ]
    }

    fn command(&self, args: &[&str]) -> Vec<String> {
        let mut command = vec![self.exe.display().to_string()];
        if let Some(config) = &self.config {
            command.push("--config".into());
            command.push(config.display().to_string());
        }
        if let Some(db) = &self.db {
            command.push("--db".into());
            command.push(db.display().to_string());
        }
        command.extend(args.iter().map(|a| a.to_string()));
        command
    }

    fn source_comment(&self) -> String {
        let mut lines = Vec::new();
        match &self.config {
            Some(config) => lines.push(format!("# Config: {}", config.display())),
            None => lines.push(
                "# No config file is in use (built-in defaults): the store is passed with --db."
                    .to_string(),
            ),
        }
        if let (Some(db), Some(_)) = (&self.db, &self.config) {
            lines.push(format!(
                "# Store: {} (given by --db/HB_DB, so passed explicitly)",
                db.display()
            ));
        }
        lines.join("\n")
    }
}

/// A crontab: a header of comments and one line per job.
pub fn render_cron(plan: &Plan) -> Result<String> {
    let mut out = String::new();
    out.push_str(
        "# hb timers for cron. Add them with `crontab -e`, or keep your other entries with:\n\
         #   (crontab -l; hb schedule cron) | crontab -\n\
         # -q: cron mails whatever a job prints; hb then prints only when a cycle fails or\n\
         # cannot run. Secrets the config reads from the environment (*_env keys) must be\n\
         # set at the top of the crontab, e.g. HB_DEADMAN_URL=https://...\n",
    );
    out.push_str(&plan.source_comment());
    out.push('\n');
    for job in plan.jobs(true) {
        let schedule = cron_schedule(job.period, job.offset_minutes)?;
        let words: Vec<String> = job.command.iter().map(|w| cron_quote(w)).collect();
        out.push_str(&format!("# {}, every {}\n", job.description, job.every));
        out.push_str(&format!("{schedule} {}\n", words.join(" ")));
    }
    Ok(out)
}

/// The five cron fields for "every `period`, `offset` minutes into it".
pub fn cron_schedule(period: Duration, offset_minutes: u64) -> Result<String> {
    match Cadence::of(period)? {
        Cadence::Minutes(m) => {
            let offset = offset_minutes % m;
            Ok(match (m, offset) {
                (1, _) => "* * * * *".to_string(),
                (m, 0) => format!("*/{m} * * * *"),
                (m, o) => format!("{o}-59/{m} * * * *"),
            })
        }
        Cadence::Hours(1) => Ok(format!("{offset_minutes} * * * *")),
        Cadence::Hours(h) => Ok(format!("{offset_minutes} */{h} * * *")),
        Cadence::Daily => Ok(format!("{offset_minutes} 0 * * *")),
    }
}

/// systemd's `OnCalendar=` for the same instants as [`cron_schedule`].
pub fn calendar_spec(period: Duration, offset_minutes: u64) -> Result<String> {
    match Cadence::of(period)? {
        Cadence::Minutes(m) => Ok(format!("*:{:02}/{m}", offset_minutes % m)),
        Cadence::Hours(1) => Ok(format!("*:{offset_minutes:02}")),
        Cadence::Hours(h) => Ok(format!("00/{h}:{offset_minutes:02}")),
        Cadence::Daily => Ok(format!("00:{offset_minutes:02}")),
    }
}

/// The periods a wall-clock schedule can express exactly: a divisor of an hour or of a day.
enum Cadence {
    Minutes(u64),
    Hours(u64),
    Daily,
}

impl Cadence {
    fn of(period: Duration) -> Result<Cadence> {
        let secs = period.as_secs();
        let minutes = secs / 60;
        let cadence = if !secs.is_multiple_of(60) || minutes == 0 {
            None
        } else if minutes < 60 {
            60u64
                .is_multiple_of(minutes)
                .then_some(Cadence::Minutes(minutes))
        } else if minutes.is_multiple_of(60) && minutes / 60 < 24 {
            let hours = minutes / 60;
            24u64.is_multiple_of(hours).then_some(Cadence::Hours(hours))
        } else if minutes == 24 * 60 {
            Some(Cadence::Daily)
        } else {
            None
        };
        match cadence {
            Some(c) => Ok(c),
            None => bail!(
                "a cadence of {} cannot be written as a wall-clock schedule: use one that divides \
                 an hour (1m, 2m, 5m, 10m, 15m, 30m) or a day (1h, 2h, 4h, 6h, 12h, 1d) in [schedule]",
                clock::format_duration(period)
            ),
        }
    }
}

/// `hb serve`'s long-running service: restarted when it fails, sandboxed to read the
/// system and write only beside the store.
pub fn render_serve_unit(plan: &Plan) -> UnitFile {
    let exec: Vec<String> = plan
        .command(&["serve"])
        .iter()
        .map(|w| systemd_quote(w))
        .collect();
    let store_dir = plan
        .store
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("/"));
    UnitFile {
        path: format!("{UNIT_DIR}/hb-serve.service"),
        content: format!(
            "[Unit]\n\
             Description=hb health endpoints: read-only HTTP (hb serve)\n\
             Documentation=man:hb-serve(1)\n\
             After=network.target\n\
             \n\
             [Service]\n\
             Type=simple\n\
             ExecStart={exec}\n\
             Restart=on-failure\n\
             RestartSec=5s\n\
             # Listening beyond loopback ([serve] listen) needs the token in the variable that\n\
             # [serve] token_env names, e.g. from a file only you can read:\n\
             # EnvironmentFile=%h/.config/hb/env\n\
             # Sandboxing: it only reads, but SQLite keeps the store's -wal and -shm files next\n\
             # to it, so the store's directory stays writable.\n\
             NoNewPrivileges=yes\n\
             ProtectSystem=strict\n\
             ProtectHome=read-only\n\
             ReadWritePaths=-{store_dir}\n\
             PrivateTmp=yes\n\
             PrivateDevices=yes\n\
             ProtectKernelTunables=yes\n\
             ProtectKernelModules=yes\n\
             ProtectControlGroups=yes\n\
             RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX\n\
             RestrictNamespaces=yes\n\
             RestrictRealtime=yes\n\
             LockPersonality=yes\n\
             MemoryDenyWriteExecute=yes\n\
             SystemCallArchitectures=native\n\
             \n\
             [Install]\n\
             WantedBy=default.target\n",
            exec = exec.join(" "),
            store_dir = systemd_path(store_dir),
        ),
    }
}

/// A path in a space-separated list of paths (`ReadWritePaths=`): `%` specifiers escaped,
/// quoted when it holds a space.
fn systemd_path(path: &Path) -> String {
    let text = path.display().to_string().replace('%', "%%");
    if text.contains(char::is_whitespace) {
        format!("\"{}\"", text.replace('\\', r"\\").replace('"', "\\\""))
    } else {
        text
    }
}

/// A service and a timer unit per job, then `hb serve`'s service.
pub fn render_systemd(plan: &Plan) -> Result<Vec<UnitFile>> {
    // Spread many hosts' timers a little, never as far as the protocol's offset.
    let delay = Duration::from_secs((plan.system.as_secs() / 10).clamp(1, 300));
    let mut files = Vec::new();
    for job in plan.jobs(false) {
        let calendar = calendar_spec(job.period, job.offset_minutes)?;
        let exec: Vec<String> = job.command.iter().map(|w| systemd_quote(w)).collect();
        files.push(UnitFile {
            path: format!("{UNIT_DIR}/hb-{}.service", job.name),
            content: format!(
                "[Unit]\n\
                 Description={description}\n\
                 Documentation=man:hb-cycle(1)\n\
                 # When hb cannot run, its own alerts cannot either: let systemd tell someone,\n\
                 # e.g. with a unit that mails the journal of the failed unit:\n\
                 # OnFailure=hb-failure-mail@%n.service\n\
                 \n\
                 [Service]\n\
                 Type=oneshot\n\
                 ExecStart={exec}\n\
                 # Secrets the config reads from the environment (*_env keys, e.g. the dead-man URL):\n\
                 # EnvironmentFile=%h/.config/hb/env\n",
                description = job.description,
                exec = exec.join(" "),
            ),
        });
        files.push(UnitFile {
            path: format!("{UNIT_DIR}/hb-{}.timer", job.name),
            content: format!(
                "[Unit]\n\
                 Description=Run {name} every {every}\n\
                 \n\
                 [Timer]\n\
                 OnCalendar={calendar}\n\
                 # Run once at boot when the machine was off at the last due time.\n\
                 Persistent=true\n\
                 RandomizedDelaySec={delay}\n\
                 \n\
                 [Install]\n\
                 WantedBy=timers.target\n",
                name = format_args!("hb-{}.service", job.name),
                every = job.every,
                delay = clock::format_duration(delay),
            ),
        });
    }
    files.push(render_serve_unit(plan));
    Ok(files)
}

/// The units as one text: a header, then each file after a `# file: PATH` line.
pub fn render_systemd_text(plan: &Plan, files: &[UnitFile]) -> String {
    let names: Vec<&str> = files
        .iter()
        .filter_map(|f| f.path.strip_prefix(&format!("{UNIT_DIR}/")))
        .filter(|name| name.ends_with(".timer"))
        .collect();
    let mut out = format!(
        "# hb timers for systemd: a service and a timer for each cadence, and hb serve.\n\
         # Save each block below to the path on its `# file:` line, then:\n\
         #   systemctl --user daemon-reload\n\
         #   systemctl --user enable --now {timers}\n\
         #   systemctl --user enable --now hb-serve.service   # the health endpoints, if wanted\n\
         #   loginctl enable-linger \"$USER\"   # keep them running while you are logged out\n\
         # System-wide instead: put the files in /etc/systemd/system, add User= under\n\
         # [Service], and drop --user.\n\
         {source}\n",
        timers = names.join(" "),
        source = plan.source_comment(),
    );
    for file in files {
        out.push_str(&format!("\n# file: {}\n{}", file.path, file.content));
    }
    out
}

/// A word for a crontab line: cron hands the line to /bin/sh, and `%` means newline there.
fn cron_quote(word: &str) -> String {
    let quoted = if is_plain(word) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    };
    quoted.replace('%', r"\%")
}

/// A word for `ExecStart=`: systemd splits on spaces, expands `%` specifiers and `$VARS`.
fn systemd_quote(word: &str) -> String {
    let escaped = word.replace('%', "%%").replace('$', "$$");
    if is_plain(word) {
        escaped
    } else {
        format!("\"{}\"", escaped.replace('\\', r"\\").replace('"', "\\\""))
    }
}

fn is_plain(word: &str) -> bool {
    !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+=:,@%$".contains(c))
}

/// An absolute path, without touching the file system.
pub fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        Plan {
            exe: "/usr/local/bin/hb".into(),
            config: Some("/etc/hb/heartbeat.toml".into()),
            db: None,
            store: "/var/lib/hb/heartbeat.db".into(),
            system: Duration::from_secs(300),
            protocol: Duration::from_secs(4 * 3600),
        }
    }

    #[test]
    fn default_cadences() {
        let cron = render_cron(&plan()).unwrap();
        let lines: Vec<&str> = cron.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(
            lines,
            [
                "*/5 * * * * /usr/local/bin/hb --config /etc/hb/heartbeat.toml cycle -q",
                "2 */4 * * * /usr/local/bin/hb --config /etc/hb/heartbeat.toml cycle --all -q",
            ]
        );
        let units = render_systemd(&plan()).unwrap();
        assert_eq!(units.len(), 5);
        let serve = &units[4];
        assert_eq!(serve.path, "~/.config/systemd/user/hb-serve.service");
        assert!(serve
            .content
            .contains("ExecStart=/usr/local/bin/hb --config /etc/hb/heartbeat.toml serve\n"));
        assert!(serve.content.contains("Restart=on-failure\n"));
        assert!(serve.content.contains("ReadWritePaths=-/var/lib/hb\n"));
        assert_eq!(
            systemd_path(Path::new("/srv/my hb/50%")),
            "\"/srv/my hb/50%%\""
        );
        assert!(units[1].content.contains("OnCalendar=*:00/5\n"));
        assert!(units[3].content.contains("OnCalendar=00/4:02\n"));
        assert!(units[1].content.contains("RandomizedDelaySec=30s\n"));
    }

    #[test]
    fn schedules_for_other_cadences() {
        let m = |s: u64| Duration::from_secs(s * 60);
        assert_eq!(cron_schedule(m(1), 0).unwrap(), "* * * * *");
        assert_eq!(cron_schedule(m(15), 5).unwrap(), "5-59/15 * * * *");
        assert_eq!(cron_schedule(m(60), 30).unwrap(), "30 * * * *");
        assert_eq!(cron_schedule(m(1440), 2).unwrap(), "2 0 * * *");
        assert_eq!(calendar_spec(m(15), 5).unwrap(), "*:05/15");
        assert_eq!(calendar_spec(m(60), 30).unwrap(), "*:30");
        assert_eq!(calendar_spec(m(1440), 2).unwrap(), "00:02");
        for bad in [m(7), m(90), m(5 * 60), m(2 * 1440), Duration::from_secs(90)] {
            let err = cron_schedule(bad, 0).unwrap_err().to_string();
            assert!(err.contains("divides an hour"), "{err}");
        }
    }

    #[test]
    fn no_config_passes_the_store_and_says_so() {
        let plan = Plan {
            config: None,
            db: Some("/home/op/.local/share/hb/heartbeat.db".into()),
            ..plan()
        };
        let cron = render_cron(&plan).unwrap();
        assert!(cron.contains("# No config file is in use"), "{cron}");
        assert!(
            cron.contains("/usr/local/bin/hb --db /home/op/.local/share/hb/heartbeat.db cycle -q")
        );
    }

    #[test]
    fn odd_paths_are_quoted() {
        assert_eq!(cron_quote("/opt/my hb/hb"), "'/opt/my hb/hb'");
        assert_eq!(cron_quote("/opt/100%/hb"), r"/opt/100\%/hb");
        assert_eq!(cron_quote("it's"), r"'it'\''s'");
        assert_eq!(systemd_quote("/opt/my hb/hb"), "\"/opt/my hb/hb\"");
        assert_eq!(systemd_quote("/opt/100%/$x"), "/opt/100%%/$$x");
    }
}
