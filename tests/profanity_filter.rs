//! The profanity filter example's handlers, served over real HTTP with signature validation,
//! driven with signed requests for all 23 events.

mod common;

#[allow(dead_code)] // The example binary uses all of it; these tests use most of it.
#[path = "../examples/profanity_filter/filter.rs"]
mod filter;

use std::net::SocketAddr;

use common::{sample_replacing, send, serve, signed, url, TOKEN};
use twilio_webhooks::signature::Validator;
use twilio_webhooks::testing::{self, TestRequest};

/// Serves the example's router, as `main.rs` builds it, with `filter` as its state.
async fn serve_filter(filter: filter::Filter) -> SocketAddr {
    let router = filter::webhooks()
        .validator(Validator::from_auth_tokens(TOKEN).unwrap())
        .into_router()
        .unwrap();
    serve(router.with_state(filter)).await
}

/// The filter of the example server with no environment: the built-in words, nobody blocked.
fn default_filter() -> filter::Filter {
    filter::Filter::from_config(None, "")
}

/// Sends `onMessageAdd` with this body and returns (status, body).
async fn message(addr: SocketAddr, body: &str) -> (u16, String) {
    let params = sample_replacing("onMessageAdd", &[("Body", body)]);
    let reply = send(addr, signed(addr, common::PATH, params)).await;
    (reply.status, reply.body)
}

/// The JSON answer of a body modification.
fn masked_body(body: &str) -> String {
    serde_json::json!({ "body": body }).to_string()
}

#[tokio::test]
async fn every_sample_event_is_accepted_or_acknowledged_unchanged() {
    let addr = serve_filter(default_filter()).await;
    for event_type in testing::EVENT_TYPES {
        let request =
            testing::signed_event_request(&url(addr, common::PATH), event_type, TOKEN).unwrap();
        let reply = send(addr, request).await;
        assert_eq!(
            (reply.status, reply.body.as_str()),
            (200, "{}"),
            "{event_type}"
        );
        assert_eq!(
            reply.content_type(),
            Some("application/json"),
            "{event_type}"
        );
    }
}

#[tokio::test]
async fn only_the_four_filtered_events_are_masked() {
    let addr = serve_filter(default_filter()).await;
    let mut seen_body = 0;
    let mut seen_name = 0;
    for event_type in testing::EVENT_TYPES {
        // Profanity in every Body and FriendlyName the event carries.
        let params = sample_replacing(
            event_type,
            &[
                ("Body", "What the HECK, darn it"),
                ("FriendlyName", "Heck squad"),
            ],
        );
        seen_body += usize::from(params.get("Body").is_some());
        seen_name += usize::from(params.get("FriendlyName").is_some());
        let reply = send(addr, signed(addr, common::PATH, params)).await;
        let expected = match event_type {
            "onMessageAdd" | "onMessageUpdate" => masked_body("What the ****, **** it"),
            "onConversationAdd" | "onConversationUpdate" => {
                r#"{"friendly_name":"**** squad"}"#.to_owned()
            }
            _ => "{}".to_owned(),
        };
        assert_eq!(reply.status, 200, "{event_type}: {}", reply.body);
        assert_eq!(reply.body, expected, "{event_type}");
        assert_eq!(
            reply.content_type(),
            Some("application/json"),
            "{event_type}"
        );
    }
    // The check above covered events other than the four that carry the same parameters.
    assert!(seen_body > 2 && seen_name > 2, "{seen_body} {seen_name}");
}

#[tokio::test]
async fn blocked_authors_are_rejected_on_add_and_update_only() {
    // The samples' messages are written by alice.
    let addr = serve_filter(filter::Filter::from_config(None, " mallory, alice ")).await;
    for event_type in testing::EVENT_TYPES {
        let request =
            testing::signed_event_request(&url(addr, common::PATH), event_type, TOKEN).unwrap();
        let reply = send(addr, request).await;
        match event_type {
            "onMessageAdd" | "onMessageUpdate" => {
                assert_eq!(reply.status, 403, "{event_type}: {}", reply.body);
                assert_eq!(reply.body, "author is blocked", "{event_type}");
            }
            _ => assert_eq!(
                (reply.status, reply.body.as_str()),
                (200, "{}"),
                "{event_type}"
            ),
        }
    }
    // Rejected even with a clean body, and before masking; others are still masked.
    for body in ["hello", "what the heck"] {
        let params = sample_replacing("onMessageUpdate", &[("Body", body), ("Author", "mallory")]);
        let reply = send(addr, signed(addr, common::PATH, params)).await;
        assert_eq!(
            (reply.status, reply.body.as_str()),
            (403, "author is blocked")
        );
    }
    let params = sample_replacing("onMessageAdd", &[("Body", "heck"), ("Author", "bob")]);
    let reply = send(addr, signed(addr, common::PATH, params)).await;
    assert_eq!((reply.status, reply.body), (200, masked_body("****")));
}

#[tokio::test]
async fn masking_is_whole_word_case_insensitive_and_per_character() {
    let addr = serve_filter(default_filter()).await;
    let cases: &[(&str, Option<&str>)] = &[
        ("what the heck", Some("what the ****")),
        ("HECK", Some("****")),
        ("HeCk yeah", Some("**** yeah")),
        ("heck heck", Some("**** ****")),
        (
            "heck, darn, dang, frick and crap!",
            Some("****, ****, ****, ***** and ****!"),
        ),
        ("heck's", Some("****'s")),
        ("(heck)", Some("(****)")),
        ("dang-it", Some("****-it")),
        ("🙄heck🙄", Some("🙄****🙄")),
        ("naïve heck", Some("naïve ****")),
        ("heck\nline two", Some("****\nline two")),
        // Inside longer words: left alone.
        ("heckle", None),
        ("check", None),
        ("darned", None),
        ("heck1", None),
        ("hecké", None),
        ("éheck", None),
        ("scrappy crapulent", None),
        ("hello there", None),
        ("", None),
    ];
    for (body, masked) in cases {
        let expected = masked.map_or_else(|| "{}".to_owned(), masked_body);
        assert_eq!(message(addr, body).await, (200, expected), "{body:?}");
    }
}

#[tokio::test]
async fn conversation_names_are_masked_on_add_and_update() {
    let addr = serve_filter(default_filter()).await;
    for event_type in ["onConversationAdd", "onConversationUpdate"] {
        for (name, expected) in [
            ("Frick this", r#"{"friendly_name":"***** this"}"#),
            ("Heckle club", "{}"),
            ("", "{}"),
        ] {
            let params = sample_replacing(event_type, &[("FriendlyName", name)]);
            let reply = send(addr, signed(addr, common::PATH, params)).await;
            assert_eq!(
                (reply.status, reply.body.as_str()),
                (200, expected),
                "{event_type} {name:?}"
            );
        }
    }
    // A conversation without a FriendlyName is accepted.
    let sample = testing::sample_params("onConversationAdd").unwrap();
    let params = twilio_webhooks::Params::from_pairs(
        sample.iter().filter(|(name, _)| *name != "FriendlyName"),
    );
    let reply = send(addr, signed(addr, common::PATH, params)).await;
    assert_eq!((reply.status, reply.body.as_str()), (200, "{}"));
}

#[tokio::test]
async fn custom_words_replace_the_built_in_list() {
    // As PROFANITY_WORDS would give them: spaces, mixed case, empty entries, non-ASCII.
    let filter = filter::Filter::from_config(Some(" merde, Scheiße ,ДУРАК,,bother,μαλάκας"), "");
    let addr = serve_filter(filter).await;
    let cases: &[(&str, Option<&str>)] = &[
        ("Merde alors", Some("***** alors")),
        ("So ein Scheiße!", Some("So ein *******!")),
        ("SCHEIßE", Some("*******")),
        ("ты дурак", Some("ты *****")),
        ("Дурак.", Some("*****.")),
        ("oh bother, merde", Some("oh ******, *****")),
        // Greek: a final sigma in the word, the capital in the text.
        ("ρε μαλάκας", Some("ρε *******")),
        ("ΡΕ ΜΑΛΆΚΑΣ!", Some("ΡΕ *******!")),
        ("Μαλάκας", Some("*******")),
        // Longer words, and the built-in list, are left alone.
        ("дураки", None),
        ("merdeux", None),
        ("bothered", None),
        ("what the heck", None),
    ];
    for (body, masked) in cases {
        let expected = masked.map_or_else(|| "{}".to_owned(), masked_body);
        assert_eq!(message(addr, body).await, (200, expected), "{body:?}");
    }
    let params = sample_replacing("onConversationUpdate", &[("FriendlyName", "Дурак room")]);
    let reply = send(addr, signed(addr, common::PATH, params)).await;
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (200, r#"{"friendly_name":"***** room"}"#)
    );
}

#[tokio::test]
async fn forged_requests_are_refused_and_the_server_keeps_serving() {
    let addr = serve_filter(default_filter()).await;
    let params = sample_replacing("onMessageAdd", &[("Body", "what the heck")]);

    let forged = TestRequest::new(url(addr, common::PATH), "not-the-token")
        .params(params.clone())
        .build();
    let reply = send(addr, forged).await;
    assert_eq!(reply.status, 403, "{}", reply.body);
    assert!(!reply.body.contains(TOKEN));

    // Signed, then the body changed on the way.
    let mut tampered = signed(addr, common::PATH, params.clone());
    *tampered.body_mut() = tampered.body().replace("heck", "hack");
    assert_eq!(send(addr, tampered).await.status, 403);

    // Signed for another path.
    let mut moved = TestRequest::new(url(addr, "/elsewhere"), TOKEN)
        .params(params.clone())
        .build();
    *moved.uri_mut() = common::PATH.parse().unwrap();
    assert_eq!(send(addr, moved).await.status, 403);

    // Unsigned.
    let mut unsigned = signed(addr, common::PATH, params.clone());
    unsigned.headers_mut().remove("x-twilio-signature");
    assert_eq!(send(addr, unsigned).await.status, 400);

    let reply = send(addr, signed(addr, common::PATH, params)).await;
    assert_eq!(
        (reply.status, reply.body),
        (200, masked_body("what the ****"))
    );
}

#[tokio::test]
async fn several_auth_tokens_are_tried_in_order() {
    let router = filter::webhooks()
        .validator(Validator::from_auth_tokens(&format!("old-token,{TOKEN}")).unwrap())
        .into_router()
        .unwrap();
    let addr = serve(router.with_state(default_filter())).await;
    for token in ["old-token", TOKEN] {
        let request = TestRequest::new(url(addr, common::PATH), token)
            .params(sample_replacing("onMessageAdd", &[("Body", "darn")]))
            .build();
        let reply = send(addr, request).await;
        assert_eq!(
            (reply.status, reply.body),
            (200, masked_body("****")),
            "{token}"
        );
    }
}
