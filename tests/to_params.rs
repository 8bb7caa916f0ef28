//! A typed Conversations event written back to its form parameters parses into the same event:
//! for the 23 samples, and for samples changed the ways a webhook can vary (every parameter given
//! another value of its kind, unknown and repeated parameters, empty values, removals).

use proptest::prelude::*;
use proptest::sample::Index;
use twilio_webhooks::conversations::{
    Attributes, Media, OnConversationAdded, OnDeliveryUpdated, OnMessageAdd, OnParticipantUpdated,
    OnUserUpdated,
};
use twilio_webhooks::testing::{self, sample_params, EVENT_TYPES};
use twilio_webhooks::{ConversationsEvent, Event, Params};

/// `event` written back, then parsed twice: from the parameter list, and from the form body.
fn assert_round_trip(event: &Event) {
    let params = event.to_params();
    assert_eq!(
        Event::from_params(&params).as_ref(),
        Ok(event),
        "{params:?}"
    );
    let body = params.to_form();
    assert_eq!(
        Event::from_form(body.as_bytes()).as_ref(),
        Ok(event),
        "{body}"
    );
}

#[test]
fn every_sample_comes_back_unchanged() {
    for event_type in EVENT_TYPES {
        let sample = sample_params(event_type).unwrap();
        let event = Event::from_params(&sample).unwrap();
        assert_round_trip(&event);
        // The parameters written are the sample's, except the empty ones (Twilio's null), which
        // are left out. Attributes are the same JSON (their keys come back sorted).
        let comparable = |(name, value): (&str, &str)| {
            let value = match name {
                "Attributes" => serde_json::from_str::<serde_json::Value>(value)
                    .unwrap()
                    .to_string(),
                _ => value.to_owned(),
            };
            (name.to_owned(), value)
        };
        let mut expected: Vec<(String, String)> = sample
            .iter()
            .filter(|(_, value)| !value.is_empty())
            .map(comparable)
            .collect();
        let written = event.to_params();
        let mut got: Vec<(String, String)> = written.iter().map(comparable).collect();
        expected.sort_unstable();
        got.sort_unstable();
        assert_eq!(got, expected, "{event_type}");
    }
}

#[test]
fn typed_events_round_trip_through_their_own_parser() {
    fn check<E: ConversationsEvent + PartialEq>() {
        let event: E = testing::sample_event().unwrap();
        assert_eq!(E::from_params(&event.to_params()).unwrap(), event);
    }
    check::<OnMessageAdd>();
    check::<OnConversationAdded>();
    check::<OnParticipantUpdated>();
    check::<OnDeliveryUpdated>();
    check::<OnUserUpdated>();
}

#[test]
fn fields_are_written_in_twilios_text_form() {
    let mut message: OnMessageAdd = testing::sample_event().unwrap();
    message.body = "changed & signed".into();
    message.attributes = Attributes::from(serde_json::json!({"a": [1, true, null]}));
    message.retry_count = Some(2);
    message.participant_sid = None;
    let params = message.to_params();
    assert_eq!(params.get("Body"), Some("changed & signed"));
    assert_eq!(params.get("Attributes"), Some(r#"{"a":[1,true,null]}"#));
    assert_eq!(params.get("RetryCount"), Some("2"));
    assert_eq!(params.get("Source"), Some("SDK"));
    assert_eq!(params.get("ParticipantSid"), None);
    assert_eq!(
        params.iter().take(2).collect::<Vec<_>>(),
        [
            ("AccountSid", message.account_sid.as_str()),
            ("EventType", "onMessageAdd")
        ]
    );
    let media = params.get("Media").unwrap();
    assert!(media.starts_with(r#"[{"Sid":"ME"#), "{media}");
    assert_eq!(
        serde_json::from_str::<Vec<Media>>(media).unwrap(),
        message.media.clone().unwrap()
    );

    let mut user: OnUserUpdated = testing::sample_event().unwrap();
    user.is_online = Some(false);
    user.date_updated = Some(
        time::OffsetDateTime::parse(
            "2026-11-20T12:00:00.125+02:00",
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap(),
    );
    let params = user.to_params();
    assert_eq!(params.get("isOnline"), Some("false"));
    assert_eq!(
        params.get("DateUpdated"),
        Some("2026-11-20T12:00:00.125+02:00")
    );

    let added: OnConversationAdded = testing::sample_event().unwrap();
    let params = added.to_params();
    let binding = added.messaging_binding.as_ref().unwrap();
    assert_eq!(
        params
            .get_all("MessagingBinding.Address")
            .collect::<Vec<_>>(),
        binding.addresses
    );
    assert_eq!(params.get("State"), Some("active"));
}

#[test]
fn an_empty_first_value_and_its_repeat_stay_apart() {
    // `ParticipantSid=` then a SID: the field is absent (Twilio's null) and the SID a repeat in
    // `extra`. Written back, the empty value is kept so the SID stays a repeat.
    for name in ["ParticipantSid", "ClientIdentity", "Media"] {
        let mut pairs: Vec<(String, String)> = sample_params("onMessageAdd")
            .unwrap()
            .iter()
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect();
        let position = pairs.iter().position(|(n, _)| n == name).unwrap();
        pairs.insert(position, (name.to_owned(), String::new()));
        let event = Event::from_params(&Params::from_pairs(pairs)).unwrap();
        let params = event.to_params();
        assert_eq!(params.get(name), Some(""), "{name}");
        assert_eq!(params.count(name), 2, "{name}");
        assert_round_trip(&event);
    }
}

#[test]
fn unknown_events_come_back_as_sent() {
    let event = Event::from_form(b"EventType=onSomethingNew&AccountSid=AC1&Foo=bar&Foo=").unwrap();
    assert_eq!(
        event.to_params().to_form(),
        "EventType=onSomethingNew&AccountSid=AC1&Foo=bar&Foo="
    );
    assert_round_trip(&event);
}

/// One value of every kind a parameter can have; a change picks the one its name needs.
#[derive(Debug, Clone)]
struct Values {
    hex: String,
    number: u32,
    timestamp: String,
    boolean: &'static str,
    attributes: String,
    media: String,
    choice: Index,
    text: String,
}

fn timestamp() -> impl Strategy<Value = String> {
    (
        1970u16..2100,
        1u8..13,
        1u8..29,
        0u8..24,
        0u8..60,
        0u8..60,
        prop_oneof![Just(String::new()), "\\.[0-9]{1,9}"],
        prop_oneof![
            Just("Z".to_owned()),
            Just("z".to_owned()),
            (0u8..14, 0u8..60, any::<bool>())
                .prop_map(|(h, m, west)| format!("{}{h:02}:{m:02}", if west { '-' } else { '+' })),
        ],
    )
        .prop_map(|(y, mo, d, h, mi, s, fraction, offset)| {
            format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{fraction}{offset}")
        })
}

/// JSON without fractional numbers (see `ConversationsEvent::to_params` on those).
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        ".{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(".{0,6}", inner, 0..4)
                .prop_map(|map| serde_json::Value::Object(map.into_iter().collect())),
        ]
    })
}

fn attributes() -> impl Strategy<Value = String> {
    prop_oneof![
        json_value().prop_map(|value| value.to_string()),
        json_value().prop_map(|value| serde_json::to_string_pretty(&value).unwrap()),
        ".{0,20}",
    ]
}

fn media() -> impl Strategy<Value = String> {
    let item = (
        "[0-9a-f]{32}",
        0usize..3,
        prop::option::of("[a-z]{1,8}/[a-z]{1,8}"),
        prop::option::of(".{0,10}"),
        prop::option::of(any::<u64>()),
        prop::option::of(json_value()),
    )
        .prop_map(|(hex, spelling, content_type, filename, size, other)| {
            let keys = [
                ["Sid", "ContentType", "Filename", "Size"],
                ["sid", "content_type", "filename", "size"],
                ["MediaSid", "ContentType", "Filename", "Size"],
            ][spelling];
            let mut object = serde_json::Map::new();
            object.insert(keys[0].into(), format!("ME{hex}").into());
            if let Some(content_type) = content_type {
                object.insert(keys[1].into(), content_type.into());
            }
            if let Some(filename) = filename {
                object.insert(keys[2].into(), filename.into());
            }
            if let Some(size) = size {
                object.insert(keys[3].into(), size.into());
            }
            if let Some(other) = other {
                object.insert("Category".into(), other);
            }
            serde_json::Value::Object(object)
        });
    prop::collection::vec(item, 0..3).prop_map(|items| serde_json::Value::from(items).to_string())
}

fn values() -> impl Strategy<Value = Values> {
    (
        "[0-9a-fA-F]{32}",
        any::<u32>(),
        timestamp(),
        prop::sample::select(&["true", "false", "True", "FALSE", "1", "0"][..]),
        attributes(),
        media(),
        any::<Index>(),
        any::<String>(),
    )
        .prop_map(
            |(hex, number, timestamp, boolean, attributes, media, choice, text)| Values {
                hex,
                number,
                timestamp,
                boolean,
                attributes,
                media,
                choice,
                text,
            },
        )
}

/// A value `values` offers for the parameter `name` whose sample value is `current`.
fn value_for(name: &str, current: &str, values: &Values) -> String {
    let pick = |options: &[&str]| options[values.choice.index(options.len())].to_owned();
    match name {
        // A SID keeps its prefix (a blanked one gets none, and fails to parse).
        _ if name.ends_with("Sid") => format!("{}{}", current.get(..2).unwrap_or(""), values.hex),
        "Index" | "LastReadMessageIndex" | "ErrorCode" | "RetryCount" => values.number.to_string(),
        "DateCreated" | "DateUpdated" | "DateRemoved" | "StateUpdated" => values.timestamp.clone(),
        "isOnline" | "isNotifiable" => values.boolean.to_owned(),
        "Attributes" => values.attributes.clone(),
        "Media" => values.media.clone(),
        "State" | "StateFrom" | "StateTo" => pick(&[
            "active",
            "inactive",
            "closed",
            "initializing",
            "ACTIVE",
            "archived",
            "",
        ]),
        "Status" => pick(&[
            "read",
            "failed",
            "delivered",
            "Undelivered",
            "sent",
            "seen",
            "",
        ]),
        "Reason" => pick(&["API", "TIMER", "EVENT", "timer", "MERGE"]),
        "Source" => pick(&["SDK", "API", "sdk", "WEBHOOK"]),
        "MessagingBinding.Type" => pick(&["SMS", "CHAT", "WHATSAPP", "whatsapp", "EMAIL", ""]),
        _ => values.text.clone(),
    }
}

/// One way a webhook can differ from the sample.
#[derive(Debug, Clone)]
enum Change {
    /// Another value for a parameter the sample has.
    Set(Index, Values),
    /// A parameter this library does not know.
    Unknown(String, String),
    /// A second value for a parameter the sample has (kept in `extra`).
    Repeat(Index, Values),
    /// An empty value before a parameter the sample has (absent, and the value a repeat).
    BlankFirst(Index),
    /// A parameter the sample has left out.
    Remove(Index),
    /// A redelivery's `RetryCount`.
    Retry(u32),
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        4 => (any::<Index>(), values()).prop_map(|(at, values)| Change::Set(at, values)),
        1 => ("[A-Za-z.]{1,20}", any::<String>()).prop_map(|(name, value)| Change::Unknown(name, value)),
        1 => (any::<Index>(), values()).prop_map(|(at, values)| Change::Repeat(at, values)),
        1 => any::<Index>().prop_map(Change::BlankFirst),
        1 => any::<Index>().prop_map(Change::Remove),
        1 => any::<u32>().prop_map(Change::Retry),
    ]
}

/// Applies `changes` to the sample of `event_type`; also says whether the result may fail to
/// parse (a required parameter removed or blanked).
fn changed_sample(event_type: &str, changes: &[Change]) -> (Params, bool) {
    let mut pairs: Vec<(String, String)> = sample_params(event_type)
        .unwrap()
        .iter()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
    let mut may_fail = false;
    for change in changes {
        // Never touch `EventType`: a second one is an error by design.
        let editable: Vec<usize> = (0..pairs.len())
            .filter(|&i| pairs[i].0 != "EventType")
            .collect();
        let at = |index: &Index| editable[index.index(editable.len())];
        match change {
            Change::Set(index, values) => {
                let i = at(index);
                may_fail |= pairs[i].1.is_empty();
                pairs[i].1 = value_for(&pairs[i].0, &pairs[i].1, values);
            }
            Change::Unknown(name, value) => {
                if name != "EventType" {
                    pairs.push((name.clone(), value.clone()));
                }
                // An unknown name may happen to be a known one.
                may_fail = true;
            }
            Change::Repeat(index, values) => {
                let i = at(index);
                let name = pairs[i].0.clone();
                let value = value_for(&name, &pairs[i].1, values);
                pairs.push((name, value));
            }
            Change::BlankFirst(index) => {
                let i = at(index);
                let name = pairs[i].0.clone();
                pairs.insert(i, (name, String::new()));
                may_fail = true;
            }
            Change::Remove(index) => {
                let i = at(index);
                pairs.remove(i);
                may_fail = true;
            }
            Change::Retry(count) => pairs.push(("RetryCount".into(), count.to_string())),
        }
    }
    (Params::from_pairs(pairs), may_fail)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn changed_samples_come_back_unchanged(
        which in 0..EVENT_TYPES.len(),
        changes in prop::collection::vec(change(), 0..6),
    ) {
        let (params, may_fail) = changed_sample(EVENT_TYPES[which], &changes);
        let parsed = Event::from_params(&params);
        if may_fail {
            prop_assume!(parsed.is_ok());
        }
        let event = match parsed {
            Ok(event) => event,
            Err(err) => return Err(TestCaseError::fail(format!("{err}: {params:?}"))),
        };
        let written = event.to_params();
        prop_assert_eq!(Event::from_params(&written), Ok(event.clone()));
        let body = written.to_form();
        prop_assert_eq!(Event::from_form(body.as_bytes()), Ok(event));
    }
}
