//! `MessagingBinding.*`: how a participant or conversation creator is reached on SMS, MMS or
//! WhatsApp.

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
}

impl MessagingBinding {
    /// The prefix every binding parameter's name starts with.
    pub const PREFIX: &'static str = "MessagingBinding.";

    /// The first (usually only) `MessagingBinding.Address`.
    pub fn address(&self) -> Option<&str> {
        self.addresses.first().map(String::as_str)
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
        map.end()
    }
}
