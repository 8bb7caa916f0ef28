//! How a single parameter's text becomes a typed value, and how that value is written back out:
//! as the parameter's text again (Twilio's form), or as JSON. Internal: the event structs are
//! built from these.

use std::borrow::Cow;

use serde::ser::{Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::conversations::{InvalidValue, ParseError};
use crate::params::Params;

/// A type a parameter's decoded text converts into, and back.
pub(crate) trait ParamValue: Sized + Serialize {
    /// Converts the decoded text of a parameter.
    fn from_param(value: &str) -> Result<Self, InvalidValue>;

    /// The value as Twilio writes it in a parameter: the text [`from_param`](Self::from_param)
    /// reads back into an equal value.
    fn to_param(&self) -> Cow<'_, str>;

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

    /// Appends the field to `params` as `parameter`, in Twilio's text form. An absent optional
    /// field is left out, unless `extra` has a value under the same name: then it is written
    /// empty (Twilio's null) so that the value in `extra` stays a repeat when parsed again.
    fn write_param(&self, params: &mut Params, parameter: &str, extra: &Params);
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

    fn write_param(&self, params: &mut Params, parameter: &str, _extra: &Params) {
        params.push(parameter, &self.to_param());
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

    fn write_param(&self, params: &mut Params, parameter: &str, extra: &Params) {
        write_optional(
            params,
            parameter,
            self.as_ref().map(ParamValue::to_param).as_deref(),
            extra,
        );
    }
}

/// Appends an optional parameter: its text when present; when absent, nothing, or an empty
/// value when `extra` holds the same name (see [`Field::write_param`]).
pub(crate) fn write_optional(
    params: &mut Params,
    parameter: &str,
    value: Option<&str>,
    extra: &Params,
) {
    match value {
        Some(value) => params.push(parameter, value),
        None if extra.get(parameter).is_some() => params.push(parameter, ""),
        None => {}
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

    fn to_param(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

macro_rules! integer_values {
    ($($int:ty),*) => {$(
        impl ParamValue for $int {
            fn from_param(value: &str) -> Result<Self, InvalidValue> {
                value.parse().map_err(|_| InvalidValue::Integer(value.to_owned()))
            }

            fn to_param(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
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

    fn to_param(&self) -> Cow<'_, str> {
        Cow::Borrowed(if *self { "true" } else { "false" })
    }
}

/// ISO 8601 timestamps as Twilio sends them: `2026-11-20T10:00:00Z`, with or without fractional
/// seconds, `Z` or a numeric offset.
impl ParamValue for OffsetDateTime {
    fn from_param(value: &str) -> Result<Self, InvalidValue> {
        OffsetDateTime::parse(value, &Rfc3339)
            .map_err(|_| InvalidValue::Timestamp(value.to_owned()))
    }

    /// RFC 3339 in the value's own offset, as Twilio writes it: fractional seconds in
    /// milliseconds (`.250`), or micro- or nanoseconds when the value has them, none for a whole
    /// second. A value RFC 3339 cannot write (never one that was parsed) is written in UTC (an
    /// offset with seconds), or as ISO 8601 with a signed year (a year before 0).
    fn to_param(&self) -> Cow<'_, str> {
        let text = self
            .format(&Rfc3339)
            .or_else(|_| self.to_offset(time::UtcOffset::UTC).format(&Rfc3339))
            .or_else(|_| self.format(&time::format_description::well_known::Iso8601::DEFAULT))
            .unwrap_or_else(|_| self.to_string());
        Cow::Owned(fraction_in_thousandths(text))
    }

    /// RFC 3339, as Twilio sends it (`time`'s own `Serialize` writes a tuple).
    fn serialize_value<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        time::serde::rfc3339::serialize(self, serializer)
    }
}

/// Pads the fractional seconds of an RFC 3339 timestamp (`…:SS.f…`) to 3, 6 or 9 digits.
fn fraction_in_thousandths(mut text: String) -> String {
    // `YYYY-MM-DDTHH:MM:SS` is 19 bytes; a fraction follows as `.` and digits.
    if text.get(19..20) != Some(".") {
        return text;
    }
    let digits = text[20..].bytes().take_while(u8::is_ascii_digit).count();
    let padding = (3 - digits % 3) % 3;
    text.insert_str(20 + digits, &"00"[..padding]);
    text
}

/// Fills a field of a JSON object being read by hand; a key that comes twice is an error (where a
/// derived `Deserialize` would say the same, rather than keep the last silently).
pub(crate) fn set_once<T, E: serde::de::Error>(
    slot: &mut Option<T>,
    value: T,
    name: &'static str,
) -> Result<(), E> {
    if slot.is_some() {
        return Err(E::duplicate_field(name));
    }
    *slot = Some(value);
    Ok(())
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
    fn timestamps_are_written_as_twilio_writes_them() {
        for (read, written) in [
            ("2026-11-20T10:00:00Z", "2026-11-20T10:00:00Z"),
            ("2026-11-20T10:00:00.25Z", "2026-11-20T10:00:00.250Z"),
            ("2026-11-20T10:00:00.517Z", "2026-11-20T10:00:00.517Z"),
            ("2026-11-20T10:00:00.1234Z", "2026-11-20T10:00:00.123400Z"),
            (
                "2026-11-20T10:00:00.000000001Z",
                "2026-11-20T10:00:00.000000001Z",
            ),
            (
                "2026-11-20T11:00:00.5+01:30",
                "2026-11-20T11:00:00.500+01:30",
            ),
            ("2026-11-20T10:00:00.000Z", "2026-11-20T10:00:00Z"),
        ] {
            let value = OffsetDateTime::from_param(read).unwrap();
            assert_eq!(value.to_param(), written, "{read}");
            assert_eq!(OffsetDateTime::from_param(&value.to_param()), Ok(value));
        }
        // Beyond RFC 3339: still text that says the instant, never a panic.
        let day = |year| time::Date::from_calendar_date(year, time::Month::January, 1).unwrap();
        let odd_offset = time::UtcOffset::from_hms(1, 0, 30).unwrap();
        let value = day(2026).midnight().assume_offset(odd_offset);
        assert_eq!(value.to_param(), "2025-12-31T22:59:30Z");
        let before_year_zero = day(-5).midnight().assume_utc();
        assert!(
            before_year_zero.to_param().contains("-0"),
            "{}",
            before_year_zero.to_param()
        );
    }

    #[test]
    fn other_values_are_written_as_twilio_writes_them() {
        assert_eq!(true.to_param(), "true");
        assert_eq!(false.to_param(), "false");
        assert_eq!(42u64.to_param(), "42");
        assert_eq!(u32::MAX.to_param(), "4294967295");
        assert_eq!(String::from("a b").to_param(), "a b");
        let mut params = Params::default();
        let extra = Params::from_pairs([("B", "repeat")]);
        Some(7u32).write_param(&mut params, "A", &extra);
        None::<u32>.write_param(&mut params, "B", &extra);
        None::<u32>.write_param(&mut params, "C", &extra);
        5u64.write_param(&mut params, "D", &extra);
        assert_eq!(params.to_form(), "A=7&B=&D=5");
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
