//! `hb property`
