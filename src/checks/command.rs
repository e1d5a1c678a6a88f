//! `command`: run a program with Nagios plugin conventions (exit 0/1/2/3 = ok/warning/
//! critical/unknown, first line the message, perfdata after `|`), and the runner of
//! remediation commands. Both kill the whole process group when the time is up.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use wait_timeout::ChildExt;

use super::{ActionResult, CheckConfig, Metric, Observation, Reading, RunContext, Status};

/// Output kept from a program: plugins print a line or two; more is noise.
const MAX_OUTPUT: usize = 64 * 1024;
/// How long to wait for a finished program's pipes when a background child still holds them.
const PIPE_GRACE: Duration = Duration::from_millis(500);

/// What running a program gave.
#[derive(Debug)]
pub struct Finished {
    /// None when killed at the timeout.
    pub exit_code: Option<i32>,
    pub timed_out: bool,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

/// Run `argv` in `dir` with stdin closed; kill its process group at `timeout`.
pub fn run(argv: &[String], timeout: Duration, dir: &Path) -> std::io::Result<Finished> {
    let (program, args) = argv
        .split_first()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "empty command"))?;
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        // Its own group, so a timeout also kills what a shell script started.
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    let started = Instant::now();
    let mut child = command.spawn()?;
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let (exit_code, timed_out) = match child.wait_timeout(timeout)? {
        Some(status) => (status.code(), false),
        None => {
            kill_group(&mut child);
            (None, true)
        }
    };
    let elapsed = started.elapsed();
    Ok(Finished {
        exit_code,
        timed_out,
        stdout: stdout.recv_timeout(PIPE_GRACE).unwrap_or_default(),
        stderr: stderr.recv_timeout(PIPE_GRACE).unwrap_or_default(),
        elapsed,
    })
}

/// Read a pipe to its end on a thread (so a chatty program never blocks on a full pipe),
/// keeping the first `MAX_OUTPUT` bytes.
fn drain(pipe: Option<impl Read + Send + 'static>) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    if let Some(mut pipe) = pipe {
        std::thread::spawn(move || {
            let mut kept = Vec::new();
            let mut buf = [0u8; 8192];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let room = MAX_OUTPUT.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
            }
            let _ = tx.send(String::from_utf8_lossy(&kept).into_owned());
        });
    } else {
        let _ = tx.send(String::new());
    }
    rx
}

fn kill_group(child: &mut Child) {
    #[cfg(unix)]
    {
        let pid = rustix::process::Pid::from_child(child);
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
    let _ = child.kill();
    let _ = child.wait();
}

pub fn observe(check: &CheckConfig, ctx: &RunContext) -> Observation {
    let Some(line) = &check.command else {
        return Observation::unknown("no command");
    };
    let argv = line.argv(check.shell);
    let finished = match run(&argv, check.timeout.0, &ctx.base_dir) {
        Ok(finished) => finished,
        Err(err) => return Observation::unknown(format!("cannot run {}: {err}", argv[0])),
    };
    let latency = finished.elapsed;
    if finished.timed_out {
        return Observation::failed(format!(
            "timed out after {}: killed {}",
            check.timeout,
            line.display()
        ))
        .with_latency(latency);
    }
    let (message, metrics) = parse_plugin_output(&finished.stdout);
    let message = if message.is_empty() {
        finished
            .stderr
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_string()
    } else {
        message
    };
    let status = match finished.exit_code {
        Some(0) => Status::Ok,
        Some(1) => Status::Warning,
        Some(2) => Status::Critical,
        _ => Status::Unknown,
    };
    let message = match (status, finished.exit_code, message.is_empty()) {
        (Status::Unknown, Some(code), _) if code != 3 => format!("exit {code}: {message}")
            .trim_end_matches(": ")
            .to_string(),
        (Status::Unknown, None, _) => "killed by a signal".to_string(),
        (_, Some(code), true) => format!("exit {code}"),
        _ => message,
    };
    let reading = metrics.first().map(|m| Reading::Number(m.value));
    Observation {
        status,
        message,
        reading,
        latency_ms: Some(latency.as_millis() as u64),
        metrics,
        judged: false,
    }
}

/// Run one remediation command; its result goes into the run's log.
pub fn run_action(argv: &[String], timeout: Duration, dir: &Path) -> ActionResult {
    match run(argv, timeout, dir) {
        Ok(finished) => {
            let mut output = finished.stdout.trim().to_string();
            let stderr = finished.stderr.trim();
            if !stderr.is_empty() {
                if !output.is_empty() {
                    output.push('\n');
                }
                output.push_str(stderr);
            }
            ActionResult {
                command: argv.to_vec(),
                exit_code: finished.exit_code,
                timed_out: finished.timed_out,
                duration_ms: finished.elapsed.as_millis() as u64,
                output: first_lines(&output, 5),
            }
        }
        Err(err) => ActionResult {
            command: argv.to_vec(),
            exit_code: None,
            timed_out: false,
            duration_ms: 0,
            output: format!(
                "cannot run {}: {err}",
                argv.first().map(String::as_str).unwrap_or("")
            ),
        },
    }
}

fn first_lines(text: &str, n: usize) -> String {
    let mut lines: Vec<&str> = text.lines().take(n + 1).collect();
    if lines.len() > n {
        lines.truncate(n);
        lines.push("...");
    }
    lines.join("\n")
}

/// Nagios plugin output: the message is the first line up to `|`; perfdata follows the
/// `|` of the first line and the first `|` of the long text after it.
pub fn parse_plugin_output(stdout: &str) -> (String, Vec<Metric>) {
    let mut lines = stdout.lines();
    let first = lines.next().unwrap_or_default();
    let (message, mut perf) = match first.split_once('|') {
        Some((message, perf)) => (message.trim().to_string(), perf.to_string()),
        None => (first.trim().to_string(), String::new()),
    };
    let rest: Vec<&str> = lines.collect();
    let long = rest.join("\n");
    if let Some((_, more)) = long.split_once('|') {
        perf.push(' ');
        perf.push_str(more);
    }
    (message, parse_perfdata(&perf))
}

/// `'label'=value[UOM];[warn];[crit];[min];[max]` items separated by spaces; labels
/// may be quoted to hold spaces. Items without a numeric value (`U`) are left out.
pub fn parse_perfdata(perf: &str) -> Vec<Metric> {
    let mut metrics = Vec::new();
    let mut rest = perf.trim_start();
    while !rest.is_empty() {
        let (label, after) = if let Some(quoted) = rest.strip_prefix('\'') {
            // '' inside a quoted label is a literal quote.
            let mut label = String::new();
            let mut chars = quoted.char_indices().peekable();
            let mut end = quoted.len();
            while let Some((i, c)) = chars.next() {
                if c == '\'' {
                    if chars.peek().map(|(_, c)| *c) == Some('\'') {
                        label.push('\'');
                        chars.next();
                        continue;
                    }
                    end = i + 1;
                    break;
                }
                label.push(c);
            }
            (label, &quoted[end.min(quoted.len())..])
        } else {
            let end = rest.find('=').unwrap_or(rest.len());
            (rest[..end].to_string(), &rest[end..])
        };
        let Some(after) = after.strip_prefix('=') else {
            break;
        };
        let end = after.find(char::is_whitespace).unwrap_or(after.len());
        let item = &after[..end];
        rest = after[end..].trim_start();
        let value_part = item.split(';').next().unwrap_or_default();
        let number_end = value_part
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')))
            .unwrap_or(value_part.len());
        // A unit starting with `e`/`E` would be eaten above; perfdata units never do.
        if let Ok(value) = value_part[..number_end].parse::<f64>() {
            let unit = &value_part[number_end..];
            metrics.push(Metric {
                label: label.trim().to_string(),
                value,
                unit: (!unit.is_empty()).then(|| unit.to_string()),
            });
        }
    }
    metrics
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(label: &str, value: f64, unit: Option<&str>) -> Metric {
        Metric {
            label: label.into(),
            value,
            unit: unit.map(Into::into),
        }
    }

    #[test]
    fn plugin_output_message_and_perfdata() {
        let (message, metrics) = parse_plugin_output(
            "DISK OK - free space: / 3326 MB | /=2643MB;5948;5958;0;5968 load=0.5\n",
        );
        assert_eq!(message, "DISK OK - free space: / 3326 MB");
        assert_eq!(
            metrics,
            vec![m("/", 2643.0, Some("MB")), m("load", 0.5, None)]
        );
    }

    #[test]
    fn long_output_adds_perfdata() {
        let out = "OK - 3 queues\nqueue a fine\nqueue b fine | 'queue a'=3;;; 'it''s'=4c\nb=U\n";
        let (message, metrics) = parse_plugin_output(out);
        assert_eq!(message, "OK - 3 queues");
        assert_eq!(
            metrics,
            vec![m("queue a", 3.0, None), m("it's", 4.0, Some("c"))]
        );
    }

    #[test]
    fn no_perfdata() {
        assert_eq!(
            parse_plugin_output("just text"),
            ("just text".into(), vec![])
        );
        assert_eq!(parse_plugin_output(""), (String::new(), vec![]));
        assert_eq!(
            parse_perfdata("time=12.5ms;100;200 pct=-3%"),
            vec![m("time", 12.5, Some("ms")), m("pct", -3.0, Some("%"))]
        );
    }
}
