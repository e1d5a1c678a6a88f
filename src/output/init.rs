//! `hb init` for people.

use anyhow::Result;

use super::{print, Output, Render};
use crate::setup::Initialized;

impl Render for Initialized {
    fn render(&self, _out: &Output) -> Result<()> {
        let verb = if self.config_replaced {
            "overwrote"
        } else {
            "wrote"
        };
        print(format!("{verb} config {}", self.config.display()))?;
        if self.store_created {
            print(format!("created store {}", self.store.display()))
        } else {
            print(format!("kept existing store {}", self.store.display()))
        }
    }
}
