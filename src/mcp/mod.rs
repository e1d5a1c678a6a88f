//! `hb mcp`: the assistants' door, a Model Context Protocol server on stdio built on the
//! official SDK (rmcp). It speaks every revision the SDK does: the `initialize` handshake
//! (2024-11-05 to 2025-11-25) and the handshake-less 2026-07-28 (`server/discover` and
//! per-request metadata) that current clients try first.
//!
//! The SDK needs tokio: a current-thread runtime starts here, inside this subcommand only,
//! so no other command pays for it. The tools themselves are the plain, synchronous read
//! model and domain calls every other door makes (`tools.rs`); the stdio threads are in
//! `transport.rs`.

mod args;
mod tools;
mod transport;

use std::fs::File;
use std::path::PathBuf;

use anyhow::{Context, Result};
use rmcp::service::ServerInitializeError;
use rmcp::ServiceExt;

use crate::clock::Clock;
use crate::config::Loaded;

/// How `hb mcp` was started.
pub struct Settings {
    pub loaded: Loaded,
    pub store_path: PathBuf,
    pub clock: Clock,
    /// Offer the write tools (`--allow-writes` or `[mcp] allow_writes = true`).
    pub allow_writes: bool,
    /// No start-up line on stderr.
    pub quiet: bool,
}

/// Serve one client on stdin/stdout until stdin closes.
pub fn serve(settings: Settings) -> Result<()> {
    let protocol_out = protocol_stdout()?;
    let server = tools::Heartbeat::new(tools::Source {
        loaded: settings.loaded,
        store_path: settings.store_path.clone(),
        clock: settings.clock,
        allow_writes: settings.allow_writes,
    });
    if !settings.quiet {
        let tools = server.tool_names().len();
        let writes = if settings.allow_writes {
            "writes allowed".to_string()
        } else {
            format!(
                "read-only: `--allow-writes` or `[mcp] allow_writes = true` adds {}",
                tools::WRITE_TOOLS.join(", ")
            )
        };
        eprintln!(
            "hb mcp: serving {tools} tools on stdio for store {} ({writes})",
            settings.store_path.display()
        );
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("could not start the MCP server's runtime")?;
    let (transport, threads) = transport::start(std::io::stdin(), protocol_out);
    let served = runtime.block_on(async move {
        match server.serve(transport).await {
            Ok(running) => running
                .waiting()
                .await
                .map(|_| ())
                .context("the MCP session ended abnormally"),
            // Stdin closed before a client said anything: nothing to serve.
            Err(ServerInitializeError::ConnectionClosed(_)) => Ok(()),
            Err(err) => Err(err).context("the MCP session could not start"),
        }
    });
    // The session's tasks (and the SDK's end of the channels) go with the runtime; then
    // whatever is still queued is written.
    drop(runtime);
    threads.finish();
    served
}

/// The protocol's own stdout: a private copy of fd 1 (not inherited by the checks'
/// commands), with fd 1 itself pointed at stderr, so nothing else this process or a child
/// prints can land in the protocol stream.
fn protocol_stdout() -> Result<File> {
    let stdout = std::io::stdout();
    let copy = rustix::io::fcntl_dupfd_cloexec(&stdout, 3)
        .context("could not keep stdout for the protocol")?;
    rustix::stdio::dup2_stdout(std::io::stderr())
        .context("could not point stray output at stderr")?;
    Ok(File::from(copy))
}
