//! What the example servers share: configuration from the environment and serving on
//! `127.0.0.1:$PORT`.

use std::net::SocketAddr;
use std::process::ExitCode;

use twilio_webhooks::signature::Validator;

/// The port when `PORT` is unset.
pub const DEFAULT_PORT: u16 = 3000;

/// Logs to stderr; `RUST_LOG=twilio_webhooks=debug` shows one line per webhook.
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

/// The signature validator from `TWILIO_AUTH_TOKEN` (required) and `PUBLIC_URL` (optional), or
/// the message to print when they are missing or invalid.
pub fn validator_from_env() -> Result<Validator, String> {
    Validator::from_env().map_err(|err| err.to_string())
}

/// `127.0.0.1:$PORT`.
pub fn listen_address() -> Result<SocketAddr, String> {
    let port = match std::env::var("PORT") {
        Ok(text) => text
            .trim()
            .parse::<u16>()
            .map_err(|_| format!("PORT must be a port number, got {text:?}"))?,
        Err(_) => DEFAULT_PORT,
    };
    Ok(SocketAddr::from(([127, 0, 0, 1], port)))
}

/// Serves `app` until Ctrl-C, printing where; a setup error is printed and exits with 1.
pub async fn serve(name: &str, app: axum::Router, filters: &[&str]) -> ExitCode {
    let address = match listen_address() {
        Ok(address) => address,
        Err(message) => return fail(&message),
    };
    let listener = match tokio::net::TcpListener::bind(address).await {
        Ok(listener) => listener,
        Err(err) => return fail(&format!("cannot listen on {address}: {err}")),
    };
    eprintln!("{name}: listening on http://{address}/twilio/conversations");
    if !filters.is_empty() {
        eprintln!("{name}: Twilio webhook filters: {}", filters.join(", "));
    }
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => fail(&format!("server error: {err}")),
    }
}

/// Prints `message` and returns the failure exit code.
pub fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}
