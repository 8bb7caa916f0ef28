//! Each class of bad input gives its own error variant, and a message that says which event,
//! which parameter and which value.

use twilio_webhooks::conversations::InvalidValue;
use twilio_webhooks::conversations::{OnMessageAdd, OnMessageAdded};
use twilio_webhooks::sid::SidError;
use twilio_webhooks::{ConversationsEvent, Event, FormError, ParseError};

const AC: &str = "AC4290e1ef2fa1c863e25604b7c08f1fd0";
const CH: &str = "CH120dacd35732b16ec16762211a34db6f";
const IM: &str = "IMc56ec712a2d2fcbd19f5bc81066a46b5";
const IS: &str = "IS48f75b3a0e81f1cbc586241193547044";
const US: &str = "USfefb0fc438ab1a7771a1a11d56fdf5ad";

/// A valid onMessageAdded with `changes` applied: `Some` replaces the parameter of that name, or
/// appends it when absent; `None` removes it.
fn message_added(changes: &[(&str, Option<&str>)]) -> String {
    let mut pairs = vec![
        ("AccountSid", AC),
        ("EventType", "onMessageAdded"),
        ("Source", "SDK"),
        ("ClientIdentity", "alice"),
        ("ConversationSid", CH),
        ("MessageSid", IM),
        ("Index", "3"),
        ("DateCreated", "2026-01-05T08:31:02Z"),
        ("Body", "hello"),
        ("Author", "alice"),
        ("Attributes", "{}"),
    ];
    apply(&mut pairs, changes);
    encode(&pairs)
}

fn user_updated(changes: &[(&str, Option<&str>)]) -> String {
    let mut pairs = vec![
        ("AccountSid", AC),
        ("EventType", "onUserUpdated"),
        ("Source", "API"),
        ("ChatServiceSid", IS),
        ("UserSid", US),
        ("DateCreated", "2026-02-01T11:59:59Z"),
        ("Attributes", "{}"),
        ("isOnline", "true"),
        ("isNotifiable", "true"),
    ];
    apply(&mut pairs, changes);
    encode(&pairs)
}

fn apply<'a>(pairs: &mut Vec<(&'a str, &'a str)>, changes: &[(&'a str, Option<&'a str>)]) {
    for &(name, value) in changes {
        match (pairs.iter().position(|(n, _)| *n == name), value) {
            (Some(at), Some(value)) => pairs[at].1 = value,
            (Some(at), None) => {
                pairs.remove(at);
            }
            (None, Some(value)) => pairs.push((name, value)),
            (None, None) => {}
        }
    }
}

fn encode(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

fn error(body: &str) -> ParseError {
    match Event::from_form(body.as_bytes()) {
        Ok(event) => panic!("parsed {event:?}"),
        Err(err) => err,
    }
}

/// The form-decoding error inside `err`.
fn form_error(err: &ParseError) -> &FormError {
    match err {
        ParseError::Form(form) => form,
        _ => panic!("expected a form error, got {err:?}"),
    }
}

/// Checks an invalid-parameter error: its parts and its exact message.
fn assert_invalid(err: &ParseError, event: &str, parameter: &str, message: &str) -> InvalidValue {
    let ParseError::InvalidParameter {
        event: got_event,
        parameter: got_parameter,
        problem,
    } = err
    else {
        panic!("expected InvalidParameter, got {err:?}");
    };
    assert_eq!((*got_event, *got_parameter), (event, parameter));
    assert_eq!(err.parameter(), Some(parameter));
    assert_eq!(err.to_string(), message);
    problem.clone()
}

#[test]
fn valid_baselines_parse() {
    assert!(Event::from_form(message_added(&[]).as_bytes()).is_ok());
    assert!(Event::from_form(user_updated(&[]).as_bytes()).is_ok());
}

#[test]
fn missing_event_type() {
    let err = error(&message_added(&[("EventType", None)]));
    assert_eq!(err, ParseError::MissingEventType);
    assert_eq!(err.parameter(), Some("EventType"));
    assert_eq!(
        err.to_string(),
        "missing parameter EventType: not a Twilio Conversations webhook"
    );
    assert_eq!(error(""), ParseError::MissingEventType);
    // Names are case-sensitive.
    assert_eq!(
        error("eventtype=onMessageAdded"),
        ParseError::MissingEventType
    );
}

#[test]
fn duplicate_event_type() {
    let body = format!("{}&EventType=onMessageAdd", message_added(&[]));
    let err = error(&body);
    assert_eq!(err, ParseError::DuplicateEventType { count: 2 });
    assert_eq!(err.parameter(), Some("EventType"));
    assert_eq!(
        err.to_string(),
        "parameter EventType appears 2 times; a webhook has exactly one"
    );
    // The same name twice is still ambiguous.
    let twice = format!(
        "{}&EventType=onMessageAdded&EventType=onMessageAdded",
        message_added(&[])
    );
    assert_eq!(error(&twice), ParseError::DuplicateEventType { count: 3 });
}

#[test]
fn bad_integer() {
    let err = error(&message_added(&[("Index", Some("abc"))]));
    let problem = assert_invalid(
        &err,
        "onMessageAdded",
        "Index",
        r#"onMessageAdded: parameter Index: expected an integer, got "abc""#,
    );
    assert_eq!(problem, InvalidValue::Integer("abc".into()));

    for bad in ["-1", "1.5", "", " 3", "18446744073709551616"] {
        let err = error(&message_added(&[("Index", Some(bad))]));
        assert_invalid(
            &err,
            "onMessageAdded",
            "Index",
            &format!("onMessageAdded: parameter Index: expected an integer, got {bad:?}"),
        );
    }

    // RetryCount, a common parameter, is an integer too.
    let err = error(&message_added(&[("RetryCount", Some("twice"))]));
    assert_invalid(
        &err,
        "onMessageAdded",
        "RetryCount",
        r#"onMessageAdded: parameter RetryCount: expected an integer, got "twice""#,
    );
}

#[test]
fn bad_integer_in_other_events() {
    let body = encode(&[
        ("AccountSid", AC),
        ("EventType", "onDeliveryUpdated"),
        ("Source", "API"),
        ("ConversationSid", CH),
        ("ChatServiceSid", IS),
        ("MessageSid", IM),
        ("DeliveryReceiptSid", "DYff6af510a9e0cd22e29151bed17884b7"),
        ("ParticipantSid", "MB532a30a601b468049c0bec8aea4536f1"),
        ("Status", "failed"),
        ("ErrorCode", "4294967296"),
        ("DateCreated", "2026-01-05T08:31:03Z"),
    ]);
    assert_invalid(
        &error(&body),
        "onDeliveryUpdated",
        "ErrorCode",
        r#"onDeliveryUpdated: parameter ErrorCode: expected an integer, got "4294967296""#,
    );

    let body = encode(&[
        ("AccountSid", AC),
        ("EventType", "onParticipantUpdated"),
        ("Source", "API"),
        ("ConversationSid", CH),
        ("ParticipantSid", "MB532a30a601b468049c0bec8aea4536f1"),
        ("DateCreated", "2026-01-05T08:30:00Z"),
        ("Attributes", "{}"),
        ("LastReadMessageIndex", "last"),
    ]);
    assert_invalid(
        &error(&body),
        "onParticipantUpdated",
        "LastReadMessageIndex",
        r#"onParticipantUpdated: parameter LastReadMessageIndex: expected an integer, got "last""#,
    );
}

#[test]
fn bad_boolean() {
    for (parameter, bad) in [
        ("isOnline", "yes"),
        ("isNotifiable", "maybe"),
        ("isOnline", "t"),
    ] {
        let err = error(&user_updated(&[(parameter, Some(bad))]));
        let problem = assert_invalid(
            &err,
            "onUserUpdated",
            parameter,
            &format!(
                "onUserUpdated: parameter {parameter}: expected a boolean (true or false), got {bad:?}"
            ),
        );
        assert_eq!(problem, InvalidValue::Boolean(bad.into()));
    }
}

#[test]
fn bad_sid_wrong_prefix() {
    let err = error(&message_added(&[("ConversationSid", Some(IM))]));
    let problem = assert_invalid(
        &err,
        "onMessageAdded",
        "ConversationSid",
        &format!(
            "onMessageAdded: parameter ConversationSid: expected a SID starting with CH \
             (two letters and 32 hex digits), got \"{IM}\""
        ),
    );
    assert_eq!(
        problem,
        InvalidValue::Sid(SidError {
            expected: "a SID starting with CH",
            got: IM.into(),
        })
    );

    // The common AccountSid is checked too.
    let err = error(&message_added(&[("AccountSid", Some(CH))]));
    assert_invalid(
        &err,
        "onMessageAdded",
        "AccountSid",
        &format!(
            "onMessageAdded: parameter AccountSid: expected a SID starting with AC \
             (two letters and 32 hex digits), got \"{CH}\""
        ),
    );
}

#[test]
fn bad_sid_wrong_length_or_digits() {
    let short = &IM[..20];
    let long = format!("{IM}0");
    let not_hex = "IMzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz";
    let lower_prefix = "im78e731027d8fd50ed642340b7c9a63b3";
    for bad in [short, long.as_str(), not_hex, lower_prefix, ""] {
        let err = error(&message_added(&[("MessageSid", Some(bad))]));
        assert_invalid(
            &err,
            "onMessageAdded",
            "MessageSid",
            &format!(
                "onMessageAdded: parameter MessageSid: expected a SID starting with IM \
                 (two letters and 32 hex digits), got {bad:?}"
            ),
        );
    }
    // An optional SID that is present must be valid too.
    let err = error(&message_added(&[("ParticipantSid", Some("MB123"))]));
    assert_invalid(
        &err,
        "onMessageAdded",
        "ParticipantSid",
        "onMessageAdded: parameter ParticipantSid: expected a SID starting with MB \
         (two letters and 32 hex digits), got \"MB123\"",
    );
}

#[test]
fn bad_json_in_media() {
    let truncated = r#"[{"Sid":"ME62933a2951ef01f4eafd9bdf4d3cd2f0","#;
    let not_array = r#"{"Sid":"ME62933a2951ef01f4eafd9bdf4d3cd2f0"}"#;
    let bad_sid = r#"[{"Sid":"MM62933a2951ef01f4eafd9bdf4d3cd2f0"}]"#;
    let no_sid = r#"[{"ContentType":"image/png"}]"#;
    let bad_size = r#"[{"Sid":"ME62933a2951ef01f4eafd9bdf4d3cd2f0","Size":"big"}]"#;
    for bad in [truncated, not_array, bad_sid, no_sid, bad_size, "not json"] {
        let err = error(&message_added(&[("Media", Some(bad))]));
        let ParseError::InvalidParameter {
            event,
            parameter,
            problem: InvalidValue::Media { reason, got },
        } = &err
        else {
            panic!("expected a Media error for {bad}, got {err:?}");
        };
        assert_eq!((*event, *parameter), ("onMessageAdded", "Media"));
        assert_eq!(got, bad);
        assert!(!reason.is_empty());
        let message = err.to_string();
        assert!(
            message.starts_with(&format!(
                "onMessageAdded: parameter Media: expected a JSON array of media objects ({reason})"
            )),
            "{message}"
        );
        assert!(message.ends_with(&format!(", got {bad:?}")), "{message}");
    }
}

#[test]
fn bad_timestamp() {
    for bad in [
        "yesterday",
        "2026-11-20",
        "2026-11-20T10:00:00",
        "2026-13-01T00:00:00Z",
        "2026-11-20T25:00:00Z",
        "1763632800",
    ] {
        let err = error(&message_added(&[("DateCreated", Some(bad))]));
        let problem = assert_invalid(
            &err,
            "onMessageAdded",
            "DateCreated",
            &format!(
                "onMessageAdded: parameter DateCreated: expected an ISO 8601 timestamp such as \
                 \"2026-11-20T10:00:00Z\", got {bad:?}"
            ),
        );
        assert_eq!(problem, InvalidValue::Timestamp(bad.into()));
    }
}

#[test]
fn invalid_percent_encoding() {
    // "EventType=onMessageAdd&" is 23 bytes, "Body=" 5 more; the `%` is at byte 30.
    let err = error("EventType=onMessageAdd&Body=50%+off&Author=alice");
    assert!(matches!(
        form_error(&err),
        FormError::InvalidPercentEncoding { offset: 30, part: "value", index: 1, name: Some(name), found, .. }
            if name == "Body" && found == "%+o"
    ));
    assert_eq!(err.parameter(), None);
    assert_eq!(
        err.to_string(),
        "form body: the value of parameter \"Body\" (#1): invalid percent-encoding \"%+o\" at \
         byte 30: `%` must be followed by two hex digits"
    );

    // At the very end, and in a name.
    let err = error("EventType=onMessageAdd&Body=%4");
    assert!(
        err.to_string()
            .contains(r#"invalid percent-encoding "%4" at byte 28"#),
        "{err}"
    );
    let err = error("EventType=onMessageAdd&Bo%dy=1");
    assert_eq!(
        err.to_string(),
        "form body: the name of parameter #1: invalid percent-encoding \"%dy\" at byte 25: \
         `%` must be followed by two hex digits"
    );
}

#[test]
fn invalid_utf8() {
    // %E9 alone is Latin-1 "é", not UTF-8.
    let err = error("EventType=onMessageAdd&Body=caf%E9&Author=alice");
    assert!(matches!(
        form_error(&err),
        FormError::InvalidUtf8 { part: "value", index: 1, offset: 28, name: Some(name), raw, .. }
            if name == "Body" && raw == "caf%E9"
    ));
    assert_eq!(
        err.to_string(),
        "form body: the value of parameter \"Body\" (#1): not valid UTF-8 once decoded, got \
         \"caf%E9\" at byte 28"
    );

    // Raw bytes that are not UTF-8, in a name.
    let err = Event::from_form(b"EventType=onMessageAdd&B\xFFdy=x").unwrap_err();
    assert!(
        matches!(
            err,
            ParseError::Form(FormError::InvalidUtf8 {
                part: "name",
                index: 1,
                offset: 23,
                name: None,
                ..
            })
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "form body: the name of parameter #1: not valid UTF-8 once decoded, got \"B\u{FFFD}dy\" \
         at byte 23"
    );
}

#[test]
fn missing_required_parameter() {
    for parameter in [
        "AccountSid",
        "Source",
        "ConversationSid",
        "MessageSid",
        "Index",
        "DateCreated",
        "Body",
        "Author",
        "Attributes",
    ] {
        let err = error(&message_added(&[(parameter, None)]));
        assert_eq!(
            err,
            ParseError::MissingParameter {
                event: "onMessageAdded",
                parameter,
            }
        );
        assert_eq!(err.parameter(), Some(parameter));
        assert_eq!(
            err.to_string(),
            format!("onMessageAdded: missing parameter {parameter}")
        );
    }
    // Optional parameters may be absent.
    for parameter in [
        "ClientIdentity",
        "MessagingServiceSid",
        "ParticipantSid",
        "Media",
    ] {
        assert!(Event::from_form(message_added(&[(parameter, None)]).as_bytes()).is_ok());
    }
}

#[test]
fn wrong_event_type_for_a_typed_parse() {
    let body = message_added(&[]);
    assert!(OnMessageAdded::from_form(body.as_bytes()).is_ok());
    let err = OnMessageAdd::from_form(body.as_bytes()).unwrap_err();
    assert_eq!(
        err,
        ParseError::WrongEventType {
            expected: "onMessageAdd",
            got: "onMessageAdded".into(),
        }
    );
    assert_eq!(err.parameter(), Some("EventType"));
    assert_eq!(
        err.to_string(),
        r#"expected EventType onMessageAdd, got "onMessageAdded""#
    );

    // A typed parse also reports a missing or repeated EventType.
    let missing = message_added(&[("EventType", None)]);
    assert_eq!(
        OnMessageAdded::from_form(missing.as_bytes()).unwrap_err(),
        ParseError::MissingEventType
    );
    let repeated = format!("{body}&EventType=onMessageAdded");
    assert_eq!(
        OnMessageAdded::from_form(repeated.as_bytes()).unwrap_err(),
        ParseError::DuplicateEventType { count: 2 }
    );
    // And form errors.
    assert!(matches!(
        OnMessageAdded::from_form(b"EventType=onMessageAdded&Body=%").unwrap_err(),
        ParseError::Form(FormError::InvalidPercentEncoding { .. })
    ));
}

#[test]
fn long_values_are_cut_in_messages() {
    let long = "9".repeat(10_000) + "x";
    let err = error(&message_added(&[("Index", Some(&long))]));
    let message = err.to_string();
    assert!(message.len() < 200, "{message}");
    assert!(
        message.starts_with(&format!(
            "onMessageAdded: parameter Index: expected an integer, got \"{}\"…",
            "9".repeat(64)
        )),
        "{message}"
    );
    assert!(message.ends_with("(10001 bytes)"), "{message}");
    // The error itself keeps the whole value.
    assert!(matches!(
        err,
        ParseError::InvalidParameter { problem: InvalidValue::Integer(got), .. } if got == long
    ));
}

#[test]
fn two_bad_parameters_report_one_of_them() {
    // Two bad parameters: the error names one of them, never a made-up one.
    let err = error(&message_added(&[
        ("Index", Some("x")),
        ("DateCreated", Some("y")),
    ]));
    assert!(
        matches!(err.parameter(), Some("Index" | "DateCreated")),
        "{err}"
    );
}
