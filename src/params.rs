//! The decoded parameter list of a form-encoded webhook body.
//!
//! Twilio sends every Conversations webhook as `application/x-www-form-urlencoded`. [`Params`]
//! decodes such a body once, in one pass, into a single buffer: the signature check and the event
//! parser both read from it, so nothing is decoded twice and no parameter gets an allocation of its
//! own.
//!
//! Decoding is strict, unlike a browser's: a `%` not followed by two hex digits, or bytes that are
//! not UTF-8 once decoded, are errors that say where they are, because a lenient decoder would
//! hand the signature check different text from what Twilio signed.
//!
//! ```
//! use twilio_webhooks::Params;
//!
//! let params = Params::parse(b"EventType=onMessageAdd&Body=hello+w%C3%B6rld")?;
//! assert_eq!(params.get("Body"), Some("hello wörld"));
//! assert_eq!(params.len(), 2);
//! # Ok::<(), twilio_webhooks::FormError>(())
//! ```

use std::fmt;
use std::ops::Range;

use crate::excerpt::Quoted;

/// Why a form body could not be decoded, and where.
///
/// The message names the parameter (by name when the error is in its value, by position when it
/// is in the name itself) and shows the offending text, quoted and cut to 64 characters.
///
/// ```
/// use twilio_webhooks::{FormError, Params};
///
/// let err = Params::parse(b"EventType=onMessageAdd&Body=100%").unwrap_err();
/// assert!(matches!(err, FormError::InvalidPercentEncoding { offset: 31, .. }));
/// assert_eq!(
///     err.to_string(),
///     "form body: the value of parameter \"Body\" (#1): invalid percent-encoding \"%\" at byte 31: \
///      `%` must be followed by two hex digits"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FormError {
    /// A `%` was not followed by two hexadecimal digits.
    #[error(
        "form body: {}: invalid percent-encoding {} at byte {offset}: `%` must be followed by two hex digits",
        Location::of(.part, .index, .name),
        Quoted(.found)
    )]
    #[non_exhaustive]
    InvalidPercentEncoding {
        /// Byte offset of the `%` in the raw body.
        offset: usize,
        /// `"name"` or `"value"`.
        part: &'static str,
        /// Zero-based position of the parameter in the body.
        index: usize,
        /// The parameter's decoded name, when the error is in its value.
        name: Option<String>,
        /// The `%` and up to two bytes after it, as sent.
        found: String,
    },
    /// A name or value was not valid UTF-8 once percent-decoded.
    #[error(
        "form body: {}: not valid UTF-8 once decoded, got {} at byte {offset}",
        Location::of(.part, .index, .name),
        Quoted(.raw)
    )]
    #[non_exhaustive]
    InvalidUtf8 {
        /// `"name"` or `"value"`.
        part: &'static str,
        /// Zero-based position of the parameter in the body.
        index: usize,
        /// Byte offset in the raw body where that name or value starts.
        offset: usize,
        /// The parameter's decoded name, when the error is in its value.
        name: Option<String>,
        /// The name or value as sent (still percent-encoded; raw bytes that are not UTF-8 are
        /// replaced by U+FFFD).
        raw: String,
    },
    /// The body is larger than this library can index (4 GiB).
    #[error("form body: {len} bytes is too large to decode")]
    TooLarge {
        /// The body's length in bytes.
        len: usize,
    },
}

/// Where in the body a [`FormError`] is: `the value of parameter "Body" (#3)` or
/// `the name of parameter #3`.
struct Location<'a> {
    part: &'a str,
    index: usize,
    name: Option<&'a str>,
}

impl<'a> Location<'a> {
    fn of(part: &'a str, index: &usize, name: &'a Option<String>) -> Self {
        Self {
            part,
            index: *index,
            name: name.as_deref(),
        }
    }
}

impl fmt::Display for Location<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name {
            Some(name) => write!(
                f,
                "the {} of parameter {} (#{})",
                self.part,
                Quoted(name),
                self.index
            ),
            None => write!(f, "the {} of parameter #{}", self.part, self.index),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: u32,
    end: u32,
}

impl Span {
    fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    name: Span,
    value: Span,
}

/// The decoded parameters of a form body, in the order they were sent.
///
/// Repeated names are kept (a group-MMS `onConversationAdd` sends `MessagingBinding.Address` once
/// per address). All names and values live in one buffer; [`Params::get`] and [`Params::iter`]
/// borrow from it.
///
/// ```
/// use twilio_webhooks::Params;
///
/// let params = Params::parse(b"MessagingBinding.Address=%2B15550001&MessagingBinding.Address=%2B15550002")?;
/// let addresses: Vec<&str> = params.get_all("MessagingBinding.Address").collect();
/// assert_eq!(addresses, ["+15550001", "+15550002"]);
/// # Ok::<(), twilio_webhooks::FormError>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Params {
    text: String,
    entries: Vec<Entry>,
}

impl Params {
    /// No parameters, for the places that need a reference to an empty list.
    pub(crate) const EMPTY: Params = Params {
        text: String::new(),
        entries: Vec::new(),
    };

    /// Decodes an `application/x-www-form-urlencoded` body.
    ///
    /// `+` becomes a space and `%XX` the byte `XX`; pairs are separated by `&`, and a pair without
    /// `=` is a name with an empty value. Empty pairs (`a=1&&b=2`) are skipped.
    ///
    /// # Errors
    ///
    /// [`FormError`] when a `%` is not followed by two hex digits, when a decoded name or value is
    /// not UTF-8, or when the body exceeds 4 GiB.
    pub fn parse(body: &[u8]) -> Result<Self, FormError> {
        if u32::try_from(body.len()).is_err() {
            return Err(FormError::TooLarge { len: body.len() });
        }
        match decode_fast(body) {
            Some(params) => Ok(params),
            // Something is wrong: decode again, slowly, to say what and where.
            None => decode_strict(body),
        }
    }

    /// Builds a parameter list from decoded name/value pairs, in the given order.
    ///
    /// ```
    /// use twilio_webhooks::Params;
    ///
    /// let params = Params::from_pairs([("EventType", "onUserAdded"), ("Identity", "alice")]);
    /// assert_eq!(params.get("Identity"), Some("alice"));
    /// ```
    pub fn from_pairs<I, N, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (N, V)>,
        N: AsRef<str>,
        V: AsRef<str>,
    {
        let mut params = Self::default();
        for (name, value) in pairs {
            params.push(name.as_ref(), value.as_ref());
        }
        params
    }

    /// Sets `name` to `value`, replacing every value it had: the first occurrence keeps its
    /// place, later ones are removed; a new name is appended. Use it to change a sample in a
    /// test ([`push`](Self::push) appends a second value, and parsing reads the first).
    ///
    /// ```
    /// use twilio_webhooks::Params;
    ///
    /// let mut params = Params::from_pairs([("Body", "a"), ("Author", "x"), ("Body", "b")]);
    /// params.set("Body", "changed");
    /// assert_eq!(params.get_all("Body").collect::<Vec<_>>(), ["changed"]);
    /// assert_eq!(params.iter().next(), Some(("Body", "changed")));
    /// params.set("Index", "7");
    /// assert_eq!(params.get("Index"), Some("7"));
    /// ```
    ///
    /// # Panics
    ///
    /// When the list would exceed 4 GiB of text.
    pub fn set(&mut self, name: &str, value: &str) {
        let mut replaced = false;
        let mut next = Self::default();
        for (current, old) in self.iter() {
            if current != name {
                next.push(current, old);
            } else if !replaced {
                next.push(name, value);
                replaced = true;
            }
        }
        if !replaced {
            next.push(name, value);
        }
        *self = next;
    }

    /// Removes every value of `name`; returns how many there were.
    ///
    /// ```
    /// use twilio_webhooks::Params;
    ///
    /// let mut params = Params::from_pairs([("Media", "[]"), ("Body", "hi"), ("Media", "[]")]);
    /// assert_eq!(params.remove("Media"), 2);
    /// assert_eq!(params.get("Media"), None);
    /// assert_eq!(params.len(), 1);
    /// ```
    pub fn remove(&mut self, name: &str) -> usize {
        let before = self.len();
        *self = Self::from_pairs(self.iter().filter(|(current, _)| *current != name));
        before - self.len()
    }

    /// Appends one parameter.
    ///
    /// # Panics
    ///
    /// When the list would exceed 4 GiB of text.
    pub fn push(&mut self, name: &str, value: &str) {
        let name = self.push_text(name);
        let value = self.push_text(value);
        self.entries.push(Entry { name, value });
    }

    fn push_text(&mut self, text: &str) -> Span {
        let start = self.text.len();
        self.text.push_str(text);
        Span {
            start: u32::try_from(start).expect("parameter list larger than 4 GiB"),
            end: u32::try_from(self.text.len()).expect("parameter list larger than 4 GiB"),
        }
    }

    fn str(&self, span: Span) -> &str {
        // Spans are produced only at the boundaries of strings validated as UTF-8.
        self.text.get(span.range()).unwrap_or_default()
    }

    /// The entries named `name`; values are sliced only for these.
    fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Entry> + 'a {
        self.entries
            .iter()
            .filter(move |entry| self.str(entry.name) == name)
    }

    /// The first value of `name`, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.named(name).next().map(|entry| self.str(entry.value))
    }

    /// Every value of `name`, in the order sent.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.named(name).map(|entry| self.str(entry.value))
    }

    /// How many times `name` occurs.
    pub fn count(&self, name: &str) -> usize {
        self.named(name).count()
    }

    /// All parameters as `(name, value)`, in the order sent.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            params: self,
            entries: self.entries.iter(),
        }
    }

    /// The number of parameters, repeated names counted each time.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no parameters.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Encodes the parameters back into a form body (used by the test helpers).
    ///
    /// ```
    /// use twilio_webhooks::Params;
    ///
    /// let params = Params::from_pairs([("Body", "a b&c")]);
    /// assert_eq!(params.to_form(), "Body=a+b%26c");
    /// ```
    pub fn to_form(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(self.iter())
            .finish()
    }
}

impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// The JSON form: an object from name to value; a repeated name maps to an array of its values.
impl serde::Serialize for Params {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        // Group the values by name in one pass, each name at its first position: linear in the
        // number of parameters (looking for earlier names pair by pair was quadratic, minutes
        // for a 1 MiB body of distinct names).
        let mut positions: std::collections::HashMap<&str, usize> =
            std::collections::HashMap::with_capacity(self.len());
        let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
        for (name, value) in self.iter() {
            match positions.get(name) {
                Some(&position) => groups[position].1.push(value),
                None => {
                    positions.insert(name, groups.len());
                    groups.push((name, vec![value]));
                }
            }
        }
        let mut map = serializer.serialize_map(None)?;
        for (name, values) in &groups {
            match values.as_slice() {
                [value] => map.serialize_entry(name, value)?,
                values => map.serialize_entry(name, values)?,
            }
        }
        map.end()
    }
}

impl<'a> IntoIterator for &'a Params {
    type Item = (&'a str, &'a str);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// The parameters of a [`Params`] as `(name, value)`, in the order sent: [`Params::iter`].
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    params: &'a Params,
    entries: std::slice::Iter<'a, Entry>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let entry = self.entries.next()?;
        Some((self.params.str(entry.name), self.params.str(entry.value)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.entries.size_hint()
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let entry = self.entries.next_back()?;
        Some((self.params.str(entry.name), self.params.str(entry.value)))
    }
}

/// The value of each byte as a hex digit, or `INVALID`.
const HEX: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        table[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};
const INVALID: u8 = 0xff;

/// Decodes a well-formed body in one pass over its bytes, into one buffer, validating UTF-8 once
/// at the end; `None` at the first problem (then [`decode_strict`] says what it is).
///
/// The buffer is the body's length (decoding never grows text) and is written by index. Names
/// and values are copied eight bytes at a time up to the next byte that needs attention
/// ([`copy_plain`]), with `+` turned into spaces on the way. Every name and value must be valid
/// UTF-8 on its own: with the whole buffer valid, that is every span boundary falling on a
/// character boundary.
fn decode_fast(body: &[u8]) -> Option<Params> {
    let mut out = vec![0u8; body.len()];
    let mut entries = Vec::with_capacity(count_ampersands(body) + 1);
    // `to_u32` cannot saturate: the body length was checked to fit in u32.
    let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let mut written = 0;
    let mut i = 0;
    loop {
        let pair_start = i;
        let name_start = written;
        // The name: up to the first `=` or `&`.
        decode_fast_part::<true>(body, &mut i, &mut out, &mut written)?;
        let name_end = written;
        // The value: up to the next `&` (an `=` in it is text).
        if body.get(i) == Some(&b'=') {
            i += 1;
            decode_fast_part::<false>(body, &mut i, &mut out, &mut written)?;
        }
        if i > pair_start {
            entries.push(Entry {
                name: Span {
                    start: to_u32(name_start),
                    end: to_u32(name_end),
                },
                value: Span {
                    start: to_u32(name_end),
                    end: to_u32(written),
                },
            });
        }
        if i >= body.len() {
            break;
        }
        i += 1; // the `&`
    }
    out.truncate(written);
    let text = String::from_utf8(out).ok()?;
    // Each name starts where the previous value ends (or at 0), so the ends are all boundaries.
    let boundaries_ok = entries.iter().all(|entry| {
        text.is_char_boundary(entry.name.end as usize)
            && text.is_char_boundary(entry.value.end as usize)
    });
    boundaries_ok.then_some(Params { text, entries })
}

/// Decodes one name (`NAME`) or value from `body[*i..]` into `out[*written..]`: plain runs copied
/// whole, escapes one by one; stops at the `&` (or, in a name, the `=`) that ends it, or the end.
/// `None` for a `%` without two hex digits.
fn decode_fast_part<const NAME: bool>(
    body: &[u8],
    i: &mut usize,
    out: &mut [u8],
    written: &mut usize,
) -> Option<()> {
    loop {
        copy_plain::<NAME>(body, i, out, written);
        if body.get(*i) != Some(&b'%') {
            return Some(());
        }
        let (decoded, used) = decode_byte(body, *i)?;
        out[*written] = decoded;
        *written += 1;
        *i += used;
    }
}

/// Copies `body[*i..]` to `out[*written..]` up to the first `%`, `&` or, in a name (`NAME`),
/// `=`, turning `+` into spaces; advances both positions to that byte (or the end).
///
/// Eight bytes at a time while eight remain: the whole word is written (`written <= i`, so it
/// fits), and bytes past the stop are written over later.
#[inline(always)]
fn copy_plain<const NAME: bool>(body: &[u8], i: &mut usize, out: &mut [u8], written: &mut usize) {
    while let Some(chunk) = body.get(*i..*i + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let mut stops = first_byte_equal(word, b'%') | first_byte_equal(word, b'&');
        if NAME {
            stops |= first_byte_equal(word, b'=');
        }
        // `+` becomes a space: 0x2B ^ 0x0B = 0x20.
        let word = word ^ ((bytes_equal(word, b'+') >> 7) * u64::from(b'+' ^ b' '));
        out[*written..*written + 8].copy_from_slice(&word.to_le_bytes());
        let plain = (stops.trailing_zeros() / 8) as usize;
        *written += plain;
        *i += plain;
        if plain < 8 {
            return;
        }
    }
    while let Some(&byte) = body.get(*i) {
        if byte == b'%' || byte == b'&' || (NAME && byte == b'=') {
            return;
        }
        out[*written] = if byte == b'+' { b' ' } else { byte };
        *written += 1;
        *i += 1;
    }
}

/// The byte that the text at `body[i]` (not `&`, nor the `=` ending a name) decodes to, and how
/// many bytes it took; `None` for a `%` without two hex digits.
fn decode_byte(body: &[u8], i: usize) -> Option<(u8, usize)> {
    match body[i] {
        b'%' => {
            let high = HEX[usize::from(*body.get(i + 1)?)];
            let low = HEX[usize::from(*body.get(i + 2)?)];
            if high == INVALID || low == INVALID {
                return None;
            }
            Some((high << 4 | low, 3))
        }
        b'+' => Some((b' ', 1)),
        byte => Some((byte, 1)),
    }
}

/// A word whose lowest set bit is the high bit of the first byte of `word` equal to `byte`
/// (higher bits may be wrong: a borrow only travels upwards); zero when no byte is.
const fn first_byte_equal(word: u64, byte: u8) -> u64 {
    let zero_where_equal = word ^ (0x0101_0101_0101_0101 * byte as u64);
    zero_where_equal.wrapping_sub(0x0101_0101_0101_0101) & !zero_where_equal & 0x8080_8080_8080_8080
}

/// The high bit of each byte of `word` that equals `byte`, exactly (no false positives).
const fn bytes_equal(word: u64, byte: u8) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let zero_where_equal = word ^ (0x0101_0101_0101_0101 * byte as u64);
    // Bit 7 of a byte of `low` is set when its low seven bits are not all zero; adding 0x7f to
    // seven bits never carries into the next byte.
    let low = (zero_where_equal & LOW7) + LOW7;
    !(low | zero_where_equal | LOW7)
}

/// How many `&` the body holds (the number of pairs, less one), counted in blocks that
/// vectorize.
fn count_ampersands(body: &[u8]) -> usize {
    body.chunks(255)
        .map(|block| {
            let count = block.iter().fold(0u8, |n, &b| n + u8::from(b == b'&'));
            usize::from(count)
        })
        .sum()
}

/// Decodes part by part, checking each name and value as it goes, so that the first problem
/// is reported with its parameter and offset. Run only when [`decode_fast`] failed, to say why;
/// the tests also hold the two to the same result.
fn decode_strict(body: &[u8]) -> Result<Params, FormError> {
    let mut params = Params::default();
    let mut scratch = Vec::new();
    let mut offset = 0;
    for pair in body.split(|&b| b == b'&') {
        let pair_offset = offset;
        offset += pair.len() + 1;
        if pair.is_empty() {
            continue;
        }
        let (raw_name, raw_value, value_offset) = match pair.iter().position(|&b| b == b'=') {
            Some(eq) => (&pair[..eq], &pair[eq + 1..], pair_offset + eq + 1),
            None => (pair, &pair[pair.len()..], pair_offset + pair.len()),
        };
        let index = params.len();
        let name = decode_part(&mut scratch, raw_name, pair_offset, index, None)?;
        let name = params.push_text(name);
        let value = decode_part(
            &mut scratch,
            raw_value,
            value_offset,
            index,
            Some(params.str(name)),
        )?;
        let value = params.push_text(value);
        params.entries.push(Entry { name, value });
    }
    Ok(params)
}

/// Percent-decodes one name or value into `scratch`, checking that it is UTF-8 on its own.
///
/// `raw_offset` is where `raw` starts in the body; `name` is `None` while decoding the name of
/// parameter `index`, and that decoded name while decoding its value. Errors use them to say
/// where they are.
fn decode_part<'s>(
    scratch: &'s mut Vec<u8>,
    raw: &[u8],
    raw_offset: usize,
    index: usize,
    name: Option<&str>,
) -> Result<&'s str, FormError> {
    let part = if name.is_some() { "value" } else { "name" };
    scratch.clear();
    let mut i = 0;
    while i < raw.len() {
        let Some((byte, used)) = decode_byte(raw, i) else {
            return Err(FormError::InvalidPercentEncoding {
                offset: raw_offset + i,
                part,
                index,
                name: name.map(str::to_owned),
                found: String::from_utf8_lossy(&raw[i..raw.len().min(i + 3)]).into_owned(),
            });
        };
        scratch.push(byte);
        i += used;
    }
    std::str::from_utf8(scratch).map_err(|_| FormError::InvalidUtf8 {
        part,
        index,
        offset: raw_offset,
        name: name.map(str::to_owned),
        raw: String::from_utf8_lossy(raw).into_owned(),
    })
}

/// Whether a request's body is read as form parameters: it says it is
/// `application/x-www-form-urlencoded`, or says nothing (Twilio always sets `Content-Type`; a
/// request without one is taken as the form webhooks are). One rule for every entry point and
/// for the signature check's unsigned-body rule.
pub(crate) fn is_form(headers: &http::HeaderMap) -> bool {
    !headers.contains_key(http::header::CONTENT_TYPE)
        || media_type(headers)
            .is_some_and(|media| media.eq_ignore_ascii_case("application/x-www-form-urlencoded"))
}

/// The media type of `Content-Type` (before any `;`, trimmed), if the header is readable text.
pub(crate) fn media_type(headers: &http::HeaderMap) -> Option<&str> {
    let value = headers.get(http::header::CONTENT_TYPE)?.to_str().ok()?;
    Some(value.split(';').next().unwrap_or(value).trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_plus_percent_and_keeps_order() {
        let params = Params::parse(b"b=2&a=x+y%21&b=3&flag&&=empty").unwrap();
        let pairs: Vec<_> = params.iter().collect();
        assert_eq!(
            pairs,
            [
                ("b", "2"),
                ("a", "x y!"),
                ("b", "3"),
                ("flag", ""),
                ("", "empty")
            ]
        );
        assert_eq!(params.count("b"), 2);
    }

    #[test]
    fn invalid_percent_encoding_reports_offset() {
        assert_eq!(
            Params::parse(b"Body=ok&Author=%G1"),
            Err(FormError::InvalidPercentEncoding {
                offset: 15,
                part: "value",
                index: 1,
                name: Some("Author".into()),
                found: "%G1".into(),
            })
        );
        assert_eq!(
            Params::parse(b"Body=%4"),
            Err(FormError::InvalidPercentEncoding {
                offset: 5,
                part: "value",
                index: 0,
                name: Some("Body".into()),
                found: "%4".into(),
            })
        );
        assert_eq!(
            Params::parse(b"A=1&B%zz=2"),
            Err(FormError::InvalidPercentEncoding {
                offset: 5,
                part: "name",
                index: 1,
                name: None,
                found: "%zz".into(),
            })
        );
    }

    #[test]
    fn invalid_utf8_reports_parameter() {
        assert_eq!(
            Params::parse(b"A=1&Body=%FF%FE"),
            Err(FormError::InvalidUtf8 {
                part: "value",
                index: 1,
                offset: 9,
                name: Some("Body".into()),
                raw: "%FF%FE".into(),
            })
        );
        // Raw (not percent-encoded) bytes are checked too.
        assert!(matches!(
            Params::parse(b"N\xC3=1"),
            Err(FormError::InvalidUtf8 { part: "name", .. })
        ));
    }

    #[test]
    fn multibyte_characters_split_across_name_and_value_are_rejected() {
        assert!(Params::parse(b"a%C3=%A9").is_err());
    }

    #[test]
    fn byte_masks_are_exact() {
        let word = u64::from_le_bytes(*b"a+b%+&=+");
        assert_eq!(bytes_equal(word, b'+'), 0x8000_0080_0000_8000);
        assert_eq!(bytes_equal(word, b'%'), 0x0000_0000_8000_0000);
        assert_eq!(
            bytes_equal(u64::from_le_bytes(*b"\x01\x00\x80\xff+\xab\x2a\x2c"), b'+'),
            0x80 << 32
        );
        assert_eq!(count_ampersands(&[b'&'; 300]), 300);
        let first = |text: &[u8; 8], byte| {
            first_byte_equal(u64::from_le_bytes(*text), byte).trailing_zeros() / 8
        };
        assert_eq!(first(b"ab%c%%%d", b'%'), 2);
        assert_eq!(first(b"\x00\x01&&&&&&", b'&'), 2);
        assert_eq!(first(b"abcdefgh", b'%'), 8);
        assert_eq!(first(b"abcdefg%", b'%'), 7);
    }

    /// Checks that the fast decoder gives what the strict one does, or fails where it fails.
    fn assert_decoders_agree(body: &[u8]) {
        match (decode_fast(body), decode_strict(body)) {
            (Some(fast), Ok(strict)) => assert_eq!(fast, strict, "{body:?}"),
            (None, Err(_)) => {}
            (fast, strict) => panic!("{body:?}: fast {fast:?}, strict {strict:?}"),
        }
    }

    #[test]
    fn fast_and_strict_decoding_agree() {
        let bodies: [&[u8]; 14] = [
            b"",
            b"&&&",
            b"a",
            b"=",
            b"a==b&c=d=e",
            b"b=2&a=x+y%21&b=3&flag&&=empty",
            b"n%C3%A9=caf%c3%a9",
            b"a%C3=%A9",
            b"A=1&Body=%FF%FE",
            b"Body=100%",
            b"Body=%4",
            b"x=%e2%98%83&y=\xe2\x98\x83",
            // Names of eight bytes and more, decoded a word at a time, with `=` in the value.
            b"LongName12=va=lue+x=y&Another%3Dname=1&ParticipantSid=MB1&EightChr=",
            b"Conversation+Sid%20Long=a&NameWithoutValueLongerThan8",
        ];
        for body in bodies {
            assert_decoders_agree(body);
        }
    }

    proptest::proptest! {
        #[test]
        fn fast_decoding_agrees_with_strict(
            body in proptest::collection::vec(
                proptest::sample::select(&b"aaaaaab=&++%%0fFgG\xc3\xa9\xe2\x98\x83\xff"[..]),
                0..80,
            )
        ) {
            assert_decoders_agree(&body);
        }
    }

    #[test]
    fn round_trips_through_to_form() {
        let params = Params::from_pairs([("Body", "héllo & +1 = 100%"), ("X", "")]);
        assert_eq!(Params::parse(params.to_form().as_bytes()).unwrap(), params);
    }
}
