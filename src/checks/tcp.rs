//! `tcp`: `host:port` accepts a connection within the timeout.
//!
//! A refused or timed-out connection is the target failing; an address that does not
//! resolve is a check hb cannot evaluate (unknown), as Nagios' check_tcp has it.

use std::net::{TcpStream, ToSocketAddrs};
use std::time::Instant;

use super::judge::Observation;
use super::model::TcpCheck;
use super::runner::{Observe, RunContext};
use crate::duration::Span;

impl Observe for TcpCheck {
    fn observe(&self, timeout: Span, _ctx: &RunContext) -> Observation {
        connect(&self.address, timeout)
    }
}

/// Connect to `address` (each address it resolves to, within the one `timeout`).
fn connect(address: &str, timeout: Span) -> Observation {
    let started = Instant::now();
    let addrs = match address.to_socket_addrs() {
        Ok(addrs) => addrs.collect::<Vec<_>>(),
        Err(err) => return Observation::unknown(format!("cannot resolve {address}: {err}")),
    };
    if addrs.is_empty() {
        return Observation::unknown(format!("cannot resolve {address}: no address found"));
    }
    let mut last_error = None;
    for addr in &addrs {
        // Every address shares the one time limit.
        let Some(left) = timeout.0.checked_sub(started.elapsed()) else {
            break;
        };
        match TcpStream::connect_timeout(addr, left) {
            Ok(_) => {
                let latency = started.elapsed();
                return Observation::ok(format!(
                    "connected to {address} in {} ms",
                    latency.as_millis()
                ))
                .with_latency(latency);
            }
            Err(err) => last_error = Some(err),
        }
    }
    let why = match last_error {
        Some(err) if err.kind() == std::io::ErrorKind::TimedOut => {
            format!("no connection within {}", timeout)
        }
        Some(err) => err.to_string(),
        None => format!("no connection within {}", timeout),
    };
    Observation::failed(format!("cannot connect to {address}: {why}"))
        .with_latency(started.elapsed())
}
