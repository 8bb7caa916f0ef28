//! A STAND-IN for Twilio Studio's REST API v2, for tests only: an axum server on 127.0.0.1:0
//! that behaves as Twilio's documentation describes (see
//! `shared/reference/event-streams-and-studio.md`). It is not Twilio, and not a mock of the
//! client: it keeps Executions in memory and answers each request from that state.
//!
//! What it does:
//!
//! - HTTP Basic auth on every request: the account SID with its auth token, or an API key (`SK…`)
//!   with its secret. Anything else: 401 with Twilio's error JSON (code 20003).
//! - `POST /v2/Flows/{FW}/Executions` (form `To`, `From`, optional `Parameters`, a JSON object
//!   *string*): 201 with the Execution; 404 (20404) for an unknown flow; 400 (20001) for a missing
//!   `To`/`From`, 400 for `Parameters` that are not a JSON object string; **409** while the same
//!   contact (`To`) has an active Execution of the flow (Twilio's exact code for that case is not
//!   documented; the stand-in sends 20409, the platform's "Conflict", and the client keys on the
//!   status alone).
//! - `GET /v2/Flows/{FW}/Executions/{FN}`, `GET …/{FN}/Context`, and `POST …/{FN}` with
//!   `Status=ended` (ends it; the contact may start again). 404 for unknown ones.
//! - Scripted faults, taken one per request before anything else: 429 with `Retry-After`, a
//!   5xx with Twilio's JSON, a non-JSON body, or no answer at all.
//! - Every request is recorded (method, path, form) so tests can count attempts.

#![allow(dead_code)] // Each test uses its own part.

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// The account the stand-in serves.
pub const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
/// The account's auth token.
pub const AUTH_TOKEN: &str = "standin-auth-token-0123456789";
/// An API key of the account.
pub const API_KEY_SID: &str = "SKfedcba9876543210fedcba9876543210";
/// That key's secret.
pub const API_KEY_SECRET: &str = "standin-api-key-secret-abcdef";
/// A flow that exists.
pub const FLOW: &str = "FW0123456789abcdef0123456789abcdef";
/// Another flow that exists.
pub const OTHER_FLOW: &str = "FW11111111111111111111111111111111";

/// A fault the stand-in answers the next request with, instead of serving it.
#[derive(Debug, Clone)]
pub enum Fault {
    /// 429 with Twilio's error JSON (code 20429) and, when given, `Retry-After: <seconds>`.
    RateLimited(Option<u64>),
    /// This 5xx status with Twilio's error JSON.
    ServerError(u16),
    /// This status with a non-JSON body.
    Raw(u16, &'static str),
    /// No answer: the request is held until the client gives up (or 60 s pass).
    Hang,
}

/// One request as the stand-in received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The method.
    pub method: Method,
    /// The path.
    pub path: String,
    /// The form body's fields, in order.
    pub form: Vec<(String, String)>,
}

#[derive(Debug)]
struct Stored {
    flow: String,
    contact: String,
    status: &'static str,
    context: Value,
    created: String,
    updated: String,
}

#[derive(Default)]
struct Inner {
    flows: HashSet<String>,
    executions: HashMap<String, Stored>,
    /// (flow, contact) -> the active Execution.
    active: HashMap<(String, String), String>,
    next_sid: u128,
    faults: VecDeque<Fault>,
    requests: Vec<Recorded>,
}

type Shared = Arc<Mutex<Inner>>;

fn lock(shared: &Shared) -> MutexGuard<'_, Inner> {
    shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A running stand-in; stopped when dropped.
pub struct StandIn {
    /// Where it listens.
    pub addr: SocketAddr,
    shared: Shared,
    stop: Option<oneshot::Sender<()>>,
}

impl StandIn {
    /// Starts a stand-in on 127.0.0.1 with the flows [`FLOW`] and [`OTHER_FLOW`].
    pub async fn start() -> Self {
        let shared: Shared = Arc::default();
        lock(&shared).flows = [FLOW, OTHER_FLOW].map(str::to_owned).into();
        let app = Router::new()
            .route("/v2/Flows/{flow}/Executions", post(create))
            .route("/v2/Flows/{flow}/Executions/{sid}", get(fetch).post(update))
            .route("/v2/Flows/{flow}/Executions/{sid}/Context", get(context))
            .layer(middleware::from_fn_with_state(shared.clone(), gate))
            .with_state(shared.clone());
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Self {
            addr,
            shared,
            stop: Some(stop),
        }
    }

    /// The base URL to give the client.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Queues faults for the next requests, one per request.
    pub fn push_faults(&self, faults: impl IntoIterator<Item = Fault>) {
        lock(&self.shared).faults.extend(faults);
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.shared).requests.clone()
    }

    /// Stores an Execution that Studio started itself (an incoming message, call or
    /// conversation), with this context, and returns its SID.
    pub fn seed_execution(&self, flow: &str, contact: &str, context: Value) -> String {
        let mut inner = lock(&self.shared);
        let sid = inner.new_sid();
        inner
            .active
            .insert((flow.to_owned(), contact.to_owned()), sid.clone());
        let now = "2026-11-20T10:00:00Z".to_owned();
        inner.executions.insert(
            sid.clone(),
            Stored {
                flow: flow.to_owned(),
                contact: contact.to_owned(),
                status: "active",
                context,
                created: now.clone(),
                updated: now,
            },
        );
        sid
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Inner {
    fn new_sid(&mut self) -> String {
        self.next_sid += 1;
        format!("FN{:032x}", 0xabc0_0000_u128 + self.next_sid)
    }

    fn execution_json(&self, base: &str, sid: &str) -> Option<Value> {
        let e = self.executions.get(sid)?;
        let url = format!("{base}/v2/Flows/{}/Executions/{sid}", e.flow);
        Some(json!({
            "sid": sid,
            "account_sid": ACCOUNT_SID,
            "flow_sid": e.flow,
            "contact_channel_address": e.contact,
            "context": e.context,
            "status": e.status,
            "date_created": e.created,
            "date_updated": e.updated,
            "url": url,
            "links": {"steps": format!("{url}/Steps"), "execution_context": format!("{url}/Context")},
        }))
    }
}

/// Twilio's error JSON with this status.
fn twilio_error(status: u16, code: u32, message: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = json!({
        "code": code,
        "message": message,
        "more_info": format!("https://www.twilio.com/docs/errors/{code}"),
        "status": status.as_u16(),
    });
    (status, axum::Json(body)).into_response()
}

fn authorized(headers: &HeaderMap) -> bool {
    let Some(encoded) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
    else {
        return false;
    };
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
        return false;
    };
    let Ok(pair) = String::from_utf8(decoded) else {
        return false;
    };
    pair == format!("{ACCOUNT_SID}:{AUTH_TOKEN}")
        || pair == format!("{API_KEY_SID}:{API_KEY_SECRET}")
}

/// Records the request, applies a scripted fault, then checks the credentials.
async fn gate(State(shared): State<Shared>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return twilio_error(413, 20413, "body too large");
    };
    let form = form_urlencoded::parse(&bytes).into_owned().collect();
    let fault = {
        let mut inner = lock(&shared);
        inner.requests.push(Recorded {
            method: parts.method.clone(),
            path: parts.uri.path().to_owned(),
            form,
        });
        inner.faults.pop_front()
    };
    match fault {
        Some(Fault::RateLimited(retry_after)) => {
            let mut response = twilio_error(429, 20429, "Too Many Requests");
            if let Some(seconds) = retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, seconds.into());
            }
            return response;
        }
        Some(Fault::ServerError(status)) => {
            return twilio_error(status, 20500, "Internal Server Error");
        }
        Some(Fault::Raw(status, body)) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
            return (status, [(header::CONTENT_TYPE, "text/html")], body).into_response();
        }
        Some(Fault::Hang) => {
            tokio::time::sleep(Duration::from_secs(60)).await;
            return StatusCode::GATEWAY_TIMEOUT.into_response();
        }
        None => {}
    }
    if !authorized(&parts.headers) {
        return twilio_error(401, 20003, "Authenticate");
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

fn base_of(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}

fn form_of(body: &Bytes) -> HashMap<String, String> {
    form_urlencoded::parse(body).into_owned().collect()
}

async fn create(
    State(shared): State<Shared>,
    Path(flow): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = form_of(&body);
    let mut inner = lock(&shared);
    if !inner.flows.contains(&flow) {
        return twilio_error(
            404,
            20404,
            &format!("The requested resource /Flows/{flow}/Executions was not found"),
        );
    }
    let (Some(to), Some(from)) = (form.get("To"), form.get("From")) else {
        return twilio_error(
            400,
            20001,
            "Missing required parameter To or From in the post body",
        );
    };
    let data = match form.get("Parameters") {
        None => json!({}),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(object @ Value::Object(_)) => object,
            _ => return twilio_error(400, 84004, "Parameters must be a JSON object string"),
        },
    };
    if let Some(active) = inner.active.get(&(flow.clone(), to.clone())) {
        return twilio_error(
            409,
            20409,
            &format!("Execution {active} is already active for this contact. End it before creating a new one"),
        );
    }
    let sid = inner.new_sid();
    inner.active.insert((flow.clone(), to.clone()), sid.clone());
    let now = "2026-11-20T10:00:00Z".to_owned();
    let context = json!({
        "flow": {"flow_sid": flow, "sid": sid, "channel": {"address": from}, "data": data},
        "contact": {"channel": {"address": to}},
    });
    inner.executions.insert(
        sid.clone(),
        Stored {
            flow,
            contact: to.clone(),
            status: "active",
            context,
            created: now.clone(),
            updated: now,
        },
    );
    let body = inner.execution_json(&base_of(&headers), &sid);
    (StatusCode::CREATED, axum::Json(body)).into_response()
}

fn not_found(flow: &str, sid: &str) -> Response {
    twilio_error(
        404,
        20404,
        &format!("The requested resource /Flows/{flow}/Executions/{sid} was not found"),
    )
}

async fn fetch(
    State(shared): State<Shared>,
    Path((flow, sid)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let inner = lock(&shared);
    match inner.executions.get(&sid) {
        Some(stored) if stored.flow == flow => {
            axum::Json(inner.execution_json(&base_of(&headers), &sid)).into_response()
        }
        _ => not_found(&flow, &sid),
    }
}

async fn update(
    State(shared): State<Shared>,
    Path((flow, sid)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = form_of(&body);
    let mut inner = lock(&shared);
    let Some(stored) = inner.executions.get_mut(&sid).filter(|s| s.flow == flow) else {
        return not_found(&flow, &sid);
    };
    if form.get("Status").map(String::as_str) != Some("ended") {
        return twilio_error(400, 20001, "Status must be ended");
    }
    stored.status = "ended";
    stored.updated = "2026-11-20T10:05:00Z".to_owned();
    let key = (stored.flow.clone(), stored.contact.clone());
    if inner.active.get(&key) == Some(&sid) {
        inner.active.remove(&key);
    }
    axum::Json(inner.execution_json(&base_of(&headers), &sid)).into_response()
}

async fn context(
    State(shared): State<Shared>,
    Path((flow, sid)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let inner = lock(&shared);
    match inner.executions.get(&sid) {
        Some(stored) if stored.flow == flow => axum::Json(json!({
            "account_sid": ACCOUNT_SID,
            "flow_sid": flow,
            "execution_sid": sid,
            "context": stored.context,
            "url": format!("{}/v2/Flows/{flow}/Executions/{sid}/Context", base_of(&headers)),
        }))
        .into_response(),
        _ => not_found(&flow, &sid),
    }
}
