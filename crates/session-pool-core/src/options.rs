//! Defaults and validation of every option of `Session` and `SessionPool`.
//!
//! The binding reads JS values into [`OptionValue`]s; everything about which names exist, what type each
//! must have and which ranges are allowed lives here, so the error messages are the same wherever an
//! option enters.

use std::fmt;

/// `maxPoolSize` default.
pub const MAX_POOL_SIZE: f64 = 1000.0;
/// `maxAgeSecs` default.
pub const MAX_AGE_SECS: f64 = 3000.0;
/// `maxUsageCount` default.
pub const MAX_USAGE_COUNT: f64 = 50.0;
/// `maxErrorScore` default.
pub const MAX_ERROR_SCORE: f64 = 3.0;
/// `errorScoreDecrement` default.
pub const ERROR_SCORE_DECREMENT: f64 = 0.5;
/// Status codes that retire a session when the pool has no `blockedStatusCodes` of its own.
pub const BLOCKED_STATUS_CODES: [u16; 3] = [401, 403, 429];
/// Key of the persisted pool state in its key-value store.
pub const PERSIST_STATE_KEY: &str = "SDK_SESSION_POOL_STATE";
/// Interval of the persistence timer when neither the option nor the environment sets one.
pub const PERSIST_STATE_INTERVAL_MILLIS: f64 = 60_000.0;
/// Name of the event emitted on the pool when a session retires.
pub const EVENT_SESSION_RETIRED: &str = "sessionRetired";

/// A bad option or argument: the binding turns it into a JS `TypeError` with this message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionError(pub String);

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OptionError {}

/// What the binding found under one option name, reduced to what validation needs.
#[derive(Debug, Clone, PartialEq)]
pub enum OptionValue {
    /// `undefined` or absent: the default applies.
    Undefined,
    Null,
    Number(f64),
    String(String),
    Boolean(bool),
    /// A `Date`, as its time value in milliseconds.
    Date(f64),
    Function,
    Array,
    /// Any other object; `is_plain` is false for class instances the option does not accept.
    Object,
    Symbol,
    BigInt,
}

impl OptionValue {
    /// The type name used in messages, as `typeof` would say it (with `null`, `array` and `Date` told apart).
    pub fn type_name(&self) -> &'static str {
        match self {
            OptionValue::Undefined => "undefined",
            OptionValue::Null => "null",
            OptionValue::Number(_) => "number",
            OptionValue::String(_) => "string",
            OptionValue::Boolean(_) => "boolean",
            OptionValue::Date(_) => "Date",
            OptionValue::Function => "Function",
            OptionValue::Array => "Array",
            OptionValue::Object => "Object",
            OptionValue::Symbol => "symbol",
            OptionValue::BigInt => "bigint",
        }
    }
}

fn wrong_type(object: &str, name: &str, expected: &str, got: &OptionValue) -> OptionError {
    OptionError(format!(
        "Expected property `{name}` to be of type `{expected}` but received type `{}` in object `{object}`",
        got.type_name()
    ))
}

/// Rejects option names that `allowed` does not list, as Crawlee's exact-shape validation does.
pub fn check_known_names<'a>(
    object: &str,
    names: impl IntoIterator<Item = &'a str>,
    allowed: &[&str],
) -> Result<(), OptionError> {
    for name in names {
        if !allowed.contains(&name) {
            return Err(OptionError(format!(
                "Did not expect property `{name}` to exist in object `{object}`; allowed properties are: {}",
                allowed.join(", ")
            )));
        }
    }
    Ok(())
}

/// Which numbers an option accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberRule {
    /// Finite and >= 0.
    NonNegative,
    /// Finite, >= 0 and a whole number.
    NonNegativeInteger,
    /// Finite and > 0.
    Positive,
}

/// An optional number option: `None` when undefined.
pub fn optional_number(
    object: &str,
    name: &str,
    value: &OptionValue,
    rule: NumberRule,
) -> Result<Option<f64>, OptionError> {
    match value {
        OptionValue::Undefined => Ok(None),
        OptionValue::Number(n) => {
            let n = *n;
            let ok = n.is_finite()
                && match rule {
                    NumberRule::NonNegative => n >= 0.0,
                    NumberRule::NonNegativeInteger => n >= 0.0 && n.fract() == 0.0,
                    NumberRule::Positive => n > 0.0,
                };
            if ok {
                Ok(Some(n))
            } else {
                let what = match rule {
                    NumberRule::NonNegative => "a finite number >= 0",
                    NumberRule::NonNegativeInteger => "a whole number >= 0",
                    NumberRule::Positive => "a finite number > 0",
                };
                Err(OptionError(format!(
                    "Expected property `{name}` to be {what}, got {} in object `{object}`",
                    js_number_text(n)
                )))
            }
        }
        other => Err(wrong_type(object, name, "number", other)),
    }
}

/// An optional string option.
pub fn optional_string(
    object: &str,
    name: &str,
    value: &OptionValue,
) -> Result<Option<String>, OptionError> {
    match value {
        OptionValue::Undefined => Ok(None),
        OptionValue::String(s) => Ok(Some(s.clone())),
        other => Err(wrong_type(object, name, "string", other)),
    }
}

/// An optional boolean option.
pub fn optional_bool(
    object: &str,
    name: &str,
    value: &OptionValue,
) -> Result<Option<bool>, OptionError> {
    match value {
        OptionValue::Undefined => Ok(None),
        OptionValue::Boolean(b) => Ok(Some(*b)),
        other => Err(wrong_type(object, name, "boolean", other)),
    }
}

/// An optional `Date` option, as milliseconds; an invalid Date is rejected.
pub fn optional_date(
    object: &str,
    name: &str,
    value: &OptionValue,
) -> Result<Option<f64>, OptionError> {
    match value {
        OptionValue::Undefined => Ok(None),
        OptionValue::Date(ms) if ms.is_finite() => Ok(Some(*ms)),
        OptionValue::Date(_) => Err(OptionError(format!(
            "Expected property `{name}` to be a valid Date, got an invalid Date in object `{object}`"
        ))),
        other => Err(wrong_type(object, name, "Date", other)),
    }
}

/// Checks that an option is an object (not null, not an array, not a function) when present.
pub fn optional_object(object: &str, name: &str, value: &OptionValue) -> Result<bool, OptionError> {
    match value {
        OptionValue::Undefined => Ok(false),
        OptionValue::Object | OptionValue::Date(_) => Ok(true),
        other => Err(wrong_type(object, name, "object", other)),
    }
}

/// Checks that an option is a function when present.
pub fn optional_function(
    object: &str,
    name: &str,
    value: &OptionValue,
) -> Result<bool, OptionError> {
    match value {
        OptionValue::Undefined => Ok(false),
        OptionValue::Function => Ok(true),
        other => Err(wrong_type(object, name, "Function", other)),
    }
}

/// A list of HTTP status codes (`blockedStatusCodes`, the extra codes of `retireOnBlockedStatusCodes`).
pub fn status_codes(
    object: &str,
    name: &str,
    items: &[OptionValue],
) -> Result<Vec<f64>, OptionError> {
    items
        .iter()
        .enumerate()
        .map(|(i, v)| match v {
            OptionValue::Number(n) => Ok(*n),
            other => Err(OptionError(format!(
                "Expected `{name}[{i}]` to be of type `number` but received type `{}` in object `{object}`",
                other.type_name()
            ))),
        })
        .collect()
}

/// Writes a number the way JS prints it in a message (`-1`, `NaN`, `Infinity`, `0.5`).
pub fn js_number_text(n: f64) -> String {
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        }
    } else if n.fract() == 0.0 && n.abs() < 1e21 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_name_the_option_and_the_rule() {
        let e = optional_number(
            "options",
            "maxPoolSize",
            &OptionValue::Number(-1.0),
            NumberRule::NonNegativeInteger,
        )
        .unwrap_err();
        assert!(
            e.0.contains("`maxPoolSize`")
                && e.0.contains("whole number >= 0")
                && e.0.contains("-1"),
            "{e}"
        );
        let e = optional_number(
            "options",
            "maxAgeSecs",
            &OptionValue::Number(f64::NAN),
            NumberRule::NonNegative,
        )
        .unwrap_err();
        assert!(e.0.contains("NaN"), "{e}");
        let e = optional_number(
            "options",
            "maxAgeSecs",
            &OptionValue::String("1".into()),
            NumberRule::NonNegative,
        )
        .unwrap_err();
        assert_eq!(
            e.0,
            "Expected property `maxAgeSecs` to be of type `number` but received type `string` in object `options`"
        );
        assert_eq!(
            optional_number("o", "x", &OptionValue::Undefined, NumberRule::Positive).unwrap(),
            None
        );
        assert_eq!(
            optional_number("o", "x", &OptionValue::Number(2.5), NumberRule::NonNegative).unwrap(),
            Some(2.5)
        );
    }

    #[test]
    fn unknown_names_are_rejected_by_name() {
        let e = check_known_names("options", ["maxPoolSize", "maxPoolSise"], &["maxPoolSize"])
            .unwrap_err();
        assert!(e.0.contains("`maxPoolSise`"), "{e}");
        assert!(check_known_names("options", ["maxPoolSize"], &["maxPoolSize"]).is_ok());
    }

    #[test]
    fn dates_must_be_valid() {
        assert_eq!(
            optional_date("o", "createdAt", &OptionValue::Date(5.0)).unwrap(),
            Some(5.0)
        );
        assert!(optional_date("o", "createdAt", &OptionValue::Date(f64::NAN)).is_err());
        let e = optional_date("o", "createdAt", &OptionValue::String("2020".into())).unwrap_err();
        assert!(e.0.contains("`Date`"), "{e}");
    }

    #[test]
    fn status_code_lists_name_the_bad_item() {
        let e = status_codes(
            "options",
            "blockedStatusCodes",
            &[OptionValue::Number(1.0), OptionValue::Null],
        )
        .unwrap_err();
        assert!(
            e.0.contains("blockedStatusCodes[1]") && e.0.contains("null"),
            "{e}"
        );
    }

    #[test]
    fn js_number_text_matches_js() {
        assert_eq!(js_number_text(-1.0), "-1");
        assert_eq!(js_number_text(0.5), "0.5");
        assert_eq!(js_number_text(f64::INFINITY), "Infinity");
    }
}
