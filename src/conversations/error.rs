//! Why a webhook body could not be turned into an event.
//!
//! A message about a parameter names the event, the parameter and what was wrong, for example
//! `onMessageAdded: parameter Index: expected an integer, got "abc"`. Values are quoted and cut
//! to 64 characters, so a huge parameter cannot flood a log.

use crate::excerpt::Quoted;
use crate::params::FormError;
use crate::sid::SidError;

/// Why a parameter's value was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidValue {
    /// Not a base-10 integer in range.
    #[error("expected an integer, got {}", Quoted(.0))]
    Integer(String),
    /// Not one of Twilio's boolean spellings (`true`/`false` in any case, `1`/`0`).
    #[error("expected a boolean (true or false), got {}", Quoted(.0))]
    Boolean(String),
    /// Not a SID of the expected kind.
    #[error(transparent)]
    Sid(SidError),
    /// Not an ISO 8601 / RFC 3339 timestamp.
    #[error("expected an ISO 8601 timestamp such as \"2026-11-20T10:00:00Z\", got {}", Quoted(.0))]
    Timestamp(String),
    /// `Media` was not a JSON array of media objects.
    #[error("expected a JSON array of media objects ({reason}), got {}", Quoted(.got))]
    Media {
        /// What the JSON parser said.
        reason: String,
        /// The rejected input.
        got: String,
    },
}

/// Why a webhook body could not be parsed into an event.
///
/// ```
/// use twilio_webhooks::{Event, ParseError};
///
/// let err = Event::from_form(b"EventType=onMessageRemoved&Index=abc").unwrap_err();
/// assert!(matches!(err, ParseError::MissingParameter { .. } | ParseError::InvalidParameter { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The body is not valid form encoding (bad `%` escape, invalid UTF-8).
    #[error(transparent)]
    Form(#[from] FormError),
    /// The body has no `EventType` parameter.
    #[error("missing parameter EventType: not a Twilio Conversations webhook")]
    MissingEventType,
    /// `EventType` was sent more than once.
    #[error("parameter EventType appears {count} times; a webhook has exactly one")]
    DuplicateEventType {
        /// How many times it appears.
        count: usize,
    },
    /// A parameter the event always carries is absent.
    #[error("{event}: missing parameter {parameter}")]
    MissingParameter {
        /// The EventType, e.g. `onMessageAdd`.
        event: &'static str,
        /// Twilio's parameter name, e.g. `ConversationSid`.
        parameter: &'static str,
    },
    /// A parameter is present but its value has the wrong shape.
    #[error("{event}: parameter {parameter}: {problem}")]
    InvalidParameter {
        /// The EventType, e.g. `onMessageAdded`.
        event: &'static str,
        /// Twilio's parameter name, e.g. `Index`.
        parameter: &'static str,
        /// What was wrong with the value.
        problem: InvalidValue,
    },
    /// The body belongs to a different event than the type it was parsed as.
    #[error("expected EventType {expected}, got {}", Quoted(.got))]
    WrongEventType {
        /// The EventType of the type asked for.
        expected: &'static str,
        /// The EventType in the body.
        got: String,
    },
}

impl ParseError {
    /// The Twilio parameter the error is about, if any.
    ///
    /// ```
    /// use twilio_webhooks::Event;
    ///
    /// let err = Event::from_form(b"EventType=onUserAdded").unwrap_err();
    /// assert_eq!(err.parameter(), Some("AccountSid"));
    /// ```
    pub fn parameter(&self) -> Option<&'static str> {
        match self {
            Self::MissingEventType | Self::DuplicateEventType { .. } => Some("EventType"),
            Self::WrongEventType { .. } => Some("EventType"),
            Self::MissingParameter { parameter, .. } | Self::InvalidParameter { parameter, .. } => {
                Some(parameter)
            }
            Self::Form(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_cuts_long_values() {
        assert_eq!(Quoted("abc").to_string(), "\"abc\"");
        let long = "é".repeat(100);
        let shown = Quoted(&long).to_string();
        assert!(shown.starts_with(&format!("\"{}\"…", "é".repeat(64))));
        assert!(shown.ends_with("(200 bytes)"));
    }

    #[test]
    fn messages_name_event_parameter_and_value() {
        let err = ParseError::InvalidParameter {
            event: "onMessageAdded",
            parameter: "Index",
            problem: InvalidValue::Integer("abc".into()),
        };
        assert_eq!(
            err.to_string(),
            "onMessageAdded: parameter Index: expected an integer, got \"abc\""
        );
    }
}
