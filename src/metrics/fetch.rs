//! Fetching over HTTP(S), bounded: reqwest's blocking client with rustls (no OpenSSL), a
//! deadline for the whole exchange, a cap on the body, few redirects, the content type checked,
//! and credentials kept out of every message.

use std::io::Read;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How to fetch (`--timeout`, `--max-metrics-size`, `--ca-file`, the bearer token).
#[derive(Clone, Default)]
pub struct FetchOptions {
    /// The whole exchange: connecting, the answer and its body.
    pub timeout: Duration,
    /// Bodies larger than this are refused (checked while reading, not trusted from headers).
    pub max_bytes: u64,
    /// Extra PEM certificate(s) to trust (a cluster-internal CA).
    pub ca_file: Option<PathBuf>,
    /// A bearer token for the Prometheus API (read from an environment variable; never printed).
    pub token: Option<String>,
}

impl std::fmt::Debug for FetchOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FetchOptions")
            .field("timeout", &self.timeout)
            .field("max_bytes", &self.max_bytes)
            .field("ca_file", &self.ca_file)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// Most redirects followed before giving up.
pub const MAX_REDIRECTS: usize = 5;

/// Why a redirect is not followed: more than [`MAX_REDIRECTS`], or from HTTPS to plain HTTP
/// (reqwest keeps the Authorization header when only the scheme changes, so the bearer token
/// would travel unencrypted).
fn redirect_refused(previous: &[reqwest::Url], next: &reqwest::Url) -> Option<String> {
    // The first of `previous` is the URL asked for, not a redirect.
    if previous.len() > MAX_REDIRECTS {
        return Some(format!(
            "more than {MAX_REDIRECTS} redirects (a redirect loop?)"
        ));
    }
    if previous.last().is_some_and(|p| p.scheme() == "https") && next.scheme() != "https" {
        return Some("a redirect from https to plain http, not followed".into());
    }
    None
}

#[derive(Debug)]
struct RedirectRefused(String);

impl std::fmt::Display for RedirectRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RedirectRefused {}

/// A URL as it may be shown: without a password or user name in it, and without a query
/// string's values (which may carry tokens).
pub fn redact(url: &str) -> String {
    match reqwest::Url::parse(url) {
        // Nothing to hide: the URL as the user wrote it.
        Ok(u) if u.username().is_empty() && u.password().is_none() && u.query().is_none() => {
            url.to_string()
        }
        Ok(mut u) => {
            if !u.username().is_empty() || u.password().is_some() {
                let _ = u.set_username("");
                let _ = u.set_password(None);
            }
            if u.query().is_some() {
                let keys: Vec<String> = u
                    .query_pairs()
                    .map(|(k, _)| format!("{k}=<redacted>"))
                    .collect();
                u.set_query(Some(&keys.join("&")));
            }
            u.to_string()
        }
        // Unparseable (a bad port, a space): cut what could be credentials all the same, the
        // user information before an `@` of the authority and the query.
        Err(_) => {
            let (scheme, rest) = match url.find("://") {
                Some(i) => url.split_at(i + 3),
                None => ("", url),
            };
            let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let (authority, path) = rest.split_at(authority_end);
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            let path = match path.find(['?', '#']) {
                Some(i) if path[i..].starts_with('?') => format!("{}?<redacted>", &path[..i]),
                Some(i) => path[..i].to_string(),
                None => path.to_string(),
            };
            format!("{scheme}{host}{path}")
        }
    }
}

/// What a successful fetch gives.
#[derive(Debug)]
pub struct Fetched {
    pub body: String,
    /// When the answer arrived (seconds since the epoch).
    pub taken_at: f64,
}

fn now_epoch() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Describe a reqwest error without its URL (which may carry credentials) and with its cause.
fn describe(e: &reqwest::Error, timeout: Duration) -> String {
    if e.is_timeout() {
        return format!(
            "no complete answer within {}",
            crate::util::seconds(timeout)
        );
    }
    if e.is_redirect() {
        let mut cause = std::error::Error::source(e);
        while let Some(c) = cause {
            if let Some(r) = c.downcast_ref::<RedirectRefused>() {
                return r.0.clone();
            }
            cause = c.source();
        }
        return format!("more than {MAX_REDIRECTS} redirects (a redirect loop?)");
    }
    let mut msg = if e.is_connect() {
        "cannot connect".to_string()
    } else if e.is_builder() {
        "not a URL kp-lint can fetch".to_string()
    } else {
        "the request failed".to_string()
    };
    let mut cause = std::error::Error::source(e);
    let mut seen = 0;
    while let Some(c) = cause {
        if seen < 3 {
            msg.push_str(&format!(": {c}"));
        }
        seen += 1;
        cause = c.source();
    }
    msg
}

/// Read a body of at most `max` bytes (one more tells it is larger), until `timeout` after
/// `start`.
fn read_body(
    resp: reqwest::blocking::Response,
    start: Instant,
    timeout: Duration,
    max: u64,
) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    let mut reader = resp.take(max.saturating_add(1));
    let mut buf = [0u8; 64 * 1024];
    loop {
        if start.elapsed() > timeout {
            return Err(format!(
                "no complete answer within {} (the body was still arriving)",
                crate::util::seconds(timeout)
            ));
        }
        match reader.read(&mut buf) {
            Ok(0) => return Ok(body),
            Ok(n) => body.extend_from_slice(&buf[..n]),
            Err(e) => {
                let timed_out =
                    e.kind() == std::io::ErrorKind::TimedOut || e.to_string().contains("timed out");
                return Err(if timed_out {
                    format!(
                        "no complete answer within {}",
                        crate::util::seconds(timeout)
                    )
                } else {
                    format!("reading the answer failed: {e}")
                });
            }
        }
    }
}

/// GET `url` and return its text. `accept` is the Accept header; `expect` is a list of
/// acceptable content-type prefixes (an absent content type is accepted).
pub fn get(
    url: &str,
    accept: &str,
    expect: &[&str],
    opts: &FetchOptions,
) -> Result<Fetched, String> {
    let mut parsed = reqwest::Url::parse(url).map_err(|e| format!("not a URL: {e}"))?;
    if opts.token.is_some() {
        // reqwest turns a URL's user and password into Basic authorization; with the bearer
        // token as well, the request would carry two Authorization headers.
        let _ = parsed.set_username("");
        let _ = parsed.set_password(None);
    }
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "unsupported scheme {:?} (http or https)",
            parsed.scheme()
        ));
    }
    let start = Instant::now();
    let mut builder = reqwest::blocking::Client::builder()
        .timeout(opts.timeout)
        .connect_timeout(opts.timeout)
        .redirect(reqwest::redirect::Policy::custom(
            |attempt| match redirect_refused(attempt.previous(), attempt.url()) {
                Some(why) => attempt.error(RedirectRefused(why)),
                None => attempt.follow(),
            },
        ))
        .user_agent(concat!("kp-lint/", env!("CARGO_PKG_VERSION")));
    if is_loopback(&parsed) {
        builder = builder.no_proxy();
    }
    if let Some(ca) = &opts.ca_file {
        let pem = std::fs::read(ca)
            .map_err(|e| format!("cannot read --ca-file {}: {e}", ca.display()))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| format!("--ca-file {}: not PEM certificates: {e}", ca.display()))?;
        if certs.is_empty() {
            return Err(format!("--ca-file {}: no certificate in it", ca.display()));
        }
        for c in certs {
            builder = builder.add_root_certificate(c);
        }
    }
    let client = builder
        .build()
        .map_err(|e| format!("cannot set up HTTP: {}", describe(&e, opts.timeout)))?;
    let mut req = client.get(parsed).header(reqwest::header::ACCEPT, accept);
    if let Some(t) = &opts.token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().map_err(|e| describe(&e, opts.timeout))?;
    let status = resp.status();
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if !status.is_success() {
        let mut msg = format!("HTTP status {status}");
        // Prometheus says why it refused a query (a parse error, a vector-matching error) in a
        // JSON body: say it too, without the token should the server echo it.
        // (Whatever the content type says: some proxies in front of Prometheus relabel it.)
        {
            let (timeout, max) = (opts.timeout, 64 * 1024);
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let _ = tx.send(read_body(resp, start, timeout, max));
            });
            let left = timeout.saturating_sub(start.elapsed());
            if let Ok(Ok(body)) = rx.recv_timeout(left) {
                let error = serde_json::from_slice::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|v| v.get("error")?.as_str().map(str::to_string));
                if let Some(mut e) = error {
                    if let Some(t) = &opts.token {
                        e = e.replace(t.as_str(), "<redacted>");
                    }
                    let e: String = e.chars().take(500).collect();
                    msg.push_str(&format!(": {e}"));
                }
            }
        }
        return Err(msg);
    }
    if let Some(ct) = &content_type {
        let lower = ct.to_ascii_lowercase();
        if !expect.iter().any(|e| lower.starts_with(e)) {
            return Err(format!(
                "content type {ct:?}, expected {}",
                expect.join(" or ")
            ));
        }
    }
    if let Some(len) = resp.content_length() {
        if len > opts.max_bytes {
            return Err(format!(
                "the answer is {len} bytes, more than the limit of {} (--max-metrics-size)",
                opts.max_bytes
            ));
        }
    }
    // reqwest's blocking reads each get the whole --timeout anew, so a server that sends its
    // headers just in time and then stalls would hold the fetch for twice as long: the body is
    // read on a thread, and waited for only until the deadline. (A thread left behind stops at
    // its own read timeout or the size cap.)
    let timeout = opts.timeout;
    let max = opts.max_bytes;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(read_body(resp, start, timeout, max));
    });
    let left = timeout.saturating_sub(start.elapsed());
    let body = match rx.recv_timeout(left) {
        Ok(r) => r?,
        Err(_) => {
            return Err(format!(
                "no complete answer within {} (the body was still arriving)",
                crate::util::seconds(timeout)
            ));
        }
    };
    if body.len() as u64 > opts.max_bytes {
        return Err(format!(
            "the answer is larger than the limit of {} bytes (--max-metrics-size)",
            opts.max_bytes
        ));
    }
    let body = String::from_utf8(body).map_err(|e| {
        format!(
            "the answer is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    Ok(Fetched {
        body,
        taken_at: now_epoch(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_from_https_to_http_are_not_followed() {
        let u = |s: &str| reqwest::Url::parse(s).unwrap();
        // Same host and port: reqwest would keep the Authorization header.
        let why = redirect_refused(&[u("https://prom:9090/api")], &u("http://prom:9090/api"));
        assert!(why.is_some_and(|w| w.contains("https to plain http")));
        assert_eq!(
            redirect_refused(&[u("http://prom/")], &u("https://prom/")),
            None
        );
        let six: Vec<_> = (0..6).map(|_| u("http://h/")).collect();
        assert!(redirect_refused(&six, &u("http://h/")).is_some());
        assert_eq!(redirect_refused(&six[..5], &u("http://h/")), None);
    }

    #[test]
    fn redact_hides_credentials_even_in_urls_that_do_not_parse() {
        for (url, want) in [
            (
                "http://10.0.0.7:10249/metrics",
                "http://10.0.0.7:10249/metrics",
            ),
            ("https://u:s3cret@prom:9090/", "https://prom:9090/"),
            (
                "https://prom/?token=s3cret",
                "https://prom/?token=%3Credacted%3E",
            ),
            // Not URLs to reqwest (a port out of range, a space), but shown all the same.
            ("https://u:s3cret@prom:99999/x", "https://prom:99999/x"),
            (
                "http://admin:s3cret@my host/metrics",
                "http://my host/metrics",
            ),
            (
                "http://h:99999/m?token=s3cret#f",
                "http://h:99999/m?<redacted>",
            ),
            ("http://u:s3cret@h:99999#frag", "http://h:99999"),
        ] {
            let got = redact(url);
            assert_eq!(got, want, "{url}");
            assert!(!got.contains("s3cret"), "{url} → {got}");
        }
    }
}
