//! User added, updated.

use time::OffsetDateTime;

use crate::conversations::Attributes;
use crate::sid::{AccountSid, ChatServiceSid, RoleSid, UserSid};
use crate::streams::data::stream_data;

stream_data! {
    fields = {
        /// `AccountSid`.
        account_sid: AccountSid = "AccountSid",
        /// `UserSid`.
        user_sid: UserSid = "UserSid",
        /// `ChatServiceSid`.
        chat_service_sid: Option<ChatServiceSid> = "ChatServiceSid",
        /// `Identity`.
        identity: Option<String> = "Identity",
        /// `FriendlyName`.
        friendly_name: Option<String> = "FriendlyName",
        /// `RoleSid`.
        role_sid: Option<RoleSid> = "RoleSid",
        /// `Attributes` (an object, or JSON text).
        attributes: Option<Attributes> = "Attributes",
        /// `DateCreated`.
        date_created: Option<OffsetDateTime> = "DateCreated",
        /// `DateUpdated`.
        date_updated: Option<OffsetDateTime> = "DateUpdated",
    };
    /// `com.twilio.conversations.user.added` (`Conversations.UserAdded`): a Conversations user
    /// was created.
    UserAdded;
    /// `com.twilio.conversations.user.updated` (`Conversations.UserUpdated`): a user changed.
    UserUpdated;
}
