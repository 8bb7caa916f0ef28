//! The sample events of `twilio_webhooks::testing` parse into the right variants.

use twilio_webhooks::conversations::*;
use twilio_webhooks::testing::{sample_event, sample_params, EVENT_TYPES};
use twilio_webhooks::{ConversationsEvent, Event, PostActionEvent, PreActionEvent};

#[test]
fn every_sample_parses_into_its_variant() {
    for event_type in EVENT_TYPES {
        let params = sample_params(event_type).unwrap();
        assert_eq!(params.get("EventType"), Some(event_type));
        let event = Event::from_params(&params).unwrap_or_else(|err| panic!("{event_type}: {err}"));
        let variant = match &event {
            Event::PreAction(PreActionEvent::OnConversationAdd(_)) => "onConversationAdd",
            Event::PreAction(PreActionEvent::OnConversationRemove(_)) => "onConversationRemove",
            Event::PreAction(PreActionEvent::OnConversationUpdate(_)) => "onConversationUpdate",
            Event::PreAction(PreActionEvent::OnMessageAdd(_)) => "onMessageAdd",
            Event::PreAction(PreActionEvent::OnMessageRemove(_)) => "onMessageRemove",
            Event::PreAction(PreActionEvent::OnMessageUpdate(_)) => "onMessageUpdate",
            Event::PreAction(PreActionEvent::OnParticipantAdd(_)) => "onParticipantAdd",
            Event::PreAction(PreActionEvent::OnParticipantRemove(_)) => "onParticipantRemove",
            Event::PreAction(PreActionEvent::OnParticipantUpdate(_)) => "onParticipantUpdate",
            Event::PreAction(PreActionEvent::OnUserUpdate(_)) => "onUserUpdate",
            Event::PostAction(PostActionEvent::OnConversationAdded(_)) => "onConversationAdded",
            Event::PostAction(PostActionEvent::OnConversationRemoved(_)) => "onConversationRemoved",
            Event::PostAction(PostActionEvent::OnConversationUpdated(_)) => "onConversationUpdated",
            Event::PostAction(PostActionEvent::OnConversationStateUpdated(_)) => {
                "onConversationStateUpdated"
            }
            Event::PostAction(PostActionEvent::OnMessageAdded(_)) => "onMessageAdded",
            Event::PostAction(PostActionEvent::OnMessageUpdated(_)) => "onMessageUpdated",
            Event::PostAction(PostActionEvent::OnMessageRemoved(_)) => "onMessageRemoved",
            Event::PostAction(PostActionEvent::OnParticipantAdded(_)) => "onParticipantAdded",
            Event::PostAction(PostActionEvent::OnParticipantUpdated(_)) => "onParticipantUpdated",
            Event::PostAction(PostActionEvent::OnParticipantRemoved(_)) => "onParticipantRemoved",
            Event::PostAction(PostActionEvent::OnDeliveryUpdated(_)) => "onDeliveryUpdated",
            Event::PostAction(PostActionEvent::OnUserAdded(_)) => "onUserAdded",
            Event::PostAction(PostActionEvent::OnUserUpdated(_)) => "onUserUpdated",
            other => panic!("{event_type}: unexpected {other:?}"),
        };
        assert_eq!(variant, event_type);
        assert_eq!(
            event.is_pre_action(),
            PreActionEvent::EVENT_TYPES.contains(&event_type)
        );
        // Through the wire form too.
        let again = Event::from_form(params.to_form().as_bytes()).unwrap();
        assert_eq!(again, event);
    }
}

#[test]
fn event_types_are_distinct_and_unknown_names_have_no_sample() {
    let mut names = EVENT_TYPES.to_vec();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 23);
    assert!(sample_params("onMessageAdds").is_none());
    assert!(sample_params("").is_none());
}

#[test]
fn samples_are_realistic() {
    let message: OnMessageAdd = sample_event().unwrap();
    assert!(message
        .media
        .as_ref()
        .is_some_and(|media| !media.is_empty()));
    assert!(message.attributes.json().is_some());
    assert!(message.client_identity.is_some());

    let added: OnConversationAdded = sample_event().unwrap();
    let binding = added.messaging_binding.unwrap();
    assert!(binding.address().is_some() && binding.proxy_address.is_some());

    let participant: OnParticipantAdd = sample_event().unwrap();
    assert!(participant
        .messaging_binding
        .unwrap()
        .binding_type
        .is_some());

    let user: OnUserUpdated = sample_event().unwrap();
    assert!(user.is_online.is_some() && user.is_notifiable.is_some());

    let delivery: OnDeliveryUpdated = sample_event().unwrap();
    assert!(delivery.error_code.is_some());
    assert_eq!(delivery.conversation_sid(), Some(added.conversation_sid));
}
