//! The debug span every webhook is answered in: what it records, and that it is recorded only
//! when a subscriber listens at debug level.

use std::io::Write;
use std::sync::{Arc, Mutex};

use tower::ServiceExt;
use tracing_subscriber::fmt::MakeWriter;
use twilio_webhooks::conversations::OnMessageAdd;
use twilio_webhooks::router::Webhooks;
use twilio_webhooks::testing::{sample_params, signed_request};
use twilio_webhooks::{Decision, DecisionFor, MessageModification};

const TOKEN: &str = "tracing-test-token";
const URL: &str = "http://hooks.example.com/twilio/conversations";

/// Everything the subscriber writes, kept for the test to read.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

async fn shout(message: OnMessageAdd) -> DecisionFor<OnMessageAdd> {
    Decision::modify(MessageModification::new().body(message.body.to_uppercase()))
}

async fn refuse(_: OnMessageAdd) -> Result<DecisionFor<OnMessageAdd>, String> {
    Err("the moderation service is down".into())
}

/// Answers one signed onMessageAdd through the tower service; returns the status.
fn answer_one(webhooks: Webhooks<()>) -> u16 {
    let service = webhooks
        .validator(
            twilio_webhooks::signature::Validator::from_auth_tokens(TOKEN)
                .unwrap()
                .public_url("http://hooks.example.com")
                .unwrap(),
        )
        .into_service(())
        .unwrap();
    let request = signed_request(URL, &sample_params("onMessageAdd").unwrap(), TOKEN).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let response = runtime.block_on(service.oneshot(request)).unwrap();
    response.status().as_u16()
}

/// Runs `run` with a subscriber at `level`; returns its result and what the subscriber wrote.
fn capture<R>(level: tracing::Level, run: impl FnOnce() -> R) -> (R, String) {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_ansi(false)
        .with_writer(captured.clone())
        .finish();
    let result = tracing::subscriber::with_default(subscriber, run);
    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    (result, text)
}

fn captured_at(level: tracing::Level, webhooks: Webhooks<()>) -> (u16, String) {
    capture(level, || answer_one(webhooks))
}

#[test]
fn a_debug_subscriber_sees_the_event_decision_status_and_time() {
    let (status, text) = captured_at(tracing::Level::DEBUG, Webhooks::new().pre_action(shout));
    assert_eq!(status, 200);
    let answered = text
        .lines()
        .find(|line| line.contains("answered"))
        .unwrap_or_else(|| panic!("no `answered` line in:\n{text}"));
    for field in [
        "event_type=onMessageAdd",
        "conversation_sid=CH",
        "decision=\"modify\"",
        "status=200",
        "elapsed_us=",
    ] {
        assert!(answered.contains(field), "{field} missing from: {answered}");
    }
}

#[test]
fn without_debug_nothing_is_written_and_the_answer_is_the_same() {
    let (status, text) = captured_at(tracing::Level::INFO, Webhooks::new().pre_action(shout));
    assert_eq!(status, 200);
    assert_eq!(text, "");
}

#[test]
fn a_failed_handler_is_traced_as_an_error() {
    let (status, text) = captured_at(tracing::Level::DEBUG, Webhooks::new().pre_action(refuse));
    assert_eq!(status, 500);
    assert!(text.contains("the moderation service is down"), "{text}");
    let answered = text
        .lines()
        .find(|line| line.contains("answered"))
        .unwrap_or_else(|| panic!("no `answered` line in:\n{text}"));
    for field in ["decision=\"error\"", "status=500"] {
        assert!(answered.contains(field), "{field} missing from: {answered}");
    }
}

async fn blocked(_: OnMessageAdd) -> DecisionFor<OnMessageAdd> {
    Decision::reject_because("author is blocked")
}

#[test]
fn a_rejection_reason_is_in_the_trace() {
    let (status, text) = captured_at(tracing::Level::DEBUG, Webhooks::new().pre_action(blocked));
    assert_eq!(status, 403);
    let answered = text
        .lines()
        .find(|line| line.contains("answered"))
        .unwrap_or_else(|| panic!("no `answered` line in:\n{text}"));
    for field in [
        "decision=\"reject\"",
        "status=403",
        "reason=\"author is blocked\"",
    ] {
        assert!(answered.contains(field), "{field} missing from: {answered}");
    }
}

/// One error policy: the router and the signature layer answer a forged request with the same
/// short reason; the URL the server rebuilt and the key count go to a `warn` event, and the
/// auth token goes nowhere.
#[test]
fn refusals_answer_a_short_reason_and_log_the_details_at_warn() {
    use tower::Layer;
    use twilio_webhooks::signature::{ValidateSignatureLayer, Validator};

    let validator = || Validator::from_auth_tokens(TOKEN).unwrap();
    let forged = || {
        signed_request(
            URL,
            &sample_params("onMessageAdd").unwrap(),
            "not-the-token",
        )
        .unwrap()
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let router = Webhooks::<()>::new()
        .validator(validator())
        .into_service(())
        .unwrap();
    let inner = tower::service_fn(
        |_: http::Request<http_body_util::Full<bytes::Bytes>>| async {
            Ok::<_, std::convert::Infallible>(http::Response::new(String::from("reached")))
        },
    );
    let layered = ValidateSignatureLayer::new(validator()).layer(inner);

    let ((router_status, router_body), router_log) = capture(tracing::Level::WARN, || {
        runtime.block_on(async {
            let response = router.oneshot(forged()).await.unwrap();
            let status = response.status();
            let body = http_body_util::BodyExt::collect(response.into_body())
                .await
                .unwrap()
                .to_bytes();
            (status, String::from_utf8(body.to_vec()).unwrap())
        })
    });
    let ((layer_status, layer_body), layer_log) = capture(tracing::Level::WARN, || {
        runtime.block_on(async {
            let response = layered.oneshot(forged()).await.unwrap();
            (response.status(), response.into_body())
        })
    });
    assert_eq!(
        (router_status.as_u16(), router_body.as_str()),
        (403, "invalid X-Twilio-Signature")
    );
    assert_eq!(
        (layer_status.as_u16(), layer_body.as_str()),
        (403, "invalid X-Twilio-Signature")
    );
    for log in [&router_log, &layer_log] {
        let line = log
            .lines()
            .find(|line| line.contains("WARN"))
            .unwrap_or_else(|| panic!("no warn event in:\n{log}"));
        assert!(line.contains(URL), "the rebuilt URL is logged: {line}");
        assert!(
            line.contains("with 1 HMAC_SHA1 key"),
            "the key count is logged: {line}"
        );
        assert!(
            !log.contains(TOKEN),
            "the auth token is never logged: {log}"
        );
    }
}
