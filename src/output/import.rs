//! `hb import` for people: one line.

use anyhow::Result;

use super::{print, Output, Render};
use crate::import::Summary;

impl Render for Summary {
    fn render(&self, _out: &Output) -> Result<()> {
        print(self)
    }
}
