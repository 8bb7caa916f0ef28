//! A post-action webhook server that appends every event to a JSON Lines file.
//!
//! ```sh
//! TWILIO_AUTH_TOKEN=your_auth_token ARCHIVE_PATH=events.jsonl cargo run --example archive
//! ```
//!
//! Environment: `TWILIO_AUTH_TOKEN` (required), `PUBLIC_URL`, `PORT` (default 3000),
//! `ARCHIVE_PATH` (default `events.jsonl`).

use std::process::ExitCode;

mod archive;
#[path = "../common/mod.rs"]
mod common;

#[tokio::main]
async fn main() -> ExitCode {
    common::init_tracing();
    let (router, filters) = match common::router_from_env(archive::webhooks()) {
        Ok(built) => built,
        Err(code) => return code,
    };
    let path = std::env::var("ARCHIVE_PATH").unwrap_or_else(|_| "events.jsonl".to_owned());
    let archive = match archive::Archive::open(&path) {
        Ok(archive) => archive,
        Err(err) => return common::fail(&format!("cannot open ARCHIVE_PATH {path:?}: {err}")),
    };
    eprintln!(
        "archive: appending post-action events to {}",
        archive.path().display()
    );
    common::serve("archive", router.with_state(archive), &filters).await
}
