//! Handlers: plain async functions from a typed event to a decision (pre-action) or an
//! acknowledgement (post-action).
//!
//! A handler takes the event first, then any of [`State<S>`] (the router's shared state) and
//! [`Delivery`] (the request's metadata), in either order:
//!
//! ```
//! use twilio_webhooks::handler::{Delivery, State};
//! use twilio_webhooks::conversations::{OnMessageAdd, OnMessageAdded};
//! use twilio_webhooks::{Decision, DecisionFor};
//!
//! #[derive(Clone)]
//! struct Banned(Vec<String>);
//!
//! async fn moderate(message: OnMessageAdd, State(banned): State<Banned>) -> DecisionFor<OnMessageAdd> {
//!     if banned.0.contains(&message.author) {
//!         Decision::reject_because("banned author")
//!     } else {
//!         Decision::accept()
//!     }
//! }
//!
//! async fn archive(message: OnMessageAdded, delivery: Delivery) -> Result<(), std::io::Error> {
//!     println!("{} (retry {:?})", message.body, delivery.retry_count);
//!     Ok(())
//! }
//! # let _ = (moderate, archive);
//! ```
//!
//! Pre-action handlers return [`Decision`] typed for their event (see
//! [`DecisionFor`](crate::DecisionFor)) or a `Result` of it; post-action handlers return `()` or
//! `Result<(), E>`. An `Err` answers 500 by default (Twilio then rejects a pre-action change);
//! `E` only needs `Display`, so `anyhow::Error` and `Box<dyn Error>` work.

use std::fmt::Display;
use std::future::Future;
use std::sync::Arc;

use crate::conversations::ParseError;
use crate::conversations::{
    ConversationsEvent, Event, PostActionEvent, PostActionWebhook, PreActionEvent, PreActionWebhook,
};
use crate::conversations::{Decision, Modification};
use crate::params::Params;
use crate::sid::ConversationSid;
use crate::streams::{BatchItem, CloudEvent, Event as StreamEventEnum, EventContext, StreamEvent};

/// The router's shared state, for handlers that take it (like `axum::extract::State`).
///
/// ```
/// use twilio_webhooks::handler::State;
///
/// let State(count) = State(3);
/// assert_eq!(count, 3);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct State<S>(pub S);

/// Facts about one webhook delivery, for handlers that take it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Delivery {
    /// `I-Twilio-Idempotency-Token`: the same for every retry of one delivery; use it to drop
    /// duplicates.
    pub idempotency_token: Option<String>,
    /// `RetryCount`: how many times Twilio already tried (absent on a first try).
    pub retry_count: Option<u32>,
    /// Every parameter, as sent.
    pub params: Arc<Params>,
}

impl Delivery {
    /// Metadata for a delivery with these parameters and no headers (useful in tests).
    ///
    /// ```
    /// use twilio_webhooks::handler::Delivery;
    /// use twilio_webhooks::Params;
    ///
    /// let delivery = Delivery::new(Params::from_pairs([("RetryCount", "2")]));
    /// assert_eq!(delivery.retry_count, Some(2));
    /// ```
    pub fn new(params: Params) -> Self {
        let retry_count = params
            .get("RetryCount")
            .and_then(|count| count.parse().ok());
        Self {
            idempotency_token: None,
            retry_count,
            params: Arc::new(params),
        }
    }

    /// Adds the `I-Twilio-Idempotency-Token` value.
    #[must_use]
    pub fn with_idempotency_token(mut self, token: impl Into<String>) -> Self {
        self.idempotency_token = Some(token.into());
        self
    }
}

/// A value a handler can take besides the event: built from the delivery and the router's state.
#[diagnostic::on_unimplemented(
    message = "a handler cannot take `{Self}`",
    label = "not `twilio_webhooks::State<T>` or `twilio_webhooks::Delivery`",
    note = "after the event, a handler takes at most a `twilio_webhooks::State<T>` (a clone of \
            the router's state, `T` being the router's state type) and a \
            `twilio_webhooks::Delivery` (the request's metadata), in either order",
    note = "`axum::extract::State` is not filled by the webhook router: take \
            `twilio_webhooks::State<T>` instead"
)]
pub trait FromDelivery<S>: Sized {
    /// Builds the value.
    fn from_delivery(delivery: &Delivery, state: &S) -> Self;
}

impl<S: Clone> FromDelivery<S> for State<S> {
    fn from_delivery(_: &Delivery, state: &S) -> Self {
        State(state.clone())
    }
}

impl<S> FromDelivery<S> for Delivery {
    fn from_delivery(delivery: &Delivery, _: &S) -> Self {
        delivery.clone()
    }
}

/// A handler's failure, shown in logs (never sent to Twilio).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandlerError(pub String);

impl Display for HandlerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a pre-action handler may return for modification type `M`: `Decision<M>` or
/// `Result<Decision<M>, E>`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not answer this pre-action event: it is answered with `Decision<{M}>`",
    label = "expected `Decision<{M}>` or `Result<Decision<{M}>, E>`",
    note = "a pre-action handler returns `DecisionFor<E>` for its event `E` (here \
            `Decision<{M}>`), or a `Result` of it whose error implements `Display`"
)]
pub trait IntoDecision<M> {
    /// Converts into a decision, or the handler's error.
    fn into_decision(self) -> Result<Decision<M>, HandlerError>;
}

impl<M: Modification> IntoDecision<M> for Decision<M> {
    fn into_decision(self) -> Result<Decision<M>, HandlerError> {
        Ok(self)
    }
}

impl<M: Modification, E: Display> IntoDecision<M> for Result<Decision<M>, E> {
    fn into_decision(self) -> Result<Decision<M>, HandlerError> {
        self.map_err(|err| HandlerError(err.to_string()))
    }
}

/// What a post-action handler may return: `()` or `Result<(), E>`.
#[diagnostic::on_unimplemented(
    message = "a post-action handler returns `()` or `Result<(), E>`, not `{Self}`",
    label = "post-action webhooks are only acknowledged",
    note = "to accept, modify or reject a change before it happens, handle its pre-action event \
            (`OnMessageAdd` rather than `OnMessageAdded`) with a pre-action handler"
)]
pub trait IntoAck {
    /// Converts into success, or the handler's error.
    fn into_ack(self) -> Result<(), HandlerError>;
}

impl IntoAck for () {
    fn into_ack(self) -> Result<(), HandlerError> {
        Ok(())
    }
}

impl<E: Display> IntoAck for Result<(), E> {
    fn into_ack(self) -> Result<(), HandlerError> {
        self.map_err(|err| HandlerError(err.to_string()))
    }
}

/// What a pre-action handler takes first: one pre-action event struct (`OnMessageAdd`, …), or
/// [`PreActionEvent`] to receive every pre-action event that has no handler of its own (a
/// catch-all, answered with a plain [`Decision`]: accept or reject).
///
/// ```
/// use twilio_webhooks::handler::PreActionInput;
/// use twilio_webhooks::conversations::OnMessageAdd;
/// use twilio_webhooks::PreActionEvent;
///
/// assert_eq!(<OnMessageAdd as PreActionInput>::EVENT_TYPES, ["onMessageAdd"]);
/// assert_eq!(<PreActionEvent as PreActionInput>::EVENT_TYPES.len(), 10);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a pre-action event",
    label = "not a pre-action event",
    note = "a pre-action handler takes one pre-action event struct first (`OnMessageAdd`, \
            `OnConversationUpdate`, …), or `PreActionEvent` for all of them"
)]
pub trait PreActionInput: Sized + Send + 'static {
    /// The `EventType`s a handler taking this type is registered for.
    const EVENT_TYPES: &'static [&'static str];

    /// What a decision about this input may change: the event's own modification type, or
    /// [`Unmodifiable`](crate::Unmodifiable) for [`PreActionEvent`] (a catch-all accepts or
    /// rejects).
    type Modification: Modification;

    /// Parses the event.
    ///
    /// # Errors
    ///
    /// [`ParseError`] when the parameters are not a valid event of this type.
    fn from_params(params: &Params) -> Result<Self, ParseError>;

    /// The conversation the event is about, when it names one.
    fn conversation_sid(&self) -> Option<ConversationSid>;

    /// `RetryCount`: how many times Twilio already tried (absent on a first try).
    fn retry_count(&self) -> Option<u32>;
}

/// The input impls of one kind of webhook: each event struct of the kind (`$webhook`), and the
/// enum over all of them (`$any`, a catch-all), with the modification type each is decided with.
macro_rules! webhook_inputs {
    (
        $input:ident for $webhook:ident, $any:ident ($variant:ident, $expected:literal)
        $(, Modification = $modification:ty)?
    ) => {
        impl<E: $webhook> $input for E {
            const EVENT_TYPES: &'static [&'static str] = &[E::EVENT_TYPE];
            // Only the pre-action kind is decided, each event with its own modification type
            // (the repetition only tells whether the kind names one).
            $( type Modification = <E as PreActionWebhook>::Modification; webhook_inputs!(@ignore $modification); )?

            fn from_params(params: &Params) -> Result<Self, ParseError> {
                <E as ConversationsEvent>::from_params(params)
            }

            fn conversation_sid(&self) -> Option<ConversationSid> {
                ConversationsEvent::conversation_sid(self)
            }

            fn retry_count(&self) -> Option<u32> {
                ConversationsEvent::retry_count(self)
            }
        }

        impl $input for $any {
            const EVENT_TYPES: &'static [&'static str] = $any::EVENT_TYPES;
            $( type Modification = $modification; )?

            fn from_params(params: &Params) -> Result<Self, ParseError> {
                match Event::from_params(params)? {
                    Event::$variant(event) => Ok(event),
                    other => Err(ParseError::WrongEventType {
                        expected: $expected,
                        got: other.event_type().to_owned(),
                    }),
                }
            }

            fn conversation_sid(&self) -> Option<ConversationSid> {
                $any::conversation_sid(self)
            }

            fn retry_count(&self) -> Option<u32> {
                $any::retry_count(self)
            }
        }
    };
    (@ignore $($tokens:tt)*) => {};
}

webhook_inputs!(
    PreActionInput for PreActionWebhook,
    PreActionEvent (PreAction, "a pre-action event"),
    Modification = crate::conversations::Unmodifiable
);
webhook_inputs!(
    PostActionInput for PostActionWebhook,
    PostActionEvent (PostAction, "a post-action event")
);

/// An async function that answers pre-action event `E` with router state `S`.
///
/// Implemented for `async fn(E, ...) -> impl IntoDecision<E::Modification>` taking up to two
/// [`FromDelivery`] values after the event; `Args` only tells the implementations apart.
#[diagnostic::on_unimplemented(
    message = "this is not a pre-action handler",
    label = "not a pre-action handler",
    note = "a pre-action handler is an `async fn` that takes a pre-action event (`OnMessageAdd`, \
            `OnConversationUpdate`, …), then optionally `twilio_webhooks::State<T>` and \
            `twilio_webhooks::Delivery` in either order, and returns `DecisionFor<E>` for its \
            event `E` or `Result<DecisionFor<E>, Err>` with `Err: Display`; its future must be \
            `Send`",
    note = "`axum::extract::State` is not filled by the webhook router: take \
            `twilio_webhooks::State<T>` instead",
    note = "put `#[twilio_webhooks::pre_action]` on the function to have the mistake pointed at"
)]
pub trait PreActionHandler<E: PreActionInput, S, Args>: Clone + Send + Sync + 'static {
    /// Runs the handler.
    fn call(
        &self,
        event: E,
        delivery: &Delivery,
        state: &S,
    ) -> impl Future<Output = Result<Decision<E::Modification>, HandlerError>> + Send + 'static;
}

/// What a post-action handler takes first: one post-action event struct (`OnMessageAdded`, …),
/// or [`PostActionEvent`] to receive all thirteen post-action events in one handler.
///
/// ```
/// use twilio_webhooks::handler::PostActionInput;
/// use twilio_webhooks::conversations::OnUserAdded;
/// use twilio_webhooks::PostActionEvent;
///
/// assert_eq!(OnUserAdded::EVENT_TYPES, ["onUserAdded"]);
/// assert_eq!(PostActionEvent::EVENT_TYPES.len(), 13);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a post-action event",
    label = "not a post-action event",
    note = "a post-action handler takes one post-action event struct first (`OnMessageAdded`, \
            `OnUserAdded`, …), or `PostActionEvent` for all of them"
)]
pub trait PostActionInput: Sized + Send + 'static {
    /// The `EventType`s a handler taking this type is registered for.
    const EVENT_TYPES: &'static [&'static str];

    /// Parses the event.
    ///
    /// # Errors
    ///
    /// [`ParseError`] when the parameters are not a valid event of this type.
    fn from_params(params: &Params) -> Result<Self, ParseError>;

    /// The conversation the event is about, when it names one.
    fn conversation_sid(&self) -> Option<ConversationSid>;

    /// `RetryCount`: how many times Twilio already tried (absent on a first try).
    fn retry_count(&self) -> Option<u32>;
}

/// An async function that acknowledges post-action event `E` with router state `S`.
///
/// Implemented for `async fn(E, ...) -> impl IntoAck` taking up to two [`FromDelivery`] values
/// after the event; `E` is a post-action struct or [`PostActionEvent`].
#[diagnostic::on_unimplemented(
    message = "this is not a post-action handler",
    label = "not a post-action handler",
    note = "a post-action handler is an `async fn` that takes a post-action event \
            (`OnMessageAdded`, `OnUserAdded`, …) or `PostActionEvent` for all of them, then \
            optionally `twilio_webhooks::State<T>` and `twilio_webhooks::Delivery` in either \
            order, and returns `()` or `Result<(), Err>` with `Err: Display`; its future must \
            be `Send`",
    note = "`axum::extract::State` is not filled by the webhook router: take \
            `twilio_webhooks::State<T>` instead",
    note = "put `#[twilio_webhooks::post_action]` on the function to have the mistake pointed at"
)]
pub trait PostActionHandler<E: PostActionInput, S, Args>: Clone + Send + Sync + 'static {
    /// Runs the handler.
    fn call(
        &self,
        event: E,
        delivery: &Delivery,
        state: &S,
    ) -> impl Future<Output = Result<(), HandlerError>> + Send + 'static;
}

macro_rules! impl_handlers {
    ($( ( $($arg:ident),* ) ),* $(,)?) => {$(
        impl<E, S, F, Fut, Out, $($arg,)*> PreActionHandler<E, S, (E, $($arg,)*)> for F
        where
            E: PreActionInput,
            F: Fn(E, $($arg,)*) -> Fut + Clone + Send + Sync + 'static,
            Fut: Future<Output = Out> + Send + 'static,
            Out: IntoDecision<E::Modification>,
            $( $arg: FromDelivery<S>, )*
        {
            #[allow(non_snake_case, unused_variables)]
            fn call(
                &self,
                event: E,
                delivery: &Delivery,
                state: &S,
            ) -> impl Future<Output = Result<Decision<E::Modification>, HandlerError>>
                   + Send
                   + 'static {
                $( let $arg = $arg::from_delivery(delivery, state); )*
                let future = (self)(event, $($arg,)*);
                async move { future.await.into_decision() }
            }
        }

        impl<E, S, F, Fut, Out, $($arg,)*> PostActionHandler<E, S, (E, $($arg,)*)> for F
        where
            E: PostActionInput,
            F: Fn(E, $($arg,)*) -> Fut + Clone + Send + Sync + 'static,
            Fut: Future<Output = Out> + Send + 'static,
            Out: IntoAck,
            $( $arg: FromDelivery<S>, )*
        {
            #[allow(non_snake_case, unused_variables)]
            fn call(
                &self,
                event: E,
                delivery: &Delivery,
                state: &S,
            ) -> impl Future<Output = Result<(), HandlerError>> + Send + 'static {
                $( let $arg = $arg::from_delivery(delivery, state); )*
                let future = (self)(event, $($arg,)*);
                async move { future.await.into_ack() }
            }
        }
    )*};
}

impl_handlers!((), (A1), (A1, A2));

// Event Streams handlers.

/// Which events of a batch a handler taking an [`EventInput`] receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventSelection {
    /// The events of this CloudEvent `type`.
    Type(&'static str),
    /// A catch-all: every event whose data parsed (unknown types included) that no handler of
    /// its own type takes.
    Valid,
    /// A catch-all that also receives the events whose data does not fit their type
    /// ([`InvalidEvent`](crate::streams::InvalidEvent)s).
    All,
}

/// What an Event Streams handler takes first: one event type ([`MessageAdded`](crate::streams::MessageAdded),
/// [`ExecutionStarted`](crate::streams::ExecutionStarted), …), or a catch-all: the
/// [`streams::Event`](crate::streams::Event) enum, the whole [`CloudEvent`], or a
/// [`BatchItem`] to see invalid events too.
///
/// A handler of one type takes precedence over a catch-all for that type.
///
/// ```
/// use twilio_webhooks::handler::{EventInput, EventSelection};
/// use twilio_webhooks::streams::{BatchItem, Event, MessageAdded};
///
/// assert_eq!(MessageAdded::SELECTION, EventSelection::Type("com.twilio.conversations.message.added"));
/// assert_eq!(Event::SELECTION, EventSelection::Valid);
/// assert_eq!(BatchItem::SELECTION, EventSelection::All);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an Event Streams event",
    label = "expected an Event Streams event type",
    note = "an Event Streams handler takes one event type (`twilio_webhooks::streams::MessageAdded`, \
            `ExecutionStarted`, …), or for every event `twilio_webhooks::streams::Event`, \
            `CloudEvent<Event>`, or `BatchItem` (invalid events included)"
)]
pub trait EventInput: Sized + Send + 'static {
    /// The events a handler taking this receives.
    const SELECTION: EventSelection;

    /// Takes the handler's input out of one event of a batch; `None` when the event is not one
    /// it takes (the router never asks for those).
    fn from_item(item: BatchItem) -> Option<Self>;
}

impl<E: StreamEvent> EventInput for E {
    const SELECTION: EventSelection = EventSelection::Type(E::TYPE);

    fn from_item(item: BatchItem) -> Option<Self> {
        E::from_event(item.ok()?.data).ok()
    }
}

impl EventInput for StreamEventEnum {
    const SELECTION: EventSelection = EventSelection::Valid;

    fn from_item(item: BatchItem) -> Option<Self> {
        Some(item.ok()?.data)
    }
}

impl EventInput for CloudEvent<StreamEventEnum> {
    const SELECTION: EventSelection = EventSelection::Valid;

    fn from_item(item: BatchItem) -> Option<Self> {
        item.ok()
    }
}

impl EventInput for BatchItem {
    const SELECTION: EventSelection = EventSelection::All;

    fn from_item(item: BatchItem) -> Option<Self> {
        Some(item)
    }
}

/// A value an Event Streams handler can take besides the event: built from the event's
/// [`EventContext`] and the router's state.
#[diagnostic::on_unimplemented(
    message = "an Event Streams handler cannot take `{Self}`",
    label = "not `twilio_webhooks::State<T>` or `EventContext`",
    note = "after the event, an Event Streams handler takes at most a \
            `twilio_webhooks::State<T>` and a `twilio_webhooks::streams::EventContext`, in either \
            order (`axum::extract::State` is not the one: take `twilio_webhooks::State<T>`)"
)]
pub trait FromEventContext<S>: Sized {
    /// Builds the value.
    fn from_context(context: &EventContext, state: &S) -> Self;
}

impl<S: Clone> FromEventContext<S> for State<S> {
    fn from_context(_: &EventContext, state: &S) -> Self {
        State(state.clone())
    }
}

impl<S> FromEventContext<S> for EventContext {
    fn from_context(context: &EventContext, _: &S) -> Self {
        context.clone()
    }
}

/// An async function that handles Event Streams input `E` with router state `S`.
///
/// Implemented for `async fn(E, ...) -> impl IntoAck` taking up to two [`FromEventContext`]
/// values after the event. An `Err`, a panic or a missed deadline answers the batch with a 5xx,
/// so Twilio delivers it again.
///
/// ```
/// use twilio_webhooks::handler::State;
/// use twilio_webhooks::streams::{EventContext, ExecutionStarted};
///
/// #[derive(Clone, Default)]
/// struct Seen(std::sync::Arc<std::sync::Mutex<Vec<String>>>);
///
/// async fn started(execution: ExecutionStarted, context: EventContext, State(seen): State<Seen>) {
///     seen.0.lock().unwrap().push(format!("{} {}", context.id(), execution.execution_sid));
/// }
///
/// let webhooks = twilio_webhooks::Webhooks::new().stream_event(started);
/// # let _ = webhooks;
/// ```
#[diagnostic::on_unimplemented(
    message = "this function is not an Event Streams handler for `{E}`",
    label = "not an Event Streams handler",
    note = "an Event Streams handler is an `async fn` taking the event (a type from \
            `twilio_webhooks::streams`, or `Event` / `BatchItem` for all), then optionally \
            `State<T>` and `EventContext`, returning `()` or `Result<(), E>` with `E: Display`"
)]
pub trait EventHandler<E: EventInput, S, Args>: Clone + Send + Sync + 'static {
    /// Runs the handler.
    fn call(
        &self,
        event: E,
        context: &EventContext,
        state: &S,
    ) -> impl Future<Output = Result<(), HandlerError>> + Send + 'static;
}

macro_rules! impl_event_handlers {
    ($( ( $($arg:ident),* ) ),* $(,)?) => {$(
        impl<E, S, F, Fut, Out, $($arg,)*> EventHandler<E, S, (E, $($arg,)*)> for F
        where
            E: EventInput,
            F: Fn(E, $($arg,)*) -> Fut + Clone + Send + Sync + 'static,
            Fut: Future<Output = Out> + Send + 'static,
            Out: IntoAck,
            $( $arg: FromEventContext<S>, )*
        {
            #[allow(non_snake_case, unused_variables)]
            fn call(
                &self,
                event: E,
                context: &EventContext,
                state: &S,
            ) -> impl Future<Output = Result<(), HandlerError>> + Send + 'static {
                $( let $arg = $arg::from_context(context, state); )*
                let future = (self)(event, $($arg,)*);
                async move { future.await.into_ack() }
            }
        }
    )*};
}

impl_event_handlers!((), (A1), (A1, A2));

/// Compile-time checks emitted by the `#[pre_action]` and `#[post_action]` macros. Not public API.
///
/// The macros know no event by name: for each type in a handler's signature they emit one call
/// below, spanned at that type, and the traits here turn an unsatisfied bound into a message about
/// that token. A type is first sorted into a kind (`IsPre`, `IsPost`, `IsState`, `IsDelivery`)
/// by the one impl that applies; the kind then decides which message fits. When a type has no
/// kind at all, the later checks that need it stay ambiguous, and the compiler reports only the
/// first error.
#[doc(hidden)]
pub mod checks {
    use std::marker::PhantomData;

    use super::{Delivery, Display, Future, PostActionInput, State};
    use crate::conversations::{Decision, Modification};

    /// Kind of a pre-action event.
    pub struct IsPre;
    /// Kind of a post-action event or of [`PostActionEvent`](crate::PostActionEvent).
    pub struct IsPost;
    /// Kind of [`State<T>`].
    pub struct IsState;
    /// Kind of [`Delivery`].
    pub struct IsDelivery;

    /// The first argument of a `#[pre_action]` handler, sorted by kind.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is not a pre-action event",
        label = "expected a pre-action event, such as `OnMessageAdd`",
        note = "a `#[pre_action]` handler takes one pre-action event struct first: \
                `OnConversationAdd`, `OnMessageAdd`, `OnParticipantAdd`, `OnUserUpdate`, … \
                (every variant of `twilio_webhooks::conversations::PreActionEvent`), each \
                answered with its own decision type, or `PreActionEvent` itself for all of them \
                (answered with a plain `Decision`)"
    )]
    pub trait PreActionFirstArgument<K> {}
    #[diagnostic::do_not_recommend]
    impl<E: super::PreActionInput> PreActionFirstArgument<IsPre> for E {}
    #[diagnostic::do_not_recommend]
    impl<E: PostActionInput> PreActionFirstArgument<IsPost> for E {}
    #[diagnostic::do_not_recommend]
    impl<T> PreActionFirstArgument<IsState> for State<T> {}
    #[diagnostic::do_not_recommend]
    impl PreActionFirstArgument<IsDelivery> for Delivery {}

    /// The first argument of a `#[post_action]` handler, sorted by kind.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is not a post-action event",
        label = "expected a post-action event, such as `OnMessageAdded`, or `PostActionEvent`",
        note = "a `#[post_action]` handler takes one post-action event struct first: \
                `OnConversationAdded`, `OnMessageAdded`, `OnParticipantAdded`, `OnUserAdded`, … \
                (every variant of `twilio_webhooks::conversations::PostActionEvent`), \
                or `PostActionEvent` itself for all of them"
    )]
    pub trait PostActionFirstArgument<K> {}
    #[diagnostic::do_not_recommend]
    impl<E: super::PreActionInput> PostActionFirstArgument<IsPre> for E {}
    #[diagnostic::do_not_recommend]
    impl<E: PostActionInput> PostActionFirstArgument<IsPost> for E {}
    #[diagnostic::do_not_recommend]
    impl<T> PostActionFirstArgument<IsState> for State<T> {}
    #[diagnostic::do_not_recommend]
    impl PostActionFirstArgument<IsDelivery> for Delivery {}

    /// Holds unless the kind is a post-action event.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is a post-action event: handle it with `#[post_action]`",
        label = "a post-action event under `#[pre_action]`",
        note = "post-action events are only acknowledged; `#[pre_action]` is for the events \
                Twilio sends before a change (`OnMessageAdd` rather than `OnMessageAdded`), \
                which are answered with a decision"
    )]
    pub trait NotPostAction<K> {}
    impl<T> NotPostAction<IsPre> for T {}
    impl<T> NotPostAction<IsState> for T {}
    impl<T> NotPostAction<IsDelivery> for T {}

    /// Holds unless the kind is a pre-action event.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is a pre-action event: handle it with `#[pre_action]`",
        label = "a pre-action event under `#[post_action]`",
        note = "pre-action events are answered with a decision; `#[post_action]` is for the \
                events Twilio sends after a change (`OnMessageAdded` rather than \
                `OnMessageAdd`), which are only acknowledged"
    )]
    pub trait NotPreAction<K> {}
    impl<T> NotPreAction<IsPost> for T {}
    impl<T> NotPreAction<IsState> for T {}
    impl<T> NotPreAction<IsDelivery> for T {}

    /// Holds unless the kind is `State` or `Delivery` (which come after the event).
    #[diagnostic::on_unimplemented(
        message = "the event comes first: `{Self}` goes after it",
        label = "expected the event here",
        note = "a handler takes the event first, then optionally `State<T>` and `Delivery`, \
                e.g. `async fn handler(event: OnMessageAdd, state: State<AppState>, \
                delivery: Delivery)`"
    )]
    pub trait NotAfterTheEvent<K> {}
    impl<T> NotAfterTheEvent<IsPre> for T {}
    impl<T> NotAfterTheEvent<IsPost> for T {}

    /// An argument after the event, sorted by kind.
    #[diagnostic::on_unimplemented(
        message = "a handler cannot take `{Self}`",
        label = "not `twilio_webhooks::State<T>` or `twilio_webhooks::Delivery`",
        note = "after the event, a handler takes at most a `twilio_webhooks::State<T>` (a clone \
                of the router's state) and a `twilio_webhooks::Delivery` (the request's \
                metadata), in either order; to use a value of your own, put it in the router's \
                state",
        note = "`axum::extract::State` is not filled by the webhook router: take \
                `twilio_webhooks::State<T>` instead"
    )]
    pub trait HandlerArgument<K> {}
    impl<T> HandlerArgument<IsState> for State<T> {}
    impl HandlerArgument<IsDelivery> for Delivery {}
    #[diagnostic::do_not_recommend]
    impl<E: super::PreActionInput> HandlerArgument<IsPre> for E {}
    #[diagnostic::do_not_recommend]
    impl<E: PostActionInput> HandlerArgument<IsPost> for E {}

    /// Holds unless the kind is an event.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is an event: a handler takes one event, as its first argument",
        label = "a second event",
        note = "after the event, a handler takes at most a `twilio_webhooks::State<T>` and a \
                `twilio_webhooks::Delivery`, in either order"
    )]
    pub trait NotAnEvent<K> {}
    impl<T> NotAnEvent<IsState> for T {}
    impl<T> NotAnEvent<IsDelivery> for T {}

    /// What the router needs of an argument of each kind (the state is cloned for each call and
    /// shared between threads).
    pub trait ArgumentBounds<K> {}
    impl<T: Clone + Send + Sync + 'static> ArgumentBounds<IsState> for State<T> {}
    impl<T> ArgumentBounds<IsDelivery> for T {}
    impl<T> ArgumentBounds<IsPre> for T {}
    impl<T> ArgumentBounds<IsPost> for T {}

    /// What a `#[pre_action]` handler for `E` returns, given `E`'s kind `K` (nothing is
    /// required of it when `E` is not a pre-action event: that is reported at the event).
    #[diagnostic::on_unimplemented(
        message = "a pre-action handler for `{E}` returns a decision, not `{Self}`",
        label = "expected `DecisionFor<{E}>`",
        note = "pre-action webhooks are answered with a decision: return `DecisionFor<E>` for \
                the handler's event `E`, or `Result<DecisionFor<E>, Err>` with `Err: Display` \
                (an `Err` answers 500, so Twilio rejects the change)"
    )]
    pub trait PreActionOutput<E, K> {}
    impl<R, E> PreActionOutput<E, IsPre> for R
    where
        E: super::PreActionInput,
        R: DecisionOutput<E>,
        <R as DecisionOutput<E>>::Modification: Fits<E, <E as super::PreActionInput>::Modification>,
    {
    }
    impl<R, E> PreActionOutput<E, IsPost> for R {}
    impl<R, E> PreActionOutput<E, IsState> for R {}
    impl<R, E> PreActionOutput<E, IsDelivery> for R {}

    /// What a `#[pre_action]` handler for `E` returns when its return type is `impl Trait`
    /// (only the traits it names are known, so this goes through [`IntoDecision`](super::IntoDecision)).
    #[diagnostic::on_unimplemented(
        message = "a pre-action handler for `{E}` returns a decision, not `{Self}`",
        label = "expected `DecisionFor<{E}>`",
        note = "pre-action webhooks are answered with a decision: return `DecisionFor<E>` for \
                the handler's event `E`, or `Result<DecisionFor<E>, Err>` with `Err: Display`"
    )]
    pub trait OpaquePreActionOutput<E, K> {}
    impl<R, E> OpaquePreActionOutput<E, IsPre> for R
    where
        E: super::PreActionInput,
        R: super::IntoDecision<<E as super::PreActionInput>::Modification>,
    {
    }
    impl<R, E> OpaquePreActionOutput<E, IsPost> for R {}
    impl<R, E> OpaquePreActionOutput<E, IsState> for R {}
    impl<R, E> OpaquePreActionOutput<E, IsDelivery> for R {}

    /// A decision, or a `Result` of one, and the modification type it carries.
    #[diagnostic::on_unimplemented(
        message = "a pre-action handler for `{E}` returns a decision, not `{Self}`",
        label = "expected `DecisionFor<{E}>`"
    )]
    pub trait DecisionOutput<E> {
        /// The decision's modification type.
        type Modification;
    }
    impl<E, M: Modification> DecisionOutput<E> for Decision<M> {
        type Modification = M;
    }
    impl<E, M: Modification, Err: Display> DecisionOutput<E> for Result<Decision<M>, Err> {
        type Modification = M;
    }

    /// Holds when the modification type returned (`Self`) is the one event `E` takes.
    #[diagnostic::on_unimplemented(
        message = "`{E}` is answered with `Decision<{Expected}>`, not `Decision<{Self}>`",
        label = "expected `Decision<{Expected}>`: return `DecisionFor<{E}>`",
        note = "what a decision may change depends on its event: `MessageModification` (body, \
                author, attributes), `ConversationModification` (friendly name) or \
                `Unmodifiable` (accept or reject only; a plain `Decision`); `DecisionFor<E>` \
                always names the one event `E` takes"
    )]
    pub trait Fits<E, Expected> {}
    impl<E, M> Fits<E, M> for M {}

    /// What a `#[post_action]` handler for `E` returns, given `E`'s kind `K`.
    #[diagnostic::on_unimplemented(
        message = "a post-action handler for `{E}` returns `()` or `Result<(), E>`, not `{Self}`",
        label = "post-action webhooks are only acknowledged",
        note = "to accept, modify or reject a change before it happens, handle its pre-action \
                event (`OnMessageAdd` rather than `OnMessageAdded`) with `#[pre_action]`"
    )]
    pub trait PostActionOutput<E, K> {}
    impl<R: super::IntoAck, E> PostActionOutput<E, IsPost> for R {}
    impl<R, E> PostActionOutput<E, IsPre> for R {}
    impl<R, E> PostActionOutput<E, IsState> for R {}
    impl<R, E> PostActionOutput<E, IsDelivery> for R {}

    /// A function taking `Args` and the future it returns.
    pub trait HandlerFunction<Args> {
        /// The returned future.
        type Future;
    }
    impl<F, Fut, E> HandlerFunction<(E,)> for F
    where
        F: Fn(E) -> Fut,
    {
        type Future = Fut;
    }
    impl<F, Fut, E, A1> HandlerFunction<(E, A1)> for F
    where
        F: Fn(E, A1) -> Fut,
    {
        type Future = Fut;
    }
    impl<F, Fut, E, A1, A2> HandlerFunction<(E, A1, A2)> for F
    where
        F: Fn(E, A1, A2) -> Fut,
    {
        type Future = Fut;
    }

    /// The event type `E` once sorted into kind `K`, for the checks that depend on it.
    pub struct Event<E, K>(PhantomData<fn() -> (E, K)>);

    /// Checks the first argument of a `#[pre_action]` handler.
    pub fn pre_action_event<E, K>() -> Event<E, K>
    where
        E: PreActionFirstArgument<K> + NotPostAction<K> + NotAfterTheEvent<K>,
    {
        Event(PhantomData)
    }

    /// Checks the first argument of a `#[post_action]` handler.
    pub fn post_action_event<E, K>() -> Event<E, K>
    where
        E: PostActionFirstArgument<K> + NotPreAction<K> + NotAfterTheEvent<K>,
    {
        Event(PhantomData)
    }

    /// Checks an argument after the event.
    pub fn argument<A, K>()
    where
        A: HandlerArgument<K> + NotAnEvent<K> + ArgumentBounds<K>,
    {
    }

    /// Checks the return type of a `#[pre_action]` handler.
    pub fn pre_action_output<R, E, K>(_: &Event<E, K>)
    where
        R: PreActionOutput<E, K>,
    {
    }

    /// Checks the return type of a `#[post_action]` handler.
    pub fn post_action_output<R, E, K>(_: &Event<E, K>)
    where
        R: PostActionOutput<E, K>,
    {
    }

    /// Checks the return type of a `#[pre_action]` handler through the function itself, for a
    /// return type that cannot be written in a turbofish (`impl Trait`).
    pub fn pre_action_returns<Args, F, E, K>(_: &Event<E, K>, _: &F)
    where
        F: HandlerFunction<Args>,
        F::Future: Future,
        <F::Future as Future>::Output: OpaquePreActionOutput<E, K>,
    {
    }

    /// Checks the return type of a `#[post_action]` handler through the function itself.
    pub fn post_action_returns<Args, F, E, K>(_: &Event<E, K>, _: &F)
    where
        F: HandlerFunction<Args>,
        F::Future: Future,
        <F::Future as Future>::Output: PostActionOutput<E, K>,
    {
    }

    /// The kind of an Event Streams handler's input.
    pub struct IsStream;

    /// Checks the first argument of a `#[stream_event]` handler.
    pub fn stream_event<E>() -> Event<E, IsStream>
    where
        E: super::EventInput,
    {
        Event(PhantomData)
    }

    /// An argument after the event of an Event Streams handler.
    #[diagnostic::on_unimplemented(
        message = "an Event Streams handler cannot take `{Self}`",
        label = "not `twilio_webhooks::State<T>` or `twilio_webhooks::streams::EventContext`",
        note = "after the event, an Event Streams handler takes at most a \
                `twilio_webhooks::State<T>` and a `twilio_webhooks::streams::EventContext`, in \
                either order (`axum::extract::State` is not filled by the router: take \
                `twilio_webhooks::State<T>`)"
    )]
    pub trait StreamArgument {}
    impl<T: Clone + Send + Sync + 'static> StreamArgument for State<T> {}
    impl StreamArgument for crate::streams::EventContext {}

    /// Checks an argument after the event of a `#[stream_event]` handler.
    pub fn stream_argument<A>()
    where
        A: StreamArgument,
    {
    }

    /// What a `#[stream_event]` handler returns.
    #[diagnostic::on_unimplemented(
        message = "an Event Streams handler returns `()` or `Result<(), E>`, not `{Self}`",
        label = "Event Streams deliveries are only acknowledged",
        note = "return `Err` (with `E: Display`) to answer the batch with a 5xx, so Twilio \
                delivers it again"
    )]
    pub trait StreamOutput {}
    impl<R: super::IntoAck> StreamOutput for R {}

    /// Checks the return type of a `#[stream_event]` handler.
    pub fn stream_output<R, E, K>(_: &Event<E, K>)
    where
        R: StreamOutput,
    {
    }

    /// Checks the return type of a `#[stream_event]` handler through the function itself.
    pub fn stream_returns<Args, F, E, K>(_: &Event<E, K>, _: &F)
    where
        F: HandlerFunction<Args>,
        F::Future: Future,
        <F::Future as Future>::Output: StreamOutput,
    {
    }

    /// Checks that the future a handler returns can be sent between threads.
    pub fn send_future<Args, F>(_: &F)
    where
        F: HandlerFunction<Args>,
        F::Future: Future + Send,
    {
    }
}
