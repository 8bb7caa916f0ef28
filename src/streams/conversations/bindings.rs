//! `Bindings`: the non-messaging channels of a conversation (email).

use crate::streams::data::stream_data;

stream_data! {
    fields = {
        /// `Email`: the conversation's email channel.
        email: Option<EmailBinding> = "Email",
    };
    /// `Bindings` of a conversation event: channels other than the messaging binding.
    Bindings;
}

stream_data! {
    fields = {
        /// `Address`: the email address.
        address: Option<String> = "Address",
        /// `ProjectedAddress`: the address the conversation sends from.
        projected_address: Option<String> = "ProjectedAddress",
        /// `Name`: the display name.
        name: Option<String> = "Name",
    };
    /// `Bindings.Email`: a conversation's email channel.
    EmailBinding;
}
