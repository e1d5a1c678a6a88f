//! `disk`: free space on the filesystem holding `path`, in percent (what the
//! thresholds judge; by default warning below 20 %, critical below 10 %).

use std::path::Path;

use super::judge::{format_number, Observation, Reading};
use super::model::DiskCheck;
use super::runner::{Observe, RunContext};
use crate::duration::Span;

impl Observe for DiskCheck {
    fn observe(&self, _timeout: Span, ctx: &RunContext) -> Observation {
        free_space_of(&self.path, ctx)
    }
}

/// Free space on the filesystem of `written` (as the config writes it, for messages).
fn free_space_of(written: &Path, ctx: &RunContext) -> Observation {
    let path = ctx.resolve(written);
    match free_space(&path) {
        Ok((free, total)) if total > 0 => {
            let percent = (free as f64 / total as f64 * 1000.0).round() / 10.0;
            Observation::ok(format!(
                "{}% free on {}, {} of {}",
                format_number(percent),
                written.display(),
                bytes(free),
                bytes(total)
            ))
            .with_reading(Reading::Number(percent))
        }
        Ok(_) => Observation::unknown(format!("{} reports a size of zero", written.display())),
        // A path that is not there is a config that does not fit this machine.
        Err(err) => Observation::unknown(format!(
            "cannot read free space of {}: {err}",
            written.display()
        )),
    }
}

/// Bytes available to unprivileged users, and the filesystem's size.
#[cfg(unix)]
fn free_space(path: &Path) -> std::io::Result<(u64, u64)> {
    let st = rustix::fs::statvfs(path)?;
    Ok((st.f_bavail * st.f_frsize, st.f_blocks * st.f_frsize))
}

#[cfg(not(unix))]
fn free_space(_path: &Path) -> std::io::Result<(u64, u64)> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "disk checks need a unix system",
    ))
}

fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}
