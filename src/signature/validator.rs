//! A keyring plus the rule for rebuilding the signed URL: what a server checks requests with.

use http::request::Parts;
use http::{HeaderMap, HeaderName};

use super::algorithm::SortedParams;
use super::error::{ConfigError, SignatureError};
use super::keyring::{Keyring, RequestHead};
use super::url::{PublicUrl, UrlBuf, UrlSource};
use super::{SETTINGS_HEADER, SIGNATURE_HEADER};
use crate::params::{is_form, Params};

/// Checks the signature of incoming requests: a [`Keyring`] and how to rebuild the URL Twilio
/// signed.
///
/// The URL is, by default, `http://` + the `Host` header + the request target (path and query as
/// received; with the `axum` feature, the full path even inside a nested router). A request
/// target in absolute form keeps its own scheme, and its authority stands in for a missing
/// `Host`. Behind a
/// TLS-terminating proxy configure the [public URL](Self::public_url), or trust the proxy's
/// [forwarded headers](Self::trust_forwarded_headers).
///
/// ```
/// use twilio_webhooks::signature::Validator;
///
/// let validator = Validator::from_auth_tokens("primary_token,secondary_token")?
///     .public_url("https://hooks.example.com")?;
/// # let _ = validator;
/// # Ok::<(), twilio_webhooks::signature::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Validator {
    keyring: Keyring,
    source: UrlSource,
}

impl Validator {
    /// A validator with this keyring and the default URL rule (`http://` + `Host` + target).
    pub fn new(keyring: Keyring) -> Self {
        Self {
            keyring,
            source: UrlSource::Request,
        }
    }

    /// A validator for auth tokens given as a comma-separated list (see
    /// [`Keyring::from_tokens`]).
    ///
    /// # Errors
    ///
    /// [`ConfigError::NoTokens`] when the list holds no token.
    pub fn from_auth_tokens(tokens: &str) -> Result<Self, ConfigError> {
        Keyring::from_tokens(tokens).map(Self::new)
    }

    /// A validator configured from the environment: `TWILIO_AUTH_TOKEN` (required; one or more
    /// tokens separated by commas) and `PUBLIC_URL` (optional; ignored when empty).
    ///
    /// # Errors
    ///
    /// [`ConfigError::MissingEnv`] without `TWILIO_AUTH_TOKEN`, [`ConfigError::NoTokens`] when
    /// it is empty, [`ConfigError::InvalidPublicUrl`] for a bad `PUBLIC_URL`.
    pub fn from_env() -> Result<Self, ConfigError> {
        let tokens = std::env::var("TWILIO_AUTH_TOKEN").map_err(|_| ConfigError::MissingEnv {
            name: "TWILIO_AUTH_TOKEN",
        })?;
        let validator = Self::from_auth_tokens(&tokens)?;
        match std::env::var("PUBLIC_URL") {
            Ok(url) if !url.trim().is_empty() => validator.public_url(&url),
            _ => Ok(validator),
        }
    }

    /// Uses `base` instead of the request's scheme and `Host`: the signed URL is `base` + the
    /// request target. A path in `base` is a prefix stripped by a proxy and is put in front of
    /// the target (see [`PublicUrl`]). Forwarded headers are then ignored.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidPublicUrl`] unless `base` is an absolute http(s) URL without a query.
    pub fn public_url(mut self, base: &str) -> Result<Self, ConfigError> {
        self.source = UrlSource::Public(base.parse()?);
        Ok(self)
    }

    /// Whether to take the scheme and host from `X-Forwarded-Proto` and `X-Forwarded-Host`
    /// (first entry each) when present. Off by default: turn it on only behind a proxy that sets
    /// these headers, since any client can send them. Has no effect with a public URL.
    pub fn trust_forwarded_headers(mut self, trust: bool) -> Self {
        match (&self.source, trust) {
            (UrlSource::Public(_), _) => {}
            (_, true) => self.source = UrlSource::Forwarded,
            (_, false) => self.source = UrlSource::Request,
        }
        self
    }

    /// The keyring.
    pub fn keyring(&self) -> &Keyring {
        &self.keyring
    }

    /// The configured public URL, if any.
    pub fn public_base_url(&self) -> Option<&PublicUrl> {
        match &self.source {
            UrlSource::Public(url) => Some(url),
            _ => None,
        }
    }

    /// The URL Twilio is taken to have signed for this request.
    ///
    /// ```
    /// use twilio_webhooks::signature::Validator;
    ///
    /// let validator = Validator::from_auth_tokens("token")?;
    /// let request = http::Request::post("/twilio?x=1").header("host", "example.com").body(())?;
    /// let (parts, ()) = request.into_parts();
    /// assert_eq!(validator.signed_url(&parts)?, "http://example.com/twilio?x=1");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SignatureError::MissingHost`] when there is no host to rebuild it from.
    pub fn signed_url(&self, parts: &Parts) -> Result<String, SignatureError> {
        self.source.signed_url(parts)
    }

    /// Checks one request: its headers (`X-Twilio-Signature`, the settings header, `Host`),
    /// target, decoded form parameters and raw body.
    ///
    /// Pass the form parameters decoded from `body` for a form request, and an empty
    /// [`Params`] for a GET or a JSON body. A body that is neither form-encoded nor covered by
    /// `bodySHA256` is rejected ([`SignatureError::UnsignedBody`]): nothing vouches for it.
    ///
    /// ```
    /// use twilio_webhooks::signature::Validator;
    /// use twilio_webhooks::{testing, Params};
    ///
    /// let validator = Validator::from_auth_tokens("token")?;
    /// let params = Params::from_pairs([("Body", "hello")]);
    /// let request = testing::signed_request("http://localhost/twilio", &params, "token")?;
    /// let (parts, body) = request.into_parts();
    /// assert_eq!(validator.verify(&parts, &params, body.as_bytes()), Ok(()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// See [`SignatureError`].
    pub fn verify(
        &self,
        parts: &Parts,
        params: &Params,
        body: &[u8],
    ) -> Result<(), SignatureError> {
        self.verify_decoded(parts, params, body, is_form(&parts.headers))
    }

    /// [`verify`](Self::verify) for a caller that already knows whether the body is a form.
    pub(crate) fn verify_decoded(
        &self,
        parts: &Parts,
        params: &Params,
        body: &[u8],
        form: bool,
    ) -> Result<(), SignatureError> {
        let signature = single_header(&parts.headers, &SIGNATURE)
            .map_err(|()| SignatureError::MalformedSignature)?
            .ok_or(SignatureError::MissingSignature)?;
        let settings = single_header(&parts.headers, &SETTINGS).map_err(|()| {
            SignatureError::MalformedSettings {
                reason: "expected one visible-ASCII value",
            }
        })?;
        // Assembled on the stack (it is usually well under 256 bytes).
        let url = UrlBuf::new(&self.source.signed_url_pieces(parts)?);
        // Without parameters and not declared a form, the body is only vouched for by
        // `bodySHA256`.
        let reject_unsigned_body = params.is_empty() && !form;
        let head = RequestHead {
            url: url.as_str(),
            signature,
            body: Some(body),
            settings,
            reject_unsigned_body,
        };
        self.keyring.check(&head, &SortedParams::new(params))
    }
}

/// [`SIGNATURE_HEADER`] and [`SETTINGS_HEADER`] as header names, so that looking them up does
/// not parse them again for every request.
static SIGNATURE: HeaderName = HeaderName::from_static(SIGNATURE_HEADER);
static SETTINGS: HeaderName = HeaderName::from_static(SETTINGS_HEADER);

/// The value of a header that may appear at most once; `Err` when repeated or not visible ASCII.
fn single_header<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Result<Option<&'h str>, ()> {
    let mut values = headers.get_all(name).iter();
    match (values.next(), values.next()) {
        (None, _) => Ok(None),
        (Some(value), None) => value.to_str().map(Some).map_err(|_| ()),
        (Some(_), Some(_)) => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::compute_signature;
    use crate::signature::test_support::parts as request;

    #[test]
    fn verifies_a_form_request() {
        let validator = Validator::from_auth_tokens("tok").unwrap();
        let params = Params::from_pairs([("A", "1")]);
        let signature = compute_signature("http://h.example/x?y=1", &params, "tok");
        let parts = request(
            "/x?y=1",
            &[
                ("host", "h.example"),
                ("x-twilio-signature", &signature),
                (
                    "content-type",
                    "application/x-www-form-urlencoded; charset=utf-8",
                ),
            ],
        );
        assert_eq!(validator.verify(&parts, &params, b"A=1"), Ok(()));
        // Received with the default port, signed without: the port-removed form matches.
        let parts = request(
            "/x?y=1",
            &[("host", "h.example:80"), ("x-twilio-signature", &signature)],
        );
        assert_eq!(validator.verify(&parts, &params, b""), Ok(()));
    }

    #[test]
    fn header_problems() {
        let validator = Validator::from_auth_tokens("tok").unwrap();
        let params = Params::default();
        let parts = request("/x", &[("host", "h")]);
        assert_eq!(
            validator.verify(&parts, &params, b""),
            Err(SignatureError::MissingSignature)
        );
        let parts = request(
            "/x",
            &[
                ("host", "h"),
                ("x-twilio-signature", "a"),
                ("x-twilio-signature", "b"),
            ],
        );
        assert_eq!(
            validator.verify(&parts, &params, b""),
            Err(SignatureError::MalformedSignature)
        );
    }

    #[test]
    fn unsigned_bodies_are_rejected() {
        let validator = Validator::from_auth_tokens("tok").unwrap();
        let signature = compute_signature("http://h/x", [], "tok");
        let parts = request(
            "/x",
            &[
                ("host", "h"),
                ("x-twilio-signature", &signature),
                ("content-type", "application/json"),
            ],
        );
        assert_eq!(
            validator.verify(&parts, &Params::default(), b"{\"evil\":true}"),
            Err(SignatureError::UnsignedBody)
        );
        assert_eq!(validator.verify(&parts, &Params::default(), b""), Ok(()));
    }

    #[test]
    fn forwarded_toggle_keeps_public_url() {
        let validator = Validator::from_auth_tokens("tok")
            .unwrap()
            .public_url("https://x.example")
            .unwrap()
            .trust_forwarded_headers(true);
        assert_eq!(
            validator.public_base_url().map(PublicUrl::as_str),
            Some("https://x.example")
        );
    }
}
