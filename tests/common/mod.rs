//! What the HTTP integration tests share: serving on 127.0.0.1:0, sending signed requests with a
//! real HTTP client, sample events with some parameters changed, and temporary files. Every wait
//! is bounded. [`raw`] speaks HTTP/1.1 over a bare `TcpStream`, and serves the way the example
//! servers do, with [`example`]'s listener and limits.

#![allow(dead_code)] // Each test crate uses its own part of this module.

/// The example servers' shared module: their serving constants and listener.
#[path = "../../examples/common/mod.rs"]
pub mod example;
pub mod raw;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::Request;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::net::TcpListener;

use twilio_webhooks::testing::{self, TestRequest};
use twilio_webhooks::Params;

/// A loopback port nobody listens on right now (for a server started in another process).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}

/// The auth token the servers under test are configured with.
pub const TOKEN: &str = "integration-test-auth-token";

/// The longest any single exchange may take.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The path the router answers on by default.
pub const PATH: &str = "/twilio/conversations";

/// An HTTP answer, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: String,
}

impl Reply {
    /// A header's value, if present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The `Content-Type` header, if any.
    pub fn content_type(&self) -> Option<&str> {
        self.headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
    }
}

/// Runs `future`, failing the test if it takes longer than [`TIMEOUT`].
pub async fn bounded<F: Future>(what: &str, future: F) -> F::Output {
    match tokio::time::timeout(TIMEOUT, future).await {
        Ok(output) => output,
        Err(_) => panic!("{what}: took longer than {TIMEOUT:?}"),
    }
}

/// Serves `app` on 127.0.0.1 at a free port, in the background, and returns the address.
pub async fn serve(app: axum::Router) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// `http://{addr}{path}`: the URL a request to the server is signed over.
pub fn url(addr: SocketAddr, path: &str) -> String {
    format!("http://{addr}{path}")
}

/// A client for [`send_via`]; connections are pooled.
pub fn client() -> Client<HttpConnector, Full<Bytes>> {
    Client::builder(TokioExecutor::new()).build_http()
}

/// Sends `request` (as built by the testing helpers: an origin-form target and a `Host`
/// header) to `addr` on a fresh client.
pub async fn send(addr: SocketAddr, request: Request<String>) -> Reply {
    send_via(&client(), addr, request).await
}

/// Sends `request` to `addr` with `client`, keeping its headers (the signed `Host` among them).
pub async fn send_via(
    client: &Client<HttpConnector, Full<Bytes>>,
    addr: SocketAddr,
    request: Request<String>,
) -> Reply {
    let (mut parts, body) = request.into_parts();
    let target = parts
        .uri
        .path_and_query()
        .map_or("/", |target| target.as_str());
    parts.uri = format!("http://{addr}{target}").parse().unwrap();
    let request = Request::from_parts(parts, Full::new(Bytes::from(body)));
    bounded("an HTTP exchange", async {
        let response = client.request(request).await.expect("the request failed");
        let (parts, body) = response.into_parts();
        let body = body.collect().await.expect("reading the answer").to_bytes();
        Reply {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body: String::from_utf8(body.to_vec()).expect("the answer is not UTF-8"),
        }
    })
    .await
}

/// The sample parameters of `event_type` with each named parameter's value replaced (every
/// occurrence), or added when the sample does not have it.
pub fn sample_with(event_type: &str, changes: &[(&str, &str)]) -> Params {
    let sample =
        testing::sample_params(event_type).unwrap_or_else(|| panic!("no sample for {event_type}"));
    let mut params = Params::default();
    for (name, value) in sample.iter() {
        match changes.iter().find(|(changed, _)| *changed == name) {
            Some((_, new)) => params.push(name, new),
            None => params.push(name, value),
        }
    }
    for (name, value) in changes {
        if sample.get(name).is_none() {
            params.push(name, value);
        }
    }
    params
}

/// The sample parameters of `event_type` with the named parameters replaced where the sample
/// has them (and nothing added).
pub fn sample_replacing(event_type: &str, changes: &[(&str, &str)]) -> Params {
    let sample =
        testing::sample_params(event_type).unwrap_or_else(|| panic!("no sample for {event_type}"));
    Params::from_pairs(sample.iter().map(|(name, value)| {
        let value = changes
            .iter()
            .find(|(changed, _)| *changed == name)
            .map_or(value, |(_, new)| *new);
        (name, value)
    }))
}

/// A POST of `params` to `path` on `addr`, signed with [`TOKEN`].
pub fn signed(addr: SocketAddr, path: &str, params: Params) -> Request<String> {
    signed_by(TOKEN, addr, path, params)
}

/// A POST of `params` to `path` on `addr`, signed with `token` (a wrong one, say).
pub fn signed_by(token: &str, addr: SocketAddr, path: &str, params: Params) -> Request<String> {
    TestRequest::new(url(addr, path), token)
        .params(params)
        .build()
}

/// Sends the sample of `event_type` with `changes` (see [`sample_replacing`]) to [`PATH`] on
/// `addr`, signed with [`TOKEN`].
pub async fn send_sample(addr: SocketAddr, event_type: &str, changes: &[(&str, &str)]) -> Reply {
    send(
        addr,
        signed(addr, PATH, sample_replacing(event_type, changes)),
    )
    .await
}

/// An unsigned GET of `path` on `addr`.
pub fn plain_get(addr: SocketAddr, path: &str) -> Request<String> {
    Request::get(path)
        .header(http::header::HOST, addr.to_string())
        .body(String::new())
        .unwrap()
}

/// A POST of the sample of `event_type` to [`PATH`] on `addr`, signed with [`TOKEN`].
pub fn signed_sample(addr: SocketAddr, event_type: &str) -> Request<String> {
    testing::signed_event_request(&url(addr, PATH), event_type, TOKEN)
        .unwrap_or_else(|err| panic!("{err}"))
}

/// The 403 answer to a request whose signature does not match: the short reason only (the URL
/// the server rebuilt goes to the log, never to the caller).
pub fn mismatch() -> String {
    "invalid X-Twilio-Signature".to_owned()
}

/// The JSON answer of a body modification.
pub fn modified_body(body: &str) -> String {
    serde_json::json!({ "body": body }).to_string()
}

/// A fresh path in the temporary directory (`what` ends its name), removed when dropped.
pub struct TempPath(pub PathBuf);

impl TempPath {
    pub fn new(what: &str) -> Self {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "twilio-webhooks-{}-{}-{what}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_file(&path);
        Self(path)
    }

    /// The file's text; empty when there is no file.
    pub fn read(&self) -> String {
        match std::fs::read_to_string(&self.0) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(err) => panic!("reading {}: {err}", self.0.display()),
        }
    }

    /// The file's lines, each ended by a newline (checked); none when there is no file.
    pub fn lines(&self) -> Vec<String> {
        let text = self.read();
        assert!(
            text.is_empty() || text.ends_with('\n'),
            "the last line is incomplete: {text:?}"
        );
        text.lines().map(str::to_owned).collect()
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Whether `key` is snake_case: lower-case ASCII letters, digits and underscores, starting with
/// a letter.
pub fn is_snake_case(key: &str) -> bool {
    key.starts_with(|c: char| c.is_ascii_lowercase())
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The built example `name`, next to the test's own executable
/// (`target/<profile>/deps/<test>` -> `target/<profile>/examples/<name>`). An example older than
/// one of its sources is refused rather than tested: `cargo test --test NAME` alone does not
/// rebuild the examples (cargo's dep-info file lists the sources).
pub fn built_example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("the test runs from target/<profile>/deps");
    let path = profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let rebuild = "`cargo test --workspace --all-features` builds the examples before running \
                   tests; when running one test file alone, run `cargo build --all-features \
                   --examples` first";
    assert!(
        path.is_file(),
        "example binary {} is missing: {rebuild}",
        path.display()
    );
    let built = std::fs::metadata(&path)
        .and_then(|meta| meta.modified())
        .expect("the example's modification time");
    let dep_info = std::fs::read_to_string(profile_dir.join("examples").join(format!("{name}.d")))
        .unwrap_or_default();
    let sources = dep_info
        .split_once(": ")
        .map_or("", |(_, sources)| sources)
        .split_whitespace();
    for source in sources {
        if let Ok(changed) = std::fs::metadata(source).and_then(|meta| meta.modified()) {
            assert!(
                changed <= built,
                "example binary {} is older than {source}: {rebuild}",
                path.display()
            );
        }
    }
    path
}
