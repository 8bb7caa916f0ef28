//! The event Twilio sends to check a sink.

use crate::streams::data::stream_data;

stream_data! {
    fields = {
        /// `test_id`: the test's identifier (a UUID).
        test_id: String = "test_id",
    };
    /// `com.twilio.eventstreams.test-event` (`EventStreams.TestSink`): sent by Twilio when a sink
    /// is created or tested, with `source` `Sink`.
    SinkTestEvent;
}
