//! HTTP/1.1 on a blocking socket: request heads read within a size limit and deadlines
//! (parsed by `httparse`), responses written whole with their length.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde::Serialize;

/// The most a request head (request line and headers) may take: past it, 431.
pub const MAX_HEAD: usize = 16 * 1024;
/// More header lines than this is also too large a head.
const MAX_HEADERS: usize = 64;

/// One request head as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The request target as sent: the path and the query string.
    pub target: String,
    pub headers: Vec<(String, String)>,
    /// HTTP/1.1 without `Connection: close`: another request may follow.
    pub keep_alive: bool,
    /// A body follows the head (`Content-Length` above 0, or `Transfer-Encoding`): this
    /// server reads none, so the connection closes after the answer.
    pub has_body: bool,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The path, without the query string.
    pub fn path(&self) -> &str {
        self.target.split_once('?').map_or(&self.target, |(p, _)| p)
    }

    /// The query string, when there is one.
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }
}

/// Why no request came.
#[derive(Debug, PartialEq, Eq)]
pub enum ReadError {
    /// The client closed, or sent nothing before the idle timeout: close without a word.
    Closed,
    /// A head begun and not finished in time: 408.
    TimedOut,
    /// A head over [`MAX_HEAD`] or [`MAX_HEADERS`]: 431.
    TooLarge,
    /// Not HTTP/1.x: 400.
    Malformed(String),
}

/// A client connection: its socket and what was read past the last head (a pipelined
/// request).
pub struct Conn {
    pub stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    pub fn new(stream: TcpStream) -> Self {
        Conn {
            stream,
            buf: Vec::new(),
        }
    }

    /// The next request head: its first byte within `idle`, all of it within `head`
    /// of the first byte.
    pub fn read_request(&mut self, idle: Duration, head: Duration) -> Result<Request, ReadError> {
        let mut deadline = Instant::now() + idle;
        let mut started = !self.buf.is_empty();
        if started {
            deadline = Instant::now() + head;
        }
        let mut chunk = [0u8; 4096];
        loop {
            if !self.buf.is_empty() {
                if let Some(request) = self.parse()? {
                    return Ok(request);
                }
                if self.buf.len() > MAX_HEAD {
                    return Err(ReadError::TooLarge);
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(if started {
                    ReadError::TimedOut
                } else {
                    ReadError::Closed
                });
            }
            if self.stream.set_read_timeout(Some(left)).is_err() {
                return Err(ReadError::Closed);
            }
            match self.stream.read(&mut chunk) {
                Ok(0) => return Err(ReadError::Closed),
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    if !started {
                        started = true;
                        deadline = Instant::now() + head;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e)
                    if started
                        && matches!(
                            e.kind(),
                            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                        ) =>
                {
                    return Err(ReadError::TimedOut)
                }
                Err(_) => return Err(ReadError::Closed),
            }
        }
    }

    /// A complete head at the start of the buffer, taken out of it.
    fn parse(&mut self) -> Result<Option<Request>, ReadError> {
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut parsed = httparse::Request::new(&mut headers);
        let len = match parsed.parse(&self.buf) {
            Ok(httparse::Status::Complete(len)) => len,
            Ok(httparse::Status::Partial) => return Ok(None),
            Err(httparse::Error::TooManyHeaders) => return Err(ReadError::TooLarge),
            Err(e) => {
                return Err(ReadError::Malformed(format!(
                    "not an HTTP/1.x request: {e}"
                )))
            }
        };
        if len > MAX_HEAD {
            return Err(ReadError::TooLarge);
        }
        let headers: Vec<(String, String)> = parsed
            .headers
            .iter()
            .map(|h| {
                (
                    h.name.to_string(),
                    String::from_utf8_lossy(h.value).trim().to_string(),
                )
            })
            .collect();
        let has = |name: &str, word: &str| {
            headers.iter().any(|(k, v)| {
                k.eq_ignore_ascii_case(name)
                    && v.split(',').any(|t| t.trim().eq_ignore_ascii_case(word))
            })
        };
        let has_body = headers.iter().any(|(k, v)| {
            (k.eq_ignore_ascii_case("content-length") && v != "0")
                || k.eq_ignore_ascii_case("transfer-encoding")
        });
        let request = Request {
            method: parsed.method.unwrap_or_default().to_string(),
            target: parsed.path.unwrap_or_default().to_string(),
            keep_alive: parsed.version == Some(1) && !has("connection", "close"),
            has_body,
            headers,
        };
        self.buf.drain(..len);
        Ok(Some(request))
    }
}

/// One answer, written whole.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

pub const JSON: &str = "application/json";

/// Every error's body: the status, its reason and what to do.
#[derive(Debug, Serialize)]
pub struct ErrorBody<'a> {
    pub status: u16,
    pub error: &'static str,
    pub message: &'a str,
}

impl Response {
    /// `doc` as pretty JSON (the CLI's `--json` bytes) with `content_type`.
    pub fn json<T: Serialize>(status: u16, content_type: &'static str, doc: &T) -> Response {
        match serde_json::to_vec_pretty(doc) {
            Ok(mut body) => {
                body.push(b'\n');
                Response {
                    status,
                    content_type,
                    headers: Vec::new(),
                    body,
                }
            }
            Err(err) => Response::error(500, &format!("could not serialize the answer: {err}")),
        }
    }

    /// An error as JSON: `{status, error, message}`.
    pub fn error(status: u16, message: &str) -> Response {
        let body = ErrorBody {
            status,
            error: reason(status),
            message,
        };
        let mut bytes = serde_json::to_vec_pretty(&body).unwrap_or_default();
        bytes.push(b'\n');
        Response {
            status,
            content_type: JSON,
            headers: Vec::new(),
            body: bytes,
        }
    }

    pub fn text(status: u16, content_type: &'static str, body: String) -> Response {
        Response {
            status,
            content_type,
            headers: Vec::new(),
            body: body.into_bytes(),
        }
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }

    /// The status line, headers and (unless `head_only`) the body, in one write.
    pub fn write_to(
        &self,
        out: &mut impl Write,
        head_only: bool,
        keep_alive: bool,
    ) -> io::Result<()> {
        let mut bytes = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: {}\r\n",
            self.status,
            reason(self.status),
            self.content_type,
            self.body.len(),
            if keep_alive { "keep-alive" } else { "close" },
        )
        .into_bytes();
        for (name, value) in &self.headers {
            bytes.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        bytes.extend_from_slice(b"\r\n");
        if !head_only {
            bytes.extend_from_slice(&self.body);
        }
        out.write_all(&bytes)?;
        out.flush()
    }
}

pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// A connection whose client side sends `chunks` (then keeps the socket open).
    fn conn_with(chunks: &[&[u8]]) -> (Conn, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let mut client = TcpStream::connect(listener.local_addr().expect("addr")).expect("connect");
        for chunk in chunks {
            client.write_all(chunk).expect("send");
        }
        let (server, _) = listener.accept().expect("accept");
        (Conn::new(server), client)
    }

    const SHORT: Duration = Duration::from_millis(200);

    #[test]
    fn pipelined_requests_come_one_at_a_time() {
        let (mut conn, _client) = conn_with(&[
            b"GET /health?x=1 HTTP/1.1\r\nHost: a\r\n\r\nHEAD /livez HTTP/1.1\r\nConnection: close\r\n\r\n",
        ]);
        let first = conn.read_request(SHORT, SHORT).expect("first");
        assert_eq!(
            (first.method.as_str(), first.path(), first.query()),
            ("GET", "/health", Some("x=1"))
        );
        assert!(first.keep_alive && !first.has_body);
        assert_eq!(first.header("host"), Some("a"));
        let second = conn.read_request(SHORT, SHORT).expect("second");
        assert_eq!(
            (second.method.as_str(), second.target.as_str()),
            ("HEAD", "/livez")
        );
        assert!(!second.keep_alive);
        assert_eq!(conn.read_request(SHORT, SHORT), Err(ReadError::Closed));
    }

    #[test]
    fn heads_over_the_limit_unfinished_or_garbled_are_refused() {
        let big = format!("GET / HTTP/1.1\r\nX-Big: {}\r\n", "a".repeat(MAX_HEAD));
        let (mut conn, _client) = conn_with(&[big.as_bytes()]);
        assert_eq!(conn.read_request(SHORT, SHORT), Err(ReadError::TooLarge));

        let (mut conn, _client) = conn_with(&[b"GET / HTTP/1.1\r\nHost: a\r\n"]);
        assert_eq!(conn.read_request(SHORT, SHORT), Err(ReadError::TimedOut));

        let (mut conn, _client) = conn_with(&[]);
        assert_eq!(conn.read_request(SHORT, SHORT), Err(ReadError::Closed));

        let (mut conn, _client) = conn_with(&[b"\x16\x03\x01 hello\r\n\r\n"]);
        assert!(matches!(
            conn.read_request(SHORT, SHORT),
            Err(ReadError::Malformed(_))
        ));

        let (mut conn, _client) = conn_with(&[b"POST /x HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc"]);
        let post = conn.read_request(SHORT, SHORT).expect("post");
        assert!(post.has_body && !post.keep_alive);
    }

    #[test]
    fn a_response_has_its_length_and_no_body_for_head() {
        let response = Response::error(404, "no endpoint at /x").with_header("Allow", "GET");
        let mut full = Vec::new();
        response.write_to(&mut full, false, true).expect("write");
        let full = String::from_utf8(full).expect("utf-8");
        assert!(
            full.starts_with("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"),
            "{full}"
        );
        assert!(full.contains(&format!("Content-Length: {}\r\n", response.body.len())));
        assert!(
            full.contains("Connection: keep-alive\r\nAllow: GET\r\n\r\n{"),
            "{full}"
        );
        let body: serde_json::Value =
            serde_json::from_str(full.split("\r\n\r\n").nth(1).expect("body")).expect("json");
        assert_eq!(body["message"], "no endpoint at /x");
        assert_eq!(body["error"], "Not Found");
        let mut head = Vec::new();
        response.write_to(&mut head, true, false).expect("write");
        assert!(String::from_utf8(head)
            .expect("utf-8")
            .ends_with("Allow: GET\r\n\r\n"));
    }
}
