//! The one error type of the cookie jar: a kind (so the binding can pick the JS error class) and
//! the message tough-cookie would have thrown.

use std::fmt;

/// Which JS error tough-cookie throws for this failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CookieErrorKind {
    /// The URL did not parse (`new URL(url)` throws a `TypeError: Invalid URL`).
    InvalidUrl,
    /// The cookie was refused (a plain `Error` in tough-cookie).
    Rejected,
    /// A serialized jar had the wrong shape or was not JSON.
    InvalidJson,
}

/// A refused cookie, an unusable URL or an unreadable serialized jar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CookieError {
    /// What went wrong, to choose the JS error class.
    pub kind: CookieErrorKind,
    /// The message, word for word tough-cookie's where it has one.
    pub message: String,
}

impl CookieError {
    pub(crate) fn rejected(message: impl Into<String>) -> Self {
        Self {
            kind: CookieErrorKind::Rejected,
            message: message.into(),
        }
    }

    pub(crate) fn invalid_url() -> Self {
        Self {
            kind: CookieErrorKind::InvalidUrl,
            message: "Invalid URL".to_owned(),
        }
    }

    pub(crate) fn invalid_json(message: impl Into<String>) -> Self {
        Self {
            kind: CookieErrorKind::InvalidJson,
            message: message.into(),
        }
    }
}

impl fmt::Display for CookieError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CookieError {}
