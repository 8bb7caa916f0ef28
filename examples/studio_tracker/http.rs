//! The queries: `GET /executions/{FN}`, `GET /conversations/{CH}/executions`,
//! `GET /calls/{CA}/executions`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use twilio_webhooks::sid::{CallSid, ConversationSid, ExecutionSid, Sid};
use twilio_webhooks::studio::Correlation;

use crate::events::App;
use crate::store::{Store, StoreError};

/// The query routes, for the app's state.
pub fn routes<S: Store>() -> Router<App<S>> {
    Router::new()
        .route("/executions/{sid}", get(execution::<S>))
        .route(
            "/conversations/{sid}/executions",
            get(conversation_executions::<S>),
        )
        .route("/calls/{sid}/executions", get(call_executions::<S>))
}

/// The SID in the path, or a 400 with what is wrong with it.
fn parse<T: Sid>(text: &str) -> Result<T, (StatusCode, String)> {
    text.parse::<T>()
        .map_err(|error| (StatusCode::BAD_REQUEST, format!("{error}\n")))
}

/// 503: the store is down; asking again later may work.
fn unavailable(error: &StoreError) -> Response {
    tracing::error!(%error, "query failed");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "the state store is unavailable; try again\n",
    )
        .into_response()
}

async fn execution<S: Store>(Path(sid): Path<String>, State(app): State<App<S>>) -> Response {
    let sid = match parse::<ExecutionSid>(&sid) {
        Ok(sid) => sid,
        Err(bad) => return bad.into_response(),
    };
    match app.store.get(sid).await {
        Ok(Some(record)) => Json(record.to_json()).into_response(),
        Ok(None) => (
            StatusCode::NOT_FOUND,
            format!("no event of execution {sid} has arrived\n"),
        )
            .into_response(),
        Err(error) => unavailable(&error),
    }
}

async fn listed<S: Store>(app: &App<S>, belongs_to: Correlation) -> Response {
    match app.store.executions_of(belongs_to).await {
        Ok(executions) => Json(executions).into_response(),
        Err(error) => unavailable(&error),
    }
}

async fn conversation_executions<S: Store>(
    Path(sid): Path<String>,
    State(app): State<App<S>>,
) -> Response {
    match parse::<ConversationSid>(&sid) {
        Ok(sid) => listed(&app, Correlation::Conversation(sid)).await,
        Err(bad) => bad.into_response(),
    }
}

async fn call_executions<S: Store>(Path(sid): Path<String>, State(app): State<App<S>>) -> Response {
    match parse::<CallSid>(&sid) {
        Ok(sid) => listed(&app, Correlation::Call(sid)).await,
        Err(bad) => bad.into_response(),
    }
}
