//! What the example servers share: configuration from the environment and serving on
//! `127.0.0.1:$PORT`.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::sync::Semaphore;

use twilio_webhooks::idempotency::Idempotency;
use twilio_webhooks::router::Webhooks;
use twilio_webhooks::signature::{ConfigError, Validator};

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

/// The signature validator from `TWILIO_AUTH_TOKEN` (required) and `PUBLIC_URL` (optional);
/// when they are missing or invalid, says so on stderr and gives the exit code.
pub fn validator_from_env() -> Result<Validator, ExitCode> {
    Validator::from_env().map_err(|err| fail(&config_message(err)))
}

/// Duplicate suppression from `REDIS_URL`: shared through Redis by every instance when it is
/// set (the `redis` feature must be on), in this process's memory otherwise.
#[allow(dead_code)] // not every example builds a router
pub fn idempotency_from_env() -> Result<Idempotency, ExitCode> {
    let Ok(url) = std::env::var("REDIS_URL") else {
        return Ok(Idempotency::default());
    };
    redis_idempotency(&url).map_err(|message| fail(&message))
}

#[cfg(feature = "redis")]
fn redis_idempotency(url: &str) -> Result<Idempotency, String> {
    // Lazy: the server starts even while Redis is down, and deduplicates once it is up.
    twilio_webhooks::idempotency::RedisStore::builder()
        .connect_lazy(url)
        .map(Idempotency::new)
        .map_err(|err| format!("REDIS_URL must be a Redis URL like redis://127.0.0.1:6379: {err}"))
}

#[cfg(not(feature = "redis"))]
fn redis_idempotency(_url: &str) -> Result<Idempotency, String> {
    Err("REDIS_URL is set, but this build has no Redis support: run with --features redis".into())
}

/// The webhooks' axum router with the validator and duplicate suppression from the environment,
/// and its filters; when something is wrong, says so on stderr and gives the exit code.
#[allow(dead_code)] // not every example builds a router
pub fn router_from_env<S: Clone + Send + Sync + 'static>(
    webhooks: Webhooks<S>,
) -> Result<(axum::Router<S>, Vec<&'static str>), ExitCode> {
    router_with_idempotency(webhooks, idempotency_from_env()?)
}

/// [`router_from_env`] with the duplicate suppression given (a store the example also uses).
#[allow(dead_code)] // not every example builds a router
pub fn router_with_idempotency<S: Clone + Send + Sync + 'static>(
    webhooks: Webhooks<S>,
    idempotency: Idempotency,
) -> Result<(axum::Router<S>, Vec<&'static str>), ExitCode> {
    let webhooks = webhooks
        .validator(validator_from_env()?)
        .idempotency(idempotency);
    let filters = webhooks.filters();
    let router = webhooks
        .into_router()
        .map_err(|err| fail(&err.to_string()))?;
    Ok((router, filters))
}

/// What to tell the user about a configuration error, naming the variable to fix.
fn config_message(err: ConfigError) -> String {
    match err {
        ConfigError::MissingEnv { .. } | ConfigError::NoTokens => format!(
            "TWILIO_AUTH_TOKEN must hold your Twilio auth token (several separated by commas): {err}"
        ),
        ConfigError::InvalidPublicUrl { .. } => format!(
            "PUBLIC_URL must be the base URL Twilio is configured with, like https://hooks.example.com: {err}"
        ),
        _ => err.to_string(),
    }
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

/// How long a client may take to send its request headers before the connection is dropped.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The most connections served at once; more wait in the listen queue.
pub const MAX_CONNECTIONS: usize = 4096;

/// How many connections the kernel holds, established but not yet accepted. tokio's
/// `TcpListener::bind` uses 128, which a burst of concurrent webhooks overflows: the kernel then
/// drops the client's SYN and the client retries after 1 s (then 3 s), eating into Twilio's 5 s.
/// Linux caps it at `net.core.somaxconn`.
pub const LISTEN_BACKLOG: u32 = 1024;

/// A listener on `address` with a [`LISTEN_BACKLOG`] queue.
pub fn bind(address: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = match address {
        SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Serves `app` until Ctrl-C, printing where; a setup error is printed and exits with 1.
///
/// Connections are HTTP/1.1 with a header read timeout, so a client that never finishes its
/// headers cannot hold a connection; the router itself limits how long a body may take.
pub async fn serve(name: &str, app: axum::Router, filters: &[&str]) -> ExitCode {
    let address = match listen_address() {
        Ok(address) => address,
        Err(message) => return fail(&message),
    };
    let listener = match bind(address) {
        Ok(listener) => listener,
        Err(err) => return fail(&format!("cannot listen on {address}: {err}")),
    };
    eprintln!("{name}: listening on http://{address} (/twilio/conversations, /twilio/events)");
    if !filters.is_empty() {
        eprintln!("{name}: Twilio webhook filters: {}", filters.join(", "));
    }
    serve_connections(listener, app, HEADER_READ_TIMEOUT, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await;
    ExitCode::SUCCESS
}

/// Accepts connections on `listener` and serves `app` on each (HTTP/1.1, at most
/// [`MAX_CONNECTIONS`] at once, headers within `header_read_timeout`) until `shutdown` ends.
pub async fn serve_connections(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    header_read_timeout: Duration,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    tokio::pin!(shutdown);
    loop {
        // Waiting for a free slot, as for a connection, still answers the shutdown.
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => return,
            },
            () = &mut shutdown => return,
        };
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(connection) => connection,
                Err(err) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => return,
        };
        let service = TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(header_read_timeout)
                .serve_connection(TokioIo::new(stream), service);
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, "connection ended with an error");
            }
            drop(slot);
        });
    }
}

/// Prints `message` and returns the failure exit code.
pub fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}
