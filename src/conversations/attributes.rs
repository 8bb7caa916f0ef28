//! `Attributes`: the metadata a customer attaches to conversations, messages, participants and
//! users, sent by Twilio as stringified JSON, and parsed only when a handler reads it.

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use serde::de::{self, Deserialize, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, Serializer};
use serde_json::{Map, Value};

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

/// The JSON value; the text as a string when it is not JSON, or when it is a JSON string (so that
/// reading it back gives the same text).
impl Serialize for Attributes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.json() {
            Some(Value::String(_)) | None => serializer.serialize_str(&self.text),
            Some(value) => value.serialize(serializer),
        }
    }
}

/// Reads attributes given as a JSON value (Event Streams sends an object), kept as its JSON
/// text, or as a JSON string holding the text (as [`from_text`](Attributes::from_text)).
///
/// From `serde_json` (text or a `Value`) the value's text is taken as it is, without building a
/// `Value`; other deserializers (other formats, or serde's buffering for untagged enums and
/// flattened fields) give a value that is then written as compact JSON.
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
        // serde_json answers a request for this newtype with the value's raw text (its
        // `RawValue` protocol); any other deserializer reads the value itself.
        deserializer.deserialize_newtype_struct(RAW_VALUE, AttributesVisitor)
    }
}

/// The name under which `serde_json` hands out a value's raw text (`serde_json::value::RawValue`
/// asks for it). Should it ever change, serde_json reads the value like any other deserializer.
const RAW_VALUE: &str = "$serde_json::private::RawValue";

struct AttributesVisitor;

impl AttributesVisitor {
    /// Attributes from a JSON value's raw text: a JSON string gives the text it holds.
    fn from_raw<E: de::Error>(raw: String) -> Result<Attributes, E> {
        if raw.starts_with('"') {
            let text: String = serde_json::from_str(&raw).map_err(E::custom)?;
            return Ok(Attributes::from_text(text));
        }
        Ok(Attributes::from_text(raw))
    }

    fn from_value(value: Value) -> Attributes {
        match value {
            Value::String(text) => Attributes::from_text(text),
            value => Attributes::from(value),
        }
    }
}

impl<'de> Visitor<'de> for AttributesVisitor {
    type Value = Attributes;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("attributes: a JSON value, or a string holding JSON text")
    }

    /// serde_json's raw text, or (from a deserializer that reads a map here) an object.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Attributes, A::Error> {
        let Some(key) = map.next_key::<String>()? else {
            return Ok(Attributes::from(Value::Object(Map::new())));
        };
        if key == RAW_VALUE {
            return Self::from_raw(map.next_value::<String>()?);
        }
        let mut object = Map::new();
        object.insert(key, map.next_value()?);
        while let Some((key, value)) = map.next_entry()? {
            object.insert(key, value);
        }
        Ok(Attributes::from(Value::Object(object)))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, inner: D) -> Result<Attributes, D::Error> {
        Value::deserialize(inner).map(Self::from_value)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Attributes, E> {
        Ok(Attributes::from_text(text))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Attributes, E> {
        Ok(Attributes::from_text(text))
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
    fn reads_through_serdes_buffering() {
        // Untagged enums buffer the input: the raw text is not offered there.
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Either {
            Attributes { attributes: Attributes },
        }
        let Either::Attributes { attributes } =
            serde_json::from_str(r#"{"attributes": {"vip": true}}"#).unwrap();
        assert_eq!(attributes.as_str(), r#"{"vip":true}"#);
        let Either::Attributes { attributes } =
            serde_json::from_str(r#"{"attributes": "not json"}"#).unwrap();
        assert_eq!(attributes.as_str(), "not json");
    }

    #[test]
    fn keeps_its_text_through_serialization() {
        for text in [r#""vip""#, "not json", r#"{"a": [1, 2.5]}"#, "[]", "7"] {
            let attributes = Attributes::from_text(text);
            let json = serde_json::to_string(&attributes).unwrap();
            let back: Attributes = serde_json::from_str(&json).unwrap();
            assert_eq!(back, attributes, "{text}");
            let value: Attributes =
                serde_json::from_value(serde_json::to_value(&attributes).unwrap()).unwrap();
            assert_eq!(value, attributes, "{text}");
        }
    }

    #[test]
    fn debug_shows_the_text() {
        assert_eq!(
            format!("{:?}", Attributes::from_text(r#"{"a":1}"#)),
            r#"Attributes("{\"a\":1}")"#
        );
    }
}
