//! Registered handlers with their event type erased, so the router can keep them in one table.

use std::sync::Arc;

use bytes::Bytes;
use http::StatusCode;

use crate::decision::Decision;
use crate::decision::Modification;
use crate::error::ParseError;
use crate::event::PreActionWebhook;
use crate::handler::{
    BoxFuture, Delivery, HandlerError, PostActionHandler, PostActionInput, PreActionHandler,
};
use crate::params::Params;
use crate::sid::ConversationSid;

/// The router's answer to one webhook, before it becomes an HTTP response.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) body: Bytes,
    pub(crate) content_type: &'static str,
    /// `accept`, `modify`, `reject` or `ack`, for traces.
    pub(crate) outcome: &'static str,
}

/// The body of an accept or acknowledgement.
pub(crate) const EMPTY_JSON: &[u8] = b"{}";

impl Answer {
    /// 200 `{}`: accept a pre-action event or acknowledge a post-action one.
    pub(crate) fn empty_ok(outcome: &'static str) -> Self {
        Self {
            status: StatusCode::OK,
            body: Bytes::from_static(EMPTY_JSON),
            content_type: "application/json",
            outcome,
        }
    }

    fn from_decision<M: Modification>(decision: Decision<M>) -> Self {
        if matches!(decision, Decision::Accept) {
            return Self::empty_ok("accept");
        }
        let body = match decision.body() {
            std::borrow::Cow::Borrowed(bytes) => Bytes::from_static(bytes),
            std::borrow::Cow::Owned(bytes) => Bytes::from(bytes),
        };
        Self {
            status: decision.status(),
            body,
            content_type: decision.content_type(),
            outcome: decision.kind(),
        }
    }
}

/// A parsed event, ready to run through its handler.
pub(crate) struct Prepared {
    pub(crate) conversation_sid: Option<ConversationSid>,
    pub(crate) run: BoxFuture<Result<Answer, HandlerError>>,
}

type Erased<S> = dyn Fn(&Params, &Delivery, &S) -> Result<Prepared, ParseError> + Send + Sync;

/// One registered handler.
pub(crate) struct Route<S> {
    pub(crate) event_type: &'static str,
    pub(crate) pre_action: bool,
    handler: Arc<Erased<S>>,
}

impl<S> Clone for Route<S> {
    fn clone(&self) -> Self {
        Self {
            event_type: self.event_type,
            pre_action: self.pre_action,
            handler: Arc::clone(&self.handler),
        }
    }
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
            handler: Arc::new(move |params: &Params, delivery: &Delivery, state: &S| {
                let event = E::from_params(params)?;
                let conversation_sid = event.conversation_sid();
                let future = handler.call(event, delivery, state);
                Ok(Prepared {
                    conversation_sid,
                    run: Box::pin(async move { future.await.map(Answer::from_decision) }),
                })
            }),
        }
    }

    /// One route per event type `E` covers (all thirteen for `PostActionEvent`).
    pub(crate) fn post_action<E, Args, H>(handler: H) -> Vec<Self>
    where
        E: PostActionInput,
        H: PostActionHandler<E, S, Args>,
    {
        let erased: Arc<Erased<S>> =
            Arc::new(move |params: &Params, delivery: &Delivery, state: &S| {
                let event = E::from_params(params)?;
                let conversation_sid = event.conversation_sid();
                let future = handler.call(event, delivery, state);
                Ok(Prepared {
                    conversation_sid,
                    run: Box::pin(async move { future.await.map(|()| Answer::empty_ok("ack")) }),
                })
            });
        E::EVENT_TYPES
            .iter()
            .map(|&event_type| Self {
                event_type,
                pre_action: false,
                handler: Arc::clone(&erased),
            })
            .collect()
    }

    /// Parses the event and starts its handler.
    pub(crate) fn prepare(
        &self,
        params: &Params,
        delivery: &Delivery,
        state: &S,
    ) -> Result<Prepared, ParseError> {
        (self.handler)(params, delivery, state)
    }
}
