//! Event Streams: every type read field by field from deliveries shaped like Twilio's docs
//! examples, deliveries signed by the official twilio-python and twilio-node libraries, and what
//! happens to odd, bad and unknown events.

use serde::Deserialize;
use serde_json::{json, Value};
use time::macros::datetime;
use twilio_webhooks::conversations::{
    Attributes, BindingType, ConversationState, DeliveryStatus, StateChangeReason,
};
use twilio_webhooks::signature::{validate_body, Keyring, SignatureError, Validator};
use twilio_webhooks::streams::{
    parse_batch, BatchError, CloudEvent, Event, EventTime, ExecutionStatus, MessageAdded,
    StreamEvent,
};
use twilio_webhooks::testing::{self, EventBatch};
use twilio_webhooks::Params;

const DOCS: &str = include_str!("fixtures/streams/docs_examples.json");
const SIGNED: &str = include_str!("fixtures/streams/signed_batches.json");

const AC: &str = "ACe95cfd541a925a3337fec19a02000090";
const CH: &str = "CHee95cfd541a925a3337fec19a0200009";
const IM: &str = "IMee95cfd541a925a3337fec19a0200009";
const MG: &str = "MGee95cfd541a925a3337fec19a0200009";
const RL: &str = "RLe95cfd541a925a3337fec19a02000090";
const IS: &str = "ISe95cfd541a925a3337fec19a02000090";
const MB: &str = "MB0119bde8f8b74237a4606d1447c9ebcf";

fn docs_events() -> Vec<Value> {
    let doc: Value = serde_json::from_str(DOCS).unwrap();
    doc["events"].as_array().unwrap().clone()
}

/// Parses the docs batch and returns its events, checking none was set aside.
fn docs_batch() -> Vec<CloudEvent> {
    let body = serde_json::to_vec(&docs_events()).unwrap();
    parse_batch(&body)
        .unwrap()
        .into_iter()
        .map(|item| item.unwrap_or_else(|invalid| panic!("{invalid}")))
        .collect()
}

fn event<'a>(events: &'a [CloudEvent], event_type: &str) -> &'a CloudEvent {
    events
        .iter()
        .find(|event| event.event_type == event_type)
        .unwrap_or_else(|| panic!("no {event_type}"))
}

#[test]
fn docs_envelopes() {
    let events = docs_batch();
    assert_eq!(events.len(), Event::TYPES.len());
    // Every type is in the fixture, in the order of the table.
    let types: Vec<&str> = events.iter().map(|event| event.data.event_type()).collect();
    assert_eq!(types, Event::TYPES);
    let first = &events[0];
    assert_eq!(first.id, "NO00000000000000000000000001");
    assert_eq!(
        first.source.as_deref(),
        Some("AB00000000000000000000000001")
    );
    assert_eq!(first.specversion.as_deref(), Some("1.0"));
    assert_eq!(
        first.dataschema.as_deref(),
        Some("https://events-schemas.twilio.com/Conversations.ConversationAdded/2")
    );
    // Twilio's examples put a timestamp in datacontenttype and send no time: kept as is.
    assert_eq!(
        first.datacontenttype.as_deref(),
        Some("2025-10-08T07:17:02.363Z")
    );
    assert_eq!(first.time, None);
    assert!(first.extensions.is_empty());
    let context = first.context();
    assert_eq!(
        (context.id(), context.event_type(), context.source()),
        (
            "NO00000000000000000000000001",
            "com.twilio.conversations.conversation.added",
            Some("AB00000000000000000000000001")
        )
    );
    for event in &events {
        assert_eq!(
            event.data.extra().map(|extra| extra.len()),
            Some(0),
            "{}",
            event.id
        );
    }
}

#[test]
fn docs_conversations() {
    let events = docs_batch();
    let Event::ConversationAdded(added) =
        &event(&events, "com.twilio.conversations.conversation.added").data
    else {
        unreachable!()
    };
    assert_eq!(added.account_sid, AC);
    assert_eq!(added.conversation_sid, CH);
    assert_eq!(added.messaging_service_sid.unwrap(), MG);
    assert_eq!(added.chat_service_sid, None);
    assert_eq!(
        added.friendly_name.as_deref(),
        Some("whatsapp:+11234567890")
    );
    assert_eq!(
        added.unique_name.as_deref(),
        Some("My conversation with +11234567890")
    );
    assert_eq!(added.state, Some(ConversationState::Active));
    assert_eq!(added.date_created, Some(datetime!(2025-01-01 00:00:00 UTC)));
    assert_eq!(added.message_body.as_deref(), Some("Ahoy!"));
    assert_eq!(added.message_subject.as_deref(), Some("Welcome to Twilio"));
    assert_eq!(
        added.author_friendly_name.as_deref(),
        Some("My friendly name")
    );
    let binding = added.messaging_binding.as_ref().unwrap();
    assert_eq!(binding.addresses, ["whatsapp:+14567890123"]);
    assert_eq!(
        binding.proxy_address.as_deref(),
        Some("whatsapp:+11234567890")
    );
    assert_eq!(
        binding.projected_address.as_deref(),
        Some("[whatsapp:+12345678901]")
    );
    assert_eq!(
        binding.author_address.as_deref(),
        Some("whatsapp:+13456789012")
    );
    assert_eq!(binding.binding_type, None);
    let email = added.bindings.as_ref().unwrap().email.as_ref().unwrap();
    assert_eq!(
        email.projected_address.as_deref(),
        Some("info@mycompany.com")
    );
    assert_eq!(email.name.as_deref(), Some("Support at MyCompany"));
    assert_eq!(email.address, None);
    let media = &added.media.as_ref().unwrap()[0];
    assert_eq!(media.sid, "ME00000000000000000000000000000001");
    assert_eq!(
        media.filename.as_deref(),
        Some("00000000-0000-0000-0000-000000000000.png")
    );
    assert_eq!(media.content_type.as_deref(), Some("image/png"));
    assert_eq!(media.size, Some(12232));
    assert_eq!(added.attributes, None);
    assert_eq!((added.date_updated, added.date_removed), (None, None));

    let Event::ConversationUpdated(updated) =
        &event(&events, "com.twilio.conversations.conversation.updated").data
    else {
        unreachable!()
    };
    assert_eq!(updated.conversation_sid, CH);
    assert_eq!(updated.chat_service_sid.unwrap(), IS);
    assert_eq!(updated.state, Some(ConversationState::Inactive));
    assert_eq!(
        updated.attributes,
        Some(Attributes::from(json!({"topic": "renamed"})))
    );
    assert_eq!(
        updated.date_updated,
        Some(datetime!(2025-01-01 00:00:01 UTC))
    );

    let Event::ConversationRemoved(removed) =
        &event(&events, "com.twilio.conversations.conversation.removed").data
    else {
        unreachable!()
    };
    assert_eq!(removed.state, Some(ConversationState::Closed));
    assert_eq!(
        removed.date_removed,
        Some(datetime!(2025-01-02 00:00:00 UTC))
    );
    // Attributes as JSON text: parsed.
    assert_eq!(removed.attributes, Some(Attributes::from(json!({}))));

    let Event::ConversationStateUpdated(state) = &event(
        &events,
        "com.twilio.conversations.conversation-state.updated",
    )
    .data
    else {
        unreachable!()
    };
    assert_eq!(state.account_sid, AC);
    assert_eq!(state.conversation_sid, CH);
    assert_eq!(
        state.state_updated,
        Some(datetime!(2025-01-01 00:00:00 UTC))
    );
    assert_eq!(state.state_from, Some(ConversationState::Active));
    assert_eq!(state.state_to, Some(ConversationState::Inactive));
    assert_eq!(state.reason, Some(StateChangeReason::Api));
    assert_eq!(state.messaging_service_sid.unwrap(), MG);
}

#[test]
fn docs_messages() {
    let events = docs_batch();
    for event_type in [
        "com.twilio.conversations.message.added",
        "com.twilio.conversations.message.updated",
        "com.twilio.conversations.message.removed",
    ] {
        let event = event(&events, event_type);
        // The same fields in all three; read through the JSON form of each.
        let fields = serde_json::to_value(event).unwrap();
        assert_eq!(fields["event_type"], event_type);
        assert_eq!(fields["account_sid"], AC);
        assert_eq!(fields["author"], "system");
        assert_eq!(
            fields["participant_sid"],
            "MBe95cfd541a925a3337fec19a02000090"
        );
        assert_eq!(fields["conversation_sid"], CH);
        assert_eq!(fields["message_sid"], IM);
        assert_eq!(fields["index"], 10);
        assert_eq!(fields["date_created"], "2025-01-01T00:00:00Z");
        assert_eq!(fields["message_subject"], "Welcome to Twilio");
        assert_eq!(fields["messaging_service_sid"], MG);
        assert_eq!(fields["content_sid"], "HXee95cfd541a925a3337fec19a0200009");
        assert_eq!(
            fields["media"][0]["sid"],
            "ME00000000000000000000000000000001"
        );
        assert_eq!(fields["media"][0]["size"], 12232);
    }
    let Event::MessageAdded(added) = &event(&events, "com.twilio.conversations.message.added").data
    else {
        unreachable!()
    };
    assert_eq!(added.account_sid, AC);
    assert_eq!(added.author.as_deref(), Some("system"));
    assert_eq!(
        added.participant_sid.unwrap(),
        "MBe95cfd541a925a3337fec19a02000090"
    );
    assert_eq!(added.conversation_sid, CH);
    assert_eq!(added.message_sid, IM);
    assert_eq!(added.index, Some(10));
    assert_eq!(added.message_body.as_deref(), Some("Ahoy!"));
    assert_eq!(added.date_created, Some(datetime!(2025-01-01 00:00:00 UTC)));
    assert_eq!(added.message_subject.as_deref(), Some("Welcome to Twilio"));
    assert_eq!(added.messaging_service_sid.unwrap(), MG);
    assert_eq!(
        added.content_sid.unwrap(),
        "HXee95cfd541a925a3337fec19a0200009"
    );
    assert_eq!(added.media.as_ref().unwrap().len(), 1);
    assert_eq!(
        (added.attributes.as_ref(), added.date_updated),
        (None, None)
    );

    let Event::MessageUpdated(updated) =
        &event(&events, "com.twilio.conversations.message.updated").data
    else {
        unreachable!()
    };
    assert_eq!(updated.message_body.as_deref(), Some("Ahoy, matey!"));
    assert_eq!(
        updated.date_updated,
        Some(datetime!(2025-01-01 00:05:00 UTC))
    );
    assert_eq!(
        updated.attributes,
        Some(Attributes::from(json!({"edited": true})))
    );
    assert!(matches!(
        event(&events, "com.twilio.conversations.message.removed").data,
        Event::MessageRemoved(_)
    ));
}

#[test]
fn docs_participants_users_delivery() {
    let events = docs_batch();
    let Event::ParticipantAdded(added) =
        &event(&events, "com.twilio.conversations.participant.added").data
    else {
        unreachable!()
    };
    assert_eq!(added.account_sid, AC);
    assert_eq!(added.participant_sid, MB);
    assert_eq!(
        added.identity.as_deref(),
        Some("FX0000000000000000000000000000001")
    );
    assert_eq!(added.role_sid.unwrap(), RL);
    assert_eq!(added.conversation_sid, CH);
    assert_eq!(added.date_created, Some(datetime!(2025-01-01 00:00:00 UTC)));
    let binding = added.messaging_binding.as_ref().unwrap();
    assert_eq!(binding.address(), Some("whatsapp:+14567890123"));
    assert_eq!(
        binding.proxy_address.as_deref(),
        Some("whatsapp:+11234567890")
    );
    assert_eq!(binding.binding_type, Some(BindingType::Sms));
    // Keys the binding type does not name are kept, and written in snake_case.
    assert_eq!(binding.extra["Level"], "cc");
    assert_eq!(binding.extra["Name"], "John Doe");
    let json = serde_json::to_value(binding).unwrap();
    assert_eq!(
        (&json["level"], &json["name"]),
        (&json!("cc"), &json!("John Doe"))
    );
    assert_eq!(added.last_read_message_index, None);

    let Event::ParticipantUpdated(updated) =
        &event(&events, "com.twilio.conversations.participant.updated").data
    else {
        unreachable!()
    };
    assert_eq!(updated.last_read_message_index, Some(10));
    assert_eq!(
        updated.date_updated,
        Some(datetime!(2025-01-01 00:10:00 UTC))
    );
    assert_eq!(
        updated.attributes,
        Some(Attributes::from(json!({"vip": true})))
    );
    let Event::ParticipantRemoved(removed) =
        &event(&events, "com.twilio.conversations.participant.removed").data
    else {
        unreachable!()
    };
    assert_eq!(
        removed.date_removed,
        Some(datetime!(2025-01-02 00:00:00 UTC))
    );

    let Event::UserAdded(user) = &event(&events, "com.twilio.conversations.user.added").data else {
        unreachable!()
    };
    assert_eq!(user.account_sid, AC);
    assert_eq!(user.user_sid, "USe95cfd541a925a3337fec19a02000090");
    assert_eq!(
        user.identity.as_deref(),
        Some("FX0000000000000000000000000000001")
    );
    assert_eq!(user.friendly_name.as_deref(), Some("My name"));
    assert_eq!(user.role_sid.unwrap(), RL);
    assert_eq!(user.date_created, Some(datetime!(2025-01-01 00:00:00 UTC)));
    let Event::UserUpdated(user) = &event(&events, "com.twilio.conversations.user.updated").data
    else {
        unreachable!()
    };
    assert_eq!(user.friendly_name.as_deref(), Some("My new name"));
    assert_eq!(user.chat_service_sid.unwrap(), IS);
    assert_eq!(
        user.attributes.as_ref().and_then(|a| a.json()).unwrap()["avatar"],
        "https://example.com/a.png"
    );

    let Event::DeliveryUpdated(delivery) =
        &event(&events, "com.twilio.conversations.delivery.updated").data
    else {
        unreachable!()
    };
    assert_eq!(delivery.status, Some(DeliveryStatus::Failed));
    assert_eq!(delivery.error_code, Some(30008));
    assert_eq!(delivery.channel_message_sid.unwrap().prefix(), "SM");
    assert_eq!(
        delivery.delivery_receipt_sid.unwrap(),
        "DY00000000000000000000000000000001"
    );
    assert_eq!(delivery.message_sid.unwrap(), IM);
    assert_eq!(delivery.participant_sid.unwrap(), MB);
    assert_eq!(
        delivery.date_updated,
        Some(datetime!(2025-01-01 00:00:02 UTC))
    );
}

#[test]
fn docs_studio_and_test_event() {
    let events = docs_batch();
    let Event::ExecutionEnded(ended) =
        &event(&events, "com.twilio.studio.flow.execution.ended").data
    else {
        unreachable!()
    };
    assert_eq!(ended.execution_sid, "FN00000000000000000000000000000001");
    assert_eq!(ended.account_sid, AC);
    assert_eq!(ended.flow_sid, "FW00000000000000000000000000000001");
    assert_eq!(
        ended.contact_channel_address.as_deref(),
        Some("+11234567890")
    );
    assert_eq!(ended.status, Some(ExecutionStatus::Ended));
    assert_eq!(ended.ended_reason.as_deref(), Some("FLOW_END"));
    assert_eq!(ended.date_created, Some(datetime!(2025-01-01 00:00:00 UTC)));
    assert_eq!(ended.date_updated, Some(datetime!(2025-01-01 00:00:01 UTC)));
    assert_eq!(
        ended.started_by.as_deref(),
        Some("CA00000000000000000000000000000001")
    );
    assert_eq!(
        ended.started_by_call().unwrap(),
        "CA00000000000000000000000000000001"
    );
    assert_eq!(ended.started_by_conversation(), None);
    assert_eq!(ended.flow_revision, Some(1196));

    let Event::ExecutionStarted(started) =
        &event(&events, "com.twilio.studio.flow.execution.started").data
    else {
        unreachable!()
    };
    assert_eq!(started.status, Some(ExecutionStatus::Active));
    assert_eq!(
        (started.ended_reason.as_ref(), started.date_updated),
        (None, None)
    );

    let step_event = event(&events, "com.twilio.studio.flow.step.ended");
    let Event::StepEnded(step) = &step_event.data else {
        unreachable!()
    };
    assert_eq!(step.step_sid, "FT00000000000000000000000000000001");
    assert_eq!(step.execution_sid, "FN00000000000000000000000000000001");
    assert_eq!(step.flow_sid, "FW00000000000000000000000000000001");
    assert_eq!(step.account_sid.unwrap(), AC);
    assert_eq!(step.parent_step_sid, None);
    assert_eq!(step.name.as_deref(), Some("Incoming Call"));
    assert_eq!(step.transitioned_from.as_deref(), Some("Trigger"));
    assert_eq!(step.transitioned_to.as_deref(), Some("say_play_1"));
    assert_eq!(
        step.date_created,
        Some(datetime!(2025-01-01 00:00:00.5 UTC))
    );
    // Studio's names are unchanged in the JSON form.
    let json = serde_json::to_value(step_event).unwrap();
    assert_eq!(json["transitioned_to"], "say_play_1");
    assert_eq!(json["date_created"], "2025-01-01T00:00:00.5Z");

    let test = event(&events, "com.twilio.eventstreams.test-event");
    let Event::SinkTestEvent(data) = &test.data else {
        unreachable!()
    };
    assert_eq!(data.test_id, "cae2f9e2-c277-4612-8ad3-93c1a7a3ef88");
    assert_eq!(test.source.as_deref(), Some("Sink"));
    assert_eq!(
        test.time,
        Some(EventTime::Parsed(datetime!(2026-06-10 06:02:54.377 UTC)))
    );
}

/// Twilio's docs examples have 33-character SIDs; copied verbatim, the event is set aside with
/// its field named, and the rest of the batch is read.
#[test]
fn docs_sid_as_printed_is_an_invalid_event() {
    let mut events = docs_events();
    events[4]["data"]["AccountSid"] = json!("ACe95cfd541a925a3337fec19a0200009");
    let batch = parse_batch(&serde_json::to_vec(&events).unwrap()).unwrap();
    assert_eq!(batch.invalid().count(), 1);
    assert_eq!(batch.valid().count(), events.len() - 1);
    let invalid = batch.events()[4].as_ref().unwrap_err();
    assert_eq!(invalid.error.field, Some("AccountSid"));
    assert_eq!(
        invalid.event_type(),
        "com.twilio.conversations.message.added"
    );
    assert!(
        invalid
            .to_string()
            .contains("expected a SID starting with AC (two letters and 32 hex digits), got \"ACe95cfd541a925a3337fec19a0200009\""),
        "{invalid}"
    );
}

#[derive(Deserialize)]
struct Signed {
    generated_by: Value,
    cases: Vec<SignedCase>,
}

#[derive(Deserialize)]
struct SignedCase {
    name: String,
    auth_token: String,
    url: String,
    body: String,
    signature: String,
    python_valid: Value,
    node_valid: Option<bool>,
    expected_valid: bool,
    events: usize,
    invalid_events: usize,
}

/// A request as Twilio would send the case: target and Host from its URL.
fn request_parts(case: &SignedCase) -> http::request::Parts {
    let uri: http::Uri = case.url.parse().unwrap();
    let authority = uri.authority().unwrap().as_str();
    let request = http::Request::post(uri.path_and_query().unwrap().as_str())
        .header("host", authority)
        .header("content-type", "application/json")
        .header("x-twilio-signature", &case.signature)
        .body(())
        .unwrap();
    request.into_parts().0
}

#[test]
fn official_library_fixtures() {
    let signed: Signed = serde_json::from_str(SIGNED).unwrap();
    assert_eq!(
        signed.generated_by,
        json!({"twilio-python": "9.13.0", "twilio-node": "6.2.0"})
    );
    assert!(signed.cases.len() >= 12);
    for case in &signed.cases {
        // The fixture's own verdicts agree with the intent (the generator checks it too).
        assert_eq!(case.node_valid, Some(case.expected_valid), "{}", case.name);
        assert_eq!(
            case.python_valid.as_bool().unwrap_or(false),
            case.expected_valid,
            "{}",
            case.name
        );
        let keyring = Keyring::from_tokens(&case.auth_token).unwrap();
        let verdict = validate_body(&case.url, case.body.as_bytes(), &case.signature, &keyring);
        assert_eq!(
            verdict.is_ok(),
            case.expected_valid,
            "{}: {verdict:?}",
            case.name
        );
        if case.name == "missing_body_sha256" {
            assert_eq!(verdict, Err(SignatureError::UnsignedBody));
        }
        if case.name.contains("tampered_body") {
            assert!(
                matches!(verdict, Err(SignatureError::BodyHashMismatch)),
                "{verdict:?}"
            );
        }
        // Through a Validator, from the request Twilio would send.
        let uri: http::Uri = case.url.parse().unwrap();
        let public = format!(
            "{}://{}",
            uri.scheme_str().unwrap(),
            uri.authority().unwrap()
        );
        let validator = Validator::new(keyring).public_url(&public).unwrap();
        let verified = validator.verify(
            &request_parts(case),
            &Params::default(),
            case.body.as_bytes(),
        );
        assert_eq!(
            verified.is_ok(),
            case.expected_valid,
            "{} via Validator: {verified:?}",
            case.name
        );
        // Every body parses, whatever its signature.
        let batch = parse_batch(case.body.as_bytes()).unwrap();
        assert_eq!(batch.len(), case.events, "{}", case.name);
        assert_eq!(
            batch.invalid().count(),
            case.invalid_events,
            "{}",
            case.name
        );
    }
    let reference = signed
        .cases
        .iter()
        .find(|case| case.name == "reference_vector")
        .unwrap();
    assert_eq!(reference.signature, "NbGgYQVrx1FdlqY9g9ZopFy0cVo=");
}

#[test]
fn bad_event_in_good_batch_from_the_fixture() {
    let signed: Signed = serde_json::from_str(SIGNED).unwrap();
    let case = signed
        .cases
        .iter()
        .find(|case| case.name == "bad_event_in_good_batch")
        .unwrap();
    let batch = parse_batch(case.body.as_bytes()).unwrap();
    let items = batch.events();
    assert!(matches!(
        items[0].as_ref().unwrap().data,
        Event::ConversationAdded(_)
    ));
    let bad = items[1].as_ref().unwrap_err();
    assert_eq!(bad.id(), "NO00000000000000000000000099");
    assert_eq!(bad.error.field, Some("Index"));
    assert!(
        bad.error.message.contains("invalid value: string \"ten\""),
        "{}",
        bad.error
    );
    // The raw data is the event's data as received.
    let raw: Value = serde_json::from_str(bad.data().get()).unwrap();
    assert_eq!(raw["Index"], "ten");
    let line = serde_json::to_value(bad).unwrap();
    assert_eq!(
        line.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["data", "error", "event_id", "event_type"]
    );
    assert_eq!(line["event_id"], "NO00000000000000000000000099");
    assert_eq!(line["data"]["Index"], "ten");
    assert!(line["error"].as_str().unwrap().contains("field `Index`"));
    // An integer given as a string, attributes given as JSON text.
    let Event::MessageAdded(lenient) = &items[2].as_ref().unwrap().data else {
        unreachable!()
    };
    assert_eq!(lenient.index, Some(11));
    assert_eq!(
        lenient.attributes,
        Some(Attributes::from(json!({"importance": "high"})))
    );
    // Unknown type: kept with its data and extension attribute.
    let unknown = items[3].as_ref().unwrap();
    let Event::Unknown(data) = &unknown.data else {
        unreachable!()
    };
    assert_eq!(data.event_type, "com.twilio.messaging.message.delivered");
    assert_eq!(unknown.extensions["subject"], "kept");
    assert_eq!(
        unknown.time,
        Some(EventTime::Parsed(datetime!(2025-01-01 00:00:00 UTC)))
    );
    // The same event twice: both kept as they are.
    assert_eq!(items.len(), 7);
    assert_eq!(
        items[5].as_ref().unwrap().id,
        "NO00000000000000000000000005"
    );
    assert_eq!(items[5].as_ref().unwrap(), items[6].as_ref().unwrap());
}

#[test]
fn duplicate_ids_are_kept() {
    let body = EventBatch::new()
        .sample("com.twilio.conversations.message.added")
        .with_id("EZdup")
        .sample("com.twilio.conversations.message.added")
        .with_id("EZdup")
        .to_json();
    let batch = parse_batch(body.as_bytes()).unwrap();
    assert_eq!(batch.len(), 2);
    assert!(batch.valid().all(|event| event.id == "EZdup"));
}

#[test]
fn unknown_type_and_unknown_fields() {
    let body = json!([
        {"id": "EZ1", "type": "com.twilio.voice.insights.call-summary.complete", "subject": "CA1",
         "data": {"CallSid": "CA1", "nested": {"Deep": [1, 2]}}},
        {"id": "EZ2", "type": "com.twilio.conversations.user.added",
         "data": {"AccountSid": "AC0123456789abcdef0123456789abcdef", "UserSid": "US0123456789abcdef0123456789abcdef",
                  "IsOnline": true, "NewThing": {"SomeKey": 1}, "already_snake": "x"}},
        {"id": "EZ3", "type": "com.example.scalar", "data": "just a string"}
    ])
    .to_string();
    let batch = parse_batch(body.as_bytes()).unwrap();
    let unknown = batch.events()[0].as_ref().unwrap();
    let Event::Unknown(data) = &unknown.data else {
        unreachable!()
    };
    assert_eq!(
        data.data.get(),
        r#"{"CallSid":"CA1","nested":{"Deep":[1,2]}}"#
    );
    assert_eq!(unknown.extensions["subject"], "CA1");
    assert_eq!(
        serde_json::to_value(unknown).unwrap(),
        json!({"event_type": "com.twilio.voice.insights.call-summary.complete", "event_id": "EZ1",
               "data": {"CallSid": "CA1", "nested": {"Deep": [1, 2]}}})
    );
    let user = batch.events()[1].as_ref().unwrap();
    let Event::UserAdded(data) = &user.data else {
        unreachable!()
    };
    assert_eq!(data.extra["IsOnline"], true);
    assert_eq!(data.extra["NewThing"], json!({"SomeKey": 1}));
    assert_eq!(
        serde_json::to_value(user).unwrap(),
        json!({"event_type": "com.twilio.conversations.user.added", "event_id": "EZ2",
               "account_sid": "AC0123456789abcdef0123456789abcdef", "user_sid": "US0123456789abcdef0123456789abcdef",
               "is_online": true, "new_thing": {"SomeKey": 1}, "already_snake": "x"})
    );
    let scalar = batch.events()[2].as_ref().unwrap();
    assert_eq!(
        serde_json::to_string(scalar).unwrap(),
        r#"{"event_type":"com.example.scalar","event_id":"EZ3","data":"just a string"}"#
    );
}

#[test]
fn unknown_fields_never_collide_in_the_json_form() {
    let body = json!({"id": "EZ1", "type": "com.twilio.conversations.user.added", "data": {
        "AccountSid": "AC0123456789abcdef0123456789abcdef", "UserSid": "US0123456789abcdef0123456789abcdef",
        "EventType": "a", "event_id": "b", "user_sid": "c", "extra_user_sid": "d", "Foo": 1, "foo": 2}})
    .to_string();
    let batch = parse_batch(body.as_bytes()).unwrap();
    let line = serde_json::to_string(batch.events()[0].as_ref().unwrap()).unwrap();
    // serde_json's Map keeps unknown keys sorted: EventType, Foo, event_id, extra_user_sid, foo,
    // user_sid.
    assert_eq!(
        line,
        concat!(
            r#"{"event_type":"com.twilio.conversations.user.added","event_id":"EZ1","#,
            r#""account_sid":"AC0123456789abcdef0123456789abcdef","user_sid":"US0123456789abcdef0123456789abcdef","#,
            r#""extra_event_type":"a","foo":1,"extra_event_id":"b","extra_user_sid":"d","extra_foo":2,"#,
            r#""extra_user_sid_2":"c"}"#
        )
    );
}

#[test]
fn unpaired_surrogates_in_data() {
    // The envelope pass skips `data` without checking \u escapes pair up; a known type's data is
    // read in full (an invalid event), an unknown type's is kept as received.
    let body =
        br#"[{"id":"a","type":"com.twilio.eventstreams.test-event","data":{"test_id":"\ud836x"}},
                    {"id":"b","type":"com.example","data":{"x":"\ud836x"}}]"#;
    let batch = parse_batch(body).unwrap();
    let invalid = batch.events()[0].as_ref().unwrap_err();
    assert_eq!(invalid.error.field, Some("test_id"));
    let Event::Unknown(unknown) = &batch.events()[1].as_ref().unwrap().data else {
        unreachable!()
    };
    assert_eq!(unknown.data.get(), r#"{"x":"\ud836x"}"#);
}

#[test]
fn serialize_form_of_a_message() {
    let event = testing::sample_cloud_event(MessageAdded::TYPE).unwrap();
    let batch = parse_batch(event.to_string().as_bytes()).unwrap();
    let line = serde_json::to_string(batch.events()[0].as_ref().unwrap()).unwrap();
    assert_eq!(
        line,
        concat!(
            r#"{"event_type":"com.twilio.conversations.message.added","event_id":"EZ00000000000000000000000000000005","#,
            r#""account_sid":"ACe268443e43d93dab7ebef303bbe9642f","conversation_sid":"CHce5f02f301018ab60c4921d6654a75cd","#,
            r#""message_sid":"IM78e731027d8fd50ed642340b7c9a63b3","chat_service_sid":"ISaaabf0d39951f3e6c3e8a7911df524c2","#,
            r#""messaging_service_sid":"MGe0883e3a4ba9b1d54a7ee62972802f97","participant_sid":"MBe42db0f9a183ac066bdec45b0c0cf2c7","#,
            r#""author":"+15005550006","index":7,"message_body":"Hi, my order 1042 arrived damaged","#,
            r#""message_subject":"Order 1042","content_sid":"HX7d1e4e0a4b6f4a8e9c2b3d4f5a6b7c8d","attributes":{"order":1042},"#,
            r#""media":[{"sid":"ME62933a2951ef01f4eafd9bdf4d3cd2f0","content_type":"image/jpeg","filename":"receipt.jpg","size":48213}],"#,
            r#""date_created":"2026-11-20T10:01:12Z"}"#
        )
    );
    // The typed event alone serializes its fields only.
    let typed: CloudEvent<MessageAdded> = batch.events()[0].clone().unwrap().into_typed().unwrap();
    let data = serde_json::to_value(&typed.data).unwrap();
    assert_eq!(data["index"], 7);
    assert!(data.get("event_type").is_none());
}

#[test]
fn integers_as_strings_and_attributes_both_ways() {
    let data = |index: Value, attributes: Value| {
        json!({"id": "EZ1", "type": "com.twilio.conversations.participant.updated", "data": {
            "AccountSid": "AC0123456789abcdef0123456789abcdef", "ConversationSid": "CH0123456789abcdef0123456789abcdef",
            "ParticipantSid": "MB0123456789abcdef0123456789abcdef", "LastReadMessageIndex": index, "Attributes": attributes}})
    };
    for (index, attributes, expected_index, expected_attributes) in [
        (
            json!(5),
            json!({"a": 1}),
            Some(5),
            Some(Attributes::from(json!({"a": 1}))),
        ),
        (
            json!("5"),
            json!("{\"a\":1}"),
            Some(5),
            Some(Attributes::from(json!({"a": 1}))),
        ),
        (
            json!(null),
            json!("not json"),
            None,
            Some(Attributes::from_text("not json")),
        ),
        (json!(0), json!(null), Some(0), None),
    ] {
        let body = data(index.clone(), attributes.clone()).to_string();
        let batch = parse_batch(body.as_bytes()).unwrap();
        let Event::ParticipantUpdated(participant) = &batch.events()[0].as_ref().unwrap().data
        else {
            panic!("{index} {attributes}")
        };
        assert_eq!(
            participant.last_read_message_index, expected_index,
            "{index}"
        );
        assert_eq!(participant.attributes, expected_attributes, "{attributes}");
    }
    for bad in [
        json!("5.0"),
        json!(-1),
        json!(1.5),
        json!(" 5"),
        json!(true),
    ] {
        let body = data(bad.clone(), json!({})).to_string();
        let batch = parse_batch(body.as_bytes()).unwrap();
        let invalid = batch.events()[0].as_ref().unwrap_err();
        assert_eq!(invalid.error.field, Some("LastReadMessageIndex"), "{bad}");
    }
}

#[test]
fn single_object_instead_of_array() {
    let event = testing::sample_cloud_event("com.twilio.studio.flow.step.ended").unwrap();
    let batch = parse_batch(event.to_string().as_bytes()).unwrap();
    assert!(batch.was_single_object());
    assert_eq!(batch.len(), 1);
    assert!(matches!(
        batch.events()[0].as_ref().unwrap().data,
        Event::StepEnded(_)
    ));
    let array = parse_batch(format!("[{event}]").as_bytes()).unwrap();
    assert!(!array.was_single_object());
    assert!(parse_batch(b" [ ] ").unwrap().is_empty());
}

#[test]
fn bodies_that_are_not_cloudevents() {
    let cases: [(&[u8], &str); 12] = [
        (b"", "the body is not JSON: EOF while parsing a value at line 1 column 0"),
        (b"AccountSid=AC1&EventType=onMessageAdd", "the body is not JSON: expected value at line 1 column 1"),
        (b"[{\"id\":\"x\",\"type\":\"t\",\"data\":{}}", "the body is not JSON: EOF while parsing a list at line 1 column 32"),
        (b"[{\"id\":\"x\",\"type\":\"t\",\"data\":{}}] x", "the body is not JSON: trailing characters at line 1 column 35"),
        (b"[{\"id\":\"x\",\"type\":\"t\",\"data\":\"\xff\"}]", "the body is not JSON: invalid unicode code point at line 1 column 31 (in event at index 0)"),
        (b"\"events\"", "the body is not a JSON array of CloudEvents (nor one CloudEvent object): invalid type: string \"events\", expected a JSON array of CloudEvents, or one CloudEvent object at line 1 column 8"),
        (b"42", "the body is not a JSON array of CloudEvents (nor one CloudEvent object): invalid type: integer `42`, expected a JSON array of CloudEvents, or one CloudEvent object at line 1 column 2"),
        (b"[1]", "event at index 0: invalid type: integer `1`, expected a CloudEvent (a JSON object) at line 1 column 2"),
        (b"[[]]", "event at index 0: invalid type: sequence, expected a CloudEvent (a JSON object) at line 1 column 1"),
        (b"[{\"id\":\"a\",\"type\":\"t\",\"data\":{}},{\"id\":\"b\",\"type\":\"t\",\"data\":{}},{\"id\":\"c\",\"type\":\"t\",\"data\":{}},{\"type\":\"t\",\"data\":{}}]", "event at index 3: missing field `id` at line 1 column 119"),
        (b"{\"id\":\"a\",\"data\":{}}", "event at index 0: missing field `type` at line 1 column 20"),
        (b"[{\"id\":\"a\",\"type\":\"t\"}]", "event at index 0: missing field `data` at line 1 column 22"),
    ];
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|(body, message)| {
            let got = parse_batch(body).unwrap_err().to_string();
            (got != *message).then(|| {
                format!(
                    "{}\n  got      {got}\n  expected {message}",
                    String::from_utf8_lossy(body)
                )
            })
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let err =
        parse_batch(b"[{\"id\":\"a\",\"type\":\"t\",\"data\":{}},{\"type\":\"t\",\"data\":{}}]")
            .unwrap_err();
    assert!(matches!(err, BatchError::InvalidEnvelope { index: 1, .. }));
    assert_eq!((err.index(), err.line(), err.column()), (Some(1), 1, 55));
    let multi_line =
        parse_batch(b"[\n  {\"id\": \"a\",\n   \"type\": 7, \"data\": {}}\n]").unwrap_err();
    assert_eq!(multi_line.line(), 3);
    assert!(multi_line
        .to_string()
        .starts_with("event at index 0: invalid type: integer `7`"));
}

#[test]
fn odd_time_never_fails_the_event() {
    for time in [
        json!("yesterday"),
        json!(12),
        json!({"at": 1}),
        json!(null),
        json!("2026-13-40T00:00:00Z"),
    ] {
        let body = json!([{"id": "EZ1", "type": "com.twilio.eventstreams.test-event", "time": time, "data": {"test_id": "t"}}]);
        let batch = parse_batch(body.to_string().as_bytes()).unwrap();
        let event = batch.events()[0].as_ref().unwrap();
        assert!(matches!(event.data, Event::SinkTestEvent(_)), "{time}");
        match &event.time {
            None => assert!(time.is_null()),
            Some(EventTime::Unparsed(text)) => assert_eq!(
                *text,
                time.as_str()
                    .map_or_else(|| time.to_string(), str::to_owned)
            ),
            Some(EventTime::Parsed(_)) => panic!("{time} parsed"),
        }
    }
}

#[test]
fn hostile_bodies_are_answered() {
    // Deep nesting inside data: kept raw for an unknown type, an invalid event for a known one
    // (the JSON parser's depth limit), never a crash.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let body = format!(
        r#"[{{"id":"a","type":"com.example","data":{deep}}},{{"id":"b","type":"com.twilio.conversations.user.added","data":{{"X":{deep}}}}}]"#
    );
    let batch = parse_batch(body.as_bytes()).unwrap();
    assert!(matches!(
        batch.events()[0].as_ref().unwrap().data,
        Event::Unknown(_)
    ));
    let invalid = batch.events()[1].as_ref().unwrap_err();
    assert!(
        invalid.error.message.contains("recursion limit"),
        "{}",
        invalid.error
    );
    // Deep nesting in the envelope: a clear error.
    let envelope = format!(r#"[{{"id":"a","type":"t","x":{deep},"data":{{}}}}]"#);
    assert!(parse_batch(envelope.as_bytes())
        .unwrap_err()
        .to_string()
        .contains("recursion limit exceeded"));
    // A megabyte string in a field: the error message quotes only its start.
    let huge = "x".repeat(1 << 20);
    let body = json!([{"id": "a", "type": "com.twilio.conversations.message.added", "data": {"AccountSid": huge}}]).to_string();
    let batch = parse_batch(body.as_bytes()).unwrap();
    let invalid = batch.events()[0].as_ref().unwrap_err();
    assert!(
        invalid.to_string().len() < 500,
        "{}",
        invalid.to_string().len()
    );
    assert_eq!(
        invalid.data().get().len(),
        huge.len() + "{\"AccountSid\":\"\"}".len()
    );
}

#[test]
fn typed_conversion() {
    let body = EventBatch::new()
        .sample("com.twilio.conversations.message.added")
        .sample("com.twilio.studio.flow.execution.started")
        .to_json();
    let mut events = parse_batch(body.as_bytes())
        .unwrap()
        .into_events()
        .into_iter();
    let message = events.next().unwrap().unwrap();
    let context = message.context();
    let typed: CloudEvent<MessageAdded> = message.into_typed().unwrap();
    assert_eq!(typed.id, context.id());
    assert_eq!(typed.data.index, Some(7));
    let execution = events.next().unwrap().unwrap();
    let back = execution.into_typed::<MessageAdded>().unwrap_err();
    assert!(matches!(back.data, Event::ExecutionStarted(_)));
    let Event::ExecutionStarted(started) = back.data else {
        unreachable!()
    };
    assert_eq!(
        started.started_by_call().unwrap(),
        "CA8d7d1e4e0a4b6f4a8e9c2b3d4f5a6b7c"
    );
    // Every sample through the enum and back.
    for event_type in Event::TYPES {
        let event = testing::sample_cloud_event(event_type).unwrap();
        let parsed = parse_batch(event.to_string().as_bytes()).unwrap();
        assert_eq!(
            parsed.events()[0].as_ref().unwrap().data.event_type(),
            *event_type
        );
    }
}

#[test]
fn signed_request_helper_round_trip() {
    let batch = EventBatch::new()
        .sample("com.twilio.conversations.conversation.added")
        .sample("com.twilio.eventstreams.test-event");
    let request = batch
        .request("http://127.0.0.1:3000/twilio/events", "token")
        .unwrap();
    assert_eq!(request.headers()["content-type"], "application/json");
    let (parts, body) = request.into_parts();
    let validator = Validator::from_auth_tokens("token").unwrap();
    assert_eq!(
        validator.verify(&parts, &Params::default(), body.as_bytes()),
        Ok(())
    );
    let wrong = Validator::from_auth_tokens("other").unwrap();
    assert!(wrong
        .verify(&parts, &Params::default(), body.as_bytes())
        .is_err());
    assert_eq!(parse_batch(body.as_bytes()).unwrap().valid().count(), 2);
}
