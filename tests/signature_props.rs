//! Property tests: signing then validating round-trips for arbitrary parameters and URLs, and any
//! single changed character of the URL, a parameter value or the signature is rejected.

use proptest::prelude::*;
use proptest::sample::Index;
use twilio_webhooks::signature::{compute_signature, validate, Keyring};

fn url() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just("http"), Just("https")],
        prop_oneof![Just(""), Just("user:pass@")],
        "[a-z]{1,10}\\.(com|org|example)",
        prop_oneof![
            Just(""),
            Just(":443"),
            Just(":80"),
            Just(":8443"),
            Just(":3000")
        ],
        "(/[A-Za-z0-9'%._~-]{0,10}){0,3}",
        proptest::option::of("[A-Za-z0-9=&'%+._~-]{0,20}"),
    )
        .prop_map(|(scheme, userinfo, host, port, path, query)| {
            let query = query.map(|q| format!("?{q}")).unwrap_or_default();
            format!("{scheme}://{userinfo}{host}{port}{path}{query}")
        })
}

fn params() -> impl Strategy<Value = Vec<(String, String)>> {
    // Names from a small pool, so that repeated names are common.
    let name = prop_oneof![
        Just("Body".to_owned()),
        Just("MessagingBinding.Address".to_owned()),
        Just("Reason".to_owned()),
        Just("ReasonConferenceEnded".to_owned()),
        "[A-Za-z_][A-Za-z0-9._]{0,12}",
    ];
    prop::collection::vec((name, "\\PC{0,16}"), 0..12)
}

fn token() -> impl Strategy<Value = String> {
    "[ -~]{1,40}"
}

fn pairs(params: &[(String, String)]) -> impl Iterator<Item = (&str, &str)> {
    params.iter().map(|(n, v)| (n.as_str(), v.as_str()))
}

/// Replaces the character at `index` (modulo the character count) with a different one.
fn change_char(text: &str, index: Index, replacement: char) -> Option<String> {
    let count = text.chars().count();
    if count == 0 {
        return None;
    }
    let at = index.index(count);
    let old = text.chars().nth(at)?;
    let new = if old == replacement {
        if old == 'x' {
            'y'
        } else {
            'x'
        }
    } else {
        replacement
    };
    Some(
        text.chars()
            .enumerate()
            .map(|(i, c)| if i == at { new } else { c })
            .collect(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn sign_then_validate_round_trips(url in url(), params in params(), token in token()) {
        let signature = compute_signature(&url, pairs(&params), &token);
        let keyring = Keyring::new().with_auth_token(token.as_bytes());
        prop_assert_eq!(validate(&url, pairs(&params), &signature, &keyring), Ok(()));
    }

    #[test]
    fn order_of_parameters_does_not_matter(
        url in url(),
        params in params(),
        shuffled in any::<u64>(),
    ) {
        let signature = compute_signature(&url, pairs(&params), "token");
        let mut reordered = params.clone();
        // A deterministic shuffle from the generated seed.
        let len = reordered.len();
        if len > 1 {
            let mut seed = shuffled;
            for i in (1..len).rev() {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                reordered.swap(i, (seed >> 33) as usize % (i + 1));
            }
        }
        let keyring = Keyring::new().with_auth_token("token");
        prop_assert_eq!(validate(&url, pairs(&reordered), &signature, &keyring), Ok(()));
    }

    #[test]
    fn a_changed_url_character_fails(
        url in url(),
        params in params(),
        index in any::<Index>(),
        replacement in "[ -~]",
    ) {
        let signature = compute_signature(&url, pairs(&params), "token");
        let replacement = replacement.chars().next().unwrap();
        let changed = change_char(&url, index, replacement).unwrap();
        prop_assume!(changed != url);
        let keyring = Keyring::new().with_auth_token("token");
        prop_assert!(validate(&changed, pairs(&params), &signature, &keyring).is_err(),
            "accepted {} signed for {}", changed, url);
    }

    #[test]
    fn a_changed_value_character_fails(
        url in url(),
        params in params(),
        which in any::<Index>(),
        index in any::<Index>(),
        replacement in any::<char>(),
    ) {
        // Only a parameter whose name is unique keeps its place in the signed string, so its
        // changed value is certain to change that string (Twilio's concatenation has no
        // separators; other changes can collide in contrived cases).
        let unique: Vec<usize> = (0..params.len())
            .filter(|&i| params.iter().filter(|(n, _)| *n == params[i].0).count() == 1)
            .filter(|&i| !params[i].1.is_empty())
            .collect();
        prop_assume!(!unique.is_empty());
        let target = unique[which.index(unique.len())];
        let signature = compute_signature(&url, pairs(&params), "token");
        let mut changed = params.clone();
        changed[target].1 = change_char(&params[target].1, index, replacement).unwrap();
        let keyring = Keyring::new().with_auth_token("token");
        prop_assert!(validate(&url, pairs(&changed), &signature, &keyring).is_err());
    }

    #[test]
    fn an_added_or_removed_parameter_fails(url in url(), params in params(), which in any::<Index>()) {
        let signature = compute_signature(&url, pairs(&params), "token");
        let keyring = Keyring::new().with_auth_token("token");
        let mut added = params.clone();
        added.push(("ZZExtra".to_owned(), "1".to_owned()));
        prop_assert!(validate(&url, pairs(&added), &signature, &keyring).is_err());
        if !params.is_empty() {
            let mut removed = params.clone();
            let gone = removed.remove(which.index(params.len()));
            // Removing one copy of a duplicated pair changes nothing: duplicates collapse.
            prop_assume!(!removed.contains(&gone));
            prop_assert!(validate(&url, pairs(&removed), &signature, &keyring).is_err());
        }
    }

    #[test]
    fn a_changed_signature_character_fails(
        url in url(),
        params in params(),
        index in any::<Index>(),
        replacement in "[A-Za-z0-9+/=]",
    ) {
        let signature = compute_signature(&url, pairs(&params), "token");
        let changed = change_char(&signature, index, replacement.chars().next().unwrap()).unwrap();
        prop_assume!(changed != signature);
        let keyring = Keyring::new().with_auth_token("token");
        prop_assert!(validate(&url, pairs(&params), &changed, &keyring).is_err());
    }

    #[test]
    fn arbitrary_inputs_never_panic(
        url in "\\PC{0,60}",
        params in params(),
        signature in "\\PC{0,50}",
        settings in proptest::option::of("\\PC{0,40}"),
        body in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let keyring = Keyring::new()
            .with_auth_token("token")
            .with_shared_key("k", "s")
            .unwrap();
        let request = twilio_webhooks::signature::SignedRequest::new(&url, &signature)
            .params(pairs(&params))
            .settings(settings.as_deref())
            .body(&body);
        let _ = keyring.verify(&request);
    }
}
