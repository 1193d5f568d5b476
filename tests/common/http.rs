//! A small HTTP/1.1 server on 127.0.0.1 for tests: it serves recorded pages, and misbehaves on
//! purpose (never answers, trickles, sends a gigabyte, garbage, a redirect loop). It records the
//! request heads it receives.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the server does with every request.
#[derive(Clone)]
pub enum Behaviour {
    /// 200 with this body and content type.
    Page { body: Vec<u8>, content_type: String },
    /// 200 with a kube-proxy page whose counters and histogram counts are multiplied by the
    /// number of requests so far, so that a scraping Prometheus sees them grow.
    Growing { body: String },
    /// Read the request, then say nothing (until the test process ends).
    Silent,
    /// Headers, then one byte every 100 ms, forever.
    Trickle,
    /// 200 without a length, then `bytes` of valid-looking samples.
    Huge { bytes: u64 },
    /// This status, with a small body.
    Status { code: u16, body: String },
    /// 302 to the same path, forever.
    RedirectLoop,
    /// This status, with a JSON body.
    JsonStatus { code: u16, body: String },
    /// The headers of a 200 after a pause, then nothing (until the test process ends).
    LateHeadersThenSilence { delay: Duration },
    /// 200 with this body and content type, each after a pause.
    Slow {
        delay: Duration,
        body: Vec<u8>,
        content_type: String,
    },
}

pub struct Server {
    pub port: u16,
    pub requests: Arc<Mutex<Vec<String>>>,
}

impl Server {
    pub fn start(b: Behaviour) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let hits = Arc::new(AtomicU64::new(0));
        let (r, h) = (requests.clone(), hits.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (b, r, h) = (b.clone(), r.clone(), h.clone());
                std::thread::spawn(move || serve(stream, &b, &r, &h));
            }
        });
        Server { port, requests }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn read_head(stream: &TcpStream) -> Option<String> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let end = line == "\r\n" || line == "\n";
        head.push_str(&line);
        if end {
            return Some(head);
        }
    }
}

fn serve(mut stream: TcpStream, b: &Behaviour, requests: &Mutex<Vec<String>>, hits: &AtomicU64) {
    // Keep-alive: answer requests on this connection until it closes.
    while let Some(head) = read_head(&stream) {
        let n = hits.fetch_add(1, Ordering::SeqCst) + 1;
        let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
        requests.lock().unwrap().push(head);
        let ok = match b {
            Behaviour::Page { body, content_type } => respond(&mut stream, 200, content_type, body),
            Behaviour::Growing { body } => respond(
                &mut stream,
                200,
                "text/plain; version=0.0.4; charset=utf-8",
                grow(body, n).as_bytes(),
            ),
            Behaviour::Silent => {
                std::thread::sleep(Duration::from_secs(3600));
                false
            }
            Behaviour::Trickle => {
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nConnection: close\r\n\r\n",
                );
                loop {
                    std::thread::sleep(Duration::from_millis(100));
                    if stream.write_all(b"#").is_err() {
                        break;
                    }
                }
                false
            }
            Behaviour::Huge { bytes } => {
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nConnection: close\r\n\r\n",
                );
                let chunk = "node_nf_conntrack_entries 1\n".repeat(2340); // ~64 KiB
                let mut sent = 0u64;
                while sent < *bytes {
                    if stream.write_all(chunk.as_bytes()).is_err() {
                        break;
                    }
                    sent += chunk.len() as u64;
                }
                false
            }
            Behaviour::Status { code, body } => {
                respond(&mut stream, *code, "text/plain", body.as_bytes())
            }
            Behaviour::JsonStatus { code, body } => {
                respond(&mut stream, *code, "application/json", body.as_bytes())
            }
            Behaviour::LateHeadersThenSilence { delay } => {
                std::thread::sleep(*delay);
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: 100\r\n\r\nnode_",
                );
                std::thread::sleep(Duration::from_secs(3600));
                false
            }
            Behaviour::Slow {
                delay,
                body,
                content_type,
            } => {
                std::thread::sleep(*delay);
                respond(&mut stream, 200, content_type, body)
            }
            Behaviour::RedirectLoop => {
                let msg =
                    format!("HTTP/1.1 302 Found\r\nLocation: {path}\r\nContent-Length: 0\r\n\r\n");
                stream.write_all(msg.as_bytes()).is_ok()
            }
        };
        if !ok {
            return;
        }
    }
}

fn respond(stream: &mut TcpStream, code: u16, content_type: &str, body: &[u8]) -> bool {
    let reason = match code {
        200 => "OK",
        401 => "Unauthorized",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Status",
    };
    let head = format!(
        "HTTP/1.1 {code} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).is_ok() && stream.write_all(body).is_ok()
}

/// Multiply the values of counters, histogram buckets, sums and counts by `n` (gauges, even
/// those named `_total` by kube-proxy, stay as they are).
fn grow(page: &str, n: u64) -> String {
    const GAUGES: [&str; 2] = [
        "kubeproxy_sync_proxy_rules_iptables_total",
        "kubeproxy_sync_proxy_rules_no_local_endpoints_total",
    ];
    let mut out = String::with_capacity(page.len());
    for line in page.lines() {
        let name = line.split(['{', ' ']).next().unwrap_or("");
        let grows = !line.starts_with('#')
            && !GAUGES.contains(&name)
            && ["_bucket", "_sum", "_count", "_total"]
                .iter()
                .any(|s| name.ends_with(s));
        match (grows, line.rsplit_once(' ')) {
            (true, Some((series, value))) => {
                let v: f64 = value.parse().unwrap();
                out.push_str(&format!("{series} {}\n", v * n as f64));
            }
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// A free port on 127.0.0.1 (bound and released: a small race, acceptable in tests).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// GET a URL with a plain TCP request (for waiting on real servers), returning the body.
pub fn get(port: u16, path_and_query: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path_and_query} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .ok()?;
    let mut buf = String::new();
    std::io::Read::read_to_string(&mut s, &mut buf).ok()?;
    let (head, body) = buf.split_once("\r\n\r\n")?;
    if !head.lines().next().is_some_and(|l| l.contains(" 200 ")) {
        return None;
    }
    Some(body.to_string())
}

/// Percent-encode a query value.
pub fn encode(q: &str) -> String {
    q.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
