//! Conversations webhooks: the 23 events Twilio POSTs before (pre-action) and after
//! (post-action) messages, conversations, participants and users change, their field types, the
//! decisions that answer them, and why a body could not be parsed.
//!
//! - One struct per event, named after Twilio's `EventType` ([`OnMessageAdd`],
//!   [`OnMessageAdded`], …), with typed SIDs, integers, timestamps, [`Attributes`], [`Media`] and
//!   [`MessagingBinding`]s; unknown parameters are kept in `extra`.
//! - [`Event`], [`PreActionEvent`], [`PostActionEvent`]: the enums over all of them. Parsing
//!   happens in two stages: read `EventType`, then build that event's struct. An `EventType` this
//!   library does not know becomes [`Event::Unknown`] with every raw parameter, never an error.
//! - [`Decision`]: accept, modify or reject a pre-action event; what may be modified is checked at
//!   compile time.
//! - [`ParseError`]: what was wrong, in which event and parameter.
//!
//! The list of events is the table at the end of this module (`event_table!`): adding an event
//! means defining its struct in `events/` and adding one row there.
//!
//! ```
//! use twilio_webhooks::conversations::{Event, PostActionEvent};
//!
//! let event = Event::from_form(b"EventType=onSomethingNew&AccountSid=AC1&Foo=bar")?;
//! let Event::Unknown(unknown) = &event else { unreachable!() };
//! assert_eq!(unknown.event_type, "onSomethingNew");
//! assert_eq!(unknown.params.get("Foo"), Some("bar"));
//! # Ok::<(), twilio_webhooks::conversations::ParseError>(())
//! ```

mod attributes;
mod binding;
mod decision;
mod enums;
pub(crate) use enums::twilio_enums;
mod error;
pub(crate) mod events;
pub(crate) mod field;
mod media;

pub use attributes::Attributes;
pub use binding::MessagingBinding;
pub use decision::{
    ConversationModification, Decision, DecisionFor, MessageModification, Modification,
    NotAnErrorStatus, Rejection, Unmodifiable,
};
pub use enums::{BindingType, ConversationState, DeliveryStatus, Source, StateChangeReason};
pub use error::{InvalidValue, ParseError};
pub use events::*;
pub use media::Media;

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::params::Params;
use crate::sid::{AccountSid, ConversationSid};

/// What every event struct offers: its `EventType`, parsing, and the identifiers every webhook
/// has.
///
/// ```
/// use twilio_webhooks::conversations::OnUserAdded;
/// use twilio_webhooks::ConversationsEvent;
///
/// assert_eq!(OnUserAdded::EVENT_TYPE, "onUserAdded");
/// assert!(OnUserAdded::from_form(b"EventType=onUserAdd").is_err());
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a Conversations event",
    label = "not a Conversations event",
    note = "the events are the structs of `twilio_webhooks::conversations`, one per `EventType`: \
            `OnMessageAdd`, `OnMessageAdded`, …"
)]
pub trait ConversationsEvent:
    Sized + Clone + std::fmt::Debug + Serialize + Send + Sync + 'static
{
    /// Twilio's `EventType` for this event, e.g. `onMessageAdd`.
    const EVENT_TYPE: &'static str;

    /// Parses an already-decoded parameter list.
    ///
    /// # Errors
    ///
    /// [`ParseError`] when `EventType` is missing, repeated or another event's, or a parameter
    /// is missing or malformed.
    fn from_params(params: &Params) -> Result<Self, ParseError>;

    /// Decodes and parses a form body.
    ///
    /// # Errors
    ///
    /// As [`from_params`](Self::from_params), and [`ParseError::Form`] for a body that is not
    /// valid form encoding.
    fn from_form(body: &[u8]) -> Result<Self, ParseError> {
        Self::from_params(&Params::parse(body)?)
    }

    /// The event's form parameters, as Twilio would send them: `AccountSid`, `EventType`,
    /// `Source`, `ClientIdentity` and `RetryCount` when present, each field under Twilio's name
    /// in Twilio's text form (SIDs, integers, `true`/`false`, RFC 3339 timestamps, `Attributes`
    /// as JSON text, `Media` as the webhook's JSON array, `MessagingBinding.*`), then every
    /// parameter of `extra`. An absent optional field is left out.
    ///
    /// Parsing the result gives the event back: `E::from_params(&event.to_params()) == event`
    /// for every event parsed from a webhook. Values a webhook cannot carry are written as
    /// closely as the form allows and read back differently: an optional text that is
    /// `Some("")` (read back as `None`), a binding with empty addresses or a binding's
    /// JSON-only `extra`. `Attributes` are written as their text, so they come back as they were.
    ///
    /// Use it to build a test request from a typed event: take a sample, change a field, send it
    /// signed with [`testing::signed_event`](crate::testing::signed_event).
    ///
    /// ```
    /// use twilio_webhooks::conversations::OnMessageAdd;
    /// use twilio_webhooks::{testing, ConversationsEvent};
    ///
    /// let mut message: OnMessageAdd = testing::sample_event()?;
    /// message.body = "changed".into();
    /// let params = message.to_params();
    /// assert_eq!(params.get("EventType"), Some("onMessageAdd"));
    /// assert_eq!(params.get("Body"), Some("changed"));
    /// assert_eq!(OnMessageAdd::from_params(&params)?, message);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn to_params(&self) -> Params;

    /// The account the event belongs to.
    fn account_sid(&self) -> &AccountSid;

    /// The conversation the event is about, for events that name one.
    fn conversation_sid(&self) -> Option<ConversationSid>;

    /// How many times Twilio already tried to deliver this webhook.
    fn retry_count(&self) -> Option<u32>;
}

/// A pre-action event: answered with a [`Decision`] whose modification type
/// says what the answer may change.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a pre-action event",
    label = "not a pre-action event",
    note = "pre-action events are the ones Twilio sends before a change and that are answered \
            with a decision: `OnMessageAdd`, `OnConversationUpdate`, `OnParticipantAdd`, … \
            (the variants of `PreActionEvent`)",
    note = "a post-action event (`OnMessageAdded`, …) is only acknowledged: it has no decision"
)]
pub trait PreActionWebhook: ConversationsEvent {
    /// What a modification of this event may change: [`MessageModification`],
    /// [`ConversationModification`], or
    /// [`Unmodifiable`] for events that can only be accepted or rejected.
    type Modification: Modification;
}

/// A post-action event: only acknowledged.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a post-action event",
    label = "not a post-action event",
    note = "post-action events are the ones Twilio sends after a change, only acknowledged: \
            `OnMessageAdded`, `OnUserAdded`, … (the variants of `PostActionEvent`)"
)]
pub trait PostActionWebhook: ConversationsEvent {}

/// The one `EventType` of a webhook.
///
/// # Errors
///
/// [`ParseError::MissingEventType`] or [`ParseError::DuplicateEventType`].
pub(crate) fn event_type(params: &Params) -> Result<&str, ParseError> {
    let mut values = params.get_all("EventType");
    match (values.next(), values.next()) {
        (Some(event_type), None) => Ok(event_type),
        (None, _) => Err(ParseError::MissingEventType),
        (Some(_), Some(_)) => Err(ParseError::DuplicateEventType {
            count: params.count("EventType"),
        }),
    }
}

/// An event whose `EventType` this version of the library does not know, kept whole.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnknownEvent {
    /// The `EventType` sent.
    pub event_type: String,
    /// Every parameter, as sent (including `EventType`).
    pub params: Params,
}

impl UnknownEvent {
    /// Its parameters, as sent (including `EventType`).
    pub fn to_params(&self) -> Params {
        self.params.clone()
    }
}

impl Serialize for UnknownEvent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("event_type", &self.event_type)?;
        map.serialize_entry("params", &self.params)?;
        map.end()
    }
}

macro_rules! event_table {
    (
        pre: [$( $pre:ident => $pre_modification:ty ),* $(,)?],
        post: [$( $post:ident ),* $(,)?] $(,)?
    ) => {
        $( impl PreActionWebhook for $pre {
            type Modification = $pre_modification;
        } )*
        $( impl PostActionWebhook for $post {} )*

        /// Any of the ten pre-action events.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)]
        pub enum PreActionEvent {
            $(
                #[doc = concat!("`", stringify!($pre), "`.")]
                $pre($pre),
            )*
        }

        /// Any of the thirteen post-action events.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)]
        pub enum PostActionEvent {
            $(
                #[doc = concat!("`", stringify!($post), "`.")]
                $post($post),
            )*
        }

        impl PreActionEvent {
            /// Every pre-action `EventType`, in Twilio's documentation order.
            pub const EVENT_TYPES: &'static [&'static str] = &[$( $pre::EVENT_TYPE, )*];

            /// This event's `EventType`.
            pub fn event_type(&self) -> &'static str {
                match self { $( Self::$pre(_) => $pre::EVENT_TYPE, )* }
            }

            /// The account the event belongs to.
            pub fn account_sid(&self) -> &AccountSid {
                match self { $( Self::$pre(event) => &event.account_sid, )* }
            }

            /// The conversation the event is about, when it names one.
            pub fn conversation_sid(&self) -> Option<ConversationSid> {
                match self { $( Self::$pre(event) => event.conversation_sid(), )* }
            }

            /// The event's form parameters (see [`ConversationsEvent::to_params`]).
            pub fn to_params(&self) -> Params {
                match self { $( Self::$pre(event) => event.to_params(), )* }
            }

            /// `RetryCount`: how many times Twilio already tried (absent on a first try).
            pub fn retry_count(&self) -> Option<u32> {
                match self { $( Self::$pre(event) => event.retry_count(), )* }
            }
        }

        impl PostActionEvent {
            /// Every post-action `EventType`, in Twilio's documentation order.
            pub const EVENT_TYPES: &'static [&'static str] = &[$( $post::EVENT_TYPE, )*];

            /// This event's `EventType`.
            pub fn event_type(&self) -> &'static str {
                match self { $( Self::$post(_) => $post::EVENT_TYPE, )* }
            }

            /// The account the event belongs to.
            pub fn account_sid(&self) -> &AccountSid {
                match self { $( Self::$post(event) => &event.account_sid, )* }
            }

            /// The conversation the event is about, when it names one.
            pub fn conversation_sid(&self) -> Option<ConversationSid> {
                match self { $( Self::$post(event) => event.conversation_sid(), )* }
            }

            /// `RetryCount`: how many times Twilio already tried (absent on a first try).
            pub fn retry_count(&self) -> Option<u32> {
                match self { $( Self::$post(event) => event.retry_count(), )* }
            }

            /// The event's form parameters (see [`ConversationsEvent::to_params`]).
            pub fn to_params(&self) -> Params {
                match self { $( Self::$post(event) => event.to_params(), )* }
            }
        }

        impl Serialize for PreActionEvent {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self { $( Self::$pre(event) => event.serialize(serializer), )* }
            }
        }

        impl Serialize for PostActionEvent {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self { $( Self::$post(event) => event.serialize(serializer), )* }
            }
        }

        $(
            impl From<$pre> for Event {
                fn from(event: $pre) -> Self {
                    Event::PreAction(PreActionEvent::$pre(event))
                }
            }
        )*
        $(
            impl From<$post> for Event {
                fn from(event: $post) -> Self {
                    Event::PostAction(PostActionEvent::$post(event))
                }
            }
        )*

        impl Event {
            /// Parses an already-decoded parameter list (the one the signature check used).
            ///
            /// # Errors
            ///
            /// [`ParseError`] when `EventType` is missing or repeated, or a parameter of a known
            /// event is missing or malformed. An unknown `EventType` is not an error.
            pub fn from_params(params: &Params) -> Result<Self, ParseError> {
                let event_type = event_type(params)?;
                Ok(match event_type {
                    $( _ if event_type == $pre::EVENT_TYPE => {
                        Self::PreAction(PreActionEvent::$pre(<$pre as ConversationsEvent>::from_params(params)?))
                    } )*
                    $( _ if event_type == $post::EVENT_TYPE => {
                        Self::PostAction(PostActionEvent::$post(<$post as ConversationsEvent>::from_params(params)?))
                    } )*
                    _ => Self::Unknown(UnknownEvent {
                        event_type: event_type.to_owned(),
                        params: params.clone(),
                    }),
                })
            }
        }
    };
}

/// Any Conversations webhook: pre-action, post-action, or one this library does not know.
///
/// ```
/// use twilio_webhooks::{Event, PreActionEvent};
///
/// let body = "EventType=onMessageAdd&AccountSid=AC0123456789abcdef0123456789abcdef&Source=SDK\
///     &ConversationSid=CH0123456789abcdef0123456789abcdef&Body=hello&Author=alice&Attributes=%7B%7D";
/// match Event::from_form(body.as_bytes())? {
///     Event::PreAction(PreActionEvent::OnMessageAdd(message)) => assert_eq!(message.body, "hello"),
///     other => panic!("unexpected {other:?}"),
/// }
/// # Ok::<(), twilio_webhooks::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// Sent before a change; answered with a decision.
    PreAction(PreActionEvent),
    /// Sent after a change; acknowledged.
    PostAction(PostActionEvent),
    /// An `EventType` this library does not know.
    Unknown(UnknownEvent),
}

impl Event {
    /// Decodes and parses a form body.
    ///
    /// # Errors
    ///
    /// As [`Event::from_params`], and [`ParseError::Form`] for invalid form encoding.
    pub fn from_form(body: &[u8]) -> Result<Self, ParseError> {
        Self::from_params(&Params::parse(body)?)
    }

    /// The `EventType`.
    pub fn event_type(&self) -> &str {
        match self {
            Self::PreAction(event) => event.event_type(),
            Self::PostAction(event) => event.event_type(),
            Self::Unknown(event) => &event.event_type,
        }
    }

    /// The conversation the event is about, when it names one.
    pub fn conversation_sid(&self) -> Option<ConversationSid> {
        match self {
            Self::PreAction(event) => event.conversation_sid(),
            Self::PostAction(event) => event.conversation_sid(),
            Self::Unknown(event) => event.params.get("ConversationSid")?.parse().ok(),
        }
    }

    /// Whether Twilio waits for a decision on this event.
    pub fn is_pre_action(&self) -> bool {
        matches!(self, Self::PreAction(_))
    }

    /// The event's form parameters: those of a known event written back from its fields (see
    /// [`ConversationsEvent::to_params`]), those of an unknown event as sent.
    ///
    /// ```
    /// use twilio_webhooks::Event;
    ///
    /// let event = Event::from_form(b"EventType=onSomethingNew&AccountSid=AC1&Foo=bar")?;
    /// assert_eq!(Event::from_params(&event.to_params())?, event);
    /// # Ok::<(), twilio_webhooks::ParseError>(())
    /// ```
    pub fn to_params(&self) -> Params {
        match self {
            Self::PreAction(event) => event.to_params(),
            Self::PostAction(event) => event.to_params(),
            Self::Unknown(event) => event.to_params(),
        }
    }
}

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::PreAction(event) => event.serialize(serializer),
            Self::PostAction(event) => event.serialize(serializer),
            Self::Unknown(event) => event.serialize(serializer),
        }
    }
}

event_table! {
    pre: [
        OnConversationAdd => crate::conversations::ConversationModification,
        OnConversationRemove => crate::conversations::Unmodifiable,
        OnConversationUpdate => crate::conversations::ConversationModification,
        OnMessageAdd => crate::conversations::MessageModification,
        OnMessageRemove => crate::conversations::Unmodifiable,
        OnMessageUpdate => crate::conversations::MessageModification,
        OnParticipantAdd => crate::conversations::Unmodifiable,
        OnParticipantRemove => crate::conversations::Unmodifiable,
        OnParticipantUpdate => crate::conversations::Unmodifiable,
        OnUserUpdate => crate::conversations::Unmodifiable,
    ],
    post: [
        OnConversationAdded,
        OnConversationRemoved,
        OnConversationUpdated,
        OnConversationStateUpdated,
        OnMessageAdded,
        OnMessageUpdated,
        OnMessageRemoved,
        OnParticipantAdded,
        OnParticipantUpdated,
        OnParticipantRemoved,
        OnDeliveryUpdated,
        OnUserAdded,
        OnUserUpdated,
    ],
}
