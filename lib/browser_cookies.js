'use strict'
// Lists of cookies in the browsers' (Puppeteer/Playwright) format cross to and from the native jar as one packed
// string, which plain string operations write and split much faster than JSON or N-API object access. The format
// is described in crates/session-pool-core/src/cookies/packed.rs: per cookie a flags character (0x40 + bits) and
// six fields; going to the jar each field is ended by a NUL (which JS writes cheaply), coming back each follows a
// character giving its length (which JS reads cheaply).

const SECURE = 1
const HTTP_ONLY = 2
const HAS_EXPIRES = 4
const HAS_DOMAIN = 8
const HAS_PATH = 16
const HAS_SAME_SITE = 32
const FLAGS_BASE = 0x40
// A list entry that is not a cookie (no string `name`): a flags character below FLAGS_BASE and empty fields.
const NOT_A_COOKIE = '!\0\0\0\0\0\0\0'
// What the native side puts before a JSON array when a cookie cannot be packed.
const JSON_MARK = 1
// What starts an `expires` field written as six characters of six bits.
const SECONDS_MARK = 1

// The cookie's value as Crawlee's conversion ends up writing it: strings as they are, numbers and booleans as
// their text, anything else as empty.
function valueText(value) {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return ''
}

/** Packs `cookies` (an array); the native side counts the NULs, so a field holding one is caught there. */
function packBrowserCookies(cookies) {
  let out = ''
  for (let i = 0; i < cookies.length; i++) {
    const c = cookies[i]
    if (c === null || typeof c !== 'object' || typeof c.name !== 'string') {
      out += NOT_A_COOKIE
      continue
    }
    const { expires, domain, path, sameSite } = c
    let bits = FLAGS_BASE
    if (c.secure) bits |= SECURE
    if (c.httpOnly) bits |= HTTP_ONLY
    let expiresText = ''
    if (typeof expires === 'number' && Number.isFinite(expires)) {
      bits |= HAS_EXPIRES
      expiresText = String(expires)
    }
    if (typeof domain === 'string') bits |= HAS_DOMAIN
    if (typeof path === 'string') bits |= HAS_PATH
    if (typeof sameSite === 'string') bits |= HAS_SAME_SITE
    out += String.fromCharCode(bits) + '\0' + c.name + '\0' + valueText(c.value) + '\0' + expiresText + '\0' +
      (typeof domain === 'string' ? domain : '') + '\0' + (typeof path === 'string' ? path : '') + '\0' +
      (typeof sameSite === 'string' ? sameSite : '') + '\0'
  }
  return out
}

/**
 * The cookie objects of a list the native side wrote (each field after a character giving its length), keys in
 * Crawlee's order, optional keys only when set.
 */
function unpackBrowserCookies(text) {
  if (text.charCodeAt(0) === JSON_MARK) return JSON.parse(text.slice(1))
  const out = []
  const end = text.length
  let at = 0
  while (at < end) {
    const bits = text.charCodeAt(at) - FLAGS_BASE
    let length = text.charCodeAt(at + 1)
    at += 2
    const cookie = { name: text.slice(at, at + length), value: '' }
    at += length
    length = text.charCodeAt(at)
    cookie.value = text.slice(at + 1, at + 1 + length)
    at += 1 + length
    length = text.charCodeAt(at)
    at += 1
    if (length === 7 && text.charCodeAt(at) === SECONDS_MARK) {
      // Whole seconds in six characters of six bits each (crates/session-pool-core/src/cookies/packed.rs).
      let seconds = 0
      for (let k = 1; k <= 6; k++) seconds = seconds * 64 + (text.charCodeAt(at + k) - 0x20)
      cookie.expires = seconds
    } else if (bits & HAS_EXPIRES) {
      cookie.expires = Number(text.slice(at, at + length))
    }
    at += length
    length = text.charCodeAt(at)
    if (bits & HAS_DOMAIN) cookie.domain = text.slice(at + 1, at + 1 + length)
    at += 1 + length
    length = text.charCodeAt(at)
    if (bits & HAS_PATH) cookie.path = text.slice(at + 1, at + 1 + length)
    at += 1 + length
    cookie.secure = (bits & SECURE) !== 0
    cookie.httpOnly = (bits & HTTP_ONLY) !== 0
    length = text.charCodeAt(at)
    if (bits & HAS_SAME_SITE) cookie.sameSite = text.slice(at + 1, at + 1 + length)
    at += 1 + length
    out.push(cookie)
  }
  return out
}

module.exports = { packBrowserCookies, unpackBrowserCookies }
