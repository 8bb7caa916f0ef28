//! Property tests: no input panics the parser, and parameter lists survive encoding.

use proptest::prelude::*;
use twilio_webhooks::{Event, Params, PostActionEvent, PreActionEvent};

/// The 23 EventTypes, from the library itself.
fn event_types() -> Vec<&'static str> {
    PreActionEvent::EVENT_TYPES
        .iter()
        .chain(PostActionEvent::EVENT_TYPES)
        .copied()
        .collect()
}

/// Names Twilio sends, and a few it does not.
const NAMES: &[&str] = &[
    "AccountSid",
    "Source",
    "ClientIdentity",
    "RetryCount",
    "ConversationSid",
    "ChatServiceSid",
    "MessagingServiceSid",
    "MessageSid",
    "ParticipantSid",
    "DeliveryReceiptSid",
    "ChannelMessageSid",
    "UserSid",
    "RoleSid",
    "Index",
    "LastReadMessageIndex",
    "ErrorCode",
    "DateCreated",
    "DateUpdated",
    "DateRemoved",
    "StateUpdated",
    "StateFrom",
    "StateTo",
    "State",
    "Reason",
    "Status",
    "Body",
    "Author",
    "Attributes",
    "Media",
    "FriendlyName",
    "UniqueName",
    "MessageBody",
    "Identity",
    "isOnline",
    "isNotifiable",
    "MessagingBinding.Address",
    "MessagingBinding.ProxyAddress",
    "MessagingBinding.ProjectedAddress",
    "MessagingBinding.AuthorAddress",
    "MessagingBinding.Type",
    "MessagingBinding.Other",
    "Unknown",
    "",
];

/// Values that are valid for some parameter, nearly valid, or nonsense.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("AC0123456789abcdef0123456789abcdef".to_owned()),
        Just("CH0123456789abcdef0123456789abcdef".to_owned()),
        Just("IM0123456789abcdef0123456789abcdef".to_owned()),
        Just("MB0123456789abcdef0123456789abcdef".to_owned()),
        Just("CH0123456789abcdef0123456789abcde".to_owned()),
        Just("2026-11-20T10:00:00Z".to_owned()),
        Just("2026-11-20T10:00:00.123456789+05:30".to_owned()),
        Just("9999-12-31T23:59:60Z".to_owned()),
        Just("true".to_owned()),
        Just("SDK".to_owned()),
        Just("{}".to_owned()),
        Just(
            r#"[{"Sid":"ME0123456789abcdef0123456789abcdef","Size":18446744073709551616}]"#
                .to_owned()
        ),
        Just("18446744073709551615".to_owned()),
        Just("18446744073709551616".to_owned()),
        "[0-9]{0,25}",
        "\\PC{0,40}",
        any::<String>(),
    ]
}

fn param_list() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        4 => prop::sample::select(NAMES).prop_map(str::to_owned),
        1 => any::<String>(),
    ];
    prop::collection::vec((name, value()), 0..40)
}

fn form(pairs: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = Params::parse(&body);
        let _ = Event::from_form(&body);
    }

    #[test]
    fn form_like_bytes_never_panic(body in "([A-Za-z.%+=&]|%[0-9A-Fa-f]{0,2}|%[89A-Fa-f][0-9A-Fa-f]){0,120}") {
        let _ = Params::parse(body.as_bytes());
        let _ = Event::from_form(body.as_bytes());
    }

    #[test]
    fn arbitrary_parameters_of_every_event_never_panic(
        event in prop::sample::select(event_types()),
        pairs in param_list(),
        at in any::<prop::sample::Index>(),
    ) {
        let mut pairs = pairs;
        let position = at.index(pairs.len() + 1);
        pairs.insert(position, ("EventType".to_owned(), event.to_owned()));
        let params = Params::from_pairs(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        match Event::from_params(&params) {
            Ok(parsed) => prop_assert_eq!(parsed.event_type(), event),
            Err(err) => {
                // Errors are reportable.
                prop_assert!(!err.to_string().is_empty());
            }
        }
        // The same through the wire form.
        let _ = Event::from_form(form(&pairs).as_bytes());
        // Serializing whatever parsed never fails.
        if let Ok(parsed) = Event::from_params(&params) {
            prop_assert!(serde_json::to_string(&parsed).is_ok());
        }
    }

    #[test]
    fn to_form_then_parse_round_trips(pairs in prop::collection::vec((any::<String>(), any::<String>()), 0..20)) {
        let params = Params::from_pairs(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        let encoded = params.to_form();
        let decoded = Params::parse(encoded.as_bytes()).unwrap();
        prop_assert_eq!(&decoded, &params);
        prop_assert_eq!(decoded.to_form(), encoded);
    }

    #[test]
    fn params_keep_order_and_repeats(pairs in param_list()) {
        let body = form(&pairs);
        let params = Params::parse(body.as_bytes()).unwrap();
        let expected: Vec<(&str, &str)> = pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        prop_assert_eq!(params.iter().collect::<Vec<_>>(), expected);
    }
}
