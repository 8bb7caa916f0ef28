//! Message events: added, updated, removed.

use time::OffsetDateTime;

use crate::conversations::Attributes;
use crate::conversations::Media;
use crate::sid::{ConversationSid, MessageSid, MessagingServiceSid, ParticipantSid};

use super::define_events;

define_events! {
    /// `onMessageAdd` (pre-action): a message is about to be posted. Its body, author and
    /// attributes may be changed with a [`MessageModification`](crate::MessageModification).
    OnMessageAdd = "onMessageAdd" {
        /// `ConversationSid`: the conversation the message is being added to.
        conversation_sid: ConversationSid = "ConversationSid",
        /// `Body`.
        body: String = "Body",
        /// `Author`.
        author: String = "Author",
        /// `ParticipantSid`: the author's participant, if any.
        participant_sid: Option<ParticipantSid> = "ParticipantSid",
        /// `Attributes`.
        attributes: Attributes = "Attributes",
        /// `Media`: attached media, if any.
        media: Option<Vec<Media>> = "Media",
    }

    /// `onMessageRemove` (pre-action): a message is about to be deleted.
    OnMessageRemove = "onMessageRemove" {
        /// `ConversationSid`.
        conversation_sid: ConversationSid = "ConversationSid",
        /// `MessageSid`.
        message_sid: MessageSid = "MessageSid",
        /// `Index`: the message's position in the conversation.
        index: u64 = "Index",
        /// `DateCreated`.
        date_created: OffsetDateTime = "DateCreated",
        /// `DateUpdated`.
        date_updated: Option<OffsetDateTime> = "DateUpdated",
        /// `Body`.
        body: String = "Body",
        /// `Author`.
        author: String = "Author",
        /// `ParticipantSid`, if any.
        participant_sid: Option<ParticipantSid> = "ParticipantSid",
        /// `Attributes`.
        attributes: Attributes = "Attributes",
        /// `Media`, if any.
        media: Option<Vec<Media>> = "Media",
    }

    /// `onMessageUpdate` (pre-action): a message is about to change. Its body, author and
    /// attributes may be changed with a [`MessageModification`](crate::MessageModification).
    OnMessageUpdate = "onMessageUpdate" {
        /// `ConversationSid`.
        conversation_sid: ConversationSid = "ConversationSid",
        /// `MessageSid`.
        message_sid: MessageSid = "MessageSid",
        /// `Index`.
        index: u64 = "Index",
        /// `DateCreated`.
        date_created: OffsetDateTime = "DateCreated",
        /// `DateUpdated`.
        date_updated: Option<OffsetDateTime> = "DateUpdated",
        /// `Body`.
        body: String = "Body",
        /// `Author`.
        author: String = "Author",
        /// `ParticipantSid`, if any.
        participant_sid: Option<ParticipantSid> = "ParticipantSid",
        /// `Attributes`.
        attributes: Attributes = "Attributes",
        /// `Media`, if any.
        media: Option<Vec<Media>> = "Media",
    }

    /// `onMessageAdded` (post-action): a message was posted.
    OnMessageAdded = "onMessageAdded" {
        /// `ConversationSid`.
        conversation_sid: ConversationSid = "ConversationSid",
        /// `MessageSid`.
        message_sid: MessageSid = "MessageSid",
        /// `MessagingServiceSid`.
        messaging_service_sid: Option<MessagingServiceSid> = "MessagingServiceSid",
        /// `Index`.
        index: u64 = "Index",
        /// `DateCreated`.
        date_created: OffsetDateTime = "DateCreated",
        /// `Body`.
        body: String = "Body",
        /// `Author`.
        author: String = "Author",
        /// `ParticipantSid`, if any.
        participant_sid: Option<ParticipantSid> = "ParticipantSid",
        /// `Attributes`.
        attributes: Attributes = "Attributes",
        /// `Media`, if any.
        media: Option<Vec<Media>> = "Media",
    }

    /// `onMessageUpdated` (post-action): a message changed.
    OnMessageUpdated = "onMessageUpdated" {
        /// `ConversationSid`.
        conversation_sid: ConversationSid = "ConversationSid",
        /// `MessageSid`.
        message_sid: MessageSid = "MessageSid",
        /// `Index`.
        index: u64 = "Index",
        /// `DateCreated`.
        date_created: OffsetDateTime = "DateCreated",
        /// `DateUpdated`.
        date_updated: Option<OffsetDateTime> = "DateUpdated",
        /// `Body`.
        body: String = "Body",
        /// `Author`.
        author: String = "Author",
        /// `ParticipantSid`, if any.
        participant_sid: Option<ParticipantSid> = "ParticipantSid",
        /// `Attributes`.
        attributes: Attributes = "Attributes",
        /// `Media`, if any.
        media: Option<Vec<Media>> = "Media",
    }

    /// `onMessageRemoved` (post-action): a message was deleted.
    OnMessageRemoved = "onMessageRemoved" {
        /// `ConversationSid`.
        conversation_sid: ConversationSid = "ConversationSid",
        /// `MessageSid`.
        message_sid: MessageSid = "MessageSid",
        /// `Index`.
        index: u64 = "Index",
        /// `DateCreated`.
        date_created: OffsetDateTime = "DateCreated",
        /// `DateUpdated`.
        date_updated: Option<OffsetDateTime> = "DateUpdated",
        /// `DateRemoved`.
        date_removed: OffsetDateTime = "DateRemoved",
        /// `Body`.
        body: String = "Body",
        /// `Author`.
        author: String = "Author",
        /// `ParticipantSid`, if any.
        participant_sid: Option<ParticipantSid> = "ParticipantSid",
        /// `Attributes`.
        attributes: Attributes = "Attributes",
        /// `Media`, if any.
        media: Option<Vec<Media>> = "Media",
    }
}
