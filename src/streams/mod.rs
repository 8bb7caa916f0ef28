//! Event Streams: the CloudEvents Twilio delivers to a webhook sink, typed.
//!
//! Twilio recommends Event Streams for consuming Conversations events reliably (failed
//! deliveries are retried for up to four hours), and Studio's execution and step events arrive
//! only this way. A delivery is a POST whose body is a JSON array of CloudEvents; its URL carries
//! `bodySHA256`, and `X-Twilio-Signature` signs the URL alone (check it with
//! [`validate_body`](crate::signature::validate_body) or a [`Validator`](crate::Validator)).
//!
//! - [`parse_batch`]: the body to a [`Batch`] of events. A body that is not CloudEvents JSON is a
//!   [`BatchError`] saying what and where; one event whose data does not fit its type is an
//!   [`InvalidEvent`] and does not affect the others.
//! - [`CloudEvent`]: the envelope (`id`, `type`, `source`, `time`, …, unknown attributes kept)
//!   around the data; [`EventContext`] is what a handler learns of it.
//! - [`Event`]: one variant per type ([`Event::TYPES`]), one struct each implementing
//!   [`StreamEvent`]: Conversations ([`conversations`]: PascalCase keys), Studio ([`studio`]:
//!   snake_case keys) and the sink's [`SinkTestEvent`]. Typed SIDs, integers, timestamps,
//!   [`Attributes`](crate::conversations::Attributes), [`Media`](crate::conversations::Media)
//!   and [`MessagingBinding`](crate::conversations::MessagingBinding); unknown fields are kept
//!   in `extra`; an unknown `type` is [`Event::Unknown`] with its data as received.
//! - The JSON form ([`EventData`]): `event_type`, `event_id`, then the data's fields in snake_case
//!   (`MessageBody` -> `message_body`) with typed values; for an unknown type, `data` as received.
//!
//! Delivery is at least once: the same event (same `id`) may arrive again, in another batch or
//! the same one. This module keeps duplicates as they are.
//!
//! ```
//! use twilio_webhooks::signature::{validate_body, Keyring};
//! use twilio_webhooks::streams::{parse_batch, Event};
//!
//! // A delivery, as Twilio sends it (the test event a sink receives when it is created).
//! let body = br#"[{"specversion":"1.0","type":"com.twilio.eventstreams.test-event","source":"Sink","id":"AC11111111111111111111111111111111","dataschema":"https://events-schemas.twilio.com/EventStreams.TestSink/1.json","datacontenttype":"application/json","time":"2026-06-10T06:02:54.377Z","data":{"test_id":"cae2f9e2-c277-4612-8ad3-93c1a7a3ef88"}}]"#;
//! let url = "https://example.com/events?bodySHA256=f4dc494f1e604a19df36cdd069f7956b1f261dc954ae1c698ed8b4939fd9ab54";
//! validate_body(url, body, "NbGgYQVrx1FdlqY9g9ZopFy0cVo=", &Keyring::from_tokens("12345")?)?;
//!
//! for item in parse_batch(body)? {
//!     match item {
//!         Ok(event) => match &event.data {
//!             Event::SinkTestEvent(test) => println!("sink test {}", test.test_id),
//!             Event::MessageAdded(message) => println!("{:?}", message.message_body),
//!             other => println!("{} {}", event.id, other.event_type()),
//!         },
//!         Err(invalid) => eprintln!("set aside: {invalid}"),
//!     }
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub(crate) mod case;
mod context;
pub mod conversations;
pub(crate) mod data;
mod envelope;
mod error;
mod event;
mod invalid;
pub mod studio;
mod test_event;

mod batch;

pub use batch::{parse_batch, Batch, BatchItem};
pub use context::EventContext;
pub use conversations::*;
pub use data::EventData;
pub use envelope::{CloudEvent, EventTime};
pub use error::{BatchError, DataError};
pub use event::{Event, StreamEvent, UnknownEvent};
pub use invalid::InvalidEvent;
pub use studio::{ExecutionEnded, ExecutionStarted, ExecutionStatus, StepEnded};
pub use test_event::SinkTestEvent;
