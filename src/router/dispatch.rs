//! Dispatch: the handler registered for an event, found in one table of type-erased routes,
//! run within the deadline with errors and panics caught, and its answer.

use std::borrow::Cow;
use std::sync::Arc;

use bytes::Bytes;
use http::StatusCode;
use tracing::field;

use super::catch_panic::CatchPanic;
use super::pipeline::plain;
use super::{DeadlineOutcome, InvalidOutcome, Shared};

use crate::conversations::ParseError;
use crate::conversations::{Decision, Modification, Unmodifiable};
use crate::handler::{
    Delivery, HandlerError, PostActionHandler, PostActionInput, PreActionHandler, PreActionInput,
};
use crate::idempotency::{Once, StoredAnswer};
use crate::params::Params;
use crate::sid::ConversationSid;

/// The header Twilio sets to the same value on every retry of one delivery.
const IDEMPOTENCY_TOKEN: &str = "i-twilio-idempotency-token";

/// A handler's future, boxed once, as the router stores it.
pub(crate) type BoxFuture<T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'static>>;

/// The router's answer to one webhook, and what it was for traces.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) response: http::Response<Bytes>,
    /// `accept`, `modify`, `reject`, `ack`, `none`, `duplicate`, `in-flight`, `store-down`,
    /// `invalid`, `invalid-accept`, `deadline-accept`,
    /// `deadline-reject`, `error` or `error-accept`.
    pub(crate) outcome: &'static str,
    /// A rejection's reason, for the trace.
    pub(crate) reason: Option<Cow<'static, str>>,
}

impl Answer {
    /// The HTTP answer of `decision` (see [`Decision::into_response`]).
    pub(crate) fn new<M: Modification>(decision: Decision<M>, outcome: &'static str) -> Self {
        let reason = match &decision {
            Decision::Reject(rejection) => rejection
                .reason_text()
                .map(|text| Cow::Owned(text.to_owned())),
            _ => None,
        };
        Self {
            response: decision.into_response(),
            outcome,
            reason,
        }
    }

    /// A plain-text answer that is not a handler's decision.
    fn plain(status: StatusCode, text: &'static str, outcome: &'static str) -> Self {
        Self {
            response: plain(status, text.to_owned()),
            outcome,
            reason: Some(Cow::Borrowed(text)),
        }
    }

    /// Whether a handler ran to its decision (`accept`, `modify`, `reject`, `ack`): only such an
    /// answer is kept for the delivery's duplicates; after any other the claim is released so
    /// Twilio's retry runs the handler again.
    pub(crate) fn is_final(&self) -> bool {
        matches!(self.outcome, "accept" | "modify" | "reject" | "ack")
    }

    /// The answer as a duplicate gets it.
    pub(crate) fn to_stored(&self) -> StoredAnswer {
        let status = self.response.status().as_u16();
        let body = self.response.body().clone();
        match self
            .response
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
        {
            // The decisions' own content type: kept without allocating.
            Some("application/json") => StoredAnswer::json(status, body),
            content_type => StoredAnswer::new(status, content_type.map(str::to_owned), body),
        }
    }

    /// The stored answer of an earlier delivery, given again.
    pub(crate) fn replay(stored: StoredAnswer) -> Self {
        let mut response = http::Response::new(stored.body);
        *response.status_mut() =
            StatusCode::from_u16(stored.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let Some(value) = stored
            .content_type
            .and_then(|value| http::HeaderValue::from_str(&value).ok())
        {
            response
                .headers_mut()
                .insert(http::header::CONTENT_TYPE, value);
        }
        Self {
            response,
            outcome: "duplicate",
            reason: None,
        }
    }

    /// 503: a duplicate whose first delivery is not done, or a store that failed and the
    /// configuration says to refuse; Twilio delivers again later.
    pub(crate) fn retry_later(text: &'static str, outcome: &'static str) -> Self {
        Self::plain(StatusCode::SERVICE_UNAVAILABLE, text, outcome)
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
    /// Registered through a handler that takes several events (`PostActionEvent`): a handler
    /// of this one event takes precedence.
    pub(crate) catch_all: bool,
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
    /// One route per event type `E` covers (all ten for `PreActionEvent`).
    pub(crate) fn pre_action<E, Args, H>(handler: H) -> Vec<Self>
    where
        E: PreActionInput,
        H: PreActionHandler<E, S, Args>,
    {
        let handler = erase(
            EventReader {
                parse: E::from_params,
                conversation_sid: E::conversation_sid,
                retry_count: E::retry_count,
            },
            move |event, delivery, state| {
                let future = handler.call(event, delivery, state);
                Box::pin(async move { future.await.map(Answer::from_decision) })
            },
        );
        Self::for_each(E::EVENT_TYPES, true, &handler)
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
        Self::for_each(E::EVENT_TYPES, false, &handler)
    }

    /// One route per event type, all to one handler: a catch-all when there are several.
    fn for_each(
        event_types: &[&'static str],
        pre_action: bool,
        handler: &Arc<Erased<S>>,
    ) -> Vec<Self> {
        event_types
            .iter()
            .map(|&event_type| Self {
                event_type,
                pre_action,
                catch_all: event_types.len() > 1,
                handler: Arc::clone(handler),
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

/// The answer to a handler that failed or panicked; the details go to the log only.
fn failure<S>(shared: &Shared<S>) -> Answer {
    if shared.settings.error_status.is_success() {
        // Failing open: answer like an accept, so Twilio goes ahead unchanged.
        Answer::empty_ok("error-accept")
    } else {
        Answer::plain(shared.settings.error_status, "handler failed", "error")
    }
}

/// The idempotency stage around the handler: a webhook with an `I-Twilio-Idempotency-Token`
/// is claimed (scoped by its `AccountSid`) before its handler runs; a duplicate of a finished
/// delivery gets its answer again, one still running is waited for until the deadline. After the
/// handler the answer is kept, or the claim released when the handler did not finish.
pub(crate) async fn dispatch<S>(
    shared: &Shared<S>,
    state: &S,
    parts: &http::request::Parts,
    params: Params,
    route: Option<&Route<S>>,
) -> Answer
where
    S: Send + Sync + 'static,
{
    let Some(route) = route else {
        // No handler: accept (pre-action) or acknowledge (post-action and unknown events).
        return Answer::empty_ok("none");
    };
    // Claiming and waiting count against the same deadline as the handler.
    let deadline = tokio::time::Instant::now() + shared.settings.deadline;
    let idempotency_token = parts
        .headers
        .get(IDEMPOTENCY_TOKEN)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let (Some(idempotency), Some(token)) = (&shared.idempotency, &idempotency_token) else {
        return run(shared, state, route, params, idempotency_token, deadline).await;
    };
    let key = format!(
        "conversations:{}:{token}",
        params.get("AccountSid").unwrap_or_default()
    );
    // Not boxed: Twilio sends a token with every webhook, and suppression is on by default.
    // Boxing saved a request without a token about 1.1 KB of future, and cost every delivery
    // with one an allocation and 370 more bytes (`cargo bench --bench allocations`).
    let handled = idempotency.once(
        &key,
        deadline,
        run(shared, state, route, params, idempotency_token, deadline),
        |answer: &Answer| answer.is_final().then(|| answer.to_stored()),
    );
    match handled.await {
        Once::Ran(answer) => answer,
        Once::Replay(stored) => Answer::replay(stored),
        Once::Busy => Answer::retry_later(
            "the first delivery of this webhook is still being handled",
            "in-flight",
        ),
        Once::StoreDown => {
            Answer::retry_later("duplicate suppression is unavailable", "store-down")
        }
    }
}

/// Parses the event and runs its handler (a pre-action one until `deadline`); a panic in
/// either is caught here, once.
async fn run<S>(
    shared: &Shared<S>,
    state: &S,
    route: &Route<S>,
    params: Params,
    idempotency_token: Option<String>,
    deadline: tokio::time::Instant,
) -> Answer
where
    S: Send + Sync + 'static,
{
    let event_type = route.event_type;
    let handled = CatchPanic::new(async move {
        let prepared = match route.prepare(params, idempotency_token, state) {
            Ok(prepared) => prepared,
            Err(err) => {
                tracing::warn!(event_type, error = %err, "a webhook does not parse");
                return Ok(match shared.settings.invalid_outcome {
                    InvalidOutcome::Reject => Answer {
                        response: plain(StatusCode::BAD_REQUEST, err.to_string()),
                        outcome: "invalid",
                        reason: None,
                    },
                    InvalidOutcome::Accept => Answer::empty_ok("invalid-accept"),
                });
            }
        };
        if let Some(sid) = prepared.conversation_sid {
            tracing::Span::current().record("conversation_sid", field::display(sid));
        }
        if !route.pre_action {
            return prepared.run.await;
        }
        match tokio::time::timeout_at(deadline, prepared.run).await {
            Ok(outcome) => outcome,
            Err(_) => {
                tracing::warn!(
                    event_type,
                    deadline_ms = shared.settings.deadline.as_millis() as u64,
                    "pre-action handler missed its deadline"
                );
                Ok(match &shared.settings.deadline_outcome {
                    DeadlineOutcome::Accept => Answer::empty_ok("deadline-accept"),
                    DeadlineOutcome::Reject(rejection) => Answer::new(
                        Decision::<Unmodifiable>::Reject(rejection.clone()),
                        "deadline-reject",
                    ),
                })
            }
        }
    });
    match handled.await {
        Ok(Ok(answer)) => answer,
        Ok(Err(err)) => {
            tracing::error!(event_type, error = %err, "webhook handler returned an error");
            failure(shared)
        }
        Err(message) => {
            tracing::error!(event_type, panic = %message, "webhook handler panicked");
            failure(shared)
        }
    }
}
