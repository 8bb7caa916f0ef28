//! The enumerated values Twilio sends: who acted, which channel, delivery status, conversation
//! state and why it changed.
//!
//! Each enum matches Twilio's spelling without regard to case and keeps any value Twilio adds
//! later in `Other`, so a new value never fails a webhook.
//!
//! ```
//! use twilio_webhooks::conversations::{DeliveryStatus, Source};
//!
//! assert_eq!("SDK".parse::<Source>().unwrap(), Source::Sdk);
//! assert_eq!("seen".parse::<DeliveryStatus>().unwrap(), DeliveryStatus::Other("seen".into()));
//! assert_eq!(DeliveryStatus::Delivered.as_str(), "delivered");
//! ```

macro_rules! twilio_enums {
    ($(
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )* }
    )*) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version of the library does not know, as sent.
            Other(String),
        }

        impl $name {
            /// Twilio's spelling of the value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $text, )*
                    Self::Other(text) => text,
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(s: &str) -> Result<Self, std::convert::Infallible> {
                $( if s.eq_ignore_ascii_case($text) { return Ok(Self::$variant); } )*
                Ok(Self::Other(s.to_owned()))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl crate::conversations::field::ParamValue for $name {
            fn from_param(value: &str) -> Result<Self, crate::conversations::InvalidValue> {
                let Ok(parsed) = value.parse();
                Ok(parsed)
            }

            fn to_param(&self) -> std::borrow::Cow<'_, str> {
                std::borrow::Cow::Borrowed(self.as_str())
            }
        }
    )*};
}

pub(crate) use twilio_enums;

twilio_enums! {
    /// What caused the event (`Source`).
    Source {
        /// A Conversations SDK client (browser, mobile app).
        Sdk = "SDK",
        /// The REST API.
        Api = "API",
    }

    /// The channel of a participant or conversation creator (`MessagingBinding.Type`).
    BindingType {
        /// SMS or MMS.
        Sms = "SMS",
        /// An SDK chat participant.
        Chat = "CHAT",
        /// WhatsApp.
        Whatsapp = "WHATSAPP",
    }

    /// The status in a delivery receipt (`Status` of onDeliveryUpdated).
    DeliveryStatus {
        /// The recipient read the message (WhatsApp).
        Read = "read",
        /// The message could not be sent.
        Failed = "failed",
        /// The carrier confirmed delivery.
        Delivered = "delivered",
        /// The carrier could not deliver the message.
        Undelivered = "undelivered",
        /// The message left Twilio.
        Sent = "sent",
    }

    /// The state of a conversation (`State`, `StateFrom`, `StateTo`).
    ConversationState {
        /// Being set up.
        Initializing = "initializing",
        /// Open for messages.
        Active = "active",
        /// No activity for the inactive timer's period.
        Inactive = "inactive",
        /// Closed; no more messages.
        Closed = "closed",
    }

    /// What moved a conversation to a new state (`Reason` of onConversationStateUpdated).
    StateChangeReason {
        /// A REST API call.
        Api = "API",
        /// The conversation's inactive or closed timer.
        Timer = "TIMER",
        /// An event such as a new message reactivating the conversation.
        Event = "EVENT",
    }
}
