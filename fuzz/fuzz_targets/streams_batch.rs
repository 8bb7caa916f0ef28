//! Arbitrary bytes as an Event Streams body: `parse_batch`, checked against `serde_json`'s
//! untyped parse of the same bytes.
//!
//! Checks, for every input:
//! - `parse_batch` never panics; its error always displays, with a line and column;
//! - a parsed batch is JSON `serde_json::Value` agrees with (unless its depth limit stops it):
//!   as many events as the array has elements (one for an object), each with the element's `id`
//!   and `type`; an unknown or invalid event's raw data is the element's `data`;
//! - every parsed event's JSON form is an object starting with its `event_type` and `event_id`,
//!   with no key twice (unknown fields named like known ones are renamed), and every invalid
//!   event's form serializes too;
//! - conversely, a body that `Value` reads as an array of objects (or one object) whose `id` and
//!   `type` are strings, with `data`, and whose other known attributes are strings or null, is a
//!   batch, unless an envelope repeats a key (which `Value` hides and `parse_batch` refuses).
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use twilio_webhooks::streams::{parse_batch, Event};

/// Whether a JSON object repeats a key (which `Value` hides: it keeps the last).
struct RepeatsKey(bool);

impl<'de> Deserialize<'de> for RepeatsKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeysVisitor;

        impl<'de> Visitor<'de> for KeysVisitor {
            type Value = RepeatsKey;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RepeatsKey, A::Error> {
                let mut seen = HashSet::new();
                let mut repeats = false;
                while let Some(key) = map.next_key::<String>()? {
                    repeats |= !seen.insert(key);
                    map.next_value::<IgnoredAny>()?;
                }
                Ok(RepeatsKey(repeats))
            }
        }

        deserializer.deserialize_map(KeysVisitor)
    }
}

/// Whether an envelope of the body (an array of objects, or one object) repeats a key.
fn envelope_repeats_a_key(data: &[u8]) -> bool {
    if let Ok(elements) = serde_json::from_slice::<Vec<RepeatsKey>>(data) {
        return elements.iter().any(|element| element.0);
    }
    serde_json::from_slice::<RepeatsKey>(data).is_ok_and(|one| one.0)
}

/// Whether `Value` says this element is a CloudEvent envelope `parse_batch` must accept.
fn is_envelope(element: &Value) -> bool {
    let Some(object) = element.as_object() else {
        return false;
    };
    object.get("id").is_some_and(Value::is_string)
        && object.get("type").is_some_and(Value::is_string)
        && object.contains_key("data")
        && ["source", "specversion", "dataschema", "datacontenttype"]
            .iter()
            .all(|key| {
                object
                    .get(*key)
                    .is_none_or(|v| v.is_string() || v.is_null())
            })
}

fuzz_target!(|data: &[u8]| {
    let batch = parse_batch(data);
    let untyped = serde_json::from_slice::<Value>(data);
    let elements: Option<Vec<Value>> = match &untyped {
        Ok(Value::Array(elements)) => Some(elements.clone()),
        Ok(object @ Value::Object(_)) => Some(vec![object.clone()]),
        _ => None,
    };
    let batch = match batch {
        Ok(batch) => batch,
        Err(err) => {
            let message = err.to_string();
            assert!(message.contains(" at line "), "no position: {message}");
            let _ = (err.line(), err.column(), err.index());
            if let Some(elements) = &elements {
                if elements.iter().all(is_envelope) && !envelope_repeats_a_key(data) {
                    panic!("Value reads a batch of envelopes, parse_batch refuses it: {message}");
                }
            }
            return;
        }
    };
    match &untyped {
        Ok(_) => {}
        // The typed parse skips `data` (and reads each event's data) without `Value`'s checks:
        // its depth limit counted from the body, numbers beyond f64, unpaired UTF-16 surrogates.
        Err(err) => {
            let message = err.to_string();
            assert!(
                [
                    "recursion limit",
                    "number out of range",
                    "surrogate",
                    "hex escape"
                ]
                .iter()
                .any(|allowed| message.contains(allowed)),
                "parse_batch accepted what Value calls invalid JSON: {message}"
            );
            return;
        }
    }
    let elements = elements.expect("a batch is an array or an object");
    assert_eq!(batch.len(), elements.len());
    assert_eq!(
        batch.was_single_object(),
        matches!(untyped, Ok(Value::Object(_)))
    );
    for (item, element) in batch.iter().zip(&elements) {
        let (id, event_type) = match item {
            Ok(event) => (&event.id, &event.event_type),
            Err(invalid) => (&invalid.event.id, &invalid.event.event_type),
        };
        assert_eq!(Some(id.as_str()), element["id"].as_str());
        assert_eq!(Some(event_type.as_str()), element["type"].as_str());
        match item {
            Ok(event) => {
                assert_eq!(event.data.event_type(), event_type);
                let form = serde_json::to_value(event).expect("the JSON form serializes");
                let form = form.as_object().expect("an object");
                assert_eq!(form["event_type"], Value::String(event_type.clone()));
                assert_eq!(form["event_id"], Value::String(id.clone()));
                let line = serde_json::to_string(event).unwrap();
                assert!(line.starts_with(r#"{"event_type":"#), "{line}");
                let repeats: RepeatsKey = serde_json::from_str(&line).unwrap();
                assert!(!repeats.0, "a key appears twice in the JSON form: {line}");
                if let Event::Unknown(unknown) = &event.data {
                    let raw: Value = serde_json::from_str(unknown.data.get()).unwrap();
                    assert_eq!(raw, element["data"]);
                    assert!(!Event::TYPES.contains(&event_type.as_str()));
                }
            }
            Err(invalid) => {
                let _ = invalid.to_string();
                assert!(Event::TYPES.contains(&event_type.as_str()));
                let raw: Value = serde_json::from_str(invalid.data().get()).unwrap();
                assert_eq!(raw, element["data"]);
                serde_json::to_string(invalid).expect("the invalid event serializes");
            }
        }
    }
});
