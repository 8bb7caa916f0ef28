//! `Attributes`: the metadata a customer attaches to conversations, messages, participants and
//! users, sent by Twilio as stringified JSON.

use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};

use crate::conversations::field::ParamValue;
use crate::conversations::InvalidValue;

/// The `Attributes` of a conversation, message, participant or user.
///
/// Twilio sends them as a JSON string; they are parsed, and kept as text where the text is not
/// JSON, so nothing is lost. In an event's JSON form they appear as the parsed value (or the text).
///
/// ```
/// use twilio_webhooks::conversations::Attributes;
///
/// let attributes = Attributes::from_text(r#"{"priority": "high"}"#);
/// assert_eq!(attributes.json().and_then(|a| a["priority"].as_str()), Some("high"));
///
/// let not_json = Attributes::from_text("plain words");
/// assert_eq!(not_json.json(), None);
/// assert_eq!(not_json.to_string(), "plain words");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Attributes {
    /// Attributes that parsed as JSON.
    Json(serde_json::Value),
    /// Attributes that are not valid JSON, as sent.
    Text(String),
}

impl Attributes {
    /// Parses attribute text, keeping it as text when it is not JSON.
    pub fn from_text(text: &str) -> Self {
        match serde_json::from_str(text) {
            Ok(value) => Self::Json(value),
            Err(_) => Self::Text(text.to_owned()),
        }
    }

    /// The parsed JSON, if the attributes were JSON.
    pub fn json(&self) -> Option<&serde_json::Value> {
        match self {
            Self::Json(value) => Some(value),
            Self::Text(_) => None,
        }
    }
}

impl Default for Attributes {
    /// An empty JSON object, which is what Twilio sends when nothing was set.
    fn default() -> Self {
        Self::Json(serde_json::Value::Object(serde_json::Map::new()))
    }
}

/// The attributes as Twilio expects them back: JSON text (or the original text).
impl std::fmt::Display for Attributes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Json(value) => write!(f, "{value}"),
            Self::Text(text) => f.write_str(text),
        }
    }
}

impl From<serde_json::Value> for Attributes {
    fn from(value: serde_json::Value) -> Self {
        Self::Json(value)
    }
}

impl Serialize for Attributes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Json(value) => value.serialize(serializer),
            Self::Text(text) => serializer.serialize_str(text),
        }
    }
}

/// Reads attributes given as a JSON value (Event Streams sends an object) or as a JSON string
/// holding JSON text (parsed, and kept as text when it is not JSON, as [`from_text`] does).
///
/// [`from_text`]: Attributes::from_text
///
/// ```
/// use twilio_webhooks::conversations::Attributes;
///
/// let object: Attributes = serde_json::from_str(r#"{"priority":"high"}"#)?;
/// let text: Attributes = serde_json::from_str(r#""{\"priority\":\"high\"}""#)?;
/// assert_eq!(object, text);
/// assert_eq!(object.json().and_then(|a| a["priority"].as_str()), Some("high"));
/// # Ok::<(), serde_json::Error>(())
/// ```
impl<'de> Deserialize<'de> for Attributes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(text) => Self::from_text(&text),
            value => Self::Json(value),
        })
    }
}

impl ParamValue for Attributes {
    fn from_param(value: &str) -> Result<Self, InvalidValue> {
        Ok(Self::from_text(value))
    }

    /// JSON text (compact), or the original text.
    fn to_param(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Self::Json(value) => std::borrow::Cow::Owned(value.to_string()),
            Self::Text(text) => std::borrow::Cow::Borrowed(text),
        }
    }
}
