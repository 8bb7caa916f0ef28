//! A delivery: a JSON array of CloudEvents (or one object), each parsed on its own.

use std::cell::Cell;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::envelope::EnvelopeVisitor;
use super::{BatchError, CloudEvent, Event, InvalidEvent};

/// One event of a batch: parsed, or set aside because its data does not fit its type.
pub type BatchItem = Result<CloudEvent<Event>, InvalidEvent>;

/// The events of one delivery, in the order received.
///
/// Duplicate ids are kept as they are: a redelivered event has the id it had, and deciding what
/// to do with it is the caller's business.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    events: Vec<BatchItem>,
    single: bool,
}

impl Batch {
    /// Every event, parsed or set aside, in the order received.
    pub fn events(&self) -> &[BatchItem] {
        &self.events
    }

    /// The events, taken out.
    pub fn into_events(self) -> Vec<BatchItem> {
        self.events
    }

    /// How many events the body held.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether the body was an empty array.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Whether the body was one CloudEvent object rather than an array.
    pub fn was_single_object(&self) -> bool {
        self.single
    }

    /// Iterates over the events.
    pub fn iter(&self) -> std::slice::Iter<'_, BatchItem> {
        self.events.iter()
    }

    /// The events that parsed.
    pub fn valid(&self) -> impl Iterator<Item = &CloudEvent<Event>> + '_ {
        self.events.iter().filter_map(|item| item.as_ref().ok())
    }

    /// The events set aside.
    pub fn invalid(&self) -> impl Iterator<Item = &InvalidEvent> + '_ {
        self.events.iter().filter_map(|item| item.as_ref().err())
    }
}

impl IntoIterator for Batch {
    type Item = BatchItem;
    type IntoIter = std::vec::IntoIter<BatchItem>;

    fn into_iter(self) -> Self::IntoIter {
        self.events.into_iter()
    }
}

impl<'a> IntoIterator for &'a Batch {
    type Item = &'a BatchItem;
    type IntoIter = std::slice::Iter<'a, BatchItem>;

    fn into_iter(self) -> Self::IntoIter {
        self.events.iter()
    }
}

/// Parses an Event Streams delivery: a JSON array of CloudEvents, or one CloudEvent object.
///
/// Each event's envelope must have `id` and `type` (strings) and `data`; other attributes are
/// optional and unknown ones are kept. Each event's data is then read as the type its `type`
/// names: data that does not fit makes that event an [`InvalidEvent`] and leaves the others
/// alone; an unknown `type` is [`Event::Unknown`].
///
/// The body is read once for the envelopes (each `data` borrowed, not copied), then each `data`
/// once for its type; nothing goes through `serde_json::Value` but unknown attributes and fields.
///
/// ```
/// use twilio_webhooks::streams::{parse_batch, Event};
///
/// let body = br#"[
///   {"id":"EZ1","type":"com.twilio.conversations.message.added","data":{
///     "AccountSid":"AC0123456789abcdef0123456789abcdef","ConversationSid":"CH0123456789abcdef0123456789abcdef",
///     "MessageSid":"IM0123456789abcdef0123456789abcdef","Index":"3","MessageBody":"Ahoy!"}},
///   {"id":"EZ2","type":"com.twilio.conversations.message.added","data":{"MessageBody":"no SIDs"}},
///   {"id":"EZ3","type":"com.example.something.new","data":[1,2]}
/// ]"#;
/// let batch = parse_batch(body)?;
/// assert_eq!(batch.len(), 3);
/// let Event::MessageAdded(message) = &batch.events()[0].as_ref().unwrap().data else { unreachable!() };
/// assert_eq!((message.index, message.message_body.as_deref()), (Some(3), Some("Ahoy!")));
/// assert!(batch.events()[1].is_err());
/// assert!(matches!(batch.events()[2].as_ref().unwrap().data, Event::Unknown(_)));
/// # Ok::<(), twilio_webhooks::streams::BatchError>(())
/// ```
///
/// # Errors
///
/// [`BatchError`] when the body is not JSON, not an array or object, or an element is not a
/// CloudEvent envelope; its message says what and where.
pub fn parse_batch(body: &[u8]) -> Result<Batch, BatchError> {
    let index = Cell::new(None);
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let raw = BatchSeed { index: &index }
        .deserialize(&mut deserializer)
        .and_then(|raw| deserializer.end().map(|()| raw))
        .map_err(|error| BatchError::from_json(error, index.get()))?;
    Ok(Batch {
        single: raw.single,
        events: raw.events.into_iter().map(finish).collect(),
    })
}

/// Reads one event's data as its type.
// Kept by value in the batch: boxing would allocate for every event.
#[allow(clippy::result_large_err)]
fn finish(event: CloudEvent<&RawValue>) -> BatchItem {
    match Event::from_data(&event.event_type, event.data) {
        Ok(data) => Ok(event.map_data(|_| data)),
        Err(error) => Err(InvalidEvent {
            event: event.map_data(ToOwned::to_owned),
            error,
        }),
    }
}

/// The envelopes of a body, their data borrowed from it.
struct RawBatch<'de> {
    events: Vec<CloudEvent<&'de RawValue>>,
    single: bool,
}

/// Reads the body, noting the index of the element being read (for error messages).
struct BatchSeed<'i> {
    index: &'i Cell<Option<usize>>,
}

impl<'de> DeserializeSeed<'de> for BatchSeed<'_> {
    type Value = RawBatch<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// One element of the array, at `position`: noted while it is read, so that an error between
/// elements names none.
struct EnvelopeSeed<'i> {
    index: &'i Cell<Option<usize>>,
    position: usize,
}

impl<'de> DeserializeSeed<'de> for EnvelopeSeed<'_> {
    type Value = CloudEvent<&'de RawValue>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.index.set(Some(self.position));
        let event = deserializer.deserialize_map(EnvelopeVisitor)?;
        self.index.set(None);
        Ok(event)
    }
}

impl<'de> Visitor<'de> for BatchSeed<'_> {
    type Value = RawBatch<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array of CloudEvents, or one CloudEvent object")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut events = Vec::with_capacity(seq.size_hint().unwrap_or(16).min(1024));
        loop {
            let seed = EnvelopeSeed {
                index: self.index,
                position: events.len(),
            };
            match seq.next_element_seed(seed)? {
                Some(event) => events.push(event),
                None => break,
            }
        }
        Ok(RawBatch {
            events,
            single: false,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.index.set(Some(0));
        let event = EnvelopeVisitor.visit_map(map)?;
        self.index.set(None);
        Ok(RawBatch {
            events: vec![event],
            single: true,
        })
    }
}
