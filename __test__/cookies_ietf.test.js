'use strict'
// The IETF http-state cookie corpus (parser cases and dates, as tough-cookie ships them in its own tests), run
// through the package entry. A copy of the corpus lives in __test__/data/ietf-cookies/ so that the test runs on a
// clean clone; see its README.md for how a case runs.
const { describe, test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { Session, CookieJar } = require('session-pool-rs')

const dir = path.join(__dirname, 'data', 'ietf-cookies')
const readJson = (name) => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'))

const parserCases = readJson('parser.json')
const dateCases = [...readJson('dates/bsd-examples.json'), ...readJson('dates/examples.json')]

test('the corpus is complete', () => {
  assert.equal(parserCases.length, 222)
  assert.equal(dateCases.length, 70)
  assert.equal(new Set(parserCases.map((c) => c.test)).size, 222, 'test names are unique')
})

describe('parser cases through Session.setCookie / getCookies / getCookieString', () => {
  for (const c of parserCases) {
    test(c.test, () => {
      const session = new Session()
      const from = `http://home.example.org/cookie-parser?${c.test}`
      for (const received of c.received) {
        try {
          session.setCookie(received, from)
        } catch (err) {
          // Cookies the corpus expects to be refused may throw; anything but an Error is a bug.
          assert.ok(err instanceof Error, `setCookie threw a non-Error: ${err}`)
        }
      }
      const to = c['sent-to'] === undefined
        ? `http://home.example.org/cookie-parser-result?${c.test}`
        : new URL(c['sent-to'], 'http://home.example.org').href
      const cookies = session.getCookies(to)
      assert.deepEqual(cookies.map(({ name, value }) => ({ name, value })), c.sent, `cookies sent to ${to}`)
      const expectedHeader = c.sent.map(({ name, value }) => (name === '' ? value : `${name}=${value}`)).join('; ')
      assert.equal(session.getCookieString(to), expectedHeader, `Cookie header for ${to}`)
      // The aliases and the jar see the same cookies.
      assert.deepEqual(session.getPuppeteerCookies(to), cookies)
      assert.equal(session.cookieJar.getCookieStringSync(to), expectedHeader)
    })
  }
})

describe('date cases through the Expires attribute', () => {
  for (const c of dateCases) {
    test(JSON.stringify(c.test), () => {
      const jar = new CookieJar()
      const stored = jar.setCookieSync(`foo=bar; Expires=${c.test}`, 'http://home.example.org/')
      assert.ok(stored, 'a cookie with any Expires value is stored')
      if (c.expected === null) {
        assert.equal(stored.expires, 'Infinity', 'an unparsable date leaves a session cookie')
      } else {
        assert.ok(stored.expires instanceof Date, `expires is a Date, got ${stored.expires}`)
        assert.equal(stored.expires.toUTCString(), c.expected)
      }
    })
  }
})
