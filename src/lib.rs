//! Typed, validated, exactly-once Twilio Conversations webhooks, Event Streams and Studio.
//!
//! Twilio POSTs a form-encoded webhook to your server before (pre-action) and after
//! (post-action) messages, conversations, participants and users change. This crate turns such a
//! body into a typed event, checks that Twilio sent it, runs your handler and turns its typed
//! decision into the answer Twilio expects.
//!
//! # A tour
//!
//! - [`Webhooks`] ([`router`]): register `async fn` handlers ([`handler`]), then serve them as
//!   an axum `Router<S>`, a tower `Service` or a tower `Layer`. One pipeline for every request:
//!   body limited and read within a deadline, signature checked, decoded once; pre-action
//!   deadline, errors and panics answered, one tracing span per delivery.
//! - [`pre_action`] / [`post_action`] / [`stream_event`] (feature `macros`): compile-time checks
//!   of handlers with errors at the offending token; the function stays as written.
//! - [`conversations`]: [`Event`], [`PreActionEvent`], [`PostActionEvent`] and the 23 events,
//!   one struct each, with typed [`sid`]s, timestamps, attributes, media and messaging
//!   bindings. Unknown events are kept as [`UnknownEvent`], never an error. [`Decision`]:
//!   accept, modify or reject a pre-action event; what may be modified is checked at compile
//!   time ([`MessageModification`], [`ConversationModification`], [`Unmodifiable`]).
//! - [`streams`]: Event Streams. CloudEvents batches, typed Conversations and Studio events,
//!   invalid events set aside without failing the batch; handlers registered with
//!   [`Webhooks::stream_event`] and served at `/twilio/events`.
//! - [`idempotency`]: each delivery handled once although Twilio delivers at least once, in
//!   memory by default or across instances through Redis (feature `redis`).
//! - [`studio`]: start Studio Executions over REST (feature `studio`) and correlate each
//!   Execution with its Conversation or Call.
//! - [`signature`]: `X-Twilio-Signature` as Twilio's helper libraries compute it: a
//!   [`Validator`] (keyring of auth tokens and shared keys, public URL behind proxies), the
//!   [`ValidateSignatureLayer`] middleware for any handler, and plain functions.
//! - [`Params`]: a form body decoded once; the signature check and the parser share it.
//! - [`ParseError`]: what was wrong, in which event and parameter.
//! - [`testing`]: realistic sample events and signed requests (webhooks and Event Streams) for
//!   your own tests.
//!
//! # Serving
//!
//! ```no_run
//! use twilio_webhooks::conversations::OnMessageAdd;
//! use twilio_webhooks::router::Webhooks;
//! use twilio_webhooks::{pre_action, Decision, DecisionFor, Validator};
//!
//! #[pre_action]
//! async fn moderate(message: OnMessageAdd) -> DecisionFor<OnMessageAdd> {
//!     match message.body.contains("heck") {
//!         true => Decision::modify_body(message.body.replace("heck", "****")),
//!         false => Decision::accept(),
//!     }
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let app = Webhooks::new()
//!     .validator(Validator::from_env()?) // TWILIO_AUTH_TOKEN, PUBLIC_URL
//!     .pre_action(moderate)
//!     .into_router()?; // POST /twilio/conversations
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! axum::serve(listener, app).await?;
//! # Ok(())
//! # }
//! ```
//!
//! # Parsing and deciding by hand
//!
//! ```
//! use twilio_webhooks::{Decision, DecisionFor, Event, PreActionEvent};
//! use twilio_webhooks::conversations::OnMessageAdd;
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
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod conversations;
mod excerpt;
pub mod handler;
pub mod idempotency;
pub mod params;
pub mod router;
pub mod sid;
pub mod signature;
pub mod streams;
pub mod studio;
pub mod testing;

pub use conversations::{
    ConversationModification, ConversationsEvent, Decision, DecisionFor, Event,
    MessageModification, Modification, ParseError, PostActionEvent, PostActionWebhook,
    PreActionEvent, PreActionWebhook, Rejection, UnknownEvent, Unmodifiable,
};
pub use handler::{Delivery, State};
pub use params::{FormError, Params};
pub use router::Webhooks;
pub use signature::{Keyring, SignatureError, ValidateSignatureLayer, Validator};

/// Checks at compile time that an `async fn` is a pre-action handler, and leaves it unchanged.
///
/// The function takes a pre-action event, then optionally
/// [`State<T>`](handler::State) and [`Delivery`], and returns the decision
/// typed for its event ([`DecisionFor<E>`](DecisionFor), [`Decision<M>`](Decision), or a
/// `Result` of either). A mistake is reported at the offending token with a message that says
/// how to fix it. The check goes by the types, not their names, so the event may be written as
/// a path, a renamed import or a type alias. The function stays an ordinary function: register
/// it with the router and call it directly in unit tests.
///
/// ```
/// use twilio_webhooks::conversations::OnMessageAdd;
/// use twilio_webhooks::{pre_action, ConversationsEvent, Decision, DecisionFor};
///
/// #[pre_action]
/// async fn mask(message: OnMessageAdd) -> DecisionFor<OnMessageAdd> {
///     if message.body.contains("heck") {
///         Decision::modify_body(message.body.replace("heck", "****"))
///     } else {
///         Decision::accept()
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), twilio_webhooks::ParseError> {
/// let message = OnMessageAdd::from_form(
///     b"EventType=onMessageAdd&AccountSid=AC0123456789abcdef0123456789abcdef&Source=SDK\
///       &ConversationSid=CH0123456789abcdef0123456789abcdef&Body=what+the+heck\
///       &Author=alice&Attributes=%7B%7D",
/// )?;
/// let decision = mask(message).await;
/// assert_eq!(decision.body().as_ref(), br#"{"body":"what the ****"}"#);
/// # Ok(())
/// # }
/// ```
#[cfg(feature = "macros")]
pub use twilio_webhooks_macros::pre_action;

/// Checks at compile time that an `async fn` is a post-action handler, and leaves it unchanged.
///
/// The function takes a post-action event (or [`PostActionEvent`] for all of them), then
/// optionally [`State<T>`](handler::State) and [`Delivery`], and returns `()`
/// or `Result<(), E>`.
///
/// ```
/// use std::sync::{Arc, Mutex};
///
/// use twilio_webhooks::conversations::OnUserAdded;
/// use twilio_webhooks::handler::State;
/// use twilio_webhooks::{post_action, ConversationsEvent};
///
/// #[derive(Clone, Default)]
/// struct Seen(Arc<Mutex<Vec<String>>>);
///
/// #[post_action]
/// async fn welcome(user: OnUserAdded, State(seen): State<Seen>) {
///     seen.0.lock().unwrap().extend(user.identity);
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), twilio_webhooks::ParseError> {
/// let user = OnUserAdded::from_form(
///     b"EventType=onUserAdded&AccountSid=AC0123456789abcdef0123456789abcdef&Source=API\
///       &UserSid=US0123456789abcdef0123456789abcdef&Identity=alice\
///       &ChatServiceSid=IS0123456789abcdef0123456789abcdef&RoleSid=RL0123456789abcdef0123456789abcdef\
///       &DateCreated=2026-11-20T10%3A00%3A00Z&Attributes=%7B%7D",
/// )?;
/// let seen = Seen::default();
/// welcome(user, State(seen.clone())).await;
/// assert_eq!(*seen.0.lock().unwrap(), ["alice"]);
/// # Ok(())
/// # }
/// ```
#[cfg(feature = "macros")]
pub use twilio_webhooks_macros::post_action;

/// Checks at compile time that an `async fn` is an Event Streams handler, and leaves it
/// unchanged.
///
/// The function takes one event type of [`streams`] (or a catch-all: [`streams::Event`],
/// [`streams::CloudEvent`], [`streams::BatchItem`]), then optionally
/// [`State<T>`](handler::State) and [`EventContext`](streams::EventContext), and returns `()` or
/// `Result<(), E>`. Register it with [`Webhooks::stream_event`](router::Webhooks::stream_event).
///
/// ```
/// use twilio_webhooks::streams::{EventContext, ExecutionStarted};
/// use twilio_webhooks::{stream_event, Webhooks};
///
/// #[stream_event]
/// async fn started(execution: ExecutionStarted, context: EventContext) {
///     println!("{} started {}", context.id(), execution.execution_sid);
/// }
///
/// let webhooks = Webhooks::<()>::new().stream_event(started);
/// # let _ = webhooks;
/// ```
#[cfg(feature = "macros")]
pub use twilio_webhooks_macros::stream_event;

/// The README's code blocks, compiled and run as doctests so the README stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
