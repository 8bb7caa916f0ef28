//! Participant events: added, updated, removed.

use time::OffsetDateTime;

use crate::conversations::Attributes;
use crate::sid::{ConversationSid, ParticipantSid, RoleSid};

use super::define_events;

define_events! {
    /// `onParticipantAdd` (pre-action): a participant is about to join. May be accepted or
    /// rejected, not modified.
    ///
    /// A chat participant has an `identity`; an SMS or WhatsApp participant has a
    /// `messaging_binding` with both addresses instead.
    OnParticipantAdd = "onParticipantAdd" {
        /// `ConversationSid`.
        conversation_sid: ConversationSid = "ConversationSid",
        /// `Identity`: the chat user's identity, for chat participants.
        identity: Option<String> = "Identity",
        /// `RoleSid`.
        role_sid: Option<RoleSid> = "RoleSid",
        /// `Attributes`.
        attributes: Attributes = "Attributes",
        @binding
        /// `MessagingBinding.*`: the SMS/WhatsApp channel, or the projected address of a
        /// group-MMS chat participant.
        messaging_binding,
    }

    /// `onParticipantRemove` (pre-action): a participant is about to leave.
    OnParticipantRemove = "onParticipantRemove" {
        /// `ConversationSid`.
        conversation_sid: ConversationSid = "ConversationSid",
        /// `ParticipantSid`.
        participant_sid: ParticipantSid = "ParticipantSid",
        /// `DateCreated`.
        date_created: OffsetDateTime = "DateCreated",
        /// `DateUpdated`.
        date_updated: Option<OffsetDateTime> = "DateUpdated",
        /// `Identity`, for chat participants.
        identity: Option<String> = "Identity",
        /// `RoleSid`.
        role_sid: Option<RoleSid> = "RoleSid",
        /// `Attributes`.
        attributes: Attributes = "Attributes",
        @binding
        /// `MessagingBinding.*`.
        messaging_binding,
    }

    /// `onParticipantUpdate` (pre-action): a participant is about to change.
    OnParticipantUpdate = "onParticipantUpdate" {
        /// `ConversationSid`.
        conversation_sid: ConversationSid = "ConversationSid",
        /// `ParticipantSid`.
        participant_sid: ParticipantSid = "ParticipantSid",
        /// `DateCreated`.
        date_created: OffsetDateTime = "DateCreated",
        /// `DateUpdated`.
        date_updated: Option<OffsetDateTime> = "DateUpdated",
        /// `Identity`, for chat participants.
        identity: Option<String> = "Identity",
        /// `RoleSid`.
        role_sid: Option<RoleSid> = "RoleSid",
        /// `Attributes`.
        attributes: Attributes = "Attributes",
        @binding
        /// `MessagingBinding.*`.
        messaging_binding,
    }

    /// `onParticipantAdded` (post-action): a participant joined.
    OnParticipantAdded = "onParticipantAdded" {
        /// `ConversationSid`.
        conversation_sid: ConversationSid = "ConversationSid",
        /// `ParticipantSid`.
        participant_sid: ParticipantSid = "ParticipantSid",
        /// `DateCreated`.
        date_created: OffsetDateTime = "DateCreated",
        /// `Identity`, for chat participants.
        identity: Option<String> = "Identity",
        /// `RoleSid`.
        role_sid: Option<RoleSid> = "RoleSid",
        /// `Attributes`.
        attributes: Attributes = "Attributes",
        @binding
        /// `MessagingBinding.*`.
        messaging_binding,
    }

    /// `onParticipantUpdated` (post-action): a participant changed, e.g. read messages.
    OnParticipantUpdated = "onParticipantUpdated" {
        /// `ConversationSid`.
        conversation_sid: ConversationSid = "ConversationSid",
        /// `ParticipantSid`.
        participant_sid: ParticipantSid = "ParticipantSid",
        /// `DateCreated`.
        date_created: OffsetDateTime = "DateCreated",
        /// `DateUpdated`.
        date_updated: Option<OffsetDateTime> = "DateUpdated",
        /// `Identity`, for chat participants.
        identity: Option<String> = "Identity",
        /// `RoleSid`.
        role_sid: Option<RoleSid> = "RoleSid",
        /// `Attributes`.
        attributes: Attributes = "Attributes",
        /// `LastReadMessageIndex`: the index of the last message the participant read.
        last_read_message_index: Option<u64> = "LastReadMessageIndex",
        @binding
        /// `MessagingBinding.*`.
        messaging_binding,
    }

    /// `onParticipantRemoved` (post-action): a participant left.
    OnParticipantRemoved = "onParticipantRemoved" {
        /// `ConversationSid`.
        conversation_sid: ConversationSid = "ConversationSid",
        /// `ParticipantSid`.
        participant_sid: ParticipantSid = "ParticipantSid",
        /// `DateCreated`.
        date_created: OffsetDateTime = "DateCreated",
        /// `DateUpdated`.
        date_updated: Option<OffsetDateTime> = "DateUpdated",
        /// `DateRemoved`.
        date_removed: OffsetDateTime = "DateRemoved",
        /// `Identity`, for chat participants.
        identity: Option<String> = "Identity",
        /// `RoleSid`.
        role_sid: Option<RoleSid> = "RoleSid",
        /// `Attributes`.
        attributes: Attributes = "Attributes",
        @binding
        /// `MessagingBinding.*`.
        messaging_binding,
    }
}
