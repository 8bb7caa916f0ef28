//! An Event Streams sink for Studio that keeps track of each flow Execution: its flow, status,
//! contact, ended reason, steps in time order, and the conversation (`CH…`) or call (`CA…`) it
//! belongs to, and answers questions about them over HTTP.
//!
//! ```sh
//! TWILIO_AUTH_TOKEN=your_auth_token TWILIO_ACCOUNT_SID=ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx \
//!     cargo run --features studio --example studio_tracker
//! # then, for instance:
//! curl http://127.0.0.1:3000/executions/FNxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
//! curl http://127.0.0.1:3000/conversations/CHxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/executions
//! ```
//!
//! Point an Event Streams webhook sink at `https://your.host/twilio/events` and subscribe it to
//! `com.twilio.studio.flow.execution.started`, `….execution.ended` and `….step.ended`.
//!
//! - `POST /twilio/events`: the Studio events (signed deliveries only; other types are
//!   acknowledged). Events may come in any order and more than once: a step or the end may come
//!   before the start, the status never goes back from `ended` to `active`, a step is kept once.
//!   The conversation or call comes from the started event's `started_by` when it is a `CH…` or
//!   `CA…` SID, otherwise from the Execution Context API
//!   (`GET {TWILIO_API_BASE}/v2/Flows/{FW}/Executions/{FN}/Context`), called at most once per
//!   Execution. When that call fails the delivery is answered 503 and Event Streams delivers it
//!   again; a 404 (Studio keeps Executions 30 days) is recorded as "no conversation or call".
//! - `GET /executions/{FN}`: the Execution as JSON, 404 when no event of it came.
//! - `GET /conversations/{CH}/executions`, `GET /calls/{CA}/executions`: the SIDs of its
//!   Executions, oldest start first.
//!
//! Environment: `TWILIO_AUTH_TOKEN` (required; several separated by commas for signatures, the
//! first one is used with `TWILIO_ACCOUNT_SID` for the Studio API), `TWILIO_ACCOUNT_SID`
//! (required), `TWILIO_API_BASE` (default `https://studio.twilio.com`), `PUBLIC_URL`, `PORT`
//! (default 3000), `REDIS_URL` (build with `--features studio,redis`: the records, and
//! duplicate suppression, are then shared by every instance using that Redis; otherwise they
//! live in this process's memory). Records are kept until the process ends (memory) or
//! forever (Redis): a real deployment would expire them.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use twilio_webhooks::sid::AccountSid;
use twilio_webhooks::studio::{Credentials, StudioClient, DEFAULT_BASE_URL};

#[path = "../common/mod.rs"]
mod common;
mod events;
mod http;
#[cfg(feature = "redis")]
mod redis_store;
mod store;
mod tracker;

use events::App;
use store::{MemoryStore, Store};

/// How long one call of the Context API may take: the handlers of a batch have 4 s in all.
/// A failed call is not retried here; Event Streams delivers the event again.
const STUDIO_TIMEOUT: Duration = Duration::from_secs(3);

#[tokio::main]
async fn main() -> ExitCode {
    common::init_tracing();
    match std::env::var("REDIS_URL") {
        Err(_) => run(MemoryStore::default()).await,
        Ok(url) => run_with_redis(&url).await,
    }
}

#[cfg(feature = "redis")]
async fn run_with_redis(url: &str) -> ExitCode {
    match redis_store::RedisStore::connect_lazy(url) {
        Ok(store) => run(store).await,
        Err(message) => common::fail(&message),
    }
}

#[cfg(not(feature = "redis"))]
async fn run_with_redis(_url: &str) -> ExitCode {
    common::fail(
        "REDIS_URL is set, but this build has no Redis support: run with --features studio,redis",
    )
}

async fn run<S: Store>(store: S) -> ExitCode {
    let idempotency = store.idempotency();
    let claims = Arc::clone(idempotency.store());
    let (router, _filters) =
        match common::router_with_idempotency(events::webhooks::<S>(), idempotency) {
            Ok(built) => built,
            Err(code) => return code,
        };
    let studio = match studio_from_env() {
        Ok(studio) => studio,
        Err(message) => return common::fail(&message),
    };
    eprintln!(
        "studio_tracker: Execution Context from {}",
        studio.base_url()
    );
    let app = router.merge(http::routes::<S>()).with_state(App {
        store,
        studio,
        claims,
    });
    common::serve("studio_tracker", app, &[]).await
}

/// The Studio client from `TWILIO_ACCOUNT_SID`, the first of `TWILIO_AUTH_TOKEN` and
/// `TWILIO_API_BASE`.
fn studio_from_env() -> Result<StudioClient, String> {
    let account: AccountSid = std::env::var("TWILIO_ACCOUNT_SID")
        .map_err(|_| "TWILIO_ACCOUNT_SID must hold your account SID (AC…)".to_owned())?
        .trim()
        .parse()
        .map_err(|error| format!("TWILIO_ACCOUNT_SID must hold your account SID: {error}"))?;
    let tokens = std::env::var("TWILIO_AUTH_TOKEN").unwrap_or_default();
    let token = tokens.split(',').map(str::trim).find(|t| !t.is_empty());
    let token = token.ok_or("TWILIO_AUTH_TOKEN must hold your Twilio auth token")?;
    let base = std::env::var("TWILIO_API_BASE").unwrap_or_else(|_| DEFAULT_BASE_URL.to_owned());
    StudioClient::builder(Credentials::auth_token(account, token))
        .base_url(base)
        .timeout(STUDIO_TIMEOUT)
        .max_attempts(1)
        .build()
        .map_err(|error| format!("TWILIO_API_BASE: {error}"))
}
