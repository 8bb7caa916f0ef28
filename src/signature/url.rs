//! The URL a signature covers: rebuilding it from a request, and its port variants.
//!
//! Twilio signs the URL it requested, byte for byte. The server sees only the request target
//! (path and query) and a `Host` header, so the URL is rebuilt as `http://` + `Host` + target,
//! unless a [`PublicUrl`] is configured (TLS-terminating proxies) or the user trusts
//! `X-Forwarded-Proto` / `X-Forwarded-Host`.
//!
//! Port variants are made by editing the authority substring only; the rest of the string is
//! kept as is, so a `'`, a `%27` or raw Unicode in the path or query survives unchanged.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use http::header::HOST;
use http::request::Parts;
use http::HeaderMap;

use super::error::SignatureError;

/// `X-Forwarded-Proto`, honoured only when forwarded headers are trusted.
const FORWARDED_PROTO: &str = "x-forwarded-proto";
/// `X-Forwarded-Host`, honoured only when forwarded headers are trusted.
const FORWARDED_HOST: &str = "x-forwarded-host";

/// Where `scheme://authority` starts and ends: `(scheme, authority start, authority end)`.
fn authority_range(url: &str) -> Option<(&str, usize, usize)> {
    let separator = url.find("://")?;
    let scheme = &url[..separator];
    let mut bytes = scheme.bytes();
    let scheme_ok = bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if !scheme_ok {
        return None;
    }
    let start = separator + 3;
    let end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    Some((scheme, start, end))
}

/// The other URL Twilio may have signed: with the port removed when the URL has one (any port,
/// as Twilio's libraries do), or with the scheme's default port (`:443` for https, `:80` for
/// http) added when it has none. `None` when the URL has no recognisable authority.
///
/// Userinfo is kept: `https://user:pass@host:443/x` becomes `https://user:pass@host/x`.
///
/// The variant is returned as three pieces whose concatenation is the URL, so nothing is
/// allocated: the HMAC is fed the pieces.
pub(crate) fn port_variant(url: &str) -> Option<[&str; 3]> {
    let (scheme, start, end) = authority_range(url)?;
    let authority = &url[start..end];
    let host_start = start + authority.rfind('@').map_or(0, |at| at + 1);
    let host_port = &url[host_start..end];
    if host_port.is_empty() {
        return None;
    }
    let colon = if host_port.starts_with('[') {
        // An IPv6 literal: the port, if any, follows the closing bracket.
        let close = host_port.find(']')?;
        match &host_port[close + 1..] {
            "" => None,
            rest if rest.starts_with(':') => Some(close + 1),
            _ => return None,
        }
    } else {
        host_port.find(':')
    };
    match colon {
        Some(colon) => {
            if !host_port[colon + 1..].bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let cut = host_start + colon;
            Some([&url[..cut], "", &url[end..]])
        }
        None => {
            let default = if scheme.eq_ignore_ascii_case("https") {
                ":443"
            } else if scheme.eq_ignore_ascii_case("http") {
                ":80"
            } else {
                return None;
            };
            Some([&url[..end], default, &url[end..]])
        }
    }
}

/// The `bodySHA256` value in the URL's query string, percent-decoded; an error when it is
/// given more than once.
pub(crate) fn body_sha256(url: &str) -> Result<Option<Cow<'_, str>>, SignatureError> {
    let Some((_, query)) = url.split_once('?') else {
        return Ok(None);
    };
    let query = query.split_once('#').map_or(query, |(query, _)| query);
    let mut values = form_urlencoded::parse(query.as_bytes())
        .filter(|(name, _)| name == "bodySHA256")
        .map(|(_, value)| value);
    let first = values.next();
    // Twilio sends one; two would leave open which one the body is checked against.
    if first.is_some() && values.next().is_some() {
        return Err(SignatureError::RepeatedBodyHash);
    }
    Ok(first)
}

/// The public base URL Twilio is configured with, for servers behind a TLS-terminating proxy.
///
/// It replaces the scheme and authority of the rebuilt URL. A path in it is a prefix that the
/// proxy strips: it is put in front of the request target. `https://example.com/base` and a
/// request for `/twilio?x=1` give `https://example.com/base/twilio?x=1`. A trailing `/` is
/// ignored. Query strings and fragments are not allowed (Twilio's query arrives in the request
/// target).
///
/// Nested axum routers need no prefix: with the `axum` feature the full original path is used.
///
/// ```
/// use twilio_webhooks::signature::PublicUrl;
///
/// let url: PublicUrl = "https://hooks.example.com/".parse()?;
/// assert_eq!(url.as_str(), "https://hooks.example.com");
/// assert!("hooks.example.com".parse::<PublicUrl>().is_err());
/// # Ok::<(), twilio_webhooks::signature::ConfigError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl(String);

impl PublicUrl {
    /// The base URL without a trailing `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for PublicUrl {
    type Err = super::ConfigError;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        let invalid = |reason: &'static str| super::ConfigError::InvalidPublicUrl {
            url: url.to_owned(),
            reason,
        };
        let trimmed = url.trim();
        let Some((scheme, start, end)) = authority_range(trimmed) else {
            return Err(invalid("expected http:// or https:// followed by a host"));
        };
        if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
            return Err(invalid("the scheme must be http or https"));
        }
        if start == end {
            return Err(invalid("the host is empty"));
        }
        if trimmed[end..].contains(['?', '#']) {
            return Err(invalid(
                "a query or fragment is not allowed; Twilio's query arrives with each request",
            ));
        }
        if trimmed
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
        {
            return Err(invalid("whitespace or control characters are not allowed"));
        }
        Ok(Self(trimmed.trim_end_matches('/').to_owned()))
    }
}

/// How the signed URL is rebuilt from a request.
#[derive(Debug, Clone, Default)]
pub(crate) enum UrlSource {
    /// `http://` (or the request URI's scheme) + `Host` + target.
    #[default]
    Request,
    /// As [`Request`](UrlSource::Request), but `X-Forwarded-Proto` / `X-Forwarded-Host` win.
    Forwarded,
    /// The configured base + target.
    Public(PublicUrl),
}

/// The first comma-separated entry of a header, trimmed; `None` when absent or empty.
fn first_entry<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    let value = headers.get(name)?.to_str().ok()?;
    let first = value.split(',').next()?.trim();
    (!first.is_empty()).then_some(first)
}

impl UrlSource {
    /// The URL Twilio is taken to have requested.
    pub(crate) fn signed_url(&self, parts: &Parts) -> Result<String, SignatureError> {
        self.signed_url_pieces(parts).map(|pieces| pieces.concat())
    }

    /// The same URL as pieces borrowed from the configuration and the request.
    pub(crate) fn signed_url_pieces<'p>(
        &'p self,
        parts: &'p Parts,
    ) -> Result<[&'p str; 4], SignatureError> {
        #[cfg(feature = "axum")]
        let uri = match parts.extensions.get::<axum::extract::OriginalUri>() {
            // Nested in an axum router: Twilio signed the full path, not the nested remainder.
            Some(axum::extract::OriginalUri(uri)) => uri,
            None => &parts.uri,
        };
        #[cfg(not(feature = "axum"))]
        let uri = &parts.uri;
        let target = uri.path_and_query().map_or("/", |target| target.as_str());
        let target = if target.starts_with('/') { target } else { "/" };

        if let Self::Public(base) = self {
            return Ok([base.as_str(), target, "", ""]);
        }
        let forwarded = matches!(self, Self::Forwarded);
        let scheme = forwarded
            .then(|| first_entry(&parts.headers, FORWARDED_PROTO))
            .flatten()
            .or(uri.scheme_str())
            .unwrap_or("http");
        let host = forwarded
            .then(|| first_entry(&parts.headers, FORWARDED_HOST))
            .flatten()
            .or_else(|| {
                parts
                    .headers
                    .get(HOST)
                    .and_then(|host| host.to_str().ok())
                    .map(str::trim)
                    .filter(|host| !host.is_empty())
            })
            .or_else(|| uri.authority().map(|authority| authority.as_str()))
            .ok_or(SignatureError::MissingHost)?;
        Ok([scheme, "://", host, target])
    }
}

/// How many bytes of URL are kept on the stack; a longer URL is put in a `String`.
const INLINE_URL: usize = 256;

/// A URL assembled from pieces without allocating when it fits in [`INLINE_URL`] bytes.
pub(crate) struct UrlBuf {
    inline: [u8; INLINE_URL],
    len: usize,
    heap: String,
}

impl UrlBuf {
    pub(crate) fn new(pieces: &[&str]) -> Self {
        let mut url = Self {
            inline: [0; INLINE_URL],
            len: 0,
            heap: String::new(),
        };
        let total: usize = pieces.iter().map(|piece| piece.len()).sum();
        if total > INLINE_URL {
            url.heap = pieces.concat();
            return url;
        }
        for piece in pieces {
            url.inline[url.len..url.len + piece.len()].copy_from_slice(piece.as_bytes());
            url.len += piece.len();
        }
        url
    }

    pub(crate) fn as_str(&self) -> &str {
        if self.heap.is_empty() {
            std::str::from_utf8(&self.inline[..self.len])
                .expect("the pieces were `str`s, so their concatenation is UTF-8")
        } else {
            &self.heap
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::test_support::parts;

    /// Asserts the port variant of each URL: `None` when it has none.
    #[track_caller]
    fn assert_variants(cases: &[(&str, Option<&str>)]) {
        for &(url, expected) in cases {
            let variant = port_variant(url).map(|pieces| pieces.concat());
            assert_eq!(variant.as_deref(), expected, "{url}");
        }
    }

    #[test]
    fn removes_any_port() {
        assert_variants(&[
            (
                "https://mycompany.com:443/myapp.php?foo=1&bar=2",
                Some("https://mycompany.com/myapp.php?foo=1&bar=2"),
            ),
            (
                "https://mycompany.com:8443/x",
                Some("https://mycompany.com/x"),
            ),
            // No path.
            ("http://h:80", Some("http://h")),
            ("http://h:?q", Some("http://h?q")),
        ]);
    }

    #[test]
    fn adds_the_default_port() {
        assert_variants(&[
            (
                "https://mycompany.com/myapp.php?foo=1",
                Some("https://mycompany.com:443/myapp.php?foo=1"),
            ),
            (
                "HTTP://mycompany.com?x=1",
                Some("HTTP://mycompany.com:80?x=1"),
            ),
            ("ftp://mycompany.com/x", None),
        ]);
    }

    #[test]
    fn keeps_userinfo() {
        assert_variants(&[
            (
                "https://user:pass@mycompany.com:443/a?b=c:d@e",
                Some("https://user:pass@mycompany.com/a?b=c:d@e"),
            ),
            (
                "https://user:pass@mycompany.com/a",
                Some("https://user:pass@mycompany.com:443/a"),
            ),
        ]);
    }

    #[test]
    fn keeps_the_rest_byte_for_byte() {
        assert_variants(&[(
            "https://h.com/café/☃?name=O'Brien&x=%27",
            Some("https://h.com:443/café/☃?name=O'Brien&x=%27"),
        )]);
    }

    #[test]
    fn ipv6_and_odd_inputs() {
        assert_variants(&[
            ("http://[::1]:8080/x", Some("http://[::1]/x")),
            ("http://[::1]/x", Some("http://[::1]:80/x")),
            ("http://[::1/x", None),
            ("http://h:12a/x", None),
            ("/just/a/path", None),
            ("https:///x", None),
            ("1http://h/x", None),
            ("", None),
        ]);
    }

    #[test]
    fn url_buffers_hold_short_and_long_urls() {
        assert_eq!(UrlBuf::new(&["http://", "h", "/x"]).as_str(), "http://h/x");
        assert_eq!(UrlBuf::new(&[]).as_str(), "");
        let long = "a".repeat(300);
        assert_eq!(UrlBuf::new(&["https://h/", &long]).as_str().len(), 310);
        let exact = "b".repeat(INLINE_URL - 1);
        assert_eq!(UrlBuf::new(&["/", &exact]).as_str().len(), INLINE_URL);
    }

    #[test]
    fn finds_body_sha256() {
        assert_eq!(
            body_sha256("https://h/x?a=1&bodySHA256=ab%63#frag")
                .unwrap()
                .as_deref(),
            Some("abc")
        );
        assert_eq!(body_sha256("https://h/x?bodysha256=abc"), Ok(None));
        assert_eq!(body_sha256("https://h/x"), Ok(None));
        assert_eq!(
            body_sha256("https://h/x?bodySHA256=abc&bodySHA256=abc"),
            Err(SignatureError::RepeatedBodyHash)
        );
    }

    #[test]
    fn rebuilds_from_host_and_target() {
        let p = parts("/twilio?x=1", &[("host", "example.com:3000")]);
        assert_eq!(
            UrlSource::Request.signed_url(&p).unwrap(),
            "http://example.com:3000/twilio?x=1"
        );
        let p = parts("/twilio", &[]);
        assert!(matches!(
            UrlSource::Request.signed_url(&p),
            Err(SignatureError::MissingHost)
        ));
        // Absolute-form / HTTP/2: scheme and authority from the URI.
        let p = parts("https://example.com/twilio", &[]);
        assert_eq!(
            UrlSource::Request.signed_url(&p).unwrap(),
            "https://example.com/twilio"
        );
    }

    #[test]
    fn forwarded_headers_only_when_trusted() {
        let p = parts(
            "/twilio",
            &[
                ("host", "internal:8080"),
                ("x-forwarded-proto", "https, http"),
                ("x-forwarded-host", "hooks.example.com"),
            ],
        );
        assert_eq!(
            UrlSource::Request.signed_url(&p).unwrap(),
            "http://internal:8080/twilio"
        );
        assert_eq!(
            UrlSource::Forwarded.signed_url(&p).unwrap(),
            "https://hooks.example.com/twilio"
        );
    }

    #[test]
    fn public_url_replaces_scheme_and_authority() {
        let p = parts("/twilio?x=1", &[("host", "internal:8080")]);
        let public: PublicUrl = "https://example.com/base/".parse().unwrap();
        assert_eq!(
            UrlSource::Public(public).signed_url(&p).unwrap(),
            "https://example.com/base/twilio?x=1"
        );
        for bad in [
            "example.com",
            "ftp://x",
            "https://",
            "https://x/?q=1",
            "https://x/#f",
        ] {
            assert!(bad.parse::<PublicUrl>().is_err(), "{bad}");
        }
    }
}
