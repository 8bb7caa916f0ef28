//! The secrets a signature may be made with: auth tokens and SharedKeys.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::algorithm::{Algorithm, KeyedSecret, Presented, SortedParams, UnknownAlgorithm};
use super::error::{ConfigError, SignatureError};
use super::url::{body_sha256, port_variant};

#[derive(Debug, Clone, PartialEq, Eq)]
struct SharedKey {
    id: String,
    secret: KeyedSecret,
}

/// The secrets a request may be signed with.
///
/// - Auth tokens, tried in order, for requests without `X-Twilio-Webhooks-Signature-Settings`
///   (HMAC-SHA1). Several tokens cover rotation (primary and secondary token) and subaccounts.
/// - SharedKeys, by id, for requests with `X-Twilio-Webhooks-Signature-Settings:
///   key=<id>,algorithm=<HMAC_SHA1 | HMAC_SHA256>`: checked with the key of that id only, with the
///   algorithm the header names (`HMAC_SHA1` when it names none).
///
/// Secrets are redacted in `Debug` and never appear in errors.
///
/// ```
/// use twilio_webhooks::signature::Keyring;
///
/// // From an environment-style list: primary token first.
/// let keyring = Keyring::from_tokens("new_token, old_token")?
///     .with_shared_key("webhooks_sharedkey_0001", "shared-secret")?;
/// assert_eq!(keyring.auth_token_count(), 2);
/// let shown = format!("{keyring:?}");
/// assert!(!shown.contains("old_token") && !shown.contains("shared-secret"));
/// assert!(shown.contains("webhooks_sharedkey_0001"));
/// # Ok::<(), twilio_webhooks::signature::ConfigError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keyring {
    auth_tokens: Vec<KeyedSecret>,
    shared_keys: Vec<SharedKey>,
}

impl Keyring {
    /// An empty keyring; add secrets with [`with_auth_token`](Self::with_auth_token) and
    /// [`with_shared_key`](Self::with_shared_key). An empty keyring rejects every request with
    /// [`SignatureError::NoKeys`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Auth tokens from a comma-separated list, as in `TWILIO_AUTH_TOKEN=primary,secondary`.
    /// Whitespace around each token is ignored, as are empty entries.
    ///
    /// # Errors
    ///
    /// [`ConfigError::NoTokens`] when the list holds no token.
    pub fn from_tokens(tokens: &str) -> Result<Self, ConfigError> {
        let mut keyring = Self::new();
        for token in tokens.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            keyring = keyring.with_auth_token(token);
        }
        if keyring.auth_tokens.is_empty() {
            return Err(ConfigError::NoTokens);
        }
        Ok(keyring)
    }

    /// Adds an auth token, tried after the ones already added. An empty token is ignored.
    pub fn with_auth_token(mut self, token: impl AsRef<[u8]>) -> Self {
        let token = token.as_ref();
        if !token.is_empty() {
            self.auth_tokens.push(KeyedSecret::new(token));
        }
        self
    }

    /// Adds a SharedKey: its id (as in the settings header's `key=`) and secret.
    ///
    /// # Errors
    ///
    /// [`ConfigError::EmptySharedKey`] when the id or the secret is empty.
    pub fn with_shared_key(
        mut self,
        id: impl Into<String>,
        secret: impl AsRef<[u8]>,
    ) -> Result<Self, ConfigError> {
        let id = id.into();
        let secret = secret.as_ref();
        if id.trim().is_empty() || secret.is_empty() {
            return Err(ConfigError::EmptySharedKey);
        }
        self.shared_keys.push(SharedKey {
            id: id.trim().to_owned(),
            secret: KeyedSecret::new(secret),
        });
        Ok(self)
    }

    /// How many auth tokens are configured.
    pub fn auth_token_count(&self) -> usize {
        self.auth_tokens.len()
    }

    /// The configured SharedKey ids, in the order added.
    pub fn shared_key_ids(&self) -> impl Iterator<Item = &str> + '_ {
        self.shared_keys.iter().map(|key| key.id.as_str())
    }

    /// Whether no secret at all is configured.
    pub fn is_empty(&self) -> bool {
        self.auth_tokens.is_empty() && self.shared_keys.is_empty()
    }

    /// Checks a request's signature. Every entry point ends in the same check as this one
    /// (`Validator::verify` passes its parameters already sorted).
    ///
    /// 1. Chooses the keys: the auth tokens (HMAC-SHA1) without a settings header; the SharedKey
    ///    named by the header, with its algorithm, with one.
    /// 2. Signs the URL as given, then its port variant (port removed, or the default port
    ///    added), each followed by the sorted parameters (none when the URL has `bodySHA256`),
    ///    and compares with the presented signature in constant time.
    /// 3. With `bodySHA256` in the query, also checks the body's SHA-256 against it.
    ///
    /// # Errors
    ///
    /// See [`SignatureError`].
    pub fn verify(&self, request: &SignedRequest<'_>) -> Result<(), SignatureError> {
        self.check(&request.head, &request.params)
    }

    /// [`verify`](Self::verify) with the parameters sorted by the caller, in its own frame (the
    /// inline sorted list is about a kilobyte: not worth moving into a `SignedRequest`).
    pub(crate) fn check(
        &self,
        request: &RequestHead<'_>,
        sorted_params: &SortedParams<'_>,
    ) -> Result<(), SignatureError> {
        let body_hash = body_sha256(request.url)?;
        let has_body = request.body.is_some_and(|body| !body.is_empty());
        if request.reject_unsigned_body && has_body && body_hash.is_none() {
            return Err(SignatureError::UnsignedBody);
        }
        if request.signature.is_empty() {
            return Err(SignatureError::MissingSignature);
        }
        if self.is_empty() {
            return Err(SignatureError::NoKeys);
        }
        let (algorithm, key_id) = match request.settings {
            None => (Algorithm::HmacSha1, None),
            Some(header) => parse_settings(header)?,
        };
        // The keys to try, in order; iterated again for each URL, never collected.
        let secrets = || {
            let tokens = self.auth_tokens.iter().filter(move |_| key_id.is_none());
            let shared = self
                .shared_keys
                .iter()
                .filter(move |key| Some(key.id.as_str()) == key_id)
                .map(|key| &key.secret);
            tokens.chain(shared)
        };
        if secrets().next().is_none() {
            return Err(match key_id {
                None => SignatureError::NoAuthToken,
                Some(id) => SignatureError::UnknownKeyId {
                    key_id: id.to_owned(),
                },
            });
        }
        if body_hash.is_some() && request.body.is_none() {
            return Err(SignatureError::MissingBody);
        }
        // With bodySHA256 the signature covers the URL alone; the hash covers the body.
        let params = if body_hash.is_some() {
            &SortedParams::NONE
        } else {
            sorted_params
        };

        let presented = Presented::decode(request.signature);
        let matches = |url: &[&str]| {
            secrets().any(|secret| secret.verifies(algorithm, url, params, &presented))
        };
        // The URL as received first: it is the one Twilio signed unless a port was added or
        // dropped on the way.
        // The port variant is only worked out when that fails.
        if !matches(&[request.url]) {
            let variant = port_variant(request.url);
            if !variant.as_ref().is_some_and(|variant| matches(variant)) {
                return Err(SignatureError::Mismatch {
                    url: request.url.to_owned(),
                    urls: 1 + usize::from(variant.is_some()),
                    keys: secrets().count(),
                    algorithm,
                });
            }
        }

        if let Some(expected) = body_hash {
            let mut hex = [0; 64];
            let actual = sha256_hex(request.body.unwrap_or_default(), &mut hex);
            if !bool::from(actual.as_bytes().ct_eq(expected.as_bytes())) {
                return Err(SignatureError::BodyHashMismatch);
            }
        }
        Ok(())
    }
}

/// The lowercase hex SHA-256 of `body`, as a URL's `bodySHA256` carries it, written to `out`.
pub(crate) fn sha256_hex<'o>(body: &[u8], out: &'o mut [u8; 64]) -> &'o str {
    lower_hex(&Sha256::digest(body), out)
}

/// `bytes` in lowercase hex, written to the front of `out` (at least twice as long).
fn lower_hex<'o>(bytes: &[u8], out: &'o mut [u8]) -> &'o str {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (pair, byte) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = DIGITS[usize::from(byte >> 4)];
        pair[1] = DIGITS[usize::from(byte & 0xf)];
    }
    std::str::from_utf8(&out[..bytes.len() * 2]).expect("hex digits are ASCII")
}

/// Reads `key=<id>,algorithm=<name>`: entries separated by `,`, names and values trimmed,
/// unknown entries ignored; the algorithm defaults to HMAC_SHA1, as in twilio-python.
///
/// An empty header counts as absent: auth tokens and HMAC-SHA1.
fn parse_settings(header: &str) -> Result<(Algorithm, Option<&str>), SignatureError> {
    if header.trim().is_empty() {
        return Ok((Algorithm::HmacSha1, None));
    }
    let mut key = None;
    let mut algorithm = None;
    for entry in header.split(',') {
        let Some((name, value)) = entry.split_once('=') else {
            continue;
        };
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match name.trim() {
            "key" if key.is_none() => key = Some(value),
            "algorithm" if algorithm.is_none() => algorithm = Some(value),
            _ => {}
        }
    }
    let Some(key) = key else {
        return Err(SignatureError::MalformedSettings {
            reason: "no key=<id> entry",
        });
    };
    let algorithm = match algorithm {
        None => Algorithm::HmacSha1,
        Some(name) => name.parse().map_err(|UnknownAlgorithm(algorithm)| {
            SignatureError::UnsupportedAlgorithm { algorithm }
        })?,
    };
    Ok((algorithm, Some(key)))
}

/// What a signature check reads from one request, borrowed from it.
///
/// For frameworks other than tower: fill it from your request and pass it to
/// [`Keyring::verify`]. The parameters are sorted once, here (references, not copies).
///
/// ```
/// use twilio_webhooks::signature::{Keyring, SignedRequest};
///
/// let keyring = Keyring::new().with_shared_key("webhooks_sharedkey_0001", "shared-key-secret-0001")?;
/// let request = SignedRequest::new(
///     "https://mycompany.com/myapp.php?foo=1&bar=2",
///     "VtbGe89Ei7OIfHE+Mn2tynVSkuy6tQI1HI4ivgbbmO8=",
/// )
/// .params([
///     ("CallSid", "CA1234567890ABCDE"),
///     ("Caller", "+14158675309"),
///     ("Digits", "1234"),
///     ("From", "+14158675309"),
///     ("To", "+18005551212"),
/// ])
/// .settings(Some("key=webhooks_sharedkey_0001,algorithm=HMAC_SHA256"));
/// assert_eq!(keyring.verify(&request), Ok(()));
/// # Ok::<(), twilio_webhooks::signature::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
pub struct SignedRequest<'a> {
    head: RequestHead<'a>,
    params: SortedParams<'a>,
}

/// Everything a signature check reads but the parameters.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RequestHead<'a> {
    pub(crate) url: &'a str,
    pub(crate) signature: &'a str,
    pub(crate) body: Option<&'a [u8]>,
    pub(crate) settings: Option<&'a str>,
    /// Whether a body not covered by `bodySHA256` is refused: the caller knows the body is not
    /// form parameters.
    pub(crate) reject_unsigned_body: bool,
}

impl<'a> SignedRequest<'a> {
    /// The full URL Twilio requested and the `X-Twilio-Signature` value; no parameters, no
    /// body, no settings header.
    pub fn new(url: &'a str, signature: &'a str) -> Self {
        Self::complete(url, signature, [], None, None, false)
    }

    /// All of a request at once, built in place: the builder methods move the whole value
    /// (the sorted parameters are kept inline, about a kilobyte) at every step.
    ///
    /// With `reject_unsigned_body`, a non-empty body is refused ([`SignatureError::UnsignedBody`])
    /// unless the URL has `bodySHA256`: the caller knows the body is not form parameters.
    pub(crate) fn complete<P>(
        url: &'a str,
        signature: &'a str,
        params: P,
        body: Option<&'a [u8]>,
        settings: Option<&'a str>,
        reject_unsigned_body: bool,
    ) -> Self
    where
        P: IntoIterator<Item = (&'a str, &'a str)>,
    {
        Self {
            head: RequestHead {
                url,
                signature,
                body,
                settings,
                reject_unsigned_body,
            },
            params: SortedParams::new(params),
        }
    }

    /// The decoded form parameters (none for a GET or a JSON body), in any order.
    pub fn params<P>(mut self, params: P) -> Self
    where
        P: IntoIterator<Item = (&'a str, &'a str)>,
    {
        self.params = SortedParams::new(params);
        self
    }

    /// The raw body, checked against the URL's `bodySHA256` when it has one.
    pub fn body(mut self, body: &'a [u8]) -> Self {
        self.head.body = Some(body);
        self
    }

    /// The `X-Twilio-Webhooks-Signature-Settings` header, if the request has one.
    pub fn settings(mut self, header: Option<&'a str>) -> Self {
        self.head.settings = header;
        self
    }

    /// The URL as given.
    pub fn url(&self) -> &'a str {
        self.head.url
    }

    /// Whether form parameters were given.
    pub fn has_params(&self) -> bool {
        !self.params.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::test_support::{PARAMS, SIGNATURE, TOKEN, URL};

    #[test]
    fn tokens_are_tried_in_order() {
        let keyring = Keyring::from_tokens(&format!(" other ,, {TOKEN} ")).unwrap();
        assert_eq!(keyring.auth_token_count(), 2);
        let request = SignedRequest::new(URL, SIGNATURE).params(PARAMS);
        assert_eq!(keyring.verify(&request), Ok(()));
        assert_eq!(Keyring::from_tokens(" , "), Err(ConfigError::NoTokens));
    }

    #[test]
    fn empty_keyring_and_missing_kinds() {
        let request = SignedRequest::new(URL, SIGNATURE).params(PARAMS);
        assert_eq!(Keyring::new().verify(&request), Err(SignatureError::NoKeys));
        let shared_only = Keyring::new().with_shared_key("k", "s").unwrap();
        assert_eq!(
            shared_only.verify(&request),
            Err(SignatureError::NoAuthToken)
        );
        let tokens = Keyring::from_tokens(TOKEN).unwrap();
        assert_eq!(
            tokens.verify(
                &request
                    .clone()
                    .settings(Some("key=k,algorithm=HMAC_SHA256"))
            ),
            Err(SignatureError::UnknownKeyId { key_id: "k".into() })
        );
    }

    #[test]
    fn settings_header() {
        assert_eq!(parse_settings(" "), Ok((Algorithm::HmacSha1, None)));
        assert_eq!(
            parse_settings(" algorithm = hmac_sha256 , key = abc ,x=y"),
            Ok((Algorithm::HmacSha256, Some("abc")))
        );
        assert_eq!(
            parse_settings("key=abc"),
            Ok((Algorithm::HmacSha1, Some("abc")))
        );
        assert!(matches!(
            parse_settings("algorithm=HMAC_SHA256"),
            Err(SignatureError::MalformedSettings { .. })
        ));
        assert_eq!(
            parse_settings("key=abc,algorithm=HMAC_MD5"),
            Err(SignatureError::UnsupportedAlgorithm {
                algorithm: "HMAC_MD5".into()
            })
        );
    }

    #[test]
    fn empty_signature_is_missing() {
        let keyring = Keyring::from_tokens(TOKEN).unwrap();
        assert_eq!(
            keyring.verify(&SignedRequest::new(URL, "")),
            Err(SignatureError::MissingSignature)
        );
    }

    #[test]
    fn body_hash_needs_a_body() {
        let keyring = Keyring::from_tokens(TOKEN).unwrap();
        let url = "https://h/x?bodySHA256=abc";
        assert_eq!(
            keyring.verify(&SignedRequest::new(url, SIGNATURE)),
            Err(SignatureError::MissingBody)
        );
    }

    #[test]
    fn unsigned_bodies_are_refused_only_when_asked() {
        use crate::signature::{compute_signature, validate_body};
        let keyring = Keyring::from_tokens(TOKEN).unwrap();
        let signature = compute_signature(URL, [], TOKEN);
        // Through the public builder a body is only checked against bodySHA256.
        let request = SignedRequest::new(URL, &signature).body(b"{}");
        assert_eq!(keyring.verify(&request), Ok(()));
        assert_eq!(
            validate_body(URL, b"{}", &signature, &keyring),
            Err(SignatureError::UnsignedBody)
        );
        // Refused before the signature is looked at.
        assert_eq!(
            validate_body(URL, b"{}", "", &keyring),
            Err(SignatureError::UnsignedBody)
        );
        assert_eq!(validate_body(URL, b"", &signature, &keyring), Ok(()));
    }

    #[test]
    fn lower_hex_digits() {
        let mut out = [0; 8];
        assert_eq!(lower_hex(&[0x00, 0x9f, 0xa0, 0xff], &mut out), "009fa0ff");
    }

    #[test]
    fn debug_is_redacted() {
        let keyring = Keyring::from_tokens("tok-secret")
            .unwrap()
            .with_shared_key("id1", "shared-secret")
            .unwrap();
        let shown = format!("{keyring:?}");
        assert!(!shown.contains("tok-secret"));
        assert!(!shown.contains("shared-secret"));
        assert!(shown.contains("id1"));
    }
}
