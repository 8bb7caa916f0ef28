//! Conversations events from Event Streams: conversations, their state, messages,
//! participants, users, and the discontinued delivery receipts.
//!
//! Data keys are Twilio's PascalCase (`MessageBody`, `ConversationSid`); each struct field names
//! its key. Unlike the form webhooks, the text of a message is `MessageBody` (with
//! `MessageSubject`), integers are JSON numbers, `MessagingBinding` and `Bindings` are nested
//! objects, and there is no `EventType`, `Source`, `ClientIdentity` or `RetryCount`.
//!
//! Fields Twilio documents are typed; only the resource's own SIDs (and `AccountSid`) are
//! required, the rest are `Option`s, and keys this library does not know are kept in `extra`.

mod bindings;
mod conversation;
mod delivery;
mod message;
mod participant;
mod state;
mod user;

pub use bindings::{Bindings, EmailBinding};
pub use conversation::{ConversationAdded, ConversationRemoved, ConversationUpdated};
pub use delivery::DeliveryUpdated;
pub use message::{MessageAdded, MessageRemoved, MessageUpdated};
pub use participant::{ParticipantAdded, ParticipantRemoved, ParticipantUpdated};
pub use state::ConversationStateUpdated;
pub use user::{UserAdded, UserUpdated};
