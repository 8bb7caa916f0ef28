//! The HMAC over the URL and the sorted parameters, and its constant-time comparison.

use std::fmt;
use std::str::FromStr;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The HMAC a signature is made with.
///
/// Auth-token signatures are always [`HmacSha1`](Algorithm::HmacSha1); a request signed with a
/// SharedKey names its algorithm in `X-Twilio-Webhooks-Signature-Settings`.
///
/// ```
/// use twilio_webhooks::signature::Algorithm;
///
/// assert_eq!("HMAC_SHA256".parse::<Algorithm>(), Ok(Algorithm::HmacSha256));
/// assert_eq!(Algorithm::HmacSha1.as_str(), "HMAC_SHA1");
/// assert!("HMAC_SHA512".parse::<Algorithm>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Algorithm {
    /// HMAC-SHA1: the auth-token scheme, and the default when no algorithm is named.
    #[default]
    HmacSha1,
    /// HMAC-SHA256: available for SharedKey signing.
    HmacSha256,
}

impl Algorithm {
    /// The name Twilio uses in `X-Twilio-Webhooks-Signature-Settings`: `HMAC_SHA1` or
    /// `HMAC_SHA256`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::HmacSha1 => "HMAC_SHA1",
            Self::HmacSha256 => "HMAC_SHA256",
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name is not `HMAC_SHA1` or `HMAC_SHA256` (compared ignoring ASCII case).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported signature algorithm {}; supported: HMAC_SHA1, HMAC_SHA256", crate::error::Quoted(.0))]
pub struct UnknownAlgorithm(pub String);

impl FromStr for Algorithm {
    type Err = UnknownAlgorithm;

    /// Parses `HMAC_SHA1` or `HMAC_SHA256`, ignoring ASCII case as twilio-python does.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        if name.eq_ignore_ascii_case("HMAC_SHA1") {
            Ok(Self::HmacSha1)
        } else if name.eq_ignore_ascii_case("HMAC_SHA256") {
            Ok(Self::HmacSha256)
        } else {
            Err(UnknownAlgorithm(name.to_owned()))
        }
    }
}

/// Parameters in signing order: sorted by name, then value, in byte order; identical pairs once.
///
/// Holds references into the caller's parameters; nothing is copied.
#[derive(Debug, Clone, Default)]
pub(crate) struct SortedParams<'a>(Vec<(&'a str, &'a str)>);

impl<'a> SortedParams<'a> {
    pub(crate) fn new<P>(params: P) -> Self
    where
        P: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let mut pairs: Vec<(&str, &str)> = params.into_iter().collect();
        // `str` orders by bytes, which for UTF-8 is code-point order: `Reason` < `ReasonX`,
        // `Z` < `_` < `a`. Sorting pairs sorts names, and the values of one name among
        // themselves; `dedup` then drops repeated values of a name, as Twilio does.
        pairs.sort_unstable();
        pairs.dedup();
        Self(pairs)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A base64 signature in a fixed buffer (SHA-256: 44 characters).
pub(crate) struct Encoded {
    buf: [u8; 44],
    len: usize,
}

impl Encoded {
    pub(crate) fn as_str(&self) -> &str {
        // Base64 output is ASCII.
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default()
    }

    /// Compares with a presented signature in constant time (the length is not secret).
    pub(crate) fn matches(&self, presented: &str) -> bool {
        self.len > 0 && bool::from(self.buf[..self.len].ct_eq(presented.as_bytes()))
    }
}

fn feed<M: Mac>(mut mac: M, url: &str, params: &SortedParams<'_>) -> Encoded {
    mac.update(url.as_bytes());
    for (name, value) in &params.0 {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    let digest = mac.finalize().into_bytes();
    let mut encoded = Encoded {
        buf: [0; 44],
        len: 0,
    };
    // 44 bytes hold the base64 of any digest up to 32 bytes, so this cannot fail.
    if let Ok(len) = STANDARD.encode_slice(digest, &mut encoded.buf) {
        encoded.len = len;
    }
    encoded
}

/// The base64 HMAC of `url` followed by the parameters, fed incrementally.
///
/// An empty result (never produced in practice: HMAC accepts keys of any length) matches nothing.
pub(crate) fn sign(
    algorithm: Algorithm,
    secret: &[u8],
    url: &str,
    params: &SortedParams<'_>,
) -> Encoded {
    let empty = Encoded {
        buf: [0; 44],
        len: 0,
    };
    match algorithm {
        Algorithm::HmacSha1 => Hmac::<Sha1>::new_from_slice(secret)
            .map(|mac| feed(mac, url, params))
            .unwrap_or(empty),
        Algorithm::HmacSha256 => Hmac::<Sha256>::new_from_slice(secret)
            .map(|mac| feed(mac, url, params))
            .unwrap_or(empty),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";
    const PARAMS: [(&str, &str); 5] = [
        ("CallSid", "CA1234567890ABCDE"),
        ("Caller", "+14158675309"),
        ("Digits", "1234"),
        ("From", "+14158675309"),
        ("To", "+18005551212"),
    ];

    #[test]
    fn published_vector() {
        let params = SortedParams::new(PARAMS);
        let signature = sign(Algorithm::HmacSha1, b"12345", URL, &params);
        assert_eq!(signature.as_str(), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
        assert!(signature.matches("RSOYDt4T1cUTdK1PDd93/VVr8B8="));
        assert!(!signature.matches("RSOYDt4T1cUTdK1PDd93/VVr8B8"));
        assert!(!signature.matches(""));
    }

    #[test]
    fn sorting_is_by_bytes_and_values_are_deduplicated() {
        let params = SortedParams::new([
            ("b", "2"),
            ("ReasonConferenceEnded", "x"),
            ("b", "1"),
            ("Reason", "y"),
            ("_", "z"),
            ("b", "2"),
            ("a", "3"),
        ]);
        assert_eq!(
            params.0,
            [
                ("Reason", "y"),
                ("ReasonConferenceEnded", "x"),
                ("_", "z"),
                ("a", "3"),
                ("b", "1"),
                ("b", "2"),
            ]
        );
    }

    #[test]
    fn sha256_is_44_characters() {
        let signature = sign(Algorithm::HmacSha256, b"k", URL, &SortedParams::default());
        assert_eq!(signature.as_str().len(), 44);
        assert!(signature.as_str().ends_with('='));
    }

    #[test]
    fn algorithm_names() {
        assert_eq!("hmac_sha1".parse(), Ok(Algorithm::HmacSha1));
        assert_eq!(
            "HMAC_SHA512".parse::<Algorithm>().unwrap_err().to_string(),
            "unsupported signature algorithm \"HMAC_SHA512\"; supported: HMAC_SHA1, HMAC_SHA256"
        );
    }
}
