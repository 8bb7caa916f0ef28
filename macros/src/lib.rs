//! Attribute macros for [`twilio-webhooks`](https://docs.rs/twilio-webhooks) handlers:
//! `#[pre_action]` and `#[post_action]`.
//!
//! Use them through the library, which re-exports them behind its default `macros` feature
//! (`use twilio_webhooks::{pre_action, post_action};`), not from this crate directly.
//!
//! In the spirit of axum's `#[debug_handler]`, the macros do not change the function: it is
//! emitted exactly as written, stays callable in unit tests, and is registered explicitly with the
//! router (there is no global registry). What they add is checking: a mistake in a handler's
//! signature is reported at the offending token, with a message that says how to fix it, instead
//! of as an unsatisfied trait bound where the handler is registered.
//!
//! ```rust,ignore
//! use twilio_webhooks::conversations::{OnMessageAdd, OnMessageAdded};
//! use twilio_webhooks::handler::{Delivery, State};
//! use twilio_webhooks::{post_action, pre_action, Decision, DecisionFor};
//!
//! #[derive(Clone)]
//! struct Banned(Vec<String>);
//!
//! #[pre_action]
//! async fn moderate(message: OnMessageAdd, State(banned): State<Banned>) -> DecisionFor<OnMessageAdd> {
//!     if banned.0.contains(&message.author) {
//!         Decision::reject()
//!     } else {
//!         Decision::accept()
//!     }
//! }
//!
//! #[post_action]
//! async fn archive(message: OnMessageAdded, delivery: Delivery) -> Result<(), std::io::Error> {
//!     println!("{} (retry {:?})", message.body, delivery.retry_count);
//!     Ok(())
//! }
//!
//! let webhooks = Webhooks::new().pre_action(moderate).post_action(archive);
//! ```
//!
//! # What is checked
//!
//! - The function is an `async fn`; it is not `unsafe`, generic, or a method taking `self`.
//! - Its first argument is a Conversations event of the attribute's kind, named by its struct
//!   (the last path segment is compared, so `OnMessageAdd` and `events::OnMessageAdd` both work):
//!   - `#[pre_action]`: `OnConversationAdd`, `OnConversationRemove`, `OnConversationUpdate`,
//!     `OnMessageAdd`, `OnMessageRemove`, `OnMessageUpdate`, `OnParticipantAdd`,
//!     `OnParticipantRemove`, `OnParticipantUpdate`, `OnUserUpdate`;
//!   - `#[post_action]`: `OnConversationAdded`, `OnConversationRemoved`,
//!     `OnConversationUpdated`, `OnConversationStateUpdated`, `OnMessageAdded`,
//!     `OnMessageUpdated`, `OnMessageRemoved`, `OnParticipantAdded`, `OnParticipantUpdated`,
//!     `OnParticipantRemoved`, `OnDeliveryUpdated`, `OnUserAdded`, `OnUserUpdated`, or
//!     `PostActionEvent` for all thirteen.
//!
//!   A misspelt name gets a suggestion, and an event of the other kind names the right attribute.
//! - The arguments after the event are at most one `State<T>` and one `Delivery`, in either order.
//! - The return type fits the event. A pre-action handler returns `DecisionFor<OnX>`,
//!   `Decision<M>` with `M` the event's modification (`MessageModification` for `onMessageAdd` /
//!   `onMessageUpdate`, `ConversationModification` for `onConversationAdd` /
//!   `onConversationUpdate`, `Unmodifiable` (the default, so plain `Decision`) for every other),
//!   or a `Result` of either. A post-action handler returns `()` or `Result<(), E>`.
//!
//! These checks read the signature as written. Where they cannot tell (a type alias for the
//! return type, a future that is not `Send`, a state type that is not `Clone`), a hidden
//! compile-time assertion next to the function asks the compiler whether the function really is a
//! handler for its event, so every mistake still fails to compile where the handler is defined.
//!
//! # Where the attributes go
//!
//! On free functions: at module level, in nested modules, or inside a function body. Not on
//! methods or associated functions in an `impl` block (the assertion is an item that cannot live
//! there); write a free function that calls the method instead. The event type must be written by
//! its name: a renamed import (`use ...::OnMessageAdd as Incoming`) or a type alias is reported as
//! not being a Conversations event.
//!
//! # Renamed crate
//!
//! The assertion refers to the library as `::twilio_webhooks`. If you depend on it under another
//! name, say so with `crate`:
//!
//! ```rust,ignore
//! use tw::pre_action; // [dependencies] tw = { package = "twilio-webhooks", ... }
//!
//! #[pre_action(crate = "tw")]
//! async fn moderate(message: tw::conversations::OnMessageAdd) -> tw::DecisionFor<tw::conversations::OnMessageAdd> {
//!     tw::Decision::accept()
//! }
//! ```
#![forbid(unsafe_code)]

use proc_macro::TokenStream;

mod expand;

use expand::Kind;

/// Checks that an `async fn` is a pre-action handler; emits the function unchanged.
///
/// A pre-action handler takes a pre-action event (`OnMessageAdd`, `OnConversationUpdate`, …),
/// then optionally `State<T>` and `Delivery`, and returns the decision typed for its event:
/// `DecisionFor<OnX>`, `Decision<M>` for the event's modification type `M`, or a `Result` of
/// either (`Err` answers 500, so Twilio rejects the change).
///
/// ```rust,ignore
/// use twilio_webhooks::conversations::OnMessageAdd;
/// use twilio_webhooks::{pre_action, Decision, DecisionFor};
///
/// #[pre_action]
/// async fn mask(message: OnMessageAdd) -> DecisionFor<OnMessageAdd> {
///     if message.body.contains("heck") {
///         Decision::modify_body(message.body.replace("heck", "****"))
///     } else {
///         Decision::accept()
///     }
/// }
/// ```
///
/// Mistakes are reported where they are, for example a conversation modification answered to a
/// message event:
///
/// ```text
/// error: `OnMessageAdd` can only be modified with a `MessageModification` (body, author,
///        attributes), not `ConversationModification`; return `Decision<MessageModification>`
///        or `DecisionFor<OnMessageAdd>`
///   |
/// 4 | async fn rename(message: OnMessageAdd) -> Decision<ConversationModification> {
///   |                                                    ^^^^^^^^^^^^^^^^^^^^^^^^
/// ```
///
/// Takes one optional argument, `crate = "path"`: the path of the `twilio-webhooks` crate when it
/// is not `::twilio_webhooks`. See the [crate documentation](crate) for every check.
#[proc_macro_attribute]
pub fn pre_action(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(Kind::Pre, attr.into(), item.into()).into()
}

/// Checks that an `async fn` is a post-action handler; emits the function unchanged.
///
/// A post-action handler takes a post-action event (`OnMessageAdded`, `OnUserAdded`, …) or
/// `PostActionEvent` (every post-action event), then optionally `State<T>` and `Delivery`, and
/// returns `()` or `Result<(), E>`: post-action webhooks are only acknowledged.
///
/// ```rust,ignore
/// use twilio_webhooks::conversations::OnMessageAdded;
/// use twilio_webhooks::handler::Delivery;
/// use twilio_webhooks::post_action;
///
/// #[post_action]
/// async fn archive(message: OnMessageAdded, delivery: Delivery) -> std::io::Result<()> {
///     println!("{} (token {:?})", message.body, delivery.idempotency_token);
///     Ok(())
/// }
/// ```
///
/// Returning a decision is reported at its type:
///
/// ```text
/// error: post-action events are only acknowledged; return `()` or `Result<(), E>` (to accept,
///        modify or reject the change before it happens, handle `OnMessageAdd` with #[pre_action])
/// ```
///
/// Takes one optional argument, `crate = "path"`, as [`macro@pre_action`] does.
#[proc_macro_attribute]
pub fn post_action(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(Kind::Post, attr.into(), item.into()).into()
}
