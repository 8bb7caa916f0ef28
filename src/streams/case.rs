//! Twilio's data keys (`MessageBody`, `isOnline`) in snake_case (`message_body`, `is_online`)
//! for the JSON form. Keys already in snake_case, as Studio's are, stay as they are.

use std::borrow::Cow;

/// `MessageBody` -> `message_body`, `ChatServiceSid` -> `chat_service_sid`, `isOnline` ->
/// `is_online`, `URLPath` -> `url_path`; a key without ASCII capitals is returned unchanged.
pub(crate) fn snake_case(key: &str) -> Cow<'_, str> {
    if !key.bytes().any(|byte| byte.is_ascii_uppercase()) {
        return Cow::Borrowed(key);
    }
    let bytes = key.as_bytes();
    let mut out = String::with_capacity(key.len() + 4);
    for (at, c) in key.char_indices() {
        if !c.is_ascii_uppercase() {
            out.push(c);
            continue;
        }
        let prev = at.checked_sub(1).map(|before| bytes[before]);
        let next = bytes.get(at + 1).copied();
        let word_starts = match prev {
            None | Some(b'_') => false,
            Some(prev) if prev.is_ascii_lowercase() || prev.is_ascii_digit() => true,
            // The last capital of an acronym followed by a lower-case word: `URLPath`.
            Some(prev) => prev.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()),
        };
        if word_starts {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::snake_case;

    #[test]
    fn twilio_keys() {
        for (key, expected) in [
            ("MessageBody", "message_body"),
            ("ChatServiceSid", "chat_service_sid"),
            ("LastReadMessageIndex", "last_read_message_index"),
            ("isOnline", "is_online"),
            ("URLPath", "url_path"),
            ("MediaSID", "media_sid"),
            ("Level", "level"),
            ("execution_sid", "execution_sid"),
            ("Already_Snake", "already_snake"),
            ("Field2Name", "field2_name"),
            ("", ""),
            ("ÉtatX", "État_x"),
        ] {
            assert_eq!(snake_case(key), expected, "{key}");
        }
        assert!(matches!(
            snake_case("flow_sid"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
