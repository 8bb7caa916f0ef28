//! The typed events: the [`StreamEvent`] trait every data struct implements, the [`Event`] enum
//! over all of them, and the one table (`event_table!`, at the end) that lists the types.

use std::fmt::Debug;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::value::RawValue;

use super::data::{FieldTracker, TrackedData};
use super::{DataError, EventData};

#[allow(clippy::wildcard_imports)]
use super::{conversations::*, studio::*, test_event::*};

/// What every typed Event Streams event offers: its CloudEvent `type`, and reading its `data`.
///
/// This library implements it for each type in [`Event::TYPES`]. You may implement it for a type
/// it does not know: such an event arrives as [`Event::Unknown`], and the default
/// [`from_event`](StreamEvent::from_event) reads it from there.
///
/// ```
/// use serde_json::value::RawValue;
/// use twilio_webhooks::streams::{StreamEvent, UserAdded};
///
/// assert_eq!(UserAdded::TYPE, "com.twilio.conversations.user.added");
/// let data = RawValue::from_string(
///     r#"{"AccountSid":"AC0123456789abcdef0123456789abcdef","UserSid":"US0123456789abcdef0123456789abcdef",
///        "Identity":"alice","IsOnline":true}"#.to_owned(),
/// )?;
/// let user = UserAdded::from_data(&data)?;
/// assert_eq!(user.identity.as_deref(), Some("alice"));
/// assert_eq!(user.extra["IsOnline"], true);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait StreamEvent:
    Sized + Clone + Debug + Serialize + EventData + Send + Sync + 'static
{
    /// The CloudEvent `type`, e.g. `com.twilio.conversations.message.added`.
    const TYPE: &'static str;

    /// Reads the event's `data`.
    ///
    /// # Errors
    ///
    /// [`DataError`] when the data does not fit this type.
    fn from_data(data: &RawValue) -> Result<Self, DataError>;

    /// Takes this type out of an [`Event`]; any other event is given back.
    ///
    /// The default reads an [`Event::Unknown`] of this `TYPE` with
    /// [`from_data`](StreamEvent::from_data).
    ///
    /// # Errors
    ///
    /// The event itself when it is not this type (or its data does not fit it).
    fn from_event(event: Event) -> Result<Self, Event> {
        match event {
            Event::Unknown(unknown) if unknown.event_type == Self::TYPE => {
                match Self::from_data(&unknown.data) {
                    Ok(event) => Ok(event),
                    Err(_) => Err(Event::Unknown(unknown)),
                }
            }
            other => Err(other),
        }
    }
}

/// Reads `data` as `T`, naming the field being read when it does not fit.
pub(crate) fn parse_data<T: TrackedData>(
    event_type: &'static str,
    data: &RawValue,
) -> Result<T, DataError> {
    let tracker = FieldTracker::new(None);
    let mut deserializer = serde_json::Deserializer::from_str(data.get());
    T::deserialize_tracked(&mut deserializer, Some(&tracker))
        .map_err(|error| DataError::new(event_type, tracker.get(), &error))
}

/// An event whose `type` this library does not know, with its `data` as received.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UnknownEvent {
    /// The CloudEvent `type`.
    pub event_type: String,
    /// The `data`, as received.
    pub data: Box<RawValue>,
}

impl UnknownEvent {
    /// An unknown event (for tests).
    pub fn new(event_type: impl Into<String>, data: Box<RawValue>) -> Self {
        Self {
            event_type: event_type.into(),
            data,
        }
    }
}

/// Equal when the type and the data's JSON text are.
impl PartialEq for UnknownEvent {
    fn eq(&self, other: &Self) -> bool {
        self.event_type == other.event_type && self.data.get() == other.data.get()
    }
}

/// The data as received.
impl Serialize for UnknownEvent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.data.serialize(serializer)
    }
}

/// `data`: the data as received.
impl EventData for UnknownEvent {
    fn serialize_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        map.serialize_entry("data", &self.data)
    }
}

/// `data`: the data as received.
impl EventData for Box<RawValue> {
    fn serialize_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        map.serialize_entry("data", self)
    }
}

/// The list of event types: one row per type, `Struct = "type"`. The struct is defined in
/// `conversations/`, `studio.rs` or `test_event.rs`; this generates its [`StreamEvent`] impl,
/// its [`Event`] variant, `Event::TYPES`, dispatch by `type`, and `Event`'s JSON form.
macro_rules! event_table {
    ($( $name:ident = $event_type:literal, )*) => {
        /// Any Event Streams event: one variant per type this library knows, and
        /// [`Unknown`](Event::Unknown) for the rest.
        ///
        /// Its `Serialize` form is the data's (see each struct); an unknown event's is its data
        /// as received. Inside a [`CloudEvent`](super::CloudEvent) it is the archive's JSON line.
        ///
        /// Each variant boxes its data, so the enum stays small (40 bytes) whatever the type: a
        /// batch of many small events does not take many times its size in memory.
        ///
        /// ```
        /// use twilio_webhooks::streams::{Event, StreamEvent, StepEnded};
        ///
        /// let data = serde_json::value::RawValue::from_string(
        ///     r#"{"step_sid":"FT0123456789abcdef0123456789abcdef","execution_sid":"FN0123456789abcdef0123456789abcdef",
        ///        "flow_sid":"FW0123456789abcdef0123456789abcdef","name":"send_welcome"}"#.into(),
        /// )?;
        /// let event = Event::from_data(StepEnded::TYPE, &data)?;
        /// assert_eq!(event.event_type(), "com.twilio.studio.flow.step.ended");
        /// let Event::StepEnded(step) = &event else { unreachable!() };
        /// assert_eq!(step.name.as_deref(), Some("send_welcome"));
        ///
        /// let other = Event::from_data("com.example.new", &data)?;
        /// assert!(matches!(other, Event::Unknown(_)));
        /// assert!(Event::TYPES.contains(&"com.twilio.conversations.conversation-state.updated"));
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum Event {
            $(
                #[doc = concat!("`", $event_type, "`")]
                $name(Box<$name>),
            )*
            /// A type this library does not know, with its data as received.
            Unknown(UnknownEvent),
        }

        impl Event {
            /// Every type this library parses, in the order of the variants.
            pub const TYPES: &'static [&'static str] = &[$($event_type),*];

            /// Reads `data` as the type `event_type` names; a type this library does not know
            /// becomes [`Event::Unknown`] with the data as received.
            ///
            /// # Errors
            ///
            /// [`DataError`] when the data does not fit a known type.
            pub fn from_data(event_type: &str, data: &RawValue) -> Result<Self, DataError> {
                match event_type {
                    $( $event_type => <$name as StreamEvent>::from_data(data)
                        .map(|event| Self::$name(Box::new(event))), )*
                    _ => Ok(Self::Unknown(UnknownEvent {
                        event_type: event_type.to_owned(),
                        data: data.to_owned(),
                    })),
                }
            }

            /// The data fields this library does not know (`None` for an unknown type, whose
            /// data is all kept as received).
            pub fn extra(&self) -> Option<&serde_json::Map<String, serde_json::Value>> {
                match self {
                    $( Self::$name(event) => Some(&event.extra), )*
                    Self::Unknown(_) => None,
                }
            }

            /// The CloudEvent `type` of this event.
            pub fn event_type(&self) -> &str {
                match self {
                    $( Self::$name(_) => $event_type, )*
                    Self::Unknown(unknown) => &unknown.event_type,
                }
            }
        }

        impl Serialize for Event {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $( Self::$name(event) => event.serialize(serializer), )*
                    Self::Unknown(unknown) => unknown.serialize(serializer),
                }
            }
        }

        impl EventData for Event {
            fn serialize_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
                match self {
                    $( Self::$name(event) => event.serialize_fields(map), )*
                    Self::Unknown(unknown) => unknown.serialize_fields(map),
                }
            }
        }

        $(
            impl StreamEvent for $name {
                const TYPE: &'static str = $event_type;

                fn from_data(data: &RawValue) -> Result<Self, DataError> {
                    parse_data(Self::TYPE, data)
                }

                fn from_event(event: Event) -> Result<Self, Event> {
                    match event {
                        Event::$name(event) => Ok(*event),
                        other => Err(other),
                    }
                }
            }

            impl From<$name> for Event {
                fn from(event: $name) -> Self {
                    Self::$name(Box::new(event))
                }
            }
        )*
    };
}

event_table! {
    ConversationAdded = "com.twilio.conversations.conversation.added",
    ConversationUpdated = "com.twilio.conversations.conversation.updated",
    ConversationRemoved = "com.twilio.conversations.conversation.removed",
    ConversationStateUpdated = "com.twilio.conversations.conversation-state.updated",
    MessageAdded = "com.twilio.conversations.message.added",
    MessageUpdated = "com.twilio.conversations.message.updated",
    MessageRemoved = "com.twilio.conversations.message.removed",
    ParticipantAdded = "com.twilio.conversations.participant.added",
    ParticipantUpdated = "com.twilio.conversations.participant.updated",
    ParticipantRemoved = "com.twilio.conversations.participant.removed",
    UserAdded = "com.twilio.conversations.user.added",
    UserUpdated = "com.twilio.conversations.user.updated",
    DeliveryUpdated = "com.twilio.conversations.delivery.updated",
    ExecutionStarted = "com.twilio.studio.flow.execution.started",
    ExecutionEnded = "com.twilio.studio.flow.execution.ended",
    StepEnded = "com.twilio.studio.flow.step.ended",
    SinkTestEvent = "com.twilio.eventstreams.test-event",
}
