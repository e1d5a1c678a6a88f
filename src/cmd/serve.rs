//! `hb serve`: the health endpoints over HTTP, until SIGTERM.

use anyhow::Result;

use super::Ctx;
use crate::cli::ServeArgs;

#[cfg(unix)]
pub fn run(ctx: &mut Ctx, args: ServeArgs) -> Result<u8> {
    use crate::serve::{self, App, Options, Token};

    let loaded = ctx.config()?.clone();
    let store_path = ctx.store_path()?;
    let config = &loaded.config.serve;
    let listen = match args.listen.or(config.listen) {
        Some(listen) => listen,
        None => serve::DEFAULT_LISTEN.parse()?,
    };
    let token_env = args.token_env.or_else(|| config.token_env.clone());
    let token = token_env.as_deref().map(Token::from_env).transpose()?;
    serve::check_bind(listen, token.is_some())?;
    serve::run(Options {
        listen,
        quiet: ctx.global.quiet,
        app: App {
            loaded,
            store_path,
            fixed_now: ctx.global.now,
            token,
        },
    })
}

#[cfg(not(unix))]
pub fn run(_ctx: &mut Ctx, _args: ServeArgs) -> Result<u8> {
    Err(crate::exit::HbError::Usage("hb serve runs on Unix only".into()).into())
}
