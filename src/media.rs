//! `Media`: the files attached to a message, sent by Twilio as a JSON array.

use serde::{Deserialize, Serialize, Serializer};

use crate::error::InvalidValue;
use crate::sid::MediaSid;
use crate::value::ParamValue;

/// One media item attached to a message.
///
/// Twilio's webhook spells the keys `Sid`, `ContentType`, `Filename`, `Size`; the REST API spells
/// them `sid`, `content_type`, `filename`, `size`. Both are read; the JSON form uses the REST
/// spelling. Keys this library does not know are kept in `extra`.
///
/// ```
/// use twilio_webhooks::media::Media;
///
/// let items: Vec<Media> = serde_json::from_str(
///     r#"[{"Sid":"ME0123456789abcdef0123456789abcdef","ContentType":"image/png","Filename":"a.png","Size":42}]"#,
/// )?;
/// assert_eq!(items[0].content_type.as_deref(), Some("image/png"));
/// assert_eq!(items[0].size, Some(42));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Media {
    /// The media resource (`ME…`).
    #[serde(alias = "Sid")]
    pub sid: MediaSid,
    /// MIME type, e.g. `image/jpeg`.
    #[serde(alias = "ContentType", default)]
    pub content_type: Option<String>,
    /// The file name.
    #[serde(alias = "Filename", default)]
    pub filename: Option<String>,
    /// Size in bytes.
    #[serde(alias = "Size", default)]
    pub size: Option<u64>,
    /// Any other keys, as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl ParamValue for Vec<Media> {
    fn from_param(value: &str) -> Result<Self, InvalidValue> {
        serde_json::from_str(value).map_err(|err| InvalidValue::Media {
            reason: err.to_string(),
            got: value.to_owned(),
        })
    }

    fn serialize_value<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.serialize(serializer)
    }
}
