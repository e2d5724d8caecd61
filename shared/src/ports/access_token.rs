//! Whether Meta still takes the access token: an expired or revoked
//! system-user token stops every send, so admins see it before customers do.

use async_trait::async_trait;

/// What Meta said of the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenState {
    /// Meta took it.
    Valid,
    /// Meta refused it (OAuth error 190 and its kin): it must be renewed.
    Rejected {
        /// Meta's error code.
        code: i64,
    },
    /// Meta could not be asked (network, outage): nothing is known.
    Unknown,
}

/// Asks Meta about the configured token.
#[async_trait]
pub trait AccessTokenCheck: Send + Sync {
    /// One cheap Graph API call with the token.
    async fn check_access_token(&self) -> TokenState;
}
