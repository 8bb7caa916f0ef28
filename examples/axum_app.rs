//! The webhook router nested in an axum app that has its own routes and state.
//!
//! ```sh
//! TWILIO_AUTH_TOKEN=your_auth_token cargo run --example axum_app
//! curl http://127.0.0.1:3000/stats
//! TWILIO_AUTH_TOKEN=your_auth_token cargo run --example send_event -- onMessageAdded
//! ```
//!
//! Webhooks are answered at `POST /twilio/conversations`: the router's path `/conversations`,
//! nested under `/twilio`.

use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::routing::get;
use axum::Router;
use twilio_webhooks::conversations::{OnMessageAdd, OnMessageAdded};
use twilio_webhooks::handler::State;
use twilio_webhooks::router::Webhooks;
use twilio_webhooks::{post_action, pre_action, Decision, DecisionFor};

#[path = "common/mod.rs"]
mod common;

/// The app's state, shared by its own routes and the webhook handlers.
#[derive(Clone, Default)]
struct AppState {
    messages: Arc<AtomicU64>,
    refused: Arc<AtomicU64>,
}

/// Refuse empty messages.
#[pre_action]
async fn check_message(
    message: OnMessageAdd,
    State(app): State<AppState>,
) -> DecisionFor<OnMessageAdd> {
    if message.body.trim().is_empty() && message.media.is_none() {
        app.refused.fetch_add(1, Ordering::Relaxed);
        Decision::reject_because("empty message")
    } else {
        Decision::accept()
    }
}

/// Count published messages.
#[post_action]
async fn count_message(_message: OnMessageAdded, State(app): State<AppState>) {
    app.messages.fetch_add(1, Ordering::Relaxed);
}

async fn stats(axum::extract::State(app): axum::extract::State<AppState>) -> String {
    format!(
        "messages: {}\nrefused: {}\n",
        app.messages.load(Ordering::Relaxed),
        app.refused.load(Ordering::Relaxed)
    )
}

#[tokio::main]
async fn main() -> ExitCode {
    common::init_tracing();
    let webhooks = Webhooks::new()
        .path("/conversations")
        .pre_action(check_message)
        .post_action(count_message);
    let (webhooks, filters) = match common::router_from_env(webhooks) {
        Ok(built) => built,
        Err(code) => return code,
    };
    let app = Router::new()
        .route("/health", get(|| async { "ok\n" }))
        .route("/stats", get(stats))
        .nest("/twilio", webhooks)
        .with_state(AppState::default());
    common::serve("axum_app", app, &filters).await
}
