//! Typed, validated Twilio Conversations webhooks.
//!
//! Twilio POSTs a form-encoded webhook to your server before (pre-action) and after
//! (post-action) messages, conversations, participants and users change. This crate turns such a
//! body into a typed event, and a typed decision into the answer Twilio expects.
//!
//! # A tour
//!
//! - [`Params`]: the body decoded once; the signature check and the parser share it.
//! - [`Event`], [`PreActionEvent`], [`PostActionEvent`]: the 23 events, one struct each in
//!   [`events`], with typed [`sid`]s, timestamps, [`attributes`], [`media`] and
//!   [`binding`]s. Unknown events are kept as [`UnknownEvent`], never an error.
//! - [`Decision`]: accept, modify or reject a pre-action event; what may be modified is checked
//!   at compile time ([`MessageModification`], [`ConversationModification`], [`Unmodifiable`]).
//! - [`ParseError`]: what was wrong, in which event and parameter.
//!
//! # Example
//!
//! ```
//! use twilio_webhooks::{Decision, DecisionFor, Event, PreActionEvent};
//! use twilio_webhooks::events::OnMessageAdd;
//!
//! fn moderate(message: &OnMessageAdd) -> DecisionFor<OnMessageAdd> {
//!     if message.body.contains("heck") {
//!         Decision::modify_body(message.body.replace("heck", "****"))
//!     } else {
//!         Decision::accept()
//!     }
//! }
//!
//! let body = "EventType=onMessageAdd&AccountSid=AC0123456789abcdef0123456789abcdef&Source=SDK\
//!     &ClientIdentity=alice&ConversationSid=CH0123456789abcdef0123456789abcdef\
//!     &Body=what+the+heck&Author=alice&Attributes=%7B%7D";
//! let Event::PreAction(PreActionEvent::OnMessageAdd(message)) = Event::from_form(body.as_bytes())?
//! else {
//!     panic!("not an onMessageAdd");
//! };
//! let decision = moderate(&message);
//! assert_eq!(decision.status(), 200);
//! assert_eq!(decision.body().as_ref(), br#"{"body":"what the ****"}"#);
//! # Ok::<(), twilio_webhooks::ParseError>(())
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

pub mod attributes;
pub mod binding;
pub mod decision;
pub mod error;
pub mod event;
pub mod events;
pub mod kinds;
pub mod media;
pub mod params;
pub mod sid;
mod value;

pub use decision::{
    ConversationModification, Decision, DecisionFor, MessageModification, Modification,
    Rejection, Unmodifiable,
};
pub use error::{InvalidValue, ParseError};
pub use event::{
    ConversationsEvent, Event, PostActionEvent, PostActionWebhook, PreActionEvent,
    PreActionWebhook, UnknownEvent,
};
pub use params::{FormError, Params};
