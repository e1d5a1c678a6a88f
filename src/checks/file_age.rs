//! `file_age`: a file (a worker's heartbeat) was modified within `max_age` of hb's clock.
//!
//! A missing file in a directory that exists is a worker that has not written its
//! heartbeat: failing. A missing directory, or a path hb may not read, is a path that
//! is wrong here: unknown, so no remediation restarts a worker over a typo.

use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use super::judge::{Observation, Reading};
use super::model::FileAgeCheck;
use super::runner::{Observe, RunContext};
use crate::clock;
use crate::duration::Span;

impl Observe for FileAgeCheck {
    fn observe(&self, _timeout: Span, ctx: &RunContext) -> Observation {
        age_of(&self.path, self.max_age, ctx)
    }
}

/// How long ago `written` (as the config writes it, for messages) was modified.
fn age_of(written: &Path, max_age: Span, ctx: &RunContext) -> Observation {
    let path = ctx.resolve(written);
    let modified = match std::fs::metadata(&path).and_then(|m| m.modified()) {
        Ok(modified) => modified,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
            return match parent {
                Some(dir) if !dir.is_dir() => Observation::unknown(format!(
                    "{} does not exist: its directory {} does not either",
                    written.display(),
                    dir.display()
                )),
                _ => Observation::failed(format!("{} does not exist", written.display())),
            };
        }
        Err(err) => {
            return Observation::unknown(format!("cannot read {}: {err}", written.display()))
        }
    };
    let mtime = match modified.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(_) => 0,
    };
    // A file from hb's future (a fixed clock, or skew) is as fresh as it gets.
    let age = ctx.now.saturating_sub(mtime).max(0);
    let max_age = max_age.as_secs();
    let shown = clock::format_duration(Duration::from_secs(age as u64));
    let shown = if age == 0 {
        "just now".to_string()
    } else {
        format!("{shown} ago")
    };
    let obs = if age > max_age {
        Observation::failed(format!(
            "{} last modified {shown}, over the limit of {}",
            written.display(),
            clock::format_duration(Duration::from_secs(max_age as u64))
        ))
    } else {
        Observation::ok(format!("{} modified {shown}", written.display()))
    };
    obs.with_reading(Reading::Number(age as f64))
}
