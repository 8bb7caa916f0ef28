//! Conversation events: added, updated, removed, and state changes.

use time::OffsetDateTime;

use crate::conversations::Attributes;
use crate::conversations::{ConversationState, StateChangeReason};
use crate::sid::{ChatServiceSid, ConversationSid, MessagingServiceSid};

use super::define_events;

define_events! {
    /// `onConversationAdd` (pre-action): a conversation is about to be created. Its friendly name
    /// may be changed with a [`ConversationModification`](crate::ConversationModification).
    ///
    /// There is no conversation SID yet. An inbound message that auto-creates a conversation sends
    /// the creator's binding, and for group MMS every address in `MessagingBinding.Address`.
    OnConversationAdd = "onConversationAdd" {
        /// `FriendlyName`, if set.
        friendly_name: Option<String> = "FriendlyName",
        /// `UniqueName`.
        unique_name: Option<String> = "UniqueName",
        /// `Attributes`: conversation metadata set by the customer.
        attributes: Attributes = "Attributes",
        /// `ChatServiceSid`: the Conversation Service.
        chat_service_sid: ChatServiceSid = "ChatServiceSid",
        /// `MessagingServiceSid`: the Messaging Service.
        messaging_service_sid: Option<MessagingServiceSid> = "MessagingServiceSid",
        /// `MessageBody`: the first message's text when a message creates the conversation.
        message_body: Option<String> = "MessageBody",
        /// `Media`: media of that first message.
        media: Option<Vec<crate::conversations::Media>> = "Media",
        /// `State`.
        state: Option<ConversationState> = "State",
        @binding
        /// `MessagingBinding.*`: the creator's channel; absent when the REST API creates a
        /// conversation with no participants.
        messaging_binding,
    }

    /// `onConversationRemove` (pre-action): a conversation is about to be deleted.
    OnConversationRemove = "onConversationRemove" {
        /// `ConversationSid`.
        conversation_sid: ConversationSid = "ConversationSid",
        /// `DateCreated`.
        date_created: OffsetDateTime = "DateCreated",
        /// `DateUpdated`.
        date_updated: Option<OffsetDateTime> = "DateUpdated",
        /// `FriendlyName`, if set.
        friendly_name: Option<String> = "FriendlyName",
        /// `UniqueName`.
        unique_name: Option<String> = "UniqueName",
        /// `Attributes`.
        attributes: Attributes = "Attributes",
        /// `ChatServiceSid`.
        chat_service_sid: ChatServiceSid = "ChatServiceSid",
        /// `MessagingServiceSid`.
        messaging_service_sid: Option<MessagingServiceSid> = "MessagingServiceSid",
        /// `State`.
        state: Option<ConversationState> = "State",
    }

    /// `onConversationUpdate` (pre-action): a conversation is about to change. Its friendly name
    /// may be changed with a [`ConversationModification`](crate::ConversationModification).
    OnConversationUpdate = "onConversationUpdate" {
        /// `ConversationSid`.
        conversation_sid: ConversationSid = "ConversationSid",
        /// `DateCreated`.
        date_created: OffsetDateTime = "DateCreated",
        /// `DateUpdated`.
        date_updated: Option<OffsetDateTime> = "DateUpdated",
        /// `FriendlyName`, if set.
        friendly_name: Option<String> = "FriendlyName",
        /// `UniqueName`.
        unique_name: Option<String> = "UniqueName",
        /// `Attributes`.
        attributes: Attributes = "Attributes",
        /// `ChatServiceSid`.
        chat_service_sid: ChatServiceSid = "ChatServiceSid",
        /// `MessagingServiceSid`.
        messaging_service_sid: Option<MessagingServiceSid> = "MessagingServiceSid",
        /// `State`.
        state: Option<ConversationState> = "State",
    }

    /// `onConversationAdded` (post-action): a conversation was created.
    OnConversationAdded = "onConversationAdded" {
        /// `ConversationSid`.
        conversation_sid: ConversationSid = "ConversationSid",
        /// `DateCreated`.
        date_created: OffsetDateTime = "DateCreated",
        /// `DateUpdated`.
        date_updated: Option<OffsetDateTime> = "DateUpdated",
        /// `FriendlyName`, if set.
        friendly_name: Option<String> = "FriendlyName",
        /// `UniqueName`, if set.
        unique_name: Option<String> = "UniqueName",
        /// `Attributes`.
        attributes: Attributes = "Attributes",
        /// `ChatServiceSid`.
        chat_service_sid: ChatServiceSid = "ChatServiceSid",
        /// `MessagingServiceSid`.
        messaging_service_sid: Option<MessagingServiceSid> = "MessagingServiceSid",
        /// `State`.
        state: Option<ConversationState> = "State",
        @binding
        /// `MessagingBinding.*`: the creator's channel, every address for group MMS.
        messaging_binding,
    }

    /// `onConversationRemoved` (post-action): a conversation was deleted.
    OnConversationRemoved = "onConversationRemoved" {
        /// `ConversationSid`.
        conversation_sid: ConversationSid = "ConversationSid",
        /// `DateCreated`.
        date_created: OffsetDateTime = "DateCreated",
        /// `DateUpdated`.
        date_updated: Option<OffsetDateTime> = "DateUpdated",
        /// `DateRemoved`.
        date_removed: OffsetDateTime = "DateRemoved",
        /// `FriendlyName`, if set.
        friendly_name: Option<String> = "FriendlyName",
        /// `UniqueName`, if set.
        unique_name: Option<String> = "UniqueName",
        /// `Attributes`.
        attributes: Attributes = "Attributes",
        /// `ChatServiceSid`.
        chat_service_sid: ChatServiceSid = "ChatServiceSid",
        /// `MessagingServiceSid`.
        messaging_service_sid: Option<MessagingServiceSid> = "MessagingServiceSid",
        /// `State`.
        state: Option<ConversationState> = "State",
    }

    /// `onConversationUpdated` (post-action): a conversation changed.
    OnConversationUpdated = "onConversationUpdated" {
        /// `ConversationSid`.
        conversation_sid: ConversationSid = "ConversationSid",
        /// `DateCreated`.
        date_created: OffsetDateTime = "DateCreated",
        /// `DateUpdated`.
        date_updated: Option<OffsetDateTime> = "DateUpdated",
        /// `FriendlyName`, if set.
        friendly_name: Option<String> = "FriendlyName",
        /// `UniqueName`, if set.
        unique_name: Option<String> = "UniqueName",
        /// `Attributes`.
        attributes: Attributes = "Attributes",
        /// `ChatServiceSid`.
        chat_service_sid: ChatServiceSid = "ChatServiceSid",
        /// `MessagingServiceSid`.
        messaging_service_sid: Option<MessagingServiceSid> = "MessagingServiceSid",
        /// `State`.
        state: Option<ConversationState> = "State",
    }

    /// `onConversationStateUpdated` (post-action): a conversation moved between `active`,
    /// `inactive` and `closed`.
    OnConversationStateUpdated = "onConversationStateUpdated" {
        /// `ChatServiceSid`.
        chat_service_sid: ChatServiceSid = "ChatServiceSid",
        /// `StateUpdated`: when the state changed.
        state_updated: OffsetDateTime = "StateUpdated",
        /// `StateFrom`.
        state_from: ConversationState = "StateFrom",
        /// `StateTo`.
        state_to: ConversationState = "StateTo",
        /// `ConversationSid`.
        conversation_sid: ConversationSid = "ConversationSid",
        /// `Reason`: what caused the change.
        reason: StateChangeReason = "Reason",
        /// `MessagingServiceSid`.
        messaging_service_sid: Option<MessagingServiceSid> = "MessagingServiceSid",
    }
}
