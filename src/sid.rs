//! Typed Twilio SIDs: one type per resource prefix.
//!
//! A SID is two upper-case letters naming the resource followed by 32 hexadecimal digits. Each type
//! here accepts only its own prefix, so a participant SID can never be passed where a conversation
//! SID is expected. SIDs are stored inline (no allocation): cloning is a copy.
//!
//! ```
//! use twilio_webhooks::sid::{ConversationSid, MessageSid};
//!
//! let sid: ConversationSid = "CH0123456789abcdef0123456789abcdef".parse()?;
//! assert_eq!(sid.to_string(), "CH0123456789abcdef0123456789abcdef");
//! assert!("IM0123456789abcdef0123456789abcdef".parse::<ConversationSid>().is_err());
//! assert!("IM0123456789abcdef0123456789abcdef".parse::<MessageSid>().is_ok());
//! # Ok::<(), twilio_webhooks::sid::SidError>(())
//! ```

use std::fmt;
use std::str::FromStr;

/// The number of characters in every SID: two prefix letters and 32 hex digits.
pub const SID_LEN: usize = 34;

/// Why a string is not a SID of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected {expected} (two letters and 32 hex digits), got {}", crate::excerpt::Quoted(.got))]
pub struct SidError {
    /// What was expected, e.g. `a SID starting with CH`.
    pub expected: &'static str,
    /// The rejected input.
    pub got: String,
}

/// What every typed SID offers, for code generic over SID kinds.
///
/// ```
/// use twilio_webhooks::sid::{Sid, UserSid};
///
/// fn describe<S: Sid>(sid: &S) -> String {
///     format!("{} ({})", sid.as_str(), S::PREFIX)
/// }
/// let user: UserSid = "US0123456789abcdef0123456789abcdef".parse().unwrap();
/// assert_eq!(describe(&user), "US0123456789abcdef0123456789abcdef (US)");
/// ```
pub trait Sid: Copy + Eq + Ord + std::hash::Hash + fmt::Display + FromStr<Err = SidError> {
    /// The two-letter prefix of this kind of SID.
    const PREFIX: &'static str;

    /// The SID as text.
    fn as_str(&self) -> &str;
}

/// Checks the shape `XXhhhh…` (two ASCII upper-case letters, 32 hex digits) and copies it.
fn parse_sid_bytes(s: &str, prefix: Option<&str>) -> Option<[u8; SID_LEN]> {
    let bytes: [u8; SID_LEN] = s.as_bytes().try_into().ok()?;
    let prefix_ok = match prefix {
        Some(prefix) => bytes[..2] == *prefix.as_bytes(),
        None => bytes[..2].iter().all(u8::is_ascii_uppercase),
    };
    (prefix_ok && bytes[2..].iter().all(u8::is_ascii_hexdigit)).then_some(bytes)
}

fn sid_str(bytes: &[u8; SID_LEN]) -> &str {
    std::str::from_utf8(bytes).expect("a SID holds ASCII only: checked when it was parsed")
}

/// Reads a SID from the deserializer's text in place, without copying it first; the text is
/// what the SID type expects.
struct SidVisitor<T>(&'static str, std::marker::PhantomData<T>);

impl<T: FromStr<Err = SidError>> serde::de::Visitor<'_> for SidVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<T, E> {
        text.parse().map_err(E::custom)
    }
}

/// The text side of a SID type over `[u8; SID_LEN]`: parsing (with `$prefix`, or `None` for any
/// two letters; `$expected` says what was wanted), showing, comparing with text, serde.
macro_rules! sid_text {
    ($name:ident, $prefix:expr, $expected:expr) => {
        impl $name {
            /// The SID as text.
            pub fn as_str(&self) -> &str {
                sid_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = SidError;

            fn from_str(s: &str) -> Result<Self, SidError> {
                parse_sid_bytes(s, $prefix)
                    .map(Self)
                    .ok_or_else(|| SidError {
                        expected: $expected,
                        got: s.to_owned(),
                    })
            }
        }

        impl TryFrom<&str> for $name {
            type Error = SidError;

            fn try_from(s: &str) -> Result<Self, SidError> {
                s.parse()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.as_str())
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str(SidVisitor($expected, std::marker::PhantomData))
            }
        }

        impl crate::conversations::field::ParamValue for $name {
            fn from_param(value: &str) -> Result<Self, crate::conversations::InvalidValue> {
                value
                    .parse()
                    .map_err(crate::conversations::InvalidValue::Sid)
            }

            fn to_param(&self) -> std::borrow::Cow<'_, str> {
                std::borrow::Cow::Borrowed(self.as_str())
            }
        }
    };
}

macro_rules! sids {
    ($( $(#[$meta:meta])* $name:ident = $prefix:literal, )*) => {$(
        $(#[$meta])*
        ///
        #[doc = concat!("Accepts `", $prefix, "` followed by 32 hex digits.")]
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name([u8; SID_LEN]);

        impl $name {
            #[doc = concat!("The prefix of every `", stringify!($name), "`: `", $prefix, "`.")]
            pub const PREFIX: &'static str = $prefix;
        }

        impl Sid for $name {
            const PREFIX: &'static str = $prefix;

            fn as_str(&self) -> &str {
                sid_str(&self.0)
            }
        }

        sid_text!($name, Some($prefix), concat!("a SID starting with ", $prefix));
    )*};
}

sids! {
    /// An account (`AccountSid`).
    AccountSid = "AC",
    /// A conversation (`ConversationSid`).
    ConversationSid = "CH",
    /// A Conversation Service (`ChatServiceSid`).
    ChatServiceSid = "IS",
    /// A Messaging Service (`MessagingServiceSid`).
    MessagingServiceSid = "MG",
    /// A conversation message (`MessageSid`).
    MessageSid = "IM",
    /// A conversation participant (`ParticipantSid`).
    ParticipantSid = "MB",
    /// A Conversations user (`UserSid`).
    UserSid = "US",
    /// A role (`RoleSid`).
    RoleSid = "RL",
    /// A delivery receipt (`DeliveryReceiptSid`).
    DeliveryReceiptSid = "DY",
    /// A media item attached to a message.
    MediaSid = "ME",
    /// A conversation-scoped webhook.
    WebhookSid = "WH",
    /// A Studio flow.
    FlowSid = "FW",
    /// A Studio flow execution.
    ExecutionSid = "FN",
    /// A voice call.
    CallSid = "CA",
    /// A Programmable Messaging SMS message.
    SmsMessageSid = "SM",
    /// A Programmable Messaging MMS message.
    MmsMessageSid = "MM",
    /// A push credential.
    CredentialSid = "CR",
    /// An address configuration.
    AddressConfigurationSid = "IG",
    /// A Conversations binding (push registration).
    BindingSid = "BS",
    /// A step of a Studio flow execution (`step_sid`).
    StepSid = "FT",
    /// A Content API template (`ContentSid`).
    ContentSid = "HX",
    /// An API key (`SK…`), for the Studio client's credentials.
    ApiKeySid = "SK",
    /// A Conversations configuration address's integration (a Flex Flow, `FO…`).
    FlexFlowSid = "FO",
}

/// The SID of the message on the underlying channel (`ChannelMessageSid`): `SM…` for SMS, `MM…`
/// for MMS, `WA…`/`SM…` for WhatsApp and others, so any two-letter prefix is accepted.
///
/// ```
/// use twilio_webhooks::sid::ChannelMessageSid;
///
/// let sid: ChannelMessageSid = "SM0123456789abcdef0123456789abcdef".parse()?;
/// assert_eq!(sid.prefix(), "SM");
/// # Ok::<(), twilio_webhooks::sid::SidError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ChannelMessageSid([u8; SID_LEN]);

impl ChannelMessageSid {
    /// The two-letter prefix naming the channel's resource.
    pub fn prefix(&self) -> &str {
        // Every SID is two ASCII letters and 32 hex digits, so the first two bytes are a `str`.
        &self.as_str()[..2]
    }
}

sid_text!(ChannelMessageSid, None, "a channel message SID");

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "0123456789abcdef0123456789ABCDEF";

    #[test]
    fn channel_message_sids_have_the_same_text_side_as_the_others() {
        let text = format!("WA{HEX}");
        let sid: ChannelMessageSid = serde_json::from_str(&format!("\"{text}\"")).unwrap();
        assert_eq!(sid, text.as_str());
        assert_eq!(sid.as_ref(), text);
        assert_eq!(ChannelMessageSid::try_from(text.as_str()), Ok(sid));
        let err = serde_json::from_str::<ChannelMessageSid>("\"nope\"").unwrap_err();
        assert!(err.to_string().contains("a channel message SID"), "{err}");
    }

    #[test]
    fn accepts_own_prefix_only() {
        let text = format!("CH{HEX}");
        let sid: ConversationSid = text.parse().unwrap();
        assert_eq!(sid.as_str(), text);
        assert_eq!(sid, text.as_str());
        let err = format!("MB{HEX}").parse::<ConversationSid>().unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "expected a SID starting with CH (two letters and 32 hex digits), got \"MB{HEX}\""
            )
        );
    }

    #[test]
    fn rejects_wrong_length_and_non_hex() {
        assert!(format!("CH{HEX}0").parse::<ConversationSid>().is_err());
        assert!("CH0123".parse::<ConversationSid>().is_err());
        assert!(format!("CH{}", "g".repeat(32))
            .parse::<ConversationSid>()
            .is_err());
        assert!("".parse::<ConversationSid>().is_err());
        // 34 bytes, but a multi-byte character inside.
        assert!(format!("CHé{}", &HEX[..30])
            .parse::<ConversationSid>()
            .is_err());
    }

    #[test]
    fn serde_round_trip() {
        let sid: UserSid = format!("US{HEX}").parse().unwrap();
        let json = serde_json::to_string(&sid).unwrap();
        assert_eq!(json, format!("\"US{HEX}\""));
        assert_eq!(serde_json::from_str::<UserSid>(&json).unwrap(), sid);
        assert!(serde_json::from_str::<UserSid>("\"RL1\"").is_err());
    }

    #[test]
    fn channel_message_sid_accepts_any_prefix() {
        for prefix in ["SM", "MM", "WA"] {
            let sid: ChannelMessageSid = format!("{prefix}{HEX}").parse().unwrap();
            assert_eq!(sid.prefix(), prefix);
        }
        assert!(format!("s1{HEX}").parse::<ChannelMessageSid>().is_err());
    }
}
