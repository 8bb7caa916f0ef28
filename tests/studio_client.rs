//! The Studio REST client against a stand-in of Studio's REST API on 127.0.0.1
//! (`studio_standin`): starting, the one-active-Execution-per-contact rule, credentials, errors,
//! retries of reads only, timeouts, contexts by trigger and correlation. Every test is bounded.

#![cfg(feature = "studio")]

mod studio_standin;

use std::future::Future;
use std::time::{Duration, Instant};

use serde_json::json;
use studio_standin::{Fault, StandIn};
use twilio_webhooks::sid::{CallSid, ConversationSid, ExecutionSid, FlowSid};
use twilio_webhooks::studio::{
    correlate, needs_context, Correlation, Credentials, Execution, ExecutionStatus, StudioClient,
    StudioError, Trigger,
};

/// The longest any test may run.
const TEST_BOUND: Duration = Duration::from_secs(20);

const CONTACT: &str = "+15551230000";
const OTHER_CONTACT: &str = "+15551239999";
const TWILIO_NUMBER: &str = "+15559870000";
const CH: &str = "CH0123456789abcdef0123456789abcdef";
const CA: &str = "CA0123456789abcdef0123456789abcdef";

async fn bounded<F: Future>(test: F) -> F::Output {
    tokio::time::timeout(TEST_BOUND, test)
        .await
        .expect("the test took longer than its bound")
}

fn flow() -> FlowSid {
    studio_standin::FLOW.parse().unwrap()
}

fn token_credentials(token: &str) -> Credentials {
    Credentials::auth_token(studio_standin::ACCOUNT_SID.parse().unwrap(), token)
}

fn key_credentials(secret: &str) -> Credentials {
    Credentials::api_key(
        studio_standin::ACCOUNT_SID.parse().unwrap(),
        studio_standin::API_KEY_SID.parse().unwrap(),
        secret,
    )
}

fn client_with(standin: &StandIn, credentials: Credentials) -> StudioClient {
    StudioClient::builder(credentials)
        .base_url(standin.base_url())
        .timeout(Duration::from_secs(2))
        .backoff(Duration::from_millis(20))
        .build()
        .unwrap()
}

fn client(standin: &StandIn) -> StudioClient {
    client_with(standin, token_credentials(studio_standin::AUTH_TOKEN))
}

/// Starts an Execution of the test flow for the usual contact, as most tests' setup does.
async fn started(studio: &StudioClient) -> Execution {
    studio
        .start_execution(flow(), CONTACT, TWILIO_NUMBER, &())
        .await
        .unwrap()
}

#[tokio::test]
async fn start_returns_the_typed_execution_and_sends_parameters_as_a_json_string() {
    bounded(async {
        let standin = StandIn::start().await;
        let studio = client(&standin);

        #[derive(serde::Serialize)]
        struct Reminder {
            name: &'static str,
            slot: u32,
        }
        let execution = studio
            .start_execution(
                flow(),
                CONTACT,
                TWILIO_NUMBER,
                &Reminder {
                    name: "Zeke",
                    slot: 3,
                },
            )
            .await
            .unwrap();

        assert_eq!(execution.flow_sid, flow());
        assert_eq!(execution.account_sid, studio_standin::ACCOUNT_SID);
        assert_eq!(execution.status, ExecutionStatus::Active);
        assert_eq!(execution.contact_channel_address.as_deref(), Some(CONTACT));
        assert!(execution.date_created.is_some() && execution.date_updated.is_some());
        let url = execution.url.as_deref().unwrap();
        assert!(
            url.ends_with(&format!("/Executions/{}", execution.sid)),
            "{url}"
        );
        let links = execution.links.as_ref().unwrap();
        assert_eq!(
            links.execution_context.as_deref(),
            Some(&*format!("{url}/Context"))
        );
        assert_eq!(
            execution.context["flow"]["data"],
            json!({"name": "Zeke", "slot": 3})
        );

        // What went over the wire: a form with To, From and Parameters as a JSON string.
        let requests = standin.requests();
        assert_eq!(requests.len(), 1);
        let sent = &requests[0];
        assert_eq!(sent.method, "POST");
        assert_eq!(sent.path, format!("/v2/Flows/{}/Executions", flow()));
        let field = |name: &str| {
            sent.form
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
        };
        assert_eq!(field("To"), Some(CONTACT));
        assert_eq!(field("From"), Some(TWILIO_NUMBER));
        let parameters: serde_json::Value =
            serde_json::from_str(field("Parameters").unwrap()).unwrap();
        assert_eq!(parameters, json!({"name": "Zeke", "slot": 3}));

        // No parameters: the field is left out.
        let bare = studio
            .start_execution(flow(), OTHER_CONTACT, TWILIO_NUMBER, &())
            .await
            .unwrap();
        assert_eq!(bare.context["flow"]["data"], json!({}));
        assert!(standin.requests()[1]
            .form
            .iter()
            .all(|(key, _)| key != "Parameters"));

        // Parameters that are not an object are refused before anything is sent.
        let err = studio
            .start_execution(flow(), "+15550000000", TWILIO_NUMBER, &[1, 2])
            .await
            .unwrap_err();
        assert!(
            matches!(err, StudioError::InvalidParameters { .. }),
            "{err}"
        );
        assert_eq!(standin.requests().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_second_active_execution_for_a_contact_is_execution_active_until_the_first_ends() {
    bounded(async {
        let standin = StandIn::start().await;
        let studio = client(&standin);
        let first = started(&studio).await;

        let err = studio
            .start_execution(flow(), CONTACT, TWILIO_NUMBER, &json!({"again": true}))
            .await
            .unwrap_err();
        let StudioError::ExecutionActive {
            flow: refused,
            error,
        } = &err
        else {
            panic!("expected ExecutionActive, got {err:?}");
        };
        assert_eq!(*refused, flow());
        assert_eq!((error.status, error.code), (409, Some(20409)));
        assert!(
            error.message.contains(first.sid.as_str()),
            "{}",
            error.message
        );
        assert_eq!(
            error.more_info.as_deref(),
            Some("https://www.twilio.com/docs/errors/20409")
        );
        assert_eq!(err.status(), Some(409));
        assert!(!err.is_transient());
        assert!(
            err.to_string().contains("already has an active Execution"),
            "{err}"
        );

        // Another contact, or the same contact in another flow, is not affected.
        studio
            .start_execution(flow(), OTHER_CONTACT, TWILIO_NUMBER, &())
            .await
            .unwrap();
        let other_flow: FlowSid = studio_standin::OTHER_FLOW.parse().unwrap();
        studio
            .start_execution(other_flow, CONTACT, TWILIO_NUMBER, &())
            .await
            .unwrap();

        // Ending the first lets the contact start again.
        let ended = studio.end_execution(flow(), first.sid).await.unwrap();
        assert_eq!(
            (ended.sid, ended.status),
            (first.sid, ExecutionStatus::Ended)
        );
        let ended_request = standin.requests().pop().unwrap();
        assert_eq!(
            ended_request.path,
            format!("/v2/Flows/{}/Executions/{}", flow(), first.sid)
        );
        assert_eq!(
            ended_request.form,
            [("Status".to_owned(), "ended".to_owned())]
        );
        let fetched = studio.execution(flow(), first.sid).await.unwrap();
        assert_eq!(fetched.status, ExecutionStatus::Ended);

        let again = started(&studio).await;
        assert_ne!(again.sid, first.sid);
        assert_eq!(again.status, ExecutionStatus::Active);
    })
    .await;
}

#[tokio::test]
async fn concurrent_starts_for_one_contact_give_one_execution_and_the_rest_execution_active() {
    bounded(async {
        let standin = StandIn::start().await;
        let studio = client(&standin);
        let starts = (0..6).map(|_| {
            let studio = studio.clone();
            tokio::spawn(async move {
                studio
                    .start_execution(flow(), CONTACT, TWILIO_NUMBER, &())
                    .await
            })
        });
        let mut started = 0;
        let mut active = 0;
        for start in starts {
            match start.await.unwrap() {
                Ok(_) => started += 1,
                Err(StudioError::ExecutionActive { .. }) => active += 1,
                Err(other) => panic!("unexpected {other}"),
            }
        }
        assert_eq!((started, active), (1, 5));
    })
    .await;
}

#[tokio::test]
async fn wrong_credentials_are_401_in_both_styles_and_right_ones_work() {
    bounded(async {
        let standin = StandIn::start().await;
        let by_key = client_with(&standin, key_credentials(studio_standin::API_KEY_SECRET));
        by_key
            .start_execution(flow(), CONTACT, TWILIO_NUMBER, &())
            .await
            .unwrap();

        let wrong_secret = "wrong-secret-zyx987";
        for studio in [
            client_with(&standin, token_credentials(wrong_secret)),
            client_with(&standin, key_credentials(wrong_secret)),
            // The auth token does not go with the API key, nor the key secret with the account.
            client_with(&standin, key_credentials(studio_standin::AUTH_TOKEN)),
            client_with(&standin, token_credentials(studio_standin::API_KEY_SECRET)),
        ] {
            let before = standin.requests().len();
            let err = studio
                .start_execution(flow(), OTHER_CONTACT, TWILIO_NUMBER, &())
                .await
                .unwrap_err();
            let StudioError::Api { error, .. } = &err else {
                panic!("expected an API error, got {err:?}");
            };
            assert_eq!((error.status, error.code), (401, Some(20003)));
            // A read answered 401 is not retried either.
            let read = studio
                .execution(
                    flow(),
                    "FN0123456789abcdef0123456789abcdef".parse().unwrap(),
                )
                .await;
            assert_eq!(read.unwrap_err().status(), Some(401));
            assert_eq!(standin.requests().len(), before + 2);
            for shown in [err.to_string(), format!("{err:?}"), format!("{studio:?}")] {
                assert!(!shown.contains(wrong_secret), "{shown}");
                assert!(!shown.contains(studio_standin::AUTH_TOKEN), "{shown}");
                assert!(!shown.contains(studio_standin::API_KEY_SECRET), "{shown}");
            }
        }
    })
    .await;
}

#[tokio::test]
async fn debug_of_the_client_shows_no_secret() {
    let standin = StandIn::start().await;
    for studio in [
        client(&standin),
        client_with(&standin, key_credentials(studio_standin::API_KEY_SECRET)),
    ] {
        let shown = format!("{studio:?}");
        assert!(shown.contains(studio_standin::ACCOUNT_SID), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
        assert!(!shown.contains(studio_standin::AUTH_TOKEN), "{shown}");
        assert!(!shown.contains(studio_standin::API_KEY_SECRET), "{shown}");
    }
}

#[tokio::test]
async fn unknown_flows_and_executions_are_404() {
    bounded(async {
        let standin = StandIn::start().await;
        let studio = client(&standin);
        let unknown_flow: FlowSid = "FW99999999999999999999999999999999".parse().unwrap();
        let unknown: ExecutionSid = "FN99999999999999999999999999999999".parse().unwrap();

        let start = studio
            .start_execution(unknown_flow, CONTACT, TWILIO_NUMBER, &())
            .await
            .unwrap_err();
        let fetch = studio.execution(flow(), unknown).await.unwrap_err();
        let context = studio.execution_context(flow(), unknown).await.unwrap_err();
        let end = studio.end_execution(flow(), unknown).await.unwrap_err();
        for err in [&start, &fetch, &context, &end] {
            assert!(err.is_not_found(), "{err:?}");
            assert_eq!(err.api_error().unwrap().code, Some(20404));
            assert!(!err.is_transient());
        }
        assert!(
            start
                .to_string()
                .contains(&format!("POST /v2/Flows/{unknown_flow}/Executions")),
            "{start}"
        );
        assert!(context.to_string().contains("/Context"), "{context}");
        assert!(!start.to_string().contains("127.0.0.1"), "{start}");

        // An Execution of another flow is not found under this one.
        let elsewhere = studio
            .start_execution(
                studio_standin::OTHER_FLOW.parse().unwrap(),
                CONTACT,
                TWILIO_NUMBER,
                &(),
            )
            .await
            .unwrap();
        assert!(studio
            .execution(flow(), elsewhere.sid)
            .await
            .unwrap_err()
            .is_not_found());
        // 404s of reads are not retried.
        assert_eq!(standin.requests().len(), 6);
    })
    .await;
}

#[tokio::test]
async fn a_rate_limited_read_is_retried_after_retry_after_and_succeeds() {
    bounded(async {
        let standin = StandIn::start().await;
        let studio = client(&standin);
        let execution = started(&studio).await;

        standin.push_faults([Fault::RateLimited(Some(1))]);
        let began = Instant::now();
        let fetched = studio.execution(flow(), execution.sid).await.unwrap();
        let waited = began.elapsed();
        assert_eq!(fetched.sid, execution.sid);
        assert!(
            waited >= Duration::from_secs(1),
            "Retry-After not honoured: {waited:?}"
        );
        assert!(waited < Duration::from_secs(3), "{waited:?}");
        assert_eq!(standin.requests().len(), 3); // start, 429, success

        // Without Retry-After, the backoff applies; two 429s then success.
        standin.push_faults([Fault::RateLimited(None), Fault::RateLimited(None)]);
        studio
            .execution_context(flow(), execution.sid)
            .await
            .unwrap();
        assert_eq!(standin.requests().len(), 6);
    })
    .await;
}

#[tokio::test]
async fn a_retry_after_beyond_the_limit_is_returned_not_waited_for() {
    bounded(async {
        let standin = StandIn::start().await;
        let studio = client(&standin);
        let sid: ExecutionSid = "FN0123456789abcdef0123456789abcdef".parse().unwrap();
        standin.push_faults([Fault::RateLimited(Some(120))]);
        let began = Instant::now();
        let err = studio.execution(flow(), sid).await.unwrap_err();
        assert!(began.elapsed() < Duration::from_secs(1));
        assert_eq!(err.status(), Some(429));
        assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
        assert!(err.is_transient());
        assert_eq!(standin.requests().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_rate_limited_start_is_not_retried_and_carries_retry_after() {
    bounded(async {
        let standin = StandIn::start().await;
        let studio = client(&standin);
        standin.push_faults([Fault::RateLimited(Some(2))]);
        let err = studio
            .start_execution(flow(), CONTACT, TWILIO_NUMBER, &())
            .await
            .unwrap_err();
        let StudioError::Api { error, .. } = &err else {
            panic!("expected an API error, got {err:?}");
        };
        assert_eq!((error.status, error.code), (429, Some(20429)));
        assert_eq!(err.retry_after(), Some(Duration::from_secs(2)));
        assert!(err.to_string().contains("retry after 2 s"), "{err}");
        assert_eq!(standin.requests().len(), 1);

        // Nor is a 5xx on a start, or on an end.
        standin.push_faults([Fault::ServerError(503)]);
        let err = studio
            .start_execution(flow(), CONTACT, TWILIO_NUMBER, &())
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(503));
        assert_eq!(standin.requests().len(), 2);
        let execution = started(&studio).await;
        standin.push_faults([Fault::ServerError(500)]);
        assert_eq!(
            studio
                .end_execution(flow(), execution.sid)
                .await
                .unwrap_err()
                .status(),
            Some(500)
        );
        assert_eq!(standin.requests().len(), 4);
    })
    .await;
}

#[tokio::test]
async fn server_errors_on_reads_are_retried_a_bounded_number_of_times() {
    bounded(async {
        let standin = StandIn::start().await;
        let studio = client(&standin);
        let execution = started(&studio).await;

        standin.push_faults([Fault::ServerError(503), Fault::ServerError(500)]);
        let fetched = studio.execution(flow(), execution.sid).await.unwrap();
        assert_eq!(fetched.sid, execution.sid);
        assert_eq!(standin.requests().len(), 4);

        // Three failures use up the three attempts; the last answer is returned.
        standin.push_faults([
            Fault::ServerError(500),
            Fault::ServerError(502),
            Fault::ServerError(503),
            Fault::ServerError(500),
        ]);
        let err = studio
            .execution_context(flow(), execution.sid)
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(503));
        assert!(err.is_transient());
        assert_eq!(standin.requests().len(), 7);

        // One attempt only, when configured so.
        let once = StudioClient::builder(token_credentials(studio_standin::AUTH_TOKEN))
            .base_url(standin.base_url())
            .max_attempts(1)
            .build()
            .unwrap();
        assert_eq!(
            once.execution(flow(), execution.sid)
                .await
                .unwrap_err()
                .status(),
            Some(500)
        );
        assert_eq!(standin.requests().len(), 8);
    })
    .await;
}

#[tokio::test]
async fn non_json_error_bodies_become_api_errors_with_the_text() {
    bounded(async {
        let standin = StandIn::start().await;
        let studio = client(&standin);
        standin.push_faults([Fault::Raw(
            502,
            "<html><body>Bad Gateway from the edge</body></html>",
        )]);
        let err = studio
            .start_execution(flow(), CONTACT, TWILIO_NUMBER, &())
            .await
            .unwrap_err();
        let error = err.api_error().unwrap();
        assert_eq!(
            (error.status, error.code, error.more_info.as_deref()),
            (502, None, None)
        );
        assert!(
            error.message.contains("Bad Gateway from the edge"),
            "{}",
            error.message
        );

        standin.push_faults([Fault::Raw(400, "")]);
        let err = studio
            .start_execution(flow(), CONTACT, TWILIO_NUMBER, &())
            .await
            .unwrap_err();
        assert_eq!(err.api_error().unwrap().message, "Bad Request");
    })
    .await;
}

#[tokio::test]
async fn a_stand_in_that_never_answers_times_out_within_the_bound() {
    bounded(async {
        let standin = StandIn::start().await;
        let timeout = Duration::from_millis(400);
        let studio = StudioClient::builder(token_credentials(studio_standin::AUTH_TOKEN))
            .base_url(standin.base_url())
            .timeout(timeout)
            .build()
            .unwrap();
        let sid: ExecutionSid = "FN0123456789abcdef0123456789abcdef".parse().unwrap();

        for _ in 0..2 {
            standin.push_faults([Fault::Hang]);
        }
        let began = Instant::now();
        let read = studio.execution(flow(), sid).await.unwrap_err();
        let read_took = began.elapsed();
        let began = Instant::now();
        let start = studio
            .start_execution(flow(), CONTACT, TWILIO_NUMBER, &())
            .await
            .unwrap_err();
        let start_took = began.elapsed();

        for (err, took) in [(&read, read_took), (&start, start_took)] {
            assert!(matches!(err, StudioError::Timeout { .. }), "{err:?}");
            assert!(err.is_transient());
            assert!(
                took >= timeout && took < timeout + Duration::from_secs(1),
                "{took:?}"
            );
        }
        assert!(read.to_string().contains("within 400 ms"), "{read}");
        // A timeout is not retried, not even for a read.
        assert_eq!(standin.requests().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_silent_raw_listener_times_out_and_a_closed_port_is_a_transport_error() {
    bounded(async {
        // Accepts connections and never writes a byte.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let silent = listener.local_addr().unwrap();
        let held = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                held.push(socket);
            }
        });
        let studio = StudioClient::builder(token_credentials(studio_standin::AUTH_TOKEN))
            .base_url(format!("http://{silent}"))
            .timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        let sid: ExecutionSid = "FN0123456789abcdef0123456789abcdef".parse().unwrap();
        let began = Instant::now();
        let err = studio.execution_context(flow(), sid).await.unwrap_err();
        assert!(matches!(err, StudioError::Timeout { .. }), "{err:?}");
        assert!(began.elapsed() < Duration::from_secs(1));
        held.abort();

        // Nothing listens on a port that was just released.
        let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let closed_addr = closed.local_addr().unwrap();
        drop(closed);
        let studio = StudioClient::builder(token_credentials(studio_standin::AUTH_TOKEN))
            .base_url(format!("http://{closed_addr}"))
            .build()
            .unwrap();
        let err = studio.execution(flow(), sid).await.unwrap_err();
        assert!(matches!(err, StudioError::Transport { .. }), "{err:?}");
        assert!(err.is_transient());
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(studio_standin::AUTH_TOKEN), "{shown}");
    })
    .await;
}

#[tokio::test]
async fn contexts_by_trigger_are_typed_and_correlate() {
    bounded(async {
        let standin = StandIn::start().await;
        let studio = client(&standin);

        // Incoming Conversation.
        let conversation = standin.seed_execution(
            studio_standin::FLOW,
            "whatsapp:+15551230000",
            json!({
                "trigger": {"conversation": {
                    "ConversationSid": CH, "Body": "I need help", "Author": "whatsapp:+15551230000",
                    "MessageSid": "IM0123456789abcdef0123456789abcdef",
                    "ParticipantSid": "MB0123456789abcdef0123456789abcdef"}},
                "flow": {"flow_sid": studio_standin::FLOW, "channel": {"address": CH}},
            }),
        );
        // Incoming Call.
        let call = standin.seed_execution(
            studio_standin::FLOW,
            "+15551231111",
            json!({"trigger": {"call": {"CallSid": CA, "From": "+15551231111", "To": TWILIO_NUMBER,
                                        "CallStatus": "ringing", "Direction": "inbound"}}}),
        );
        // Incoming Message.
        let message = standin.seed_execution(
            studio_standin::FLOW,
            "+15551232222",
            json!({"trigger": {"message": {"Body": "STOP", "From": "+15551232222", "To": TWILIO_NUMBER,
                                           "MessageSid": "SM0123456789abcdef0123456789abcdef", "NumMedia": "0"}},
                   "contact": {"channel": {"address": "+15551232222"}}}),
        );
        // REST API: started through the client.
        let rest = studio
            .start_execution(flow(), CONTACT, TWILIO_NUMBER, &json!({"order": 1234, "name": "Zeke"}))
            .await
            .unwrap();

        let fetch = |sid: &str| {
            let studio = studio.clone();
            let sid: ExecutionSid = sid.parse().unwrap();
            async move { studio.execution_context(flow(), sid).await.unwrap() }
        };

        let context = fetch(&conversation).await;
        assert_eq!(context.execution_sid.unwrap(), conversation.as_str());
        assert_eq!(context.flow_sid, Some(flow()));
        let Some(Trigger::Conversation(fields)) = context.trigger() else {
            panic!("expected a conversation trigger: {:?}", context.trigger());
        };
        assert_eq!((fields.body(), fields.author()), (Some("I need help"), Some("whatsapp:+15551230000")));
        assert_eq!(context.conversation_sid(), Some(CH.parse::<ConversationSid>().unwrap()));
        assert_eq!(
            correlate(Some("IM0123456789abcdef0123456789abcdef"), Some(&context)),
            Some(Correlation::Conversation(CH.parse().unwrap()))
        );

        let context = fetch(&call).await;
        assert!(matches!(context.trigger(), Some(Trigger::Call(_))));
        assert_eq!(context.call_sid(), Some(CA.parse::<CallSid>().unwrap()));
        assert_eq!(context.trigger().unwrap().fields().str("CallStatus"), Some("ringing"));
        assert_eq!(correlate(None, Some(&context)), Some(Correlation::Call(CA.parse().unwrap())));

        let context = fetch(&message).await;
        let text = context.message().unwrap();
        assert_eq!((text.body(), text.from()), (Some("STOP"), Some("+15551232222")));
        assert!(text.message_sid().unwrap().starts_with("SM"));
        assert_eq!(context.contact_channel_address(), Some("+15551232222"));
        assert_eq!(correlate(None, Some(&context)), None);

        let context = fetch(rest.sid.as_str()).await;
        let data = context.flow_data().unwrap();
        assert_eq!((&data["order"], &data["name"]), (&json!(1234), &json!("Zeke")));
        assert_eq!(context.flow_channel_address(), Some(TWILIO_NUMBER));
        assert!(context.trigger().is_none());
        assert_eq!(correlate(None, Some(&context)), None);
        // The Execution resource's own context reads the same way.
        assert_eq!(rest.execution_context().flow_data(), Some(data));

        // started_by decides alone when it is a CH or CA SID; otherwise the context is needed.
        assert!(!needs_context(Some(CA)));
        assert!(needs_context(Some("SM0123456789abcdef0123456789abcdef")));
        assert!(needs_context(None));
    })
    .await;
}
