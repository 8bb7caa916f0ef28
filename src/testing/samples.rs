//! Realistic parameter lists for every Conversations webhook.
//!
//! Each sample carries every parameter the Conversations reference lists for its event, plus the
//! common `AccountSid`, `EventType`, `Source` and (for SDK-originated events) `ClientIdentity`.
//! SIDs have the right prefixes, timestamps are ISO 8601 (some with fractional seconds),
//! attributes are JSON and media is the JSON array Twilio sends. The samples tell one story: an SMS
//! customer auto-creates a support conversation, writes with a photo attached, and an agent,
//! `alice`, answers from the SDK.

use crate::conversations::ConversationsEvent;
use crate::conversations::*;
use crate::params::Params;

/// Parameters as `(name, value)` pairs.
type Pairs = &'static [(&'static str, &'static str)];

// The SIDs and numbers of the samples' story, shared with the Event Streams samples.
pub(super) const ACCOUNT_SID: &str = "ACe268443e43d93dab7ebef303bbe9642f";
pub(super) const CONVERSATION_SID: &str = "CHce5f02f301018ab60c4921d6654a75cd";
pub(super) const CHAT_SERVICE_SID: &str = "ISaaabf0d39951f3e6c3e8a7911df524c2";
pub(super) const MESSAGING_SERVICE_SID: &str = "MGe0883e3a4ba9b1d54a7ee62972802f97";
pub(super) const MESSAGE_SID: &str = "IM78e731027d8fd50ed642340b7c9a63b3";
pub(super) const PARTICIPANT_SID: &str = "MBe42db0f9a183ac066bdec45b0c0cf2c7";
pub(super) const USER_SID: &str = "USee11cbb19052e40b07aac0ca060c23ee";
pub(super) const ROLE_SID: &str = "RL29a7e96467b69a9f5a93332e29e9b0de";

/// The customer's phone, the Twilio number they text, and the number group MMS shows for chat
/// participants.
pub(super) const CUSTOMER: &str = "+15005550006";
pub(super) const TWILIO_NUMBER: &str = "+15017122661";
const PROJECTED_NUMBER: &str = "+15017122662";

const MEDIA: &str = r#"[{"Sid":"ME62933a2951ef01f4eafd9bdf4d3cd2f0","ContentType":"image/jpeg","Filename":"receipt.jpg","Size":48213}]"#;

// Common parameters.
const BY_API: Pairs = &[("Source", "API")];
const BY_SDK: Pairs = &[("Source", "SDK"), ("ClientIdentity", "alice")];

// Timestamps.
const CREATED: Pairs = &[("DateCreated", "2026-11-20T10:00:00Z")];
const UPDATED: Pairs = &[("DateUpdated", "2026-11-20T10:04:31.517Z")];
const REMOVED: Pairs = &[("DateRemoved", "2026-11-20T11:15:00Z")];

// Conversations.
const CONVERSATION_REF: Pairs = &[("ConversationSid", CONVERSATION_SID)];
const CONVERSATION: Pairs = &[
    ("FriendlyName", "Support: order 1042"),
    ("UniqueName", "support-order-1042"),
    ("Attributes", r#"{"topic":"support","priority":"high"}"#),
    ("ChatServiceSid", CHAT_SERVICE_SID),
    ("MessagingServiceSid", MESSAGING_SERVICE_SID),
    ("State", "active"),
];
const CREATOR_BINDING: Pairs = &[
    ("MessagingBinding.ProxyAddress", TWILIO_NUMBER),
    ("MessagingBinding.Address", CUSTOMER),
    ("MessagingBinding.ProjectedAddress", PROJECTED_NUMBER),
    ("MessagingBinding.AuthorAddress", CUSTOMER),
];
const FIRST_MESSAGE: Pairs = &[
    ("MessageBody", "Hi, my order 1042 arrived damaged"),
    ("Media", MEDIA),
];
const STATE_CHANGE: Pairs = &[
    ("ChatServiceSid", CHAT_SERVICE_SID),
    ("StateUpdated", "2026-11-20T11:00:00.250Z"),
    ("StateFrom", "active"),
    ("StateTo", "inactive"),
    ("ConversationSid", CONVERSATION_SID),
    ("Reason", "TIMER"),
    ("MessagingServiceSid", MESSAGING_SERVICE_SID),
];

// Messages.
const MESSAGE_REF: Pairs = &[("MessageSid", MESSAGE_SID), ("Index", "7")];
const MESSAGE: Pairs = &[
    ("Body", "Sorry to hear that! A replacement is on its way."),
    ("Author", "alice"),
    ("ParticipantSid", PARTICIPANT_SID),
    ("Attributes", r#"{"importance":"normal"}"#),
    ("Media", MEDIA),
];
const MESSAGE_SERVICE: Pairs = &[("MessagingServiceSid", MESSAGING_SERVICE_SID)];

// Participants: an SMS customer, or `alice` chatting through group MMS. Parameters that are null
// for that kind of participant are sent empty.
const PARTICIPANT_REF: Pairs = &[("ParticipantSid", PARTICIPANT_SID)];
const PARTICIPANT: Pairs = &[
    ("RoleSid", ROLE_SID),
    ("Attributes", r#"{"customer_id":"C-1042"}"#),
];
const SMS_PARTICIPANT: Pairs = &[
    ("Identity", ""),
    ("MessagingBinding.ProxyAddress", TWILIO_NUMBER),
    ("MessagingBinding.Address", CUSTOMER),
    ("MessagingBinding.ProjectedAddress", ""),
    ("MessagingBinding.Type", "SMS"),
];
const CHAT_PARTICIPANT: Pairs = &[
    ("Identity", "alice"),
    ("MessagingBinding.ProxyAddress", ""),
    ("MessagingBinding.Address", ""),
    ("MessagingBinding.ProjectedAddress", PROJECTED_NUMBER),
    ("MessagingBinding.Type", "CHAT"),
];
const READ_UP_TO: Pairs = &[("LastReadMessageIndex", "7")];

// Users.
const USER: Pairs = &[
    ("ChatServiceSid", CHAT_SERVICE_SID),
    ("UserSid", USER_SID),
    ("Identity", "alice"),
    ("RoleSid", ROLE_SID),
    (
        "Attributes",
        r#"{"team":"support","avatar":"https://example.com/alice.png"}"#,
    ),
    ("FriendlyName", "Alice Moreno"),
];
const PRESENCE: Pairs = &[("isOnline", "true"), ("isNotifiable", "false")];

// Delivery receipts.
const DELIVERY: Pairs = &[
    ("ConversationSid", CONVERSATION_SID),
    ("ChatServiceSid", CHAT_SERVICE_SID),
    ("MessageSid", MESSAGE_SID),
    ("DeliveryReceiptSid", "DY1e11b989ba2f5e161cdad604bf3de90b"),
    ("ChannelMessageSid", "SM322404246f255f9665c12d1bbf36687f"),
    ("ParticipantSid", PARTICIPANT_SID),
    ("Status", "undelivered"),
    ("ErrorCode", "30003"),
];

/// Each event's parameters after `AccountSid` and `EventType`, in the order of
/// [`EVENT_TYPES`].
#[rustfmt::skip]
const SAMPLES: [(&str, &[Pairs]); 23] = [
    // Pre-action.
    (OnConversationAdd::EVENT_TYPE, &[BY_API, CONVERSATION, CREATOR_BINDING, FIRST_MESSAGE]),
    (OnConversationRemove::EVENT_TYPE, &[BY_API, CONVERSATION_REF, CREATED, UPDATED, CONVERSATION]),
    (OnConversationUpdate::EVENT_TYPE, &[BY_SDK, CONVERSATION_REF, CREATED, UPDATED, CONVERSATION]),
    (OnMessageAdd::EVENT_TYPE, &[BY_SDK, CONVERSATION_REF, MESSAGE]),
    (OnMessageRemove::EVENT_TYPE, &[BY_SDK, CONVERSATION_REF, MESSAGE_REF, CREATED, UPDATED, MESSAGE]),
    (OnMessageUpdate::EVENT_TYPE, &[BY_SDK, CONVERSATION_REF, MESSAGE_REF, CREATED, UPDATED, MESSAGE]),
    (OnParticipantAdd::EVENT_TYPE, &[BY_API, CONVERSATION_REF, PARTICIPANT, SMS_PARTICIPANT]),
    (OnParticipantRemove::EVENT_TYPE, &[BY_API, CONVERSATION_REF, PARTICIPANT_REF, CREATED, UPDATED, PARTICIPANT, SMS_PARTICIPANT]),
    (OnParticipantUpdate::EVENT_TYPE, &[BY_SDK, CONVERSATION_REF, PARTICIPANT_REF, CREATED, UPDATED, PARTICIPANT, CHAT_PARTICIPANT]),
    (OnUserUpdate::EVENT_TYPE, &[BY_SDK, UPDATED, USER]),
    // Post-action.
    (OnConversationAdded::EVENT_TYPE, &[BY_API, CONVERSATION_REF, CREATED, UPDATED, CONVERSATION, CREATOR_BINDING]),
    (OnConversationRemoved::EVENT_TYPE, &[BY_API, CONVERSATION_REF, CREATED, UPDATED, REMOVED, CONVERSATION]),
    (OnConversationUpdated::EVENT_TYPE, &[BY_SDK, CONVERSATION_REF, CREATED, UPDATED, CONVERSATION]),
    (OnConversationStateUpdated::EVENT_TYPE, &[BY_API, STATE_CHANGE]),
    (OnMessageAdded::EVENT_TYPE, &[BY_SDK, CONVERSATION_REF, MESSAGE_REF, MESSAGE_SERVICE, CREATED, MESSAGE]),
    (OnMessageUpdated::EVENT_TYPE, &[BY_SDK, CONVERSATION_REF, MESSAGE_REF, CREATED, UPDATED, MESSAGE]),
    (OnMessageRemoved::EVENT_TYPE, &[BY_SDK, CONVERSATION_REF, MESSAGE_REF, CREATED, UPDATED, REMOVED, MESSAGE]),
    (OnParticipantAdded::EVENT_TYPE, &[BY_API, CONVERSATION_REF, PARTICIPANT_REF, CREATED, PARTICIPANT, SMS_PARTICIPANT]),
    (OnParticipantUpdated::EVENT_TYPE, &[BY_SDK, CONVERSATION_REF, PARTICIPANT_REF, CREATED, UPDATED, PARTICIPANT, CHAT_PARTICIPANT, READ_UP_TO]),
    (OnParticipantRemoved::EVENT_TYPE, &[BY_API, CONVERSATION_REF, PARTICIPANT_REF, CREATED, UPDATED, REMOVED, PARTICIPANT, SMS_PARTICIPANT]),
    (OnDeliveryUpdated::EVENT_TYPE, &[BY_API, DELIVERY, CREATED, UPDATED]),
    (OnUserAdded::EVENT_TYPE, &[BY_API, CREATED, USER]),
    (OnUserUpdated::EVENT_TYPE, &[BY_SDK, CREATED, UPDATED, USER, PRESENCE]),
];

/// Every Conversations `EventType`: the ten pre-action events, then the thirteen post-action
/// events, in the order of [`PreActionEvent::EVENT_TYPES`](crate::PreActionEvent::EVENT_TYPES)
/// and [`PostActionEvent::EVENT_TYPES`](crate::PostActionEvent::EVENT_TYPES).
///
/// ```
/// use twilio_webhooks::testing::{sample_params, EVENT_TYPES};
///
/// assert_eq!(EVENT_TYPES[0], "onConversationAdd");
/// assert!(EVENT_TYPES.iter().all(|event_type| sample_params(event_type).is_some()));
/// ```
pub const EVENT_TYPES: [&str; 23] = {
    let mut names = [""; 23];
    let mut i = 0;
    while i < names.len() {
        names[i] = SAMPLES[i].0;
        i += 1;
    }
    names
};

/// A realistic parameter list for `event_type`, as Twilio would post it; `None` for an
/// `EventType` this library does not know.
///
/// The list has every parameter the Conversations reference lists for the event, plus
/// `AccountSid`, `EventType`, `Source` and, for SDK-originated events, `ClientIdentity`. Encode it
/// with [`Params::to_form`] to get a request body, or change a parameter before sending:
///
/// ```
/// use twilio_webhooks::testing::sample_params;
/// use twilio_webhooks::{Event, Params, PreActionEvent};
///
/// let sample = sample_params("onMessageAdd").unwrap();
/// assert_eq!(sample.get("EventType"), Some("onMessageAdd"));
///
/// // The same message with another body.
/// let params = Params::from_pairs(
///     sample.iter().map(|(name, value)| (name, if name == "Body" { "what the heck" } else { value })),
/// );
/// let Event::PreAction(PreActionEvent::OnMessageAdd(message)) = Event::from_form(params.to_form().as_bytes())?
/// else {
///     unreachable!()
/// };
/// assert_eq!(message.body, "what the heck");
///
/// assert!(sample_params("onSomethingElse").is_none());
/// # Ok::<(), twilio_webhooks::ParseError>(())
/// ```
pub fn sample_params(event_type: &str) -> Option<Params> {
    let (event_type, parts) = SAMPLES.iter().find(|(name, _)| *name == event_type)?;
    let mut params = Params::default();
    params.push("AccountSid", ACCOUNT_SID);
    params.push("EventType", event_type);
    for &(name, value) in parts.iter().copied().flatten() {
        params.push(name, value);
    }
    Some(params)
}

/// The sample of [`sample_params`] for `E`, parsed: a ready-made event to call a handler with,
/// or to change and send signed with [`signed_event`](super::signed_event).
///
/// ```
/// use twilio_webhooks::conversations::OnMessageAdded;
/// use twilio_webhooks::testing::sample_event;
///
/// let message: OnMessageAdded = sample_event()?;
/// assert_eq!(message.index, 7);
/// assert_eq!(message.author, "alice");
/// # Ok::<(), twilio_webhooks::testing::Error>(())
/// ```
///
/// # Errors
///
/// Never for this crate's events. [`Error::NoSample`](super::Error::NoSample) or
/// [`Error::SampleDoesNotParse`](super::Error::SampleDoesNotParse) for a type outside this crate
/// implementing [`ConversationsEvent`] whose `EVENT_TYPE` has no sample or whose parameters
/// differ.
pub fn sample_event<E: ConversationsEvent>() -> Result<E, super::Error> {
    let params = sample_params(E::EVENT_TYPE).ok_or_else(|| super::Error::NoSample {
        event_type: E::EVENT_TYPE.to_owned(),
    })?;
    E::from_params(&params).map_err(|source| super::Error::SampleDoesNotParse {
        event_type: E::EVENT_TYPE,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Event, PostActionEvent, PreActionEvent};

    #[test]
    fn event_types_are_the_pre_then_post_action_events() {
        let known: Vec<&str> = PreActionEvent::EVENT_TYPES
            .iter()
            .chain(PostActionEvent::EVENT_TYPES)
            .copied()
            .collect();
        assert_eq!(EVENT_TYPES.as_slice(), known.as_slice());
    }

    #[test]
    fn every_sample_parses_without_extra_parameters() {
        for event_type in EVENT_TYPES {
            let params = sample_params(event_type).unwrap();
            assert_eq!(params.count("EventType"), 1);
            let event = Event::from_params(&params).unwrap();
            assert_eq!(event.event_type(), event_type);
            let json = serde_json::to_value(&event).unwrap();
            assert!(json.get("extra").is_none(), "{event_type}: {json}");
        }
    }
}
