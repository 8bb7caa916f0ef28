//! The example programs as processes, configured through the environment as `DESIGN.md`
//! specifies: the servers listen on `127.0.0.1:$PORT`, `send_event` drives them.
//!
//! `cargo test` builds the examples before it runs the tests; this file finds them next to its
//! own executable (`target/<profile>/deps/<test>` -> `target/<profile>/examples/<name>`).

use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::sleep;
use std::time::{Duration, Instant};

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

/// The built example `name`.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("the test runs from target/<profile>/deps");
    let path = profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "example binary {} is missing: `cargo test` builds the examples before running tests; \
         when running this test file alone, run `cargo build --examples` first",
        path.display()
    );
    // `cargo test --test examples_run` alone does not rebuild the examples: refuse to test an
    // old build rather than pass or fail on it. Cargo's dep-info file lists the sources.
    let built = std::fs::metadata(&path)
        .and_then(|meta| meta.modified())
        .unwrap();
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
                "example binary {} is older than {source}: run `cargo test` (which builds the \
                 examples) or `cargo build --examples` first",
                path.display()
            );
        }
    }
    path
}

/// A fresh path in the temporary directory, removed when dropped.
struct TempPath(PathBuf);

impl TempPath {
    fn new(what: &str) -> Self {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "twilio-webhooks-examples-{}-{}-{what}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_file(&path);
        Self(path)
    }

    fn read(&self) -> String {
        std::fs::read_to_string(&self.0).unwrap_or_default()
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A port that was free a moment ago.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running example: killed and reaped when dropped, whatever happened in the test.
struct Running {
    name: String,
    child: Child,
    output: TempPath,
}

impl Running {
    /// Starts example `name` with only `env` of the examples' variables set; its stdout and
    /// stderr go to a temporary file.
    fn start(name: &str, env: &[(&str, &str)]) -> Self {
        let output = TempPath::new(&format!("{name}.log"));
        let log = std::fs::File::create(&output.0).unwrap();
        let mut command = Command::new(example(name));
        for var in CONFIG_VARS {
            command.env_remove(var);
        }
        command
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log);
        let child = command
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {name}: {err}"));
        Self {
            name: name.to_owned(),
            child,
            output,
        }
    }

    /// What the process printed so far.
    fn output(&self) -> String {
        self.output.read()
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
            sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `send_event` with `args` and `env`, returning (success, stdout, stderr).
fn send_event(args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
    let mut command = Command::new(example("send_event"));
    for var in CONFIG_VARS {
        command.env_remove(var);
    }
    let mut child = command
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start send_event");
    let mut guard = ChildGuard(Some(&mut child));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = guard.child().try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < WAIT,
            "send_event {args:?} still running after {WAIT:?}"
        );
        sleep(Duration::from_millis(10));
    };
    let child = guard.0.take().unwrap();
    let mut stdout = String::new();
    let mut stderr = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (status.success(), stdout, stderr)
}

/// Kills and reaps a child still held when dropped.
struct ChildGuard<'a>(Option<&'a mut Child>);

impl ChildGuard<'_> {
    fn child(&mut self) -> &mut Child {
        self.0.as_mut().unwrap()
    }
}

impl Drop for ChildGuard<'_> {
    fn drop(&mut self) {
        if let Some(child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Sends `event` with `overrides` to the server on `port`, expecting success and
/// `expected_status` with `expected_body` on stdout.
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
            let port = free_port().to_string();
            let archive = TempPath::new("unused.jsonl");
            let archive_path = archive.0.to_str().unwrap().to_owned();
            let mut env = vec![
                ("PORT", port.as_str()),
                ("ARCHIVE_PATH", archive_path.as_str()),
            ];
            if let Some(token) = token {
                env.push(("TWILIO_AUTH_TOKEN", token));
            }
            let mut server = Running::start(name, &env);
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
    let port = free_port().to_string();
    let mut server = Running::start(
        "profanity_filter",
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
    let port = free_port();
    let port_text = port.to_string();
    let mut server = Running::start(
        "profanity_filter",
        &[("TWILIO_AUTH_TOKEN", TOKEN), ("PORT", &port_text)],
    );
    server.wait_listening(port);

    expect_answer(
        port,
        &[],
        &["onMessageAdd", "Body=what the heck"],
        "200",
        r#"{"body":"what the ****"}"#,
    );
    expect_answer(port, &[], &["onMessageAdd", "Body=hello"], "200", "{}");
    expect_answer(
        port,
        &[],
        &["onConversationUpdate", "FriendlyName=Darn it"],
        "200",
        r#"{"friendly_name":"**** it"}"#,
    );
    expect_answer(port, &[], &["onMessageAdded", "Body=heck"], "200", "{}");
    let url = format!("http://127.0.0.1:{port}/twilio/conversations");
    expect_answer(
        port,
        &[("PORT", "1")],
        &["--url", &url, "onMessageUpdate", "Body=HECK"],
        "200",
        r#"{"body":"****"}"#,
    );

    // A request signed with another token is refused, and the server goes on.
    let (ok, stdout, stderr) = send_event(
        &["onMessageAdd", "Body=heck"],
        &[("TWILIO_AUTH_TOKEN", "wrong-token"), ("PORT", &port_text)],
    );
    assert!(ok, "{stderr}");
    assert!(stdout.starts_with("403"), "{stdout}");
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
    drop(server);
}

#[test]
fn profanity_filter_reads_its_word_list_and_blocked_authors() {
    let port = free_port();
    let port_text = port.to_string();
    let mut server = Running::start(
        "profanity_filter",
        &[
            ("TWILIO_AUTH_TOKEN", &format!("old-token,{TOKEN}")),
            ("PORT", &port_text),
            ("PROFANITY_WORDS", "bother, Дурак"),
            ("BLOCKED_AUTHORS", "mallory,eve"),
        ],
    );
    server.wait_listening(port);
    expect_answer(
        port,
        &[],
        &["onMessageAdd", "Body=oh BOTHER"],
        "200",
        r#"{"body":"oh ******"}"#,
    );
    expect_answer(
        port,
        &[],
        &["onMessageAdd", "Body=ты дурак"],
        "200",
        r#"{"body":"ты *****"}"#,
    );
    expect_answer(
        port,
        &[],
        &["onMessageAdd", "Body=what the heck"],
        "200",
        "{}",
    );
    expect_answer(
        port,
        &[],
        &["onMessageAdd", "Author=eve", "Body=hi"],
        "403",
        "author is blocked",
    );
    expect_answer(
        port,
        &[],
        &["onMessageUpdate", "Author=mallory"],
        "403",
        "author is blocked",
    );
    // The second token of the list is accepted too.
    let port_env = [("TWILIO_AUTH_TOKEN", "old-token")];
    expect_answer(
        port,
        &port_env,
        &["onMessageAdd", "Body=bother"],
        "200",
        r#"{"body":"******"}"#,
    );
}

#[test]
fn profanity_filter_behind_a_public_url() {
    let port = free_port();
    let port_text = port.to_string();
    let mut server = Running::start(
        "profanity_filter",
        &[
            ("TWILIO_AUTH_TOKEN", TOKEN),
            ("PORT", &port_text),
            ("PUBLIC_URL", "https://hooks.example.com"),
        ],
    );
    server.wait_listening(port);
    // send_event signs over PUBLIC_URL + path, as Twilio would.
    expect_answer(
        port,
        &[("PUBLIC_URL", "https://hooks.example.com")],
        &["onMessageAdd", "Body=heck"],
        "200",
        r#"{"body":"****"}"#,
    );
    // Signed over the local URL: not what Twilio signs for this server.
    let (ok, stdout, _) = send_event(
        &["onMessageAdd", "Body=heck"],
        &[("TWILIO_AUTH_TOKEN", TOKEN), ("PORT", &port_text)],
    );
    assert!(ok);
    assert!(stdout.starts_with("403"), "{stdout}");
}

#[test]
fn archive_appends_post_action_events_to_archive_path() {
    let archive = TempPath::new("archive.jsonl");
    let port = free_port();
    let port_text = port.to_string();
    let mut server = Running::start(
        "archive",
        &[
            ("TWILIO_AUTH_TOKEN", TOKEN),
            ("PORT", &port_text),
            ("ARCHIVE_PATH", archive.0.to_str().unwrap()),
        ],
    );
    server.wait_listening(port);

    expect_answer(port, &[], &["onMessageAdded", "Body=archived"], "200", "{}");
    // On disk as soon as the answer is in.
    let text = archive.read();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{text}");
    let line: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
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
    let text = archive.read();
    let event_types: Vec<String> = text
        .lines()
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
    let port = free_port();
    let port_text = port.to_string();
    let mut server = Running::start(
        "axum_app",
        &[("TWILIO_AUTH_TOKEN", TOKEN), ("PORT", &port_text)],
    );
    server.wait_listening(port);
    expect_answer(port, &[], &["onMessageAdd", "Body=hi"], "200", "{}");
    expect_answer(
        port,
        &[],
        &["onMessageAdd", "Body=  ", "Media="],
        "403",
        "empty message",
    );
    expect_answer(port, &[], &["onMessageAdded"], "200", "{}");
    let stats = http_get(port, "/stats");
    assert!(stats.ends_with("messages: 1\nrefused: 1\n"), "{stats}");
}

#[test]
fn middleware_answers_webhooks_and_passes_the_rest_on() {
    let port = free_port();
    let port_text = port.to_string();
    let mut server = Running::start(
        "middleware",
        &[("TWILIO_AUTH_TOKEN", TOKEN), ("PORT", &port_text)],
    );
    server.wait_listening(port);
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
    let (ok, stdout, _) = send_event(
        &["--url", &sms, "onMessageAdded"],
        &[("TWILIO_AUTH_TOKEN", "wrong-token")],
    );
    assert!(ok);
    assert!(stdout.starts_with("403"), "{stdout}");
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
