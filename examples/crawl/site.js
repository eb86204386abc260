'use strict'
// The target site of the demo: a few hundred pages on 127.0.0.1 that fight scrapers the way real sites do.
//
//   - Every page is /page/<n>; page n links to pages 2n+1 and 2n+2 (so all are reachable from /page/0) and to a few
//     others, so a crawler finds the same page many times.
//   - A visitor without a valid `sid` cookie gets a "cookie check": 302 back to the same URL with `Set-Cookie: sid=...`.
//     A client that does not send the cookie back never sees a page. The cookie is signed with a fixed secret, so a
//     cookie saved by an earlier run (a warm session) is still accepted.
//   - The client's address is the proxy's exit address, which the proxy adds as `x-forwarded-for` (a direct client
//     is its socket address). At scheduled points (after so many page requests) the site bans the busiest address
//     it has seen: from then on every request through it gets 403.
//   - 429 when one identity (one `sid`) asks for more than `rateLimit.max` pages within `rateLimit.windowMs`.
//   - Every `blockedEvery`-th page that would have been served is a "blocked" page with status 200 instead.
//
// Everything the site saw is in `site.log` (one entry per request) and `site.stats`, so tests can check what the
// crawler really sent. `x-demo-request` and `x-demo-session` are instrumentation headers the demo crawlers add so
// that a log entry can be matched to the crawler's request; the site's behaviour does not depend on them.
const http = require('node:http')
const crypto = require('node:crypto')

const COOKIE_NAME = 'sid'
const DEFAULT_SECRET = 'session-pool-rs demo site'

/** A small deterministic PRNG (mulberry32), so a run's links are the same every time. */
function prng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function parseCookies(header) {
  const out = {}
  if (!header) return out
  for (const part of header.split(';')) {
    const i = part.indexOf('=')
    if (i < 0) continue
    const name = part.slice(0, i).trim()
    if (name && !(name in out)) out[name] = part.slice(i + 1).trim()
  }
  return out
}

const escapeHtml = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c])

/**
 * Creates the site (not listening yet: call `await site.listen()`).
 * @param {object} [options]
 * @param {number} [options.pages=300] number of pages
 * @param {number[]} [options.banAt] page-request counts at which the busiest unbanned address gets banned
 *   (default: after 25% and 55% of `pages`)
 * @param {{max:number, windowMs:number}} [options.rateLimit] per-identity limit (default 5 pages per 1000 ms)
 * @param {number} [options.blockedEvery=40] every n-th servable page is the blocked page (0: never)
 * @param {[number, number]} [options.latencyMs=[50, 350]] how long a page takes, min and max
 * @param {number} [options.linksPerPage=4] links to other pages besides the two children
 * @param {string} [options.secret] the key that signs cookies
 */
function createSite(options = {}) {
  const pages = options.pages ?? 300
  const banAt = options.banAt ?? [Math.round(pages * 0.25), Math.round(pages * 0.55)]
  const rateLimit = { max: 5, windowMs: 1000, ...options.rateLimit }
  const blockedEvery = options.blockedEvery ?? 40
  const [latencyMin, latencyMax] = options.latencyMs ?? [50, 350]
  const linksPerPage = options.linksPerPage ?? 4
  const secret = options.secret ?? DEFAULT_SECRET
  const random = prng(options.seed ?? 42)

  const stats = {
    pageRequests: 0, // requests for /page/<n>
    served: 0, // real pages served (200, not blocked)
    cookiesIssued: 0, // 302 cookie checks
    returningCookies: 0, // requests that came with a valid cookie
    forbidden: 0, // 403
    tooFast: 0, // 429
    blocked: 0, // blocked pages (200)
    notFound: 0,
  }
  const log = [] // { seq, path, ip, via, cookie: 'valid'|'invalid'|'none', sid, status, kind, demoRequest, demoSession }
  const bans = [] // { ip, via, atRequest }
  const banned = new Set()
  const requestsByIp = new Map() // page requests per client address
  const viaByIp = new Map()
  const recentBySid = new Map() // sid -> timestamps of recent page requests
  let servable = 0 // pages that would have been served, for blockedEvery
  let nextBan = 0

  const sign = (id) => crypto.createHmac('sha256', secret).update(id).digest('base64url').slice(0, 16)
  const newCookie = () => {
    const id = crypto.randomBytes(9).toString('base64url')
    return `${id}.${sign(id)}`
  }
  const checkCookie = (value) => {
    if (!value) return 'none'
    const dot = value.indexOf('.')
    if (dot < 1) return 'invalid'
    return sign(value.slice(0, dot)) === value.slice(dot + 1) ? 'valid' : 'invalid'
  }

  // Links of page n: its two children and a few pseudo-random others (fixed per n).
  const links = []
  for (let n = 0; n < pages; n++) {
    const out = []
    for (const child of [2 * n + 1, 2 * n + 2]) if (child < pages) out.push(child)
    for (let i = 0; i < linksPerPage; i++) out.push(Math.floor(random() * pages))
    links.push(out)
  }

  const latency = () => latencyMin + Math.random() * (latencyMax - latencyMin)

  function clientOf(req) {
    const forwarded = req.headers['x-forwarded-for']
    const ip = forwarded ? String(forwarded).split(',')[0].trim() : req.socket.remoteAddress
    const via = req.headers.via ? String(req.headers.via) : 'direct'
    return { ip, via }
  }

  function maybeBan() {
    while (nextBan < banAt.length && stats.pageRequests >= banAt[nextBan]) {
      nextBan++
      let busiest = null
      for (const [ip, count] of requestsByIp) {
        if (banned.has(ip)) continue
        if (!busiest || count > busiest.count) busiest = { ip, count }
      }
      if (busiest) {
        banned.add(busiest.ip)
        bans.push({ ip: busiest.ip, via: viaByIp.get(busiest.ip), atRequest: stats.pageRequests })
      }
    }
  }

  function send(res, status, headers, body) {
    setTimeout(() => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers })
      res.end(body)
    }, latency())
  }

  function page(n) {
    const items = links[n].map((m) => `<li><a href="/page/${m}">Page ${m}</a></li>`).join('')
    return `<!doctype html><html><head><title>Page ${n}</title></head><body><h1>Page ${n}</h1>
<p>Product ${n}: price ${(n * 7.31) % 100 | 0}.99</p><ul>${items}</ul></body></html>`
  }

  const BLOCKED_PAGE =
    '<!doctype html><html><head><title>Blocked</title></head><body><h1>Access denied</h1>' +
    '<p>Unusual traffic from your computer network. Please try again later.</p></body></html>'

  function handle(req, res) {
    const url = new URL(req.url, 'http://site.invalid')
    const match = /^\/page\/(\d+)$/.exec(url.pathname)
    const n = match ? Number(match[1]) : -1
    if (!match || n >= pages) {
      stats.notFound++
      res.writeHead(404, { 'content-type': 'text/plain' })
      res.end('not found')
      return
    }
    const { ip, via } = clientOf(req)
    const cookieValue = parseCookies(req.headers.cookie)[COOKIE_NAME]
    const cookie = checkCookie(cookieValue)
    const entry = {
      seq: log.length,
      path: url.pathname,
      ip,
      via,
      cookie,
      sid: cookie === 'valid' ? cookieValue : undefined,
      status: 0,
      kind: '',
      demoRequest: req.headers['x-demo-request'],
      demoSession: req.headers['x-demo-session'],
    }
    log.push(entry)
    stats.pageRequests++
    requestsByIp.set(ip, (requestsByIp.get(ip) ?? 0) + 1)
    if (!viaByIp.has(ip)) viaByIp.set(ip, via)
    maybeBan()

    if (banned.has(ip)) {
      stats.forbidden++
      Object.assign(entry, { status: 403, kind: 'banned' })
      send(res, 403, {}, '<!doctype html><title>Forbidden</title><h1>403: your network is banned</h1>')
      return
    }
    if (cookie !== 'valid') {
      // First visit (or a cookie we did not issue): the cookie check.
      stats.cookiesIssued++
      Object.assign(entry, { status: 302, kind: 'cookie-check' })
      send(
        res,
        302,
        { location: url.pathname, 'set-cookie': `${COOKIE_NAME}=${newCookie()}; Path=/; Max-Age=86400; HttpOnly; SameSite=Lax` },
        '<!doctype html><title>Checking your browser</title>',
      )
      return
    }
    stats.returningCookies++
    const now = Date.now()
    const recent = (recentBySid.get(cookieValue) ?? []).filter((t) => now - t < rateLimit.windowMs)
    recent.push(now)
    recentBySid.set(cookieValue, recent)
    if (recent.length > rateLimit.max) {
      stats.tooFast++
      Object.assign(entry, { status: 429, kind: 'too-fast' })
      send(res, 429, { 'retry-after': '1' }, '<!doctype html><title>Too Many Requests</title><h1>Slow down</h1>')
      return
    }
    servable++
    if (blockedEvery > 0 && servable % blockedEvery === 0) {
      stats.blocked++
      Object.assign(entry, { status: 200, kind: 'blocked' })
      send(res, 200, {}, BLOCKED_PAGE)
      return
    }
    stats.served++
    Object.assign(entry, { status: 200, kind: 'page' })
    send(res, 200, {}, page(n))
  }

  const server = http.createServer(handle)
  server.keepAliveTimeout = 30_000

  return {
    server,
    pages,
    stats,
    log,
    bans,
    banned,
    url: undefined,
    /** The URL of page n (after listen()). */
    pageUrl(n) {
      return `${this.url}/page/${n}`
    },
    /** Starts listening on 127.0.0.1 (a free port unless given). */
    listen(port = 0) {
      return new Promise((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject)
          this.url = `http://127.0.0.1:${server.address().port}`
          resolve(this)
        })
      })
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections?.()
      })
    },
  }
}

/** Whether an HTML body is the site's blocked page. */
function isBlockedPage(body) {
  return /<title>Blocked<\/title>/i.test(body)
}

/** The /page/<n> links of an HTML body, as absolute URLs. */
function pageLinks(body, base) {
  const out = []
  for (const m of body.matchAll(/href="(\/page\/\d+)"/g)) out.push(new URL(m[1], base).href)
  return out
}

module.exports = { createSite, isBlockedPage, pageLinks, COOKIE_NAME }
