//! What every request passes before a handler sees it: security headers on every response, the
//! allowed-Host list (DNS rebinding), the URI length, a whole-body deadline and size, API keys
//! for the write endpoints, and a per-client rate limit for the expensive endpoints.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::edge::MAX_URI_BYTES;
use crate::error::ApiError;

/// The Content-Security-Policy of every response. The map needs `blob:` workers and inline
/// style attributes (MapLibre GL), `data:` images (the empty favicon, sprites) and nothing
/// from another origin; no page may frame it.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' data: blob:; \
worker-src 'self' blob:; child-src 'self' blob:; object-src 'none'; base-uri 'none'; \
form-action 'self'; frame-ancestors 'none'";

/// Adds the security headers to every response, errors and rejections included.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    res
}

/// Host names a request may name in `Host`. Loopback names by default; a DNS-rebinding page
/// reaches the server under its own name and is refused.
#[derive(Clone, Debug)]
pub struct AllowedHosts {
    any: bool,
    names: Vec<String>,
}

impl AllowedHosts {
    pub const LOOPBACK: [&'static str; 4] = ["localhost", "127.0.0.1", "::1", "[::1]"];

    /// Loopback names plus `extra` (host names or addresses, without port; `*` allows any).
    pub fn new(extra: &[String]) -> AllowedHosts {
        let mut names: Vec<String> = Self::LOOPBACK.iter().map(|s| (*s).to_owned()).collect();
        names.extend(extra.iter().map(|h| h.trim().to_ascii_lowercase()));
        AllowedHosts {
            any: names.iter().any(|n| n == "*"),
            names,
        }
    }

    pub fn allows(&self, host: &str) -> bool {
        if self.any {
            return true;
        }
        let host = host.trim().to_ascii_lowercase();
        // Strip the port: `[v6]:port`, `name:port`; a bare v6 address has several colons.
        let name = if let Some(rest) = host.strip_prefix('[') {
            rest.split(']').next().unwrap_or("")
        } else if host.matches(':').count() == 1 {
            host.split(':').next().unwrap_or("")
        } else {
            host.as_str()
        };
        let name = name.trim_end_matches('.');
        self.names
            .iter()
            .any(|n| n.trim_start_matches('[').trim_end_matches(']') == name)
    }
}

/// The guard's policies, shared by every request.
pub struct Guard {
    pub hosts: AllowedHosts,
    pub max_body_bytes: usize,
    pub body_timeout: Duration,
    /// Keys accepted for the write endpoints; empty means no key is needed.
    pub api_keys: Vec<Vec<u8>>,
    pub rate: Option<RateLimiter>,
}

fn is_write(method: &Method, path: &str) -> bool {
    matches!(*method, Method::POST | Method::PUT | Method::DELETE)
        && (path == "/v1/scenarios" || path.starts_with("/v1/scenarios/"))
}

/// Paths whose handlers compute (searches, routes, landed costs): the rate limit applies.
pub fn is_expensive(path: &str) -> bool {
    matches!(
        path,
        "/v1/route" | "/v1/cost" | "/v1/places" | "/v1/hs" | "/v1/impact"
    ) || path.starts_with("/v1/places/")
}

/// Compares two byte strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = (a.len() != b.len()) as u8;
    for i in 0..a.len().max(b.len()) {
        diff |= a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0xff);
    }
    diff == 0
}

fn presented_key(h: &HeaderMap) -> Option<&[u8]> {
    if let Some(v) = h.get("x-api-key") {
        return Some(v.as_bytes());
    }
    let auth = h.get(header::AUTHORIZATION)?.as_bytes();
    let (scheme, rest) = auth.split_at(auth.len().min(7));
    scheme.eq_ignore_ascii_case(b"bearer ").then_some(rest)
}

fn error(status: StatusCode, code: &str, message: String) -> Response {
    ApiError::new(status, code, message).into_response()
}

pub async fn guard(State(g): State<Arc<Guard>>, req: Request, next: Next) -> Response {
    let uri_len = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    if uri_len > MAX_URI_BYTES {
        // 400 rather than 414: a request over a documented limit, like any other.
        return error(
            StatusCode::BAD_REQUEST,
            "uri_too_long",
            format!("the request URI has {uri_len} bytes; the limit is {MAX_URI_BYTES}"),
        );
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| req.uri().authority().map(|a| a.to_string()));
    match host {
        Some(h) if g.hosts.allows(&h) => {}
        Some(h) => {
            return error(
                StatusCode::MISDIRECTED_REQUEST,
                "host_not_allowed",
                format!(
                    "this server does not answer for host `{}`; start it with --allowed-host to add one",
                    h.chars().take(100).collect::<String>()
                ),
            )
        }
        None => {
            return error(
                StatusCode::BAD_REQUEST,
                "missing_host",
                "the request has no Host header".into(),
            )
        }
    }
    let path = req.uri().path().to_owned();
    if !g.api_keys.is_empty() && is_write(req.method(), &path) {
        match presented_key(req.headers()) {
            None => {
                let mut r = error(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "this endpoint needs an API key: `Authorization: Bearer KEY` or `X-API-Key: KEY`"
                        .into(),
                );
                r.headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                return r;
            }
            Some(k) => {
                // Every key is compared, so the time says nothing about which one nearly matched.
                let ok = g
                    .api_keys
                    .iter()
                    .fold(false, |acc, key| constant_time_eq(k, key) | acc);
                if !ok {
                    return error(
                        StatusCode::FORBIDDEN,
                        "forbidden",
                        "the API key is not valid".into(),
                    );
                }
            }
        }
    }
    if let Some(rate) = &g.rate {
        if is_expensive(&path) {
            let client = req
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip());
            if let Some(wait) = client.and_then(|ip| rate.check(ip)) {
                let mut r = error(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited",
                    format!(
                        "more than {} requests per second from this client; retry in {} s",
                        rate.per_second,
                        wait.as_secs().max(1)
                    ),
                );
                r.headers_mut().insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(wait.as_secs().max(1)),
                );
                return r;
            }
        }
    }
    // Bodies are read whole here, within a deadline and the size limit, so a slow or endless
    // body costs a connection for at most `body_timeout`, never a worker.
    if matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH) {
        let (parts, body) = req.into_parts();
        let limit = g.max_body_bytes;
        let read = tokio::time::timeout(g.body_timeout, axum::body::to_bytes(body, limit)).await;
        let bytes = match read {
            Err(_) => {
                return error(
                    StatusCode::REQUEST_TIMEOUT,
                    "body_timeout",
                    format!(
                        "the request body did not arrive within {} s",
                        g.body_timeout.as_secs()
                    ),
                )
            }
            Ok(Err(e)) => {
                let too_large = std::error::Error::source(&e)
                    .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
                return if too_large {
                    error(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "body_too_large",
                        format!("the request body is over the limit of {limit} bytes"),
                    )
                } else {
                    error(
                        StatusCode::BAD_REQUEST,
                        "invalid_body",
                        format!("the request body could not be read: {e}"),
                    )
                };
            }
            Ok(Ok(b)) => b,
        };
        return next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await;
    }
    next.run(req).await
}

/// A token bucket per client address: `per_second` requests a second on average, bursts of
/// `burst`. Memory is bounded: past `MAX_CLIENTS` addresses, full buckets are forgotten.
pub struct RateLimiter {
    pub per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

const MAX_CLIENTS: usize = 10_000;

impl RateLimiter {
    pub fn new(per_second: f64) -> RateLimiter {
        RateLimiter {
            per_second,
            burst: (per_second * 2.0).max(1.0),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// `None` when the request may go ahead, else how long until a token is free.
    pub fn check(&self, ip: IpAddr) -> Option<Duration> {
        let now = Instant::now();
        let mut b = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if b.len() >= MAX_CLIENTS && !b.contains_key(&ip) {
            let (rate, burst) = (self.per_second, self.burst);
            b.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < burst
            });
            if b.len() >= MAX_CLIENTS {
                b.clear();
            }
        }
        let (tokens, at) = b.entry(ip).or_insert((self.burst, now));
        *tokens =
            (*tokens + now.duration_since(*at).as_secs_f64() * self.per_second).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            None
        } else {
            Some(Duration::from_secs_f64(
                (1.0 - *tokens) / self.per_second.max(1e-9),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_allow_loopback_with_or_without_port_only() {
        let h = AllowedHosts::new(&[]);
        for ok in [
            "localhost",
            "localhost:8080",
            "127.0.0.1:1",
            "[::1]:8080",
            "LOCALHOST",
        ] {
            assert!(h.allows(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:8080",
            "127.0.0.2",
            "localhost.evil",
        ] {
            assert!(!h.allows(bad), "{bad}");
        }
        assert!(AllowedHosts::new(&["caravan.lan".into()]).allows("caravan.lan:80"));
        assert!(AllowedHosts::new(&["*".into()]).allows("anything"));
    }

    #[test]
    fn keys_compare_whole() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secret", b"secreT"));
        assert!(!constant_time_eq(b"secret", b"secret2"));
        assert!(!constant_time_eq(b"", b"x"));
    }

    #[test]
    fn the_bucket_empties_and_refills() {
        let r = RateLimiter::new(1.0);
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        assert!(r.check(ip).is_none());
        assert!(r.check(ip).is_none());
        assert!(r.check(ip).is_some());
        assert!(r.check("10.0.0.2".parse().unwrap()).is_none());
    }
}
