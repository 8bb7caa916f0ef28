//! `Media`: the files attached to a message, sent by Twilio as a JSON array.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::conversations::field::{set_once, ParamValue};
use crate::conversations::InvalidValue;
use crate::sid::MediaSid;

/// One media item attached to a message.
///
/// Twilio's webhook spells the keys `Sid`, `ContentType`, `Filename`, `Size`; the REST API spells
/// them `sid`, `content_type`, `filename`, `size`; Event Streams spells the SID `MediaSid`. All
/// are read; the JSON form uses the REST spelling. Keys this library does not know are kept in
/// `extra`.
///
/// ```
/// use twilio_webhooks::conversations::Media;
///
/// let items: Vec<Media> = serde_json::from_str(
///     r#"[{"Sid":"ME0123456789abcdef0123456789abcdef","ContentType":"image/png","Filename":"a.png","Size":42}]"#,
/// )?;
/// assert_eq!(items[0].content_type.as_deref(), Some("image/png"));
/// assert_eq!(items[0].size, Some(42));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Media {
    /// The media resource (`ME…`).
    pub sid: MediaSid,
    /// MIME type, e.g. `image/jpeg`.
    pub content_type: Option<String>,
    /// The file name.
    pub filename: Option<String>,
    /// Size in bytes.
    pub size: Option<u64>,
    /// Any other keys, as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Read by hand rather than derived: a derived `#[serde(flatten)]` buffers every key and value
/// before sorting them into fields, which made this three times slower than the rest of a
/// message's parameters together. Known keys (either spelling) are matched without allocating.
impl<'de> Deserialize<'de> for Media {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(MediaVisitor)
    }
}

/// A key of a media object: one of the four known fields, or another kept in `extra`.
enum Key {
    Sid,
    ContentType,
    Filename,
    Size,
    Other(String),
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl Visitor<'_> for KeyVisitor {
            type Value = Key;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a media key")
            }

            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
                Ok(match key {
                    "Sid" | "sid" | "MediaSid" => Key::Sid,
                    "ContentType" | "content_type" => Key::ContentType,
                    "Filename" | "filename" => Key::Filename,
                    "Size" | "size" => Key::Size,
                    other => Key::Other(other.to_owned()),
                })
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

struct MediaVisitor;

impl<'de> Visitor<'de> for MediaVisitor {
    type Value = Media;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("struct Media")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Media, A::Error> {
        let mut sid = None;
        let mut content_type = None;
        let mut filename = None;
        let mut size = None;
        let mut extra = serde_json::Map::new();
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Sid => set_once(&mut sid, map.next_value()?, "sid")?,
                Key::ContentType => set_once(&mut content_type, map.next_value()?, "content_type")?,
                Key::Filename => set_once(&mut filename, map.next_value()?, "filename")?,
                Key::Size => set_once(&mut size, map.next_value()?, "size")?,
                Key::Other(name) => {
                    extra.insert(name, map.next_value()?);
                }
            }
        }
        Ok(Media {
            sid: sid.ok_or_else(|| de::Error::missing_field("sid"))?,
            content_type: content_type.flatten(),
            filename: filename.flatten(),
            size: size.flatten(),
            extra,
        })
    }
}

impl ParamValue for Vec<Media> {
    fn from_param(value: &str) -> Result<Self, InvalidValue> {
        serde_json::from_str(value).map_err(|err| InvalidValue::Media {
            reason: err.to_string(),
            got: value.to_owned(),
        })
    }

    /// The JSON array a webhook carries, with the webhook's keys in its order (`Sid`,
    /// `ContentType`, `Filename`, `Size`; absent ones left out), then the other keys as received.
    fn to_param(&self) -> std::borrow::Cow<'_, str> {
        // Writing string keys and JSON values into a `Vec` cannot fail.
        std::borrow::Cow::Owned(serde_json::to_string(&WebhookMedia(self)).unwrap_or_default())
    }
}

/// Media items with the webhook's keys, in the webhook's order.
struct WebhookMedia<'a>(&'a [Media]);

impl Serialize for WebhookMedia<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};

        struct Item<'a>(&'a Media);

        impl Serialize for Item<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let item = self.0;
                let mut map = serializer.serialize_map(None)?;
                map.serialize_entry("Sid", item.sid.as_str())?;
                if let Some(content_type) = &item.content_type {
                    map.serialize_entry("ContentType", content_type)?;
                }
                if let Some(filename) = &item.filename {
                    map.serialize_entry("Filename", filename)?;
                }
                if let Some(size) = &item.size {
                    map.serialize_entry("Size", size)?;
                }
                for (key, value) in &item.extra {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }

        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for item in self.0 {
            seq.serialize_element(&Item(item))?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SID: &str = "ME0123456789abcdef0123456789abcdef";

    #[test]
    fn both_spellings_nulls_and_extra_keys() {
        let items: Vec<Media> = serde_json::from_str(&format!(
            r#"[{{"Sid":"{SID}","ContentType":null,"Size":7,"Category":"media"}},
                {{"sid":"{SID}","content_type":"image/png","filename":"a.png"}}]"#
        ))
        .unwrap();
        assert_eq!(items[0].sid.as_str(), SID);
        assert_eq!(items[0].content_type, None);
        assert_eq!(items[0].size, Some(7));
        assert_eq!(
            items[0].extra.get("Category"),
            Some(&serde_json::json!("media"))
        );
        assert_eq!(items[1].content_type.as_deref(), Some("image/png"));
        assert_eq!(items[1].filename.as_deref(), Some("a.png"));
        assert!(items[1].extra.is_empty());
        // Serialized with the REST spelling, extra keys inline; read back the same.
        let json = serde_json::to_string(&items[0]).unwrap();
        assert_eq!(
            json,
            format!(
                r#"{{"sid":"{SID}","content_type":null,"filename":null,"size":7,"Category":"media"}}"#
            )
        );
        assert_eq!(serde_json::from_str::<Media>(&json).unwrap(), items[0]);
    }

    #[test]
    fn event_streams_spelling() {
        let item: Media = serde_json::from_str(&format!(
            r#"{{"MediaSid":"{SID}","Filename":"x.png","ContentType":"image/png","Size":12232}}"#
        ))
        .unwrap();
        assert_eq!(item.sid.as_str(), SID);
        assert_eq!(item.size, Some(12232));
        assert!(item.extra.is_empty());
    }

    #[test]
    fn written_back_with_the_webhook_keys() {
        let text = format!(
            r#"[{{"sid":"{SID}","content_type":"image/png","Category":"media"}},{{"MediaSid":"{SID}","Size":3}}]"#
        );
        let items = <Vec<Media>>::from_param(&text).unwrap();
        let written = items.to_param();
        assert_eq!(
            written,
            format!(
                r#"[{{"Sid":"{SID}","ContentType":"image/png","Category":"media"}},{{"Sid":"{SID}","Size":3}}]"#
            )
        );
        assert_eq!(<Vec<Media>>::from_param(&written).unwrap(), items);
        assert_eq!(Vec::<Media>::new().to_param(), "[]");
    }

    #[test]
    fn errors() {
        let missing = serde_json::from_str::<Media>(r#"{"Size":1}"#).unwrap_err();
        assert!(
            missing.to_string().contains("missing field `sid`"),
            "{missing}"
        );
        let twice = serde_json::from_str::<Media>(&format!(r#"{{"Sid":"{SID}","sid":"{SID}"}}"#))
            .unwrap_err();
        assert!(
            twice.to_string().contains("duplicate field `sid`"),
            "{twice}"
        );
        assert!(
            serde_json::from_str::<Media>(r#"{"Sid":"CH0123456789abcdef0123456789abcdef"}"#)
                .is_err()
        );
        assert!(serde_json::from_str::<Media>("[1]").is_err());
        assert!(serde_json::from_str::<Media>(r#"{"Sid":"x","Size":"big"}"#).is_err());
    }
}
