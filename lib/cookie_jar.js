'use strict'
// The JS half of CookieJar: tough-cookie's synchronous API shape (cookie objects with Dates, toJSON objects),
// built from the one JSON string each native call returns (src/cookie_jar.rs).

function urlString(url, method) {
  if (typeof url === 'string') return url
  if (url && typeof url.href === 'string') return url.href
  throw new TypeError(`Expected argument \`url\` of \`${method}\` to be of type \`string\` but received type \`${url === null ? 'null' : typeof url}\``)
}

const cookieProto = {
  /** `key=value`, as sent in a Cookie header. */
  cookieString() {
    return this.key === '' ? this.value : `${this.key}=${this.value}`
  },
  toString() {
    return this.cookieString()
  },
  /** The cookie's tough-cookie JSON form. */
  toJSON() {
    const out = {}
    for (const [k, v] of Object.entries(this)) out[k] = v instanceof Date ? v.toISOString() : v
    return out
  },
}

const dateFields = ['expires', 'creation', 'lastAccessed']

// A cookie as tough-cookie's getCookiesSync gives it: its JSON fields, with Dates where tough has Dates.
function toCookie(json) {
  const cookie = Object.create(cookieProto)
  for (const [k, v] of Object.entries(json)) {
    cookie[k] = dateFields.includes(k) && typeof v === 'string' && v !== 'Infinity' ? new Date(v) : v
  }
  if (!('expires' in json)) cookie.expires = 'Infinity'
  return cookie
}

function installCookieJarMethods(CookieJar) {
  const proto = CookieJar.prototype
  const methods = {
    /** Stores a cookie (a `Set-Cookie` string or a cookie object) for `url`; throws like tough-cookie. */
    setCookieSync(cookie, url, options) {
      const href = urlString(url, 'setCookieSync')
      try {
        let json
        if (typeof cookie === 'string') json = this._setCookie(cookie, href)
        else if (cookie && typeof cookie === 'object') json = this._setCookieJson(JSON.stringify(cookie), href)
        else throw new TypeError(`Expected argument \`cookie\` of \`setCookieSync\` to be a string or a Cookie but received type \`${cookie === null ? 'null' : typeof cookie}\``)
        return json == null ? undefined : toCookie(JSON.parse(json))
      } catch (err) {
        if (options && options.ignoreError) return undefined
        throw err
      }
    },
    /** The cookies to send to `url`, in tough-cookie's order. */
    getCookiesSync(url) {
      return JSON.parse(this._getCookiesJson(urlString(url, 'getCookiesSync'))).map(toCookie)
    },
    /** tough-cookie's serialized jar. */
    toJSON() {
      return JSON.parse(this._toJSONString())
    },
    serializeSync() {
      return JSON.parse(this._toJSONString())
    },
  }
  for (const [name, fn] of Object.entries(methods)) {
    Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true, enumerable: false })
  }
  /** A jar from tough-cookie's serialized form (object or JSON string). */
  function fromJSON(json) {
    const jar = new CookieJar()
    jar._loadJSONString(typeof json === 'string' ? json : JSON.stringify(json))
    return jar
  }
  Object.defineProperty(CookieJar, 'fromJSON', { value: fromJSON, writable: true, configurable: true })
  Object.defineProperty(CookieJar, 'deserializeSync', { value: fromJSON, writable: true, configurable: true })
}

module.exports = { installCookieJarMethods }
