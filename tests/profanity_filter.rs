//! The profanity filter example's handlers, served over real HTTP with signature validation,
//! driven with signed requests for all 23 events.

mod common;

#[allow(dead_code)] // The example binary uses all of it; these tests use most of it.
#[path = "../examples/profanity_filter/filter.rs"]
mod filter;

use std::net::SocketAddr;

use common::{
    modified_body as masked_body, sample_replacing, send, send_sample, serve, signed, signed_by,
    signed_sample, PATH, TOKEN,
};
use twilio_webhooks::signature::Validator;
use twilio_webhooks::testing;

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

/// Sends the sample of `event_type` with `changes` (see [`sample_replacing`]) and returns
/// (status, body).
async fn post(addr: SocketAddr, event_type: &str, changes: &[(&str, &str)]) -> (u16, String) {
    let reply = send_sample(addr, event_type, changes).await;
    (reply.status, reply.body)
}

/// For each (message body, masked body or `None` for unchanged): the answer to an
/// `onMessageAdd` with that body.
async fn expect_masking(addr: SocketAddr, cases: &[(&str, Option<&str>)]) {
    for (body, masked) in cases {
        let expected = masked.map_or_else(|| "{}".to_owned(), masked_body);
        let answer = post(addr, "onMessageAdd", &[("Body", body)]).await;
        assert_eq!(answer, (200, expected), "{body:?}");
    }
}

#[tokio::test]
async fn every_sample_event_is_accepted_or_acknowledged_unchanged() {
    let addr = serve_filter(default_filter()).await;
    for event_type in testing::EVENT_TYPES {
        let reply = send(addr, signed_sample(addr, event_type)).await;
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
        let reply = send(addr, signed(addr, PATH, params)).await;
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
        let reply = send(addr, signed_sample(addr, event_type)).await;
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
        let changes = [("Body", body), ("Author", "mallory")];
        let answer = post(addr, "onMessageUpdate", &changes).await;
        assert_eq!(answer, (403, "author is blocked".to_owned()));
    }
    let answer = post(addr, "onMessageAdd", &[("Body", "heck"), ("Author", "bob")]).await;
    assert_eq!(answer, (200, masked_body("****")));
}

#[tokio::test]
async fn masking_is_whole_word_case_insensitive_and_per_character() {
    let addr = serve_filter(default_filter()).await;
    expect_masking(
        addr,
        &[
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
        ],
    )
    .await;
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
            let answer = post(addr, event_type, &[("FriendlyName", name)]).await;
            assert_eq!(answer, (200, expected.to_owned()), "{event_type} {name:?}");
        }
    }
    // A conversation without a FriendlyName is accepted.
    let sample = testing::sample_params("onConversationAdd").unwrap();
    let params = twilio_webhooks::Params::from_pairs(
        sample.iter().filter(|(name, _)| *name != "FriendlyName"),
    );
    let reply = send(addr, signed(addr, PATH, params)).await;
    assert_eq!((reply.status, reply.body.as_str()), (200, "{}"));
}

#[tokio::test]
async fn ascii_custom_words_starting_with_any_character_and_the_longest_first() {
    // All ASCII, so masked byte by byte; words may start with a digit or a symbol.
    let filter = filter::Filter::from_config(Some("dam,DAMN,@ss,1337"), "");
    let addr = serve_filter(filter).await;
    expect_masking(
        addr,
        &[
            ("damn it", Some("**** it")),
            ("dam it", Some("*** it")),
            ("Damn, DAM!", Some("****, ***!")),
            ("you @ss", Some("you ***")),
            ("l33t 1337 h4x", Some("l33t **** h4x")),
            // Inside longer words (a word character touches it): left alone.
            ("a@ss", None),
            ("x1337", None),
            ("damned", None),
        ],
    )
    .await;
}

#[tokio::test]
async fn custom_words_replace_the_built_in_list() {
    // As PROFANITY_WORDS would give them: spaces, mixed case, empty entries, non-ASCII.
    let filter = filter::Filter::from_config(Some(" merde, Scheiße ,ДУРАК,,bother,μαλάκας"), "");
    let addr = serve_filter(filter).await;
    expect_masking(
        addr,
        &[
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
        ],
    )
    .await;
    let answer = post(
        addr,
        "onConversationUpdate",
        &[("FriendlyName", "Дурак room")],
    )
    .await;
    assert_eq!(
        answer,
        (200, r#"{"friendly_name":"***** room"}"#.to_owned())
    );
}

#[tokio::test]
async fn forged_requests_are_refused_and_the_server_keeps_serving() {
    let addr = serve_filter(default_filter()).await;
    let params = sample_replacing("onMessageAdd", &[("Body", "what the heck")]);

    let forged = signed_by("not-the-token", addr, PATH, params.clone());
    let reply = send(addr, forged).await;
    assert_eq!(reply.status, 403, "{}", reply.body);
    assert!(!reply.body.contains(TOKEN));

    // Signed, then the body changed on the way.
    let mut tampered = signed(addr, PATH, params.clone());
    *tampered.body_mut() = tampered.body().replace("heck", "hack");
    assert_eq!(send(addr, tampered).await.status, 403);

    // Signed for another path.
    let mut moved = signed(addr, "/elsewhere", params.clone());
    *moved.uri_mut() = PATH.parse().unwrap();
    assert_eq!(send(addr, moved).await.status, 403);

    // Unsigned.
    let mut unsigned = signed(addr, PATH, params.clone());
    unsigned.headers_mut().remove("x-twilio-signature");
    assert_eq!(send(addr, unsigned).await.status, 400);

    let reply = send(addr, signed(addr, PATH, params)).await;
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
        let request = signed_by(
            token,
            addr,
            PATH,
            sample_replacing("onMessageAdd", &[("Body", "darn")]),
        );
        let reply = send(addr, request).await;
        assert_eq!(
            (reply.status, reply.body),
            (200, masked_body("****")),
            "{token}"
        );
    }
}
