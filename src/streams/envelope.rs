//! The CloudEvents envelope Event Streams wraps every event in, read leniently: only `id`,
//! `type` and `data` are required, unknown attributes are kept, and an odd `time` never fails the
//! event.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::value::RawValue;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::data::Key;
use super::{Event, EventContext, EventData, StreamEvent};
use crate::conversations::field::set_once;

/// One CloudEvent of an Event Streams delivery: the envelope's attributes and its `data`.
///
/// `D` is what the data is: [`Event`] (every type, the default) once a batch is parsed, one
/// typed event such as [`MessageAdded`](super::MessageAdded) after
/// [`into_typed`](CloudEvent::into_typed), or the raw JSON (`Box<RawValue>`) of an event whose
/// data did not fit its type.
///
/// Its `Serialize` form is the archive's JSON line: `event_type`, `event_id`, then the data's
/// fields in snake_case (see [`EventData`]).
///
/// ```
/// use twilio_webhooks::streams::{parse_batch, CloudEvent, Event, EventTime, SinkTestEvent};
///
/// let batch = parse_batch(br#"[{"specversion":"1.0","type":"com.twilio.eventstreams.test-event",
///     "source":"Sink","id":"AC11111111111111111111111111111111",
///     "dataschema":"https://events-schemas.twilio.com/EventStreams.TestSink/1.json",
///     "datacontenttype":"application/json","time":"2026-06-10T06:02:54.377Z",
///     "data":{"test_id":"cae2f9e2-c277-4612-8ad3-93c1a7a3ef88"}}]"#)?;
/// let event = batch.events()[0].as_ref().unwrap();
/// assert_eq!(event.source.as_deref(), Some("Sink"));
/// assert!(matches!(event.time, Some(EventTime::Parsed(_))));
///
/// let test: CloudEvent<SinkTestEvent> = event.clone().into_typed().unwrap();
/// assert_eq!(test.data.test_id, "cae2f9e2-c277-4612-8ad3-93c1a7a3ef88");
/// assert_eq!(
///     serde_json::to_string(&test)?,
///     r#"{"event_type":"com.twilio.eventstreams.test-event","event_id":"AC11111111111111111111111111111111","test_id":"cae2f9e2-c277-4612-8ad3-93c1a7a3ef88"}"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CloudEvent<D = Event> {
    /// `id`: the event's identifier. A redelivered event has the same one.
    pub id: String,
    /// `type`, e.g. `com.twilio.conversations.message.added`.
    pub event_type: String,
    /// `source`: where the event came from (a resource path, or `Sink` for the test event).
    pub source: Option<String>,
    /// `specversion`: `1.0`.
    pub specversion: Option<String>,
    /// `time`: when the event happened.
    pub time: Option<EventTime>,
    /// `dataschema`: the schema of `data`, e.g.
    /// `https://events-schemas.twilio.com/Conversations.MessageAdded/2`.
    pub dataschema: Option<String>,
    /// `datacontenttype`: normally `application/json` (Twilio's own examples show a timestamp
    /// here; it is kept as it is).
    pub datacontenttype: Option<String>,
    /// Attributes this library does not know (CloudEvents extensions such as `subject`), as
    /// received.
    pub extensions: serde_json::Map<String, serde_json::Value>,
    /// The event's data.
    pub data: D,
}

/// The `time` attribute: parsed when it is an RFC 3339 timestamp, otherwise kept as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventTime {
    /// An RFC 3339 timestamp.
    Parsed(OffsetDateTime),
    /// Anything else: a string's text, or the JSON text of another value.
    Unparsed(String),
}

impl EventTime {
    /// The timestamp, when `time` was one.
    pub fn parsed(&self) -> Option<OffsetDateTime> {
        match self {
            Self::Parsed(time) => Some(*time),
            Self::Unparsed(_) => None,
        }
    }

    fn from_text(text: &str) -> Self {
        OffsetDateTime::parse(text, &Rfc3339)
            .map_or_else(|_| Self::Unparsed(text.to_owned()), Self::Parsed)
    }
}

/// RFC 3339 for a parsed time, the text as received otherwise.
impl fmt::Display for EventTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Parsed(time) => match time.format(&Rfc3339) {
                Ok(text) => f.write_str(&text),
                Err(_) => write!(f, "{time}"),
            },
            Self::Unparsed(text) => f.write_str(text),
        }
    }
}

impl<D> CloudEvent<D> {
    /// The delivery context handlers receive: id, type, source, time, data schema.
    pub fn context(&self) -> EventContext {
        EventContext::from(self)
    }

    /// The same envelope around other data.
    pub fn map_data<E>(self, convert: impl FnOnce(D) -> E) -> CloudEvent<E> {
        CloudEvent {
            id: self.id,
            event_type: self.event_type,
            source: self.source,
            specversion: self.specversion,
            time: self.time,
            dataschema: self.dataschema,
            datacontenttype: self.datacontenttype,
            extensions: self.extensions,
            data: convert(self.data),
        }
    }
}

impl CloudEvent<Event> {
    /// The event with its data as `T`, when the data is a `T`; the event unchanged otherwise.
    ///
    /// # Errors
    ///
    /// The event itself, when its data is another type's.
    // The event is given back as it was; boxing it would allocate for every event.
    #[allow(clippy::result_large_err)]
    pub fn into_typed<T: StreamEvent>(self) -> Result<CloudEvent<T>, Self> {
        let mut data = None;
        let envelope = self.map_data(|taken| data = Some(taken));
        let data = data.expect("map_data hands over the data");
        match T::from_event(data) {
            Ok(data) => Ok(envelope.map_data(|()| data)),
            Err(data) => Err(envelope.map_data(|()| data)),
        }
    }
}

/// The archive's JSON line: `event_type`, `event_id`, then the data's fields.
impl<D: EventData> Serialize for CloudEvent<D> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("event_type", &self.event_type)?;
        map.serialize_entry("event_id", &self.id)?;
        self.data.serialize_fields(&mut map)?;
        map.end()
    }
}

/// Reads one envelope, borrowing `data` from the body.
pub(crate) struct EnvelopeVisitor;

/// The `time` attribute as read: absent for `null`.
struct TimeValue(Option<EventTime>);

impl<'de> de::Deserialize<'de> for TimeValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TimeVisitor;

        impl<'de> Visitor<'de> for TimeVisitor {
            type Value = TimeValue;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a timestamp")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<TimeValue, E> {
                Ok(TimeValue(Some(EventTime::from_text(text))))
            }

            fn visit_unit<E: de::Error>(self) -> Result<TimeValue, E> {
                Ok(TimeValue(None))
            }

            fn visit_bool<E: de::Error>(self, value: bool) -> Result<TimeValue, E> {
                Ok(TimeValue(Some(EventTime::Unparsed(value.to_string()))))
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<TimeValue, E> {
                Ok(TimeValue(Some(EventTime::Unparsed(value.to_string()))))
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<TimeValue, E> {
                Ok(TimeValue(Some(EventTime::Unparsed(value.to_string()))))
            }

            fn visit_f64<E: de::Error>(self, value: f64) -> Result<TimeValue, E> {
                let text = serde_json::Number::from_f64(value)
                    .map_or_else(|| value.to_string(), |number| number.to_string());
                Ok(TimeValue(Some(EventTime::Unparsed(text))))
            }

            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<TimeValue, A::Error> {
                let value: serde_json::Value =
                    de::Deserialize::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(TimeValue(Some(EventTime::Unparsed(value.to_string()))))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TimeValue, A::Error> {
                let value: serde_json::Value =
                    de::Deserialize::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(TimeValue(Some(EventTime::Unparsed(value.to_string()))))
            }
        }

        deserializer.deserialize_any(TimeVisitor)
    }
}

impl<'de> Visitor<'de> for EnvelopeVisitor {
    type Value = CloudEvent<&'de RawValue>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a CloudEvent (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut id = None;
        let mut event_type = None;
        let mut source = None;
        let mut specversion = None;
        let mut time = None;
        let mut dataschema = None;
        let mut datacontenttype = None;
        let mut data = None;
        let mut extensions = serde_json::Map::new();
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            match &*key {
                "id" => set_once(&mut id, map.next_value::<String>()?, "id")?,
                "type" => set_once(&mut event_type, map.next_value::<String>()?, "type")?,
                "data" => set_once(&mut data, map.next_value::<&'de RawValue>()?, "data")?,
                "source" => set_once(&mut source, map.next_value::<Option<String>>()?, "source")?,
                "specversion" => set_once(
                    &mut specversion,
                    map.next_value::<Option<String>>()?,
                    "specversion",
                )?,
                "time" => set_once(&mut time, map.next_value::<TimeValue>()?.0, "time")?,
                "dataschema" => set_once(
                    &mut dataschema,
                    map.next_value::<Option<String>>()?,
                    "dataschema",
                )?,
                "datacontenttype" => set_once(
                    &mut datacontenttype,
                    map.next_value::<Option<String>>()?,
                    "datacontenttype",
                )?,
                _ => {
                    let value = map.next_value::<serde_json::Value>()?;
                    extensions.insert(key.into_owned(), value);
                }
            }
        }
        Ok(CloudEvent {
            id: id.ok_or_else(|| de::Error::missing_field("id"))?,
            event_type: event_type.ok_or_else(|| de::Error::missing_field("type"))?,
            source: source.flatten(),
            specversion: specversion.flatten(),
            time: time.flatten(),
            dataschema: dataschema.flatten(),
            datacontenttype: datacontenttype.flatten(),
            extensions,
            data: data.ok_or_else(|| de::Error::missing_field("data"))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(json: &str) -> Result<CloudEvent<&RawValue>, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(json);
        de.deserialize_map(EnvelopeVisitor)
    }

    #[test]
    fn lenient_attributes() {
        let event = envelope(
            r#"{"id":"EZ1","type":"t","data":{"a":1},"subject":"s","time":"yesterday",
                "source":null,"datacontenttype":"2025-10-08T07:17:02.363Z"}"#,
        )
        .unwrap();
        assert_eq!(event.id, "EZ1");
        assert_eq!(event.event_type, "t");
        assert_eq!(event.data.get(), r#"{"a":1}"#);
        assert_eq!(event.extensions["subject"], "s");
        assert_eq!(event.time, Some(EventTime::Unparsed("yesterday".into())));
        assert_eq!(event.source, None);
        assert_eq!(
            event.datacontenttype.as_deref(),
            Some("2025-10-08T07:17:02.363Z")
        );
        for (time, expected) in [
            ("12", Some(EventTime::Unparsed("12".into()))),
            ("1.5", Some(EventTime::Unparsed("1.5".into()))),
            ("true", Some(EventTime::Unparsed("true".into()))),
            ("[1,{}]", Some(EventTime::Unparsed("[1,{}]".into()))),
            (
                r#"{"a":[]}"#,
                Some(EventTime::Unparsed(r#"{"a":[]}"#.into())),
            ),
            ("null", None),
        ] {
            let json = format!(r#"{{"id":"x","type":"t","time":{time},"data":null}}"#);
            assert_eq!(envelope(&json).unwrap().time, expected, "{time}");
        }
        let parsed =
            envelope(r#"{"id":"x","type":"t","time":"2026-06-10T06:02:54.377Z","data":1}"#)
                .unwrap()
                .time
                .unwrap();
        assert_eq!(parsed.to_string(), "2026-06-10T06:02:54.377Z");
        assert_eq!(parsed.parsed().unwrap().millisecond(), 377);
    }

    #[test]
    fn required_and_duplicate_attributes() {
        for (json, message) in [
            (r#"{"type":"t","data":{}}"#, "missing field `id`"),
            (r#"{"id":"x","data":{}}"#, "missing field `type`"),
            (r#"{"id":"x","type":"t"}"#, "missing field `data`"),
            (
                r#"{"id":"x","id":"y","type":"t","data":{}}"#,
                "duplicate field `id`",
            ),
            (
                r#"{"id":1,"type":"t","data":{}}"#,
                "invalid type: integer `1`",
            ),
            (
                r#"{"id":"x","type":"t","source":7,"data":{}}"#,
                "invalid type: integer `7`",
            ),
        ] {
            let err = envelope(json).unwrap_err();
            assert!(err.to_string().starts_with(message), "{json}: {err}");
        }
    }
}
