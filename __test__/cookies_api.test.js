'use strict'
// Every cookie method and alias of Session and CookieJar through the package entry, with the real tough-cookie
// 6.1.0 and Crawlee 3.18.1 as the reference: response shapes, browser (Puppeteer/Playwright) format, errors,
// identity, and JSON interop both ways.
const { describe, test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { EventEmitter } = require('node:events')

process.env.CRAWLEE_STORAGE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'spr-cookies-api-'))
const crawlee = require('@crawlee/core')
const tough = require('tough-cookie')
const { Session, CookieJar } = require('session-pool-rs')

const URL_WWW = 'https://www.example.com/shop/cart'
const YEAR_2100 = 'Fri, 01 Jan 2100 00:00:00 GMT' // 4102444800 s
const Y2100_SECS = 4102444800

const ourSession = (opts = {}) => new Session({ sessionPool: new EventEmitter(), ...opts })
const crawleeSession = (opts = {}) => new crawlee.Session({ sessionPool: new EventEmitter(), ...opts })

/** A serialized jar without the times that depend on when it was made. */
function timeless(json) {
  return { ...json, cookies: json.cookies.map(({ creation, lastAccessed, ...rest }) => rest) }
}

/** Crawlee's browser-format cookie without its `undefined` keys: what ours must equal, but for `sameSite`. */
function withoutUndefined(c) {
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined))
}

/** Runs `fn`, returns what it threw (failing if it did not throw). */
function thrown(fn) {
  try {
    fn()
  } catch (err) {
    return err
  }
  assert.fail('expected a throw')
}

// Cookies of every kind, as Set-Cookie headers from URL_WWW.
const HEADERS = [
  `dom=1; Domain=example.com; Path=/; Secure; HttpOnly; SameSite=Strict; Expires=${YEAR_2100}`,
  'host=2; Path=/; SameSite=Lax',
  'deflt=3', // default path /shop
  'maxage=4; Max-Age=86400; Path=/; SameSite=None; Secure',
  `both=5; Max-Age=86400; Expires=${YEAR_2100}; Path=/shop`,
  'ext=6; Path=/; Priority=High; Partitioned',
]

describe('module exports', () => {
  test('CookieJar is a class with the static loaders', () => {
    assert.equal(typeof CookieJar, 'function')
    const jar = new CookieJar()
    assert.ok(jar instanceof CookieJar)
    assert.equal(typeof CookieJar.fromJSON, 'function')
    assert.equal(typeof CookieJar.deserializeSync, 'function')
    for (const m of ['setCookieSync', 'getCookiesSync', 'getCookieStringSync', 'toJSON', 'serializeSync', 'removeAllCookiesSync']) {
      assert.equal(typeof jar[m], 'function', m)
    }
  })

  test('Session has every cookie method and alias', () => {
    const s = ourSession()
    for (const m of ['setCookiesFromResponse', 'putResponse', 'setCookies', 'putPuppeteerCookies', 'setPuppeteerCookies',
      'getCookies', 'getPuppeteerCookies', 'getCookieString', 'setCookie']) {
      assert.equal(typeof s[m], 'function', m)
    }
  })
})

describe('setCookiesFromResponse and putResponse', () => {
  const URL_A = 'https://www.example.com/'

  for (const method of ['setCookiesFromResponse', 'putResponse']) {
    test(`${method}: Node http style (lowercase set-cookie array, url string)`, () => {
      const s = ourSession()
      assert.equal(s[method]({ url: URL_WWW, headers: { 'set-cookie': HEADERS, 'content-type': 'text/html' } }), undefined)
      assert.equal(s.getCookieString(URL_WWW), 'deflt=3; both=5; dom=1; host=2; maxage=4; ext=6')
    })

    test(`${method}: Puppeteer/Playwright style (headers() and url() functions, newline-joined value)`, () => {
      const s = ourSession()
      s[method]({ url: () => URL_WWW, headers: () => ({ 'set-cookie': HEADERS.join('\n') }) })
      assert.equal(s.getCookieString(URL_WWW), 'deflt=3; both=5; dom=1; host=2; maxage=4; ext=6')
    })

    test(`${method}: header name in any letter case, single string value`, () => {
      for (const name of ['Set-Cookie', 'SET-COOKIE', 'sEt-CoOkIe']) {
        const s = ourSession()
        s[method]({ url: URL_A, headers: { [name]: 'a=1' } })
        assert.equal(s.getCookieString(URL_A), 'a=1', name)
      }
      const s = ourSession()
      s[method]({ url: URL_A, headers: { 'Set-Cookie': ['a=1', 'b=2'] } })
      assert.equal(s.getCookieString(URL_A), 'a=1; b=2')
    })

    test(`${method}: fetch Headers of a real Response, url as a URL object`, () => {
      const response = new Response('body', { headers: [['set-cookie', 'a=1'], ['Set-Cookie', 'b=2; Path=/'], ['x-other', 'y']] })
      assert.deepEqual(response.headers.getSetCookie(), ['a=1', 'b=2; Path=/'])
      const s = ourSession()
      s[method]({ url: new URL(URL_A), headers: response.headers })
      assert.equal(s.getCookieString(URL_A), 'a=1; b=2')
    })

    test(`${method}: values holding a NUL give what Crawlee gives`, () => {
      // Each value crosses to the native side as its own string, NULs and all.
      const cases = [
        ['a=1\u0000x', 'b=2'],
        ['a=1', 'b=2\u0000; Path=/', 'c=3'],
        ['\u0000', 'd=4'],
        ['i=9\u0000'],
        ['j=10\u0000; Domain=other.com', 'k=11\r'],
      ]
      for (const values of cases) {
        const o = ourSession()
        const c = crawleeSession()
        o[method]({ url: URL_A, headers: { 'set-cookie': values } })
        c.setCookiesFromResponse({ url: URL_A, headers: { 'set-cookie': values } })
        assert.equal(o.getCookieString(URL_A), c.getCookieString(URL_A), JSON.stringify(values))
      }
      // Newlines split a value into cookies here (README, Differences from Crawlee), with or without a NUL.
      const s = ourSession()
      s[method]({ url: URL_A, headers: { 'set-cookie': ['e=5\r\nf=6', 'g=7\nh=8\u0000x'] } })
      assert.equal(s.getCookieString(URL_A), 'e=5; f=6; g=7; h=8')
    })

    test(`${method}: any number of values as Crawlee stores them; entries that are not strings, and holes, skipped as Crawlee does`, () => {
      // Values cross four per native call: 1, 4, 5, 9 values cover a partial, a full and a second call.
      for (const count of [1, 4, 5, 9]) {
        const values = Array.from({ length: count }, (_, i) => `v${i}=${i}; Path=/`)
        const o = ourSession()
        const c = crawleeSession()
        o[method]({ url: URL_A, headers: { 'set-cookie': values } })
        c.setCookiesFromResponse({ url: URL_A, headers: { 'set-cookie': values } })
        assert.equal(o.getCookieString(URL_A), c.getCookieString(URL_A), `${count} values`)
        assert.equal(o.getCookieString(URL_A).split('; ').length, count)
      }
      // Entries that are not strings, and holes, are skipped as Crawlee skips them; the rest are stored.
      for (const values of [['a=1', 42, { toString: () => 'b=2' }, 'c=3'], ['a=1', , 'b=2', , , 'c=3'], 42]) {
        const o = ourSession()
        const c = crawleeSession()
        o[method]({ url: URL_A, headers: { 'set-cookie': values } })
        c.setCookiesFromResponse({ url: URL_A, headers: { 'set-cookie': values } })
        assert.equal(o.getCookieString(URL_A), c.getCookieString(URL_A), String(values))
      }
      const o = ourSession()
      o[method]({ url: URL_A, headers: { 'set-cookie': ['a=1', , 'b=2', 7, 'c=3'] } })
      assert.equal(o.getCookieString(URL_A), 'a=1; b=2; c=3')
    })

    test(`${method}: bad, foreign and insecure cookies are skipped without a throw`, () => {
      const s = ourSession()
      s[method]({
        url: 'http://www.example.com/',
        headers: {
          'set-cookie': ['good=1', 'bad', 'foreign=1; Domain=other.com', 'suffix=1; Domain=com', 'sec=1; Secure',
            '__Host-x=1', '', 'good2=2\n\nbad2\nfine=3; Path=/'],
        },
      })
      assert.equal(s.getCookieString('http://www.example.com/'), 'good=1; good2=2; fine=3')
    })

    test(`${method}: nothing to read is not an error`, () => {
      const s = ourSession()
      const shapes = [
        { url: URL_A, headers: {} },
        { url: URL_A, headers: { 'set-cookie': [] } },
        { url: URL_A, headers: { 'set-cookie': '' } },
        { url: URL_A, headers: null },
        { url: URL_A },
        { headers: { 'set-cookie': 'a=1' } }, // no url
        { url: 'not a url', headers: { 'set-cookie': 'a=1' } },
        { url: URL_A, headers: () => { throw new Error('closed') } },
        undefined,
        null,
        'x',
      ]
      for (const shape of shapes) assert.doesNotThrow(() => s[method](shape), JSON.stringify(shape))
      assert.equal(s.getCookieString(URL_A), '')
    })
  }

  test('Crawlee stores the same cookies from a Node http-style response', () => {
    const response = { url: URL_WWW, headers: { 'set-cookie': HEADERS } }
    const o = ourSession()
    const c = crawleeSession()
    o.setCookiesFromResponse(response)
    c.setCookiesFromResponse(response)
    for (const url of [URL_WWW, 'https://example.com/', 'http://www.example.com/shop/x', 'https://sub.example.com/shop/']) {
      assert.equal(o.getCookieString(url), c.getCookieString(url), url)
    }
    assert.deepEqual(timeless(o.getState().cookieJar), timeless(c.getState().cookieJar))
  })

  test('documented difference: Crawlee reads only a lowercase header and only the first line of a joined one', () => {
    const joined = { url: URL_A, headers: () => ({ 'set-cookie': 'a=1\nb=2' }) }
    const mixed = { url: URL_A, headers: { 'Set-Cookie': 'a=1' } }
    const c1 = crawleeSession()
    c1.setCookiesFromResponse(joined)
    assert.equal(c1.getCookieString(URL_A), 'a=1')
    const c2 = crawleeSession()
    c2.setCookiesFromResponse(mixed)
    assert.equal(c2.getCookieString(URL_A), '')
    const o1 = ourSession()
    o1.setCookiesFromResponse(joined)
    assert.equal(o1.getCookieString(URL_A), 'a=1; b=2')
    const o2 = ourSession()
    o2.setCookiesFromResponse(mixed)
    assert.equal(o2.getCookieString(URL_A), 'a=1')
  })
})

describe('setCookie', () => {
  test('stores one raw cookie for a URL string or URL object; returns undefined', () => {
    const s = ourSession()
    assert.equal(s.setCookie('a=1; Path=/', 'https://www.example.com/x'), undefined)
    assert.equal(s.setCookie('b=2; Path=/', new URL('https://www.example.com/y')), undefined)
    assert.equal(s.getCookieString('https://www.example.com/'), 'a=1; b=2')
  })

  test('a cookie with the same domain, path and name replaces the old one in place', () => {
    const s = ourSession()
    s.setCookie('a=1; Path=/', URL_WWW)
    s.setCookie('b=2; Path=/', URL_WWW)
    s.setCookie('a=3; Path=/', URL_WWW)
    assert.equal(s.getCookieString(URL_WWW), 'a=3; b=2')
    s.setCookie('a=4; Path=/shop', URL_WWW)
    assert.equal(s.getCookieString(URL_WWW), 'a=4; a=3; b=2', 'a longer path is sent first')
    s.setCookie('a=gone; Path=/; Max-Age=0', URL_WWW)
    assert.equal(s.getCookieString(URL_WWW), 'a=4; b=2', 'an expired namesake deletes it')
  })

  // Each bad case, with the Error message tough-cookie (and so Crawlee) throws.
  const rejected = [
    ['bad', 'http://www.example.com/', 'Cookie failed to parse'],
    ['', 'http://www.example.com/', 'Cookie failed to parse'],
    ['a=1; Domain=other.com', 'http://www.example.com/', 'Cookie not in this host\'s domain. Cookie:other.com Request:www.example.com'],
    ['a=1; Domain=sub.www.example.com', 'http://www.example.com/', 'Cookie not in this host\'s domain. Cookie:sub.www.example.com Request:www.example.com'],
    ['a=1; Domain=com', 'http://www.example.com/', 'Cookie has domain set to a public suffix'],
    ['a=1; Domain=co.uk', 'http://www.example.co.uk/', 'Cookie has domain set to a public suffix'],
    ['a=1; Domain=github.io', 'https://user.github.io/', 'Cookie has domain set to a public suffix'],
    ['a=1; Secure', 'http://www.example.com/', 'Cookie is Secure but this is not a secure connection'],
  ]
  for (const [raw, url, message] of rejected) {
    test(`throws Error(${JSON.stringify(message)}) for ${JSON.stringify(raw)} from ${url}, as Crawlee does`, () => {
      const ours = thrown(() => ourSession().setCookie(raw, url))
      assert.ok(ours instanceof Error)
      assert.ok(!(ours instanceof TypeError))
      assert.equal(ours.message, message)
      const theirs = thrown(() => crawleeSession().setCookie(raw, url))
      assert.equal(theirs.message, message)
    })
  }

  test('a cookie dropped by the __Secure-/__Host- prefix rules is not an error (tough\'s silent default)', () => {
    const s = ourSession()
    assert.doesNotThrow(() => s.setCookie('__Host-a=1; Path=/', 'https://www.example.com/'))
    assert.doesNotThrow(() => s.setCookie('__Secure-b=1', 'https://www.example.com/'))
    s.setCookie('__Host-ok=1; Path=/; Secure', 'https://www.example.com/')
    s.setCookie('__Secure-ok=1; Secure', 'https://www.example.com/')
    assert.equal(s.getCookieString('https://www.example.com/'), '__Host-ok=1; __Secure-ok=1')
  })

  test('Secure cookies are accepted from localhost and loopback IPs over http', () => {
    for (const url of ['http://localhost:3000/', 'http://127.0.0.1/', 'http://[::1]/']) {
      const s = ourSession()
      s.setCookie('s=1; Secure; Path=/', url)
      assert.equal(s.getCookieString(url), 's=1', url)
    }
  })

  test('a missing or unusable URL is a TypeError', () => {
    const s = ourSession()
    const missing = thrown(() => s.setCookie('a=1'))
    assert.ok(missing instanceof TypeError)
    assert.match(missing.message, /`url`/)
    const invalid = thrown(() => s.setCookie('a=1', 'not a url'))
    assert.ok(invalid instanceof TypeError)
    assert.equal(invalid.message, 'Invalid URL')
    assert.throws(() => s.setCookie('a=1', 42), TypeError)
    assert.throws(() => s.setCookie(42, 'http://www.example.com/'), TypeError)
    // Crawlee throws too (tough's ParameterError for a missing URL, TypeError for an invalid one).
    assert.throws(() => crawleeSession().setCookie('a=1'))
    assert.throws(() => crawleeSession().setCookie('a=1', 'not a url'), TypeError)
  })
})

describe('getCookieString', () => {
  test('matches domain, host-only, path, Secure and sends longer paths first, then older', () => {
    const s = ourSession()
    s.setCookie('older=1; Path=/', 'https://www.example.com/')
    s.setCookie('dom=2; Domain=example.com; Path=/', 'https://www.example.com/')
    s.setCookie('deep=3; Path=/a/b', 'https://www.example.com/')
    s.setCookie('mid=4; Path=/a', 'https://www.example.com/')
    s.setCookie('sec=5; Path=/; Secure', 'https://www.example.com/')
    s.setCookie('http=6; Path=/; HttpOnly', 'https://www.example.com/')
    assert.equal(s.getCookieString('https://www.example.com/a/b/c'), 'deep=3; mid=4; older=1; dom=2; sec=5; http=6')
    assert.equal(s.getCookieString('http://www.example.com/a'), 'mid=4; older=1; dom=2; http=6')
    assert.equal(s.getCookieString('https://www.example.com/ab'), 'older=1; dom=2; sec=5; http=6')
    assert.equal(s.getCookieString('https://sub.example.com/a/b'), 'dom=2', 'only the domain cookie goes to a subdomain')
    assert.equal(s.getCookieString('https://example.com/'), 'dom=2')
    assert.equal(s.getCookieString('https://other.com/'), '')
    assert.equal(s.getCookieString(new URL('https://www.example.com/a')), 'mid=4; older=1; dom=2; sec=5; http=6')
  })

  test('long values and URLs, with multi-byte characters where the native read first stops, read back whole', () => {
    // The native side first reads a string into 512 bytes of room and asks for the length only when it may not
    // have fit: lengths around that edge, made of 1-, 2-, 3- and 4-byte UTF-8 characters, must all read whole.
    for (const unit of ['a', 'é', '€', '😀']) {
      for (let bytes = 490; bytes <= 530; bytes += 1) {
        const width = Buffer.byteLength(unit)
        const value = 'v'.repeat(bytes % width) + unit.repeat(Math.floor(bytes / width))
        const deep = `/${'p'.repeat(bytes)}`
        const url = `https://www.example.com${deep}/${unit}`
        const ours = ourSession()
        const theirs = crawleeSession()
        for (const s of [ours, theirs]) {
          s.setCookiesFromResponse({ url, headers: { 'set-cookie': [`long=${value}; Path=${deep}`, `short=1; Path=/`] } })
        }
        assert.equal(ours.getCookieString(url), theirs.getCookieString(url), `${unit} x ${bytes}`)
        assert.ok(ours.getCookieString(url).startsWith(`long=${value}; `), `${unit} x ${bytes}`)
        assert.equal(ours.getCookieString('https://www.example.com/'), 'short=1')
      }
    }
  })

  test('a missing URL is a TypeError; an unusable one too', () => {
    const s = ourSession()
    const err = thrown(() => s.getCookieString())
    assert.ok(err instanceof TypeError)
    assert.match(err.message, /`url`/)
    assert.throws(() => s.getCookieString('not a url'), { name: 'TypeError', message: 'Invalid URL' })
  })
})

describe('setCookies and its aliases (browser format)', () => {
  const BROWSER = [
    { name: 'dom', value: 'v1', domain: '.example.com', path: '/', expires: Y2100_SECS, secure: true, httpOnly: true, sameSite: 'Strict' },
    { name: 'host', value: 'v2', domain: 'www.example.com', path: '/', expires: Y2100_SECS, sameSite: 'Lax' },
    { name: 'none', value: 'v3', domain: 'www.example.com', path: '/', expires: Y2100_SECS, secure: true, sameSite: 'None' },
    { name: 'frac', value: 'v4', domain: 'www.example.com', path: '/shop', expires: Y2100_SECS + 0.5 },
  ]

  for (const method of ['setCookies', 'putPuppeteerCookies', 'setPuppeteerCookies']) {
    test(`${method}: a leading dot makes a domain cookie, none a host-only one`, () => {
      const s = ourSession()
      assert.equal(s[method](BROWSER, URL_WWW), undefined)
      assert.equal(s.getCookieString(URL_WWW), 'frac=v4; dom=v1; host=v2; none=v3')
      assert.equal(s.getCookieString('https://sub.example.com/'), 'dom=v1')
      assert.equal(s.getCookieString('https://example.com/'), 'dom=v1')
      const stored = Object.fromEntries(s.getState().cookieJar.cookies.map((c) => [c.key, c]))
      assert.equal(stored.dom.hostOnly, false)
      assert.equal(stored.dom.domain, 'example.com')
      assert.equal(stored.host.hostOnly, true)
      assert.equal(stored.dom.sameSite, 'strict', 'stored in tough\'s lowercase form')
      assert.equal(stored.host.sameSite, 'lax')
      assert.equal(stored.none.sameSite, 'none')
      assert.equal(stored.dom.expires, '2100-01-01T00:00:00.000Z')
      assert.equal(stored.frac.expires, '2100-01-01T00:00:00.500Z')
    })

    test(`${method}: a URL object works like its href`, () => {
      const s = ourSession()
      s[method](BROWSER, new URL(URL_WWW))
      assert.equal(s.getCookieString(URL_WWW), 'frac=v4; dom=v1; host=v2; none=v3')
    })
  }

  test('expires reads back as Crawlee gives it, whole seconds or not, near or far off', () => {
    // Whole seconds below 2^36 come back from the native side in a short coded form, others as decimal text.
    const values = [Y2100_SECS + 1, Y2100_SECS + 63, Y2100_SECS + 64, Y2100_SECS + 4095, 1_900_000_000, Y2100_SECS, 2 ** 36 - 1, 2 ** 36, 8_000_000_000_000, 1_900_000_000.25, 4_000_000_000.5]
    const cookies = values.map((expires, i) => ({ name: `e${i}`, value: String(i), domain: 'www.example.com', path: '/', expires }))
    const o = ourSession()
    const c = crawleeSession()
    o.setCookies(cookies, URL_WWW)
    c.setCookies(cookies, URL_WWW)
    const byName = (list) => Object.fromEntries(list.map((k) => [k.name, k.expires]))
    assert.deepEqual(byName(o.getCookies(URL_WWW)), byName(c.getCookies(URL_WWW)))
    const got = byName(o.getCookies(URL_WWW))
    assert.equal(Object.keys(got).length, values.length, 'every cookie is still valid')
    values.forEach((expires, i) => assert.equal(got[`e${i}`], expires, `e${i}`))
  })

  test('a missing or non-positive expires means now + the session\'s maxAgeSecs', () => {
    const s = ourSession({ maxAgeSecs: 120 })
    const before = Date.now()
    s.setCookies([
      { name: 'missing', value: '1' },
      { name: 'minus', value: '2', expires: -1 },
      { name: 'zero', value: '3', expires: 0 },
      { name: 'str', value: '4', expires: '1700000000' },
      { name: 'kept', value: '5', expires: Y2100_SECS },
    ], 'https://www.example.com/')
    const after = Date.now()
    const got = Object.fromEntries(s.getCookies('https://www.example.com/').map((c) => [c.name, c]))
    assert.deepEqual(Object.keys(got).sort(), ['kept', 'minus', 'missing', 'str', 'zero'])
    for (const name of ['missing', 'minus', 'zero', 'str']) {
      const { expires } = got[name]
      assert.ok(expires >= before / 1000 + 120 && expires <= after / 1000 + 120, `${name}: ${expires} in [${before / 1000 + 120}, ${after / 1000 + 120}]`)
    }
    assert.equal(got.kept.expires, Y2100_SECS)
    assert.equal(got.missing.domain, 'www.example.com', 'no domain: host-only for the URL\'s host')
    assert.equal(got.missing.path, '/', 'no path: the default path of the URL')
  })

  test('Crawlee gives the same expiry for the same input', () => {
    const input = [{ name: 'missing', value: '1', domain: 'www.example.com', path: '/' }]
    const o = ourSession({ maxAgeSecs: 77 })
    const c = crawleeSession({ maxAgeSecs: 77 })
    const before = Date.now()
    o.setCookies(input, URL_WWW)
    c.setCookies(input, URL_WWW)
    const after = Date.now()
    for (const got of [o.getCookies(URL_WWW)[0], c.getCookies(URL_WWW)[0]]) {
      assert.ok(got.expires >= before / 1000 + 77 && got.expires <= after / 1000 + 77)
    }
  })

  test('foreign, public-suffix, insecure and nameless cookies are dropped silently', () => {
    const s = ourSession()
    assert.doesNotThrow(() => s.setCookies([
      { name: 'foreign', value: '1', domain: '.other.com' },
      { name: 'foreignHost', value: '1', domain: 'other.com' },
      { name: 'suffix', value: '1', domain: '.com' },
      { name: 'sec', value: '1', secure: true },
      { value: 'no name' },
      null,
      'str',
      { name: 'ok', value: '1', path: '/' },
    ], 'http://www.example.com/'))
    assert.equal(s.getCookieString('http://www.example.com/'), 'ok=1')
  })

  test('a non-array is a TypeError (Crawlee throws too)', () => {
    const s = ourSession()
    for (const bad of [undefined, null, 'a=1', { name: 'a', value: '1' }]) {
      assert.throws(() => s.setCookies(bad, URL_WWW), TypeError, String(bad))
      assert.throws(() => crawleeSession().setCookies(bad, URL_WWW), String(bad))
    }
  })

  test('setCookies then getCookies gives what Crawlee gives, plus sameSite', () => {
    const o = ourSession()
    const c = crawleeSession()
    o.setCookies(BROWSER, URL_WWW)
    c.setCookies(BROWSER, URL_WWW)
    const got = o.getCookies(URL_WWW)
    const expected = c.getCookies(URL_WWW)
    assert.deepEqual(got.map(({ sameSite, ...rest }) => rest), expected.map(withoutUndefined))
    // Crawlee's conversion drops sameSite on the way in; ours keeps it.
    assert.deepEqual(got.map((c) => [c.name, c.sameSite]), [['frac', undefined], ['dom', 'Strict'], ['host', 'Lax'], ['none', 'None']])
  })
})

describe('getCookies and getPuppeteerCookies (browser format)', () => {
  for (const method of ['getCookies', 'getPuppeteerCookies']) {
    test(`${method}: every field, in Crawlee's key order, sameSite when known, no undefined keys`, () => {
      const s = ourSession()
      s.setCookiesFromResponse({ url: URL_WWW, headers: { 'set-cookie': HEADERS } })
      const got = s[method](URL_WWW)
      assert.deepEqual(got, [
        { name: 'deflt', value: '3', domain: 'www.example.com', path: '/shop', secure: false, httpOnly: false },
        { name: 'both', value: '5', expires: Y2100_SECS, domain: 'www.example.com', path: '/shop', secure: false, httpOnly: false },
        { name: 'dom', value: '1', expires: Y2100_SECS, domain: '.example.com', path: '/', secure: true, httpOnly: true, sameSite: 'Strict' },
        { name: 'host', value: '2', domain: 'www.example.com', path: '/', secure: false, httpOnly: false, sameSite: 'Lax' },
        { name: 'maxage', value: '4', domain: 'www.example.com', path: '/', secure: true, httpOnly: false, sameSite: 'None' },
        { name: 'ext', value: '6', domain: 'www.example.com', path: '/', secure: false, httpOnly: false },
      ])
      assert.deepEqual(Object.keys(got[2]), ['name', 'value', 'expires', 'domain', 'path', 'secure', 'httpOnly', 'sameSite'])
      assert.deepEqual(s[method](new URL(URL_WWW)), got)
      assert.deepEqual(s[method]('http://www.example.com/'), [
        { name: 'host', value: '2', domain: 'www.example.com', path: '/', secure: false, httpOnly: false, sameSite: 'Lax' },
        { name: 'ext', value: '6', domain: 'www.example.com', path: '/', secure: false, httpOnly: false },
      ], 'no Secure cookie over http')
    })
  }

  test('equal to Crawlee\'s getCookies for the same cookies, but for sameSite and undefined keys', () => {
    const o = ourSession()
    const c = crawleeSession()
    for (const s of [o, c]) s.setCookiesFromResponse({ url: URL_WWW, headers: { 'set-cookie': HEADERS } })
    for (const url of [URL_WWW, 'https://example.com/', 'http://www.example.com/shop/', 'https://a.b.example.com/']) {
      const got = o.getCookies(url)
      const expected = c.getCookies(url)
      assert.deepEqual(got.map(({ sameSite, ...rest }) => rest), expected.map(withoutUndefined), url)
      // The keys Crawlee sets to undefined are absent here.
      for (const [i, e] of expected.entries()) {
        for (const [k, v] of Object.entries(e)) if (v === undefined) assert.equal(k in got[i], false, `${url} ${e.name}.${k}`)
      }
    }
  })

  test('cookies with a NUL or other control characters in a field go both ways as Crawlee\'s do', () => {
    // Lists cross to and from the native jar in a packed text where each field goes by its length: a NUL or any
    // other control character in a field is carried like any character.
    const input = [
      { name: 'nul', value: 'a\u0000b', domain: 'www.example.com', path: '/', expires: Y2100_SECS },
      { name: 'ctl', value: 'a\u0001\u007fb', domain: 'www.example.com', path: '/', expires: Y2100_SECS + 0.25 },
      { name: 'uni', value: 'ž€😀', domain: '.example.com', path: '/', expires: Y2100_SECS, sameSite: 'lax' },
    ]
    for (const order of [input, [...input].reverse()]) {
      const o = ourSession()
      const c = crawleeSession()
      o.setCookies(order, URL_WWW)
      c.setCookies(order, URL_WWW)
      const got = o.getCookies(URL_WWW)
      assert.deepEqual(got.map(({ sameSite, ...rest }) => rest), c.getCookies(URL_WWW).map(withoutUndefined))
      assert.equal(o.getCookieString(URL_WWW), c.getCookieString(URL_WWW))
    }
    const s = ourSession()
    s.setCookies(input.slice(1), URL_WWW)
    assert.deepEqual(s.getCookies(URL_WWW).map((c) => [c.name, c.value, c.expires, c.sameSite]), [
      ['ctl', 'a\u0001\u007fb', Y2100_SECS + 0.25, undefined],
      ['uni', 'ž€😀', Y2100_SECS, 'Lax'],
    ])
  })

  test('lists go to the jar packed, whatever characters their fields hold; only too-long fields go as JSON', () => {
    // White-box: the packed text JS writes is read natively as exactly that many entries (else the list would be
    // sent again as JSON, which is slower but gives the same cookies).
    const { packBrowserCookies } = require('../lib/browser_cookies.js')
    const odd = ['a\u0000b', '\u0001\u007f', 'ž€😀', 'x\ud800y', '\udfff', 'é'.repeat(300)]
    const list = [null, 'x', { name: 1 }]
    for (const [i, text] of odd.entries()) {
      list.push({ name: `n${i}`, value: text, domain: 'www.example.com', path: '/', expires: Y2100_SECS + i / 4, sameSite: 'Lax' })
      list.push({ name: text, value: text, secure: true, httpOnly: true })
    }
    const s = ourSession()
    const packed = packBrowserCookies(list)
    assert.equal(typeof packed, 'string')
    // The three entries that are not cookies are the only ones not stored.
    assert.equal(s._setBrowserCookiesPacked(packed, list.length, URL_WWW), 3)
    const got = new Map(s.getCookies(URL_WWW).map((c) => [c.name, c]))
    for (const [i, text] of odd.entries()) {
      // N-API hands text over as UTF-8, where a lone surrogate becomes U+FFFD (as in every other string argument).
      const expected = text.replace(/[\ud800-\udfff]/gu, '\ufffd')
      assert.equal(got.get(`n${i}`).value, expected, JSON.stringify(text))
      assert.equal(got.get(`n${i}`).expires, Y2100_SECS + i / 4)
      assert.equal(got.get(expected).value, expected)
    }
    assert.equal(packBrowserCookies([{ name: 'long', value: 'v'.repeat(0xd7ff) }]).length, 7 + 4 + 0xd7ff)
    assert.equal(packBrowserCookies([{ name: 'long', value: 'v'.repeat(0xd800) }]), null)
    assert.equal(packBrowserCookies([{ name: 'long', value: 'v', domain: 'd'.repeat(0xd800) }]), null)
  })

  test('random lists of odd text go through setCookies and back as through Crawlee\'s', () => {
    // Seeded random lists (names, values, domains, paths, expiries, flags) with NULs, control characters,
    // quotes, separators, non-ASCII and emoji, some values 300 characters long: the packed form must carry each
    // field whole. Cookies without `expires` get "now + maxAge" (a year ahead) on each side at its own moment:
    // those are compared to 5 s; the given expiries (2e9 and up) exactly.
    let seed = 0x5eed
    const rnd = () => {
      seed = (seed + 0x6d2b79f5) >>> 0
      let t = seed
      t = Math.imul(t ^ (t >>> 15), t | 1)
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
    const pick = (a) => a[Math.floor(rnd() * a.length)]
    const UNITS = ['a', 'Z', '0', '-', '_', ' ', 'é', 'ž', '€', '😀', '\u0000', '\u0001', '\u007f', '=', '"', ',', ';']
    const text = (max) => Array.from({ length: Math.floor(rnd() * (max + 1)) }, () => pick(UNITS)).join('')
    const cookie = () => {
      const c = { name: `n${text(6)}`, value: text(rnd() < 0.05 ? 300 : 30) }
      const domain = pick([undefined, 'www.example.com', '.example.com', 'example.com', '.www.example.com', 'other.com', ''])
      if (domain !== undefined) c.domain = domain
      const path = pick([undefined, '/', '/shop', '/shop/cart', '/other', 'x', ''])
      if (path !== undefined) c.path = path
      const expires = pick([undefined, Y2100_SECS, Y2100_SECS + 0.5, 2_000_000_000, 2 ** 36, 2 ** 36 - 1, 8.64e12, 1e12 + 0.25])
      if (expires !== undefined) c.expires = expires
      if (rnd() < 0.5) c.secure = rnd() < 0.5
      if (rnd() < 0.5) c.httpOnly = rnd() < 0.5
      const sameSite = pick([undefined, 'Lax', 'Strict', 'None'])
      if (sameSite !== undefined) c.sameSite = sameSite
      return c
    }
    const comparable = (list) => list.map(({ sameSite, expires, ...rest }) => ({ ...rest, expires: expires >= 2e9 ? expires : 'now-based' }))
    // The packed path itself is checked (white-box): a packing error would otherwise be hidden by the JSON
    // fallback, which gives the right cookies too.
    const { packBrowserCookies } = require('../lib/browser_cookies.js')
    for (let t = 0; t < 200; t++) {
      const list = Array.from({ length: 1 + Math.floor(rnd() * 8) }, cookie)
      const o = ourSession()
      const c = crawleeSession()
      const packed = packBrowserCookies(list)
      assert.notEqual(o._setBrowserCookiesPacked(packed, list.length, URL_WWW), -1, JSON.stringify(list))
      c.setCookies(list, URL_WWW)
      const viaApi = ourSession()
      viaApi.setCookies(list, URL_WWW)
      const got = o.getCookies(URL_WWW)
      assert.deepEqual(comparable(viaApi.getCookies(URL_WWW)), comparable(got))
      const expected = c.getCookies(URL_WWW).map(withoutUndefined)
      assert.equal(got.length, expected.length, JSON.stringify(list))
      for (const [i, e] of expected.entries()) {
        assert.ok(Math.abs(got[i].expires - e.expires) < 5, `${JSON.stringify(list)}: expires ${got[i].expires} vs ${e.expires}`)
      }
      assert.deepEqual(comparable(got), comparable(expected), JSON.stringify(list))
      assert.equal(o.getCookieString(URL_WWW), c.getCookieString(URL_WWW), JSON.stringify(list))
    }
  })

  test('an expires beyond what a JS Date can hold is taken as no expires (Crawlee gives NaN back)', () => {
    const lastDate = 8.64e12 // seconds: the last moment a JS Date holds
    for (const expires of [lastDate + 1, 1e15]) {
      const o = ourSession()
      const c = crawleeSession()
      const list = [{ name: 'far', value: '1', domain: 'www.example.com', path: '/', expires }, { name: 'none', value: '2', domain: 'www.example.com', path: '/' }]
      o.setCookies(list, URL_WWW)
      c.setCookies(list, URL_WWW)
      const [far, none] = o.getCookies(URL_WWW)
      assert.ok(Math.abs(far.expires - none.expires) < 1, `${far.expires} vs ${none.expires}`)
      assert.ok(Number.isNaN(c.getCookies(URL_WWW)[0].expires))
      assert.equal(o.getCookieString(URL_WWW), c.getCookieString(URL_WWW))
    }
    const o = ourSession()
    o.setCookies([{ name: 'last', value: '1', domain: 'www.example.com', path: '/', expires: lastDate }], URL_WWW)
    assert.equal(o.getCookies(URL_WWW)[0].expires, lastDate)
  })

  test('fields of every length come back whole, as Crawlee gives them', () => {
    // Lists cross to and from the native jar with each field's length in UTF-16 units given by one character;
    // lengths that one character cannot give (0xD800 and up) make the writer (JS going in, native coming back)
    // send JSON instead.
    for (const length of [0, 1, 127, 128, 0x7ff, 0x800, 0xd7ff, 0xd800, 0xe000]) {
      for (const unit of ['v', 'é', '😀']) {
        const value = unit.repeat(Math.ceil(length / unit.length)).slice(0, length - (length % unit.length))
        const input = [
          { name: 'long', value, domain: '.example.com', path: '/', expires: Y2100_SECS },
          { name: 'after', value: 'x', domain: 'www.example.com', path: '/', expires: Y2100_SECS, secure: true },
        ]
        const o = ourSession()
        const c = crawleeSession()
        o.setCookies(input, URL_WWW)
        c.setCookies(input, URL_WWW)
        const got = o.getCookies(URL_WWW)
        assert.deepEqual(got.map(({ sameSite, ...rest }) => rest), c.getCookies(URL_WWW).map(withoutUndefined), `${unit} x ${length}`)
        assert.equal(got[0].value, value, `${unit} x ${length}`)
        assert.equal(got[1].value, 'x')
      }
    }
  })

  test('entries that are not cookies are skipped among good ones, whatever their place', () => {
    const s = ourSession()
    s.setCookies([null, { name: 'a', value: 1 }, 'x', { name: 2 }, { name: 'b', value: true, secure: 1, httpOnly: 'y' },
      undefined, { name: 'c' }, 7], URL_WWW)
    assert.deepEqual(s.getCookies(URL_WWW).map((c) => [c.name, c.value, c.secure, c.httpOnly]), [
      ['a', '1', false, false], ['b', 'true', true, true], ['c', '', false, false],
    ])
    s.setCookies([], URL_WWW)
    assert.equal(ourSession().getCookies(URL_WWW).length, 0)
  })

  test('the output loads back with setCookies unchanged', () => {
    const s = ourSession()
    s.setCookiesFromResponse({ url: URL_WWW, headers: { 'set-cookie': HEADERS } })
    const out = s.getCookies(URL_WWW)
    const t = ourSession()
    t.setCookies(out.filter((c) => c.expires !== undefined), URL_WWW)
    assert.deepEqual(t.getCookies(URL_WWW), out.filter((c) => c.expires !== undefined))
  })

  test('a missing URL is a TypeError; an unusable one too', () => {
    const s = ourSession()
    const err = thrown(() => s.getCookies())
    assert.ok(err instanceof TypeError)
    assert.match(err.message, /`url`/)
    assert.throws(() => s.getPuppeteerCookies(), TypeError)
    assert.throws(() => s.getCookies('not a url'), { name: 'TypeError', message: 'Invalid URL' })
    assert.throws(() => s.getCookies(42), {
      name: 'TypeError',
      message: 'Expected argument `url` of `getCookies` to be of type `string` but received type `number`',
    })
  })
})

describe('session.cookieJar and the cookieJar option', () => {
  test('the getter gives the same CookieJar every time, sharing the session\'s cookies both ways', () => {
    const s = ourSession()
    const jar = s.cookieJar
    assert.ok(jar instanceof CookieJar)
    assert.equal(s.cookieJar, jar)
    s.setCookie('a=1; Path=/', URL_WWW)
    assert.equal(jar.getCookieStringSync(URL_WWW), 'a=1')
    jar.setCookieSync('b=2; Path=/', URL_WWW)
    assert.equal(s.getCookieString(URL_WWW), 'a=1; b=2')
    jar.removeAllCookiesSync()
    assert.equal(s.getCookieString(URL_WWW), '')
    assert.deepEqual(s.getState().cookieJar.cookies, [])
  })

  test('our CookieJar as the option is shared, not copied', () => {
    const jar = new CookieJar()
    jar.setCookieSync('a=1; Path=/', URL_WWW)
    const s1 = ourSession({ cookieJar: jar })
    const s2 = ourSession({ cookieJar: jar })
    assert.equal(s1.getCookieString(URL_WWW), 'a=1')
    s1.setCookie('b=2; Path=/', URL_WWW)
    assert.equal(s2.getCookieString(URL_WWW), 'a=1; b=2')
    assert.equal(jar.getCookieStringSync(URL_WWW), 'a=1; b=2')
    jar.setCookieSync('c=3; Path=/', URL_WWW)
    assert.equal(s1.getCookieString(URL_WWW), 'a=1; b=2; c=3')
  })

  test('our CookieJar as the option is the very object session.cookieJar returns (as in Crawlee)', () => {
    const jar = new CookieJar()
    const s = ourSession({ cookieJar: jar })
    assert.equal(s.cookieJar, jar)
    // Crawlee keeps the jar it is given.
    const toughJar = new tough.CookieJar()
    assert.equal(crawleeSession({ cookieJar: toughJar }).cookieJar, toughJar)
  })

  test('a tough-cookie CookieJar instance, its serialized object or its JSON string load every cookie', () => {
    const toughJar = new tough.CookieJar()
    for (const h of HEADERS) toughJar.setCookieSync(h, URL_WWW)
    const expected = toughJar.serializeSync()
    for (const cookieJar of [toughJar, toughJar.serializeSync(), JSON.stringify(toughJar.serializeSync())]) {
      const s = ourSession({ cookieJar })
      assert.ok(s.cookieJar instanceof CookieJar)
      assert.deepEqual(s.getState().cookieJar, expected, typeof cookieJar)
      assert.equal(s.getCookieString(URL_WWW), toughJar.getCookieStringSync(URL_WWW))
    }
  })

  test('anything else is a TypeError naming cookieJar', () => {
    for (const bad of [42, true, null, 'not json', '{"cookies": 5}', {}, [], new Date()]) {
      const err = thrown(() => ourSession({ cookieJar: bad }))
      assert.ok(err instanceof TypeError, String(bad))
      assert.match(err.message, /`cookieJar`/)
    }
  })

  test('getState().cookieJar is tough-cookie\'s serialized form, equal to Crawlee\'s for the same cookies', () => {
    const o = ourSession()
    const c = crawleeSession()
    for (const s of [o, c]) s.setCookiesFromResponse({ url: URL_WWW, headers: { 'set-cookie': HEADERS } })
    const state = o.getState().cookieJar
    assert.deepEqual(timeless(state), timeless(c.getState().cookieJar))
    assert.deepEqual(Object.keys(state), Object.keys(c.getState().cookieJar))
    for (const [i, cookie] of state.cookies.entries()) {
      assert.deepEqual(Object.keys(cookie), Object.keys(c.getState().cookieJar.cookies[i]), cookie.key)
      assert.match(cookie.creation, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
      assert.match(cookie.lastAccessed, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    }
    // Each side loads the other's state.
    const intoCrawlee = crawleeSession({ cookieJar: state })
    const intoOurs = ourSession({ cookieJar: c.getState().cookieJar })
    assert.equal(intoCrawlee.getCookieString(URL_WWW), o.getCookieString(URL_WWW))
    assert.equal(intoOurs.getCookieString(URL_WWW), c.getCookieString(URL_WWW))
  })
})

describe('CookieJar', () => {
  test('setCookieSync returns the stored cookie as tough-cookie does', () => {
    const ours = new CookieJar()
    const theirs = new tough.CookieJar()
    for (const h of HEADERS) {
      const got = ours.setCookieSync(h, URL_WWW)
      const expected = theirs.setCookieSync(h, URL_WWW)
      for (const k of ['key', 'value', 'domain', 'path', 'hostOnly']) assert.equal(got[k], expected[k], `${h}: ${k}`)
      // Keys whose value is tough's default (null, false) may be absent here.
      assert.equal(got.maxAge ?? null, expected.maxAge, `${h}: maxAge`)
      for (const k of ['secure', 'httpOnly']) assert.equal(got[k] === true, expected[k], `${h}: ${k}`)
      assert.equal(got.sameSite, expected.sameSite, `${h}: sameSite`)
      assert.deepEqual(got.extensions ?? null, expected.extensions, `${h}: extensions`)
      assert.equal(got.pathIsDefault ?? null, expected.pathIsDefault, `${h}: pathIsDefault`)
      if (expected.expires instanceof Date) assert.deepEqual(got.expires, expected.expires, h)
      else assert.equal(got.expires, 'Infinity', h)
      assert.ok(got.creation instanceof Date)
      assert.ok(got.lastAccessed instanceof Date)
      assert.equal(got.cookieString(), expected.cookieString())
    }
  })

  test('setCookieSync takes a URL object, a tough Cookie, or one of our cookies', () => {
    const jar = new CookieJar()
    jar.setCookieSync('a=1; Path=/', new URL(URL_WWW))
    const toughCookie = new tough.Cookie({ key: 'b', value: '2', domain: 'example.com', path: '/', hostOnly: false, expires: new Date(Y2100_SECS * 1000), sameSite: 'lax' })
    const stored = jar.setCookieSync(toughCookie, URL_WWW)
    assert.equal(stored.key, 'b')
    assert.equal(stored.hostOnly, false)
    const copy = new CookieJar()
    for (const c of jar.getCookiesSync(URL_WWW)) copy.setCookieSync(c, URL_WWW)
    assert.equal(copy.getCookieStringSync(URL_WWW), 'a=1; b=2')
    assert.equal(copy.getCookieStringSync('https://sub.example.com/'), 'b=2')
    assert.deepEqual(timeless(copy.toJSON()), timeless(jar.toJSON()))
  })

  test('setCookieSync throws tough\'s errors, or returns undefined with ignoreError', () => {
    const jar = new CookieJar()
    const cases = [
      ['bad', 'Cookie failed to parse'],
      ['a=1; Domain=other.com', 'Cookie not in this host\'s domain. Cookie:other.com Request:www.example.com'],
      ['a=1; Domain=com', 'Cookie has domain set to a public suffix'],
    ]
    for (const [raw, message] of cases) {
      assert.throws(() => jar.setCookieSync(raw, URL_WWW), (err) => err instanceof Error && err.message === message)
      assert.throws(() => new tough.CookieJar().setCookieSync(raw, URL_WWW), { message })
      assert.equal(jar.setCookieSync(raw, URL_WWW, { ignoreError: true }), undefined)
    }
    assert.throws(() => jar.setCookieSync('a=1; Secure', 'http://www.example.com/'), { message: 'Cookie is Secure but this is not a secure connection' })
    assert.equal(jar.setCookieSync('__Host-a=1', URL_WWW), undefined, 'prefix rules drop silently')
    assert.throws(() => jar.setCookieSync('a=1'), TypeError)
    assert.throws(() => jar.setCookieSync('a=1', 'not a url'), { name: 'TypeError', message: 'Invalid URL' })
    assert.throws(() => jar.setCookieSync(42, URL_WWW), TypeError)
    assert.equal(jar.getCookieStringSync(URL_WWW), '')
  })

  test('getCookiesSync gives tough-cookie\'s cookies, in tough\'s order, with Dates', () => {
    const ours = new CookieJar()
    const theirs = new tough.CookieJar()
    for (const h of HEADERS) {
      ours.setCookieSync(h, URL_WWW)
      theirs.setCookieSync(h, URL_WWW)
    }
    const got = ours.getCookiesSync(URL_WWW)
    const expected = theirs.getCookiesSync(URL_WWW)
    assert.deepEqual(got.map((c) => c.key), expected.map((c) => c.key))
    for (const [i, c] of got.entries()) {
      const e = expected[i]
      assert.equal(c.value, e.value)
      assert.equal(c.cookieString(), e.cookieString())
      assert.deepEqual(c.expires, e.expires)
      assert.ok(c.creation instanceof Date && c.lastAccessed instanceof Date)
    }
    assert.deepEqual(ours.getCookiesSync(new URL(URL_WWW)).map((c) => c.key), expected.map((c) => c.key))
    assert.deepEqual(ours.getCookiesSync('https://other.com/'), [])
    assert.throws(() => ours.getCookiesSync(), TypeError)
    assert.throws(() => ours.getCookiesSync('not a url'), { name: 'TypeError', message: 'Invalid URL' })
  })

  test('a cookie with an empty value has value \'\' (as in tough-cookie), not undefined', () => {
    const ours = new CookieJar()
    const theirs = new tough.CookieJar()
    assert.equal(theirs.setCookieSync('e=', URL_WWW).value, '')
    const stored = ours.setCookieSync('e=', URL_WWW)
    assert.equal(stored.value, '')
    const [c] = ours.getCookiesSync(URL_WWW)
    assert.equal(c.value, '')
    assert.equal(c.cookieString(), 'e=')
    assert.equal(ours.getCookieStringSync(URL_WWW), 'e=')
  })

  /** The cookies of HEADERS as both jars give them for URL_WWW. */
  function bothCookies() {
    const ours = new CookieJar()
    const theirs = new tough.CookieJar()
    for (const h of HEADERS) {
      ours.setCookieSync(h, URL_WWW)
      theirs.setCookieSync(h, URL_WWW)
    }
    return [ours.getCookiesSync(URL_WWW), theirs.getCookiesSync(URL_WWW)]
  }

  test('a cookie\'s toJSON() is its tough-cookie JSON (no expires key for a session cookie)', () => {
    const [got, expected] = bothCookies()
    for (const [i, c] of got.entries()) {
      const { creation, lastAccessed, ...json } = c.toJSON()
      const { creation: c2, lastAccessed: l2, ...expectedJson } = expected[i].toJSON()
      assert.deepEqual(json, expectedJson, `toJSON of ${c.key}`)
      assert.equal(JSON.stringify(c), JSON.stringify(c.toJSON()))
    }
  })

  test('a cookie\'s toString() is its Set-Cookie form, as in tough-cookie', () => {
    const [got, expected] = bothCookies()
    for (const [i, c] of got.entries()) {
      assert.equal(c.toString(), expected[i].toString(), `toString of ${c.key}`)
      assert.equal(String(c), expected[i].toString(), `String() of ${c.key}`)
    }
  })

  test('getCookieStringSync takes a string or URL; a missing URL is a TypeError', () => {
    const jar = new CookieJar()
    jar.setCookieSync('a=1; Path=/', URL_WWW)
    assert.equal(jar.getCookieStringSync(URL_WWW), 'a=1')
    assert.equal(jar.getCookieStringSync(new URL(URL_WWW)), 'a=1')
    assert.throws(() => jar.getCookieStringSync(), TypeError)
  })

  test('toJSON and serializeSync give tough-cookie\'s serialized form, a new object each time', () => {
    const ours = new CookieJar()
    const theirs = new tough.CookieJar()
    for (const h of HEADERS) {
      ours.setCookieSync(h, URL_WWW)
      theirs.setCookieSync(h, URL_WWW)
    }
    const json = ours.toJSON()
    assert.notEqual(ours.toJSON(), json)
    assert.deepEqual(ours.serializeSync(), json)
    assert.deepEqual(timeless(json), timeless(theirs.serializeSync()))
    assert.deepEqual(Object.keys(json), Object.keys(theirs.toJSON()))
    assert.equal(JSON.stringify(json), JSON.stringify(ours.toJSON()), 'JSON.stringify uses toJSON')
  })

  test('removeAllCookiesSync empties the jar', () => {
    const jar = new CookieJar()
    jar.setCookieSync('a=1', URL_WWW)
    assert.equal(jar.removeAllCookiesSync(), undefined)
    assert.deepEqual(jar.toJSON().cookies, [])
    assert.equal(jar.getCookieStringSync(URL_WWW), '')
  })

  test('fromJSON / deserializeSync take an object or a string; bad input throws', () => {
    const theirs = new tough.CookieJar()
    for (const h of HEADERS) theirs.setCookieSync(h, URL_WWW)
    for (const load of [CookieJar.fromJSON, CookieJar.deserializeSync]) {
      for (const input of [theirs.serializeSync(), JSON.stringify(theirs.serializeSync())]) {
        const jar = load(input)
        assert.ok(jar instanceof CookieJar)
        assert.deepEqual(jar.toJSON(), theirs.serializeSync())
      }
    }
    assert.throws(() => CookieJar.fromJSON('not json'), Error)
    assert.throws(() => CookieJar.fromJSON({ cookies: 5 }), Error)
  })
})

describe('JSON interop with tough-cookie, every attribute', () => {
  // One cookie per attribute and combination worth keeping.
  const ALL = [
    ['https://www.example.com/a/b', `full=1; Domain=example.com; Path=/; Secure; HttpOnly; SameSite=Strict; Expires=${YEAR_2100}; Priority=High; Partitioned`],
    ['https://www.example.com/a/b', 'maxage=2; Max-Age=86400; SameSite=Lax'],
    ['https://www.example.com/a/b', `both=3; Max-Age=604800; Expires=${YEAR_2100}; Path=/a; SameSite=None; Secure`],
    ['https://www.example.com/a/b', 'session=4'],
    ['https://www.example.com/a/b', 'weird=5; SameSite=bogus; Foo=bar'],
    ['https://www.example.com/a/b', 'empty='],
    ['https://www.example.com/a/b', 'quoted="x y"; Path=/a/b/'],
    ['http://127.0.0.1:8080/x', 'ip=6; Path=/'],
    ['http://[::1]/x', 'v6=7; Secure; Path=/'],
    ['http://localhost:3000/', 'local=8; Domain=localhost; Path=/'],
    ['https://www.example.co.uk/', 'uk=9; Domain=example.co.uk; Path=/'],
    ['https://www.example.com/', `long=${'x'.repeat(5000)}; Path=/`],
  ]
  const READS = ['https://www.example.com/a/b/c', 'https://sub.example.com/', 'http://www.example.com/a', 'http://127.0.0.1:8080/',
    'http://[::1]/', 'http://localhost/', 'https://a.example.co.uk/', 'https://www.example.com/']

  test('our toJSON loads in tough-cookie\'s fromJSON with every attribute', () => {
    const ours = new CookieJar()
    for (const [url, raw] of ALL) ours.setCookieSync(raw, url)
    const json = ours.toJSON()
    const theirs = tough.CookieJar.fromJSON(json)
    assert.deepEqual(theirs.serializeSync(), json, 'nothing lost or changed, times included')
    assert.deepEqual(tough.CookieJar.fromJSON(JSON.stringify(json)).serializeSync(), json)
    for (const url of READS) assert.equal(theirs.getCookieStringSync(url), ours.getCookieStringSync(url), url)
  })

  test('tough-cookie\'s serializeSync loads in ours with every attribute', () => {
    const theirs = new tough.CookieJar()
    for (const [url, raw] of ALL) theirs.setCookieSync(raw, url)
    const json = theirs.serializeSync()
    const ours = CookieJar.fromJSON(json)
    assert.deepEqual(ours.toJSON(), json, 'nothing lost or changed, times included')
    assert.deepEqual(ourSession({ cookieJar: json }).getState().cookieJar, json)
    assert.deepEqual(ourSession({ cookieJar: theirs }).getState().cookieJar, json)
    for (const url of READS) assert.equal(ours.getCookieStringSync(url), theirs.getCookieStringSync(url), url)
  })

  test('the same cookies set on both sides serialize alike', () => {
    const ours = new CookieJar()
    const theirs = new tough.CookieJar()
    for (const [url, raw] of ALL) {
      ours.setCookieSync(raw, url)
      theirs.setCookieSync(raw, url)
    }
    assert.deepEqual(timeless(ours.toJSON()), timeless(theirs.serializeSync()))
  })
})
