//! What the tests share besides `Hb`: the fixed clock in numbers, servers on 127.0.0.1
//! (one HTTP server, the aiosmtpd sink, a port where nothing listens) and the external
//! tools some tests need.
//!
//! Every server binds its own port and keeps it for as long as the test holds it: no
//! port is ever picked, released and bound again, so parallel tests never race for one.

pub mod http;
pub mod mcp;
pub mod smtp;

use std::net::{Ipv4Addr, SocketAddr};
use std::os::fd::{AsRawFd, RawFd};

/// The harness's clock (`crate::NOW`), in unix seconds.
pub fn now_ts() -> i64 {
    chrono::DateTime::parse_from_rfc3339(crate::NOW)
        .expect("NOW is RFC 3339")
        .timestamp()
}

/// The harness's clock moved by `offset_secs`, as RFC 3339.
pub fn at(offset_secs: i64) -> String {
    chrono::DateTime::from_timestamp(now_ts() + offset_secs, 0)
        .expect("a time in range")
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A loopback port this test owns where nothing listens: its socket is bound but not
/// listening, so a connection is refused, exactly as to a server that is down. It stays
/// the test's until dropped, and a server can take it over (`SmtpSink::start_on`).
pub struct ReservedPort {
    socket: socket2::Socket,
    port: u16,
}

impl ReservedPort {
    pub fn new() -> ReservedPort {
        let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)
            .expect("a TCP socket");
        let any = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        socket.bind(&any.into()).expect("bind 127.0.0.1:0");
        let port = socket
            .local_addr()
            .ok()
            .and_then(|a| a.as_socket())
            .map(|a| a.port())
            .expect("a bound port");
        ReservedPort { socket, port }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The socket, for a child process that inherits it.
    pub(crate) fn raw_fd(&self) -> RawFd {
        self.socket.as_raw_fd()
    }
}

/// True when `CI=true`: a missing tool fails the test there instead of skipping it.
fn in_ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

/// Whether an executable `tool` is on `PATH`. Not `tool --version`: mandoc has no such
/// option and exits 5, which made CI report an installed mandoc as missing.
pub fn has_tool(tool: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&path).any(|dir| {
        std::fs::metadata(dir.join(tool))
            .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
    })
}

/// A tool the test needs is not here (`what` names it and its package, `why` says what
/// for): under `CI=true` the test fails saying so; elsewhere this prints a note and the
/// caller skips the rest of the test.
pub fn tool_missing(what: &str, why: &str) {
    assert!(
        !in_ci(),
        "CI needs {what} {why}: install it on the CI image"
    );
    eprintln!("skipped: {what} is not installed here, needed {why} (with CI=true: a failure)");
}

/// Whether `tool` (from `package`) is here; when it is not, see [`tool_missing`] (false:
/// skip the rest of the test).
pub fn require_tool(tool: &str, package: &str, why: &str) -> bool {
    if has_tool(tool) {
        return true;
    }
    tool_missing(&format!("`{tool}` ({package})"), why);
    false
}
