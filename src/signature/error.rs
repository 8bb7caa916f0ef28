//! Why a request's signature was rejected, and why a validator could not be configured.

use http::StatusCode;

use crate::excerpt::{Excerpt, Quoted};

/// The most characters of a URL that an error message shows.
const SHOWN_URL_CHARS: usize = 200;

/// Why a request was not accepted as signed by Twilio.
///
/// Messages say what was wrong and which URL was checked; they never contain a secret or the
/// expected signature, so they are safe to log and to answer with. [`status`](Self::status)
/// gives the HTTP status to answer with:
///
/// | status | errors |
/// | --- | --- |
/// | 400 Bad Request | the request cannot be checked: [`MissingSignature`](Self::MissingSignature), [`MalformedSignature`](Self::MalformedSignature), [`MalformedSettings`](Self::MalformedSettings), [`MissingHost`](Self::MissingHost), [`MissingBody`](Self::MissingBody), [`RepeatedBodyHash`](Self::RepeatedBodyHash) |
/// | 403 Forbidden | the check failed: [`Mismatch`](Self::Mismatch), [`BodyHashMismatch`](Self::BodyHashMismatch), [`UnsignedBody`](Self::UnsignedBody), [`UnknownKeyId`](Self::UnknownKeyId), [`UnsupportedAlgorithm`](Self::UnsupportedAlgorithm), [`NoAuthToken`](Self::NoAuthToken) |
/// | 500 Internal Server Error | the server is misconfigured: [`NoKeys`](Self::NoKeys) |
///
/// A missing header is a 400, not a 403: such a request is not a Twilio webhook at all, and the
/// two are then told apart in access logs. Twilio treats any 4xx from a pre-action webhook as a
/// rejection either way.
///
/// ```
/// use twilio_webhooks::signature::{validate, Keyring, SignatureError};
///
/// let keyring = Keyring::from_tokens("12345")?;
/// let err = validate("https://example.com/hook", [("Body", "hi")], "bm9wZQ==", &keyring)
///     .unwrap_err();
/// assert!(matches!(err, SignatureError::Mismatch { .. }));
/// assert_eq!(err.status(), 403);
/// assert!(!err.to_string().contains("12345"));
/// # Ok::<(), twilio_webhooks::signature::ConfigError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// There is no `X-Twilio-Signature` header, or it is empty.
    #[error("missing X-Twilio-Signature header: the request is not signed")]
    MissingSignature,
    /// `X-Twilio-Signature` appears more than once, or is not visible ASCII.
    #[error("malformed X-Twilio-Signature header: expected one base64 value")]
    MalformedSignature,
    /// `X-Twilio-Webhooks-Signature-Settings` appears more than once, is not visible ASCII, or
    /// names no `key`.
    #[error("malformed X-Twilio-Webhooks-Signature-Settings header: {reason}")]
    MalformedSettings {
        /// What was wrong.
        reason: &'static str,
    },
    /// The signed URL cannot be rebuilt: no `Host` header (and no public URL configured).
    #[error(
        "cannot rebuild the signed URL: the request has no Host header (configure a public URL)"
    )]
    MissingHost,
    /// The URL has a `bodySHA256` query parameter but no raw body was given to check it against.
    #[error("the URL has a bodySHA256 query parameter but no raw body was supplied to check it")]
    MissingBody,
    /// No key produced the presented signature over the URL (as received, and with its port
    /// removed or the default port added) and the parameters.
    #[error(
        "X-Twilio-Signature does not match {} (checked {urls} URL form(s) with {keys} {algorithm} key(s)); \
         if the URL is not what Twilio requested, configure the public URL",
        Excerpt { text: url, max_chars: SHOWN_URL_CHARS, quoted: false }
    )]
    Mismatch {
        /// The URL as rebuilt or given, before port variants.
        url: String,
        /// How many URL forms were checked (1 or 2).
        urls: usize,
        /// How many keys were tried.
        keys: usize,
        /// The algorithm used.
        algorithm: super::Algorithm,
    },
    /// The signature matches, but the SHA-256 of the body is not the URL's `bodySHA256`
    /// (lowercase hex): the body was changed.
    #[error("the SHA-256 of the request body does not match the bodySHA256 query parameter")]
    BodyHashMismatch,
    /// The request has a body that is neither form parameters nor covered by `bodySHA256`, so
    /// the signature says nothing about it.
    #[error("the request body is not covered by the signature: it is not form-encoded and the URL has no bodySHA256")]
    UnsignedBody,
    /// The URL's query has `bodySHA256` more than once: which one vouches for the body would be
    /// a guess. Twilio sends it once.
    #[error("the URL has bodySHA256 more than once")]
    RepeatedBodyHash,
    /// `X-Twilio-Webhooks-Signature-Settings` names a key id that is not configured.
    #[error("no shared key with id {} is configured", Quoted(.key_id))]
    UnknownKeyId {
        /// The key id from the header.
        key_id: String,
    },
    /// `X-Twilio-Webhooks-Signature-Settings` names an algorithm other than `HMAC_SHA1` or
    /// `HMAC_SHA256`.
    #[error(
        "unsupported signature algorithm {}; supported: {}",
        Quoted(.algorithm),
        super::algorithm::SUPPORTED
    )]
    UnsupportedAlgorithm {
        /// The algorithm from the header.
        algorithm: String,
    },
    /// The request is signed with an auth token (no settings header) but only shared keys are
    /// configured.
    #[error("the request is signed with an auth token but only shared keys are configured")]
    NoAuthToken,
    /// The keyring is empty.
    #[error("no auth token or shared key is configured")]
    NoKeys,
}

impl SignatureError {
    /// The HTTP status to answer with (see the table on [`SignatureError`]).
    pub fn status(&self) -> StatusCode {
        match self {
            Self::MissingSignature
            | Self::MalformedSignature
            | Self::MalformedSettings { .. }
            | Self::MissingHost
            | Self::MissingBody
            | Self::RepeatedBodyHash => StatusCode::BAD_REQUEST,
            Self::Mismatch { .. }
            | Self::BodyHashMismatch
            | Self::UnsignedBody
            | Self::UnknownKeyId { .. }
            | Self::UnsupportedAlgorithm { .. }
            | Self::NoAuthToken => StatusCode::FORBIDDEN,
            Self::NoKeys => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A short reason for a response body, without the URL or other request details.
    ///
    /// ```
    /// use twilio_webhooks::signature::SignatureError;
    ///
    /// assert_eq!(SignatureError::MissingSignature.reason(), "missing X-Twilio-Signature");
    /// ```
    pub fn reason(&self) -> &'static str {
        match self {
            Self::MissingSignature => "missing X-Twilio-Signature",
            Self::MalformedSignature => "malformed X-Twilio-Signature",
            Self::MalformedSettings { .. } => "malformed X-Twilio-Webhooks-Signature-Settings",
            Self::MissingHost => "missing Host header",
            Self::MissingBody => "missing body",
            Self::Mismatch { .. } => "invalid X-Twilio-Signature",
            Self::BodyHashMismatch => "body does not match bodySHA256",
            Self::UnsignedBody => "body not covered by the signature",
            Self::RepeatedBodyHash => "bodySHA256 given more than once",
            Self::UnknownKeyId { .. } => "unknown signing key",
            Self::UnsupportedAlgorithm { .. } => "unsupported signature algorithm",
            Self::NoAuthToken => "auth-token signatures are not accepted",
            Self::NoKeys => "signature validation is not configured",
        }
    }
}

/// Why a keyring or validator could not be configured.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The comma-separated token list holds no token.
    #[error("no auth token given: expected one or more tokens separated by commas")]
    NoTokens,
    /// A shared key id or secret is empty.
    #[error("a shared key needs a non-empty id and secret")]
    EmptySharedKey,
    /// A required environment variable is not set (or not UTF-8).
    #[error("environment variable {name} is not set")]
    MissingEnv {
        /// The variable's name.
        name: &'static str,
    },
    /// The public base URL is not an absolute http(s) URL without query.
    #[error("invalid public URL {}: {reason}", Quoted(.url))]
    InvalidPublicUrl {
        /// The URL as given.
        url: String,
        /// What was wrong.
        reason: &'static str,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::Algorithm;

    #[test]
    fn long_urls_are_cut() {
        let url = format!("https://h/{}", "a".repeat(500));
        let err = SignatureError::Mismatch {
            url: url.clone(),
            urls: 2,
            keys: 1,
            algorithm: Algorithm::HmacSha1,
        };
        let message = err.to_string();
        assert!(message.contains("(510 bytes)"), "{message}");
        assert!(message.len() < 400);
    }

    #[test]
    fn statuses() {
        assert_eq!(SignatureError::MissingSignature.status(), 400);
        assert_eq!(SignatureError::BodyHashMismatch.status(), 403);
        assert_eq!(SignatureError::NoKeys.status(), 500);
    }
}
