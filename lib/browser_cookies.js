'use strict'
// Lists of cookies in the browsers' (Puppeteer/Playwright) format cross to and from the native jar as one packed
// string, which plain string operations write and split much faster than JSON or N-API object access. The form,
// the same both ways, is described in crates/session-pool-core/src/cookies/packed.rs: per cookie a header of
// seven characters (a flags character, 0x40 + bits, then the length of each of the six fields in UTF-16 units),
// then the six fields back to back.

const SECURE = 1
const HTTP_ONLY = 2
const HAS_EXPIRES = 4
const HAS_DOMAIN = 8
const HAS_PATH = 16
const HAS_SAME_SITE = 32
const FLAGS_BASE = 0x40
// Every optional field given: the usual cookie, built in one object literal.
const ALL_GIVEN = HAS_EXPIRES | HAS_DOMAIN | HAS_PATH | HAS_SAME_SITE
// A list entry that is not a cookie (no string `name`): a flags character below FLAGS_BASE and empty fields.
const NOT_A_COOKIE = '!\0\0\0\0\0\0'
// What the native side puts before a JSON array when a cookie cannot be packed.
const JSON_MARK = 1
// What starts an `expires` field written as six characters of six bits.
const SECONDS_MARK = 1
// The native side writes only these sameSite values (tough's, in the browsers' case): taken by length, not sliced.
const SAME_SITE_BY_LENGTH = [undefined, undefined, undefined, 'Lax', 'None', undefined, 'Strict']
// Fields are shorter than this (a length is one character that is not a surrogate); longer ones go as JSON.
const FIELD_LIMIT = 0xd800

// The cookie's value as Crawlee's conversion ends up writing it: strings as they are, numbers and booleans as
// their text, anything else as empty.
function valueText(value) {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return ''
}

/** Packs `cookies` (an array); `null` when a field is too long for the packed form (then JSON carries them). */
function packBrowserCookies(cookies) {
  let out = ''
  for (let i = 0; i < cookies.length; i++) {
    const c = cookies[i]
    if (c === null || typeof c !== 'object' || typeof c.name !== 'string') {
      out += NOT_A_COOKIE
      continue
    }
    const { name, expires, domain, path, sameSite } = c
    const value = valueText(c.value)
    let bits = FLAGS_BASE
    if (c.secure) bits |= SECURE
    if (c.httpOnly) bits |= HTTP_ONLY
    let expiresText = ''
    if (typeof expires === 'number' && Number.isFinite(expires)) {
      bits |= HAS_EXPIRES
      expiresText = String(expires)
    }
    let d = ''
    let p = ''
    let s = ''
    if (typeof domain === 'string') {
      bits |= HAS_DOMAIN
      d = domain
    }
    if (typeof path === 'string') {
      bits |= HAS_PATH
      p = path
    }
    if (typeof sameSite === 'string') {
      bits |= HAS_SAME_SITE
      s = sameSite
    }
    if (name.length >= FIELD_LIMIT || value.length >= FIELD_LIMIT || d.length >= FIELD_LIMIT ||
      p.length >= FIELD_LIMIT || s.length >= FIELD_LIMIT) return null
    out += String.fromCharCode(bits, name.length, value.length, expiresText.length, d.length, p.length, s.length) +
      name + value + expiresText + d + p + s
  }
  return out
}

/** The `sameSite` text at `from..to` of a packed list: one of the native side's constants when it is one. */
function sameSiteAt(text, from, to) {
  return SAME_SITE_BY_LENGTH[to - from] ?? text.slice(from, to)
}

/** The cookie objects of a packed list the native side wrote, keys in Crawlee's order, optional keys only when set. */
function unpackBrowserCookies(text) {
  if (text.charCodeAt(0) === JSON_MARK) return JSON.parse(text.slice(1))
  const out = []
  const end = text.length
  let at = 0
  while (at < end) {
    const bits = text.charCodeAt(at) - FLAGS_BASE
    const nameEnd = at + 7 + text.charCodeAt(at + 1)
    const valueEnd = nameEnd + text.charCodeAt(at + 2)
    const expiresEnd = valueEnd + text.charCodeAt(at + 3)
    const domainEnd = expiresEnd + text.charCodeAt(at + 4)
    const pathEnd = domainEnd + text.charCodeAt(at + 5)
    const sameSiteEnd = pathEnd + text.charCodeAt(at + 6)
    const name = text.slice(at + 7, nameEnd)
    const value = text.slice(nameEnd, valueEnd)
    let expires
    if (expiresEnd - valueEnd === 7 && text.charCodeAt(valueEnd) === SECONDS_MARK) {
      // Whole seconds in six characters of six bits each (crates/session-pool-core/src/cookies/packed.rs).
      expires = 0
      for (let k = valueEnd + 1; k < expiresEnd; k++) expires = expires * 64 + (text.charCodeAt(k) - 0x20)
    } else if (bits & HAS_EXPIRES) {
      expires = Number(text.slice(valueEnd, expiresEnd))
    }
    const secure = (bits & SECURE) !== 0
    const httpOnly = (bits & HTTP_ONLY) !== 0
    if ((bits & ALL_GIVEN) === ALL_GIVEN) {
      const domain = text.slice(expiresEnd, domainEnd)
      const path = text.slice(domainEnd, pathEnd)
      const sameSite = sameSiteAt(text, pathEnd, sameSiteEnd)
      out.push({ name, value, expires, domain, path, secure, httpOnly, sameSite })
    } else {
      const cookie = { name, value }
      if (bits & HAS_EXPIRES) cookie.expires = expires
      if (bits & HAS_DOMAIN) cookie.domain = text.slice(expiresEnd, domainEnd)
      if (bits & HAS_PATH) cookie.path = text.slice(domainEnd, pathEnd)
      cookie.secure = secure
      cookie.httpOnly = httpOnly
      if (bits & HAS_SAME_SITE) cookie.sameSite = sameSiteAt(text, pathEnd, sameSiteEnd)
      out.push(cookie)
    }
    at = sameSiteEnd
  }
  return out
}

module.exports = { packBrowserCookies, unpackBrowserCookies }
