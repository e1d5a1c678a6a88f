//! `hb brief` for people: the digest as the channels get it.

use anyhow::Result;

use super::{print, Output, Render};
use crate::brief::Brief;

impl Render for Brief {
    fn render(&self, _out: &Output) -> Result<()> {
        print(self.subject())?;
        print("")?;
        print(self.text())
    }
}
