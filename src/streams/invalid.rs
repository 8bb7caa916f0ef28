//! An event whose data does not fit its type: set aside, not lost.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::value::RawValue;

use super::{CloudEvent, DataError, EventContext};

/// An event of a batch whose `data` does not fit the type its `type` names. The rest of the batch
/// is unaffected; this event keeps its envelope, its data as received, and why it was refused.
///
/// Its `Serialize` form is `event_type`, `event_id`, `error` (the message) and `data` as
/// received.
///
/// ```
/// use twilio_webhooks::streams::parse_batch;
///
/// let batch = parse_batch(br#"[{"id":"EZ1","type":"com.twilio.studio.flow.step.ended","data":{"step_sid":"nope"}}]"#)?;
/// let invalid = batch.events()[0].as_ref().unwrap_err();
/// assert_eq!(invalid.id(), "EZ1");
/// assert_eq!(invalid.error.field, Some("step_sid"));
/// assert_eq!(invalid.data().get(), r#"{"step_sid":"nope"}"#);
/// let line = serde_json::to_value(invalid).unwrap();
/// assert_eq!(line["event_type"], "com.twilio.studio.flow.step.ended");
/// assert_eq!(line["data"]["step_sid"], "nope");
/// # Ok::<(), twilio_webhooks::streams::BatchError>(())
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[error("event {} ({}): {error}", .event.id, .event.event_type)]
#[non_exhaustive]
pub struct InvalidEvent {
    /// The event, with its data as received.
    pub event: CloudEvent<Box<RawValue>>,
    /// Why the data does not fit.
    pub error: DataError,
}

impl InvalidEvent {
    /// The event's `id`.
    pub fn id(&self) -> &str {
        &self.event.id
    }

    /// The event's `type`.
    pub fn event_type(&self) -> &str {
        &self.event.event_type
    }

    /// The event's `data`, as received.
    pub fn data(&self) -> &RawValue {
        &self.event.data
    }

    /// The delivery context (id, type, source, time, data schema).
    pub fn context(&self) -> EventContext {
        self.event.context()
    }
}

/// `event_type`, `event_id`, `error`, `data` as received.
impl Serialize for InvalidEvent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("event_type", &self.event.event_type)?;
        map.serialize_entry("event_id", &self.event.id)?;
        map.serialize_entry("error", &self.error.to_string())?;
        map.serialize_entry("data", &self.event.data)?;
        map.end()
    }
}
