//! Why a body is not a batch of CloudEvents ([`BatchError`]: the whole delivery is refused), and
//! why one event's data does not fit its type ([`DataError`]: that event alone is set aside).

use serde_json::error::Category;

use crate::excerpt::Excerpt;

/// The most characters of the JSON parser's message a [`DataError`] keeps: a rejected value is
/// quoted in it, and a value may be a megabyte long.
const MESSAGE_CHARS: usize = 200;

/// Why a body is not a JSON array of CloudEvents (nor one CloudEvent object). Each message says
/// what was wrong and where (line and column of the body, and which event).
///
/// ```
/// use twilio_webhooks::streams::{parse_batch, BatchError};
///
/// let err = parse_batch(br#"[{"id":"EZ1","type":"t","data":{}}, {"type":"t","data":{}}]"#).unwrap_err();
/// assert!(matches!(err, BatchError::InvalidEnvelope { index: 1, .. }));
/// assert_eq!(err.to_string(), "event at index 1: missing field `id` at line 1 column 58");
///
/// let err = parse_batch(b"id=1").unwrap_err();
/// assert_eq!(err.to_string(), "the body is not JSON: expected value at line 1 column 1");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BatchError {
    /// The body is not JSON: a syntax error, invalid UTF-8, a truncated body, or content after
    /// the JSON value.
    #[error("the body is not JSON: {source}{}", in_event(*.index))]
    NotJson {
        /// The event being read when the error was found (its index in the array), if any.
        index: Option<usize>,
        /// What the JSON parser said, with the line and column.
        source: serde_json::Error,
    },
    /// The body is JSON, but neither an array nor an object.
    #[error("the body is not a JSON array of CloudEvents (nor one CloudEvent object): {source}")]
    NotCloudEvents {
        /// What was found instead, with the line and column.
        source: serde_json::Error,
    },
    /// One element is not a CloudEvent: not an object, `id`, `type` or `data` missing, an
    /// attribute of the wrong JSON type, or an attribute given twice.
    #[error("event at index {index}: {source}")]
    InvalidEnvelope {
        /// The element's index in the array (0 for a body that is one object).
        index: usize,
        /// What was wrong, with the line and column.
        source: serde_json::Error,
    },
}

fn in_event(index: Option<usize>) -> String {
    index.map_or_else(String::new, |index| format!(" (in event at index {index})"))
}

impl BatchError {
    /// Sorts a parser error by what it means; `index` is the event being read, if any.
    pub(crate) fn from_json(source: serde_json::Error, index: Option<usize>) -> Self {
        match (source.classify(), index) {
            (Category::Data, Some(index)) => Self::InvalidEnvelope { index, source },
            (Category::Data, None) => Self::NotCloudEvents { source },
            _ => Self::NotJson { index, source },
        }
    }

    /// The line of the body where the problem was found (from 1).
    pub fn line(&self) -> usize {
        self.json_error().line()
    }

    /// The column of that line (from 1; 0 at the very start).
    pub fn column(&self) -> usize {
        self.json_error().column()
    }

    /// The index of the event in the array, when the problem is inside one.
    pub fn index(&self) -> Option<usize> {
        match self {
            Self::NotJson { index, .. } => *index,
            Self::NotCloudEvents { .. } => None,
            Self::InvalidEnvelope { index, .. } => Some(*index),
        }
    }

    fn json_error(&self) -> &serde_json::Error {
        match self {
            Self::NotJson { source, .. }
            | Self::NotCloudEvents { source }
            | Self::InvalidEnvelope { source, .. } => source,
        }
    }
}

/// Why the `data` of one event does not fit the type its `type` names: a required field is
/// missing, a value has the wrong JSON type, a SID has the wrong prefix, a timestamp is not
/// RFC 3339, or `data` is not an object.
///
/// The message names the event type and the field, and quotes at most the start of the value.
///
/// ```
/// use twilio_webhooks::streams::{Event, StreamEvent, MessageAdded};
///
/// let data = serde_json::value::RawValue::from_string(
///     r#"{"AccountSid":"AC0123456789abcdef0123456789abcdef","ConversationSid":"CH0123456789abcdef0123456789abcdef",
///        "MessageSid":"IM0123456789abcdef0123456789abcdef","Index":"ten"}"#.into(),
/// )?;
/// let err = MessageAdded::from_data(&data).unwrap_err();
/// assert_eq!(err.field, Some("Index"));
/// assert!(err.to_string().starts_with(
///     "com.twilio.conversations.message.added data: field `Index`: invalid value: string \"ten\""
/// ));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error(
    "{event_type} data: {}{message} (line {line}, column {column} of the data)",
    field.map(|field| format!("field `{field}`: ")).unwrap_or_default()
)]
pub struct DataError {
    /// The event type whose data was expected.
    pub event_type: &'static str,
    /// The data field being read, when the problem is in one (a missing field is named in
    /// the message instead).
    pub field: Option<&'static str>,
    /// What the JSON parser said, without its position, cut to 200 characters.
    pub message: String,
    /// The line of the data (from 1) where the problem was found.
    pub line: usize,
    /// The column of that line.
    pub column: usize,
}

impl DataError {
    pub(crate) fn new(
        event_type: &'static str,
        field: Option<&'static str>,
        error: &serde_json::Error,
    ) -> Self {
        let text = error.to_string();
        let position = format!(" at line {} column {}", error.line(), error.column());
        let message = text.strip_suffix(&position).unwrap_or(&text);
        Self {
            event_type,
            field,
            message: Excerpt {
                text: message,
                max_chars: MESSAGE_CHARS,
                quoted: false,
            }
            .to_string(),
            line: error.line(),
            column: error.column(),
        }
    }
}
