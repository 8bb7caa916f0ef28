//! How one field of event data is read from Twilio's JSON and written in the JSON form, and the
//! `stream_data!` macro that defines a data struct from its list of fields.
//!
//! Reading is lenient where Twilio's encoding varies: integers may come as JSON strings holding
//! an integer, `Attributes` as an object or as JSON text, enumerated values keep what they do not
//! know. Every struct is read by a hand-written map visitor (no `#[serde(flatten)]`, which buffers
//! every key and value), matching known keys without allocating and keeping the others in
//! `extra`.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, Unexpected, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use time::OffsetDateTime;

use crate::conversations::field::ParamValue;
use crate::conversations::{
    Attributes, BindingType, ConversationState, DeliveryStatus, Media, MessagingBinding,
    StateChangeReason,
};
use crate::sid::{ChannelMessageSid, Sid};

use super::case::snake_case;

/// Where the key of the value being read is noted, so an error can name the field.
pub(crate) type FieldTracker = Cell<Option<&'static str>>;

/// A data struct that can be read while noting the key being read.
pub(crate) trait TrackedData: Sized {
    /// Reads the struct; `tracker`, when given, holds the key of the field being read.
    fn deserialize_tracked<'de, D: Deserializer<'de>>(
        deserializer: D,
        tracker: Option<&FieldTracker>,
    ) -> Result<Self, D::Error>;
}

/// Writes data fields into an enclosing JSON object: the data part of the JSON form.
///
/// The JSON form of a received event is one object: `event_type`, `event_id`, then what this
/// writes: the data's fields in snake_case (absent optional fields left out), then the fields
/// this library does not know, in snake_case too; or, for an unknown type, `data` as received.
/// An unknown field whose snake_case name is already used (`EventType`, say, or `message_body`
/// next to `MessageBody`) is written as `extra_<name>` (then `extra_<name>_2`, …): no key
/// appears twice and nothing is dropped.
pub trait EventData {
    /// Writes the fields as entries of `map`.
    ///
    /// # Errors
    ///
    /// Whatever the serializer reports.
    fn serialize_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error>;
}

/// A type a data field holds: how it is read from Twilio's JSON and written in the JSON form.
pub(crate) trait DataValue: Sized {
    /// Reads the value.
    fn deserialize_value<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;

    /// Writes the value in the JSON form.
    fn serialize_value<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
}

/// A field of a data struct: a value that must be present, or an `Option` of one (absent or
/// `null` is `None`).
pub(crate) trait DataField: Sized {
    /// Reads the field's value.
    fn deserialize_field<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;

    /// The field once every key was read: `slot` is what was read, if the key was present.
    fn finish<E: de::Error>(slot: Option<Self>, key: &'static str) -> Result<Self, E>;

    /// Writes `name: value` into the JSON form; an absent optional field is left out.
    fn serialize_entry<M: SerializeMap>(&self, map: &mut M, name: &str) -> Result<(), M::Error>;
}

impl<T: DataValue> DataField for T {
    fn deserialize_field<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize_value(deserializer)
    }

    fn finish<E: de::Error>(slot: Option<Self>, key: &'static str) -> Result<Self, E> {
        slot.ok_or_else(|| E::missing_field(key))
    }

    fn serialize_entry<M: SerializeMap>(&self, map: &mut M, name: &str) -> Result<(), M::Error> {
        map.serialize_entry(name, &AsData(self))
    }
}

impl<T: DataValue> DataField for Option<T> {
    fn deserialize_field<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OptionVisitor<T>(PhantomData<T>);

        impl<'de, T: DataValue> Visitor<'de> for OptionVisitor<T> {
            type Value = Option<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value or null")
            }

            fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
                Ok(None)
            }

            fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
                Ok(None)
            }

            fn visit_some<D: Deserializer<'de>>(
                self,
                deserializer: D,
            ) -> Result<Option<T>, D::Error> {
                T::deserialize_value(deserializer).map(Some)
            }
        }

        deserializer.deserialize_option(OptionVisitor(PhantomData))
    }

    fn finish<E: de::Error>(slot: Option<Self>, _key: &'static str) -> Result<Self, E> {
        Ok(slot.flatten())
    }

    fn serialize_entry<M: SerializeMap>(&self, map: &mut M, name: &str) -> Result<(), M::Error> {
        match self {
            Some(value) => map.serialize_entry(name, &AsData(value)),
            None => Ok(()),
        }
    }
}

/// Serializes a [`DataValue`] in the JSON form.
pub(crate) struct AsData<'a, T>(pub(crate) &'a T);

impl<T: DataValue> Serialize for AsData<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_value(serializer)
    }
}

/// Reads a [`DataField`] through serde.
pub(crate) struct FromData<T>(pub(crate) T);

impl<'de, T: DataField> Deserialize<'de> for FromData<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize_field(deserializer).map(FromData)
    }
}

/// A JSON object key, borrowed from the input when it has no escapes.
pub(crate) struct Key<'de>(pub(crate) Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }

            fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }

            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }

            fn visit_string<E: de::Error>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key)))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Names the JSON form of a received event uses before the data's fields.
const ENVELOPE_NAMES: [&str; 2] = ["event_type", "event_id"];

/// Writes fields this library does not know, their keys in snake_case.
///
/// A name already used (by `event_type`, `event_id`, one of the `known` fields, or an earlier
/// unknown field: `EventType`, or both `Foo` and `foo`) is written as `extra_<name>`, then
/// `extra_<name>_2`, `_3`, … until it is free, so that no key appears twice and nothing is lost.
pub(crate) fn serialize_extra<M: SerializeMap>(
    extra: &serde_json::Map<String, serde_json::Value>,
    known: &[&str],
    map: &mut M,
) -> Result<(), M::Error> {
    if extra.is_empty() {
        return Ok(());
    }
    let mut used: HashSet<Cow<'_, str>> = ENVELOPE_NAMES
        .iter()
        .chain(known)
        .map(|name| Cow::Borrowed(*name))
        .collect();
    for (key, value) in extra {
        let mut name = snake_case(key);
        if used.contains(&name) {
            let base = format!("extra_{name}");
            name = Cow::Owned(base.clone());
            let mut n = 1;
            while used.contains(&name) {
                n += 1;
                name = Cow::Owned(format!("{base}_{n}"));
            }
        }
        map.serialize_entry(&*name, value)?;
        used.insert(name);
    }
    Ok(())
}

impl DataValue for String {
    fn deserialize_value<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)
    }

    fn serialize_value<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self)
    }
}

impl DataValue for serde_json::Value {
    fn deserialize_value<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde_json::Value::deserialize(deserializer)
    }

    fn serialize_value<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.serialize(serializer)
    }
}

/// Reads a non-negative integer given as a JSON number or as a string holding one.
struct IntegerVisitor<T>(PhantomData<T>);

impl<T: TryFrom<u64>> Visitor<'_> for IntegerVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a non-negative integer (or a string holding one)")
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<T, E> {
        T::try_from(value).map_err(|_| E::invalid_value(Unexpected::Unsigned(value), &self))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<T, E> {
        match u64::try_from(value) {
            Ok(value) => self.visit_u64(value),
            Err(_) => Err(E::invalid_value(Unexpected::Signed(value), &self)),
        }
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        match text.parse::<u64>() {
            Ok(value) => self.visit_u64(value),
            Err(_) => Err(E::invalid_value(Unexpected::Str(text), &self)),
        }
    }
}

macro_rules! integer_values {
    ($($int:ty),*) => {$(
        impl DataValue for $int {
            fn deserialize_value<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any(IntegerVisitor(PhantomData))
            }

            fn serialize_value<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.serialize(serializer)
            }
        }
    )*};
}

integer_values!(u32, u64);

/// `true`/`false`, or a string spelling them in any case.
impl DataValue for bool {
    fn deserialize_value<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BoolVisitor;

        impl Visitor<'_> for BoolVisitor {
            type Value = bool;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean (or a string holding one)")
            }

            fn visit_bool<E: de::Error>(self, value: bool) -> Result<bool, E> {
                Ok(value)
            }

            /// The spellings form webhooks accept (`true`, `False`, `1`, `0`, …).
            fn visit_str<E: de::Error>(self, text: &str) -> Result<bool, E> {
                bool::from_param(text).map_err(|_| E::invalid_value(Unexpected::Str(text), &self))
            }
        }

        deserializer.deserialize_any(BoolVisitor)
    }

    fn serialize_value<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bool(*self)
    }
}

/// RFC 3339 timestamps (`2025-01-01T00:00:00.000Z`), written back in RFC 3339.
impl DataValue for OffsetDateTime {
    fn deserialize_value<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TimestampVisitor;

        impl Visitor<'_> for TimestampVisitor {
            type Value = OffsetDateTime;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp such as \"2025-01-01T00:00:00.000Z\"")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<OffsetDateTime, E> {
                OffsetDateTime::from_param(text)
                    .map_err(|_| E::invalid_value(Unexpected::Str(text), &self))
            }
        }

        deserializer.deserialize_str(TimestampVisitor)
    }

    fn serialize_value<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ParamValue::serialize_value(self, serializer)
    }
}

/// SIDs: read with their own `Deserialize` (the text checked in place, as for webhooks).
impl<T: Sid + for<'de> Deserialize<'de>> DataValue for T {
    fn deserialize_value<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer)
    }

    fn serialize_value<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Types read with their own `Deserialize` and written with their own `Serialize`.
macro_rules! serde_values {
    ($($ty:ty),*) => {$(
        impl DataValue for $ty {
            fn deserialize_value<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <$ty>::deserialize(deserializer)
            }

            fn serialize_value<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.serialize(serializer)
            }
        }
    )*};
}

serde_values!(Attributes, Vec<Media>, MessagingBinding, ChannelMessageSid);

/// Reads an enumerated value from a string; values the enum does not know are kept in `Other`.
pub(crate) struct TextVisitor<T>(pub(crate) PhantomData<T>);

impl<T: std::str::FromStr<Err = std::convert::Infallible>> Visitor<'_> for TextVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        let Ok(value) = text.parse();
        Ok(value)
    }
}

/// Enumerated values: read from their text, written with their own `Serialize` (Twilio's
/// spelling).
macro_rules! text_values {
    ($($ty:ty),*) => {$(
        impl $crate::streams::data::DataValue for $ty {
            fn deserialize_value<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str($crate::streams::data::TextVisitor(std::marker::PhantomData))
            }

            fn serialize_value<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serde::Serialize::serialize(self, serializer)
            }
        }
    )*};
}
pub(crate) use text_values;

text_values!(
    ConversationState,
    StateChangeReason,
    BindingType,
    DeliveryStatus
);

/// Defines data structs that share one list of fields: the struct (every field public, unknown
/// ones in `extra`), reading from Twilio's JSON in one pass, and the JSON form (field names in
/// snake_case, absent optional fields left out, `extra` keys in snake_case; see
/// `serialize_extra` for names already used).
///
/// ```text
/// stream_data! {
///     fields = {
///         /// `AccountSid`.
///         account_sid: AccountSid = "AccountSid",
///     };
///     /// A struct with these fields.
///     First;
///     /// Another one.
///     Second;
/// }
/// ```
macro_rules! stream_data {
    (fields = $fields:tt; $( $(#[$meta:meta])* $name:ident; )+) => {
        $( $crate::streams::data::stream_data!(@struct [$(#[$meta])*] $name $fields); )+
    };
    (@struct [$($attr:tt)*] $name:ident {
        $( $(#[$fmeta:meta])* $field:ident : $ty:ty = $key:literal, )*
    }) => {
        $($attr)*
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
            /// Fields this version of the library does not know, as received (Twilio's key and
            /// JSON value).
            pub extra: serde_json::Map<String, serde_json::Value>,
        }

        impl $crate::streams::data::TrackedData for $name {
            fn deserialize_tracked<'de, D: serde::Deserializer<'de>>(
                deserializer: D,
                tracker: Option<&$crate::streams::data::FieldTracker>,
            ) -> Result<Self, D::Error> {
                struct DataVisitor<'t>(Option<&'t $crate::streams::data::FieldTracker>);

                impl<'de> serde::de::Visitor<'de> for DataVisitor<'_> {
                    type Value = $name;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("a JSON object (", stringify!($name), ")"))
                    }

                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<$name, A::Error> {
                        use $crate::streams::data::{DataField, FromData, Key};
                        $( let mut $field: Option<$ty> = None; )*
                        let mut extra = serde_json::Map::new();
                        let note = |key: Option<&'static str>| {
                            if let Some(tracker) = self.0 {
                                tracker.set(key);
                            }
                        };
                        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                            match &*key {
                                $( $key => {
                                    if $field.is_some() {
                                        return Err(serde::de::Error::duplicate_field($key));
                                    }
                                    note(Some($key));
                                    $field = Some(map.next_value::<FromData<$ty>>()?.0);
                                } )*
                                _ => {
                                    note(None);
                                    let value = map.next_value::<serde_json::Value>()?;
                                    extra.insert(key.into_owned(), value);
                                }
                            }
                        }
                        note(None);
                        Ok($name {
                            $( $field: <$ty as DataField>::finish($field, $key)?, )*
                            extra,
                        })
                    }
                }

                deserializer.deserialize_map(DataVisitor(tracker))
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <Self as $crate::streams::data::TrackedData>::deserialize_tracked(deserializer, None)
            }
        }

        impl $crate::streams::data::DataValue for $name {
            fn deserialize_value<'de, D: serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                <Self as $crate::streams::data::TrackedData>::deserialize_tracked(deserializer, None)
            }

            fn serialize_value<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serde::Serialize::serialize(self, serializer)
            }
        }

        impl $crate::streams::EventData for $name {
            fn serialize_fields<M: serde::ser::SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
                $( $crate::streams::data::DataField::serialize_entry(&self.$field, map, stringify!($field))?; )*
                $crate::streams::data::serialize_extra(&self.extra, &[$(stringify!($field)),*], map)
            }
        }

        /// The JSON form: the fields in snake_case (absent ones left out), then `extra` with
        /// its keys in snake_case.
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut map = serializer.serialize_map(None)?;
                $crate::streams::EventData::serialize_fields(self, &mut map)?;
                map.end()
            }
        }
    };
}
pub(crate) use stream_data;
