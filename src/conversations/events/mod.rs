//! One struct per Conversations webhook, named after Twilio's `EventType`.
//!
//! Pre-action events (`OnMessageAdd`, …) arrive before a change is published and are answered with a
//! [`Decision`](crate::Decision); post-action events (`OnMessageAdded`, …) arrive after it and are
//! only acknowledged. Every struct carries the parameters common to all webhooks (`account_sid`,
//! `source`, `client_identity`, `retry_count`), the parameters of its event as typed fields, and
//! any parameter this library does not know in `extra`.
//!
//! ```
//! use twilio_webhooks::conversations::OnMessageAdded;
//! use twilio_webhooks::ConversationsEvent;
//!
//! let body = "EventType=onMessageAdded&AccountSid=AC0123456789abcdef0123456789abcdef&Source=SDK\
//!     &ConversationSid=CH0123456789abcdef0123456789abcdef\
//!     &MessageSid=IM0123456789abcdef0123456789abcdef\
//!     &MessagingServiceSid=MG0123456789abcdef0123456789abcdef&Index=7\
//!     &DateCreated=2026-11-20T10%3A00%3A00Z&Body=hi&Author=alice&Attributes=%7B%7D\
//!     &NewParameter=kept";
//! let event = OnMessageAdded::from_form(body.as_bytes())?;
//! assert_eq!(event.index, 7);
//! assert_eq!(event.extra.get("NewParameter"), Some("kept"));
//! assert_eq!(serde_json::to_value(&event).unwrap()["event_type"], "onMessageAdded");
//! # Ok::<(), twilio_webhooks::ParseError>(())
//! ```

use serde::ser::SerializeMap;

use crate::conversations::field::{AsJson, Field};
use crate::conversations::ParseError;
use crate::conversations::Source;
use crate::params::Params;
use crate::sid::AccountSid;

mod conversation;
mod delivery;
mod message;
mod participant;
mod user;

pub use conversation::*;
pub use delivery::*;
pub use message::*;
pub use participant::*;
pub use user::*;

/// The parameters every webhook carries, collected while an event is parsed.
#[derive(Default)]
pub(crate) struct CommonSlots<'p> {
    event_type: Option<&'p str>,
    event_types: usize,
    account_sid: Option<&'p str>,
    source: Option<&'p str>,
    client_identity: Option<&'p str>,
    retry_count: Option<&'p str>,
}

/// The common parameters, converted.
pub(crate) struct Common {
    pub(crate) account_sid: AccountSid,
    pub(crate) source: Source,
    pub(crate) client_identity: Option<String>,
    pub(crate) retry_count: Option<u32>,
}

impl<'p> CommonSlots<'p> {
    /// Takes a common parameter; returns whether `name` was one (a repeat is left for `extra`).
    pub(crate) fn accept(&mut self, name: &str, value: &'p str) -> bool {
        let slot = match name {
            "EventType" => {
                self.event_types += 1;
                self.event_type.get_or_insert(value);
                return true;
            }
            "AccountSid" => &mut self.account_sid,
            "Source" => &mut self.source,
            "ClientIdentity" => &mut self.client_identity,
            "RetryCount" => &mut self.retry_count,
            _ => return false,
        };
        if slot.is_some() {
            return false;
        }
        *slot = Some(value);
        true
    }

    /// Checks `EventType` (exactly once, and `event`'s) and converts the rest.
    pub(crate) fn finish(self, event: &'static str) -> Result<Common, ParseError> {
        match (self.event_type, self.event_types) {
            (None, _) => return Err(ParseError::MissingEventType),
            (_, count @ 2..) => return Err(ParseError::DuplicateEventType { count }),
            (Some(got), _) if got != event => {
                return Err(ParseError::WrongEventType {
                    expected: event,
                    got: got.to_owned(),
                })
            }
            _ => {}
        }
        Ok(Common {
            account_sid: Field::from_slot(self.account_sid, event, "AccountSid")?,
            source: Field::from_slot(self.source, event, "Source")?,
            client_identity: Field::from_slot(self.client_identity, event, "ClientIdentity")?,
            retry_count: Field::from_slot(self.retry_count, event, "RetryCount")?,
        })
    }
}

/// Writes `event_type` and the common parameters at the head of an event's JSON object.
pub(crate) fn serialize_common<M: SerializeMap>(
    map: &mut M,
    event_type: &str,
    account_sid: &AccountSid,
    source: &Source,
    client_identity: &Option<String>,
    retry_count: &Option<u32>,
) -> Result<(), M::Error> {
    map.serialize_entry("event_type", event_type)?;
    map.serialize_entry("account_sid", account_sid)?;
    map.serialize_entry("source", source)?;
    map.serialize_entry("client_identity", &AsJson(client_identity))?;
    map.serialize_entry("retry_count", &AsJson(retry_count))
}

/// Writes `EventType` and the common parameters at the head of an event's parameter list.
pub(crate) fn write_common(
    params: &mut Params,
    event_type: &str,
    account_sid: &AccountSid,
    source: &Source,
    client_identity: &Option<String>,
    retry_count: &Option<u32>,
    extra: &Params,
) {
    params.push("AccountSid", account_sid.as_str());
    params.push("EventType", event_type);
    params.push("Source", source.as_str());
    client_identity.write_param(params, "ClientIdentity", extra);
    retry_count.write_param(params, "RetryCount", extra);
}

/// Defines event structs: fields, parsing in one pass over the parameters, the parameters back,
/// and the JSON form.
macro_rules! define_events {
    ($(
        $(#[$meta:meta])*
        $name:ident = $event_type:literal {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty = $param:literal, )*
            $( @binding $(#[$bmeta:meta])* $binding:ident, )?
        }
    )*) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct $name {
            /// The account the resource belongs to (`AccountSid`).
            pub account_sid: $crate::sid::AccountSid,
            /// What caused the event: an SDK client or the REST API (`Source`).
            pub source: $crate::conversations::Source,
            /// The identity of the SDK user who acted (`ClientIdentity`); SDK events only.
            pub client_identity: Option<String>,
            /// How many times Twilio has already tried to deliver this webhook (`RetryCount`);
            /// absent on a first delivery.
            pub retry_count: Option<u32>,
            $( $(#[$fmeta])* pub $field: $ty, )*
            $( $(#[$bmeta])* pub $binding: Option<$crate::conversations::MessagingBinding>, )?
            /// Parameters this version of the library does not know, and repeats of known ones,
            /// as sent.
            pub extra: $crate::params::Params,
        }

        impl $crate::conversations::ConversationsEvent for $name {
            const EVENT_TYPE: &'static str = $event_type;

            /// Parses in one pass over the parameters, `EventType` checked on the way.
            fn from_params(params: &$crate::params::Params) -> Result<Self, $crate::conversations::ParseError> {
                let mut common = $crate::conversations::events::CommonSlots::default();
                $( let mut $field: Option<&str> = None; )*
                $( let mut $binding: Option<$crate::conversations::MessagingBinding> = None; )?
                let mut extra = $crate::params::Params::default();
                for (name, value) in params.iter() {
                    match name {
                        $( $param if $field.is_none() => {
                            $field = Some(value);
                            continue;
                        } )*
                        _ => {}
                    }
                    if common.accept(name, value) {
                        continue;
                    }
                    $( if $crate::conversations::MessagingBinding::accept(&mut $binding, name, value) {
                        continue;
                    } )?
                    extra.push(name, value);
                }
                let common = common.finish($event_type)?;
                Ok(Self {
                    account_sid: common.account_sid,
                    source: common.source,
                    client_identity: common.client_identity,
                    retry_count: common.retry_count,
                    $( $field: $crate::conversations::field::Field::from_slot($field, $event_type, $param)?, )*
                    $( $binding, )?
                    extra,
                })
            }

            fn to_params(&self) -> $crate::params::Params {
                let mut params = $crate::params::Params::default();
                $crate::conversations::events::write_common(
                    &mut params,
                    $event_type,
                    &self.account_sid,
                    &self.source,
                    &self.client_identity,
                    &self.retry_count,
                    &self.extra,
                );
                $( $crate::conversations::field::Field::write_param(&self.$field, &mut params, $param, &self.extra); )*
                $( if let Some(binding) = &self.$binding {
                    binding.write_params(&mut params);
                } )?
                for (name, value) in self.extra.iter() {
                    params.push(name, value);
                }
                params
            }

            fn conversation_sid(&self) -> Option<$crate::sid::ConversationSid> {
                $(
                    if let Some(sid) = (&self.$field as &dyn std::any::Any)
                        .downcast_ref::<$crate::sid::ConversationSid>()
                    {
                        return Some(*sid);
                    }
                )*
                None
            }

            fn account_sid(&self) -> &$crate::sid::AccountSid {
                &self.account_sid
            }

            fn retry_count(&self) -> Option<u32> {
                self.retry_count
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut map = serializer.serialize_map(None)?;
                $crate::conversations::events::serialize_common(
                    &mut map,
                    $event_type,
                    &self.account_sid,
                    &self.source,
                    &self.client_identity,
                    &self.retry_count,
                )?;
                $( map.serialize_entry(stringify!($field), &$crate::conversations::field::AsJson(&self.$field))?; )*
                $( map.serialize_entry(stringify!($binding), &self.$binding)?; )?
                if !self.extra.is_empty() {
                    map.serialize_entry("extra", &self.extra)?;
                }
                map.end()
            }
        }
    )*};
}

pub(crate) use define_events;
