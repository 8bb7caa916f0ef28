//! `Attributes`: the metadata a customer attaches to conversations, messages, participants and
//! users, sent by Twilio as stringified JSON, and parsed only when a handler reads it.

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use serde::de::{Deserialize, DeserializeOwned, Deserializer};
use serde::ser::{Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::conversations::field::ParamValue;
use crate::conversations::InvalidValue;

/// The `Attributes` of a conversation, message, participant or user.
///
/// Twilio sends them as JSON text. They are kept as that text, as sent, and parsed only when
/// read: a handler that never looks at them pays nothing for them, and text that is not JSON is
/// not an error (it is kept, and reads as no JSON). Read them as:
///
/// - [`get`](Self::get): one top-level field, from the [`json`](Self::json) view;
/// - [`json`](Self::json): the `serde_json::Value`, parsed on the first call and kept;
/// - [`parse`](Self::parse): your own type, straight from the text;
/// - [`as_str`](Self::as_str): the text itself.
///
/// Serialized (in an event's JSON form), they are the JSON value, or a string when the text is
/// not JSON. Two attributes are equal when their JSON values are (`{"a": 1}` equals `{"a":1}`),
/// or, when either is not JSON, their texts.
///
/// ```
/// use serde::Deserialize;
/// use twilio_webhooks::conversations::Attributes;
///
/// let attributes = Attributes::from_text(r#"{"priority": "high", "order": 1042}"#);
/// assert_eq!(attributes.get("priority").and_then(|p| p.as_str()), Some("high"));
///
/// #[derive(Deserialize)]
/// struct Ticket {
///     order: u32,
/// }
/// let ticket: Ticket = attributes.parse()?;
/// assert_eq!(ticket.order, 1042);
///
/// let not_json = Attributes::from_text("plain words");
/// assert_eq!(not_json.json(), None);
/// assert!(not_json.parse::<serde_json::Value>().is_err());
/// assert_eq!(not_json.as_str(), "plain words");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone)]
pub struct Attributes {
    /// The text as sent.
    text: String,
    /// The text parsed as JSON (`None`: it is not JSON), on the first read.
    parsed: OnceLock<Option<Value>>,
}

impl Attributes {
    /// Attributes holding `text` as sent (JSON text, or anything else). Nothing is parsed
    /// until the attributes are read.
    pub fn from_text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            parsed: OnceLock::new(),
        }
    }

    /// The text as sent.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The attributes as JSON, or `None` when the text is not JSON. Parsed on the first call,
    /// then kept.
    pub fn json(&self) -> Option<&Value> {
        self.parsed
            .get_or_init(|| serde_json::from_str(&self.text).ok())
            .as_ref()
    }

    /// Whether the text is JSON.
    pub fn is_json(&self) -> bool {
        self.json().is_some()
    }

    /// The top-level field `key` of the JSON object, if the attributes are one and have it.
    ///
    /// ```
    /// use twilio_webhooks::conversations::Attributes;
    ///
    /// let attributes = Attributes::from_text(r#"{"vip": true}"#);
    /// assert_eq!(attributes.get("vip"), Some(&serde_json::Value::Bool(true)));
    /// assert_eq!(attributes.get("missing"), None);
    /// ```
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.json()?.get(key)
    }

    /// The attributes as `T`, deserialized from the text (without building a `Value`).
    ///
    /// # Errors
    ///
    /// The `serde_json` error when the text is not JSON or not a `T`; it says where.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(&self.text)
    }
}

impl Default for Attributes {
    /// An empty JSON object, which is what Twilio sends when nothing was set.
    fn default() -> Self {
        Self::from_text("{}")
    }
}

impl fmt::Debug for Attributes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Attributes").field(&self.text).finish()
    }
}

impl PartialEq for Attributes {
    fn eq(&self, other: &Self) -> bool {
        if self.text == other.text {
            return true;
        }
        match (self.json(), other.json()) {
            (Some(mine), Some(theirs)) => mine == theirs,
            _ => false,
        }
    }
}

/// The attributes as Twilio expects them back: the text.
impl fmt::Display for Attributes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Attributes holding `value` (as compact JSON text).
impl From<Value> for Attributes {
    fn from(value: Value) -> Self {
        Self {
            text: value.to_string(),
            parsed: OnceLock::from(Some(value)),
        }
    }
}

impl Serialize for Attributes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.json() {
            Some(value) => value.serialize(serializer),
            None => serializer.serialize_str(&self.text),
        }
    }
}

/// Reads attributes given as a JSON value (Event Streams sends an object), kept as its JSON
/// text, or as a JSON string holding the text (as [`from_text`](Attributes::from_text)).
/// Nothing is parsed into a `Value` until the attributes are read. Reads from `serde_json`
/// (text or a `Value`).
///
/// ```
/// use twilio_webhooks::conversations::Attributes;
///
/// let object: Attributes = serde_json::from_str(r#"{"priority":"high"}"#)?;
/// let text: Attributes = serde_json::from_str(r#""{\"priority\":\"high\"}""#)?;
/// assert_eq!(object, text);
/// assert_eq!(object.as_str(), r#"{"priority":"high"}"#);
/// assert_eq!(object.get("priority").and_then(|p| p.as_str()), Some("high"));
/// # Ok::<(), serde_json::Error>(())
/// ```
impl<'de> Deserialize<'de> for Attributes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        if raw.get().starts_with('"') {
            let text: String = serde_json::from_str(raw.get()).map_err(serde::de::Error::custom)?;
            return Ok(Self::from_text(text));
        }
        Ok(Self::from_text(String::from(Box::<str>::from(raw))))
    }
}

impl ParamValue for Attributes {
    /// The text, unparsed.
    fn from_param(value: &str) -> Result<Self, InvalidValue> {
        Ok(Self::from_text(value))
    }

    /// The text as sent (or, for attributes made from a `Value`, its compact JSON).
    fn to_param(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn equality_is_by_json_value_then_text() {
        assert_eq!(
            Attributes::from_text(r#"{"a": 1, "b": [true]}"#),
            Attributes::from(json!({"b": [true], "a": 1}))
        );
        assert_ne!(Attributes::from_text("{}"), Attributes::from_text("[]"));
        assert_eq!(
            Attributes::from_text("not json"),
            Attributes::from_text("not json")
        );
        assert_ne!(
            Attributes::from_text("not json"),
            Attributes::from_text("not  json")
        );
        assert_eq!(Attributes::default(), Attributes::from(json!({})));
    }

    #[test]
    fn reads_from_a_value_and_serializes_as_json() {
        let from_value: Attributes = serde_json::from_value(json!({"topic": "support"})).unwrap();
        assert_eq!(from_value.as_str(), r#"{"topic":"support"}"#);
        let from_string: Attributes = serde_json::from_value(json!("plain")).unwrap();
        assert_eq!(from_string.as_str(), "plain");
        assert_eq!(serde_json::to_value(&from_string).unwrap(), json!("plain"));
        assert_eq!(
            serde_json::to_value(&from_value).unwrap(),
            json!({"topic": "support"})
        );
    }

    #[test]
    fn debug_shows_the_text() {
        assert_eq!(
            format!("{:?}", Attributes::from_text(r#"{"a":1}"#)),
            r#"Attributes("{\"a\":1}")"#
        );
    }
}
