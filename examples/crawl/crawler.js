'use strict'
// The crawler of the demo: plain node:http through the proxy farm, with SessionPool used as the seeds' BasicCrawler
// example uses it:
//
//   const session = await sessionPool.getSession()
//   proxy = the proxy of session.id              (one proxy per session, like Apify's proxy session ids)
//   headers.Cookie = session.getCookieString(url)
//   network error           -> session.markBad()
//   session.retireOnBlockedStatusCodes(status)   (401, 403, 429 retire the session)
//   the "Blocked" page      -> session.retire()
//   session.setCookiesFromResponse(response)
//   success                 -> session.markGood()
//   sessionPool.on('sessionRetired', ...)        (counts retirements and why)
//
// A page that failed goes back to the queue (at most `maxRetries` times). The whole run is bounded by `timeoutMs`.
// `runCrawl()` starts the site and the proxies, crawls, tears everything down and returns a summary; it prints
// nothing itself (the CLI in index.js does, through `onStart` / `onProgress`).
const http = require('node:http')
const { setMaxListeners } = require('node:events')
const { performance } = require('node:perf_hooks')
const { SessionPool } = require('session-pool-rs')
const { createSite, isBlockedPage, pageLinks } = require('./site.js')
const { startProxyFarm } = require('./proxies.js')

const DEFAULTS = {
  pages: 300,
  concurrency: 20,
  poolSize: 40,
  store: 'demo-crawl',
  maxRetries: 8,
  maxRedirects: 3,
  timeoutMs: 120_000,
  requestTimeoutMs: 15_000,
  progressIntervalMs: 1000,
  fresh: false,
  keepLogs: false,
}

const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) session-pool-rs-demo/0.1'

/** FNV-1a: a stable hash of a session id, to pick its proxy. */
function hash(text) {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

function positiveInt(name, value) {
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`${name} must be a positive integer, got ${value}`)
  return value
}

/** GET `url` through the forward proxy `proxy` (absolute-form request URI). Resolves { status, headers, body }. */
function getThroughProxy({ proxy, url, headers, agent, timeoutMs, signal }) {
  return new Promise((resolve, reject) => {
    const target = new URL(url)
    const req = http.request(
      {
        host: '127.0.0.1',
        port: proxy.port,
        method: 'GET',
        path: target.href,
        headers: { host: target.host, ...headers },
        agent,
        signal,
      },
      (res) => {
        const chunks = []
        res.on('data', (c) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
        res.on('error', reject)
        res.on('aborted', () => reject(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })))
      },
    )
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`no answer in ${timeoutMs} ms`), { code: 'ETIMEDOUT' })))
    req.on('error', reject)
    req.end()
  })
}

/**
 * Runs the demo crawl. Options (all optional): pages, concurrency, poolSize, store (the key-value store id of the
 * pool's state), maxRetries, timeoutMs (hard limit of the whole run), fresh (forget saved sessions first),
 * site (options of createSite), proxyFarm (options of startProxyFarm), sessionOptions (the pool's),
 * onStart(info), onProgress(snapshot), progressIntervalMs, keepLogs (adds `logs` with every request the crawler
 * sent and every request the site received).
 */
async function runCrawl(options = {}) {
  const o = { ...DEFAULTS, ...options }
  positiveInt('pages', o.pages)
  positiveInt('concurrency', o.concurrency)
  positiveInt('poolSize', o.poolSize)
  positiveInt('timeoutMs', o.timeoutMs)
  if (!Number.isInteger(o.maxRetries) || o.maxRetries < 0) throw new TypeError(`maxRetries must be an integer >= 0, got ${o.maxRetries}`)
  if (typeof o.store !== 'string' || o.store === '') throw new TypeError('store must be a non-empty string')

  const t0 = performance.now()
  const site = createSite({ pages: o.pages, ...o.site })
  await site.listen()
  let farm
  let pool
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity })
  const abort = new AbortController()
  setMaxListeners(0, abort.signal) // one listener per request in flight
  let timedOut = false
  let progressTimer
  let deadline

  // What the crawler saw.
  const counters = { requests: 0, retries: 0, cookieChecks: 0, networkErrors: 0, blockedPages: 0, blockedOnRetired: 0, failedPages: 0, pagesDone: 0 }
  const statusCounts = {}
  const retiredBy = {}
  let retired = 0
  const why = new Map() // session id -> why it is being retired right now (read by the sessionRetired listener)
  const bannedSeen = new Map() // proxy name -> { at, rid }: when the crawler learned the proxy is banned
  const perProxy = new Map() // proxy name -> { requests, pages, forbidden, networkErrors }
  const sessionsUsed = new Set()
  const cookieSince = new Map() // session id -> performance.now() when its jar first held the site's cookie
  const requestLog = []
  const failed = []

  try {
    farm = await startProxyFarm(o.proxyFarm)
    for (const p of farm.proxies) perProxy.set(p.name, { requests: 0, pages: 0, forbidden: 0, networkErrors: 0 })

    const poolOptions = {
      maxPoolSize: o.poolSize,
      persistStateKeyValueStoreId: o.store,
      ...(o.sessionOptions ? { sessionOptions: o.sessionOptions } : {}),
    }
    pool = await SessionPool.open(poolOptions)
    let forgotten = 0
    if (o.fresh && pool.getState().sessions.length > 0) {
      forgotten = pool.usableSessionsCount
      await pool.resetStore()
      await pool.teardown({ persistState: false })
      pool = await SessionPool.open(poolOptions)
    }
    // Warm sessions: what the pool restored from the named store when it opened.
    const restored = pool.usableSessionsCount
    const restoredIds = new Set(pool.getState().sessions.map((s) => s.id))

    pool.on('sessionRetired', (session) => {
      let reason = why.get(session.id)
      if (!reason) {
        if (session.isMaxUsageCountReached()) reason = 'used up (maxUsageCount)'
        else if (session.isExpired()) reason = 'expired'
        else if (session.isBlocked()) reason = 'error score (network errors)'
        else reason = 'other'
      }
      retired++
      retiredBy[reason] = (retiredBy[reason] ?? 0) + 1
    })
    // Retires a session, telling the listener why. Returns whether this call retired it: a session used by two
    // requests at once may already have been retired by the other one (the event fires once per session).
    const retireFor = (session, reason) => {
      const before = retired
      why.set(session.id, reason)
      session.retire()
      why.delete(session.id)
      return retired > before
    }

    // One proxy per session: picked from the session id among the proxies not known to be banned, and kept in
    // userData, which the pool persists with the session (a warm session comes back with its proxy).
    const proxyOf = (session) => {
      let name = session.userData.proxy
      if (!name || !farm.byName.has(name)) {
        const healthy = farm.proxies.filter((p) => !bannedSeen.has(p.name))
        const list = healthy.length > 0 ? healthy : farm.proxies
        name = list[hash(session.id) % list.length].name
        session.userData.proxy = name
      }
      return farm.byName.get(name)
    }

    const info = {
      siteUrl: site.url,
      pages: o.pages,
      proxies: farm.proxies.map((p) => ({ name: p.name, port: p.port, exitIp: p.exitIp, dropEvery: p.dropEvery })),
      poolSize: o.poolSize,
      concurrency: o.concurrency,
      store: o.store,
      restored,
      forgotten,
      statePath: pool.persistStatePath,
    }
    o.onStart?.(info)

    const snapshot = () => {
      const elapsedMs = performance.now() - t0
      return {
        elapsedMs,
        done: counters.pagesDone,
        total: o.pages,
        failed: counters.failedPages,
        rate: counters.pagesDone / Math.max(elapsedMs / 1000, 0.001),
        usable: pool.usableSessionsCount,
        retired,
        errors: counters.networkErrors,
        retries: counters.retries,
        requests: counters.requests,
      }
    }
    if (o.onProgress) progressTimer = setInterval(() => o.onProgress(snapshot()), o.progressIntervalMs)

    // The queue: every page once, failed attempts go back at the end.
    const queue = [{ url: site.pageUrl(0), retries: 0 }]
    const seen = new Set([queue[0].url])
    let inFlight = 0
    let wake = null
    const notify = () => {
      if (wake) {
        const w = wake
        wake = null
        w()
      }
    }
    let aborted = false
    const finished = new Promise((resolve) => {
      deadline = setTimeout(() => {
        timedOut = true
        aborted = true
        abort.abort()
        notify()
        resolve()
      }, o.timeoutMs)
    })

    // One attempt at a page: 'done', 'retry' or 'aborted'.
    async function attempt(item) {
      let session
      let proxy
      for (let picks = 0; ; picks++) {
        session = await pool.getSession()
        sessionsUsed.add(session.id)
        proxy = proxyOf(session)
        if (!bannedSeen.has(proxy.name)) break
        // Its proxy is banned: this identity is burnt.
        retireFor(session, 'proxy known to be banned')
        if (picks > 10 * o.poolSize) throw new Error('no session with a working proxy')
      }
      if (!cookieSince.has(session.id) && session.getCookieString(item.url) !== '') cookieSince.set(session.id, performance.now())

      let url = item.url
      for (let hop = 0; ; hop++) {
        if (aborted) return 'aborted'
        if (bannedSeen.has(proxy.name)) {
          // The ban was seen while this attempt was between two requests (the cookie check).
          retireFor(session, 'proxy known to be banned')
          return 'retry'
        }
        const stats = perProxy.get(proxy.name)
        const rid = ++counters.requests
        const cookie = session.getCookieString(url)
        const headers = { 'user-agent': USER_AGENT, accept: 'text/html', 'x-demo-request': String(rid), 'x-demo-session': session.id }
        if (cookie) headers.cookie = cookie
        const rec = { rid, session: session.id, proxy: proxy.name, url, sentCookie: cookie !== '', sentAt: performance.now(), status: 0, error: null }
        if (o.keepLogs) requestLog.push(rec)
        stats.requests++
        let res
        try {
          res = await getThroughProxy({ proxy, url, headers, agent, timeoutMs: o.requestTimeoutMs, signal: abort.signal })
        } catch (err) {
          if (aborted) return 'aborted'
          rec.error = err.code || err.message
          counters.networkErrors++
          stats.networkErrors++
          // Probably bad luck with a working proxy: a bad mark, not retirement.
          session.markBad()
          return 'retry'
        }
        rec.status = res.status
        statusCounts[res.status] = (statusCounts[res.status] ?? 0) + 1

        if (res.status === 403) {
          stats.forbidden++
          // The site answers 403 to addresses it banned: stop using this proxy from now on.
          if (!bannedSeen.has(proxy.name)) bannedSeen.set(proxy.name, { at: performance.now(), rid })
        }
        if (pool.blockedStatusCodes.includes(res.status)) {
          why.set(session.id, res.status === 403 ? 'HTTP 403 (proxy banned)' : res.status === 429 ? 'HTTP 429 (too fast)' : `HTTP ${res.status}`)
        }
        const blocked = session.retireOnBlockedStatusCodes(res.status)
        why.delete(session.id)
        if (blocked) return 'retry'

        session.setCookiesFromResponse({ headers: res.headers, url })
        if (!cookieSince.has(session.id) && session.getCookieString(url) !== '') cookieSince.set(session.id, performance.now())

        if (res.status >= 300 && res.status < 400 && res.headers.location) {
          if (hop >= o.maxRedirects) {
            session.markBad()
            return 'retry'
          }
          counters.cookieChecks++
          url = new URL(res.headers.location, url).href
          continue
        }
        if (res.status !== 200) {
          session.markBad()
          return 'retry'
        }
        if (isBlockedPage(res.body)) {
          counters.blockedPages++
          if (!retireFor(session, 'blocked page')) counters.blockedOnRetired++
          return 'retry'
        }
        session.markGood()
        stats.pages++
        for (const link of pageLinks(res.body, url)) {
          if (!seen.has(link)) {
            seen.add(link)
            queue.push({ url: link, retries: 0 })
          }
        }
        return 'done'
      }
    }

    async function worker() {
      while (!aborted) {
        const item = queue.shift()
        if (!item) {
          if (inFlight === 0) {
            notify()
            return
          }
          await new Promise((resolve) => {
            const previous = wake
            wake = () => {
              previous?.()
              resolve()
            }
          })
          continue
        }
        inFlight++
        let outcome
        try {
          outcome = await attempt(item)
        } catch (err) {
          outcome = 'retry'
          item.lastError = String(err && err.message)
        }
        inFlight--
        if (outcome === 'done') counters.pagesDone++
        else if (outcome === 'retry') {
          if (item.retries < o.maxRetries) {
            item.retries++
            counters.retries++
            queue.push(item)
          } else {
            counters.failedPages++
            failed.push(item.url)
          }
        }
        notify()
      }
    }

    await Promise.race([Promise.all(Array.from({ length: o.concurrency }, worker)), finished])
    aborted = true
    clearTimeout(deadline)
    clearInterval(progressTimer)
    progressTimer = undefined
    const last = snapshot()
    if (o.onProgress) o.onProgress(last)

    const siteBans = site.bans.map((b) => {
      const p = farm.byExitIp.get(b.ip)
      return { proxy: p ? p.name : b.ip, exitIp: b.ip, atSiteRequest: b.atRequest }
    })
    const summary = {
      ok: !timedOut && counters.pagesDone === o.pages && counters.failedPages === 0,
      timedOut,
      durationMs: Math.round(performance.now() - t0),
      pages: { total: o.pages, done: counters.pagesDone, failed: counters.failedPages, failedUrls: failed },
      requests: counters.requests,
      retries: counters.retries,
      cookieChecks: counters.cookieChecks,
      networkErrors: counters.networkErrors,
      blockedPages: counters.blockedPages,
      blockedOnRetired: counters.blockedOnRetired, // blocked pages that reached a session already retired
      statusCounts,
      sessions: {
        restored,
        created: [...sessionsUsed].filter((id) => !restoredIds.has(id)).length,
        used: sessionsUsed.size,
        retired,
        retiredBy,
        usableAtEnd: pool.usableSessionsCount,
      },
      proxies: farm.proxies.map((p) => {
        const s = perProxy.get(p.name)
        const ban = siteBans.find((b) => b.proxy === p.name)
        const seenBan = bannedSeen.get(p.name)
        return {
          name: p.name,
          port: p.port,
          exitIp: p.exitIp,
          requests: s.requests,
          pages: s.pages,
          forbidden: s.forbidden,
          networkErrors: s.networkErrors,
          dropped: p.stats.dropped,
          bannedBySite: Boolean(ban),
          bannedAtSiteRequest: ban ? ban.atSiteRequest : null,
          banSeenAtRequest: seenBan ? seenBan.rid : null,
        }
      }),
      site: { url: site.url, ...site.stats },
      store: o.store,
      statePath: pool.persistStatePath,
    }
    if (o.keepLogs) {
      summary.logs = {
        requests: requestLog,
        site: site.log,
        bannedSeen: Object.fromEntries(bannedSeen),
        cookieSince: Object.fromEntries(cookieSince),
        restoredIds: [...restoredIds],
        siteBans,
      }
    }
    // Persist the pool (teardown writes the state file) before reporting where it is.
    await pool.teardown()
    pool = undefined
    return summary
  } finally {
    clearTimeout(deadline)
    if (progressTimer) clearInterval(progressTimer)
    abort.abort()
    if (pool) await pool.teardown().catch(() => {})
    agent.destroy()
    if (farm) await farm.close()
    await site.close()
  }
}

module.exports = { runCrawl, DEFAULTS, hash }
