//! HTTP Basic credentials: what Twilio sends on every Event Streams delivery when the sink's
//! destination URL has `user:password@`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use http::header::AUTHORIZATION;
use http::HeaderMap;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The user name and password every request must carry in `Authorization: Basic …`.
///
/// Compared in constant time, through SHA-256 digests so the length of the password does not
/// show either. `Debug` shows the user name only.
///
/// ```
/// use twilio_webhooks::signature::BasicAuth;
///
/// let credentials = BasicAuth::new("twilio", "s3cret");
/// assert_eq!(format!("{credentials:?}"), r#"BasicAuth { user: "twilio", .. }"#);
///
/// let request = http::Request::post("/twilio/events")
///     // base64("twilio:s3cret")
///     .header("authorization", "Basic dHdpbGlvOnMzY3JldA==")
///     .body(())?;
/// assert!(credentials.matches(request.headers()));
/// assert!(!BasicAuth::new("twilio", "other").matches(request.headers()));
/// # Ok::<(), http::Error>(())
/// ```
#[derive(Clone)]
pub struct BasicAuth {
    user: String,
    /// SHA-256 of `user:password`.
    digest: [u8; 32],
}

impl std::fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BasicAuth")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

impl BasicAuth {
    /// Expects this user name and password.
    pub fn new(user: impl Into<String>, password: impl AsRef<str>) -> Self {
        let user = user.into();
        let digest = Self::digest(format!("{user}:{}", password.as_ref()).as_bytes());
        Self { user, digest }
    }

    /// The user name expected.
    pub fn user(&self) -> &str {
        &self.user
    }

    fn digest(credentials: &[u8]) -> [u8; 32] {
        Sha256::digest(credentials).into()
    }

    /// Whether `headers` carry exactly one `Authorization: Basic …` with these credentials.
    pub fn matches(&self, headers: &HeaderMap) -> bool {
        let mut values = headers.get_all(AUTHORIZATION).iter();
        let (Some(value), None) = (values.next(), values.next()) else {
            return false;
        };
        let Some(encoded) = value.to_str().ok().and_then(|value| {
            let (scheme, rest) = value.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("basic").then_some(rest.trim())
        }) else {
            return false;
        };
        let Ok(decoded) = STANDARD.decode(encoded) else {
            return false;
        };
        bool::from(Self::digest(&decoded).ct_eq(&self.digest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(AUTHORIZATION, value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn accepts_only_the_exact_credentials() {
        let auth = BasicAuth::new("user", "pass");
        let good = format!("Basic {}", STANDARD.encode("user:pass"));
        assert!(auth.matches(&headers(&[&good])));
        assert!(auth.matches(&headers(&[&good.replace("Basic", "basic")])));
        for bad in [
            "",
            "Basic",
            "Basic !!!",
            "Bearer dXNlcjpwYXNz",
            &format!("Basic {}", STANDARD.encode("user:pas")),
            &format!("Basic {}", STANDARD.encode("user:pass ")),
            &format!("Basic {}", STANDARD.encode("User:pass")),
        ] {
            assert!(!auth.matches(&headers(&[bad])), "{bad:?}");
        }
        assert!(!auth.matches(&headers(&[])));
        assert!(!auth.matches(&headers(&[&good, &good])), "repeated header");
    }

    #[test]
    fn a_password_may_hold_colons() {
        let auth = BasicAuth::new("u", "a:b");
        let value = format!("Basic {}", STANDARD.encode("u:a:b"));
        assert!(auth.matches(&headers(&[&value])));
    }
}
