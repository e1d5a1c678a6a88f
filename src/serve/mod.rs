//! `hb serve`: the heartbeat over HTTP, read-only.
//!
//! Blocking I/O and threads, no async runtime. The main thread polls the listener and a
//! signal pipe, and hands each connection to a thread of its own (at most
//! [`MAX_CONNECTIONS`]), which reads request heads within a size limit and deadlines and
//! writes the answers. The answers are computed by a fixed pool of [`WORKERS`] threads, each
//! reading the store afresh: a connection that sends nothing, or reads its answer slowly,
//! holds only its own thread, never a worker. SIGTERM (or SIGINT) stops accepting, closes
//! the idle connections, lets the requests in flight finish, and exits 0.

use std::collections::HashMap;
use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::net::UnixStream;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

mod http;
mod routes;
mod security;

pub use routes::App;
pub use security::{check_bind, Token};

use http::{Conn, ReadError, Request, Response};

/// The address when neither `--listen` nor `[serve] listen` says one.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:9810";
/// Threads that compute answers (each reads the store for its request).
pub const WORKERS: usize = 4;
/// Connections served at once; one more is answered 503 and closed.
pub const MAX_CONNECTIONS: usize = 256;
/// Requests waiting for a worker; one more is answered 503.
const QUEUE: usize = 64;
/// A new connection's first byte, or the next request on a kept-alive one, within this.
const IDLE_TIMEOUT: Duration = Duration::from_secs(5);
/// A request head, from its first byte to its end, within this (no slow drip).
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// An answer is written within this, or the connection is dropped.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// A worker's answer within this (the store's busy timeout is 5 s).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);
/// After SIGTERM, the requests in flight get this long to finish.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// How `hb serve` runs.
pub struct Options {
    pub listen: SocketAddr,
    /// No request logs on stderr (`-q`).
    pub quiet: bool,
    pub app: App,
}

/// Serve until SIGTERM or SIGINT; then 0. A socket that cannot be bound is an error.
pub fn run(options: Options) -> Result<u8> {
    let listener = TcpListener::bind(options.listen)
        .with_context(|| format!("could not listen on {}", options.listen))?;
    let local = listener.local_addr()?;
    listener.set_nonblocking(true)?;
    let (signals, wake) = UnixStream::pair().context("could not create the signal pipe")?;
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        signal_hook::low_level::pipe::register(signal, wake.try_clone()?)
            .context("could not install the signal handler")?;
    }
    signals.set_nonblocking(true)?;

    let (jobs, queue) = mpsc::sync_channel::<Job>(QUEUE);
    let app = Arc::new(options.app);
    let shared = Arc::new(Shared {
        app: app.clone(),
        quiet: options.quiet,
        stopping: AtomicBool::new(false),
        conns: Mutex::new(Registry::default()),
        ended: Condvar::new(),
        jobs,
    });
    let queue = Arc::new(Mutex::new(queue));
    for i in 0..WORKERS {
        let (app, queue) = (app.clone(), queue.clone());
        std::thread::Builder::new()
            .name(format!("hb-serve-worker-{i}"))
            .spawn(move || worker(&app, &queue))
            .context("could not start the worker threads")?;
    }

    if !options.quiet {
        let token = if app.token.is_some() {
            "a bearer token is required on every path but /livez"
        } else {
            "no token (loopback only)"
        };
        eprintln!("hb serve: listening on http://{local} ({token}); SIGTERM stops it");
    }
    accept_loop(&listener, &signals, &shared)?;

    // Stop: no new connections, idle ones closed, the requests in flight finished. The
    // workers are idle then, and end with the process.
    drop(listener);
    shared.begin_stop();
    let drained = shared.wait_drained(DRAIN_TIMEOUT);
    if !options.quiet {
        eprintln!(
            "hb serve: stopped{}",
            if drained {
                ""
            } else {
                " (some requests did not finish in time)"
            }
        );
    }
    Ok(crate::exit::OK)
}

/// Accept until a signal arrives on `signals`.
fn accept_loop(listener: &TcpListener, signals: &UnixStream, shared: &Arc<Shared>) -> Result<()> {
    use rustix::event::{poll, PollFd, PollFlags};
    loop {
        let mut fds = [
            PollFd::new(listener, PollFlags::IN),
            PollFd::new(signals, PollFlags::IN),
        ];
        match poll(&mut fds, None) {
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => continue,
            Err(err) => return Err(std::io::Error::from(err)).context("poll failed"),
        }
        if !fds[1].revents().is_empty() {
            let mut drain = [0u8; 64];
            let _ = (&*signals).read(&mut drain);
            return Ok(());
        }
        loop {
            match listener.accept() {
                Ok((stream, peer)) => admit(shared, stream, peer),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                // A connection reset before it was accepted, or no descriptors left for
                // now: the next poll tries again.
                Err(_) => break,
            }
        }
    }
}

/// A new connection gets a thread of its own, or a 503 when too many are open.
fn admit(shared: &Arc<Shared>, stream: TcpStream, peer: SocketAddr) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let Some(id) = shared.register(&stream) else {
        // Never blocks the accept loop: a new socket's send buffer takes the whole answer.
        let _ = stream.set_nonblocking(true);
        let busy = Response::error(
            503,
            &format!("too many connections (at most {MAX_CONNECTIONS}): try again shortly"),
        )
        .with_header("Retry-After", "1");
        let _ = busy.write_to(&mut &stream, false, false);
        return;
    };
    let thread_shared = shared.clone();
    let spawned = std::thread::Builder::new()
        .name("hb-serve-conn".into())
        .stack_size(256 * 1024)
        .spawn(move || {
            connection(&thread_shared, id, stream, peer);
            thread_shared.unregister(id);
        });
    if spawned.is_err() {
        shared.unregister(id);
    }
}

/// One connection: its requests, one after another, until it closes, idles out or the
/// server stops.
fn connection(shared: &Shared, id: u64, stream: TcpStream, peer: SocketAddr) {
    let mut conn = Conn::new(stream);
    loop {
        let request = match conn.read_request(IDLE_TIMEOUT, HEAD_TIMEOUT) {
            Ok(request) => request,
            Err(ReadError::Closed) => return,
            Err(err) => {
                let (status, message) = match err {
                    ReadError::TimedOut => (
                        408,
                        format!(
                            "the request head did not arrive within {}s",
                            HEAD_TIMEOUT.as_secs()
                        ),
                    ),
                    ReadError::TooLarge => (
                        431,
                        format!(
                            "the request head is larger than {} KiB (or has too many headers)",
                            http::MAX_HEAD / 1024
                        ),
                    ),
                    ReadError::Malformed(m) => (400, m),
                    ReadError::Closed => return,
                };
                let _ = Response::error(status, &message).write_to(&mut &conn.stream, false, false);
                shared.log(peer, "-", "-", status, Duration::ZERO);
                return;
            }
        };
        let started = Instant::now();
        if !shared.set_busy(id, true) {
            return;
        }
        let response = shared.answer(&request);
        let keep_alive = request.keep_alive && !request.has_body && !shared.is_stopping();
        let written = response.write_to(&mut &conn.stream, request.method == "HEAD", keep_alive);
        shared.log(
            peer,
            &request.method,
            &request.target,
            response.status,
            started.elapsed(),
        );
        let go_on = shared.set_busy(id, false);
        if written.is_err() || !keep_alive || !go_on {
            return;
        }
    }
}

/// One request for the workers, and where its answer goes.
struct Job {
    request: Request,
    reply: mpsc::Sender<Response>,
}

/// A worker: answers requests until the queue closes. A panic in an answer is a 500, and
/// the worker lives on.
fn worker(app: &App, queue: &Mutex<Receiver<Job>>) {
    loop {
        let job = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        let response = std::panic::catch_unwind(AssertUnwindSafe(|| app.answer(&job.request)))
            .unwrap_or_else(|_| {
                Response::error(
                    500,
                    "the answer failed unexpectedly (a bug in hb: please report it)",
                )
            });
        let _ = job.reply.send(response);
    }
}

#[derive(Default)]
struct Registry {
    next: u64,
    /// Each open connection: a handle to its socket, and whether a request is in flight.
    open: HashMap<u64, (TcpStream, bool)>,
}

/// What the accept loop, the connection threads and the shutdown share.
struct Shared {
    /// For the request log's masking of the token.
    app: Arc<App>,
    quiet: bool,
    stopping: AtomicBool,
    conns: Mutex<Registry>,
    /// Signalled whenever a connection ends.
    ended: Condvar,
    jobs: SyncSender<Job>,
}

impl Shared {
    /// A new connection's id, or None when [`MAX_CONNECTIONS`] are open.
    fn register(&self, stream: &TcpStream) -> Option<u64> {
        let handle = stream.try_clone().ok()?;
        let mut conns = self.conns.lock().ok()?;
        if conns.open.len() >= MAX_CONNECTIONS {
            return None;
        }
        conns.next += 1;
        let id = conns.next;
        conns.open.insert(id, (handle, false));
        Some(id)
    }

    fn unregister(&self, id: u64) {
        if let Ok(mut conns) = self.conns.lock() {
            conns.open.remove(&id);
        }
        self.ended.notify_all();
    }

    /// Mark a request in flight (or done); false once the server stops, when an idle
    /// connection must end instead (the stop closed its socket).
    fn set_busy(&self, id: u64, busy: bool) -> bool {
        let Ok(mut conns) = self.conns.lock() else {
            return false;
        };
        if self.is_stopping() {
            return false;
        }
        if let Some(entry) = conns.open.get_mut(&id) {
            entry.1 = busy;
        }
        true
    }

    fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// Stop: every connection without a request in flight is closed now; the others
    /// close after their answer.
    fn begin_stop(&self) {
        let Ok(conns) = self.conns.lock() else {
            return;
        };
        self.stopping.store(true, Ordering::SeqCst);
        for (stream, busy) in conns.open.values() {
            if !busy {
                let _ = stream.shutdown(std::net::Shutdown::Both);
            }
        }
    }

    /// Wait until every connection has ended, at most `limit`; whether they all did.
    fn wait_drained(&self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        let Ok(mut conns) = self.conns.lock() else {
            return false;
        };
        while !conns.open.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            conns = match self.ended.wait_timeout(conns, left) {
                Ok((conns, _)) => conns,
                Err(_) => return false,
            };
        }
        true
    }

    /// The workers' answer to `request`: 503 when they are all busy and the queue is full.
    fn answer(&self, request: &Request) -> Response {
        let (reply, answer) = mpsc::channel();
        let job = Job {
            request: request.clone(),
            reply,
        };
        match self.jobs.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                return Response::error(503, "every worker is busy: try again shortly")
                    .with_header("Retry-After", "1")
            }
            Err(TrySendError::Disconnected(_)) => {
                return Response::error(503, "the server is stopping")
            }
        }
        answer
            .recv_timeout(ANSWER_TIMEOUT)
            .unwrap_or_else(|_| Response::error(503, "the answer took too long: try again shortly"))
    }

    /// One line per request on stderr (unless `-q`): method, path (secret-looking query
    /// values masked), status and milliseconds.
    fn log(&self, peer: SocketAddr, method: &str, target: &str, status: u16, took: Duration) {
        if self.quiet {
            return;
        }
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let mut target = security::redact_target(target);
        if let Some(token) = &self.app.token {
            target = token.mask(&target);
        }
        eprintln!(
            "{now} {} {method} {target} {status} {:.1} ms",
            peer.ip(),
            took.as_secs_f64() * 1000.0
        );
    }
}
