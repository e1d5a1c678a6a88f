//! Who may ask: loopback by default, a bearer token for anything else; and what a request
//! log may show of a request.

use std::fmt;
use std::net::SocketAddr;

use subtle::ConstantTimeEq;

use crate::exit::HbError;

/// A token shorter than this is refused: it would be guessed.
pub const MIN_TOKEN_LEN: usize = 16;

/// The bearer token. Never printed: its `Debug` says `***`.
pub struct Token(Vec<u8>);

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

impl Token {
    /// The token in the variable `var` (`--token-env` / `[serve] token_env`).
    pub fn from_env(var: &str) -> Result<Token, HbError> {
        let value = std::env::var(var).unwrap_or_default();
        Token::new(var, value.trim())
    }

    fn new(var: &str, value: &str) -> Result<Token, HbError> {
        if value.is_empty() {
            return Err(HbError::Config(format!(
                "the token variable ${var} (--token-env / [serve] token_env) is not set or empty: \
                 export a token of at least {MIN_TOKEN_LEN} characters in it (e.g. \
                 `export {var}=$(openssl rand -hex 32)`)"
            )));
        }
        if value.chars().count() < MIN_TOKEN_LEN {
            return Err(HbError::Config(format!(
                "the token in ${var} is shorter than {MIN_TOKEN_LEN} characters: use a longer \
                 random one (e.g. `openssl rand -hex 32`)"
            )));
        }
        Ok(Token(value.as_bytes().to_vec()))
    }

    /// Whether `authorization` (the header's value) is `Bearer TOKEN`, compared in constant
    /// time: both sides are hashed first, so neither the content nor the length leaks.
    pub fn admits(&self, authorization: Option<&str>) -> bool {
        let Some(presented) = authorization.and_then(bearer) else {
            return false;
        };
        let digest = |bytes: &[u8]| ring::digest::digest(&ring::digest::SHA256, bytes);
        let (a, b) = (digest(presented.as_bytes()), digest(&self.0));
        bool::from(a.as_ref().ct_eq(b.as_ref()))
    }

    /// `text` with the token masked, for anything that prints a request.
    pub fn mask(&self, text: &str) -> String {
        match std::str::from_utf8(&self.0) {
            Ok(token) if !token.is_empty() => text.replace(token, "***"),
            _ => text.to_string(),
        }
    }
}

/// The credentials of `Bearer CREDENTIALS` (the scheme in any case).
fn bearer(value: &str) -> Option<&str> {
    let (scheme, rest) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
}

/// Whether hb may listen on `addr` with or without a token: loopback needs none; any other
/// address is reachable by other hosts, and needs one.
pub fn check_bind(addr: SocketAddr, has_token: bool) -> Result<(), HbError> {
    if addr.ip().is_loopback() || has_token {
        return Ok(());
    }
    Err(HbError::Config(format!(
        "refusing to listen on {addr} without a token: other hosts can reach that address, and \
         the endpoints show the platform's state. Set a bearer token with --token-env NAME (or \
         [serve] token_env = \"NAME\"), NAME being a variable that holds it, or listen on \
         loopback (--listen 127.0.0.1:{port})",
        port = addr.port()
    )))
}

/// The query parameters a log may show as they are: the endpoints' own, which carry no
/// secret. Any other parameter's value could be one (`?token=`, `?api_key=`).
const SHOWN_PARAMS: &[&str] = &["window", "limit"];

/// A request target as a log line shows it: the path, and each query parameter with its
/// value, or `***` for a value that could be a secret.
pub fn redact_target(target: &str) -> String {
    let Some((path, query)) = target.split_once('?') else {
        return target.to_string();
    };
    let params: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) if SHOWN_PARAMS.contains(&name) => format!("{name}={value}"),
            Some((name, _)) => format!("{name}=***"),
            None if pair.is_empty() => String::new(),
            None => format!("{pair}=***"),
        })
        .collect();
    format!("{path}?{}", params.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "s3cret-token-0123456789";

    #[test]
    fn only_the_bearer_token_is_admitted() {
        let token = Token::new("T", TOKEN).expect("token");
        assert!(token.admits(Some(&format!("Bearer {TOKEN}"))));
        assert!(token.admits(Some(&format!("bearer   {TOKEN} "))));
        for wrong in [
            None,
            Some(""),
            Some(TOKEN),
            Some("Bearer"),
            Some("Bearer s3cret-token-012345678"),
            Some("Basic czNjcmV0"),
            Some(&format!("Bearer {TOKEN}x")),
        ] {
            assert!(!token.admits(wrong), "{wrong:?}");
        }
        assert_eq!(format!("{token:?}"), "Token(***)");
        assert_eq!(token.mask(&format!("/x?t={TOKEN}")), "/x?t=***");
    }

    #[test]
    fn a_token_must_be_set_and_long_enough() {
        let unset = Token::new("HB_T", "").expect_err("empty");
        assert!(unset.to_string().contains("$HB_T"), "{unset}");
        let short = Token::new("HB_T", "abc").expect_err("short");
        assert!(short.to_string().contains("shorter than 16"), "{short}");
        assert!(
            !short.to_string().contains("abc"),
            "the token never prints: {short}"
        );
    }

    #[test]
    fn only_loopback_goes_without_a_token() {
        let addr = |s: &str| s.parse::<SocketAddr>().expect("addr");
        assert!(check_bind(addr("127.0.0.1:9810"), false).is_ok());
        assert!(check_bind(addr("127.0.0.2:9810"), false).is_ok());
        assert!(check_bind(addr("[::1]:9810"), false).is_ok());
        for open in ["0.0.0.0:9810", "[::]:9810", "10.0.0.5:80"] {
            let err = check_bind(addr(open), false).expect_err(open);
            assert!(err
                .to_string()
                .starts_with(&format!("refusing to listen on {}", addr(open))));
            assert_eq!(err.exit_code(), crate::exit::CONFIG);
            assert!(check_bind(addr(open), true).is_ok());
        }
    }

    #[test]
    fn logs_show_only_the_endpoints_own_parameters() {
        assert_eq!(redact_target("/health"), "/health");
        assert_eq!(
            redact_target("/health/checks/api?window=24h&token=abc&limit=5&key"),
            "/health/checks/api?window=24h&token=***&limit=5&key=***"
        );
        assert_eq!(
            redact_target("/metrics?api_key=x&"),
            "/metrics?api_key=***&"
        );
    }
}
