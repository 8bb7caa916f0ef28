//! Oracles shared by the fuzz targets, written independently of the library's own code.
#![allow(dead_code)]

use arbitrary::Arbitrary;

/// The auth token the targets validate with (and the seeds are signed with).
pub const TOKEN: &str = "FUZZ_AUTH_TOKEN_0123456789abcdef";

/// The other URL Twilio may have signed, computed with `http::Uri` rather than the library's
/// string editing: the port removed when there is one, the scheme's default port added when
/// there is none. `None` for URLs `http::Uri` does not take as absolute http(s) URLs.
pub fn port_variant(url: &str) -> Option<String> {
    let uri: http::Uri = url.parse().ok()?;
    let scheme = uri.scheme_str()?;
    let default = if scheme.eq_ignore_ascii_case("https") {
        ":443"
    } else if scheme.eq_ignore_ascii_case("http") {
        ":80"
    } else {
        return None;
    };
    let authority = uri.authority()?.as_str();
    let prefix = format!("{scheme}://{authority}");
    let rest = url.strip_prefix(prefix.as_str())?;
    if !(rest.is_empty() || rest.starts_with(['/', '?', '#'])) {
        return None;
    }
    // Only well-formed hosts: a bracketed IPv6 literal, or a name without brackets or colons
    // (`http::Uri` takes `a[::1]b` as a host, and `host:pa` as a host with no port).
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let (host, port) = match uri.port() {
        // `http::Uri` takes `+0` as a port, as `u16::from_str` does.
        Some(port) if !port.as_str().bytes().all(|b| b.is_ascii_digit()) => return None,
        Some(port) => {
            let host = host_port.strip_suffix(port.as_str())?.strip_suffix(':')?;
            (host, Some(port))
        }
        None => (host_port, None),
    };
    let well_formed = match host.strip_prefix('[') {
        Some(literal) => literal
            .strip_suffix(']')
            .is_some_and(|inner| !inner.contains(['[', ']'])),
        None => !host.contains(['[', ']', ':']),
    };
    if !well_formed || host.is_empty() {
        return None;
    }
    let authority_without_port = &authority[..authority.len() - host_port.len() + host.len()];
    match port {
        Some(_) => Some(format!("{scheme}://{authority_without_port}{rest}")),
        None => Some(format!("{prefix}{default}{rest}")),
    }
}

/// Whether the URL's query names `bodySHA256` (percent-decoded, before any fragment).
pub fn has_body_sha256(url: &str) -> bool {
    let Some((_, query)) = url.split_once('?') else {
        return false;
    };
    let query = query.split_once('#').map_or(query, |(query, _)| query);
    form_urlencoded::parse(query.as_bytes()).any(|(name, _)| name == "bodySHA256")
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The input of the `signature` target.
#[derive(Arbitrary, Debug, PartialEq, Eq)]
pub struct SignatureInput<'a> {
    pub url: &'a str,
    pub params: Vec<(&'a str, &'a str)>,
    pub signature: &'a str,
    pub settings: Option<&'a str>,
    /// Request target and `Host` for `Validator::verify`.
    pub target: &'a str,
    pub host: Option<&'a str>,
    pub forwarded_proto: Option<&'a str>,
    pub forwarded_host: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub body: &'a [u8],
}

/// The documented form decoding, written the obvious way: pairs split on `&` (empty ones
/// skipped), the name up to the first `=`, `+` a space, `%XX` the byte `XX`, each name and value
/// UTF-8. `None` when the body is not valid form encoding.
pub fn reference_decode(body: &[u8]) -> Option<Vec<(String, String)>> {
    fn digit(byte: Option<&u8>) -> Option<u8> {
        char::from(*byte?).to_digit(16).map(|d| d as u8)
    }
    fn decode(raw: &[u8]) -> Option<String> {
        let mut bytes = Vec::with_capacity(raw.len());
        let mut i = 0;
        while let Some(&byte) = raw.get(i) {
            match byte {
                b'+' => bytes.push(b' '),
                b'%' => {
                    bytes.push(digit(raw.get(i + 1))? << 4 | digit(raw.get(i + 2))?);
                    i += 2;
                }
                byte => bytes.push(byte),
            }
            i += 1;
        }
        String::from_utf8(bytes).ok()
    }
    body.split(|&b| b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.iter().position(|&b| b == b'=') {
            Some(eq) => Some((decode(&pair[..eq])?, decode(&pair[eq + 1..])?)),
            None => Some((decode(pair)?, String::new())),
        })
        .collect()
}
