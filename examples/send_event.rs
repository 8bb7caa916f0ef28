//! Sends what Twilio would send to a running server, correctly signed, and prints each answer: a
//! local stand-in for Twilio, for Conversations webhooks and Event Streams deliveries alike.
//!
//! ```sh
//! # A Conversations webhook: the realistic sample, with parameters replaced or added.
//! TWILIO_AUTH_TOKEN=your_auth_token cargo run --example send_event -- onMessageAdd Body="what the heck"
//! # An EventType this library does not know: sent with exactly the parameters given.
//! cargo run --example send_event -- onSomethingNew AccountSid=AC123 Foo=bar
//! # Event Streams: one signed batch to /twilio/events (values are JSON when they parse as JSON).
//! cargo run --example send_event -- com.twilio.conversations.message.added MessageBody="hi" Index=8
//! cargo run --example send_event -- --count 3 com.twilio.conversations.message.added \
//!     com.twilio.studio.flow.execution.started
//! # A redelivery: the same CloudEvent id twice.
//! cargo run --example send_event -- --id EZ0123 com.twilio.conversations.user.added
//! # A body exactly as given (form, or JSON signed with bodySHA256); `-` reads standard input.
//! cargo run --example send_event -- --raw 'EventType=onMessageAdded&Body=hi'
//! cargo run --example send_event -- --raw '[{"id":"EZ1","type":"com.example.new","data":{}}]'
//! cargo run --example send_event -- --list
//! ```
//!
//! A type with a `.` (`com.twilio.…`) is an Event Streams type; any other is a Conversations
//! `EventType`. `Key=Value` arguments belong to the type before them:
//!
//! - for a webhook with a sample, each replaces every value of that parameter (or adds it);
//!   without a sample, the webhook carries `EventType` and the given parameters only;
//! - for an Event Streams type, each sets a field of the sample's `data` (empty data for a type
//!   without a sample): the value is JSON when it parses as JSON (`Index=8`, `Media=[]`), else a
//!   string (`MessageBody=hi`); quote it to force a string (`MessageBody='"8"'`).
//!
//! Several webhooks are sent one after another; several Event Streams events go in one batch.
//! `--count N` sends each event N times (each CloudEvent with its own id). `--id ID` sets the id
//! of every CloudEvent sent, or the `I-Twilio-Idempotency-Token` of every webhook (which
//! otherwise is new for each request), to simulate a redelivery.
//!
//! The URL defaults to `http://127.0.0.1:$PORT/twilio/conversations` for webhooks and a form
//! body, and `…/twilio/events` for Event Streams and a JSON body; `--url` replaces it. Requests
//! are signed with the first token of `TWILIO_AUTH_TOKEN`, over `PUBLIC_URL` + the path when
//! `PUBLIC_URL` is set (what the server checks), else over the URL they are sent to.

use std::io::Read;
use std::process::ExitCode;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use twilio_webhooks::testing::{self, EventBatch, TestRequest};
use twilio_webhooks::{streams, Params};

const USAGE: &str = "\
usage: send_event [--url URL] [--count N] [--id ID] TYPE [Key=Value ...] [TYPE [Key=Value ...] ...]
       send_event [--url URL] --raw BODY|-
       send_event --list";

/// One event named on the command line, with its `Key=Value` arguments.
struct Named {
    event_type: String,
    values: Vec<(String, String)>,
}

/// What to send.
enum Payload {
    /// Conversations webhooks, one request each.
    Webhooks(Vec<Named>),
    /// Event Streams events, in one batch.
    Stream(Vec<Named>),
    /// A body as given.
    Raw(String),
}

struct Args {
    url: Option<String>,
    count: usize,
    id: Option<String>,
    payload: Payload,
}

/// Whether `event_type` names an Event Streams type rather than a Conversations `EventType`.
fn is_stream_type(event_type: &str) -> bool {
    event_type.contains('.')
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut url = None;
    let mut count = 1;
    let mut id = None;
    let mut raw = None;
    let mut named: Vec<Named> = Vec::new();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--list" => {
                let webhooks = testing::EVENT_TYPES.iter();
                for event_type in webhooks.chain(streams::Event::TYPES) {
                    println!("{event_type}");
                }
                return Ok(None);
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(None);
            }
            "--url" => url = Some(value("--url")?),
            "--id" => id = Some(value("--id")?),
            "--raw" => raw = Some(value("--raw")?),
            "--count" => {
                let text = value("--count")?;
                count = text
                    .parse()
                    .ok()
                    .filter(|count| *count > 0)
                    .ok_or(format!("--count needs a positive number, got {text:?}"))?;
            }
            _ if arg.starts_with("--") => return Err(format!("unknown option {arg}\n{USAGE}")),
            _ => match arg.split_once('=') {
                Some((key, value)) => named
                    .last_mut()
                    .ok_or(format!("{arg:?} comes before any event type\n{USAGE}"))?
                    .values
                    .push((key.to_owned(), value.to_owned())),
                None => named.push(Named {
                    event_type: arg,
                    values: Vec::new(),
                }),
            },
        }
    }
    let payload = match raw {
        Some(_) if !named.is_empty() => {
            return Err("--raw sends the body as given: no event types or Key=Value with it".into())
        }
        Some(body) if body == "-" => {
            let mut body = String::new();
            std::io::stdin()
                .read_to_string(&mut body)
                .map_err(|err| format!("reading the body from standard input: {err}"))?;
            Payload::Raw(body)
        }
        Some(body) => Payload::Raw(body),
        None if named.is_empty() => return Err(USAGE.into()),
        None if named.iter().all(|n| is_stream_type(&n.event_type)) => Payload::Stream(named),
        None if named.iter().all(|n| !is_stream_type(&n.event_type)) => Payload::Webhooks(named),
        None => {
            return Err(
                "Conversations webhooks and Event Streams types go to different URLs: send them \
                 with separate commands"
                    .into(),
            )
        }
    };
    Ok(Some(Args {
        url,
        count,
        id,
        payload,
    }))
}

/// A webhook's parameters: the sample with each given key replacing every value of that name,
/// or, for an `EventType` without a sample, `EventType` and the given parameters.
fn webhook_params(named: &Named) -> Params {
    match testing::sample_params(&named.event_type) {
        Some(mut params) => {
            for (key, value) in &named.values {
                params.set(key, value);
            }
            params
        }
        None => Params::from_pairs(
            std::iter::once(("EventType", named.event_type.as_str()))
                .chain(named.values.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
        ),
    }
}

/// The batch: each event's sample data with the given fields set, `count` times over.
fn batch(named: &[Named], count: usize, id: Option<&str>) -> EventBatch {
    let mut batch = EventBatch::new();
    for event in named {
        let fields: Vec<(String, Value)> = event
            .values
            .iter()
            .map(|(key, text)| {
                let value = serde_json::from_str(text).unwrap_or(Value::String(text.clone()));
                (key.clone(), value)
            })
            .collect();
        for _ in 0..count {
            batch = batch.sample_with(&event.event_type, fields.clone());
            if let Some(id) = id {
                batch = batch.with_id(id);
            }
        }
    }
    batch
}

/// Where the server is, the credentials, and how to reach it.
struct Target {
    port: String,
    url: Option<String>,
    token: String,
    public_url: Option<String>,
}

impl Target {
    fn from_env(url: Option<String>) -> Result<Self, String> {
        let tokens = std::env::var("TWILIO_AUTH_TOKEN")
            .map_err(|_| "TWILIO_AUTH_TOKEN is not set: export the auth token the server uses")?;
        let token = tokens.split(',').next().unwrap_or_default().trim();
        Ok(Self {
            port: std::env::var("PORT").unwrap_or_else(|_| "3000".to_owned()),
            url,
            token: token.to_owned(),
            public_url: std::env::var("PUBLIC_URL").ok(),
        })
    }

    /// `--url`, or the default path on 127.0.0.1:$PORT.
    fn url(&self, default_path: &str) -> String {
        self.url
            .clone()
            .unwrap_or_else(|| format!("http://127.0.0.1:{}{default_path}", self.port))
    }

    /// The URL the server checks the signature against: `PUBLIC_URL` + the path when set.
    fn signed_url(&self, url: &str) -> Result<String, String> {
        let Some(public) = &self.public_url else {
            return Ok(url.to_owned());
        };
        let uri: http::Uri = url
            .parse()
            .map_err(|err| format!("invalid URL {url:?}: {err}"))?;
        let target = uri.path_and_query().map_or("/", |pq| pq.as_str());
        Ok(format!("{}{target}", public.trim_end_matches('/')))
    }

    /// `request` (with its body) sent to `url`, signed as the server expects: the signature and
    /// any `bodySHA256` come from the same request built over the signed URL.
    fn signed(&self, url: &str, request: impl Fn(&str) -> TestRequest) -> Result<Signed, String> {
        let over_public = request(&self.signed_url(url)?);
        let local = request(url);
        let built = local
            .try_build()
            .map_err(|err| format!("invalid URL: {err}"))?;
        let (parts, body) = built.into_parts();
        Ok(Signed {
            url: local.signed_url(),
            content_type: parts
                .headers
                .get(http::header::CONTENT_TYPE)
                .and_then(|value| value.to_str().ok())
                .unwrap_or("application/x-www-form-urlencoded")
                .to_owned(),
            signature: over_public.signature(),
            body,
        })
    }
}

/// A request ready to go.
struct Signed {
    url: String,
    content_type: String,
    signature: String,
    body: String,
}

/// A fresh `I-Twilio-Idempotency-Token`, unless `--id` gave one.
fn idempotency_token(id: Option<&str>, sequence: usize) -> String {
    if let Some(id) = id {
        return id.to_owned();
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    format!("send_event-{}-{nanos}-{sequence}", std::process::id())
}

/// Sends one request and prints its status line and body.
async fn send(signed: Signed, idempotency_token: Option<String>) -> Result<(), String> {
    let mut request = http::Request::post(&signed.url)
        .header("content-type", &signed.content_type)
        .header("x-twilio-signature", &signed.signature);
    if let Some(token) = idempotency_token {
        request = request.header("i-twilio-idempotency-token", token);
    }
    let request = request
        .body(Full::new(Bytes::from(signed.body)))
        .map_err(|err| format!("invalid URL {:?}: {err}", signed.url))?;
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let response = client
        .request(request)
        .await
        .map_err(|err| format!("cannot reach {}: {err}", signed.url))?;
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|err| format!("reading the answer: {err}"))?
        .to_bytes();
    println!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    );
    println!("{}", String::from_utf8_lossy(&body));
    Ok(())
}

async fn run(args: Args) -> Result<(), String> {
    let target = Target::from_env(args.url)?;
    let token = target.token.clone();
    match args.payload {
        Payload::Webhooks(named) => {
            let url = target.url("/twilio/conversations");
            let mut sequence = 0;
            for event in &named {
                let params = webhook_params(event);
                for _ in 0..args.count {
                    let signed = target.signed(&url, |url| {
                        TestRequest::new(url, token.as_str()).params(params.clone())
                    })?;
                    sequence += 1;
                    let idempotency = idempotency_token(args.id.as_deref(), sequence);
                    send(signed, Some(idempotency)).await?;
                }
            }
        }
        Payload::Stream(named) => {
            let body = batch(&named, args.count, args.id.as_deref()).to_json();
            let url = target.url("/twilio/events");
            let signed = target.signed(&url, |url| {
                TestRequest::new(url, token.as_str()).json(body.clone())
            })?;
            send(signed, None).await?;
        }
        Payload::Raw(body) => {
            if serde_json::from_str::<Value>(&body).is_ok() {
                let url = target.url("/twilio/events");
                let signed = target.signed(&url, |url| {
                    TestRequest::new(url, token.as_str()).json(body.clone())
                })?;
                send(signed, None).await?;
            } else {
                let params = Params::parse(body.as_bytes()).map_err(|err| {
                    format!("--raw: the body is neither JSON nor a form body: {err}")
                })?;
                let url = target.url("/twilio/conversations");
                let signed = target.signed(&url, |url| {
                    TestRequest::new(url, token.as_str()).params(params.clone())
                })?;
                // The body exactly as given, not re-encoded: the signature covers the decoded
                // parameters, which are the same.
                let signed = Signed { body, ..signed };
                let idempotency = idempotency_token(args.id.as_deref(), 1);
                send(signed, Some(idempotency)).await?;
            }
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => return ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
