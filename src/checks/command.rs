//! `command`: run a program with Nagios plugin conventions (exit 0/1/2/3 = ok/warning/
//! critical/unknown, first line the message, perfdata after `|`), and the runner of
//! remediation commands. Both kill the whole process group when the time is up.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use super::judge::{Observation, Reading};
use super::model::{ActionResult, CommandCheck, CommandLine, Metric, Status};
use super::runner::{Observe, RunContext};
use crate::duration::Span;

/// Output kept from a program: plugins print a line or two; more is noise.
const MAX_OUTPUT: usize = 64 * 1024;
/// How long a finished program's output may still arrive (from what it started) before
/// its process group is killed; and how long the pipes may take to close after that.
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
    /// A process it started left its process group (`setsid`) and still holds its
    /// output open after the group was killed: it is still running.
    pub escaped: bool,
}

impl Finished {
    /// What to add to a message about this run when something it started escaped.
    pub fn escape_note(&self) -> Option<&'static str> {
        self.escaped.then_some(
            "a process it started outside its process group (e.g. with setsid) still holds \
             its output open and was left running",
        )
    }
}

/// Run `argv` in `dir` with stdin closed, in a process group of its own. What it writes
/// is kept up to its exit (or the timeout) and a short grace; then the whole group is
/// killed, so nothing it started in the background outlives the run or holds it up.
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
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    let started = Instant::now();
    let mut child = command.spawn()?;
    let stdout = Capture::start(child.stdout.take());
    let stderr = Capture::start(child.stderr.take());
    let exited = wait_for_exit(&mut child, timeout);
    let elapsed = started.elapsed();
    if exited {
        // Output a background child writes just after the exit still counts.
        let until = crate::clock::deadline(PIPE_GRACE);
        stdout.wait_until(until);
        stderr.wait_until(until);
    }
    kill_group(&mut child);
    let until = crate::clock::deadline(PIPE_GRACE);
    let closed = stdout.wait_until(until) & stderr.wait_until(until);
    let exit_code = if exited {
        child.wait()?.code()
    } else {
        let _ = child.wait();
        None
    };
    Ok(Finished {
        exit_code,
        timed_out: !exited,
        stdout: stdout.text(),
        stderr: stderr.text(),
        elapsed,
        escaped: !closed,
    })
}

/// A pipe read to its end on a thread (so a chatty program never blocks on a full
/// pipe), keeping the first `MAX_OUTPUT` bytes; what arrived is readable at any time.
struct Capture {
    kept: Arc<Mutex<Vec<u8>>>,
    ended: mpsc::Receiver<()>,
    closed: std::cell::Cell<bool>,
}

impl Capture {
    fn start(pipe: Option<impl Read + Send + 'static>) -> Capture {
        let kept = Arc::new(Mutex::new(Vec::new()));
        let (tx, ended) = mpsc::channel();
        if let Some(mut pipe) = pipe {
            let kept = kept.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                while let Ok(n) = pipe.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    if let Ok(mut kept) = kept.lock() {
                        let room = MAX_OUTPUT.saturating_sub(kept.len());
                        kept.extend_from_slice(&buf[..n.min(room)]);
                    }
                }
                let _ = tx.send(());
            });
        }
        // Without a pipe, `tx` is dropped here: the capture has ended.
        Capture {
            kept,
            ended,
            closed: std::cell::Cell::new(false),
        }
    }

    /// Wait until the pipe is closed or `until`; true when it is closed.
    fn wait_until(&self, until: Instant) -> bool {
        if !self.closed.get() {
            let left = until.saturating_duration_since(Instant::now());
            let ended = !matches!(
                self.ended.recv_timeout(left),
                Err(mpsc::RecvTimeoutError::Timeout)
            );
            self.closed.set(ended);
        }
        self.closed.get()
    }

    fn text(&self) -> String {
        let kept = self.kept.lock().map(|k| k.clone()).unwrap_or_default();
        String::from_utf8_lossy(&kept).into_owned()
    }
}

/// Wait for the program to exit, at most `timeout`; true when it exited. On unix the
/// exited program is left unreaped, so its process group id cannot be reused before
/// `kill_group` signals it.
#[cfg(unix)]
fn wait_for_exit(child: &mut Child, timeout: Duration) -> bool {
    use rustix::process::{waitid, Pid, WaitId, WaitIdOptions};
    let pid = Pid::from_child(child);
    let deadline = crate::clock::deadline(timeout);
    let mut pause = Duration::from_millis(1);
    loop {
        let options = WaitIdOptions::EXITED | WaitIdOptions::NOWAIT | WaitIdOptions::NOHANG;
        match waitid(WaitId::Pid(pid), options) {
            Ok(Some(_)) => return true,
            Ok(None) | Err(rustix::io::Errno::INTR) => {}
            // Not our child any more (cannot happen): nothing left to wait for.
            Err(_) => return true,
        }
        let now = Instant::now();
        if now >= deadline {
            return false;
        }
        std::thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}

#[cfg(not(unix))]
fn wait_for_exit(child: &mut Child, timeout: Duration) -> bool {
    use wait_timeout::ChildExt;
    matches!(child.wait_timeout(timeout), Ok(Some(_)) | Err(_))
}

/// Kill the program's process group: the program if it still runs, and everything it
/// started that did not leave the group.
fn kill_group(child: &mut Child) {
    #[cfg(unix)]
    {
        let pid = rustix::process::Pid::from_child(child);
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
    let _ = child.kill();
}

impl Observe for CommandCheck {
    fn observe(&self, timeout: Span, ctx: &RunContext) -> Observation {
        plugin(&self.command, timeout, ctx)
    }
}

/// Run a Nagios plugin and read its verdict, message and perfdata.
fn plugin(line: &CommandLine, timeout: Span, ctx: &RunContext) -> Observation {
    let argv = line.argv();
    let finished = match run(&argv, timeout.0, &ctx.base_dir) {
        Ok(finished) => finished,
        Err(err) => return Observation::unknown(format!("cannot run {}: {err}", argv[0])),
    };
    let latency = finished.elapsed;
    let note = |message: String| match finished.escape_note() {
        Some(note) if message.is_empty() => note.to_string(),
        Some(note) => format!("{message} ({note})"),
        None => message,
    };
    if finished.timed_out {
        return Observation::failed(note(format!(
            "timed out after {}: killed {}",
            timeout,
            line.display()
        )))
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
        message: note(message),
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
            let mut output = first_lines(&output, 5);
            if let Some(note) = finished.escape_note() {
                if !output.is_empty() {
                    output.push('\n');
                }
                output.push_str(&format!("hb: {note}"));
            }
            ActionResult {
                command: argv.to_vec(),
                exit_code: finished.exit_code,
                timed_out: finished.timed_out,
                duration_ms: finished.elapsed.as_millis() as u64,
                output,
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
