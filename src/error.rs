//! The one mapping from core errors to JS errors: bad arguments become a `TypeError`, as Crawlee's
//! validation throws, other failures a plain `Error` with Crawlee's message.

use napi::{Env, Error, Status};
use session_pool_core::options::OptionError;
use session_pool_core::pool::PoolError;

/// Throws a JS `TypeError` with `message` and returns the error that tells napi-rs one is pending.
pub(crate) fn type_error(env: &Env, message: &str) -> Error {
    match env.throw_type_error(message, None) {
        Ok(()) => Error::new(Status::PendingException, message.to_string()),
        Err(e) => e,
    }
}

/// A bad option, as a `TypeError` naming the option.
pub(crate) fn option_error(env: &Env, e: OptionError) -> Error {
    type_error(env, &e.0)
}

/// Throws a plain JS `Error` with `message` (no `code` property, like the errors Crawlee and tough-cookie
/// throw) and returns the error that tells napi-rs one is pending.
pub(crate) fn plain_error(env: &Env, message: &str) -> Error {
    match env.throw_error(message, None) {
        Ok(()) => Error::new(Status::PendingException, message.to_string()),
        Err(e) => e,
    }
}

/// A refused pool operation, as an `Error` with Crawlee's message.
pub(crate) fn pool_error(env: &Env, e: PoolError) -> Error {
    plain_error(env, &e.to_string())
}
