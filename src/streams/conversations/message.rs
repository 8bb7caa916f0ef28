//! Message added, updated, removed.

use time::OffsetDateTime;

use crate::conversations::{Attributes, Media};
use crate::sid::{
    AccountSid, ChatServiceSid, ContentSid, ConversationSid, MessageSid, MessagingServiceSid,
    ParticipantSid,
};
use crate::streams::data::stream_data;

stream_data! {
    fields = {
        /// `AccountSid`.
        account_sid: AccountSid = "AccountSid",
        /// `ConversationSid`.
        conversation_sid: ConversationSid = "ConversationSid",
        /// `MessageSid`.
        message_sid: MessageSid = "MessageSid",
        /// `ChatServiceSid`.
        chat_service_sid: Option<ChatServiceSid> = "ChatServiceSid",
        /// `MessagingServiceSid`.
        messaging_service_sid: Option<MessagingServiceSid> = "MessagingServiceSid",
        /// `ParticipantSid`: the author's participant; absent for system messages.
        participant_sid: Option<ParticipantSid> = "ParticipantSid",
        /// `Author`: the author's identity or address (`system` by default).
        author: Option<String> = "Author",
        /// `Index`: the message's position in the conversation.
        index: Option<u64> = "Index",
        /// `MessageBody`: the text.
        message_body: Option<String> = "MessageBody",
        /// `MessageSubject`.
        message_subject: Option<String> = "MessageSubject",
        /// `ContentSid`: the Content API template, for template messages.
        content_sid: Option<ContentSid> = "ContentSid",
        /// `Attributes` (an object, or JSON text).
        attributes: Option<Attributes> = "Attributes",
        /// `Media`: attached files.
        media: Option<Vec<Media>> = "Media",
        /// `DateCreated`.
        date_created: Option<OffsetDateTime> = "DateCreated",
        /// `DateUpdated`.
        date_updated: Option<OffsetDateTime> = "DateUpdated",
    };
    /// `com.twilio.conversations.message.added` (`Conversations.MessageAdded`): a message was
    /// posted.
    MessageAdded;
    /// `com.twilio.conversations.message.updated` (`Conversations.MessageUpdated`): a message
    /// changed.
    MessageUpdated;
    /// `com.twilio.conversations.message.removed` (`Conversations.MessageRemoved`): a message
    /// was deleted.
    MessageRemoved;
}
