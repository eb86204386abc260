'use strict'
// A real browser (Debian's chromium through playwright-core) and a Session exchange cookies both ways, as a crawler
// does when it moves a user between a browser and HTTP requests (issue 3, "A real browser"):
//   browser -> Session:  context.cookies() -> session.setCookies(cookies, url)
//   Session -> browser:  session.getCookies(url) -> context.addCookies(...) as is, in a fresh context
//   response -> Session -> browser:  fetch() -> session.setCookiesFromResponse(response) -> context.addCookies(...)
// and a server on 127.0.0.1 proves which cookies the browser sends. Skipped without chromium unless CI is set.
const { describe, it, before, after } = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const { SessionPool } = require('session-pool-rs')
const chromium = require('./helpers/chromium')

const NAV_TIMEOUT_MS = 10_000

// What /set sends. `scoped` is only for /echo (and comes first there: longer paths first); `fromjs` is set by the
// page's script, so only a browser has it.
function setCookieHeaders() {
  const inAnHour = new Date(Date.now() + 3600_000).toUTCString()
  return [
    'plain=p1', // host-only, default path (/ for /set)
    'rooted=r1; Path=/',
    `persist=e1; Expires=${inAnHour}; Path=/`,
    'aged=m1; Max-Age=7200; Path=/',
    'secret=h1; HttpOnly; Path=/',
    'lax=l1; SameSite=Lax; Path=/',
    'strict=s1; SameSite=Strict; Path=/',
    'token=abc=def==; Path=/', // '=' inside the value
    'scoped=sc1; Path=/echo',
  ]
}
const HEADER_COOKIES = {
  plain: 'p1',
  rooted: 'r1',
  persist: 'e1',
  aged: 'm1',
  secret: 'h1',
  lax: 'l1',
  strict: 's1',
  token: 'abc=def==',
  scoped: 'sc1',
}
const BROWSER_COOKIES = { ...HEADER_COOKIES, fromjs: 'j1' }

const PAGE = `<!doctype html><title>set</title>
<script>document.cookie = 'fromjs=j1; path=/'; document.title = 'done'</script><p>cookies set</p>`

function startServer() {
  const echoed = [] // the Cookie header of every /echo request, as the server received it
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname
    if (path === '/set') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'set-cookie': setCookieHeaders() })
      res.end(PAGE)
    } else if (path === '/echo') {
      const cookie = req.headers.cookie ?? null
      echoed.push(cookie)
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ cookie }))
    } else {
      res.writeHead(404)
      res.end()
    }
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      resolve({ server, echoed, base: `http://127.0.0.1:${server.address().port}` })
    })
  })
}

function stopServer(server) {
  if (!server) return
  server.closeAllConnections()
  return new Promise((resolve) => server.close(() => resolve()))
}

/** `a=1; b=2` as { a: '1', b: '2' }, failing on a repeated name (a cookie sent twice). */
function parseCookieHeader(header) {
  const out = {}
  if (!header) return out
  for (const pair of header.split('; ')) {
    const eq = pair.indexOf('=')
    const name = eq < 0 ? '' : pair.slice(0, eq)
    const value = eq < 0 ? pair : pair.slice(eq + 1)
    assert.ok(!(name in out), `cookie ${name} sent twice in ${header}`)
    out[name] = value
  }
  return out
}

const byName = (cookies) => Object.fromEntries(cookies.map((c) => [c.name, c]))
const nameValues = (cookies) => Object.fromEntries(cookies.map((c) => [c.name, c.value]))
const nowSecs = () => Date.now() / 1000

// Without chromium: each test is skipped with the reason, or fails with it when CI is set.
const SKIP = chromium.skipReason()
const TEST = { skip: SKIP, timeout: 60_000 }

describe('browser cookies round-trip through a Session (chromium, playwright-core)', { timeout: 180_000 }, () => {
  let srv
  let browser
  let pool
  let setupError
  const contexts = []

  before(async () => {
    if (SKIP) return
    try {
      srv = await startServer()
      browser = await chromium.launch()
      pool = await SessionPool.open({ persistenceOptions: { enable: false } })
    } catch (err) {
      setupError = err // reported by every test below, so the summary counts them as failed
    }
  })

  function ready() {
    if (setupError) throw setupError
  }

  after(async () => {
    for (const context of contexts) await chromium.close(context)
    await chromium.close(browser)
    await stopServer(srv?.server)
    if (pool) await pool.teardown().catch(() => {})
  })

  /** A session from the pool (getSession), checked to start without cookies. */
  async function newSession() {
    const session = await pool.getSession()
    assert.equal(session.getCookieString(`${srv.base}/echo`), '', `session ${session.id} starts without cookies`)
    return session
  }

  async function newContext() {
    const context = await browser.newContext()
    contexts.push(context)
    context.setDefaultTimeout(NAV_TIMEOUT_MS)
    context.setDefaultNavigationTimeout(NAV_TIMEOUT_MS)
    return context
  }

  /** Visits /echo in `context`; returns the Cookie header the server received (parsed), checking the response too. */
  async function echoFrom(context) {
    const page = await context.newPage()
    const seen = srv.echoed.length
    const response = await page.goto(`${srv.base}/echo`)
    assert.equal(response.status(), 200)
    const body = await response.json()
    assert.equal(srv.echoed.length, seen + 1, 'the server saw exactly one /echo request')
    assert.equal(body.cookie, srv.echoed[seen])
    const visibleToScript = await page.evaluate(() => document.cookie)
    await page.close()
    return { header: body.cookie, cookies: parseCookieHeader(body.cookie), visibleToScript: parseCookieHeader(visibleToScript) }
  }

  /** A browser that visited /set: its context, its cookies, and what it sends to /echo itself. */
  async function browserThatVisitedSet() {
    const context = await newContext()
    const page = await context.newPage()
    const response = await page.goto(`${srv.base}/set`)
    assert.equal(response.status(), 200)
    await page.waitForFunction(() => document.title === 'done', null, { timeout: NAV_TIMEOUT_MS })
    await page.close()
    const cookies = await context.cookies()
    assert.deepEqual(nameValues(cookies), BROWSER_COOKIES, 'the browser stored every cookie /set gave it')
    const sent = await echoFrom(context)
    assert.deepEqual(sent.cookies, BROWSER_COOKIES, 'the browser itself sends every cookie to /echo')
    return { context, cookies, sent }
  }

  it('a Session takes the browser cookies (setCookies) and sends them all (getCookieString)', TEST, async () => {
    ready()
    const { cookies, sent } = await browserThatVisitedSet()
    const session = await newSession()
    session.setCookies(cookies, srv.base)

    const header = session.getCookieString(`${srv.base}/echo`)
    assert.deepEqual(parseCookieHeader(header), sent.cookies, `session sends ${header}; browser sent ${sent.header}`)
    assert.match(header, /^scoped=sc1; /, 'longer paths first, as the browser does')
    assert.equal(sent.header.split('; ')[0], 'scoped=sc1')
    // Path matching: /set does not get the /echo cookie.
    const notScoped = { ...BROWSER_COOKIES }
    delete notScoped.scoped
    assert.deepEqual(parseCookieHeader(session.getCookieString(`${srv.base}/set`)), notScoped)

    // The attributes as the browser format gives them back.
    const ours = byName(session.getCookies(`${srv.base}/echo`))
    assert.deepEqual(Object.keys(ours).sort(), Object.keys(BROWSER_COOKIES).sort())
    for (const theirs of cookies) {
      const mine = ours[theirs.name]
      const where = `cookie ${theirs.name}: browser ${JSON.stringify(theirs)}, session ${JSON.stringify(mine)}`
      assert.equal(mine.value, theirs.value, where)
      assert.equal(mine.domain, theirs.domain, where) // '127.0.0.1', no leading dot: host-only on both sides
      assert.equal(mine.path, theirs.path, where)
      assert.equal(mine.httpOnly, theirs.httpOnly, where)
      assert.equal(mine.secure, theirs.secure, where)
      assert.equal(mine.sameSite, theirs.sameSite, where)
      if (theirs.expires > 0) {
        assert.ok(Math.abs(mine.expires - theirs.expires) < 1, where)
      } else {
        // A browser session cookie (expires -1) lives for the session's maxAgeSecs, as in Crawlee.
        assert.ok(Math.abs(mine.expires - (nowSecs() + session.maxAgeSecs)) < 30, where)
      }
    }
    assert.equal(ours.secret.httpOnly, true)
    assert.equal(ours.lax.sameSite, 'Lax')
    assert.equal(ours.strict.sameSite, 'Strict')
  })

  it('a fresh browser context loads getCookies as is and sends every cookie back', TEST, async () => {
    ready()
    const first = await browserThatVisitedSet()
    const session = await newSession()
    session.setCookies(first.cookies, srv.base)
    await chromium.close(first.context)

    const fresh = await newContext()
    assert.deepEqual(await fresh.cookies(), [], 'a fresh context starts without cookies')
    // getCookies for /echo: the /echo-only cookie is among them (getCookies(base) has all but that one).
    assert.deepEqual(
      session.getCookies(srv.base).map((c) => c.name).sort(),
      Object.keys(BROWSER_COOKIES).filter((n) => n !== 'scoped').sort(),
    )
    await fresh.addCookies(session.getCookies(`${srv.base}/echo`))

    const sent = await echoFrom(fresh)
    assert.deepEqual(sent.cookies, BROWSER_COOKIES, `server received ${sent.header}`)
    assert.match(sent.header, /^scoped=sc1; /, 'longer paths first')
    // HttpOnly survived both ways: sent to the server, hidden from the page.
    assert.equal(sent.cookies.secret, 'h1')
    assert.ok(!('secret' in sent.visibleToScript), `document.cookie shows the HttpOnly cookie: ${JSON.stringify(sent.visibleToScript)}`)
    assert.equal(sent.visibleToScript.plain, 'p1')

    // The fresh context holds the same cookies with the same attributes as the first one did.
    const now = byName(await fresh.cookies())
    assert.deepEqual(Object.keys(now).sort(), Object.keys(BROWSER_COOKIES).sort())
    for (const was of first.cookies) {
      const is = now[was.name]
      const where = `cookie ${was.name}: first context ${JSON.stringify(was)}, fresh context ${JSON.stringify(is)}`
      for (const key of ['value', 'domain', 'path', 'httpOnly', 'secure', 'sameSite']) assert.equal(is[key], was[key], where)
      if (was.expires > 0) assert.ok(Math.abs(is.expires - was.expires) < 1, where)
      else assert.ok(is.expires > nowSecs(), where) // now persistent, for the session's maxAgeSecs
    }
  })

  it('cookies from an HTTP response (setCookiesFromResponse with fetch) load into a browser', TEST, async () => {
    ready()
    const session = await newSession()
    const response = await fetch(`${srv.base}/set`, { signal: AbortSignal.timeout(NAV_TIMEOUT_MS) })
    await response.text()
    assert.equal(response.headers.getSetCookie().length, setCookieHeaders().length)
    session.setCookiesFromResponse(response) // a fetch Response: headers.getSetCookie(), url a string

    assert.deepEqual(parseCookieHeader(session.getCookieString(`${srv.base}/echo`)), HEADER_COOKIES)
    const cookies = session.getCookies(`${srv.base}/echo`)
    const ours = byName(cookies)
    assert.equal(ours.secret.httpOnly, true)
    assert.equal(ours.lax.sameSite, 'Lax')
    assert.equal(ours.strict.sameSite, 'Strict')
    assert.equal(ours.scoped.path, '/echo')
    for (const c of cookies) {
      assert.equal(c.domain, '127.0.0.1', `host-only ${c.name}`)
      if (c.expires !== undefined) assert.ok(c.expires > nowSecs(), `${c.name} expires in the future`)
    }
    assert.ok(Math.abs(ours.persist.expires - (nowSecs() + 3600)) < 30, JSON.stringify(ours.persist))

    const context = await newContext()
    await context.addCookies(cookies)
    const sent = await echoFrom(context)
    assert.deepEqual(sent.cookies, HEADER_COOKIES, `server received ${sent.header}`)
    assert.ok(!('secret' in sent.visibleToScript), 'the HttpOnly cookie stays hidden from the page')
    const inBrowser = byName(await context.cookies())
    assert.equal(inBrowser.secret.httpOnly, true)
    assert.equal(inBrowser.strict.sameSite, 'Strict')
    assert.ok(Math.abs(inBrowser.persist.expires - ours.persist.expires) < 1)
  })
})
