//! `MessagingBinding.*`: how a participant or conversation creator is reached on SMS, MMS or
//! WhatsApp.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::conversations::BindingType;

/// The `MessagingBinding.*` parameters of conversation and participant events.
///
/// A group-MMS conversation created automatically sends `MessagingBinding.Address` once per
/// address: all of them are in [`addresses`](Self::addresses).
///
/// ```
/// use twilio_webhooks::{Event, PreActionEvent};
///
/// let body = "EventType=onConversationAdd&AccountSid=AC0123456789abcdef0123456789abcdef\
///     &Source=API&UniqueName=u&Attributes=%7B%7D\
///     &ChatServiceSid=IS0123456789abcdef0123456789abcdef\
///     &MessagingServiceSid=MG0123456789abcdef0123456789abcdef&State=active\
///     &MessagingBinding.Address=%2B15550001&MessagingBinding.Address=%2B15550002";
/// let Event::PreAction(PreActionEvent::OnConversationAdd(event)) = Event::from_form(body.as_bytes())? else {
///     unreachable!()
/// };
/// let binding = event.messaging_binding.unwrap();
/// assert_eq!(binding.addresses, ["+15550001", "+15550002"]);
/// assert_eq!(binding.address(), Some("+15550001"));
/// # Ok::<(), twilio_webhooks::ParseError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MessagingBinding {
    /// `MessagingBinding.Address`: the participant's own address(es), in the order sent.
    pub addresses: Vec<String>,
    /// `MessagingBinding.ProxyAddress`: the Twilio number the participant talks to.
    pub proxy_address: Option<String>,
    /// `MessagingBinding.ProjectedAddress`: the Twilio number a chat participant appears as in
    /// group MMS.
    pub projected_address: Option<String>,
    /// `MessagingBinding.AuthorAddress`: the author's number when a group MMS auto-creates a
    /// conversation.
    pub author_address: Option<String>,
    /// `MessagingBinding.Type`: SMS, CHAT or WHATSAPP.
    pub binding_type: Option<BindingType>,
    /// Other keys of a JSON binding (Event Streams sends, for example, `Level` and `Name` for
    /// email participants), as received; always empty for a form webhook.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl MessagingBinding {
    /// The prefix every binding parameter's name starts with.
    pub const PREFIX: &'static str = "MessagingBinding.";

    /// The first (usually only) `MessagingBinding.Address`.
    pub fn address(&self) -> Option<&str> {
        self.addresses.first().map(String::as_str)
    }

    /// Appends the binding's parameters (`MessagingBinding.Address` once per address, then
    /// `ProxyAddress`, `ProjectedAddress`, `AuthorAddress`, `Type` when present). `extra`, which
    /// only a JSON binding has, is not written: a form webhook has no place for it.
    pub(crate) fn write_params(&self, params: &mut crate::params::Params) {
        let name = |key: &str| format!("{}{key}", Self::PREFIX);
        for address in &self.addresses {
            params.push(&name("Address"), address);
        }
        let parts = [
            ("ProxyAddress", self.proxy_address.as_deref()),
            ("ProjectedAddress", self.projected_address.as_deref()),
            ("AuthorAddress", self.author_address.as_deref()),
            ("Type", self.binding_type.as_ref().map(BindingType::as_str)),
        ];
        for (key, value) in parts {
            if let Some(value) = value {
                params.push(&name(key), value);
            }
        }
    }

    /// Takes one parameter if it belongs to the binding; returns whether it did.
    ///
    /// An empty value is Twilio's null: it is taken but creates no binding, so a body whose
    /// binding parameters are all empty has no binding at all. A repeat of a single-valued
    /// parameter is not taken (it goes to the event's `extra`).
    pub(crate) fn accept(slot: &mut Option<Self>, name: &str, value: &str) -> bool {
        let Some(key) = name.strip_prefix(Self::PREFIX) else {
            return false;
        };
        match key {
            "Address" => {
                if !value.is_empty() {
                    let binding = slot.get_or_insert_with(Self::default);
                    binding.addresses.push(value.to_owned());
                }
                true
            }
            "ProxyAddress" => set_once(slot, value, |b| &mut b.proxy_address, str::to_owned),
            "ProjectedAddress" => {
                set_once(slot, value, |b| &mut b.projected_address, str::to_owned)
            }
            "AuthorAddress" => set_once(slot, value, |b| &mut b.author_address, str::to_owned),
            "Type" => set_once(
                slot,
                value,
                |b| &mut b.binding_type,
                |value| {
                    let Ok(kind) = value.parse();
                    kind
                },
            ),
            _ => false,
        }
    }
}

/// Sets one single-valued part of the binding from a non-empty `value`; `false` when that part
/// was already set.
fn set_once<T>(
    slot: &mut Option<MessagingBinding>,
    value: &str,
    part: fn(&mut MessagingBinding) -> &mut Option<T>,
    convert: fn(&str) -> T,
) -> bool {
    if value.is_empty() {
        return true;
    }
    let part = part(slot.get_or_insert_with(MessagingBinding::default));
    if part.is_some() {
        return false;
    }
    *part = Some(convert(value));
    true
}

/// The JSON form mirrors Twilio's REST `messaging_binding`: `address` is a string, or an array
/// when several were sent; absent parts are left out.
impl Serialize for MessagingBinding {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        match self.addresses.as_slice() {
            [] => {}
            [one] => map.serialize_entry("address", one)?,
            many => map.serialize_entry("address", many)?,
        }
        if let Some(value) = &self.proxy_address {
            map.serialize_entry("proxy_address", value)?;
        }
        if let Some(value) = &self.projected_address {
            map.serialize_entry("projected_address", value)?;
        }
        if let Some(value) = &self.author_address {
            map.serialize_entry("author_address", value)?;
        }
        if let Some(value) = &self.binding_type {
            map.serialize_entry("type", value)?;
        }
        crate::streams::data::serialize_extra(
            &self.extra,
            &[
                "address",
                "proxy_address",
                "projected_address",
                "author_address",
                "type",
            ],
            &mut map,
        )?;
        map.end()
    }
}

/// Reads the nested JSON object Event Streams sends (`{"Address": …, "ProxyAddress": …,
/// "Type": …}`), or the JSON form above (`address`, `proxy_address`, …). `Address` may be a
/// string or an array of strings; `null` values are absent; other keys go to `extra`.
///
/// ```
/// use twilio_webhooks::conversations::{BindingType, MessagingBinding};
///
/// let binding: MessagingBinding = serde_json::from_str(
///     r#"{"Address":"+15550001","ProxyAddress":"+15550002","Type":"SMS","Level":"to"}"#,
/// )?;
/// assert_eq!(binding.address(), Some("+15550001"));
/// assert_eq!(binding.binding_type, Some(BindingType::Sms));
/// assert_eq!(binding.extra["Level"], "to");
/// # Ok::<(), serde_json::Error>(())
/// ```
impl<'de> Deserialize<'de> for MessagingBinding {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(BindingVisitor)
    }
}

/// One or several addresses.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Addresses {
    One(String),
    Many(Vec<String>),
}

struct BindingVisitor;

impl<'de> Visitor<'de> for BindingVisitor {
    type Value = MessagingBinding;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a messaging binding object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<MessagingBinding, A::Error> {
        fn once<T, E: de::Error>(
            slot: &mut Option<T>,
            value: Option<T>,
            name: &'static str,
        ) -> Result<(), E> {
            if slot.is_some() {
                return Err(E::duplicate_field(name));
            }
            *slot = value;
            Ok(())
        }
        let mut binding = MessagingBinding::default();
        let mut addresses = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "Address" | "address" => {
                    if addresses.is_some() {
                        return Err(de::Error::duplicate_field("Address"));
                    }
                    addresses = Some(map.next_value::<Option<Addresses>>()?);
                }
                "ProxyAddress" | "proxy_address" => {
                    once(
                        &mut binding.proxy_address,
                        map.next_value()?,
                        "ProxyAddress",
                    )?;
                }
                "ProjectedAddress" | "projected_address" => {
                    once(
                        &mut binding.projected_address,
                        map.next_value()?,
                        "ProjectedAddress",
                    )?;
                }
                "AuthorAddress" | "author_address" => {
                    once(
                        &mut binding.author_address,
                        map.next_value()?,
                        "AuthorAddress",
                    )?;
                }
                "Type" | "type" => {
                    let text: Option<String> = map.next_value()?;
                    let kind = text.map(|text| {
                        let Ok(kind) = text.parse::<BindingType>();
                        kind
                    });
                    once(&mut binding.binding_type, kind, "Type")?;
                }
                _ => {
                    let value = map.next_value()?;
                    binding.extra.insert(key, value);
                }
            }
        }
        binding.addresses = match addresses.flatten() {
            None => Vec::new(),
            Some(Addresses::One(address)) => vec![address],
            Some(Addresses::Many(addresses)) => addresses,
        };
        Ok(binding)
    }
}
