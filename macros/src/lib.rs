//! Attribute macros for [`twilio-webhooks`](https://docs.rs/twilio-webhooks) handlers:
//! `#[pre_action]` and `#[post_action]`.
//!
//! Use them through the library, which re-exports them behind its default `macros` feature
//! (`use twilio_webhooks::{pre_action, post_action};`), not from this crate directly.
//!
//! In the spirit of axum's `#[debug_handler]`, the macros do not change the function: it is
//! emitted exactly as written, stays callable in unit tests, and is registered explicitly with the
//! router (there is no global registry). What they add is checking: a mistake in a handler's
//! signature is reported at the offending token, with a message that says how to fix it, where
//! the handler is defined rather than where it is registered.
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
//! The macros know no event by name; the library's types say what a handler may be. Two kinds of
//! check run:
//!
//! - **The syntax**, read by the macro: the function is an `async fn`; it is not `unsafe`,
//!   generic, or a method taking `self`; it takes one to three arguments, none of them
//!   `impl Trait`, none after the event written twice; a pre-action handler has a return type.
//! - **The types**, asserted by the compiler: next to the function the macro emits one hidden
//!   assertion per type in the signature, spanned at that type, so an error points at it:
//!   - the first argument is an event of the attribute's kind: one pre-action event struct for
//!     `#[pre_action]`, one post-action event struct or `PostActionEvent` for
//!     `#[post_action]`. An event of the other kind names the right attribute; anything else
//!     is told which events fit;
//!   - each argument after it is `State<T>` (with `T: Clone + Send + Sync + 'static`) or
//!     `Delivery`; `axum::extract::State` is reported as the wrong `State`;
//!   - the return type fits the event. A pre-action handler returns `DecisionFor<E>` for its
//!     event `E` (that is `Decision<M>` with `E`'s modification type `M`:
//!     `MessageModification` for a new or edited message, `ConversationModification` for a new
//!     or updated conversation, `Unmodifiable`, the default, so a plain `Decision`, for the
//!     others), or a `Result` of it whose error is `Display`; the message names the decision
//!     the event takes. A post-action handler returns `()` or `Result<(), E>`;
//!   - the future the function returns is `Send`.
//!
//! The messages come from `#[diagnostic::on_unimplemented]` on the library's traits. A misspelt
//! type is the compiler's own "cannot find type" error, with its suggestion of a similar name.
//!
//! # Where the attributes go
//!
//! On free functions: at module level, in nested modules, or inside a function body. Not on
//! methods or associated functions in an `impl` block (the assertion is an item that cannot live
//! there); write a free function that calls the method instead. Types are written any way Rust
//! allows: a module path (`conversations::OnMessageAdd`), a renamed import
//! (`use twilio_webhooks::conversations::OnMessageAdd as Incoming;`) or a type alias
//! (`type Msg = OnMessageAdd;`, `type Answer = DecisionFor<Msg>;`) all work, because what is
//! checked is the type, not its name.
//!
//! # Renamed crate
//!
//! The assertions refer to the library as `::twilio_webhooks`. If you depend on it under another
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
/// error[E0277]: `OnMessageAdd` is answered with `Decision<MessageModification>`, not
///               `Decision<ConversationModification>`
///   |
/// 4 | async fn rename(message: OnMessageAdd) -> Decision<ConversationModification> {
///   |                                           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ expected
///   |                     `Decision<MessageModification>`: return `DecisionFor<OnMessageAdd>`
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
/// error[E0277]: a post-action handler for `OnMessageAdded` returns `()` or `Result<(), E>`,
///               not `Decision<MessageModification>`
///   |
/// 4 | async fn archive(message: OnMessageAdded) -> DecisionFor<OnMessageAdd> {
///   |                                              ^^^^^^^^^^^^^^^^^^^^^^^^^ post-action
///   |                                                  webhooks are only acknowledged
/// ```
///
/// Takes one optional argument, `crate = "path"`, as [`macro@pre_action`] does.
#[proc_macro_attribute]
pub fn post_action(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(Kind::Post, attr.into(), item.into()).into()
}

/// Checks that an `async fn` is an Event Streams handler; emits the function unchanged.
///
/// An Event Streams handler takes one event type of `twilio_webhooks::streams`
/// (`MessageAdded`, `ExecutionStarted`, …) or a catch-all (`Event`, `CloudEvent<Event>`,
/// `BatchItem`), then optionally `State<T>` and `EventContext`, and returns `()` or
/// `Result<(), E>`: an `Err` answers the batch with a 5xx, so Twilio delivers it again.
///
/// ```rust,ignore
/// use twilio_webhooks::streams::{EventContext, MessageAdded};
/// use twilio_webhooks::stream_event;
///
/// #[stream_event]
/// async fn archive(message: MessageAdded, context: EventContext) -> std::io::Result<()> {
///     println!("{}: {:?}", context.id(), message.message_body);
///     Ok(())
/// }
/// ```
///
/// Takes one optional argument, `crate = "path"`, as [`macro@pre_action`] does.
#[proc_macro_attribute]
pub fn stream_event(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(Kind::Stream, attr.into(), item.into()).into()
}
