//! How a library's error reads in hb's messages: every cause, each once, and never the
//! URL a transport error repeats (it may hold a token).

/// The error and its causes: "error connecting to server: Connection refused". A cause
/// whose words the text already holds is not said again; the chain is bounded, as a
/// library's `source` could loop.
pub fn chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    for _ in 0..8 {
        let Some(cause) = source else { break };
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    out
}

/// ureq's transport error without its URL: kind, message, cause
/// ("Connection Failed: Connect error: Connection refused (os error 111)").
pub fn transport(err: &ureq::Transport) -> String {
    let mut out = err.kind().to_string();
    if let Some(message) = err.message() {
        out.push_str(": ");
        out.push_str(message);
    }
    if let Some(source) = std::error::Error::source(err) {
        out.push_str(": ");
        out.push_str(&chain(source));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl std::fmt::Display for Layer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|l| l as _)
        }
    }

    #[test]
    fn each_cause_is_said_once() {
        let err = Layer(
            "error connecting to server: Connection refused",
            Some(Box::new(Layer(
                "Connection refused",
                Some(Box::new(Layer("os error 111", None))),
            ))),
        );
        assert_eq!(
            chain(&err),
            "error connecting to server: Connection refused: os error 111"
        );
    }

    #[test]
    fn a_transport_error_leaves_the_url_out() {
        let url = "http://127.0.0.1:1/hook/secret-token";
        let Err(ureq::Error::Transport(t)) = ureq::get(url)
            .timeout(std::time::Duration::from_secs(2))
            .call()
        else {
            panic!("port 1 answered");
        };
        let text = transport(&t);
        assert!(text.starts_with("Connection Failed"), "{text}");
        assert!(
            !text.contains("secret-token") && !text.contains("127.0.0.1:1"),
            "{text}"
        );
    }
}
