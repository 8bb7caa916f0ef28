//! User events: added and updated.

use time::OffsetDateTime;

use crate::conversations::Attributes;
use crate::sid::{ChatServiceSid, RoleSid, UserSid};

use super::define_events;

define_events! {
    /// `onUserUpdate` (pre-action): a user is about to change. May be accepted or rejected, not
    /// modified.
    OnUserUpdate = "onUserUpdate" {
        /// `ChatServiceSid`.
        chat_service_sid: ChatServiceSid = "ChatServiceSid",
        /// `UserSid`.
        user_sid: UserSid = "UserSid",
        /// `DateUpdated`.
        date_updated: Option<OffsetDateTime> = "DateUpdated",
        /// `Identity`.
        identity: Option<String> = "Identity",
        /// `RoleSid`.
        role_sid: Option<RoleSid> = "RoleSid",
        /// `Attributes`.
        attributes: Attributes = "Attributes",
        /// `FriendlyName`.
        friendly_name: Option<String> = "FriendlyName",
    }

    /// `onUserAdded` (post-action): a user was created.
    OnUserAdded = "onUserAdded" {
        /// `ChatServiceSid`.
        chat_service_sid: ChatServiceSid = "ChatServiceSid",
        /// `UserSid`.
        user_sid: UserSid = "UserSid",
        /// `DateCreated`.
        date_created: OffsetDateTime = "DateCreated",
        /// `Identity`.
        identity: Option<String> = "Identity",
        /// `RoleSid`.
        role_sid: Option<RoleSid> = "RoleSid",
        /// `Attributes`.
        attributes: Attributes = "Attributes",
        /// `FriendlyName`.
        friendly_name: Option<String> = "FriendlyName",
    }

    /// `onUserUpdated` (post-action): a user changed, including going on- or offline.
    OnUserUpdated = "onUserUpdated" {
        /// `ChatServiceSid`.
        chat_service_sid: ChatServiceSid = "ChatServiceSid",
        /// `UserSid`.
        user_sid: UserSid = "UserSid",
        /// `DateCreated`.
        date_created: OffsetDateTime = "DateCreated",
        /// `DateUpdated`.
        date_updated: Option<OffsetDateTime> = "DateUpdated",
        /// `Identity`.
        identity: Option<String> = "Identity",
        /// `RoleSid`.
        role_sid: Option<RoleSid> = "RoleSid",
        /// `Attributes`.
        attributes: Attributes = "Attributes",
        /// `FriendlyName`.
        friendly_name: Option<String> = "FriendlyName",
        /// `isOnline`: whether the user is connected to the service.
        is_online: Option<bool> = "isOnline",
        /// `isNotifiable`: whether the user has a push registration that may work.
        is_notifiable: Option<bool> = "isNotifiable",
    }
}
