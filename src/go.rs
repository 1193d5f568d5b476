//! Parsers that behave like the Go functions kube-proxy calls, so kp-lint's verdicts match:
//! `time.ParseDuration`, `strconv.ParseBool`, `k8s.io/utils/net.ParseIPSloppy`/`ParseCIDRSloppy`,
//! `net.SplitHostPort`, `k8s.io/apimachinery/pkg/util/net.ParsePortRange`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// `time.ParseDuration`: nanoseconds, or None where Go returns an error.
pub fn parse_duration(s: &str) -> Option<i128> {
    let (neg, mut rest) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num = &rest[..num_end];
        if num.is_empty() || num == "." || num.matches('.').count() > 1 {
            return None;
        }
        rest = &rest[num_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_end];
        rest = &rest[unit_end..];
        let mult: f64 = match unit {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        let v: f64 = num.parse().ok()?;
        total += v * mult;
    }
    if total > i64::MAX as f64 {
        return None;
    }
    let ns = total.round() as i128;
    Some(if neg { -ns } else { ns })
}

/// Format nanoseconds as Go's `time.Duration.String()` does (`1m30s`, `500ms`, `0s`).
pub fn format_duration(ns: i128) -> String {
    if ns == 0 {
        return "0s".into();
    }
    let neg = ns < 0;
    let mut n = ns.unsigned_abs();
    let mut out = String::new();
    if n < 1_000_000_000 {
        let (v, unit) = if n < 1_000 {
            (n as f64, "ns")
        } else if n < 1_000_000 {
            (n as f64 / 1e3, "µs")
        } else {
            (n as f64 / 1e6, "ms")
        };
        out = format!("{}{}", trim_float(v), unit);
    } else {
        let h = n / 3_600_000_000_000;
        n %= 3_600_000_000_000;
        let m = n / 60_000_000_000;
        n %= 60_000_000_000;
        let s = n as f64 / 1e9;
        if h > 0 {
            out.push_str(&format!("{h}h{m}m"));
        } else if m > 0 {
            out.push_str(&format!("{m}m"));
        }
        out.push_str(&format!("{}s", trim_float(s)));
    }
    if neg { format!("-{out}") } else { out }
}

fn trim_float(v: f64) -> String {
    let s = format!("{v:.9}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// `strconv.ParseBool`.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// `netutils.ParseIPSloppy`: like net.ParseIP, but IPv4 octets may have leading zeros.
pub fn parse_ip_sloppy(s: &str) -> Option<IpAddr> {
    if s.contains(':') {
        if s.contains('%') {
            return None;
        }
        return s.parse::<Ipv6Addr>().ok().map(IpAddr::V6);
    }
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut octets = [0u8; 4];
    for (i, p) in parts.iter().enumerate() {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut n: u32 = 0;
        for b in p.bytes() {
            n = n * 10 + u32::from(b - b'0');
            if n > 255 {
                return None;
            }
        }
        octets[i] = n as u8;
    }
    Some(IpAddr::V4(Ipv4Addr::from(octets)))
}

/// `netutils.ParseCIDRSloppy`: `ip/prefix`.
pub fn parse_cidr_sloppy(s: &str) -> Option<(IpAddr, u8)> {
    let (ip, prefix) = s.split_once('/')?;
    let ip = parse_ip_sloppy(ip)?;
    if prefix.is_empty() || prefix.len() > 3 || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let p: u8 = prefix.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    (p <= max).then_some((ip, p))
}

/// `net.SplitHostPort`.
pub fn split_host_port(s: &str) -> Option<(&str, &str)> {
    if let Some(rest) = s.strip_prefix('[') {
        let close = rest.find(']')?;
        let host = &rest[..close];
        let after = &rest[close + 1..];
        let port = after.strip_prefix(':')?;
        if port.contains(':') || port.contains('[') || port.contains(']') || host.contains('[') {
            return None;
        }
        return Some((host, port));
    }
    let i = s.rfind(':')?;
    let (host, port) = (&s[..i], &s[i + 1..]);
    if host.contains(':') || host.contains('[') || host.contains(']') || port.contains(']') {
        return None;
    }
    Some((host, port))
}

/// `strconv.Atoi` for ports.
pub fn atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `utilnet.ParsePortRange`: `""`, `N`, `N-M`, `N+K`, within 0..=65535 and end ≥ start.
pub fn port_range_ok(s: &str) -> bool {
    let s = s.trim();
    if s.is_empty() {
        return true;
    }
    let parse = |x: &str| -> Option<u32> {
        if x.is_empty() || !x.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        x.parse::<u32>().ok().filter(|&v| v <= 65535)
    };
    if let Some((a, b)) = s.split_once('-') {
        matches!((parse(a), parse(b)), (Some(a), Some(b)) if b >= a)
    } else if let Some((a, b)) = s.split_once('+') {
        matches!((parse(a), parse(b)), (Some(a), Some(k)) if a + k <= 65535)
    } else {
        parse(s).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_like_go() {
        assert_eq!(parse_duration("30s"), Some(30_000_000_000));
        assert_eq!(parse_duration("1h0m0s"), Some(3_600_000_000_000));
        assert_eq!(parse_duration("1.5m"), Some(90_000_000_000));
        assert_eq!(parse_duration("-1s"), Some(-1_000_000_000));
        assert_eq!(parse_duration("0"), Some(0));
        assert_eq!(parse_duration("300µs"), Some(300_000));
        assert_eq!(parse_duration("30"), None);
        assert_eq!(parse_duration(""), None);
        assert_eq!(parse_duration("1d"), None);
        assert_eq!(parse_duration("s"), None);
        assert_eq!(format_duration(90_000_000_000), "1m30s");
        assert_eq!(format_duration(86_400_000_000_000), "24h0m0s");
        assert_eq!(format_duration(500_000_000), "500ms");
    }

    #[test]
    fn addresses_like_go() {
        assert!(parse_ip_sloppy("010.0.0.1").is_some());
        assert!(parse_ip_sloppy("::1").is_some());
        assert!(parse_ip_sloppy("1.2.3").is_none());
        assert!(parse_ip_sloppy("10.0.0.1:80").is_none());
        assert!(parse_cidr_sloppy("10.0.0.0/8").is_some());
        assert!(parse_cidr_sloppy("fd00::/129").is_none());
        assert!(parse_cidr_sloppy("10.0.0.0").is_none());
        assert_eq!(split_host_port("[::1]:10249"), Some(("::1", "10249")));
        assert_eq!(split_host_port("0.0.0.0:10256"), Some(("0.0.0.0", "10256")));
        assert_eq!(split_host_port("::1"), None);
        assert_eq!(split_host_port("1.2.3.4"), None);
        assert!(port_range_ok("300-2000") && port_range_ok("") && port_range_ok("80+10"));
        assert!(!port_range_ok("2000-300") && !port_range_ok("70000"));
    }
}
