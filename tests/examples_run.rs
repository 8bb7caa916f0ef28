//! The example programs as processes, configured through the environment as `DESIGN.md`
//! specifies: the servers listen on `127.0.0.1:$PORT`, `send_event` drives them.
//!
//! `cargo test` builds the examples before it runs the tests; this file finds them next to its
//! own executable (`target/<profile>/deps/<test>` -> `target/<profile>/examples/<name>`).

mod common;

use std::fs::File;
use std::io::Read;
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use common::TempPath;
use twilio_webhooks::handler::State;
use twilio_webhooks::signature::Validator;
use twilio_webhooks::streams::{Event, EventContext, MessageAdded};
use twilio_webhooks::testing::{sample_params, EventBatch};
use twilio_webhooks::Webhooks;

const TOKEN: &str = "examples-run-auth-token";

/// How long a server may take to listen, and a command to finish.
const WAIT: Duration = Duration::from_secs(10);

/// The variables the examples read; each run starts without them.
const CONFIG_VARS: &[&str] = &[
    "TWILIO_AUTH_TOKEN",
    "PUBLIC_URL",
    "PORT",
    "PROFANITY_WORDS",
    "BLOCKED_AUTHORS",
    "ARCHIVE_PATH",
    "RUST_LOG",
];

/// A running example: killed and reaped when dropped, whatever happened in the test.
struct Running {
    name: String,
    child: Child,
    stdout: TempPath,
    stderr: TempPath,
}

impl Running {
    /// Starts example `name` with `args` and only `env` of the examples' variables set; its
    /// stdout and stderr go to temporary files.
    fn start(name: &str, args: &[&str], env: &[(&str, &str)]) -> Self {
        let stdout = TempPath::new(&format!("{name}.stdout"));
        let stderr = TempPath::new(&format!("{name}.stderr"));
        let mut command = Command::new(common::built_example(name));
        for var in CONFIG_VARS {
            command.env_remove(var);
        }
        command
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(File::create(&stdout.0).unwrap())
            .stderr(File::create(&stderr.0).unwrap());
        let child = command
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {name}: {err}"));
        Self {
            name: name.to_owned(),
            child,
            stdout,
            stderr,
        }
    }

    /// What the process printed so far: stdout, then stderr.
    fn output(&self) -> String {
        self.stdout.read() + &self.stderr.read()
    }

    /// Waits until the server accepts connections on `port`; fails if it exits or takes over
    /// [`WAIT`].
    fn wait_listening(&mut self, port: u16) {
        let started = Instant::now();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "{} exited ({status}) instead of serving; it printed:\n{}",
                    self.name,
                    self.output()
                );
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return;
            }
            assert!(
                started.elapsed() < WAIT,
                "{} did not listen on {addr} within {WAIT:?}; it printed:\n{}",
                self.name,
                self.output()
            );
            sleep(Duration::from_millis(25));
        }
    }

    /// Waits for the process to exit, for at most [`WAIT`].
    fn wait_exit(&mut self) -> ExitStatus {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                started.elapsed() < WAIT,
                "{} still running after {WAIT:?}; it printed:\n{}",
                self.name,
                self.output()
            );
            sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts server example `name` on a free port with [`TOKEN`] and `extra_env`, and waits until
/// it listens.
fn serving(name: &str, extra_env: &[(&str, &str)]) -> (Running, u16) {
    let port = common::free_port();
    let port_text = port.to_string();
    let mut env = vec![("TWILIO_AUTH_TOKEN", TOKEN), ("PORT", port_text.as_str())];
    env.extend_from_slice(extra_env);
    let mut server = Running::start(name, &[], &env);
    server.wait_listening(port);
    (server, port)
}

/// Runs `send_event` with `args` and `env`, returning (success, stdout, stderr).
fn send_event(args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
    let mut run = Running::start("send_event", args, env);
    let status = run.wait_exit();
    (status.success(), run.stdout.read(), run.stderr.read())
}

/// Runs `send_event` with `args` and `env`, expecting it to succeed and print a 403.
fn expect_refused(args: &[&str], env: &[(&str, &str)]) {
    let (ok, stdout, stderr) = send_event(args, env);
    assert!(ok, "send_event {args:?} failed:\n{stdout}\n{stderr}");
    assert!(
        stdout.starts_with("403"),
        "send_event {args:?} printed:\n{stdout}"
    );
}

/// A row for [`expect_answer`]: `send_event`'s arguments, the status and body it prints.
type Answer<'a> = (&'a [&'a str], &'a str, &'a str);

/// Runs `send_event` with `args` against the server on `port` ([`TOKEN`], then `extra_env`),
/// expecting success and `expected_status` with `expected_body` on stdout.
fn expect_answer(
    port: u16,
    extra_env: &[(&str, &str)],
    args: &[&str],
    expected_status: &str,
    expected_body: &str,
) {
    let port = port.to_string();
    let mut env = vec![("TWILIO_AUTH_TOKEN", TOKEN), ("PORT", port.as_str())];
    env.extend_from_slice(extra_env);
    let (ok, stdout, stderr) = send_event(args, &env);
    assert!(ok, "send_event {args:?} failed:\n{stdout}\n{stderr}");
    let mut lines = stdout.lines();
    let status = lines.next().unwrap_or_default();
    assert!(
        status.starts_with(expected_status),
        "send_event {args:?}: expected status {expected_status}, printed:\n{stdout}"
    );
    assert_eq!(
        lines.next().unwrap_or_default(),
        expected_body,
        "send_event {args:?} printed:\n{stdout}"
    );
}

#[test]
fn servers_without_an_auth_token_exit_with_a_message() {
    for name in ["profanity_filter", "archive", "axum_app", "middleware"] {
        for token in [None, Some(""), Some(" , ")] {
            let port = common::free_port().to_string();
            let archive = TempPath::new("unused.jsonl");
            let archive_path = archive.0.to_str().unwrap().to_owned();
            let mut env = vec![
                ("PORT", port.as_str()),
                ("ARCHIVE_PATH", archive_path.as_str()),
            ];
            if let Some(token) = token {
                env.push(("TWILIO_AUTH_TOKEN", token));
            }
            let mut server = Running::start(name, &[], &env);
            let status = server.wait_exit();
            let output = server.output();
            assert!(
                !status.success(),
                "{name} with token {token:?} exited with {status}"
            );
            assert!(
                output.contains("TWILIO_AUTH_TOKEN"),
                "{name} with token {token:?}: the message does not name TWILIO_AUTH_TOKEN:\n{output}"
            );
        }
    }
}

#[test]
fn an_invalid_public_url_is_named() {
    let port = common::free_port().to_string();
    let mut server = Running::start(
        "profanity_filter",
        &[],
        &[
            ("TWILIO_AUTH_TOKEN", TOKEN),
            ("PORT", &port),
            ("PUBLIC_URL", "hooks.example.com"),
        ],
    );
    assert!(!server.wait_exit().success());
    let output = server.output();
    assert!(output.contains("PUBLIC_URL"), "{output}");
}

#[test]
fn send_event_against_profanity_filter_shows_the_masked_body() {
    let (_server, port) = serving("profanity_filter", &[]);
    let renamed = r#"{"friendly_name":"**** it"}"#;
    #[rustfmt::skip]
    let answers: [Answer; 4] = [
        (&["onMessageAdd", "Body=what the heck"], "200", r#"{"body":"what the ****"}"#),
        (&["onMessageAdd", "Body=hello"], "200", "{}"),
        (&["onConversationUpdate", "FriendlyName=Darn it"], "200", renamed),
        (&["onMessageAdded", "Body=heck"], "200", "{}"),
    ];
    for (args, status, body) in answers {
        expect_answer(port, &[], args, status, body);
    }
    // --url wins over PORT.
    let url = format!("http://127.0.0.1:{port}/twilio/conversations");
    let args = ["--url", &url, "onMessageUpdate", "Body=HECK"];
    expect_answer(port, &[("PORT", "1")], &args, "200", r#"{"body":"****"}"#);

    // A request signed with another token is refused, and the server goes on.
    let port_text = port.to_string();
    expect_refused(
        &["onMessageAdd", "Body=heck"],
        &[("TWILIO_AUTH_TOKEN", "wrong-token"), ("PORT", &port_text)],
    );
    expect_answer(
        port,
        &[],
        &["onMessageAdd", "Body=heck"],
        "200",
        r#"{"body":"****"}"#,
    );

    // Only /twilio/conversations is served.
    let elsewhere = format!("http://127.0.0.1:{port}/elsewhere");
    expect_answer(port, &[], &["--url", &elsewhere, "onMessageAdd"], "404", "");
}

#[test]
fn profanity_filter_reads_its_word_list_and_blocked_authors() {
    let tokens = format!("old-token,{TOKEN}");
    let (_server, port) = serving(
        "profanity_filter",
        &[
            ("TWILIO_AUTH_TOKEN", &tokens),
            ("PROFANITY_WORDS", "bother, Дурак"),
            ("BLOCKED_AUTHORS", "mallory,eve"),
        ],
    );
    #[rustfmt::skip]
    let answers: [Answer; 5] = [
        (&["onMessageAdd", "Body=oh BOTHER"], "200", r#"{"body":"oh ******"}"#),
        (&["onMessageAdd", "Body=ты дурак"], "200", r#"{"body":"ты *****"}"#),
        (&["onMessageAdd", "Body=what the heck"], "200", "{}"),
        (&["onMessageAdd", "Author=eve", "Body=hi"], "403", "author is blocked"),
        (&["onMessageUpdate", "Author=mallory"], "403", "author is blocked"),
    ];
    for (args, status, body) in answers {
        expect_answer(port, &[], args, status, body);
    }
    // The second token of the list is accepted too.
    let old_token = [("TWILIO_AUTH_TOKEN", "old-token")];
    let args = ["onMessageAdd", "Body=bother"];
    expect_answer(port, &old_token, &args, "200", r#"{"body":"******"}"#);
}

#[test]
fn profanity_filter_behind_a_public_url() {
    let public_url = [("PUBLIC_URL", "https://hooks.example.com")];
    let (_server, port) = serving("profanity_filter", &public_url);
    // send_event signs over PUBLIC_URL + path, as Twilio would.
    let args = ["onMessageAdd", "Body=heck"];
    expect_answer(port, &public_url, &args, "200", r#"{"body":"****"}"#);
    // Signed over the local URL: not what Twilio signs for this server.
    let port_text = port.to_string();
    expect_refused(&args, &[("TWILIO_AUTH_TOKEN", TOKEN), ("PORT", &port_text)]);
}

#[test]
fn archive_appends_post_action_events_to_archive_path() {
    let archive = TempPath::new("archive.jsonl");
    let archive_path = [("ARCHIVE_PATH", archive.0.to_str().unwrap())];
    let (_server, port) = serving("archive", &archive_path);

    expect_answer(port, &[], &["onMessageAdded", "Body=archived"], "200", "{}");
    // On disk as soon as the answer is in.
    let lines = archive.lines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    let line: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(line["event_type"], "onMessageAdded", "{line}");
    assert_eq!(line["body"], "archived", "{line}");

    // Pre-action events are accepted and not archived.
    expect_answer(
        port,
        &[],
        &["onMessageAdd", "Body=not archived"],
        "200",
        "{}",
    );
    expect_answer(port, &[], &["onParticipantRemoved"], "200", "{}");
    let event_types: Vec<String> = archive
        .lines()
        .iter()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).unwrap()["event_type"].to_string()
        })
        .collect();
    assert_eq!(
        event_types,
        [r#""onMessageAdded""#, r#""onParticipantRemoved""#]
    );
}

#[test]
fn axum_app_serves_webhooks_nested_next_to_its_routes() {
    let (_server, port) = serving("axum_app", &[]);
    expect_answer(port, &[], &["onMessageAdd", "Body=hi"], "200", "{}");
    let args = ["onMessageAdd", "Body=  ", "Media="];
    expect_answer(port, &[], &args, "403", "empty message");
    expect_answer(port, &[], &["onMessageAdded"], "200", "{}");
    let stats = http_get(port, "/stats");
    assert!(stats.ends_with("messages: 1\nrefused: 1\n"), "{stats}");
}

#[test]
fn middleware_answers_webhooks_and_passes_the_rest_on() {
    let (_server, port) = serving("middleware", &[]);
    expect_answer(port, &[], &["onMessageAdded"], "200", "{}");
    // The signature layer in front of an ordinary SMS webhook.
    let sms = format!("http://127.0.0.1:{port}/sms");
    expect_answer(
        port,
        &[],
        &["--url", &sms, "onMessageAdded", "From=+15550001111"],
        "200",
        r#"<?xml version="1.0" encoding="UTF-8"?><Response><Message>Thanks, +15550001111!</Message></Response>"#,
    );
    expect_refused(
        &["--url", &sms, "onMessageAdded"],
        &[("TWILIO_AUTH_TOKEN", "wrong-token")],
    );
    assert!(http_get(port, "/health").ends_with("ok\n"));
}

/// A plain GET over a fresh connection; returns the whole answer (head and body).
fn http_get(port: u16, path: &str) -> String {
    use std::io::Write;
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    answer
}

#[test]
fn send_event_sends_unknown_event_types_and_raw_form_bodies() {
    let (_server, port) = serving("profanity_filter", &[]);
    let port_text = port.to_string();
    let wrong_token = [
        ("TWILIO_AUTH_TOKEN", "wrong-token"),
        ("PORT", port_text.as_str()),
    ];

    // An EventType the library does not know: sent with the given parameters, signed,
    // acknowledged.
    let unknown = ["onSomethingNew", "AccountSid=AC1", "Body=heck"];
    expect_answer(port, &[], &unknown, "200", "{}");
    expect_refused(&unknown, &wrong_token);

    // A form body exactly as given, with `+` or `%20` for spaces: both signed correctly.
    let mut params = sample_params("onMessageAdd").unwrap();
    params.set("Body", "what the heck");
    let body = params.to_form();
    assert!(body.contains("Body=what+the+heck"), "{body}");
    let masked = r#"{"body":"what the ****"}"#;
    expect_answer(port, &[], &["--raw", &body], "200", masked);
    let percent = body.replace('+', "%20");
    expect_answer(port, &[], &["--raw", &percent], "200", masked);
    expect_refused(&["--raw", &body], &wrong_token);
}

#[test]
fn send_event_lists_both_kinds_and_names_its_usage_errors() {
    let (ok, stdout, _) = send_event(&["--list"], &[]);
    assert!(ok);
    let listed: Vec<&str> = stdout.lines().collect();
    assert_eq!(listed.len(), 23 + Event::TYPES.len(), "{stdout}");
    for event_type in [
        "onMessageAdd",
        "onUserUpdated",
        "com.twilio.studio.flow.step.ended",
    ] {
        assert!(
            listed.contains(&event_type),
            "{event_type} not in:\n{stdout}"
        );
    }
    let env = [("TWILIO_AUTH_TOKEN", TOKEN), ("PORT", "1")];
    #[rustfmt::skip]
    let errors: [(&[&str], &str); 5] = [
        (&["onMessageAdd", "com.twilio.conversations.message.added"], "separate commands"),
        (&["Body=hi"], "before any event type"),
        (&["--raw", "a=1", "onMessageAdd"], "--raw"),
        (&["--count", "0", "onMessageAdd"], "--count"),
        (&["--frobnicate"], "unknown option"),
    ];
    for (args, message) in errors {
        let (ok, stdout, stderr) = send_event(args, &env);
        assert!(!ok, "send_event {args:?} succeeded:\n{stdout}");
        assert!(stderr.contains(message), "send_event {args:?}:\n{stderr}");
    }
}

/// What the Event Streams sink below received, one line per event.
#[derive(Clone, Default)]
struct Seen(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl Seen {
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

async fn on_message(message: MessageAdded, context: EventContext, State(seen): State<Seen>) {
    let line = format!(
        "message {} {:?} {:?}",
        context.id(),
        message.message_body,
        message.index
    );
    seen.0.lock().unwrap().push(line);
}

async fn on_other(event: Event, context: EventContext, State(seen): State<Seen>) {
    let line = format!("other {} {}", event.event_type(), context.id());
    seen.0.lock().unwrap().push(line);
}

/// An Event Streams sink on a free port, checking signatures with [`TOKEN`]; served by its own
/// runtime for as long as the runtime lives.
fn stream_sink() -> (tokio::runtime::Runtime, u16, Seen) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let seen = Seen::default();
    let router = Webhooks::new()
        .validator(Validator::from_auth_tokens(TOKEN).unwrap())
        .stream_event(on_message)
        .stream_event(on_other)
        .into_router()
        .unwrap();
    let app = axum::Router::new().merge(router).with_state(seen.clone());
    let addr = runtime.block_on(common::serve(app));
    (runtime, addr.port(), seen)
}

const MESSAGE_ADDED: &str = "com.twilio.conversations.message.added";

#[test]
fn send_event_delivers_event_streams_types_as_signed_batches() {
    let (_runtime, port, seen) = stream_sink();

    // One event: the sample's data with fields set, JSON when the value parses as JSON.
    expect_answer(
        port,
        &[],
        &[MESSAGE_ADDED, "MessageBody=hi", "Index=9"],
        "200",
        "",
    );
    let lines = seen.take();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with("message EZ"), "{lines:?}");
    assert!(lines[0].ends_with(r#" Some("hi") Some(9)"#), "{lines:?}");

    // Several events in one batch, each with its own id; a type without a sample too.
    let args = [
        "--count",
        "2",
        MESSAGE_ADDED,
        "MessageBody=twice",
        "com.twilio.studio.flow.execution.started",
        "com.example.not.yet.known",
        "anything={\"nested\":true}",
    ];
    expect_answer(port, &[], &args, "200", "");
    let lines = seen.take();
    assert_eq!(lines.len(), 6, "{lines:?}");
    let ids: std::collections::HashSet<&str> = lines
        .iter()
        .map(|line| {
            line.split(' ')
                .nth(if line.starts_with("other") { 2 } else { 1 })
                .unwrap()
        })
        .collect();
    assert_eq!(ids.len(), 6, "{lines:?}");
    assert!(
        lines[..2]
            .iter()
            .all(|line| line.contains(r#"Some("twice")"#)),
        "{lines:?}"
    );
    assert!(lines[2].starts_with("other com.twilio.studio.flow.execution.started"));
    assert!(lines[4].starts_with("other com.example.not.yet.known"));

    // A forced id, sent twice: the same CloudEvent delivered again. Both deliveries are
    // acknowledged; the sink's duplicate suppression runs the handler once.
    for _ in 0..2 {
        expect_answer(
            port,
            &[],
            &["--id", "EZredelivered", MESSAGE_ADDED],
            "200",
            "",
        );
    }
    let lines = seen.take();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with("message EZredelivered "), "{lines:?}");

    // The signature is checked: another token is refused, and nothing is handled.
    let port_text = port.to_string();
    let wrong_token = [
        ("TWILIO_AUTH_TOKEN", "wrong-token"),
        ("PORT", port_text.as_str()),
    ];
    expect_refused(&[MESSAGE_ADDED], &wrong_token);
    assert!(seen.take().is_empty());
}

#[test]
fn send_event_sends_a_raw_json_body_with_body_sha256() {
    let (_runtime, port, seen) = stream_sink();
    let body = EventBatch::new()
        .sample_with(MESSAGE_ADDED, [("MessageBody", serde_json::json!("raw"))])
        .with_id("EZraw")
        .to_json();
    expect_answer(port, &[], &["--raw", &body], "200", "");
    assert_eq!(seen.take(), [r#"message EZraw Some("raw") Some(7)"#]);

    // Pretty-printed JSON is sent byte for byte: the body hash covers it as given. (Another
    // id: the sink would take the same one for a redelivery.)
    let value: serde_json::Value = serde_json::from_str(&body.replace("EZraw", "EZraw2")).unwrap();
    let pretty = serde_json::to_string_pretty(&value).unwrap();
    expect_answer(port, &[], &["--raw", &pretty], "200", "");
    assert_eq!(seen.take(), [r#"message EZraw2 Some("raw") Some(7)"#]);

    let port_text = port.to_string();
    let wrong_token = [
        ("TWILIO_AUTH_TOKEN", "wrong-token"),
        ("PORT", port_text.as_str()),
    ];
    expect_refused(&["--raw", &body], &wrong_token);
    assert!(seen.take().is_empty());
}
