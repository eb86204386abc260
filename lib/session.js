'use strict'
// The JS half of Session: the cookie methods that take or return objects. Reading a response's headers or
// building cookie objects is what JS does fastest; the native side gets and gives strings (src/fast_paths.rs,
// src/session.rs), and every cookie rule stays in the core.

const { packBrowserCookies, unpackBrowserCookies } = require('./browser_cookies.js')
const { markInSlot, MARK_GOOD, MARK_BAD, RETIRE } = require('./pool_slots.js')

const EVENT_SESSION_RETIRED = 'sessionRetired'

// What the native marks do after retiring a session: tell its pool (any EventEmitter) through `sessionRetired`.
function emitRetired(session) {
  const pool = session.sessionPool
  if (pool !== null && typeof pool === 'object' && typeof pool.emit === 'function') {
    pool.emit(EVENT_SESSION_RETIRED, session)
  }
}

function headersOf(response) {
  const headers = typeof response.headers === 'function' ? response.headers() : response.headers
  return headers && typeof headers === 'object' ? headers : undefined
}

// `set-cookie` as a list of header values, whatever shape the HTTP client gives: a plain object (Node's
// http, got, Puppeteer and Playwright, any letter case), a fetch `Headers` or a `Map`.
function setCookieValues(headers) {
  if (typeof headers.getSetCookie === 'function') return headers.getSetCookie()
  let raw = headers['set-cookie']
  if (raw === undefined && typeof headers.get === 'function') raw = headers.get('set-cookie')
  if (raw === undefined || raw === null) {
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase() === 'set-cookie') {
        raw = headers[name]
        break
      }
    }
  }
  if (raw === undefined || raw === null || raw === '') return []
  // Only strings are cookies (Crawlee's tough-cookie parses nothing else); clients give strings, so a copy
  // without the rest (and without holes) is made only when needed.
  if (!Array.isArray(raw)) return typeof raw === 'string' ? [raw] : []
  for (let i = 0; i < raw.length; i++) {
    if (typeof raw[i] !== 'string') return raw.filter((value) => typeof value === 'string')
  }
  return raw
}

function urlString(url) {
  if (typeof url === 'string') return url
  if (url && typeof url.href === 'string') return url.href
  return undefined
}

function installSessionMethods(Session) {
  const proto = Session.prototype

  // The marks of a session its pool holds go straight to the pool's slot (lib/pool_slots.js); the others, and
  // anything that is not a Session, go to the native methods (src/fast_paths.rs), which check their receiver.
  const nativeMarkGood = proto.markGood
  const nativeMarkBad = proto.markBad
  const nativeRetire = proto.retire
  function markVia(session, kind, fallback) {
    const retired = session !== null && typeof session === 'object' ? markInSlot(session, kind) : undefined
    if (retired === undefined) return fallback.call(session)
    if (retired) emitRetired(session)
    return undefined
  }
  /** Heals the error score a little and counts a use; retires the session at its maxUsageCount. */
  function markGood() {
    return markVia(this, MARK_GOOD, nativeMarkGood)
  }
  /** Raises the error score and counts a use; retires the session at its maxErrorScore or maxUsageCount. */
  function markBad() {
    return markVia(this, MARK_BAD, nativeMarkBad)
  }
  /** Makes the session unusable and emits `sessionRetired` on its pool (once). */
  function retire() {
    return markVia(this, RETIRE, nativeRetire)
  }

  /** Stores the cookies of a response's `set-cookie` header; bad cookies are skipped, nothing throws. */
  function setCookiesFromResponse(response) {
    if (!response || typeof response !== 'object') return
    try {
      const headers = headersOf(response)
      if (!headers) return
      const values = setCookieValues(headers)
      if (values.length === 0) return
      const url = urlString(typeof response.url === 'function' ? response.url() : response.url)
      // Up to four values per call, each its own string argument (src/fast_paths.rs).
      for (let i = 0; i < values.length; i += 4) {
        this._setCookieValues(url, values[i], values[i + 1], values[i + 2], values[i + 3])
      }
    } catch {
      // Crawlee logs and carries on when a response cannot be read; so do we.
    }
  }

  // A URL given as a string takes the raw native path (src/fast_paths.rs); anything else the generated method,
  // which reads URL objects and names a bad argument in its TypeError.
  const generatedGetCookieString = proto.getCookieString
  /** The `Cookie` header value for `url` (`a=1; b=2`); throws without a URL. */
  function getCookieString(url) {
    if (typeof url === 'string') return this._cookieStringFor(url)
    return generatedGetCookieString.call(this, url)
  }

  /** Stores cookies in the browsers' (Puppeteer/Playwright) format for `url`; bad ones are skipped. */
  function setCookies(cookies, url) {
    if (!Array.isArray(cookies)) {
      throw new TypeError(`Expected argument \`cookies\` of \`setCookies\` to be an Array of cookies but received type \`${typeof cookies}\``)
    }
    const href = urlString(url)
    const packed = packBrowserCookies(cookies)
    if (packed === null || this._setBrowserCookiesPacked(packed, cookies.length, href) === -1) {
      // A field too long for the packed form (or a text the native side could not read as that many cookies):
      // JSON carries anything.
      this._setBrowserCookiesJson(JSON.stringify(cookies), href)
    }
  }

  /** The cookies for `url` in the browsers' format, ready for `page.setCookie` / `context.addCookies`. */
  function getCookies(url) {
    const href = urlString(url)
    // A string takes the raw native path (src/fast_paths.rs); anything else the generated method, which names a
    // bad argument in its TypeError.
    return unpackBrowserCookies(typeof href === 'string' ? this._browserCookiesPackedFor(href) : this._getBrowserCookiesPacked(url))
  }

  const methods = {
    getCookieString,
    markGood,
    markBad,
    retire,
    setCookiesFromResponse,
    putResponse: setCookiesFromResponse,
    setCookies,
    putPuppeteerCookies: setCookies,
    setPuppeteerCookies: setCookies,
    getCookies,
    getPuppeteerCookies: getCookies,
  }
  for (const [name, fn] of Object.entries(methods)) {
    Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true, enumerable: false })
  }
}

module.exports = { installSessionMethods }
