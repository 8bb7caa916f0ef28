//! Event Streams for tests: a realistic sample of every event type, batches of them, and
//! deliveries signed the way Twilio signs them.
//!
//! The samples tell the same story as the webhook samples: an SMS customer's message creates a
//! support conversation with a photo attached, an agent, `alice`, answers; the customer's call
//! runs a Studio IVR flow.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use http::Request;
use serde_json::{json, Value};

use super::{Error, TestRequest};
use crate::streams::{Event, StreamEvent};

use super::samples::{
    ACCOUNT_SID, CHAT_SERVICE_SID, CONVERSATION_SID, CUSTOMER, MESSAGE_SID, MESSAGING_SERVICE_SID,
    PARTICIPANT_SID, ROLE_SID, TWILIO_NUMBER, USER_SID,
};

const CONTENT_SID: &str = "HX7d1e4e0a4b6f4a8e9c2b3d4f5a6b7c8d";
const MEDIA_SID: &str = "ME62933a2951ef01f4eafd9bdf4d3cd2f0";
const DELIVERY_RECEIPT_SID: &str = "DY4b6f4a8e9c2b3d4f5a6b7c8d7d1e4e0a";
const SMS_SID: &str = "SM9c2b3d4f5a6b7c8d7d1e4e0a4b6f4a8e";
const FLOW_SID: &str = "FW5f4a8e9c2b3d4f5a6b7c8d7d1e4e0a4b";
const EXECUTION_SID: &str = "FN2b3d4f5a6b7c8d7d1e4e0a4b6f4a8e9c";
const STEP_SID: &str = "FTd4f5a6b7c8d7d1e4e0a4b6f4a8e9c2b3";
const CALL_SID: &str = "CA8d7d1e4e0a4b6f4a8e9c2b3d4f5a6b7c";

/// Realistic `data` for `event_type`, with Twilio's keys (PascalCase for Conversations,
/// snake_case for Studio); `None` for a type this library does not know.
///
/// Each sample has every field the library knows for its type.
///
/// ```
/// use twilio_webhooks::streams::Event;
/// use twilio_webhooks::testing::sample_event_data;
///
/// let data = sample_event_data("com.twilio.conversations.message.added").unwrap();
/// assert_eq!(data["Index"], 7);
/// assert!(Event::TYPES.iter().all(|event_type| sample_event_data(event_type).is_some()));
/// assert_eq!(sample_event_data("com.example.new"), None);
/// ```
pub fn sample_event_data(event_type: &str) -> Option<Value> {
    let media = json!([{
        "MediaSid": MEDIA_SID,
        "Filename": "receipt.jpg",
        "ContentType": "image/jpeg",
        "Size": 48213
    }]);
    let conversation = |extra: Value| {
        merge(
            json!({
                "AccountSid": ACCOUNT_SID,
                "ConversationSid": CONVERSATION_SID,
                "ChatServiceSid": CHAT_SERVICE_SID,
                "MessagingServiceSid": MESSAGING_SERVICE_SID,
                "FriendlyName": "Support: order 1042",
                "UniqueName": "support-order-1042",
                "Attributes": {"topic": "support", "priority": "high"},
                "State": "active",
                "DateCreated": "2026-11-20T10:00:00.000Z",
            }),
            extra,
        )
    };
    let message = |extra: Value| {
        merge(
            json!({
                "AccountSid": ACCOUNT_SID,
                "ConversationSid": CONVERSATION_SID,
                "MessageSid": MESSAGE_SID,
                "ChatServiceSid": CHAT_SERVICE_SID,
                "MessagingServiceSid": MESSAGING_SERVICE_SID,
                "ParticipantSid": PARTICIPANT_SID,
                "Author": CUSTOMER,
                "Index": 7,
                "MessageBody": "Hi, my order 1042 arrived damaged",
                "MessageSubject": "Order 1042",
                "ContentSid": CONTENT_SID,
                "Attributes": {"order": 1042},
                "Media": media,
                "DateCreated": "2026-11-20T10:01:12.000Z",
            }),
            extra,
        )
    };
    let participant = |extra: Value| {
        merge(
            json!({
                "AccountSid": ACCOUNT_SID,
                "ConversationSid": CONVERSATION_SID,
                "ParticipantSid": PARTICIPANT_SID,
                "ChatServiceSid": CHAT_SERVICE_SID,
                "Identity": "alice",
                "RoleSid": ROLE_SID,
                "Attributes": "{\"team\":\"support\"}",
                "MessagingBinding": {
                    "Address": CUSTOMER,
                    "ProxyAddress": TWILIO_NUMBER,
                    "Type": "SMS"
                },
                "LastReadMessageIndex": 7,
                "DateCreated": "2026-11-20T10:02:00.000Z",
            }),
            extra,
        )
    };
    let user = |extra: Value| {
        merge(
            json!({
                "AccountSid": ACCOUNT_SID,
                "UserSid": USER_SID,
                "ChatServiceSid": CHAT_SERVICE_SID,
                "Identity": "alice",
                "FriendlyName": "Alice (support)",
                "RoleSid": ROLE_SID,
                "Attributes": {"team": "support"},
                "DateCreated": "2026-11-20T09:00:00.000Z",
            }),
            extra,
        )
    };
    let execution = |extra: Value| {
        merge(
            json!({
                "execution_sid": EXECUTION_SID,
                "account_sid": ACCOUNT_SID,
                "flow_sid": FLOW_SID,
                "contact_channel_address": CUSTOMER,
                "status": "active",
                "date_created": "2026-11-20T10:05:00.000Z",
                "started_by": CALL_SID,
                "flow_revision": 12,
            }),
            extra,
        )
    };
    let updated = json!({"DateUpdated": "2026-11-20T10:04:31.517Z"});
    Some(match event_type {
        "com.twilio.conversations.conversation.added" => conversation(json!({
            "MessageBody": "Hi, my order 1042 arrived damaged",
            "MessageSubject": "Order 1042",
            "AuthorFriendlyName": "Customer",
            "Media": media,
            "MessagingBinding": {
                "Address": CUSTOMER,
                "ProxyAddress": TWILIO_NUMBER,
                "AuthorAddress": CUSTOMER,
                "ProjectedAddress": "+15017122662"
            },
            "Bindings": {"Email": {"Address": "support@example.com", "ProjectedAddress": "support@example.com", "Name": "Support"}},
        })),
        "com.twilio.conversations.conversation.updated" => conversation(updated),
        "com.twilio.conversations.conversation.removed" => {
            conversation(json!({"State": "closed", "DateRemoved": "2026-11-20T11:15:00.000Z"}))
        }
        "com.twilio.conversations.conversation-state.updated" => json!({
            "AccountSid": ACCOUNT_SID,
            "ConversationSid": CONVERSATION_SID,
            "ChatServiceSid": CHAT_SERVICE_SID,
            "MessagingServiceSid": MESSAGING_SERVICE_SID,
            "StateFrom": "active",
            "StateTo": "inactive",
            "Reason": "TIMER",
            "StateUpdated": "2026-11-20T11:00:00.000Z",
        }),
        "com.twilio.conversations.message.added" => message(json!({})),
        "com.twilio.conversations.message.updated" => message(json!({
            "MessageBody": "Hi, my order 1042 arrived damaged (box crushed)",
            "DateUpdated": "2026-11-20T10:04:31.517Z",
        })),
        "com.twilio.conversations.message.removed" => message(json!({})),
        "com.twilio.conversations.participant.added" => participant(json!({})),
        "com.twilio.conversations.participant.updated" => participant(updated),
        "com.twilio.conversations.participant.removed" => {
            participant(json!({"DateRemoved": "2026-11-20T11:15:00.000Z"}))
        }
        "com.twilio.conversations.user.added" => user(json!({})),
        "com.twilio.conversations.user.updated" => user(updated),
        "com.twilio.conversations.delivery.updated" => json!({
            "AccountSid": ACCOUNT_SID,
            "ConversationSid": CONVERSATION_SID,
            "ChatServiceSid": CHAT_SERVICE_SID,
            "MessageSid": MESSAGE_SID,
            "DeliveryReceiptSid": DELIVERY_RECEIPT_SID,
            "ChannelMessageSid": SMS_SID,
            "ParticipantSid": PARTICIPANT_SID,
            "Status": "delivered",
            "ErrorCode": 0,
            "DateCreated": "2026-11-20T10:01:13.000Z",
            "DateUpdated": "2026-11-20T10:01:15.000Z",
        }),
        "com.twilio.studio.flow.execution.started" => execution(json!({})),
        "com.twilio.studio.flow.execution.ended" => execution(json!({
            "status": "ended",
            "ended_reason": "FLOW_END",
            "date_updated": "2026-11-20T10:07:42.000Z",
        })),
        "com.twilio.studio.flow.step.ended" => json!({
            "step_sid": STEP_SID,
            "execution_sid": EXECUTION_SID,
            "flow_sid": FLOW_SID,
            "account_sid": ACCOUNT_SID,
            "parent_step_sid": null,
            "name": "Incoming Call",
            "transitioned_from": "Trigger",
            "transitioned_to": "gather_order_number",
            "date_created": "2026-11-20T10:05:01.000Z",
        }),
        "com.twilio.eventstreams.test-event" => {
            json!({"test_id": "cae2f9e2-c277-4612-8ad3-93c1a7a3ef88"})
        }
        _ => return None,
    })
}

/// The sample of a typed event (see [`sample_event_data`]), to call a handler directly in a unit
/// test; `None` for a type of your own that this library has no sample for.
///
/// ```
/// use twilio_webhooks::streams::{EventContext, MessageAdded, StreamEvent};
/// use twilio_webhooks::testing::sample_stream_event;
///
/// let message: MessageAdded = sample_stream_event().unwrap();
/// assert_eq!(message.index, Some(7));
/// let context = EventContext::new("EZ1", MessageAdded::TYPE);
/// assert_eq!(context.event_type(), "com.twilio.conversations.message.added");
/// ```
pub fn sample_stream_event<T: StreamEvent>() -> Option<T> {
    let data = serde_json::value::to_raw_value(&sample_event_data(T::TYPE)?).ok()?;
    T::from_data(&data).ok()
}

/// Adds (or replaces) the keys of `extra` in `base`.
fn merge(mut base: Value, extra: Value) -> Value {
    if let (Value::Object(base), Value::Object(extra)) = (&mut base, extra) {
        base.extend(extra);
    }
    base
}

/// The schema Twilio names in `dataschema` for a type.
fn dataschema(event_type: &str) -> String {
    let schema = match event_type {
        "com.twilio.eventstreams.test-event" => {
            return "https://events-schemas.twilio.com/EventStreams.TestSink/1.json".into()
        }
        "com.twilio.studio.flow.step.ended" => "Studio.FlowStepEvent/1".to_owned(),
        t if t.starts_with("com.twilio.studio.flow.execution.") => {
            "Studio.FlowExecutionEvent/2".to_owned()
        }
        t => {
            // com.twilio.conversations.conversation-state.updated -> Conversations.ConversationStateUpdated/2
            let words: String = t
                .trim_start_matches("com.twilio.conversations.")
                .split(['.', '-'])
                .map(|word| {
                    let mut chars = word.chars();
                    chars.next().map_or_else(String::new, |first| {
                        first.to_ascii_uppercase().to_string() + chars.as_str()
                    })
                })
                .collect();
            format!("Conversations.{words}/2")
        }
    };
    format!("https://events-schemas.twilio.com/{schema}")
}

/// A whole CloudEvent for `event_type` with [`sample_event_data`] as its data, as Twilio would
/// deliver it (`specversion`, `type`, `source`, `id`, `dataschema`, `datacontenttype`, `time`);
/// `None` for a type this library does not know.
///
/// Its `id` is the same on every call for a type; a batch built with [`EventBatch`] gives each
/// event its own.
///
/// ```
/// use twilio_webhooks::streams::{parse_batch, Event};
/// use twilio_webhooks::testing::sample_cloud_event;
///
/// let event = sample_cloud_event("com.twilio.studio.flow.execution.ended").unwrap();
/// assert_eq!(event["dataschema"], "https://events-schemas.twilio.com/Studio.FlowExecutionEvent/2");
/// let batch = parse_batch(serde_json::to_string(&event).unwrap().as_bytes()).unwrap();
/// assert!(matches!(batch.events()[0].as_ref().unwrap().data, Event::ExecutionEnded(_)));
/// ```
pub fn sample_cloud_event(event_type: &str) -> Option<Value> {
    let data = sample_event_data(event_type)?;
    let position = Event::TYPES.iter().position(|known| *known == event_type)?;
    Some(envelope(
        event_type,
        &format!("EZ{:032x}", position + 1),
        data,
    ))
}

fn envelope(event_type: &str, id: &str, data: Value) -> Value {
    let source = match event_type {
        "com.twilio.eventstreams.test-event" => "Sink".to_owned(),
        t if t.starts_with("com.twilio.studio.") => {
            format!("/v2/Flows/{FLOW_SID}/Executions/{EXECUTION_SID}")
        }
        _ => format!("/v1/Conversations/{CONVERSATION_SID}"),
    };
    json!({
        "specversion": "1.0",
        "type": event_type,
        "source": source,
        "id": id,
        "dataschema": dataschema(event_type),
        "datacontenttype": "application/json",
        "time": "2026-11-20T10:05:02.517Z",
        "data": data,
    })
}

/// The counter part of the ids of [`EventBatch`]: distinct across every batch of the process.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A new event id, `EZ` and 32 hex digits like Twilio's: this process's start time and id, then
/// a counter, so that two runs (two `send_event`s, say) never send the same id by chance.
fn next_id() -> String {
    static PROCESS: OnceLock<u64> = OnceLock::new();
    let process = *PROCESS.get_or_init(|| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos());
        // The low bits of the time move fastest; the process id separates concurrent starts.
        (nanos as u64).rotate_left(20) ^ u64::from(std::process::id())
    });
    format!(
        "EZ{process:016x}{:016x}",
        NEXT_ID.fetch_add(1, Ordering::Relaxed)
    )
}

/// Builds the body of an Event Streams delivery: a JSON array of CloudEvents.
///
/// ```
/// use serde_json::json;
/// use twilio_webhooks::streams::{parse_batch, Event};
/// use twilio_webhooks::testing::EventBatch;
///
/// let batch = EventBatch::new()
///     .sample("com.twilio.conversations.message.added")
///     .sample_with("com.twilio.conversations.message.added", [("MessageBody", json!("hi"))])
///     .sample("com.twilio.studio.flow.step.ended")
///     .with_id("EZ-fixed")
///     .sample_with("com.example.new", [("anything", json!(1))]);
/// let parsed = parse_batch(batch.to_json().as_bytes()).unwrap();
/// assert_eq!(parsed.len(), 4);
/// let Event::MessageAdded(second) = &parsed.events()[1].as_ref().unwrap().data else { unreachable!() };
/// assert_eq!(second.message_body.as_deref(), Some("hi"));
/// assert_eq!(parsed.events()[2].as_ref().unwrap().id, "EZ-fixed");
/// assert!(matches!(parsed.events()[3].as_ref().unwrap().data, Event::Unknown(_)));
/// ```
#[derive(Debug, Clone, Default)]
pub struct EventBatch {
    events: Vec<Value>,
}

impl EventBatch {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an event exactly as given (any JSON, even an invalid event).
    pub fn event(mut self, event: Value) -> Self {
        self.events.push(event);
        self
    }

    /// Adds the sample event of `event_type` (see [`sample_cloud_event`]) with a new id (unique
    /// across batches and processes). For a type this library does not know, an event of that
    /// type with empty data.
    pub fn sample(self, event_type: &str) -> Self {
        self.sample_with(event_type, std::iter::empty::<(String, Value)>())
    }

    /// Adds the sample event of `event_type` with a new id and the given data fields added or
    /// replaced (Twilio's keys: `MessageBody`, `flow_sid`, …).
    pub fn sample_with<K: Into<String>>(
        mut self,
        event_type: &str,
        data: impl IntoIterator<Item = (K, Value)>,
    ) -> Self {
        let mut sample = sample_event_data(event_type).unwrap_or_else(|| json!({}));
        if let Value::Object(fields) = &mut sample {
            fields.extend(data.into_iter().map(|(key, value)| (key.into(), value)));
        }
        self.events.push(envelope(event_type, &next_id(), sample));
        self
    }

    /// Sets the `id` of the last event added (to send the same event twice, say).
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        if let Some(Value::Object(event)) = self.events.last_mut() {
            event.insert("id".into(), Value::String(id.into()));
        }
        self
    }

    /// The events so far.
    pub fn events(&self) -> &[Value] {
        &self.events
    }

    /// How many events there are.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// The body: the events as a JSON array.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.events).expect("JSON values always serialize")
    }

    /// A signed delivery of this batch (see [`event_streams_request`]).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when `url` is not a URL that `http::Uri` accepts.
    pub fn request(&self, url: &str, auth_token: &str) -> Result<Request<String>, Error> {
        event_streams_request(url, auth_token, &self.events)
    }
}

/// A delivery as Twilio's Event Streams sends it: a POST of `events` as a JSON array, with
/// `bodySHA256=<hex SHA-256 of the body>` added to `url`'s query and `X-Twilio-Signature` over
/// that URL alone, signed with `auth_token`.
///
/// As for [`TestRequest`], the URL is signed exactly as given: with the default [`Validator`]
/// rule use an `http://` URL, or configure the validator's public URL.
///
/// [`Validator`]: crate::signature::Validator
///
/// ```
/// use twilio_webhooks::signature::Validator;
/// use twilio_webhooks::streams::parse_batch;
/// use twilio_webhooks::testing::{event_streams_request, sample_cloud_event};
/// use twilio_webhooks::Params;
///
/// let event = sample_cloud_event("com.twilio.conversations.user.added").unwrap();
/// let request = event_streams_request("http://localhost:3000/twilio/events", "token", &[event])?;
/// assert!(request.uri().query().unwrap().starts_with("bodySHA256="));
///
/// let (parts, body) = request.into_parts();
/// let validator = Validator::from_auth_tokens("token").unwrap();
/// assert_eq!(validator.verify(&parts, &Params::default(), body.as_bytes()), Ok(()));
/// assert_eq!(parse_batch(body.as_bytes()).unwrap().len(), 1);
/// # Ok::<(), twilio_webhooks::testing::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::InvalidRequest`] when `url` is not a URL that `http::Uri` accepts.
pub fn event_streams_request(
    url: &str,
    auth_token: &str,
    events: &[Value],
) -> Result<Request<String>, Error> {
    TestRequest::new(url, auth_token)
        .json(serde_json::to_string(events).expect("JSON values always serialize"))
        .try_build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::streams::{parse_batch, Event};

    #[test]
    fn every_sample_parses_with_every_field_known() {
        for event_type in Event::TYPES {
            let event = sample_cloud_event(event_type).unwrap();
            let batch = parse_batch(event.to_string().as_bytes()).unwrap();
            let parsed = batch.events()[0].as_ref().unwrap();
            assert_eq!(parsed.data.event_type(), *event_type);
            assert_eq!(
                parsed.data.extra().map(|extra| extra.len()),
                Some(0),
                "{event_type}"
            );
            let json = serde_json::to_value(parsed).unwrap();
            // Every sample field is a typed field: the JSON form has as many data fields
            // (absent optional fields are left out; `parent_step_sid` is null in the sample).
            let sample_fields = event["data"]
                .as_object()
                .unwrap()
                .values()
                .filter(|value| !value.is_null())
                .count();
            assert_eq!(
                json.as_object().unwrap().len(),
                sample_fields + 2,
                "{event_type}: {json}"
            );
        }
    }

    #[test]
    fn batch_ids_are_distinct_and_shaped_like_twilios() {
        let batch = EventBatch::new()
            .sample("com.twilio.conversations.message.added")
            .sample("com.twilio.conversations.message.added");
        let ids: Vec<&str> = batch
            .events()
            .iter()
            .map(|event| event["id"].as_str().unwrap())
            .collect();
        assert_ne!(ids[0], ids[1]);
        for id in ids {
            assert_eq!(id.len(), 34, "{id}");
            assert!(id.starts_with("EZ"), "{id}");
            assert!(id[2..].bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
        }
        assert!(batch.request("http://bad host/", "token").is_err());
    }

    #[test]
    fn typed_samples() {
        use crate::streams::{ExecutionEnded, SinkTestEvent, StepEnded, UserUpdated};
        assert!(sample_stream_event::<UserUpdated>()
            .unwrap()
            .date_updated
            .is_some());
        assert_eq!(
            sample_stream_event::<ExecutionEnded>()
                .unwrap()
                .ended_reason
                .as_deref(),
            Some("FLOW_END")
        );
        assert!(sample_stream_event::<StepEnded>()
            .unwrap()
            .parent_step_sid
            .is_none());
        assert_eq!(
            sample_stream_event::<SinkTestEvent>()
                .unwrap()
                .test_id
                .len(),
            36
        );
    }

    #[test]
    fn dataschemas() {
        assert_eq!(
            dataschema("com.twilio.conversations.conversation-state.updated"),
            "https://events-schemas.twilio.com/Conversations.ConversationStateUpdated/2"
        );
        assert_eq!(
            dataschema("com.twilio.conversations.message.added"),
            "https://events-schemas.twilio.com/Conversations.MessageAdded/2"
        );
    }
}
