//! `hb schedule` for people: the entries as they go into crontab or the unit files.

use anyhow::Result;

use super::{print, Output, Render};
use crate::view::schedule::Schedule;

impl Render for Schedule {
    fn render(&self, _out: &Output) -> Result<()> {
        print(self.text.trim_end())
    }
}
