//! The stdio transport: newline-delimited JSON-RPC between the client and the SDK.
//!
//! Two plain threads and two channels: one thread reads stdin line by line and hands each
//! message to the SDK; the other writes each of the SDK's messages to the protocol's stdout
//! as one line and flushes it. The SDK's own stdio transport drops a line that is not JSON
//! without a word; the issue (and JSON-RPC) want a Parse error (-32700) back, and the
//! server to keep serving: this reader answers it through the same writer, so no two
//! writes ever interleave. End of stdin ends the stream, and so the session.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::thread::JoinHandle;

use futures::channel::mpsc;
use futures::SinkExt;
use rmcp::model::{ClientJsonRpcMessage, ErrorData, NumberOrString, ServerJsonRpcMessage};

/// Messages buffered between a thread and the SDK before the sender waits.
const BUFFERED: usize = 16;
/// The longest line read (as the SDK's own transport): a longer one is refused, not kept.
pub const MAX_LINE: usize = 16 * 1024 * 1024;

/// What the SDK serves on: its sink of replies and its stream of requests.
pub type Transport = (
    mpsc::Sender<ServerJsonRpcMessage>,
    mpsc::Receiver<ClientJsonRpcMessage>,
);

/// The threads behind a [`Transport`].
pub struct Threads {
    /// Closes the replies' channel once the SDK is done, whatever the reader still holds.
    closer: mpsc::Sender<ServerJsonRpcMessage>,
    writer: JoinHandle<()>,
}

impl Threads {
    /// Write what is still queued, then stop. The reader is left to end with the process:
    /// it may be blocked on a stdin that never closes.
    pub fn finish(mut self) {
        self.closer.close_channel();
        if self.writer.join().is_err() {
            eprintln!("hb mcp: the protocol writer stopped unexpectedly");
        }
    }
}

/// Serve the protocol on `input` (stdin) and `output` (the protocol's stdout).
pub fn start(input: impl Read + Send + 'static, output: File) -> (Transport, Threads) {
    let (replies, replies_rx) = mpsc::channel::<ServerJsonRpcMessage>(BUFFERED);
    let (requests, requests_rx) = mpsc::channel::<ClientJsonRpcMessage>(BUFFERED);
    let writer = std::thread::spawn(move || write_all(replies_rx, output));
    let errors = replies.clone();
    std::thread::spawn(move || read_all(input, requests, errors));
    (
        (replies.clone(), requests_rx),
        Threads {
            closer: replies,
            writer,
        },
    )
}

/// One message a line, flushed at once: the client waits for each answer.
fn write_all(replies: mpsc::Receiver<ServerJsonRpcMessage>, output: File) {
    let mut out = BufWriter::new(output);
    for message in futures::executor::block_on_stream(replies) {
        let written = match &message {
            // JSON-RPC 2.0 names an id it could not read `null`; the SDK leaves it out
            // (as 2026-07-28 allows), which handshake-era clients reject.
            ServerJsonRpcMessage::Error(error) if error.id.is_none() => serde_json::to_writer(
                &mut out,
                &IdlessError {
                    jsonrpc: "2.0",
                    id: (),
                    error: &error.error,
                },
            ),
            message => serde_json::to_writer(&mut out, message),
        };
        let written = written
            .map_err(std::io::Error::from)
            .and_then(|()| out.write_all(b"\n"))
            .and_then(|()| out.flush());
        if let Err(err) = written {
            // The client went away: nothing more can reach it.
            if err.kind() != std::io::ErrorKind::BrokenPipe {
                eprintln!("hb mcp: cannot write to stdout: {err}");
            }
            return;
        }
    }
}

/// An error reply to a request whose id could not be read.
#[derive(serde::Serialize)]
struct IdlessError<'a> {
    jsonrpc: &'static str,
    /// `null`.
    id: (),
    error: &'a ErrorData,
}

/// What the reader does with one line.
#[derive(Debug)]
pub enum Line {
    /// A message for the SDK.
    Message(Box<ClientJsonRpcMessage>),
    /// An error to answer with (the SDK never sees the line).
    Reply(Box<ServerJsonRpcMessage>),
    /// Nothing: a blank line, or a notification hb does not know (as the SDK ignores them).
    Skip,
}

/// Read lines until stdin ends (or the SDK stops listening).
fn read_all(
    input: impl Read,
    mut requests: mpsc::Sender<ClientJsonRpcMessage>,
    mut errors: mpsc::Sender<ServerJsonRpcMessage>,
) {
    let mut input = BufReader::new(input);
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = (&mut input)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut line);
        let outcome = match read {
            Ok(0) => return,
            Ok(_) if line.len() > MAX_LINE && !line.ends_with(b"\n") => {
                if !skip_line(&mut input) {
                    return;
                }
                Line::Reply(Box::new(ServerJsonRpcMessage::error(
                    ErrorData::invalid_request(
                        format!("a message longer than {MAX_LINE} bytes was dropped"),
                        None,
                    ),
                    None,
                )))
            }
            Ok(_) => parse(&line),
            Err(err) => {
                eprintln!("hb mcp: cannot read stdin: {err}");
                return;
            }
        };
        let sent = match outcome {
            Line::Message(message) => futures::executor::block_on(requests.send(*message)),
            Line::Reply(reply) => futures::executor::block_on(errors.send(*reply)),
            Line::Skip => Ok(()),
        };
        if sent.is_err() {
            // The session ended: nobody reads what comes next.
            return;
        }
    }
}

/// Read past the rest of an overlong line; false at the end of input.
fn skip_line(input: &mut impl BufRead) -> bool {
    loop {
        let (done, used) = match input.fill_buf() {
            Ok([]) | Err(_) => return false,
            Ok(buf) => match buf.iter().position(|b| *b == b'\n') {
                Some(at) => (true, at + 1),
                None => (false, buf.len()),
            },
        };
        input.consume(used);
        if done {
            return true;
        }
    }
}

/// One line of input: a message, or the JSON-RPC error it earns.
pub fn parse(line: &[u8]) -> Line {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    // RFC 8259 lets a parser skip a byte order mark.
    let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
    if line.iter().all(u8::is_ascii_whitespace) {
        return Line::Skip;
    }
    let err = match serde_json::from_slice::<ClientJsonRpcMessage>(line) {
        Ok(message) => return Line::Message(Box::new(message)),
        Err(err) => err,
    };
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(line) else {
        return Line::Reply(Box::new(ServerJsonRpcMessage::error(
            ErrorData::parse_error(
                format!(
                    "not JSON ({err}): send one JSON-RPC 2.0 message per line, e.g. \
                     {{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}}"
                ),
                None,
            ),
            None,
        )));
    };
    let id = value.get("id").and_then(request_id);
    if id.is_none() && value.get("method").is_some() {
        // A notification the SDK does not know: ignored, as it ignores them (no reply to
        // a notification, ever).
        return Line::Skip;
    }
    Line::Reply(Box::new(ServerJsonRpcMessage::error(
        ErrorData::invalid_request(
            format!(
                "not a JSON-RPC 2.0 request ({err}): it needs \"jsonrpc\": \"2.0\", an \"id\", \
                 a \"method\" and, for most methods, \"params\""
            ),
            None,
        ),
        id,
    )))
}

/// A JSON-RPC id as the error reply names it: a number or a string.
fn request_id(id: &serde_json::Value) -> Option<NumberOrString> {
    match id {
        serde_json::Value::Number(n) => n.as_i64().map(NumberOrString::Number),
        serde_json::Value::String(s) => Some(NumberOrString::String(s.as_str().into())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(line: &[u8]) -> serde_json::Value {
        match parse(line) {
            Line::Reply(reply) => serde_json::to_value(&reply).expect("serializes"),
            other => panic!("expected a reply, got {other:?}"),
        }
    }

    #[test]
    fn a_line_that_is_not_json_gets_a_parse_error_without_an_id() {
        let r = reply(b"{not json\n");
        assert_eq!(r["jsonrpc"], "2.0");
        assert_eq!(r["id"], serde_json::Value::Null);
        assert_eq!(r["error"]["code"], -32700);
        let message = r["error"]["message"].as_str().unwrap_or_default();
        assert!(message.starts_with("not JSON ("), "{message}");
    }

    #[test]
    fn json_that_is_no_request_gets_an_invalid_request_with_its_id() {
        let r = reply(br#"{"id": 7, "hello": "there"}"#);
        assert_eq!(r["id"], 7);
        assert_eq!(r["error"]["code"], -32600);
        let r = reply(br#"[1, 2]"#);
        assert_eq!(r["error"]["code"], -32600);
    }

    #[test]
    fn requests_pass_and_blank_lines_and_malformed_notifications_are_skipped() {
        let line = br#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#;
        assert!(matches!(parse(line), Line::Message(_)));
        let with_bom = b"\xEF\xBB\xBF{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}\r\n";
        assert!(matches!(parse(with_bom), Line::Message(_)));
        assert!(matches!(parse(b"  \r\n"), Line::Skip));
        // Another protocol's notification reaches the SDK, which ignores it; a notification
        // it cannot read is dropped here (a notification never gets a reply).
        let lsp = br#"{"jsonrpc":"2.0","method":"$/progress","params":{"x":1}}"#;
        assert!(matches!(parse(lsp), Line::Message(_)));
        let bad = br#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":7}"#;
        assert!(matches!(parse(bad), Line::Skip));
    }
}
