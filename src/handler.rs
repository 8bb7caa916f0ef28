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
    ConversationsEvent, Event, PostActionEvent, PostActionWebhook, PreActionWebhook,
};
use crate::conversations::{Decision, Modification};
use crate::params::Params;
use crate::sid::ConversationSid;

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

/// An async function that answers pre-action event `E` with router state `S`.
///
/// Implemented for `async fn(E, ...) -> impl IntoDecision<E::Modification>` taking up to two
/// [`FromDelivery`] values after the event; `Args` only tells the implementations apart.
pub trait PreActionHandler<E: PreActionWebhook, S, Args>: Clone + Send + Sync + 'static {
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

impl<E: PostActionWebhook> PostActionInput for E {
    const EVENT_TYPES: &'static [&'static str] = &[E::EVENT_TYPE];

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

impl PostActionInput for PostActionEvent {
    const EVENT_TYPES: &'static [&'static str] = PostActionEvent::EVENT_TYPES;

    fn from_params(params: &Params) -> Result<Self, ParseError> {
        match Event::from_params(params)? {
            Event::PostAction(event) => Ok(event),
            other => Err(ParseError::WrongEventType {
                expected: "a post-action event",
                got: other.event_type().to_owned(),
            }),
        }
    }

    fn conversation_sid(&self) -> Option<ConversationSid> {
        PostActionEvent::conversation_sid(self)
    }

    fn retry_count(&self) -> Option<u32> {
        PostActionEvent::retry_count(self)
    }
}

/// An async function that acknowledges post-action event `E` with router state `S`.
///
/// Implemented for `async fn(E, ...) -> impl IntoAck` taking up to two [`FromDelivery`] values
/// after the event; `E` is a post-action struct or [`PostActionEvent`].
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
            E: PreActionWebhook,
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

/// Compile-time checks emitted by the `#[pre_action]` and `#[post_action]` macros. Not public API.
#[doc(hidden)]
pub mod checks {
    use super::*;

    /// Fails to compile unless `handler` is a pre-action handler for `E`.
    pub fn assert_pre_action_handler<E, S, Args, H>(handler: H) -> H
    where
        E: PreActionWebhook,
        H: PreActionHandler<E, S, Args>,
    {
        handler
    }

    /// Fails to compile unless `handler` is a post-action handler for `E`.
    pub fn assert_post_action_handler<E, S, Args, H>(handler: H) -> H
    where
        E: PostActionInput,
        H: PostActionHandler<E, S, Args>,
    {
        handler
    }

    /// Fails to compile unless `T` is the decision type of pre-action event `E`.
    pub fn assert_decision_output<E: PreActionWebhook, T: IntoDecision<E::Modification>>() {}

    /// Fails to compile unless `T` is an acknowledgement.
    pub fn assert_ack_output<T: IntoAck>() {}
}
