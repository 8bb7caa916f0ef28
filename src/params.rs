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

use crate::error::Quoted;

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
        let mut decoded: Vec<u8> = Vec::with_capacity(body.len());
        let mut entries = Vec::with_capacity(body.iter().filter(|&&b| b == b'&').count() + 1);
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
            let index = entries.len();
            let name = decode_into(&mut decoded, raw_name, pair_offset, index, None)?;
            let value = decode_into(&mut decoded, raw_value, value_offset, index, Some(name))?;
            entries.push(Entry { name, value });
        }
        // Every span was checked to be UTF-8 on its own, so the whole buffer is too.
        let text = String::from_utf8(decoded).map_err(|_| FormError::InvalidUtf8 {
            part: "name",
            index: 0,
            offset: 0,
            name: None,
            raw: String::new(),
        })?;
        Ok(Self { text, entries })
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

    /// The first value of `name`, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// Every value of `name`, in the order sent.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.iter().filter(move |(n, _)| *n == name).map(|(_, v)| v)
    }

    /// How many times `name` occurs.
    pub fn count(&self, name: &str) -> usize {
        self.iter().filter(|(n, _)| *n == name).count()
    }

    /// All parameters as `(name, value)`, in the order sent.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        self.entries
            .iter()
            .map(|e| (self.str(e.name), self.str(e.value)))
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
        let mut map = serializer.serialize_map(None)?;
        for (index, (name, value)) in self.iter().enumerate() {
            let earlier = self.iter().take(index).any(|(n, _)| n == name);
            if earlier {
                continue;
            }
            if self.count(name) > 1 {
                map.serialize_entry(name, &self.get_all(name).collect::<Vec<_>>())?;
            } else {
                map.serialize_entry(name, value)?;
            }
        }
        map.end()
    }
}

impl<'a> IntoIterator for &'a Params {
    type Item = (&'a str, &'a str);
    type IntoIter = Box<dyn Iterator<Item = (&'a str, &'a str)> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes `raw` onto the end of `out`, returning the span it occupies.
///
/// `name` is `None` while decoding the name of parameter `index`, and the span of that decoded
/// name while decoding its value; errors use it to say where they are.
fn decode_into(
    out: &mut Vec<u8>,
    raw: &[u8],
    raw_offset: usize,
    index: usize,
    name: Option<Span>,
) -> Result<Span, FormError> {
    let part = if name.is_some() { "value" } else { "name" };
    // The name was validated as UTF-8 before its value is decoded.
    let decoded_name = |out: &[u8]| {
        name.and_then(|span| std::str::from_utf8(&out[span.range()]).ok())
            .map(str::to_owned)
    };
    let start = out.len();
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let high = raw.get(i + 1).copied().and_then(hex_value);
                let low = raw.get(i + 2).copied().and_then(hex_value);
                match (high, low) {
                    (Some(high), Some(low)) => out.push(high << 4 | low),
                    _ => {
                        return Err(FormError::InvalidPercentEncoding {
                            offset: raw_offset + i,
                            part,
                            index,
                            name: decoded_name(out),
                            found: String::from_utf8_lossy(&raw[i..raw.len().min(i + 3)])
                                .into_owned(),
                        })
                    }
                }
                i += 2;
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    if std::str::from_utf8(&out[start..]).is_err() {
        return Err(FormError::InvalidUtf8 {
            part,
            index,
            offset: raw_offset,
            name: decoded_name(out),
            raw: String::from_utf8_lossy(raw).into_owned(),
        });
    }
    // The body length was checked to fit in u32 and decoding never grows the text.
    let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(Span {
        start: to_u32(start),
        end: to_u32(out.len()),
    })
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
    fn round_trips_through_to_form() {
        let params = Params::from_pairs([("Body", "héllo & +1 = 100%"), ("X", "")]);
        assert_eq!(Params::parse(params.to_form().as_bytes()).unwrap(), params);
    }
}
