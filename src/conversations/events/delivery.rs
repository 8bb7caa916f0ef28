//! Delivery receipts.

use time::OffsetDateTime;

use crate::conversations::DeliveryStatus;
use crate::sid::{
    ChannelMessageSid, ChatServiceSid, ConversationSid, DeliveryReceiptSid, MessageSid,
    ParticipantSid,
};

use super::define_events;

define_events! {
    /// `onDeliveryUpdated` (post-action): the delivery receipt of a message sent to an SMS or
    /// WhatsApp participant changed status.
    OnDeliveryUpdated = "onDeliveryUpdated" {
        /// `ConversationSid`.
        conversation_sid: ConversationSid = "ConversationSid",
        /// `ChatServiceSid`.
        chat_service_sid: ChatServiceSid = "ChatServiceSid",
        /// `MessageSid`: the conversation message.
        message_sid: MessageSid = "MessageSid",
        /// `DeliveryReceiptSid`.
        delivery_receipt_sid: DeliveryReceiptSid = "DeliveryReceiptSid",
        /// `ChannelMessageSid`: the message on the channel (`SM…`, `WA…`, …).
        channel_message_sid: Option<ChannelMessageSid> = "ChannelMessageSid",
        /// `ParticipantSid`: the recipient.
        participant_sid: ParticipantSid = "ParticipantSid",
        /// `Status`.
        status: DeliveryStatus = "Status",
        /// `ErrorCode`: Twilio's error code when delivery failed.
        error_code: Option<u32> = "ErrorCode",
        /// `DateCreated`.
        date_created: OffsetDateTime = "DateCreated",
        /// `DateUpdated`.
        date_updated: Option<OffsetDateTime> = "DateUpdated",
    }
}
