//! One HTTP/1.1 server on 127.0.0.1 for every test that needs one: it binds port 0 and
//! keeps its listener, records each request, and answers each as the test says, a thread
//! per connection so one slow answer never holds up the next. It stops when dropped, or
//! after a minute, so it never outlives its test by much.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;

/// How long a server accepts connections at most.
const LIFETIME: Duration = Duration::from_secs(60);

/// A request as the server read it.
#[derive(Debug, Clone)]
pub struct Request {
    pub path: String,
    pub headers: Vec<(String, String)>,
    /// The request line and headers as sent.
    pub head: String,
    pub body: String,
    /// When it was read.
    pub at: Instant,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("request body is JSON")
    }
}

/// What the server answers to one request.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// Wait this long before answering.
    pub delay: Duration,
    /// Never answer: keep the connection open until the server stops.
    pub hang: bool,
}

impl Reply {
    /// `status` with an empty body.
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: String::new(),
            delay: Duration::ZERO,
            hang: false,
        }
    }

    /// `status` with a JSON body.
    pub fn json(status: u16, body: impl Into<String>) -> Reply {
        Reply::status(status)
            .header("Content-Type", "application/json")
            .body(body)
    }

    /// `status` with a plain-text body.
    pub fn text(status: u16, body: impl Into<String>) -> Reply {
        Reply::status(status)
            .header("Content-Type", "text/plain")
            .body(body)
    }

    /// A request read and recorded, then never answered.
    pub fn hang() -> Reply {
        Reply {
            hang: true,
            ..Reply::status(0)
        }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    pub fn body(mut self, body: impl Into<String>) -> Reply {
        self.body = body.into();
        self
    }

    /// Answer only after `delay`.
    pub fn after(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

/// What the server and its connection threads share.
#[derive(Default)]
struct Shared {
    requests: Mutex<Vec<Request>>,
    connections: AtomicUsize,
    stop: AtomicBool,
}

/// A running server; see the module's doc.
pub struct Server {
    port: u16,
    shared: Arc<Shared>,
    handle: Option<JoinHandle<()>>,
}

impl Server {
    /// Answers the n-th request (from 0, in the order they arrive) with
    /// `answer(n, &request)`.
    pub fn start(answer: impl Fn(usize, &Request) -> Reply + Send + Sync + 'static) -> Server {
        Server::tcp(move |stream, shared| {
            let Some(request) = read_request(&stream) else {
                return;
            };
            let reply = {
                let mut requests = shared.requests.lock().expect("lock");
                let n = requests.len();
                let reply = answer(n, &request);
                requests.push(request);
                reply
            };
            respond(stream, &reply, &shared.stop);
        })
    }

    /// Answers the n-th request with `replies[n]`, and every later one with 204.
    pub fn scripted(replies: Vec<Reply>) -> Server {
        Server::start(move |n, _| replies.get(n).cloned().unwrap_or(Reply::status(204)))
    }

    /// Hands each connection to `serve` as it comes, on its own thread: for servers that
    /// misbehave below HTTP (one that never finishes its greeting). `stopped()` says when
    /// to give up.
    pub fn raw(serve: impl Fn(TcpStream, &dyn Fn() -> bool) + Send + Sync + 'static) -> Server {
        Server::tcp(move |stream, shared| serve(stream, &|| shared.stop.load(Ordering::Relaxed)))
    }

    fn tcp(serve: impl Fn(TcpStream, &Shared) + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = listener.local_addr().expect("addr").port();
        listener.set_nonblocking(true).expect("nonblocking");
        let shared = Arc::new(Shared::default());
        let serve = Arc::new(serve);
        let handle = {
            let shared = shared.clone();
            std::thread::spawn(move || {
                let deadline = Instant::now() + LIFETIME;
                while !shared.stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            shared.connections.fetch_add(1, Ordering::Relaxed);
                            let _ = stream.set_nonblocking(false);
                            let (serve, shared) = (serve.clone(), shared.clone());
                            std::thread::spawn(move || serve(stream, &shared));
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            })
        };
        Server {
            port,
            shared,
            handle: Some(handle),
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Every request read so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.shared.requests.lock().expect("lock").clone()
    }

    /// Connections accepted so far (requests or not).
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::Relaxed)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

/// The request on `stream`: its head, then a body of `Content-Length` bytes.
fn read_request(stream: &TcpStream) -> Option<Request> {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut reader = stream;
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let end = loop {
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        if data.len() > 64 * 1024 {
            return None;
        }
        match reader.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8_lossy(&data[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split_whitespace();
    let path = first.nth(1)?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = data[end + 4..].to_vec();
    while body.len() < len {
        match reader.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => body.extend_from_slice(&buf[..n]),
        }
    }
    body.truncate(len);
    Some(Request {
        path,
        headers,
        head: format!("{head}\r\n\r\n"),
        body: String::from_utf8_lossy(&body).into_owned(),
        at: Instant::now(),
    })
}

fn respond(mut stream: TcpStream, reply: &Reply, stop: &AtomicBool) {
    let until = Instant::now() + if reply.hang { LIFETIME } else { reply.delay };
    while Instant::now() < until && !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(10));
    }
    if reply.hang {
        return;
    }
    let mut response = format!(
        "HTTP/1.1 {} {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        reply.status,
        reason(reply.status),
        reply.body.len()
    );
    for (k, v) in &reply.headers {
        response.push_str(&format!("{k}: {v}\r\n"));
    }
    response.push_str("\r\n");
    response.push_str(&reply.body);
    let _ = stream.write_all(response.as_bytes());
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        302 => "Found",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}
