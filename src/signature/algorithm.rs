//! The HMAC over the URL and the sorted parameters, and its constant-time comparison.

use std::fmt;
use std::str::FromStr;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::Sha256;

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

/// The algorithms a signature may name, as error messages list them.
pub(crate) const SUPPORTED: &str = "HMAC_SHA1, HMAC_SHA256";

/// The name is not `HMAC_SHA1` or `HMAC_SHA256` (compared ignoring ASCII case).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported signature algorithm {}; supported: {SUPPORTED}", crate::excerpt::Quoted(.0))]
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

/// How many parameters are sorted on the stack; longer lists are sorted in a `Vec`.
const INLINE_PARAMS: usize = 24;

/// One parameter, with the first eight bytes of its name as a number that orders like them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Keyed<'a> {
    prefix: u64,
    name: &'a str,
    value: &'a str,
}

impl<'a> Keyed<'a> {
    const EMPTY: Keyed<'static> = Keyed {
        prefix: 0,
        name: "",
        value: "",
    };

    fn new((name, value): (&'a str, &'a str)) -> Self {
        let bytes = name.as_bytes();
        // Big-endian, shorter names padded with zeros (a plain load for the usual long name).
        let prefix = match bytes.first_chunk::<8>() {
            Some(head) => u64::from_be_bytes(*head),
            None => bytes.iter().enumerate().fold(0, |prefix, (i, &byte)| {
                prefix | u64::from(byte) << (56 - 8 * i)
            }),
        };
        Self {
            prefix,
            name,
            value,
        }
    }

    /// Byte order of `(name, value)`. Most names differ in their first eight bytes, so most
    /// comparisons are one integer comparison; equal prefixes (or a name that is a prefix of
    /// another, padded with zeros) fall back to comparing the strings.
    fn order(&self, other: &Self) -> std::cmp::Ordering {
        self.prefix
            .cmp(&other.prefix)
            .then_with(|| (self.name, self.value).cmp(&(other.name, other.value)))
    }
}

/// Parameters in signing order: sorted by name, then value, in byte order; identical pairs once.
///
/// Holds references into the caller's parameters; nothing is copied. Up to
/// [`INLINE_PARAMS`] pairs (every Conversations webhook) are kept inline, so sorting allocates
/// nothing.
#[derive(Clone)]
pub(crate) struct SortedParams<'a> {
    inline: [Keyed<'a>; INLINE_PARAMS],
    /// How many pairs are in use, in `inline` or (past [`INLINE_PARAMS`]) in `heap`.
    len: usize,
    heap: Vec<Keyed<'a>>,
}

impl Default for SortedParams<'_> {
    fn default() -> Self {
        Self::NONE
    }
}

impl fmt::Debug for SortedParams<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.pairs()).finish()
    }
}

impl<'a> SortedParams<'a> {
    /// No parameters (a GET, or a JSON body signed through `bodySHA256`).
    pub(crate) const NONE: Self = Self {
        inline: [Keyed::EMPTY; INLINE_PARAMS],
        len: 0,
        heap: Vec::new(),
    };

    pub(crate) fn new<P>(params: P) -> Self
    where
        P: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let mut sorted = Self::default();
        let mut params = params.into_iter().map(Keyed::new);
        for pair in params.by_ref() {
            if sorted.len == INLINE_PARAMS {
                sorted.heap = sorted.inline.to_vec();
                sorted.heap.push(pair);
                sorted.heap.extend(params);
                sorted.len = sorted.heap.len();
                break;
            }
            sorted.inline[sorted.len] = pair;
            sorted.len += 1;
        }
        // `str` orders by bytes, which for UTF-8 is code-point order: `Reason` < `ReasonX`,
        // `Z` < `_` < `a`. Sorting pairs sorts names, and the values of one name among
        // themselves; dropping repeats then drops repeated values of a name, as Twilio does.
        let pairs = sorted.keyed_mut();
        pairs.sort_unstable_by(Keyed::order);
        sorted.len = dedup(pairs);
        sorted
    }

    /// The pairs in use: the first `len` of the inline array, or of the `Vec` past it.
    fn keyed(&self) -> &[Keyed<'a>] {
        let all = if self.heap.is_empty() {
            &self.inline[..]
        } else {
            &self.heap[..]
        };
        &all[..self.len]
    }

    fn keyed_mut(&mut self) -> &mut [Keyed<'a>] {
        let all = if self.heap.is_empty() {
            &mut self.inline[..]
        } else {
            &mut self.heap[..]
        };
        &mut all[..self.len]
    }

    /// The pairs, in signing order.
    pub(crate) fn pairs(&self) -> impl Iterator<Item = (&'a str, &'a str)> + '_ {
        self.keyed().iter().map(|pair| (pair.name, pair.value))
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.keyed().is_empty()
    }
}

/// Moves the distinct pairs of a sorted slice to its front; returns how many there are.
fn dedup<T: PartialEq + Copy>(sorted: &mut [T]) -> usize {
    let mut kept = usize::from(!sorted.is_empty());
    for i in 1..sorted.len() {
        if sorted[i] != sorted[kept - 1] {
            if kept != i {
                sorted[kept] = sorted[i];
            }
            kept += 1;
        }
    }
    kept
}

/// A base64 signature in a fixed buffer (SHA-256: 44 characters).
pub(crate) struct Encoded {
    buf: [u8; 44],
    len: usize,
}

impl Encoded {
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).expect("base64 output is ASCII")
    }
}

/// A presented signature, base64-decoded once per request (SHA-256's 32 bytes fit; anything
/// that does not decode, or is longer, is kept empty and matches nothing).
pub(crate) struct Presented {
    buf: [u8; 48],
    len: usize,
}

impl Presented {
    /// Decodes `signature` strictly (canonical padding and trailing bits), so two texts decode
    /// alike only when they are the same text.
    pub(crate) fn decode(signature: &str) -> Self {
        let mut presented = Self {
            buf: [0; 48],
            len: 0,
        };
        if let Ok(len) = STANDARD.decode_slice(signature, &mut presented.buf) {
            presented.len = len;
        }
        presented
    }

    fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// The HMAC state after `url` (the concatenation of its pieces) and the parameters, fed
/// incrementally: the signed string is never built.
fn feed<M: Mac>(mut mac: M, url: &[&str], params: &SortedParams<'_>) -> M {
    for piece in url {
        mac.update(piece.as_bytes());
    }
    for (name, value) in params.pairs() {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    mac
}

/// The base64 of a finished HMAC.
fn encode<M: Mac>(mac: M) -> Encoded {
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

/// An HMAC keyed with `secret`. HMAC takes keys of any length, so this cannot fail.
fn new_hmac<M: KeyInit>(secret: &[u8]) -> M {
    M::new_from_slice(secret).unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"))
}

/// A signing secret with its HMAC keys already derived, for both algorithms: signing then starts
/// from a copy of the keyed state instead of hashing the padded key again (two blocks saved per
/// signature).
///
/// Compared by its bytes; its `Debug` output is redacted, so it is never shown anywhere.
#[derive(Clone)]
pub(crate) struct KeyedSecret {
    bytes: Box<[u8]>,
    sha1: Hmac<Sha1>,
    sha256: Hmac<Sha256>,
}

impl KeyedSecret {
    pub(crate) fn new(secret: &[u8]) -> Self {
        Self {
            bytes: secret.into(),
            sha1: new_hmac(secret),
            sha256: new_hmac(secret),
        }
    }

    /// Whether `presented` is the HMAC of `url` and `params`: compared by the `hmac` crate's
    /// `verify_slice`, in constant time.
    pub(crate) fn verifies(
        &self,
        algorithm: Algorithm,
        url: &[&str],
        params: &SortedParams<'_>,
        presented: &Presented,
    ) -> bool {
        match algorithm {
            Algorithm::HmacSha1 => feed(self.sha1.clone(), url, params)
                .verify_slice(presented.bytes())
                .is_ok(),
            Algorithm::HmacSha256 => feed(self.sha256.clone(), url, params)
                .verify_slice(presented.bytes())
                .is_ok(),
        }
    }
}

impl PartialEq for KeyedSecret {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}

impl Eq for KeyedSecret {}

impl fmt::Debug for KeyedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// The base64 HMAC of `url` (the concatenation of its pieces) followed by the parameters, fed
/// incrementally: the signed string is never built.
pub(crate) fn sign(
    algorithm: Algorithm,
    secret: &[u8],
    url: &[&str],
    params: &SortedParams<'_>,
) -> Encoded {
    match algorithm {
        Algorithm::HmacSha1 => encode(feed(new_hmac::<Hmac<Sha1>>(secret), url, params)),
        Algorithm::HmacSha256 => encode(feed(new_hmac::<Hmac<Sha256>>(secret), url, params)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::test_support::{PARAMS, SIGNATURE, TOKEN, URL};

    #[test]
    fn published_vector() {
        let params = SortedParams::new(PARAMS);
        let signature = sign(Algorithm::HmacSha1, TOKEN.as_bytes(), &[URL], &params);
        assert_eq!(signature.as_str(), SIGNATURE);
        let keyed = KeyedSecret::new(TOKEN.as_bytes());
        let verifies = |presented: &str| {
            keyed.verifies(
                Algorithm::HmacSha1,
                &[URL],
                &params,
                &Presented::decode(presented),
            )
        };
        assert!(verifies(SIGNATURE));
        assert!(!verifies(&SIGNATURE[..SIGNATURE.len() - 1]));
        assert!(!verifies(""));
        // The same bytes written otherwise (no padding, or other trailing bits) are refused.
        assert!(!verifies(SIGNATURE.trim_end_matches('=')));
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut other_bits = SIGNATURE.as_bytes().to_vec();
        let at = other_bits.len() - 2; // the last character before the one `=`
        let value = ALPHABET.iter().position(|&c| c == other_bits[at]).unwrap();
        other_bits[at] = ALPHABET[value | 1];
        assert!(!verifies(std::str::from_utf8(&other_bits).unwrap()));
        assert!(!verifies(&format!("{SIGNATURE} ")));
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
            params.pairs().collect::<Vec<_>>(),
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
    fn long_lists_sort_on_the_heap_alike() {
        let names: Vec<String> = (0..40).rev().map(|i| format!("P{i:02}")).collect();
        let mut pairs: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "v")).collect();
        pairs.push(("P07", "v"));
        let sorted = SortedParams::new(pairs.iter().copied());
        let sorted: Vec<_> = sorted.pairs().collect();
        assert_eq!(sorted.len(), 40);
        assert!(sorted.windows(2).all(|w| w[0] < w[1]));
        let short: Vec<_> = SortedParams::new(pairs[30..].iter().copied())
            .pairs()
            .collect();
        assert_eq!(short.len(), 10);
        assert!(short.windows(2).all(|w| w[0] < w[1]));
    }

    proptest::proptest! {
        #[test]
        fn prefix_order_is_byte_order(
            pairs in proptest::collection::vec(
                ("[ab\\x00\\x7fé\u{10FFFF}]{0,10}", "[ab]{0,2}"),
                0..40,
            )
        ) {
            let pairs: Vec<(&str, &str)> =
                pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
            let mut expected = pairs.clone();
            expected.sort_unstable();
            expected.dedup();
            let sorted: Vec<_> = SortedParams::new(pairs.iter().copied()).pairs().collect();
            proptest::prop_assert_eq!(sorted, expected);
        }
    }

    #[test]
    fn long_and_many_pieces_sign_like_the_whole() {
        let long = "x".repeat(1500);
        let medium = "y".repeat(300);
        let params = SortedParams::new([("A", long.as_str()), ("B", medium.as_str()), ("C", "z")]);
        let whole = [URL, "A", &long, "B", &medium, "C", "z"].concat();
        assert_eq!(
            sign(Algorithm::HmacSha1, b"k", &[URL], &params).as_str(),
            sign(
                Algorithm::HmacSha1,
                b"k",
                &[&whole],
                &SortedParams::default()
            )
            .as_str()
        );
    }

    #[test]
    fn url_pieces_sign_like_the_whole() {
        let params = SortedParams::new(PARAMS);
        let whole = sign(Algorithm::HmacSha1, TOKEN.as_bytes(), &[URL], &params);
        let (a, b) = URL.split_at(20);
        let pieces = sign(Algorithm::HmacSha1, TOKEN.as_bytes(), &[a, "", b], &params);
        assert_eq!(whole.as_str(), pieces.as_str());
    }

    #[test]
    fn keyed_secrets_sign_like_raw_ones() {
        let params = SortedParams::new(PARAMS);
        let keyed = KeyedSecret::new(TOKEN.as_bytes());
        for algorithm in [Algorithm::HmacSha1, Algorithm::HmacSha256] {
            let raw = sign(algorithm, TOKEN.as_bytes(), &[URL], &params);
            let presented = Presented::decode(raw.as_str());
            assert!(keyed.verifies(algorithm, &[URL], &params, &presented));
            let other = if algorithm == Algorithm::HmacSha1 {
                Algorithm::HmacSha256
            } else {
                Algorithm::HmacSha1
            };
            assert!(!keyed.verifies(other, &[URL], &params, &presented));
        }
        assert_eq!(&*keyed.bytes, TOKEN.as_bytes());
    }

    #[test]
    fn sha256_is_44_characters() {
        let signature = sign(
            Algorithm::HmacSha256,
            b"k",
            &[URL],
            &SortedParams::default(),
        );
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
