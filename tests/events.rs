//! Every Conversations event parsed from a fixture built from the reference's parameter tables,
//! checked field by field, and the events' JSON form.
//!
//! The fixtures are written out here, independent of `twilio_webhooks::testing`.

use serde_json::json;
use time::{Date, Month, OffsetDateTime, UtcOffset};
use twilio_webhooks::conversations::Attributes;
use twilio_webhooks::conversations::Media;
use twilio_webhooks::conversations::MessagingBinding;
use twilio_webhooks::conversations::*;
use twilio_webhooks::conversations::{
    BindingType, ConversationState, DeliveryStatus, Source, StateChangeReason,
};
use twilio_webhooks::{ConversationsEvent, Event, Params, PostActionEvent, PreActionEvent};

const AC: &str = "AC4290e1ef2fa1c863e25604b7c08f1fd0";
const CH: &str = "CH120dacd35732b16ec16762211a34db6f";
const IS: &str = "IS48f75b3a0e81f1cbc586241193547044";
const MG: &str = "MG377800759bb9177e12f7c2292f460aeb";
const IM: &str = "IMc56ec712a2d2fcbd19f5bc81066a46b5";
const MB: &str = "MB532a30a601b468049c0bec8aea4536f1";
const US: &str = "USfefb0fc438ab1a7771a1a11d56fdf5ad";
const RL: &str = "RLbfc380057d96fd6b8d75987db0684450";
const DY: &str = "DYff6af510a9e0cd22e29151bed17884b7";
const ME1: &str = "MEba34ad3037829506b237bc33b63c6e85";
const ME2: &str = "MEa38c75fe5f1ca84a8f168b3a01541404";
const WA: &str = "WAc3780a202ec239a344db5344338f47b2";

const ONE_MEDIA: &str = r#"[{"Sid":"MEba34ad3037829506b237bc33b63c6e85","ContentType":"image/png","Filename":"box.png","Size":1024}]"#;
const TWO_MEDIA: &str = concat!(
    r#"[{"Sid":"MEba34ad3037829506b237bc33b63c6e85","ContentType":"image/png","Filename":"box.png","Size":1024},"#,
    r#"{"Sid":"MEa38c75fe5f1ca84a8f168b3a01541404","ContentType":"application/pdf","Filename":"invoice.pdf","Size":20480,"Category":"media"}]"#
);

/// Encodes the pairs as Twilio would post them.
fn form(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

fn parse(pairs: &[(&str, &str)]) -> Event {
    let body = form(pairs);
    Event::from_form(body.as_bytes()).unwrap_or_else(|err| panic!("{err}\nbody: {body}"))
}

/// A UTC instant, to the microsecond.
fn utc(date: (i32, u8, u8), time: (u8, u8, u8), micros: u32) -> OffsetDateTime {
    let (year, month, day) = date;
    let (hour, minute, second) = time;
    Date::from_calendar_date(year, Month::try_from(month).unwrap(), day)
        .unwrap()
        .with_hms_micro(hour, minute, second, micros)
        .unwrap()
        .assume_utc()
}

/// Parses the pairs and takes the event out of `Event::$group($kind::$variant(_))`.
macro_rules! parsed {
    ($group:ident, $kind:ident, $variant:ident, $pairs:expr) => {
        match parse($pairs) {
            Event::$group($kind::$variant(event)) => event,
            other => panic!(
                concat!("expected ", stringify!($variant), ", got {:?}"),
                other
            ),
        }
    };
}

macro_rules! pre {
    ($variant:ident, $pairs:expr) => {
        parsed!(PreAction, PreActionEvent, $variant, $pairs)
    };
}

macro_rules! post {
    ($variant:ident, $pairs:expr) => {
        parsed!(PostAction, PostActionEvent, $variant, $pairs)
    };
}

/// Checks the common parameters (`RetryCount` absent unless given) and that nothing was left
/// over.
macro_rules! common {
    ($event:expr, $source:expr, $identity:expr) => {
        common!($event, $source, $identity, None)
    };
    ($event:expr, $source:expr, $identity:expr, $retry_count:expr) => {
        assert_eq!($event.account_sid, AC);
        assert_eq!($event.source, $source);
        assert_eq!($event.client_identity.as_deref(), $identity);
        assert_eq!($event.retry_count, $retry_count);
        assert!($event.extra.is_empty(), "extra: {:?}", $event.extra);
    };
}

fn check_media(media: &Media, sid: &str, content_type: &str, filename: &str, size: u64) {
    assert_eq!(media.sid, sid);
    assert_eq!(media.content_type.as_deref(), Some(content_type));
    assert_eq!(media.filename.as_deref(), Some(filename));
    assert_eq!(media.size, Some(size));
}

/// Checks that the event has a binding, and what it holds.
fn check_binding(
    binding: &Option<MessagingBinding>,
    addresses: &[&str],
    proxy: Option<&str>,
    projected: Option<&str>,
    author: Option<&str>,
    kind: Option<BindingType>,
) {
    let binding = binding.as_ref().expect("a messaging binding");
    assert_eq!(binding.addresses, addresses);
    assert_eq!(binding.proxy_address.as_deref(), proxy);
    assert_eq!(binding.projected_address.as_deref(), projected);
    assert_eq!(binding.author_address.as_deref(), author);
    assert_eq!(binding.binding_type, kind);
}

// ---------------------------------------------------------------------------------------------
// Pre-action events
// ---------------------------------------------------------------------------------------------

#[test]
fn on_conversation_add() {
    let event = pre!(
        OnConversationAdd,
        &[
            ("AccountSid", AC),
            ("EventType", "onConversationAdd"),
            ("Source", "API"),
            ("FriendlyName", "Order 77 help"),
            ("UniqueName", "order-77"),
            ("Attributes", r#"{"channel":"sms","tags":["vip"]}"#),
            ("ChatServiceSid", IS),
            ("MessagingServiceSid", MG),
            ("MessagingBinding.ProxyAddress", "+14155550100"),
            ("MessagingBinding.Address", "+14155550123"),
            ("MessagingBinding.ProjectedAddress", "+14155550199"),
            ("MessagingBinding.AuthorAddress", "+14155550123"),
            ("MessageBody", "Where is my order?"),
            ("Media", TWO_MEDIA),
            ("State", "active"),
        ]
    );
    common!(event, Source::Api, None);
    assert_eq!(event.friendly_name.as_deref(), Some("Order 77 help"));
    assert_eq!(event.unique_name.as_deref(), Some("order-77"));
    assert_eq!(
        event.attributes,
        Attributes::from(json!({"channel": "sms", "tags": ["vip"]}))
    );
    assert_eq!(event.chat_service_sid, IS);
    assert_eq!(event.messaging_service_sid.unwrap(), MG);
    assert_eq!(event.message_body.as_deref(), Some("Where is my order?"));
    let media = event.media.as_deref().unwrap();
    assert_eq!(media.len(), 2);
    check_media(&media[0], ME1, "image/png", "box.png", 1024);
    assert!(media[0].extra.is_empty());
    check_media(&media[1], ME2, "application/pdf", "invoice.pdf", 20480);
    assert_eq!(media[1].extra.get("Category"), Some(&json!("media")));
    assert_eq!(event.state, Some(ConversationState::Active));
    check_binding(
        &event.messaging_binding,
        &["+14155550123"],
        Some("+14155550100"),
        Some("+14155550199"),
        Some("+14155550123"),
        None,
    );
    // There is no conversation yet.
    assert_eq!(event.conversation_sid(), None);
}

#[test]
fn on_conversation_remove() {
    let event = pre!(
        OnConversationRemove,
        &[
            ("AccountSid", AC),
            ("EventType", "onConversationRemove"),
            ("Source", "SDK"),
            ("ClientIdentity", "agent-7"),
            ("ConversationSid", CH),
            ("DateCreated", "2026-01-05T08:30:00Z"),
            ("DateUpdated", "2026-01-06T09:15:30.5Z"),
            ("FriendlyName", ""),
            ("UniqueName", "order-77"),
            ("Attributes", "{}"),
            ("ChatServiceSid", IS),
            ("MessagingServiceSid", MG),
            ("State", "closed"),
        ]
    );
    common!(event, Source::Sdk, Some("agent-7"));
    assert_eq!(event.conversation_sid, CH);
    assert_eq!(event.date_created, utc((2026, 1, 5), (8, 30, 0), 0));
    assert_eq!(
        event.date_updated,
        Some(utc((2026, 1, 6), (9, 15, 30), 500_000))
    );
    // An empty optional parameter is absent.
    assert_eq!(event.friendly_name, None);
    assert_eq!(event.unique_name.as_deref(), Some("order-77"));
    assert_eq!(event.attributes, Attributes::from(json!({})));
    assert_eq!(event.chat_service_sid, IS);
    assert_eq!(event.messaging_service_sid.unwrap(), MG);
    assert_eq!(event.state, Some(ConversationState::Closed));
    assert_eq!(event.conversation_sid().unwrap(), CH);
}

#[test]
fn on_conversation_update() {
    let event = pre!(
        OnConversationUpdate,
        &[
            ("AccountSid", AC),
            ("EventType", "onConversationUpdate"),
            ("Source", "SDK"),
            ("ClientIdentity", "agent-7"),
            ("ConversationSid", CH),
            ("DateCreated", "2026-01-05T08:30:00Z"),
            ("DateUpdated", "2026-01-06T11:15:30+02:00"),
            ("FriendlyName", "Order 77 (escalated)"),
            ("UniqueName", "order-77"),
            ("Attributes", "escalated by phone"),
            ("ChatServiceSid", IS),
            ("MessagingServiceSid", MG),
            ("State", "inactive"),
        ]
    );
    common!(event, Source::Sdk, Some("agent-7"));
    assert_eq!(event.conversation_sid, CH);
    assert_eq!(event.date_created, utc((2026, 1, 5), (8, 30, 0), 0));
    let updated = event.date_updated.unwrap();
    assert_eq!(updated, utc((2026, 1, 6), (9, 15, 30), 0));
    assert_eq!(updated.offset(), UtcOffset::from_hms(2, 0, 0).unwrap());
    assert_eq!(event.friendly_name.as_deref(), Some("Order 77 (escalated)"));
    assert_eq!(event.unique_name.as_deref(), Some("order-77"));
    // Attributes that are not JSON are kept as text.
    assert_eq!(
        event.attributes,
        Attributes::from_text("escalated by phone")
    );
    assert_eq!(event.chat_service_sid, IS);
    assert_eq!(event.messaging_service_sid.unwrap(), MG);
    assert_eq!(event.state, Some(ConversationState::Inactive));
}

#[test]
fn on_message_add() {
    let event = pre!(
        OnMessageAdd,
        &[
            ("AccountSid", AC),
            ("EventType", "onMessageAdd"),
            ("Source", "SDK"),
            ("ClientIdentity", "agent-7"),
            ("ConversationSid", CH),
            ("Body", "Hello 👋 & welcome = 100% +1"),
            ("Author", "agent-7"),
            ("ParticipantSid", MB),
            ("Attributes", r#"{"importance":"high"}"#),
            ("Media", ONE_MEDIA),
        ]
    );
    common!(event, Source::Sdk, Some("agent-7"));
    assert_eq!(event.conversation_sid, CH);
    assert_eq!(event.body, "Hello 👋 & welcome = 100% +1");
    assert_eq!(event.author, "agent-7");
    assert_eq!(event.participant_sid.unwrap(), MB);
    assert_eq!(
        event.attributes,
        Attributes::from(json!({"importance": "high"}))
    );
    let media = event.media.unwrap();
    assert_eq!(media.len(), 1);
    check_media(&media[0], ME1, "image/png", "box.png", 1024);
}

#[test]
fn on_message_remove() {
    let event = pre!(
        OnMessageRemove,
        &[
            ("AccountSid", AC),
            ("EventType", "onMessageRemove"),
            ("Source", "API"),
            ("ConversationSid", CH),
            ("MessageSid", IM),
            ("Index", "0"),
            ("DateCreated", "2026-01-05T08:31:02.001Z"),
            ("DateUpdated", "2026-01-05T08:31:02.001Z"),
            ("Body", ""),
            ("Author", "system"),
            ("ParticipantSid", ""),
            ("Attributes", "{}"),
        ]
    );
    common!(event, Source::Api, None);
    assert_eq!(event.conversation_sid, CH);
    assert_eq!(event.message_sid, IM);
    assert_eq!(event.index, 0);
    assert_eq!(event.date_created, utc((2026, 1, 5), (8, 31, 2), 1_000));
    assert_eq!(event.date_updated, Some(event.date_created));
    assert_eq!(event.body, "");
    assert_eq!(event.author, "system");
    assert_eq!(event.participant_sid, None);
    assert_eq!(event.attributes, Attributes::from(json!({})));
    assert_eq!(event.media, None);
}

#[test]
fn on_message_update() {
    let event = pre!(
        OnMessageUpdate,
        &[
            ("AccountSid", AC),
            ("EventType", "onMessageUpdate"),
            ("Source", "SDK"),
            ("ClientIdentity", "agent-7"),
            ("ConversationSid", CH),
            ("MessageSid", IM),
            ("Index", "42"),
            ("DateCreated", "2026-01-05T08:31:02Z"),
            ("DateUpdated", "2026-01-05T08:45:00.75Z"),
            ("Body", "Edited: see attached"),
            ("Author", "agent-7"),
            ("ParticipantSid", MB),
            ("Attributes", r#"{"edited":true,"revision":2}"#),
            // The REST spelling of the media keys is read too.
            (
                "Media",
                r#"[{"sid":"MEa38c75fe5f1ca84a8f168b3a01541404","content_type":"image/gif","filename":"wave.gif","size":77}]"#,
            ),
        ]
    );
    common!(event, Source::Sdk, Some("agent-7"));
    assert_eq!(event.conversation_sid, CH);
    assert_eq!(event.message_sid, IM);
    assert_eq!(event.index, 42);
    assert_eq!(event.date_created, utc((2026, 1, 5), (8, 31, 2), 0));
    assert_eq!(
        event.date_updated,
        Some(utc((2026, 1, 5), (8, 45, 0), 750_000))
    );
    assert_eq!(event.body, "Edited: see attached");
    assert_eq!(event.author, "agent-7");
    assert_eq!(event.participant_sid.unwrap(), MB);
    assert_eq!(
        event.attributes,
        Attributes::from(json!({"edited": true, "revision": 2}))
    );
    check_media(&event.media.unwrap()[0], ME2, "image/gif", "wave.gif", 77);
}

#[test]
fn on_participant_add() {
    let event = pre!(
        OnParticipantAdd,
        &[
            ("AccountSid", AC),
            ("EventType", "onParticipantAdd"),
            ("Source", "API"),
            ("ConversationSid", CH),
            ("RoleSid", RL),
            ("Attributes", r#"{"vip":true}"#),
            ("MessagingBinding.ProxyAddress", "+14155550100"),
            ("MessagingBinding.Address", "+14155550123"),
            ("MessagingBinding.Type", "SMS"),
        ]
    );
    common!(event, Source::Api, None);
    assert_eq!(event.conversation_sid, CH);
    assert_eq!(event.identity, None);
    assert_eq!(event.role_sid.unwrap(), RL);
    assert_eq!(event.attributes, Attributes::from(json!({"vip": true})));
    check_binding(
        &event.messaging_binding,
        &["+14155550123"],
        Some("+14155550100"),
        None,
        None,
        Some(BindingType::Sms),
    );
}

#[test]
fn on_participant_remove() {
    let event = pre!(
        OnParticipantRemove,
        &[
            ("AccountSid", AC),
            ("EventType", "onParticipantRemove"),
            ("Source", "SDK"),
            ("ClientIdentity", "agent-7"),
            ("ConversationSid", CH),
            ("ParticipantSid", MB),
            ("DateCreated", "2026-01-05T08:30:00Z"),
            ("DateUpdated", "2026-01-05T09:00:00Z"),
            ("Identity", "agent-7"),
            ("RoleSid", RL),
            ("Attributes", "{}"),
            ("MessagingBinding.ProjectedAddress", "+14155550199"),
            ("MessagingBinding.Type", "CHAT"),
        ]
    );
    common!(event, Source::Sdk, Some("agent-7"));
    assert_eq!(event.conversation_sid, CH);
    assert_eq!(event.participant_sid, MB);
    assert_eq!(event.date_created, utc((2026, 1, 5), (8, 30, 0), 0));
    assert_eq!(event.date_updated, Some(utc((2026, 1, 5), (9, 0, 0), 0)));
    assert_eq!(event.identity.as_deref(), Some("agent-7"));
    assert_eq!(event.role_sid.unwrap(), RL);
    assert_eq!(event.attributes, Attributes::from(json!({})));
    check_binding(
        &event.messaging_binding,
        &[],
        None,
        Some("+14155550199"),
        None,
        Some(BindingType::Chat),
    );
}

#[test]
fn on_participant_update() {
    let event = pre!(
        OnParticipantUpdate,
        &[
            ("AccountSid", AC),
            ("EventType", "onParticipantUpdate"),
            ("Source", "API"),
            ("ConversationSid", CH),
            ("ParticipantSid", MB),
            ("DateCreated", "2026-01-05T08:30:00Z"),
            ("DateUpdated", "2026-01-05T10:00:00Z"),
            ("RoleSid", RL),
            ("Attributes", r#"{"language":"es"}"#),
            ("MessagingBinding.ProxyAddress", "whatsapp:+14155550100"),
            ("MessagingBinding.Address", "whatsapp:+14155550123"),
            ("MessagingBinding.Type", "WHATSAPP"),
        ]
    );
    common!(event, Source::Api, None);
    assert_eq!(event.conversation_sid, CH);
    assert_eq!(event.participant_sid, MB);
    assert_eq!(event.date_created, utc((2026, 1, 5), (8, 30, 0), 0));
    assert_eq!(event.date_updated, Some(utc((2026, 1, 5), (10, 0, 0), 0)));
    assert_eq!(event.identity, None);
    assert_eq!(event.role_sid.unwrap(), RL);
    assert_eq!(
        event.attributes,
        Attributes::from(json!({"language": "es"}))
    );
    check_binding(
        &event.messaging_binding,
        &["whatsapp:+14155550123"],
        Some("whatsapp:+14155550100"),
        None,
        None,
        Some(BindingType::Whatsapp),
    );
}

#[test]
fn on_user_update() {
    let event = pre!(
        OnUserUpdate,
        &[
            ("AccountSid", AC),
            ("EventType", "onUserUpdate"),
            ("Source", "SDK"),
            ("ClientIdentity", "agent-7"),
            ("ChatServiceSid", IS),
            ("UserSid", US),
            ("DateUpdated", "2026-02-01T12:00:00Z"),
            ("Identity", "agent-7"),
            ("RoleSid", RL),
            ("Attributes", r#"{"department":"returns"}"#),
            ("FriendlyName", "Agent Seven"),
        ]
    );
    common!(event, Source::Sdk, Some("agent-7"));
    assert_eq!(event.chat_service_sid, IS);
    assert_eq!(event.user_sid, US);
    assert_eq!(event.date_updated, Some(utc((2026, 2, 1), (12, 0, 0), 0)));
    assert_eq!(event.identity.as_deref(), Some("agent-7"));
    assert_eq!(event.role_sid.unwrap(), RL);
    assert_eq!(
        event.attributes,
        Attributes::from(json!({"department": "returns"}))
    );
    assert_eq!(event.friendly_name.as_deref(), Some("Agent Seven"));
    assert_eq!(event.conversation_sid(), None);
}

// ---------------------------------------------------------------------------------------------
// Post-action events
// ---------------------------------------------------------------------------------------------

#[test]
fn on_conversation_added() {
    let event = post!(
        OnConversationAdded,
        &[
            ("AccountSid", AC),
            ("EventType", "onConversationAdded"),
            ("Source", "API"),
            ("RetryCount", "2"),
            ("ConversationSid", CH),
            ("DateCreated", "2026-01-05T08:30:00Z"),
            ("DateUpdated", "2026-01-05T08:30:00.000Z"),
            ("FriendlyName", "Order 77 help"),
            ("UniqueName", ""),
            ("Attributes", r#"{"channel":"sms"}"#),
            ("ChatServiceSid", IS),
            ("MessagingServiceSid", MG),
            ("MessagingBinding.ProxyAddress", "+14155550100"),
            ("MessagingBinding.Address", "+14155550123"),
            ("State", "active"),
        ]
    );
    common!(event, Source::Api, None, Some(2));
    assert_eq!(ConversationsEvent::retry_count(&event), Some(2));
    assert_eq!(event.conversation_sid, CH);
    assert_eq!(event.date_created, utc((2026, 1, 5), (8, 30, 0), 0));
    assert_eq!(event.date_updated, Some(event.date_created));
    assert_eq!(event.friendly_name.as_deref(), Some("Order 77 help"));
    assert_eq!(event.unique_name, None);
    assert_eq!(
        event.attributes,
        Attributes::from(json!({"channel": "sms"}))
    );
    assert_eq!(event.chat_service_sid, IS);
    assert_eq!(event.messaging_service_sid.unwrap(), MG);
    assert_eq!(event.state, Some(ConversationState::Active));
    check_binding(
        &event.messaging_binding,
        &["+14155550123"],
        Some("+14155550100"),
        None,
        None,
        None,
    );
}

#[test]
fn on_conversation_removed() {
    let event = post!(
        OnConversationRemoved,
        &[
            ("AccountSid", AC),
            ("EventType", "onConversationRemoved"),
            ("Source", "API"),
            ("ConversationSid", CH),
            ("DateCreated", "2026-01-05T08:30:00Z"),
            ("DateUpdated", "2026-01-06T09:15:30Z"),
            ("DateRemoved", "2026-01-07T00:00:01.999Z"),
            ("FriendlyName", "Order 77 help"),
            ("UniqueName", "order-77"),
            ("Attributes", "{}"),
            ("ChatServiceSid", IS),
            ("MessagingServiceSid", MG),
            ("State", "closed"),
        ]
    );
    common!(event, Source::Api, None);
    assert_eq!(event.conversation_sid, CH);
    assert_eq!(event.date_created, utc((2026, 1, 5), (8, 30, 0), 0));
    assert_eq!(event.date_updated, Some(utc((2026, 1, 6), (9, 15, 30), 0)));
    assert_eq!(event.date_removed, utc((2026, 1, 7), (0, 0, 1), 999_000));
    assert_eq!(event.friendly_name.as_deref(), Some("Order 77 help"));
    assert_eq!(event.unique_name.as_deref(), Some("order-77"));
    assert_eq!(event.attributes, Attributes::from(json!({})));
    assert_eq!(event.chat_service_sid, IS);
    assert_eq!(event.messaging_service_sid.unwrap(), MG);
    assert_eq!(event.state, Some(ConversationState::Closed));
}

#[test]
fn on_conversation_updated() {
    let event = post!(
        OnConversationUpdated,
        &[
            ("AccountSid", AC),
            ("EventType", "onConversationUpdated"),
            ("Source", "SDK"),
            ("ClientIdentity", "agent-7"),
            ("ConversationSid", CH),
            ("DateCreated", "2026-01-05T08:30:00Z"),
            ("DateUpdated", "2026-01-06T09:15:30Z"),
            ("FriendlyName", "Order 77 (resolved)"),
            ("UniqueName", "order-77"),
            ("Attributes", r#"{"resolved":true}"#),
            ("ChatServiceSid", IS),
            ("MessagingServiceSid", ""),
            // A state this library does not know yet is kept.
            ("State", "archived"),
        ]
    );
    common!(event, Source::Sdk, Some("agent-7"));
    assert_eq!(event.conversation_sid, CH);
    assert_eq!(event.date_created, utc((2026, 1, 5), (8, 30, 0), 0));
    assert_eq!(event.date_updated, Some(utc((2026, 1, 6), (9, 15, 30), 0)));
    assert_eq!(event.friendly_name.as_deref(), Some("Order 77 (resolved)"));
    assert_eq!(event.unique_name.as_deref(), Some("order-77"));
    assert_eq!(
        event.attributes,
        Attributes::from(json!({"resolved": true}))
    );
    assert_eq!(event.chat_service_sid, IS);
    assert_eq!(event.messaging_service_sid, None);
    assert_eq!(
        event.state,
        Some(ConversationState::Other("archived".into()))
    );
}

#[test]
fn on_conversation_state_updated() {
    let event = post!(
        OnConversationStateUpdated,
        &[
            ("AccountSid", AC),
            ("EventType", "onConversationStateUpdated"),
            ("Source", "API"),
            ("ChatServiceSid", IS),
            ("StateUpdated", "2026-01-07T00:00:00.123456Z"),
            ("StateFrom", "inactive"),
            ("StateTo", "closed"),
            ("ConversationSid", CH),
            ("Reason", "TIMER"),
            ("MessagingServiceSid", MG),
        ]
    );
    common!(event, Source::Api, None);
    assert_eq!(event.chat_service_sid, IS);
    assert_eq!(event.state_updated, utc((2026, 1, 7), (0, 0, 0), 123_456));
    assert_eq!(event.state_from, ConversationState::Inactive);
    assert_eq!(event.state_to, ConversationState::Closed);
    assert_eq!(event.conversation_sid, CH);
    assert_eq!(event.reason, StateChangeReason::Timer);
    assert_eq!(event.messaging_service_sid.unwrap(), MG);
    assert_eq!(event.conversation_sid().unwrap(), CH);
}

#[test]
fn on_message_added() {
    let event = post!(
        OnMessageAdded,
        &[
            ("AccountSid", AC),
            ("EventType", "onMessageAdded"),
            ("Source", "SDK"),
            ("ClientIdentity", "agent-7"),
            ("ConversationSid", CH),
            ("MessageSid", IM),
            ("MessagingServiceSid", MG),
            ("Index", "3"),
            ("DateCreated", "2026-01-05T08:31:02.250Z"),
            ("Body", "Your replacement ships today."),
            ("Author", "agent-7"),
            ("ParticipantSid", MB),
            ("Attributes", r#"{"template":"shipping","params":[1,2]}"#),
            ("Media", ONE_MEDIA),
        ]
    );
    common!(event, Source::Sdk, Some("agent-7"));
    assert_eq!(event.conversation_sid, CH);
    assert_eq!(event.message_sid, IM);
    assert_eq!(event.messaging_service_sid.unwrap(), MG);
    assert_eq!(event.index, 3);
    assert_eq!(event.date_created, utc((2026, 1, 5), (8, 31, 2), 250_000));
    assert_eq!(event.body, "Your replacement ships today.");
    assert_eq!(event.author, "agent-7");
    assert_eq!(event.participant_sid.unwrap(), MB);
    assert_eq!(
        event.attributes,
        Attributes::from(json!({"template": "shipping", "params": [1, 2]}))
    );
    check_media(&event.media.unwrap()[0], ME1, "image/png", "box.png", 1024);
}

#[test]
fn on_message_updated() {
    let event = post!(
        OnMessageUpdated,
        &[
            ("AccountSid", AC),
            ("EventType", "onMessageUpdated"),
            ("Source", "API"),
            ("ConversationSid", CH),
            ("MessageSid", IM),
            ("Index", "4294967296"),
            ("DateCreated", "2026-01-05T08:31:02Z"),
            ("DateUpdated", "2026-01-05T08:32:00Z"),
            ("Body", "Your replacement shipped."),
            ("Author", "agent-7"),
            ("ParticipantSid", MB),
            ("Attributes", "[]"),
            ("Media", "[]"),
        ]
    );
    common!(event, Source::Api, None);
    assert_eq!(event.conversation_sid, CH);
    assert_eq!(event.message_sid, IM);
    // Indexes are not limited to 32 bits.
    assert_eq!(event.index, 4_294_967_296);
    assert_eq!(event.date_created, utc((2026, 1, 5), (8, 31, 2), 0));
    assert_eq!(event.date_updated, Some(utc((2026, 1, 5), (8, 32, 0), 0)));
    assert_eq!(event.body, "Your replacement shipped.");
    assert_eq!(event.author, "agent-7");
    assert_eq!(event.participant_sid.unwrap(), MB);
    assert_eq!(event.attributes, Attributes::from(json!([])));
    assert_eq!(event.media, Some(vec![]));
}

#[test]
fn on_message_removed() {
    let event = post!(
        OnMessageRemoved,
        &[
            ("AccountSid", AC),
            ("EventType", "onMessageRemoved"),
            ("Source", "SDK"),
            ("ClientIdentity", "agent-7"),
            ("ConversationSid", CH),
            ("MessageSid", IM),
            ("Index", "5"),
            ("DateCreated", "2026-01-05T08:31:02Z"),
            ("DateUpdated", "2026-01-05T08:32:00Z"),
            ("DateRemoved", "2026-01-05T08:40:00Z"),
            ("Body", "oops"),
            ("Author", "agent-7"),
            ("ParticipantSid", MB),
            ("Attributes", "{}"),
            ("Media", TWO_MEDIA),
        ]
    );
    common!(event, Source::Sdk, Some("agent-7"));
    assert_eq!(event.conversation_sid, CH);
    assert_eq!(event.message_sid, IM);
    assert_eq!(event.index, 5);
    assert_eq!(event.date_created, utc((2026, 1, 5), (8, 31, 2), 0));
    assert_eq!(event.date_updated, Some(utc((2026, 1, 5), (8, 32, 0), 0)));
    assert_eq!(event.date_removed, utc((2026, 1, 5), (8, 40, 0), 0));
    assert_eq!(event.body, "oops");
    assert_eq!(event.author, "agent-7");
    assert_eq!(event.participant_sid.unwrap(), MB);
    assert_eq!(event.attributes, Attributes::from(json!({})));
    let media = event.media.unwrap();
    check_media(&media[0], ME1, "image/png", "box.png", 1024);
    check_media(&media[1], ME2, "application/pdf", "invoice.pdf", 20480);
}

#[test]
fn on_participant_added() {
    let event = post!(
        OnParticipantAdded,
        &[
            ("AccountSid", AC),
            ("EventType", "onParticipantAdded"),
            ("Source", "API"),
            ("ConversationSid", CH),
            ("ParticipantSid", MB),
            ("DateCreated", "2026-01-05T08:30:00Z"),
            ("RoleSid", RL),
            ("Attributes", "{}"),
            ("MessagingBinding.ProxyAddress", "messenger:987654321"),
            ("MessagingBinding.Address", "messenger:123456789"),
            // A channel this library does not know yet is kept.
            ("MessagingBinding.Type", "MESSENGER"),
        ]
    );
    common!(event, Source::Api, None);
    assert_eq!(event.conversation_sid, CH);
    assert_eq!(event.participant_sid, MB);
    assert_eq!(event.date_created, utc((2026, 1, 5), (8, 30, 0), 0));
    assert_eq!(event.identity, None);
    assert_eq!(event.role_sid.unwrap(), RL);
    assert_eq!(event.attributes, Attributes::from(json!({})));
    check_binding(
        &event.messaging_binding,
        &["messenger:123456789"],
        Some("messenger:987654321"),
        None,
        None,
        Some(BindingType::Other("MESSENGER".into())),
    );
}

#[test]
fn on_participant_updated() {
    let event = post!(
        OnParticipantUpdated,
        &[
            ("AccountSid", AC),
            ("EventType", "onParticipantUpdated"),
            ("Source", "SDK"),
            ("ClientIdentity", "agent-7"),
            ("ConversationSid", CH),
            ("ParticipantSid", MB),
            ("DateCreated", "2026-01-05T08:30:00Z"),
            ("DateUpdated", "2026-01-05T08:50:00Z"),
            ("Identity", "agent-7"),
            ("RoleSid", RL),
            ("Attributes", "{}"),
            ("MessagingBinding.ProjectedAddress", "+14155550199"),
            ("MessagingBinding.Type", "CHAT"),
            ("LastReadMessageIndex", "12"),
        ]
    );
    common!(event, Source::Sdk, Some("agent-7"));
    assert_eq!(event.conversation_sid, CH);
    assert_eq!(event.participant_sid, MB);
    assert_eq!(event.date_created, utc((2026, 1, 5), (8, 30, 0), 0));
    assert_eq!(event.date_updated, Some(utc((2026, 1, 5), (8, 50, 0), 0)));
    assert_eq!(event.identity.as_deref(), Some("agent-7"));
    assert_eq!(event.role_sid.unwrap(), RL);
    assert_eq!(event.attributes, Attributes::from(json!({})));
    assert_eq!(event.last_read_message_index, Some(12));
    check_binding(
        &event.messaging_binding,
        &[],
        None,
        Some("+14155550199"),
        None,
        Some(BindingType::Chat),
    );
}

#[test]
fn on_participant_removed() {
    let event = post!(
        OnParticipantRemoved,
        &[
            ("AccountSid", AC),
            ("EventType", "onParticipantRemoved"),
            ("Source", "API"),
            ("ConversationSid", CH),
            ("ParticipantSid", MB),
            ("DateCreated", "2026-01-05T08:30:00Z"),
            ("DateUpdated", "2026-01-05T08:50:00Z"),
            ("DateRemoved", "2026-01-05T09:00:00.1Z"),
            ("RoleSid", RL),
            ("Attributes", "{}"),
            ("MessagingBinding.ProxyAddress", "+14155550100"),
            ("MessagingBinding.Address", "+14155550123"),
            ("MessagingBinding.Type", "sms"),
        ]
    );
    common!(event, Source::Api, None);
    assert_eq!(event.conversation_sid, CH);
    assert_eq!(event.participant_sid, MB);
    assert_eq!(event.date_created, utc((2026, 1, 5), (8, 30, 0), 0));
    assert_eq!(event.date_updated, Some(utc((2026, 1, 5), (8, 50, 0), 0)));
    assert_eq!(event.date_removed, utc((2026, 1, 5), (9, 0, 0), 100_000));
    assert_eq!(event.identity, None);
    assert_eq!(event.role_sid.unwrap(), RL);
    assert_eq!(event.attributes, Attributes::from(json!({})));
    check_binding(
        &event.messaging_binding,
        &["+14155550123"],
        Some("+14155550100"),
        None,
        None,
        Some(BindingType::Sms),
    );
}

#[test]
fn on_delivery_updated() {
    let event = post!(
        OnDeliveryUpdated,
        &[
            ("AccountSid", AC),
            ("EventType", "onDeliveryUpdated"),
            ("Source", "API"),
            ("ConversationSid", CH),
            ("ChatServiceSid", IS),
            ("MessageSid", IM),
            ("DeliveryReceiptSid", DY),
            ("ChannelMessageSid", WA),
            ("ParticipantSid", MB),
            ("Status", "failed"),
            ("ErrorCode", "63016"),
            ("DateCreated", "2026-01-05T08:31:03Z"),
            ("DateUpdated", "2026-01-05T08:31:09.042Z"),
        ]
    );
    common!(event, Source::Api, None);
    assert_eq!(event.conversation_sid, CH);
    assert_eq!(event.chat_service_sid, IS);
    assert_eq!(event.message_sid, IM);
    assert_eq!(event.delivery_receipt_sid, DY);
    let channel = event.channel_message_sid.unwrap();
    assert_eq!(channel.as_str(), WA);
    assert_eq!(channel.prefix(), "WA");
    assert_eq!(event.participant_sid, MB);
    assert_eq!(event.status, DeliveryStatus::Failed);
    assert_eq!(event.error_code, Some(63016));
    assert_eq!(event.date_created, utc((2026, 1, 5), (8, 31, 3), 0));
    assert_eq!(
        event.date_updated,
        Some(utc((2026, 1, 5), (8, 31, 9), 42_000))
    );
}

#[test]
fn on_user_added() {
    let event = post!(
        OnUserAdded,
        &[
            ("AccountSid", AC),
            ("EventType", "onUserAdded"),
            ("Source", "API"),
            ("ChatServiceSid", IS),
            ("UserSid", US),
            ("DateCreated", "2026-02-01T11:59:59Z"),
            ("Identity", "agent-8"),
            ("RoleSid", RL),
            ("Attributes", r#"{"department":"billing"}"#),
            ("FriendlyName", "Agent Eight"),
        ]
    );
    common!(event, Source::Api, None);
    assert_eq!(event.chat_service_sid, IS);
    assert_eq!(event.user_sid, US);
    assert_eq!(event.date_created, utc((2026, 2, 1), (11, 59, 59), 0));
    assert_eq!(event.identity.as_deref(), Some("agent-8"));
    assert_eq!(event.role_sid.unwrap(), RL);
    assert_eq!(
        event.attributes,
        Attributes::from(json!({"department": "billing"}))
    );
    assert_eq!(event.friendly_name.as_deref(), Some("Agent Eight"));
}

#[test]
fn on_user_updated() {
    let event = post!(
        OnUserUpdated,
        &[
            ("AccountSid", AC),
            ("EventType", "onUserUpdated"),
            ("Source", "SDK"),
            ("ClientIdentity", "agent-8"),
            ("ChatServiceSid", IS),
            ("UserSid", US),
            ("DateCreated", "2026-02-01T11:59:59Z"),
            ("DateUpdated", "2026-02-01T12:30:00Z"),
            ("Identity", "agent-8"),
            ("RoleSid", RL),
            ("Attributes", "{}"),
            ("FriendlyName", "Agent Eight"),
            ("isOnline", "true"),
            ("isNotifiable", "false"),
        ]
    );
    common!(event, Source::Sdk, Some("agent-8"));
    assert_eq!(event.chat_service_sid, IS);
    assert_eq!(event.user_sid, US);
    assert_eq!(event.date_created, utc((2026, 2, 1), (11, 59, 59), 0));
    assert_eq!(event.date_updated, Some(utc((2026, 2, 1), (12, 30, 0), 0)));
    assert_eq!(event.identity.as_deref(), Some("agent-8"));
    assert_eq!(event.role_sid.unwrap(), RL);
    assert_eq!(event.attributes, Attributes::from(json!({})));
    assert_eq!(event.friendly_name.as_deref(), Some("Agent Eight"));
    assert_eq!(event.is_online, Some(true));
    assert_eq!(event.is_notifiable, Some(false));
}

#[test]
fn booleans_accept_twilio_spellings() {
    for (online, notifiable, expected) in [
        ("True", "False", (true, false)),
        ("TRUE", "FALSE", (true, false)),
        ("false", "true", (false, true)),
        ("1", "0", (true, false)),
    ] {
        let event = post!(
            OnUserUpdated,
            &[
                ("AccountSid", AC),
                ("EventType", "onUserUpdated"),
                ("Source", "API"),
                ("ChatServiceSid", IS),
                ("UserSid", US),
                ("DateCreated", "2026-02-01T11:59:59Z"),
                ("Attributes", "{}"),
                ("isOnline", online),
                ("isNotifiable", notifiable),
            ]
        );
        assert_eq!(
            (event.is_online, event.is_notifiable),
            (Some(expected.0), Some(expected.1))
        );
    }
}

#[test]
fn enums_match_without_case_and_keep_unknown_values() {
    for (text, expected) in [
        ("read", DeliveryStatus::Read),
        ("failed", DeliveryStatus::Failed),
        ("delivered", DeliveryStatus::Delivered),
        ("undelivered", DeliveryStatus::Undelivered),
        ("sent", DeliveryStatus::Sent),
        ("DELIVERED", DeliveryStatus::Delivered),
        ("seen", DeliveryStatus::Other("seen".into())),
    ] {
        let event = post!(
            OnDeliveryUpdated,
            &[
                ("AccountSid", AC),
                ("EventType", "onDeliveryUpdated"),
                ("Source", "API"),
                ("ConversationSid", CH),
                ("ChatServiceSid", IS),
                ("MessageSid", IM),
                ("DeliveryReceiptSid", DY),
                ("ParticipantSid", MB),
                ("Status", text),
                ("DateCreated", "2026-01-05T08:31:03Z"),
            ]
        );
        assert_eq!(event.status, expected);
        assert_eq!(event.channel_message_sid, None);
        assert_eq!(event.error_code, None);
        assert_eq!(event.date_updated, None);
    }
    for (text, expected) in [
        ("API", StateChangeReason::Api),
        ("TIMER", StateChangeReason::Timer),
        ("EVENT", StateChangeReason::Event),
        ("MIGRATION", StateChangeReason::Other("MIGRATION".into())),
    ] {
        let event = post!(
            OnConversationStateUpdated,
            &[
                ("AccountSid", AC),
                ("EventType", "onConversationStateUpdated"),
                ("Source", "API"),
                ("ChatServiceSid", IS),
                ("StateUpdated", "2026-01-07T00:00:00Z"),
                ("StateFrom", "initializing"),
                ("StateTo", "active"),
                ("ConversationSid", CH),
                ("Reason", text),
            ]
        );
        assert_eq!(event.reason, expected);
        assert_eq!(event.state_from, ConversationState::Initializing);
        assert_eq!(event.messaging_service_sid, None);
    }
    assert_eq!(
        "Studio".parse::<Source>().unwrap(),
        Source::Other("Studio".into())
    );
}

// ---------------------------------------------------------------------------------------------
// Group MMS, unknown events, extra parameters
// ---------------------------------------------------------------------------------------------

/// A group MMS auto-creating a conversation, as posted (raw body, not built by an encoder).
const GROUP_MMS_BODY: &str = "AccountSid=AC4290e1ef2fa1c863e25604b7c08f1fd0\
    &EventType=onConversationAdd&Source=API\
    &ChatServiceSid=IS48f75b3a0e81f1cbc586241193547044\
    &MessagingServiceSid=MG377800759bb9177e12f7c2292f460aeb\
    &UniqueName=&FriendlyName=&Attributes=%7B%7D&State=active\
    &MessagingBinding.Address=%2B14155550123\
    &MessagingBinding.ProjectedAddress=%2B14155550199\
    &MessagingBinding.Address=%2B14155550124\
    &MessagingBinding.AuthorAddress=%2B14155550123\
    &MessagingBinding.Address=%2B14155550125\
    &MessageBody=Dinner+at+8%3F";

#[test]
fn group_mms_exposes_every_address_in_order() {
    let Event::PreAction(PreActionEvent::OnConversationAdd(event)) =
        Event::from_form(GROUP_MMS_BODY.as_bytes()).unwrap()
    else {
        panic!("not an onConversationAdd");
    };
    common!(event, Source::Api, None);
    check_binding(
        &event.messaging_binding,
        &["+14155550123", "+14155550124", "+14155550125"],
        None,
        Some("+14155550199"),
        Some("+14155550123"),
        None,
    );
    let binding = event.messaging_binding.as_ref().unwrap();
    assert_eq!(binding.address(), Some("+14155550123"));
    assert_eq!(event.message_body.as_deref(), Some("Dinner at 8?"));
    assert_eq!(event.friendly_name, None);
    assert_eq!(event.unique_name, None);
    assert_eq!(event.media, None);

    let json = serde_json::to_value(&event).unwrap();
    assert_eq!(
        json["messaging_binding"],
        json!({
            "address": ["+14155550123", "+14155550124", "+14155550125"],
            "projected_address": "+14155550199",
            "author_address": "+14155550123",
        })
    );
}

#[test]
fn binding_with_only_empty_values_is_absent() {
    // A conversation created over REST with no participants yet: the binding parameters are null.
    let event = pre!(
        OnConversationAdd,
        &[
            ("AccountSid", AC),
            ("EventType", "onConversationAdd"),
            ("Source", "API"),
            ("Attributes", "{}"),
            ("ChatServiceSid", IS),
            ("MessagingBinding.ProxyAddress", ""),
            ("MessagingBinding.Address", ""),
        ]
    );
    assert_eq!(event.messaging_binding, None);
    assert!(event.extra.is_empty());
    let event = pre!(
        OnConversationAdd,
        &[
            ("AccountSid", AC),
            ("EventType", "onConversationAdd"),
            ("Source", "API"),
            ("Attributes", "{}"),
            ("ChatServiceSid", IS),
        ]
    );
    assert_eq!(event.messaging_binding, None);
}

#[test]
fn unknown_event_keeps_every_raw_parameter() {
    let body = "AccountSid=AC4290e1ef2fa1c863e25604b7c08f1fd0&EventType=onFlowStarted\
        &FlowSid=FW0123456789abcdef0123456789abcdef&Index=not-a-number&Tag=a&Tag=b+c&Empty=";
    let event = Event::from_form(body.as_bytes()).unwrap();
    assert_eq!(event.event_type(), "onFlowStarted");
    assert!(!event.is_pre_action());
    assert_eq!(event.conversation_sid(), None);
    let Event::Unknown(unknown) = &event else {
        panic!("expected Unknown, got {event:?}");
    };
    assert_eq!(unknown.event_type, "onFlowStarted");
    let expected = Params::from_pairs([
        ("AccountSid", AC),
        ("EventType", "onFlowStarted"),
        ("FlowSid", "FW0123456789abcdef0123456789abcdef"),
        ("Index", "not-a-number"),
        ("Tag", "a"),
        ("Tag", "b c"),
        ("Empty", ""),
    ]);
    assert_eq!(unknown.params, expected);
    assert_eq!(
        unknown.params.get_all("Tag").collect::<Vec<_>>(),
        ["a", "b c"]
    );

    assert_eq!(
        serde_json::to_value(&event).unwrap(),
        json!({
            "event_type": "onFlowStarted",
            "params": {
                "AccountSid": AC,
                "EventType": "onFlowStarted",
                "FlowSid": "FW0123456789abcdef0123456789abcdef",
                "Index": "not-a-number",
                "Tag": ["a", "b c"],
                "Empty": "",
            }
        })
    );
}

#[test]
fn unknown_event_names_are_case_sensitive() {
    // Twilio's EventType spelling is exact; anything else is not one of the known events.
    let event = Event::from_form(b"EventType=ONMESSAGEADD&Body=hi").unwrap();
    assert!(matches!(event, Event::Unknown(_)));
}

#[test]
fn extra_parameters_are_kept_and_reachable() {
    let body = "AccountSid=AC4290e1ef2fa1c863e25604b7c08f1fd0&EventType=onMessageAdded&Source=API\
        &ConversationSid=CH120dacd35732b16ec16762211a34db6f\
        &MessageSid=IMc56ec712a2d2fcbd19f5bc81066a46b5&Index=1\
        &DateCreated=2026-01-05T08%3A31%3A02Z&Body=hi&Author=agent-7&Attributes=%7B%7D\
        &Reactions=%5B%22%F0%9F%91%8D%22%5D&Body=second+body&MessagingBinding.Address=%2B1415";
    let Event::PostAction(PostActionEvent::OnMessageAdded(event)) =
        Event::from_form(body.as_bytes()).unwrap()
    else {
        panic!("not an onMessageAdded");
    };
    assert_eq!(event.body, "hi");
    assert_eq!(event.index, 1);
    assert_eq!(event.extra.get("Reactions"), Some(r#"["👍"]"#));
    // A repeat of a known parameter, and a binding parameter on an event that has none.
    assert_eq!(event.extra.get("Body"), Some("second body"));
    assert_eq!(event.extra.get("MessagingBinding.Address"), Some("+1415"));
    assert_eq!(event.extra.len(), 3);
    let json = serde_json::to_value(&event).unwrap();
    assert_eq!(
        json["extra"],
        json!({"Reactions": "[\"👍\"]", "Body": "second body", "MessagingBinding.Address": "+1415"})
    );
}

// ---------------------------------------------------------------------------------------------
// JSON form
// ---------------------------------------------------------------------------------------------

#[test]
fn message_json_form() {
    let event = parse(&[
        ("AccountSid", AC),
        ("EventType", "onMessageAdded"),
        ("Source", "SDK"),
        ("ClientIdentity", "agent-7"),
        ("RetryCount", "1"),
        ("ConversationSid", CH),
        ("MessageSid", IM),
        ("MessagingServiceSid", MG),
        ("Index", "3"),
        ("DateCreated", "2026-01-05T08:31:02.250Z"),
        ("Body", "Your replacement ships today."),
        ("Author", "agent-7"),
        ("Attributes", r#"{"template":"shipping","params":[1,2]}"#),
        ("Media", TWO_MEDIA),
    ]);
    let text = serde_json::to_string(&event).unwrap();
    assert!(
        text.starts_with(r#"{"event_type":"onMessageAdded","#),
        "{text}"
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&text).unwrap(),
        json!({
            "event_type": "onMessageAdded",
            "account_sid": AC,
            "source": "SDK",
            "client_identity": "agent-7",
            "retry_count": 1,
            "conversation_sid": CH,
            "message_sid": IM,
            "messaging_service_sid": MG,
            "index": 3,
            "date_created": "2026-01-05T08:31:02.25Z",
            "body": "Your replacement ships today.",
            "author": "agent-7",
            "participant_sid": null,
            "attributes": {"template": "shipping", "params": [1, 2]},
            "media": [
                {"sid": ME1, "content_type": "image/png", "filename": "box.png", "size": 1024},
                {
                    "sid": ME2,
                    "content_type": "application/pdf",
                    "filename": "invoice.pdf",
                    "size": 20480,
                    "Category": "media",
                },
            ],
        })
    );
}

#[test]
fn conversation_json_form_keeps_text_attributes_and_offsets() {
    let event = parse(&[
        ("AccountSid", AC),
        ("EventType", "onConversationUpdate"),
        ("Source", "API"),
        ("ConversationSid", CH),
        ("DateCreated", "2026-01-05T08:30:00Z"),
        ("DateUpdated", "2026-01-06T11:15:30+02:00"),
        ("FriendlyName", "Order 77"),
        ("Attributes", "escalated by phone"),
        ("ChatServiceSid", IS),
        ("State", "inactive"),
    ]);
    assert_eq!(
        serde_json::to_value(&event).unwrap(),
        json!({
            "event_type": "onConversationUpdate",
            "account_sid": AC,
            "source": "API",
            "client_identity": null,
            "retry_count": null,
            "conversation_sid": CH,
            "date_created": "2026-01-05T08:30:00Z",
            "date_updated": "2026-01-06T11:15:30+02:00",
            "friendly_name": "Order 77",
            "unique_name": null,
            "attributes": "escalated by phone",
            "chat_service_sid": IS,
            "messaging_service_sid": null,
            "state": "inactive",
        })
    );
}

#[test]
fn participant_delivery_and_user_json_forms() {
    let participant = parse(&[
        ("AccountSid", AC),
        ("EventType", "onParticipantUpdated"),
        ("Source", "SDK"),
        ("ClientIdentity", "agent-7"),
        ("ConversationSid", CH),
        ("ParticipantSid", MB),
        ("DateCreated", "2026-01-05T08:30:00Z"),
        ("RoleSid", RL),
        ("Attributes", r#"{"vip":true}"#),
        ("MessagingBinding.ProxyAddress", "+14155550100"),
        ("MessagingBinding.Address", "+14155550123"),
        ("MessagingBinding.Type", "SMS"),
        ("LastReadMessageIndex", "12"),
    ]);
    assert_eq!(
        serde_json::to_value(&participant).unwrap(),
        json!({
            "event_type": "onParticipantUpdated",
            "account_sid": AC,
            "source": "SDK",
            "client_identity": "agent-7",
            "retry_count": null,
            "conversation_sid": CH,
            "participant_sid": MB,
            "date_created": "2026-01-05T08:30:00Z",
            "date_updated": null,
            "identity": null,
            "role_sid": RL,
            "attributes": {"vip": true},
            "last_read_message_index": 12,
            "messaging_binding": {
                "address": "+14155550123",
                "proxy_address": "+14155550100",
                "type": "SMS",
            },
        })
    );

    let delivery = parse(&[
        ("AccountSid", AC),
        ("EventType", "onDeliveryUpdated"),
        ("Source", "API"),
        ("ConversationSid", CH),
        ("ChatServiceSid", IS),
        ("MessageSid", IM),
        ("DeliveryReceiptSid", DY),
        ("ChannelMessageSid", WA),
        ("ParticipantSid", MB),
        ("Status", "undelivered"),
        ("ErrorCode", "30003"),
        ("DateCreated", "2026-01-05T08:31:03Z"),
        ("DateUpdated", "2026-01-05T08:31:09.042Z"),
    ]);
    assert_eq!(
        serde_json::to_value(&delivery).unwrap(),
        json!({
            "event_type": "onDeliveryUpdated",
            "account_sid": AC,
            "source": "API",
            "client_identity": null,
            "retry_count": null,
            "conversation_sid": CH,
            "chat_service_sid": IS,
            "message_sid": IM,
            "delivery_receipt_sid": DY,
            "channel_message_sid": WA,
            "participant_sid": MB,
            "status": "undelivered",
            "error_code": 30003,
            "date_created": "2026-01-05T08:31:03Z",
            "date_updated": "2026-01-05T08:31:09.042Z",
        })
    );

    let user = parse(&[
        ("AccountSid", AC),
        ("EventType", "onUserUpdated"),
        ("Source", "API"),
        ("ChatServiceSid", IS),
        ("UserSid", US),
        ("DateCreated", "2026-02-01T11:59:59Z"),
        ("Attributes", "{}"),
        ("isOnline", "False"),
        ("isNotifiable", "true"),
    ]);
    assert_eq!(
        serde_json::to_value(&user).unwrap(),
        json!({
            "event_type": "onUserUpdated",
            "account_sid": AC,
            "source": "API",
            "client_identity": null,
            "retry_count": null,
            "chat_service_sid": IS,
            "user_sid": US,
            "date_created": "2026-02-01T11:59:59Z",
            "date_updated": null,
            "identity": null,
            "role_sid": null,
            "attributes": {},
            "friendly_name": null,
            "is_online": false,
            "is_notifiable": true,
        })
    );
}

#[test]
fn typed_from_form_agrees_with_event_from_form() {
    let body = form(&[
        ("AccountSid", AC),
        ("EventType", "onUserAdded"),
        ("Source", "API"),
        ("ChatServiceSid", IS),
        ("UserSid", US),
        ("DateCreated", "2026-02-01T11:59:59Z"),
        ("Attributes", "{}"),
    ]);
    let typed = OnUserAdded::from_form(body.as_bytes()).unwrap();
    assert_eq!(
        Event::from_form(body.as_bytes()).unwrap(),
        Event::from(typed)
    );
}
