//! `X-Twilio-Signature` validation: as functions, as a [`Validator`] for servers, and as tower
//! middleware ([`ValidateSignatureLayer`]).
//!
//! Twilio signs every webhook: HMAC-SHA1, keyed with the account's auth token, over the full URL
//! it requested followed by the form parameters sorted by name (byte order; each distinct value of
//! a repeated name in sorted order), each as `name` + `value` with no separators; base64. This
//! module checks that, in constant time, and agrees with Twilio's helper libraries on their test
//! vectors and on the cases in `tests/fixtures/signatures` (generated with the official libraries),
//! including where they fall short:
//!
//! - **Ports.** Twilio signs with or without the port inconsistently. The URL as received is
//!   tried first, then with its port removed (any port) or, when it has none, with the default
//!   port (`:443` for https, `:80` for http) added. Only the authority is edited, so `'` or raw
//!   Unicode in the path or query are never re-encoded, and userinfo (`user:pass@host:443`) is
//!   kept, unlike twilio-python.
//! - **JSON bodies.** When the URL's query has `bodySHA256`, the signature covers the URL alone,
//!   and the lowercase hex SHA-256 of the raw body must equal that value. Both must pass.
//!   [`Validator::verify`], [`validate_body`] and [`ValidateSignatureLayer`] reject a body that is
//!   neither form-encoded nor covered by `bodySHA256`; [`Keyring::verify`] checks a body only
//!   against `bodySHA256`.
//! - **Keys.** A [`Keyring`] holds several auth tokens, tried in order (rotation, subaccounts),
//!   and SharedKeys: a request with `X-Twilio-Webhooks-Signature-Settings: key=<id>,algorithm=<…>`
//!   is checked with the key of that id and that algorithm (HMAC-SHA1 or HMAC-SHA256).
//! - **The URL.** A server sees `http://internal-host`; Twilio signed `https://public-host`. A
//!   configured public URL, or trusted forwarded headers, fix that (see [`Validator`]).
//!
//! # Functions, for any framework
//!
//! ```
//! use twilio_webhooks::signature::{compute_signature, validate, Keyring};
//!
//! let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
//! let params = [
//!     ("CallSid", "CA1234567890ABCDE"),
//!     ("Caller", "+14158675309"),
//!     ("Digits", "1234"),
//!     ("From", "+14158675309"),
//!     ("To", "+18005551212"),
//! ];
//! assert_eq!(compute_signature(url, params, "12345"), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
//!
//! let keyring = Keyring::from_tokens("12345")?;
//! assert!(validate(url, params, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", &keyring).is_ok());
//! // Twilio may have signed the URL with the port; both forms are accepted.
//! let with_port = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
//! assert!(validate(with_port, params, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", &keyring).is_ok());
//! # Ok::<(), twilio_webhooks::signature::ConfigError>(())
//! ```
//!
//! # Middleware, in front of any handler
//!
//! See [`ValidateSignatureLayer`]; the webhook router of this crate uses a [`Validator`]
//! directly.

mod algorithm;
mod basic;
mod error;
mod keyring;
mod layer;
#[cfg(test)]
mod test_support;
mod url;
mod validator;

pub use algorithm::{Algorithm, UnknownAlgorithm};
pub use basic::BasicAuth;
pub use error::{ConfigError, SignatureError};
pub use keyring::{Keyring, SignedRequest};
pub use layer::{ResponseFuture, ValidateSignature, ValidateSignatureLayer};
pub use url::PublicUrl;
pub use validator::Validator;

use algorithm::{sign, SortedParams};
pub(crate) use keyring::sha256_hex;

/// The header Twilio puts the signature in.
pub const SIGNATURE_HEADER: &str = "x-twilio-signature";

/// The header naming the SharedKey and algorithm of a SharedKey-signed request.
pub const SETTINGS_HEADER: &str = "x-twilio-webhooks-signature-settings";

/// The HMAC-SHA1 signature Twilio would send for `url` and `params`, signed with an auth token.
///
/// `url` is used exactly as given; `params` are decoded form parameters in any order (`&Params`,
/// arrays or iterators of `(&str, &str)`). For a JSON body, put `bodySHA256` in the URL and
/// pass no parameters.
///
/// ```
/// use twilio_webhooks::signature::compute_signature;
/// use twilio_webhooks::Params;
///
/// let params = Params::from_pairs([("Digits", "1234"), ("CallSid", "CA1234567890ABCDE")]);
/// let signature = compute_signature("https://example.com/voice", &params, "auth_token");
/// assert_eq!(signature.len(), 28);
/// ```
pub fn compute_signature<'a, P>(url: &str, params: P, auth_token: &str) -> String
where
    P: IntoIterator<Item = (&'a str, &'a str)>,
{
    compute_signature_with(Algorithm::HmacSha1, url, params, auth_token.as_bytes())
}

/// The signature for `url` and `params` with any algorithm and secret (a SharedKey's, say).
///
/// ```
/// use twilio_webhooks::signature::{compute_signature_with, Algorithm};
///
/// let signature = compute_signature_with(Algorithm::HmacSha256, "https://example.com/", [], b"secret");
/// assert_eq!(signature.len(), 44);
/// ```
pub fn compute_signature_with<'a, P>(
    algorithm: Algorithm,
    url: &str,
    params: P,
    secret: &[u8],
) -> String
where
    P: IntoIterator<Item = (&'a str, &'a str)>,
{
    sign(algorithm, secret, &[url], &SortedParams::new(params))
        .as_str()
        .to_owned()
}

/// Checks the signature of a form (or GET) request against the keyring's auth tokens.
///
/// `url` is the full URL Twilio requested, `params` the decoded form parameters (none for a
/// GET), `signature` the `X-Twilio-Signature` value. For a JSON body use [`validate_body`]; for
/// SharedKey-signed requests, [`Keyring::verify`].
///
/// # Errors
///
/// [`SignatureError::Mismatch`] when no auth token produces the signature over the URL (as
/// given, or its port variant) and the parameters; see [`SignatureError`] for the rest.
pub fn validate<'a, P>(
    url: &'a str,
    params: P,
    signature: &'a str,
    keyring: &Keyring,
) -> Result<(), SignatureError>
where
    P: IntoIterator<Item = (&'a str, &'a str)>,
{
    keyring.verify(&SignedRequest::complete(
        url, signature, params, None, None, false,
    ))
}

/// Checks the signature of a request with a JSON (or other raw) body: the URL must carry
/// `bodySHA256`, the signature must cover the URL, and the body's SHA-256 must match.
///
/// ```
/// use twilio_webhooks::signature::{validate_body, Keyring, SignatureError};
///
/// let keyring = Keyring::from_tokens("12345")?;
/// let url = "https://mycompany.com/myapp.php?bodySHA256=ef2ea516400287cad921c280e509c2b4e17a83eba7921c5d876175a2f7e2a8c6";
/// let err = validate_body(url, b"{}", "bm9wZQ==", &keyring).unwrap_err();
/// assert!(matches!(err, SignatureError::Mismatch { .. }));
/// # Ok::<(), twilio_webhooks::signature::ConfigError>(())
/// ```
///
/// # Errors
///
/// [`SignatureError::UnsignedBody`] when the URL has no `bodySHA256` and the body is not
/// empty, [`SignatureError::BodyHashMismatch`] when the body was changed, and see
/// [`SignatureError`].
pub fn validate_body(
    url: &str,
    body: &[u8],
    signature: &str,
    keyring: &Keyring,
) -> Result<(), SignatureError> {
    keyring.verify(&SignedRequest::complete(
        url,
        signature,
        [],
        Some(body),
        None,
        true,
    ))
}
