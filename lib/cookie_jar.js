'use strict'
// The JS half of CookieJar: tough-cookie's synchronous API shape (cookie objects with Dates, toJSON objects),
// built from the one JSON string each native call returns (src/cookie_jar.rs).

function urlString(url, method) {
  if (typeof url === 'string') return url
  if (url && typeof url.href === 'string') return url.href
  throw new TypeError(`Expected argument \`url\` of \`${method}\` to be of type \`string\` but received type \`${url === null ? 'null' : typeof url}\``)
}

const kJson = Symbol('json')

// tough-cookie's canonical SameSite spellings for Set-Cookie output.
const sameSiteText = { strict: 'Strict', lax: 'Lax', none: 'None' }

const cookieProto = {
  /** `key=value`, as sent in a Cookie header. */
  cookieString() {
    const value = this.value ?? ''
    return this.key ? `${this.key}=${value}` : value
  },
  /** The cookie as a Set-Cookie header value, attributes included (tough-cookie's `toString`). */
  toString() {
    let out = this.cookieString()
    if (this.expires instanceof Date) out += `; Expires=${this.expires.toUTCString()}`
    if (this.maxAge !== null && this.maxAge !== undefined && this.maxAge !== 'Infinity' && this.maxAge !== Infinity) {
      out += `; Max-Age=${this.maxAge}`
    }
    if (this.domain && !this.hostOnly) out += `; Domain=${this.domain}`
    if (this.path) out += `; Path=${this.path}`
    if (this.secure) out += '; Secure'
    if (this.httpOnly) out += '; HttpOnly'
    if (this.sameSite) {
      out += `; SameSite=${sameSiteText[String(this.sameSite).toLowerCase()] ?? this.sameSite}`
    }
    if (Array.isArray(this.extensions)) for (const ext of this.extensions) out += `; ${ext}`
    return out
  },
  /** The cookie's tough-cookie JSON form. */
  toJSON() {
    return { ...this[kJson] }
  },
}

const dateFields = ['expires', 'creation', 'lastAccessed']

// The values tough-cookie's Cookie has when its JSON leaves a field out.
const cookieDefaults = {
  key: '',
  value: '',
  expires: 'Infinity',
  maxAge: null,
  domain: null,
  path: null,
  secure: false,
  httpOnly: false,
  extensions: null,
  hostOnly: null,
  pathIsDefault: null,
  creation: null,
  lastAccessed: null,
  sameSite: undefined,
}

// A cookie as tough-cookie's getCookiesSync gives it: its fields (defaults filled in), Dates where tough has
// Dates, and the JSON it came from for toJSON().
function toCookie(json) {
  const cookie = Object.create(cookieProto)
  Object.defineProperty(cookie, kJson, { value: json })
  for (const [k, def] of Object.entries(cookieDefaults)) {
    const v = k in json ? json[k] : def
    cookie[k] = dateFields.includes(k) && typeof v === 'string' && v !== 'Infinity' ? new Date(v) : v
  }
  for (const [k, v] of Object.entries(json)) if (!(k in cookieDefaults)) cookie[k] = v
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
