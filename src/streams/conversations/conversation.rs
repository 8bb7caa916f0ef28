//! Conversation added, updated, removed.

use time::OffsetDateTime;

use crate::conversations::{Attributes, ConversationState, Media, MessagingBinding};
use crate::sid::{AccountSid, ChatServiceSid, ConversationSid, MessagingServiceSid};
use crate::streams::data::stream_data;

use super::Bindings;

stream_data! {
    fields = {
        /// `AccountSid`.
        account_sid: AccountSid = "AccountSid",
        /// `ConversationSid`.
        conversation_sid: ConversationSid = "ConversationSid",
        /// `ChatServiceSid`: the Conversation Service.
        chat_service_sid: Option<ChatServiceSid> = "ChatServiceSid",
        /// `MessagingServiceSid`.
        messaging_service_sid: Option<MessagingServiceSid> = "MessagingServiceSid",
        /// `FriendlyName`.
        friendly_name: Option<String> = "FriendlyName",
        /// `UniqueName`.
        unique_name: Option<String> = "UniqueName",
        /// `Attributes` (an object, or JSON text).
        attributes: Option<Attributes> = "Attributes",
        /// `State`: active, inactive or closed.
        state: Option<ConversationState> = "State",
        /// `DateCreated`.
        date_created: Option<OffsetDateTime> = "DateCreated",
        /// `DateUpdated`.
        date_updated: Option<OffsetDateTime> = "DateUpdated",
        /// `DateRemoved`.
        date_removed: Option<OffsetDateTime> = "DateRemoved",
        /// `MessageBody`: the first message, when a message created the conversation.
        message_body: Option<String> = "MessageBody",
        /// `MessageSubject`: that message's subject.
        message_subject: Option<String> = "MessageSubject",
        /// `AuthorFriendlyName`: that message's author's name.
        author_friendly_name: Option<String> = "AuthorFriendlyName",
        /// `Media`: that message's media.
        media: Option<Vec<Media>> = "Media",
        /// `MessagingBinding`: how the creator is reached (SMS, WhatsApp).
        messaging_binding: Option<MessagingBinding> = "MessagingBinding",
        /// `Bindings`: other channels (email).
        bindings: Option<Bindings> = "Bindings",
    };
    /// `com.twilio.conversations.conversation.added` (`Conversations.ConversationAdded`): a
    /// conversation was created.
    ConversationAdded;
    /// `com.twilio.conversations.conversation.updated` (`Conversations.ConversationUpdated`): a
    /// conversation changed.
    ConversationUpdated;
    /// `com.twilio.conversations.conversation.removed` (`Conversations.ConversationRemoved`): a
    /// conversation was deleted.
    ConversationRemoved;
}
