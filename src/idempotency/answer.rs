//! The answer a finished delivery gave, and its compact encoding.

use std::borrow::Cow;

use bytes::Bytes;

/// The first byte of the encoding [`StoredAnswer::encode`] writes.
const VERSION: u8 = 1;

/// What a finished delivery answered: given again, unchanged, to its duplicates.
///
/// Small: a post-action webhook's or an event's answer is `200 {}`
/// ([`ok_empty_json`](Self::ok_empty_json)), a pre-action decision a short JSON object.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoredAnswer {
    /// The HTTP status code.
    pub status: u16,
    /// The `Content-Type`, if the answer had one (an empty one is kept as none). Borrowed for
    /// the answers this library makes (`application/json`), so keeping one allocates nothing.
    pub content_type: Option<Cow<'static, str>>,
    /// The body.
    pub body: Bytes,
}

impl StoredAnswer {
    /// An answer with this status, content type and body.
    pub fn new(status: u16, content_type: Option<String>, body: impl Into<Bytes>) -> Self {
        Self {
            status,
            content_type: content_type
                .filter(|value| !value.is_empty())
                .map(Cow::Owned),
            body: body.into(),
        }
    }

    /// An `application/json` answer.
    ///
    /// ```
    /// # use twilio_webhooks::idempotency::StoredAnswer;
    /// let answer = StoredAnswer::json(200, r#"{"body":"hi"}"#);
    /// assert_eq!(answer.content_type.as_deref(), Some("application/json"));
    /// ```
    pub fn json(status: u16, body: impl Into<Bytes>) -> Self {
        Self {
            status,
            content_type: Some(Cow::Borrowed("application/json")),
            body: body.into(),
        }
    }

    /// `200 {}` as `application/json`: the answer to a post-action webhook, an accepted
    /// pre-action webhook, or an event.
    pub fn ok_empty_json() -> Self {
        Self::json(200, Bytes::from_static(b"{}"))
    }

    /// The compact encoding stores keep: a version byte (1), the status (2 bytes, big-endian),
    /// the content type's length (LEB128, 0 for none) and bytes, then the body.
    ///
    /// ```
    /// # use twilio_webhooks::idempotency::StoredAnswer;
    /// let answer = StoredAnswer::ok_empty_json();
    /// let bytes = answer.encode();
    /// assert_eq!(bytes.len(), 1 + 2 + 1 + "application/json".len() + 2);
    /// assert_eq!(StoredAnswer::decode(&bytes), Ok(answer));
    /// ```
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(&mut out);
        out
    }

    /// Appends [`encode`](Self::encode)'s bytes to `out` (a store's record may start with a
    /// marker of its own).
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        let content_type = self.content_type.as_deref().unwrap_or("").as_bytes();
        out.reserve(1 + 2 + 5 + content_type.len() + self.body.len());
        out.push(VERSION);
        out.extend_from_slice(&self.status.to_be_bytes());
        let mut length = content_type.len();
        loop {
            let low = (length & 0x7f) as u8;
            length >>= 7;
            if length == 0 {
                out.push(low);
                break;
            }
            out.push(low | 0x80);
        }
        out.extend_from_slice(content_type);
        out.extend_from_slice(&self.body);
    }

    /// Reads what [`encode`](Self::encode) wrote.
    pub fn decode(bytes: &[u8]) -> Result<Self, AnswerDecodeError> {
        let (&version, rest) = bytes.split_first().ok_or(AnswerDecodeError::Truncated)?;
        if version != VERSION {
            return Err(AnswerDecodeError::UnknownVersion { version });
        }
        let (status, mut rest) = rest
            .split_at_checked(2)
            .ok_or(AnswerDecodeError::Truncated)?;
        let status = u16::from_be_bytes([status[0], status[1]]);
        let mut length: usize = 0;
        let mut shift = 0u32;
        loop {
            let (&byte, tail) = rest.split_first().ok_or(AnswerDecodeError::Truncated)?;
            rest = tail;
            if shift > 28 {
                return Err(AnswerDecodeError::ContentTypeLength);
            }
            length |= usize::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                break;
            }
            shift += 7;
        }
        let (content_type, body) = rest
            .split_at_checked(length)
            .ok_or(AnswerDecodeError::Truncated)?;
        let content_type = std::str::from_utf8(content_type)
            .map_err(|_| AnswerDecodeError::ContentTypeNotUtf8)?
            .to_owned();
        Ok(Self::new(
            status,
            Some(content_type),
            Bytes::copy_from_slice(body),
        ))
    }
}

/// Why bytes are not a [`StoredAnswer`] in [`StoredAnswer::encode`]'s format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AnswerDecodeError {
    /// The bytes end before the status, the content type's length or the content type.
    #[error("stored answer: truncated")]
    Truncated,
    /// The first byte is not a version this crate writes.
    #[error("stored answer: unknown encoding version {version}")]
    UnknownVersion {
        /// The first byte.
        version: u8,
    },
    /// The content type's length takes more than five bytes.
    #[error("stored answer: the content type's length is malformed")]
    ContentTypeLength,
    /// The content type is not UTF-8.
    #[error("stored answer: the content type is not UTF-8")]
    ContentTypeNotUtf8,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let long_type = "x".repeat(300);
        for answer in [
            StoredAnswer::ok_empty_json(),
            StoredAnswer::new(204, None, Bytes::new()),
            StoredAnswer::new(403, Some(long_type), "no"),
            StoredAnswer::json(200, vec![0u8, 255, 1]),
        ] {
            assert_eq!(StoredAnswer::decode(&answer.encode()), Ok(answer));
        }
    }

    #[test]
    fn rejects_malformed_bytes() {
        assert_eq!(StoredAnswer::decode(b""), Err(AnswerDecodeError::Truncated));
        assert_eq!(
            StoredAnswer::decode(b"\x07\x00\xc8\x00"),
            Err(AnswerDecodeError::UnknownVersion { version: 7 })
        );
        assert_eq!(
            StoredAnswer::decode(b"\x01\x00"),
            Err(AnswerDecodeError::Truncated)
        );
        assert_eq!(
            StoredAnswer::decode(b"\x01\x00\xc8\x05ab"),
            Err(AnswerDecodeError::Truncated)
        );
        assert_eq!(
            StoredAnswer::decode(b"\x01\x00\xc8\x80\x80\x80\x80\x80\x01"),
            Err(AnswerDecodeError::ContentTypeLength)
        );
        assert_eq!(
            StoredAnswer::decode(b"\x01\x00\xc8\x01\xff"),
            Err(AnswerDecodeError::ContentTypeNotUtf8)
        );
        // Every prefix of a valid encoding short of the body fails cleanly, never panics.
        let bytes = StoredAnswer::ok_empty_json().encode();
        for end in 0..bytes.len() - 2 {
            assert!(StoredAnswer::decode(&bytes[..end]).is_err(), "prefix {end}");
        }
    }
}
