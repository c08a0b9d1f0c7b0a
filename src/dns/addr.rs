//! Server addresses as people write them: `ADDR`, `ADDR:PORT`, `[V6]:PORT`.

use std::net::{IpAddr, SocketAddr};

/// Parses `ADDR`, `ADDR:PORT`, `[V6]:PORT` or a bare IPv6 address; port 53
/// by default. The error names the value and shows the accepted forms.
pub fn parse_server(s: &str) -> Result<SocketAddr, String> {
    let s = s.trim();
    if let Ok(sa) = s.parse::<SocketAddr>() {
        if sa.port() == 0 {
            return Err(format!(
                "\"{s}\" names port 0, where no server can answer; give the server's port, e.g. {}:53",
                sa.ip()
            ));
        }
        return Ok(sa);
    }
    let bare = s.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, 53));
    }
    Err(format!(
        "\"{}\" is not a resolver address; use ADDR, ADDR:PORT or [IPv6]:PORT, e.g. 127.0.0.1:5353",
        crate::mx::escape::visible(s)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_forms() {
        let p = |s: &str| parse_server(s).unwrap().to_string();
        assert_eq!(p("127.0.0.1"), "127.0.0.1:53");
        assert_eq!(p("127.0.0.1:5353"), "127.0.0.1:5353");
        assert_eq!(p("::1"), "[::1]:53");
        assert_eq!(p("[::1]"), "[::1]:53");
        assert_eq!(p("[::1]:5353"), "[::1]:5353");
        assert!(
            parse_server("dns.example")
                .unwrap_err()
                .contains("dns.example")
        );
        assert!(parse_server("127.0.0.1:99999").is_err());
        assert!(parse_server("127.0.0.1:0").unwrap_err().contains("port 0"));
    }
}
