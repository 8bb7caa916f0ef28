//! What a handler learns about the delivery of one event besides its data.

use std::sync::Arc;

use super::{CloudEvent, EventTime};

/// The delivery context of one event: its `id`, `type`, `source`, `time` and `dataschema`.
///
/// Cloning is cheap (one reference count); the context is built once per event from its
/// envelope.
///
/// ```
/// use twilio_webhooks::streams::{parse_batch, EventContext};
///
/// let batch = parse_batch(br#"{"id":"EZ1","type":"com.example.new","source":"/x","data":{}}"#)?;
/// let context: EventContext = batch.events()[0].as_ref().unwrap().context();
/// assert_eq!(context.id(), "EZ1");
/// assert_eq!(context.event_type(), "com.example.new");
/// assert_eq!(context.source(), Some("/x"));
/// assert_eq!(context.time(), None);
/// # Ok::<(), twilio_webhooks::streams::BatchError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventContext(Arc<Inner>);

#[derive(Debug, PartialEq, Eq)]
struct Inner {
    id: String,
    event_type: String,
    source: Option<String>,
    time: Option<EventTime>,
    dataschema: Option<String>,
}

impl EventContext {
    /// A context with an id and a type only (for tests of handlers).
    pub fn new(id: impl Into<String>, event_type: impl Into<String>) -> Self {
        Self(Arc::new(Inner {
            id: id.into(),
            event_type: event_type.into(),
            source: None,
            time: None,
            dataschema: None,
        }))
    }

    /// The event's `id`: the same when Twilio delivers the event again.
    pub fn id(&self) -> &str {
        &self.0.id
    }

    /// The event's `type`.
    pub fn event_type(&self) -> &str {
        &self.0.event_type
    }

    /// The event's `source`, if sent.
    pub fn source(&self) -> Option<&str> {
        self.0.source.as_deref()
    }

    /// The event's `time`, if sent.
    pub fn time(&self) -> Option<&EventTime> {
        self.0.time.as_ref()
    }

    /// The event's `dataschema`, if sent.
    pub fn dataschema(&self) -> Option<&str> {
        self.0.dataschema.as_deref()
    }
}

impl<D> From<&CloudEvent<D>> for EventContext {
    fn from(event: &CloudEvent<D>) -> Self {
        Self(Arc::new(Inner {
            id: event.id.clone(),
            event_type: event.event_type.clone(),
            source: event.source.clone(),
            time: event.time.clone(),
            dataschema: event.dataschema.clone(),
        }))
    }
}
