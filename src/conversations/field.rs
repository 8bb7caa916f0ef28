//! How a single parameter's text becomes a typed value, and how that value is written back out
//! as JSON. Internal: the event structs are built from these.

use serde::ser::{Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::conversations::{InvalidValue, ParseError};

/// A type a parameter's decoded text converts into.
pub(crate) trait ParamValue: Sized + Serialize {
    /// Converts the decoded text of a parameter.
    fn from_param(value: &str) -> Result<Self, InvalidValue>;

    /// Writes the value in the event's JSON form: its own `Serialize`, unless overridden.
    fn serialize_value<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.serialize(serializer)
    }
}

/// A field of an event struct: a value that must be present, or an `Option` of one.
pub(crate) trait Field: Sized {
    /// Builds the field from the parameter's text, if the parameter was sent.
    fn from_slot(
        slot: Option<&str>,
        event: &'static str,
        parameter: &'static str,
    ) -> Result<Self, ParseError>;

    /// Writes the field in the event's JSON form (`null` when absent).
    fn serialize_field<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
}

fn convert<T: ParamValue>(
    value: &str,
    event: &'static str,
    parameter: &'static str,
) -> Result<T, ParseError> {
    T::from_param(value).map_err(|problem| ParseError::InvalidParameter {
        event,
        parameter,
        problem,
    })
}

impl<T: ParamValue> Field for T {
    fn from_slot(
        slot: Option<&str>,
        event: &'static str,
        parameter: &'static str,
    ) -> Result<Self, ParseError> {
        match slot {
            Some(value) => convert(value, event, parameter),
            None => Err(ParseError::MissingParameter { event, parameter }),
        }
    }

    fn serialize_field<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.serialize_value(serializer)
    }
}

/// Optional parameters: absent or empty is `None` (Twilio sends an empty value for null).
impl<T: ParamValue> Field for Option<T> {
    fn from_slot(
        slot: Option<&str>,
        event: &'static str,
        parameter: &'static str,
    ) -> Result<Self, ParseError> {
        match slot {
            None | Some("") => Ok(None),
            Some(value) => convert(value, event, parameter).map(Some),
        }
    }

    fn serialize_field<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(value) => value.serialize_value(serializer),
            None => serializer.serialize_none(),
        }
    }
}

/// Serializes any [`Field`] through serde.
pub(crate) struct AsJson<'a, T>(pub(crate) &'a T);

impl<T: Field> Serialize for AsJson<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_field(serializer)
    }
}

impl ParamValue for String {
    fn from_param(value: &str) -> Result<Self, InvalidValue> {
        Ok(value.to_owned())
    }
}

macro_rules! integer_values {
    ($($int:ty),*) => {$(
        impl ParamValue for $int {
            fn from_param(value: &str) -> Result<Self, InvalidValue> {
                value.parse().map_err(|_| InvalidValue::Integer(value.to_owned()))
            }
        }
    )*};
}

integer_values!(u32, u64);

/// Twilio writes booleans as `true`/`false`, sometimes capitalised; `1`/`0` are accepted too.
impl ParamValue for bool {
    fn from_param(value: &str) -> Result<Self, InvalidValue> {
        if value.eq_ignore_ascii_case("true") || value == "1" {
            Ok(true)
        } else if value.eq_ignore_ascii_case("false") || value == "0" {
            Ok(false)
        } else {
            Err(InvalidValue::Boolean(value.to_owned()))
        }
    }
}

/// ISO 8601 timestamps as Twilio sends them: `2026-11-20T10:00:00Z`, with or without fractional
/// seconds, `Z` or a numeric offset.
impl ParamValue for OffsetDateTime {
    fn from_param(value: &str) -> Result<Self, InvalidValue> {
        OffsetDateTime::parse(value, &Rfc3339)
            .map_err(|_| InvalidValue::Timestamp(value.to_owned()))
    }

    /// RFC 3339, as Twilio sends it (`time`'s own `Serialize` writes a tuple).
    fn serialize_value<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        time::serde::rfc3339::serialize(self, serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_accept_twilio_spellings() {
        for text in ["true", "True", "TRUE", "1"] {
            assert!(bool::from_param(text).unwrap());
        }
        for text in ["false", "False", "0"] {
            assert!(!bool::from_param(text).unwrap());
        }
        assert_eq!(
            bool::from_param("yes"),
            Err(InvalidValue::Boolean("yes".into()))
        );
    }

    #[test]
    fn timestamps_with_and_without_fractions() {
        let whole = OffsetDateTime::from_param("2026-11-20T10:00:00Z").unwrap();
        let fraction = OffsetDateTime::from_param("2026-11-20T10:00:00.250Z").unwrap();
        assert_eq!((fraction - whole).whole_milliseconds(), 250);
        let offset = OffsetDateTime::from_param("2026-11-20T11:00:00+01:00").unwrap();
        assert_eq!(offset, whole);
        assert!(OffsetDateTime::from_param("20 Nov 2026").is_err());
    }

    #[test]
    fn integers_reject_signs_and_text() {
        assert_eq!(u64::from_param("42"), Ok(42));
        assert!(u64::from_param("-1").is_err());
        assert!(u32::from_param("4294967296").is_err());
        assert!(u64::from_param("").is_err());
    }

    #[test]
    fn optional_fields_treat_empty_as_absent() {
        assert_eq!(<Option<u64>>::from_slot(Some(""), "e", "p"), Ok(None));
        assert_eq!(<Option<u64>>::from_slot(None, "e", "p"), Ok(None));
        assert_eq!(
            <u64>::from_slot(None, "e", "p"),
            Err(ParseError::MissingParameter {
                event: "e",
                parameter: "p"
            })
        );
    }
}
