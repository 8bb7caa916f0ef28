//! Answers to pre-action webhooks: accept, modify or reject.
//!
//! What a modification may change is part of the type: `onMessageAdd` and `onMessageUpdate`
//! take a [`MessageModification`] (body, author, attributes), `onConversationAdd` and
//! `onConversationUpdate` a [`ConversationModification`] (friendly name), and every other
//! pre-action event [`Unmodifiable`], which has no values, so `Decision::Modify` cannot be built
//! for it at all.
//!
//! | decision | HTTP answer | what Twilio does |
//! | --- | --- | --- |
//! | [`Decision::Accept`] | 200, `{}` | publishes the change unmodified |
//! | [`Decision::Modify`] | 200, JSON of the changed fields only | publishes the change modified |
//! | [`Decision::Reject`] | 403 by default, any 4xx/5xx | drops the change |
//!
//! ```
//! use twilio_webhooks::{Decision, DecisionFor, MessageModification};
//! use twilio_webhooks::conversations::{OnMessageAdd, OnParticipantAdd};
//!
//! let masked: DecisionFor<OnMessageAdd> = Decision::modify(MessageModification::new().body("****"));
//! assert_eq!(masked.status(), 200);
//! assert_eq!(masked.body(), br#"{"body":"****"}"#.as_slice());
//!
//! let refused: DecisionFor<OnParticipantAdd> = Decision::reject();
//! assert_eq!(refused.status(), 403);
//! ```

use std::borrow::Cow;

use http::StatusCode;
use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::conversations::Attributes;
use crate::conversations::PreActionWebhook;

/// What a pre-action answer may change for one kind of event.
///
/// Implemented by [`MessageModification`], [`ConversationModification`] and [`Unmodifiable`];
/// sealed, because Twilio defines the modifiable fields.
pub trait Modification:
    Serialize + Clone + std::fmt::Debug + Send + Sync + 'static + sealed::Sealed
{
    /// Whether nothing would change (answered like an accept).
    fn is_empty(&self) -> bool;

    /// About how many bytes the JSON answer takes, to allocate its buffer once.
    #[doc(hidden)]
    fn json_len_hint(&self) -> usize {
        128
    }
}

/// The JSON length of a string field: its text, quotes, key and separators, and room for a few
/// escapes.
fn field_len_hint(text: Option<&str>) -> usize {
    text.map_or(0, |text| text.len().saturating_add(text.len() / 16 + 24))
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::MessageModification {}
    impl Sealed for super::ConversationModification {}
    impl Sealed for super::Unmodifiable {}
}

/// The modification type of pre-action events that can only be accepted or rejected. It has no
/// values, so `Decision::<Unmodifiable>::Modify(_)` cannot be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unmodifiable {}

impl Serialize for Unmodifiable {
    fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        match *self {}
    }
}

impl Modification for Unmodifiable {
    fn is_empty(&self) -> bool {
        match *self {}
    }
}

/// Changes to a message being added or updated: `body`, `author`, `attributes`.
///
/// Only the fields set are sent back; Twilio leaves the others as they were.
///
/// ```
/// use twilio_webhooks::MessageModification;
///
/// let change = MessageModification::new()
///     .body("hello ****")
///     .attributes(serde_json::json!({"moderated": true}));
/// assert_eq!(
///     serde_json::to_string(&change).unwrap(),
///     r#"{"body":"hello ****","attributes":"{\"moderated\":true}"}"#
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct MessageModification {
    /// The new message text.
    pub body: Option<String>,
    /// The new author.
    pub author: Option<String>,
    /// The new attributes (sent to Twilio as JSON text).
    pub attributes: Option<Attributes>,
}

impl MessageModification {
    /// A modification that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces the message body.
    #[must_use]
    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Replaces the author.
    #[must_use]
    pub fn author(mut self, author: impl Into<String>) -> Self {
        self.author = Some(author.into());
        self
    }

    /// Replaces the attributes.
    #[must_use]
    pub fn attributes(mut self, attributes: impl Into<Attributes>) -> Self {
        self.attributes = Some(attributes.into());
        self
    }
}

impl Serialize for MessageModification {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(body) = &self.body {
            map.serialize_entry("body", body)?;
        }
        if let Some(author) = &self.author {
            map.serialize_entry("author", author)?;
        }
        if let Some(attributes) = &self.attributes {
            // Twilio takes attributes as stringified JSON.
            map.serialize_entry("attributes", attributes.as_str())?;
        }
        map.end()
    }
}

impl Modification for MessageModification {
    fn is_empty(&self) -> bool {
        self.body.is_none() && self.author.is_none() && self.attributes.is_none()
    }

    fn json_len_hint(&self) -> usize {
        field_len_hint(self.body.as_deref())
            .saturating_add(field_len_hint(self.author.as_deref()))
            .saturating_add(field_len_hint(
                self.attributes.as_ref().map(Attributes::as_str),
            ))
    }
}

/// Changes to a conversation being added or updated: `friendly_name`.
///
/// ```
/// use twilio_webhooks::ConversationModification;
///
/// let change = ConversationModification::new().friendly_name("Support #42");
/// assert_eq!(serde_json::to_string(&change).unwrap(), r#"{"friendly_name":"Support #42"}"#);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConversationModification {
    /// The new friendly name.
    pub friendly_name: Option<String>,
}

impl ConversationModification {
    /// A modification that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces the friendly name.
    #[must_use]
    pub fn friendly_name(mut self, name: impl Into<String>) -> Self {
        self.friendly_name = Some(name.into());
        self
    }
}

impl Serialize for ConversationModification {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(name) = &self.friendly_name {
            map.serialize_entry("friendly_name", name)?;
        }
        map.end()
    }
}

impl Modification for ConversationModification {
    fn is_empty(&self) -> bool {
        self.friendly_name.is_none()
    }

    fn json_len_hint(&self) -> usize {
        2 + field_len_hint(self.friendly_name.as_deref())
    }
}

/// How a change is refused: the status code Twilio sees, and a reason for your logs.
///
/// Twilio rejects the change on any 4xx or 5xx; the default here is 403 Forbidden. The reason is
/// sent as the plain-text body (Twilio ignores it; it shows up in Twilio's debugger).
///
/// ```
/// use http::StatusCode;
/// use twilio_webhooks::Rejection;
///
/// let rejection = Rejection::new().reason("blocked author");
/// assert_eq!(rejection.status(), StatusCode::FORBIDDEN);
///
/// let custom = Rejection::with_status(StatusCode::UNPROCESSABLE_ENTITY).unwrap();
/// assert_eq!(custom.status(), 422);
/// assert!(Rejection::with_status(StatusCode::OK).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    status: StatusCode,
    reason: Option<Cow<'static, str>>,
}

/// A rejection's status must be a client or server error, or Twilio would accept the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a rejection needs a 4xx or 5xx status, got {0}")]
pub struct NotAnErrorStatus(pub StatusCode);

impl Rejection {
    /// The status a rejection has unless another is chosen.
    pub const DEFAULT_STATUS: StatusCode = StatusCode::FORBIDDEN;

    /// A 403 rejection with no reason.
    pub fn new() -> Self {
        Self {
            status: Self::DEFAULT_STATUS,
            reason: None,
        }
    }

    /// A rejection with another status.
    ///
    /// # Errors
    ///
    /// [`NotAnErrorStatus`] unless `status` is 4xx or 5xx.
    pub fn with_status(status: StatusCode) -> Result<Self, NotAnErrorStatus> {
        if status.is_client_error() || status.is_server_error() {
            Ok(Self {
                status,
                reason: None,
            })
        } else {
            Err(NotAnErrorStatus(status))
        }
    }

    /// Adds a reason, sent as the response body.
    #[must_use]
    pub fn reason(mut self, reason: impl Into<Cow<'static, str>>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    /// The status code Twilio will see.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The reason, if one was given.
    pub fn reason_text(&self) -> Option<&str> {
        self.reason.as_deref()
    }
}

impl Default for Rejection {
    fn default() -> Self {
        Self::new()
    }
}

/// The answer to a pre-action webhook. `M` says what may be modified: a
/// [`MessageModification`], a [`ConversationModification`], or [`Unmodifiable`] (accept or
/// reject only).
#[derive(Debug, Clone, PartialEq)]
#[must_use = "a decision does nothing until it is returned to Twilio"]
pub enum Decision<M = Unmodifiable> {
    /// Publish the change as it is.
    Accept,
    /// Publish the change with these fields changed.
    Modify(M),
    /// Do not publish the change.
    Reject(Rejection),
}

/// The decision type of a pre-action event `E`.
///
/// ```
/// use twilio_webhooks::{Decision, DecisionFor, MessageModification};
/// use twilio_webhooks::conversations::OnMessageUpdate;
///
/// fn moderate(event: &OnMessageUpdate) -> DecisionFor<OnMessageUpdate> {
///     if event.body.contains("spam") {
///         Decision::reject()
///     } else {
///         Decision::accept()
///     }
/// }
/// ```
pub type DecisionFor<E> = Decision<<E as PreActionWebhook>::Modification>;

/// The body of a plain accept.
const EMPTY_OBJECT: &[u8] = b"{}";

impl<M: Modification> Decision<M> {
    /// Publish unchanged.
    pub fn accept() -> Self {
        Self::Accept
    }

    /// Publish with the given changes.
    pub fn modify(modification: M) -> Self {
        Self::Modify(modification)
    }

    /// Refuse with the default status (403).
    pub fn reject() -> Self {
        Self::Reject(Rejection::new())
    }

    /// Refuse with a reason for the logs (status 403).
    pub fn reject_because(reason: impl Into<Cow<'static, str>>) -> Self {
        Self::Reject(Rejection::new().reason(reason))
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Accept | Self::Modify(_) => StatusCode::OK,
            Self::Reject(rejection) => rejection.status,
        }
    }

    /// The answer's body: `{}` for an accept, the changed fields as JSON for a modification,
    /// the reason (or nothing) for a rejection.
    pub fn body(&self) -> Cow<'static, [u8]> {
        match self {
            Self::Accept => Cow::Borrowed(EMPTY_OBJECT),
            Self::Modify(modification) if modification.is_empty() => Cow::Borrowed(EMPTY_OBJECT),
            Self::Modify(modification) => {
                let mut json = Vec::with_capacity(modification.json_len_hint());
                // Serializing strings and JSON values into a Vec cannot fail.
                if serde_json::to_writer(&mut json, modification).is_err() {
                    return Cow::Borrowed(EMPTY_OBJECT);
                }
                // Exactly sized (the allocator usually shrinks in place), `Bytes` takes it over
                // without allocating a header for the spare capacity.
                json.shrink_to_fit();
                Cow::Owned(json)
            }
            Self::Reject(rejection) => match &rejection.reason {
                Some(Cow::Borrowed(reason)) => Cow::Borrowed(reason.as_bytes()),
                Some(Cow::Owned(reason)) => Cow::Owned(reason.clone().into_bytes()),
                None => Cow::Borrowed(b""),
            },
        }
    }

    /// The `Content-Type` of [`body`](Self::body).
    pub fn content_type(&self) -> &'static str {
        match self {
            Self::Accept | Self::Modify(_) => "application/json",
            Self::Reject(_) => "text/plain; charset=utf-8",
        }
    }

    /// A short name for logs and traces: `accept`, `modify` or `reject`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Modify(_) => "modify",
            Self::Reject(_) => "reject",
        }
    }

    /// Builds the HTTP response Twilio expects.
    ///
    /// ```
    /// use twilio_webhooks::{ConversationModification, Decision};
    ///
    /// let decision = Decision::modify(ConversationModification::new().friendly_name("Sales"));
    /// let response = decision.into_response();
    /// assert_eq!(response.status(), 200);
    /// assert_eq!(response.headers()["content-type"], "application/json");
    /// assert_eq!(response.body().as_ref(), br#"{"friendly_name":"Sales"}"#);
    /// ```
    pub fn into_response(self) -> http::Response<bytes::Bytes> {
        let body = match self.body() {
            Cow::Borrowed(bytes) => bytes::Bytes::from_static(bytes),
            Cow::Owned(bytes) => bytes::Bytes::from(bytes),
        };
        let mut response = http::Response::new(body);
        *response.status_mut() = self.status();
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static(self.content_type()),
        );
        response
    }
}

impl Decision<MessageModification> {
    /// Publish the message with a new body.
    ///
    /// ```
    /// use twilio_webhooks::Decision;
    ///
    /// assert_eq!(Decision::modify_body("****").body().as_ref(), br#"{"body":"****"}"#);
    /// ```
    pub fn modify_body(body: impl Into<String>) -> Self {
        Self::Modify(MessageModification::new().body(body))
    }
}

impl Decision<ConversationModification> {
    /// Publish the conversation with a new friendly name.
    pub fn rename(friendly_name: impl Into<String>) -> Self {
        Self::Modify(ConversationModification::new().friendly_name(friendly_name))
    }
}

impl<M> From<Rejection> for Decision<M> {
    fn from(rejection: Rejection) -> Self {
        Self::Reject(rejection)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_is_empty_object() {
        let decision: Decision<MessageModification> = Decision::accept();
        assert_eq!(decision.status(), StatusCode::OK);
        assert_eq!(decision.body().as_ref(), b"{}");
    }

    #[test]
    fn empty_modification_is_an_accept() {
        let decision = Decision::modify(MessageModification::new());
        assert_eq!(decision.body().as_ref(), b"{}");
    }

    #[test]
    fn modification_sends_only_changed_fields() {
        let decision = Decision::modify(MessageModification::new().author("bot").body("x"));
        assert_eq!(decision.body().as_ref(), br#"{"body":"x","author":"bot"}"#);
        let raw = Decision::modify(
            MessageModification::new().attributes(Attributes::from_text("not json")),
        );
        assert_eq!(raw.body().as_ref(), br#"{"attributes":"not json"}"#);
    }

    #[test]
    fn long_answers_with_escapes_are_whole() {
        let body = "\"quoted\" line\n".repeat(20) + "tab\tend \u{1F600}";
        let decision = Decision::modify(MessageModification::new().body(body.clone()));
        let json: serde_json::Value = serde_json::from_slice(&decision.body()).unwrap();
        assert_eq!(json, serde_json::json!({ "body": body }));
        assert!(decision.body().len() > 300);
    }

    #[test]
    fn rejection_carries_status_and_reason() {
        let decision: Decision = Decision::Reject(
            Rejection::with_status(StatusCode::SERVICE_UNAVAILABLE)
                .unwrap()
                .reason("down"),
        );
        assert_eq!(decision.status(), 503);
        assert_eq!(decision.body().as_ref(), b"down");
        assert_eq!(decision.kind(), "reject");
        assert_eq!(
            Rejection::with_status(StatusCode::FOUND),
            Err(NotAnErrorStatus(StatusCode::FOUND))
        );
    }
}
