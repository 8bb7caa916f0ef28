//! Two ways to use the library as tower middleware:
//!
//! 1. the signature layer in front of an ordinary handler: an incoming-SMS webhook
//!    (`POST /sms`) that answers TwiML, with the signature already checked and the form decoded;
//! 2. the conversations router mounted as a layer: it answers `POST /twilio/conversations` and
//!    passes every other request to the app it wraps.
//!
//! ```sh
//! TWILIO_AUTH_TOKEN=your_auth_token cargo run --example middleware
//! ```

use std::process::ExitCode;

use axum::routing::{get, post};
use axum::{Extension, Router};
use tower::ServiceBuilder;
use twilio_webhooks::conversations::OnMessageAdded;
use twilio_webhooks::router::Webhooks;
use twilio_webhooks::signature::ValidateSignatureLayer;
use twilio_webhooks::{post_action, Params};

#[path = "common/mod.rs"]
mod common;

/// An ordinary Programmable Messaging webhook: the layer has checked the signature and left the
/// decoded form in the request's extensions.
async fn incoming_sms(
    Extension(params): Extension<Params>,
) -> ([(&'static str, &'static str); 1], String) {
    let from = params.get("From").unwrap_or("someone");
    let twiml = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>Thanks, {}!</Message></Response>", escape(from));
    ([("content-type", "text/xml")], twiml)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[post_action]
async fn log_message(message: OnMessageAdded) {
    tracing::info!(author = %message.author, "message added");
}

#[tokio::main]
async fn main() -> ExitCode {
    common::init_tracing();
    let validator = match common::validator_from_env() {
        Ok(validator) => validator,
        Err(code) => return code,
    };
    let conversations = match Webhooks::new()
        .validator(validator.clone())
        .post_action(log_message)
        .into_layer(())
    {
        Ok(layer) => layer,
        Err(err) => return common::fail(&err.to_string()),
    };
    let sms = Router::new()
        .route("/sms", post(incoming_sms))
        .layer(ValidateSignatureLayer::new(validator));
    let app = Router::new()
        .route("/health", get(|| async { "ok\n" }))
        .merge(sms)
        .layer(ServiceBuilder::new().layer(conversations));
    common::serve("middleware", app, &["onMessageAdded"]).await
}
