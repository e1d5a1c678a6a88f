//! `tls`: days until a certificate expires, read from a server's handshake (`address`)
//! or a PEM file (`path`). The value is the days left of the earliest-expiring
//! certificate; by default warning below 21 days, critical below 7.
//!
//! The handshake accepts any certificate: this check measures expiry, and an untrusted
//! or already expired certificate must still be read to be reported.

use std::net::{TcpStream, ToSocketAddrs};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme};
use x509_cert::der::Decode;

use super::judge::{format_number, Observation, Reading};
use super::model::{TlsCheck, TlsSource};
use super::runner::{Observe, RunContext};
use crate::clock;
use crate::duration::Span;

impl Observe for TlsCheck {
    fn observe(&self, timeout: Span, ctx: &RunContext) -> Observation {
        let started = Instant::now();
        let (source, certs) = match &self.source {
            TlsSource::Server {
                address,
                server_name,
            } => match fetch(address, server_name.as_deref(), timeout) {
                Ok(certs) => (address.clone(), certs),
                Err(err) => {
                    let message = if err.timed_out {
                        format!("{address}: {}", handshake_timed_out(timeout))
                    } else {
                        format!("TLS handshake with {address}: {}", err.message)
                    };
                    let obs = if err.target_failed {
                        Observation::failed(message)
                    } else {
                        Observation::unknown(message)
                    };
                    return obs.with_latency(started.elapsed());
                }
            },
            // A certificate file that is missing or not PEM is a path that is wrong here.
            TlsSource::File(path) => match read_pem(&ctx.resolve(path)) {
                Ok(certs) => (path.display().to_string(), certs),
                Err(err) => return Observation::unknown(format!("{}: {err}", path.display())),
            },
        };
        expiry(&source, &certs, ctx.now).with_latency(started.elapsed())
    }
}

/// The days left of the earliest-expiring certificate of `certs`, read from `source`.
fn expiry(source: &str, certs: &[CertificateDer<'_>], now: i64) -> Observation {
    let expiries: Vec<i64> = certs.iter().filter_map(|c| not_after(c)).collect();
    let Some(earliest) = expiries.iter().copied().min() else {
        return Observation::unknown(format!("{source}: no readable certificate"));
    };
    let days = ((earliest - now) as f64 / clock::DAY_SECS as f64 * 10.0).floor() / 10.0;
    let of = if certs.len() > 1 {
        format!(" (earliest of {} certificates)", certs.len())
    } else {
        String::new()
    };
    let message = if earliest <= now {
        format!(
            "certificate of {source} expired {}{of}",
            clock::format_ts(earliest)
        )
    } else {
        format!(
            "certificate of {source} expires {}, in {} days{of}",
            clock::format_ts(earliest),
            format_number(days)
        )
    };
    Observation::ok(message).with_reading(Reading::Number(days))
}

/// "TLS handshake timed out after 3s": the tls check and the http check over https
/// say it alike.
pub(super) fn handshake_timed_out(timeout: Span) -> String {
    format!("TLS handshake timed out after {timeout}")
}

/// A socket timeout: `WouldBlock` on unix (`EAGAIN`, "Resource temporarily
/// unavailable"), `TimedOut` elsewhere.
pub(super) fn is_timeout(err: &std::io::Error) -> bool {
    matches!(
        err.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    )
}

/// Why a handshake gave no certificate: the server failed (refused, hung up, spoke no
/// TLS, never finished the handshake), or hb could not even try (a bad server name, a
/// name that does not resolve).
struct FetchError {
    target_failed: bool,
    timed_out: bool,
    message: String,
}

impl FetchError {
    fn target(message: impl ToString) -> Self {
        FetchError {
            target_failed: true,
            timed_out: false,
            message: message.to_string(),
        }
    }
    fn timed_out() -> Self {
        FetchError {
            timed_out: true,
            ..FetchError::target("")
        }
    }
    fn not_evaluated(message: impl ToString) -> Self {
        FetchError {
            target_failed: false,
            timed_out: false,
            message: message.to_string(),
        }
    }
}

/// The chain a server presents, within the check's time limit.
fn fetch(
    address: &str,
    server_name: Option<&str>,
    timeout: Span,
) -> Result<Vec<CertificateDer<'static>>, FetchError> {
    let deadline = clock::deadline(timeout.0);
    let host = address
        .rsplit_once(':')
        .map(|(host, _)| host.trim_start_matches('[').trim_end_matches(']'))
        .unwrap_or(address);
    let name = ServerName::try_from(server_name.unwrap_or(host).to_string())
        .map_err(|e| FetchError::not_evaluated(format!("invalid server name: {e}")))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(FetchError::not_evaluated)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
        .with_no_client_auth();
    let mut conn =
        ClientConnection::new(Arc::new(config), name).map_err(FetchError::not_evaluated)?;
    let addr = address
        .to_socket_addrs()
        .map_err(|e| FetchError::not_evaluated(format!("cannot resolve: {e}")))?
        .next()
        .ok_or_else(|| FetchError::not_evaluated("cannot resolve: no address found"))?;
    let mut socket = TcpStream::connect_timeout(&addr, timeout.0).map_err(FetchError::target)?;
    while conn.is_handshaking() {
        let left = deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
            .ok_or_else(FetchError::timed_out)?;
        socket
            .set_read_timeout(Some(left))
            .and_then(|_| socket.set_write_timeout(Some(left)))
            .map_err(FetchError::target)?;
        conn.complete_io(&mut socket).map_err(|e| {
            if is_timeout(&e) {
                FetchError::timed_out()
            } else {
                FetchError::target(e)
            }
        })?;
    }
    Ok(conn
        .peer_certificates()
        .map(|certs| certs.iter().map(|c| c.clone().into_owned()).collect())
        .unwrap_or_default())
}

pub(super) fn read_pem(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    if !path.exists() {
        return Err("does not exist".into());
    }
    CertificateDer::pem_file_iter(path)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("not a PEM certificate file: {e}"))
}

/// Accepts every certificate; signatures are still verified so the handshake completes.
#[derive(Debug)]
pub(super) struct AnyCertificate(pub(super) Arc<CryptoProvider>);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `notAfter` of an X.509 certificate, as unix seconds (None: not a certificate).
pub fn not_after(der: &[u8]) -> Option<i64> {
    let cert = x509_cert::Certificate::from_der(der).ok()?;
    let not_after = cert.tbs_certificate().validity().not_after;
    i64::try_from(not_after.to_unix_duration().as_secs()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A certificate valid until `(year, month, day, hour, minute, second)`, as DER.
    fn certificate_until(at: (i32, u8, u8, u8, u8, u8)) -> Vec<u8> {
        let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
        params.not_before = rcgen::date_time_ymd(1990, 1, 1);
        let (year, month, day, hour, minute, second) = at;
        params.not_after = rcgen::date_time_ymd(year, month, day)
            .replace_hour(hour)
            .and_then(|t| t.replace_minute(minute))
            .and_then(|t| t.replace_second(second))
            .unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        params.self_signed(&key).unwrap().der().to_vec()
    }

    /// Both encodings of the time: UTCTime before 2050 (years 50 to 99 are 19xx),
    /// GeneralizedTime from 2050.
    #[test]
    fn asn1_times() {
        assert_eq!(
            not_after(&certificate_until((2027, 1, 1, 0, 0, 0))),
            Some(clock::parse_time("2027-01-01").unwrap().timestamp())
        );
        assert_eq!(
            not_after(&certificate_until((1999, 12, 31, 23, 59, 59))),
            Some(
                clock::parse_time("1999-12-31T23:59:59Z")
                    .unwrap()
                    .timestamp()
            )
        );
        assert_eq!(
            not_after(&certificate_until((2050, 1, 1, 12, 0, 0))),
            Some(
                clock::parse_time("2050-01-01T12:00:00Z")
                    .unwrap()
                    .timestamp()
            )
        );
        assert_eq!(not_after(b"garbage"), None);
    }

    #[test]
    fn not_after_of_a_generated_certificate() {
        let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
        params.not_after = rcgen::date_time_ymd(2031, 3, 4);
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        assert_eq!(
            not_after(cert.der()),
            Some(clock::parse_time("2031-03-04").unwrap().timestamp())
        );
        assert_eq!(not_after(b"\x30\x03\x02\x01\x01"), None);
    }
}
