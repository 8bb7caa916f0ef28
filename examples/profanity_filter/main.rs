//! A pre-action webhook server that masks profanity in messages and conversation names.
//!
//! ```sh
//! TWILIO_AUTH_TOKEN=your_auth_token cargo run --example profanity_filter
//! # in another terminal:
//! TWILIO_AUTH_TOKEN=your_auth_token cargo run --example send_event -- onMessageAdd Body="what the heck"
//! ```
//!
//! Environment: `TWILIO_AUTH_TOKEN` (required; several separated by commas), `PUBLIC_URL`,
//! `PORT` (default 3000), `PROFANITY_WORDS`, `BLOCKED_AUTHORS`.

use std::process::ExitCode;

#[path = "../common/mod.rs"]
mod common;
mod filter;

#[tokio::main]
async fn main() -> ExitCode {
    common::init_tracing();
    let validator = match common::validator_from_env() {
        Ok(validator) => validator,
        Err(message) => return common::fail(&message),
    };
    let webhooks = filter::webhooks().validator(validator);
    let filters = webhooks.filters();
    let router = match webhooks.into_router() {
        Ok(router) => router,
        Err(err) => return common::fail(&err.to_string()),
    };
    let app = router.with_state(filter::Filter::from_env());
    common::serve("profanity_filter", app, &filters).await
}
