//! Sends a realistic, correctly signed Conversations webhook to a running server and prints the
//! answer: a local stand-in for Twilio.
//!
//! ```sh
//! TWILIO_AUTH_TOKEN=your_auth_token cargo run --example send_event -- onMessageAdd Body="what the heck"
//! cargo run --example send_event -- --url http://127.0.0.1:4000/hooks onParticipantAdded Identity=bob
//! cargo run --example send_event -- --list
//! ```
//!
//! Each `Key=Value` replaces that parameter of the sample event (or adds it). The request is signed
//! with the first token of `TWILIO_AUTH_TOKEN`, over `PUBLIC_URL` + the path when `PUBLIC_URL` is
//! set (what the server checks), else over the URL it is sent to.

use std::process::ExitCode;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use twilio_webhooks::testing;
use twilio_webhooks::Params;

const USAGE: &str =
    "usage: send_event [--url URL] EVENT_TYPE [Key=Value ...]\n       send_event --list";

struct Args {
    url: String,
    event_type: String,
    overrides: Vec<(String, String)>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".to_owned());
    let mut url = format!("http://127.0.0.1:{port}/twilio/conversations");
    let mut event_type = None;
    let mut overrides = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--list" => {
                println!("{}", testing::EVENT_TYPES.join("\n"));
                return Ok(None);
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(None);
            }
            "--url" => url = args.next().ok_or("--url needs a value")?,
            _ if event_type.is_none() => event_type = Some(arg),
            _ => {
                let (key, value) = arg
                    .split_once('=')
                    .ok_or_else(|| format!("expected Key=Value, got {arg:?}"))?;
                overrides.push((key.to_owned(), value.to_owned()));
            }
        }
    }
    let event_type = event_type.ok_or(USAGE)?;
    Ok(Some(Args {
        url,
        event_type,
        overrides,
    }))
}

/// The sample event with the overrides applied: a given key replaces every value of that name.
fn build_params(event_type: &str, overrides: &[(String, String)]) -> Result<Params, String> {
    let sample = testing::sample_params(event_type).ok_or_else(|| {
        format!(
            "unknown event type {event_type:?}; one of: {}",
            testing::EVENT_TYPES.join(", ")
        )
    })?;
    let mut params = Params::default();
    for (name, value) in sample.iter() {
        if !overrides.iter().any(|(key, _)| key == name) {
            params.push(name, value);
        }
    }
    for (key, value) in overrides {
        params.push(key, value);
    }
    Ok(params)
}

/// The URL the server will check the signature against.
fn signed_url(url: &str) -> Result<String, String> {
    let Ok(public) = std::env::var("PUBLIC_URL") else {
        return Ok(url.to_owned());
    };
    let uri: http::Uri = url
        .parse()
        .map_err(|err| format!("invalid --url {url:?}: {err}"))?;
    let target = uri.path_and_query().map_or("/", |pq| pq.as_str());
    Ok(format!("{}{target}", public.trim_end_matches('/')))
}

async fn send(args: Args) -> Result<(), String> {
    let tokens = std::env::var("TWILIO_AUTH_TOKEN")
        .map_err(|_| "TWILIO_AUTH_TOKEN is not set: export the auth token the server uses")?;
    let token = tokens
        .split(',')
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned();
    let params = build_params(&args.event_type, &args.overrides)?;
    let signature = testing::sign(&signed_url(&args.url)?, &params, &token);
    let request = http::Request::post(&args.url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-twilio-signature", signature)
        // A new delivery each run (Twilio gives its retries of one delivery the same token).
        .header("i-twilio-idempotency-token", fresh_token())
        .body(Full::new(Bytes::from(params.to_form())))
        .map_err(|err| format!("invalid --url {:?}: {err}", args.url))?;
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let response = client
        .request(request)
        .await
        .map_err(|err| format!("cannot reach {}: {err}", args.url))?;
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
    match send(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// An idempotency token no earlier run used: the process id and the time.
fn fresh_token() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    format!("send_event-{}-{nanos}", std::process::id())
}
