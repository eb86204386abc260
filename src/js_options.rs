//! Reads JS option objects into the core's `OptionValue`s, one property at a time.

use napi::bindgen_prelude::*;
use napi::{JsDate, JsValue, ValueType};
use session_pool_core::options::{OptionError, OptionValue};

/// What a JS value is, reduced to what option validation needs.
pub(crate) fn option_value(v: &Unknown) -> Result<OptionValue> {
    Ok(match v.get_type()? {
        ValueType::Undefined => OptionValue::Undefined,
        ValueType::Null => OptionValue::Null,
        ValueType::Boolean => OptionValue::Boolean(unsafe { v.cast::<bool>() }?),
        ValueType::Number => OptionValue::Number(unsafe { v.cast::<f64>() }?),
        ValueType::String => OptionValue::String(unsafe { v.cast::<String>() }?),
        ValueType::Function => OptionValue::Function,
        ValueType::Symbol => OptionValue::Symbol,
        ValueType::BigInt => OptionValue::BigInt,
        ValueType::Object => {
            if v.is_date()? {
                let d: JsDate = unsafe { v.cast() }?;
                OptionValue::Date(d.value_of()?)
            } else if v.is_array()? {
                OptionValue::Array
            } else {
                OptionValue::Object
            }
        }
        _ => OptionValue::Object,
    })
}

/// The options argument of a constructor or method: an object, or `undefined` for "no options".
pub(crate) fn options_object<'e>(
    what: &str,
    v: Option<Unknown<'e>>,
) -> Result<std::result::Result<Option<Object<'e>>, OptionError>> {
    let Some(v) = v else { return Ok(Ok(None)) };
    match option_value(&v)? {
        OptionValue::Undefined => Ok(Ok(None)),
        OptionValue::Object => Ok(Ok(Some(unsafe { v.cast::<Object>() }?))),
        other => Ok(Err(OptionError(format!(
            "Expected `{what}` to be of type `object` but received type `{}`",
            other.type_name()
        )))),
    }
}

/// The options an object holds, read once, for validation by name.
pub(crate) struct OptionValues(Vec<(&'static str, OptionValue)>);

impl OptionValues {
    /// What the object holds under `name` (`Undefined` when absent).
    pub(crate) fn get(&self, name: &str) -> OptionValue {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or(OptionValue::Undefined)
    }
}

/// Reads the options of `obj` named in `allowed`, rejecting any other own property by name (`object` names the
/// object in the message), as Crawlee's exact-shape validation does.
pub(crate) fn read_known_options(
    obj: &Object,
    object: &str,
    allowed: &'static [&'static str],
) -> Result<std::result::Result<OptionValues, OptionError>> {
    let names = own_names(obj)?;
    if let Err(e) = session_pool_core::options::check_known_names(
        object,
        names.iter().map(String::as_str),
        allowed,
    ) {
        return Ok(Err(e));
    }
    let mut values = Vec::with_capacity(names.len());
    for name in allowed {
        if names.iter().any(|n| n == name) {
            values.push((*name, get_option(obj, name)?));
        }
    }
    Ok(Ok(OptionValues(values)))
}

/// One property of an options object, as an `OptionValue`.
pub(crate) fn get_option(obj: &Object, name: &str) -> Result<OptionValue> {
    let v: Unknown = obj.get_named_property(name)?;
    option_value(&v)
}

/// The own enumerable property names, to reject the ones nobody knows.
pub(crate) fn own_names(obj: &Object) -> Result<Vec<String>> {
    Object::keys(obj)
}

/// The numbers of a JS array, or a `TypeError` naming the bad item.
pub(crate) fn number_list(
    object: &str,
    name: &str,
    v: &Unknown,
) -> Result<std::result::Result<Vec<f64>, OptionError>> {
    let arr: Array = unsafe { v.cast() }?;
    let mut items = Vec::with_capacity(arr.len() as usize);
    for i in 0..arr.len() {
        items.push(match arr.get::<Unknown>(i)? {
            Some(item) => option_value(&item)?,
            None => OptionValue::Undefined,
        });
    }
    Ok(session_pool_core::options::status_codes(
        object, name, &items,
    ))
}

/// The name `typeof` gives a value type (for messages).
pub(crate) fn type_name(t: ValueType) -> &'static str {
    match t {
        ValueType::Undefined => "undefined",
        ValueType::Null => "null",
        ValueType::Boolean => "boolean",
        ValueType::Number => "number",
        ValueType::String => "string",
        ValueType::Symbol => "symbol",
        ValueType::Object => "object",
        ValueType::Function => "function",
        ValueType::BigInt => "bigint",
        _ => "unknown",
    }
}

/// A string argument, or a `TypeError` naming it.
pub(crate) fn string_arg(
    env: &Env,
    v: Option<Unknown>,
    method: &str,
    name: &str,
) -> Result<String> {
    let found = match &v {
        Some(v) => option_value(v)?,
        None => OptionValue::Undefined,
    };
    match found {
        OptionValue::String(s) => Ok(s),
        other => Err(crate::error::type_error(
            env,
            &format!(
                "Expected argument `{name}` of `{method}` to be of type `string` but received type `{}`",
                other.type_name()
            ),
        )),
    }
}

/// A URL argument: a string, or an object with a string `href` (a WHATWG `URL`); else a `TypeError`.
pub(crate) fn url_arg(env: &Env, v: Option<Unknown>, method: &str) -> Result<String> {
    if let Some(u) = &v {
        if u.get_type()? == ValueType::Object {
            let obj: Object = unsafe { u.cast() }?;
            let href: Unknown = obj.get_named_property("href")?;
            if href.get_type()? == ValueType::String {
                return unsafe { href.cast::<String>() };
            }
        }
    }
    string_arg(env, v, method, "url")
}
