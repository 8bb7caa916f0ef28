//! Arbitrary bytes as a form body: decoding, event parsing and the JSON form of events.
//!
//! Checks, for every input:
//! - `Params::parse` decodes exactly as a plain reference decoder does (same pairs, and an
//!   error exactly when the reference finds the body invalid);
//! - `Params::parse` and `Event::from_form` never panic, and agree: a body that does not decode
//!   is `ParseError::Form` with the same `FormError`; one that does is parsed exactly as
//!   `Event::from_params` parses the decoded list;
//! - a decoded list survives `to_form` and back unchanged, and serializes to JSON;
//! - a parsed event serializes to JSON (never an error), starting with its `event_type`;
//! - error messages can always be displayed.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use twilio_webhooks::{Event, Params, ParseError};

fuzz_target!(|data: &[u8]| {
    let event = Event::from_form(data);
    let parsed = Params::parse(data);
    let expected = common::reference_decode(data);
    match (&parsed, &expected) {
        (Ok(params), Some(pairs)) => {
            let got: Vec<(&str, &str)> = params.iter().collect();
            let want: Vec<(&str, &str)> = pairs
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            assert_eq!(got, want, "decoded differently from the reference");
        }
        (Err(_), None) => {}
        _ => panic!("parse: {parsed:?}, reference: {expected:?}"),
    }
    let params = match parsed {
        Ok(params) => params,
        Err(err) => {
            let _ = err.to_string();
            assert_eq!(
                event,
                Err(ParseError::Form(err)),
                "from_form and parse disagree"
            );
            return;
        }
    };

    let form = params.to_form();
    let again = Params::parse(form.as_bytes()).expect("to_form output must decode");
    assert_eq!(
        again, params,
        "to_form round trip changed the parameters: {form:?}"
    );
    serde_json::to_string(&params).expect("Params serializes to JSON");

    assert_eq!(
        event,
        Event::from_params(&params),
        "from_form and from_params disagree"
    );
    match &event {
        Ok(event) => {
            assert_eq!(params.count("EventType"), 1);
            assert_eq!(Some(event.event_type()), params.get("EventType"));
            let json = serde_json::to_value(event).expect("a parsed event serializes to JSON");
            match event {
                Event::Unknown(_) => assert!(json.get("params").is_some()),
                _ => assert_eq!(json["event_type"], event.event_type()),
            }
            let _ = event.conversation_sid();
            let _ = format!("{event:?}");
        }
        Err(err) => {
            assert!(!matches!(err, ParseError::Form(_)), "decoded, yet {err:?}");
            let _ = err.to_string();
            let _ = err.parameter();
        }
    }
});
