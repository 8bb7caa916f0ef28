//! Conversation state updated.

use time::OffsetDateTime;

use crate::conversations::{ConversationState, StateChangeReason};
use crate::sid::{AccountSid, ChatServiceSid, ConversationSid, MessagingServiceSid};
use crate::streams::data::stream_data;

stream_data! {
    fields = {
        /// `AccountSid`.
        account_sid: AccountSid = "AccountSid",
        /// `ConversationSid`.
        conversation_sid: ConversationSid = "ConversationSid",
        /// `ChatServiceSid`.
        chat_service_sid: Option<ChatServiceSid> = "ChatServiceSid",
        /// `MessagingServiceSid`.
        messaging_service_sid: Option<MessagingServiceSid> = "MessagingServiceSid",
        /// `StateFrom`: the state before.
        state_from: Option<ConversationState> = "StateFrom",
        /// `StateTo`: the state now.
        state_to: Option<ConversationState> = "StateTo",
        /// `Reason`: API, TIMER or EVENT.
        reason: Option<StateChangeReason> = "Reason",
        /// `StateUpdated`: when the state changed.
        state_updated: Option<OffsetDateTime> = "StateUpdated",
    };
    /// `com.twilio.conversations.conversation-state.updated`
    /// (`Conversations.ConversationStateUpdated`): a conversation became active, inactive or
    /// closed.
    ConversationStateUpdated;
}
