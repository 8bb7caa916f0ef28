//! Delivery receipt updated (discontinued by Twilio; still read, every field optional).

use time::OffsetDateTime;

use crate::conversations::DeliveryStatus;
use crate::sid::{
    AccountSid, ChannelMessageSid, ChatServiceSid, ConversationSid, DeliveryReceiptSid, MessageSid,
    ParticipantSid,
};
use crate::streams::data::stream_data;

stream_data! {
    fields = {
        /// `AccountSid`.
        account_sid: AccountSid = "AccountSid",
        /// `ConversationSid`.
        conversation_sid: Option<ConversationSid> = "ConversationSid",
        /// `ChatServiceSid`.
        chat_service_sid: Option<ChatServiceSid> = "ChatServiceSid",
        /// `MessageSid`: the conversation message.
        message_sid: Option<MessageSid> = "MessageSid",
        /// `DeliveryReceiptSid`.
        delivery_receipt_sid: Option<DeliveryReceiptSid> = "DeliveryReceiptSid",
        /// `ChannelMessageSid`: the message on the channel (`SM…`, `WA…`, …).
        channel_message_sid: Option<ChannelMessageSid> = "ChannelMessageSid",
        /// `ParticipantSid`: the recipient.
        participant_sid: Option<ParticipantSid> = "ParticipantSid",
        /// `Status`: sent, delivered, read, failed, undelivered.
        status: Option<DeliveryStatus> = "Status",
        /// `ErrorCode`: Twilio's error code when delivery failed.
        error_code: Option<u32> = "ErrorCode",
        /// `DateCreated`.
        date_created: Option<OffsetDateTime> = "DateCreated",
        /// `DateUpdated`.
        date_updated: Option<OffsetDateTime> = "DateUpdated",
    };
    /// `com.twilio.conversations.delivery.updated`: the delivery receipt of a message sent to an
    /// SMS or WhatsApp participant changed. Twilio has discontinued this type; it is still read
    /// so that an old subscription's events are not lost.
    DeliveryUpdated;
}
