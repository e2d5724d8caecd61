//! An SDK failure as text for logs and port errors: the messages of the
//! error and each of its causes, never its debug form. An SDK error's debug
//! form holds the raw HTTP response, and with it whatever the service sent
//! back (a DynamoDB item with a contact's phone, an S3 error naming a key);
//! the SDK's own `DisplayErrorContext` appends that debug form, so no
//! adapter uses it. Leaving the debug impls unreferenced also keeps them out
//! of the binaries.

use std::error::Error;

/// `error: cause: cause's cause …`, each part its `Display`.
pub fn text(error: &dyn Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::text;
    use aws_sdk_dynamodb::error::SdkError;
    use aws_sdk_dynamodb::operation::get_item::GetItemError;
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;

    #[test]
    fn a_service_error_reads_as_its_code_and_message_without_the_response_it_came_in() {
        let body = r#"{"__type":"ValidationException","message":"bad key","Item":{"phone":{"S":"919812345678"}}}"#;
        let response = HttpResponse::new(400u16.try_into().expect("a status"), SdkBody::from(body));
        let error = SdkError::service_error(
            GetItemError::generic(ErrorMetadata::builder().code("ValidationException").message("bad key").build()),
            response,
        );
        let written = text(&error);
        assert!(written.contains("ValidationException") && written.contains("bad key"), "{written}");
        assert!(!written.contains("919812345678"), "the raw response leaked: {written}");
        // The SDK's own helper would have leaked it: this is why it is not used.
        let sdk = aws_sdk_dynamodb::error::DisplayErrorContext(&error).to_string();
        assert!(sdk.contains("919812345678"));
    }
}
