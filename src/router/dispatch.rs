//! Registered handlers with their event type erased, so the router can keep them in one table.

use std::sync::Arc;

use http_body_util::Full;

use super::service::WebhookBody;

use crate::conversations::ParseError;
use crate::conversations::PreActionWebhook;
use crate::conversations::{Decision, Modification, Unmodifiable};
use crate::handler::{
    Delivery, HandlerError, PostActionHandler, PostActionInput, PreActionHandler,
};
use crate::params::Params;
use crate::sid::ConversationSid;

/// A handler's future, boxed once, as the router stores it.
type BoxFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'static>>;

/// The router's answer to one webhook, and what it was for traces.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) response: http::Response<WebhookBody>,
    /// `accept`, `modify`, `reject`, `ack`, `none`, `invalid`, `deadline-accept`,
    /// `deadline-reject`, `error` or `error-accept`.
    pub(crate) outcome: &'static str,
}

impl Answer {
    /// The HTTP answer of `decision` (see [`Decision::into_response`]).
    pub(crate) fn new<M: Modification>(decision: Decision<M>, outcome: &'static str) -> Self {
        Self {
            response: decision.into_response().map(Full::new),
            outcome,
        }
    }

    /// 200 `{}`: accept a pre-action event or acknowledge a post-action one.
    pub(crate) fn empty_ok(outcome: &'static str) -> Self {
        Self::new(Decision::<Unmodifiable>::Accept, outcome)
    }

    fn from_decision<M: Modification>(decision: Decision<M>) -> Self {
        let outcome = decision.kind();
        Self::new(decision, outcome)
    }
}

/// A parsed event, ready to run through its handler.
pub(crate) struct Prepared {
    pub(crate) conversation_sid: Option<ConversationSid>,
    pub(crate) run: BoxFuture<Result<Answer, HandlerError>>,
}

/// Parses the event from the parameters and starts the handler; the parameters then go into the
/// handler's [`Delivery`] with the `I-Twilio-Idempotency-Token` given.
type Erased<S> = dyn Fn(Params, Option<String>, &S) -> Result<Prepared, ParseError> + Send + Sync;

/// One registered handler.
pub(crate) struct Route<S> {
    pub(crate) event_type: &'static str,
    pub(crate) pre_action: bool,
    handler: Arc<Erased<S>>,
}

/// How the router reads one kind of event: parse it, and the two facts it needs before the
/// handler runs.
struct EventReader<E> {
    parse: fn(&Params) -> Result<E, ParseError>,
    conversation_sid: fn(&E) -> Option<ConversationSid>,
    retry_count: fn(&E) -> Option<u32>,
}

/// Type-erases one handler: parse its event (which also reads `RetryCount`, so the delivery
/// takes it from there), note the conversation, start it.
fn erase<S, E: 'static>(
    reader: EventReader<E>,
    run: impl Fn(E, &Delivery, &S) -> BoxFuture<Result<Answer, HandlerError>> + Send + Sync + 'static,
) -> Arc<Erased<S>> {
    Arc::new(move |params: Params, idempotency_token, state: &S| {
        let event = (reader.parse)(&params)?;
        let delivery = Delivery {
            idempotency_token,
            retry_count: (reader.retry_count)(&event),
            params: Arc::new(params),
        };
        Ok(Prepared {
            conversation_sid: (reader.conversation_sid)(&event),
            run: run(event, &delivery, state),
        })
    })
}

impl<S: Send + Sync + 'static> Route<S> {
    pub(crate) fn pre_action<E, Args, H>(handler: H) -> Self
    where
        E: PreActionWebhook,
        H: PreActionHandler<E, S, Args>,
    {
        Self {
            event_type: E::EVENT_TYPE,
            pre_action: true,
            handler: erase(
                EventReader {
                    parse: E::from_params,
                    conversation_sid: E::conversation_sid,
                    retry_count: E::retry_count,
                },
                move |event, delivery, state| {
                    let future = handler.call(event, delivery, state);
                    Box::pin(async move { future.await.map(Answer::from_decision) })
                },
            ),
        }
    }

    /// One route per event type `E` covers (all thirteen for `PostActionEvent`).
    pub(crate) fn post_action<E, Args, H>(handler: H) -> Vec<Self>
    where
        E: PostActionInput,
        H: PostActionHandler<E, S, Args>,
    {
        let handler = erase(
            EventReader {
                parse: E::from_params,
                conversation_sid: E::conversation_sid,
                retry_count: E::retry_count,
            },
            move |event, delivery, state| {
                let future = handler.call(event, delivery, state);
                Box::pin(async move { future.await.map(|()| Answer::empty_ok("ack")) })
            },
        );
        E::EVENT_TYPES
            .iter()
            .map(|&event_type| Self {
                event_type,
                pre_action: false,
                handler: Arc::clone(&handler),
            })
            .collect()
    }

    /// Parses the event and starts its handler.
    pub(crate) fn prepare(
        &self,
        params: Params,
        idempotency_token: Option<String>,
        state: &S,
    ) -> Result<Prepared, ParseError> {
        (self.handler)(params, idempotency_token, state)
    }
}
