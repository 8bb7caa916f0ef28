//! Participant added, updated, removed.

use time::OffsetDateTime;

use crate::conversations::{Attributes, MessagingBinding};
use crate::sid::{AccountSid, ChatServiceSid, ConversationSid, ParticipantSid, RoleSid};
use crate::streams::data::stream_data;

stream_data! {
    fields = {
        /// `AccountSid`.
        account_sid: AccountSid = "AccountSid",
        /// `ConversationSid`.
        conversation_sid: ConversationSid = "ConversationSid",
        /// `ParticipantSid`.
        participant_sid: ParticipantSid = "ParticipantSid",
        /// `ChatServiceSid`.
        chat_service_sid: Option<ChatServiceSid> = "ChatServiceSid",
        /// `Identity`: the Conversations user, for SDK participants.
        identity: Option<String> = "Identity",
        /// `RoleSid`.
        role_sid: Option<RoleSid> = "RoleSid",
        /// `Attributes` (an object, or JSON text).
        attributes: Option<Attributes> = "Attributes",
        /// `MessagingBinding`: how the participant is reached (SMS, WhatsApp, email).
        messaging_binding: Option<MessagingBinding> = "MessagingBinding",
        /// `LastReadMessageIndex`: the last message the participant read.
        last_read_message_index: Option<u64> = "LastReadMessageIndex",
        /// `DateCreated`.
        date_created: Option<OffsetDateTime> = "DateCreated",
        /// `DateUpdated`.
        date_updated: Option<OffsetDateTime> = "DateUpdated",
        /// `DateRemoved`.
        date_removed: Option<OffsetDateTime> = "DateRemoved",
    };
    /// `com.twilio.conversations.participant.added` (`Conversations.ParticipantAdded`): a
    /// participant joined a conversation.
    ParticipantAdded;
    /// `com.twilio.conversations.participant.updated` (`Conversations.ParticipantUpdated`): a
    /// participant changed.
    ParticipantUpdated;
    /// `com.twilio.conversations.participant.removed` (`Conversations.ParticipantRemoved`): a
    /// participant left a conversation.
    ParticipantRemoved;
}
