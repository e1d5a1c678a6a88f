//! A real SMTP server for the email tests: aiosmtpd (`tests/smtp_sink.py`) on a port the
//! test reserved and hands over, recording every message as a JSON line.

use std::net::TcpStream;
use std::os::fd::BorrowedFd;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::ReservedPort;

fn require_aiosmtpd() {
    let ok = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(
        ok,
        "these tests need python3 with aiosmtpd: pip install aiosmtpd"
    );
}

/// aiosmtpd listening on a port of the test's, recording every message it receives.
pub struct SmtpSink {
    child: Child,
    log: PathBuf,
    /// Kept open: the sink listens on this socket, and the port stays the test's.
    port: ReservedPort,
}

impl SmtpSink {
    /// On a port of its own.
    pub fn start(dir: &Path) -> SmtpSink {
        Self::start_on(dir, ReservedPort::new(), &[])
    }

    /// With `tests/smtp_sink.py` options (`--refuse-rcpt ADDR`, `--auth-echo`, ...).
    pub fn start_with(dir: &Path, options: &[&str]) -> SmtpSink {
        Self::start_on(dir, ReservedPort::new(), options)
    }

    /// On `port`, which the test held so far with nothing listening (a server that comes
    /// back after an outage).
    pub fn start_on(dir: &Path, port: ReservedPort, options: &[&str]) -> SmtpSink {
        require_aiosmtpd();
        let number = port.port();
        let log = dir.join(format!("smtp-{number}.jsonl"));
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp_sink.py");
        // aiosmtpd logs deprecation notices: keep them out of the test output.
        let errors = dir.join(format!("smtp-{number}.stderr"));
        let fd = port.raw_fd();
        let mut command = Command::new("python3");
        command
            .arg(script)
            .arg(format!("fd:{fd}"))
            .arg(&log)
            .args(options)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&errors).expect("sink stderr file"));
        // SAFETY: between fork and exec only fcntl runs, which is async-signal-safe.
        unsafe {
            command.pre_exec(move || {
                // The sink inherits the reserved socket and listens on it.
                let fd = BorrowedFd::borrow_raw(fd);
                rustix::io::fcntl_setfd(fd, rustix::io::FdFlags::empty())?;
                Ok(())
            });
        }
        let child = command
            .spawn()
            .expect("start tests/smtp_sink.py (pip install aiosmtpd)");
        let mut sink = SmtpSink { child, log, port };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", number)).is_err() {
            if let Ok(Some(status)) = sink.child.try_wait() {
                let said = std::fs::read_to_string(&errors).unwrap_or_default();
                panic!("smtp_sink.py exited with {status}: {said}");
            }
            assert!(
                Instant::now() < deadline,
                "SMTP sink did not listen on {number}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        sink
    }

    pub fn port(&self) -> u16 {
        self.port.port()
    }

    /// Every message received so far, as `smtp_sink.py` records them.
    pub fn messages(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).expect("sink JSON line"))
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The raw message's header `name` (unfolded).
pub fn header(content: &str, name: &str) -> Option<String> {
    let head = content.split("\r\n\r\n").next().unwrap_or(content);
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    unfolded.lines().find_map(|l| {
        let (key, value) = l.split_once(':')?;
        key.eq_ignore_ascii_case(name)
            .then(|| value.trim().to_string())
    })
}

/// The raw message's body, quoted-printable decoded.
pub fn body(content: &str) -> String {
    let raw = content
        .split_once("\r\n\r\n")
        .map(|(_, b)| b)
        .unwrap_or("")
        .replace("\r\n", "\n");
    // lettre picks quoted-printable for long lines: undo soft breaks and =XX.
    if !content.contains("quoted-printable") {
        return raw;
    }
    let joined = raw.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' {
            if let Some(Ok(b)) = joined.get(i + 1..i + 3).map(|h| u8::from_str_radix(h, 16)) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
