#!/usr/bin/env node
'use strict'
// The browser flavour of the demo: Debian's chromium, driven by playwright-core, crawls the same kind of site as
// examples/crawl (same site and proxy modules) with one browser context per session:
//
//   session = await sessionPool.getSession()
//   context = the session's context (created on first use, with the session's proxy)
//   await context.addCookies(session.getCookies(url))        session -> browser, before each page
//   response = await page.goto(url)
//   session.retireOnBlockedStatusCodes(response.status())
//   title "Blocked" -> session.retire();  navigation error -> session.markBad()
//   session.setCookies(await context.cookies(), url)        browser -> session, after each page
//   session.markGood()
//   sessionPool.on('sessionRetired', (session) => close that session's context)
//
// Run: node examples/playwright/index.js [--pages 30] [--store demo-crawl] ...   (--help for all options)
// Needs chromium at /usr/bin/chromium (or $CHROMIUM_PATH): apt-get install -y --no-install-recommends chromium
const fs = require('node:fs')
const { parseArgs } = require('node:util')
const { performance } = require('node:perf_hooks')
const { SessionPool } = require('session-pool-rs')
const { createSite, pageLinks } = require('../crawl/site.js')
const { startProxyFarm } = require('../crawl/proxies.js')
const { hash } = require('../crawl/crawler.js')
const { progressPrinter, table } = require('../crawl/report.js')

const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-quic',
  '--no-first-run',
  '--disable-sync',
]

const DEFAULTS = {
  pages: 30,
  concurrency: 4,
  poolSize: 8,
  store: 'demo-playwright',
  maxRetries: 8,
  timeoutMs: 180_000,
  navigationTimeoutMs: 20_000,
  progressIntervalMs: 1000,
  fresh: false,
  keepLogs: false,
}

/** Why chromium cannot be launched here, or null. */
function chromiumUnavailable() {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    return `chromium not found at ${CHROMIUM_PATH} (install it: apt-get install -y --no-install-recommends chromium, or set CHROMIUM_PATH)`
  }
  try {
    require.resolve('playwright-core')
  } catch {
    return 'playwright-core is not installed (npm install)'
  }
  return null
}

/**
 * Runs the browser crawl and returns a summary. Options: pages, concurrency, poolSize, store, fresh, maxRetries,
 * timeoutMs, site (createSite options), proxyFarm (startProxyFarm options), onStart(info), onProgress(snapshot),
 * progressIntervalMs, keepLogs (adds `logs`: the site's log and the contexts' life).
 */
async function runBrowserCrawl(options = {}) {
  const o = { ...DEFAULTS, ...options }
  for (const name of ['pages', 'concurrency', 'poolSize', 'timeoutMs']) {
    if (!Number.isInteger(o[name]) || o[name] < 1) throw new TypeError(`${name} must be a positive integer, got ${o[name]}`)
  }
  const unavailable = chromiumUnavailable()
  if (unavailable) throw new Error(unavailable)
  const { chromium } = require('playwright-core')

  const t0 = performance.now()
  const site = createSite({
    pages: o.pages,
    latencyMs: [10, 80],
    blockedEvery: 6,
    banAt: [Math.max(3, Math.round(o.pages * 0.3))],
    ...o.site,
  })
  await site.listen()
  let farm
  let pool
  let browser
  let deadline
  let progressTimer
  let timedOut = false
  let aborted = false

  const counters = { navigations: 0, retries: 0, navigationErrors: 0, blockedPages: 0, failedPages: 0, pagesDone: 0 }
  const statusCounts = {}
  const retiredBy = {}
  const retiredIds = new Set()
  const why = new Map()
  const bannedSeen = new Map()
  const sessionsUsed = new Set()
  // session id -> { context, retired, pagesOpen, log, ready }: the open context of each usable session
  const contexts = new Map()
  const contextLog = [] // { session, proxy, openedAt, closedAt, closedOnRetire }
  let contextsClosedOnRetire = 0
  const closing = []

  try {
    farm = await startProxyFarm({ count: 3, dropEvery: {}, ...o.proxyFarm })
    const poolOptions = { maxPoolSize: o.poolSize, persistStateKeyValueStoreId: o.store }
    pool = await SessionPool.open(poolOptions)
    if (o.fresh && pool.getState().sessions.length > 0) {
      await pool.resetStore()
      await pool.teardown({ persistState: false })
      pool = await SessionPool.open(poolOptions)
    }
    const restored = pool.usableSessionsCount
    const restoredIds = new Set(pool.getState().sessions.map((s) => s.id))

    // A retired session's identity is burnt: close its browser context (cookies, cache and connections with it).
    pool.on('sessionRetired', (session) => {
      let reason = why.get(session.id)
      if (!reason) {
        if (session.isMaxUsageCountReached()) reason = 'used up (maxUsageCount)'
        else if (session.isExpired()) reason = 'expired'
        else if (session.isBlocked()) reason = 'error score (navigation errors)'
        else reason = 'other'
      }
      retiredBy[reason] = (retiredBy[reason] ?? 0) + 1
      retiredIds.add(session.id)
      const entry = contexts.get(session.id)
      if (entry) {
        contexts.delete(session.id)
        entry.retired = true
        entry.log.closedOnRetire = true
        contextsClosedOnRetire++
        // Closed now, or as soon as the pages it still has open (including the one that got it retired) are done:
        // closing a context under a page that is being opened can leave Playwright's newPage() hanging.
        closeIfIdle(entry)
      }
    })
    function closeIfIdle(entry) {
      if (!entry.retired || entry.pagesOpen > 0 || entry.closing) return
      entry.closing = entry.ready.then((context) => context.close()).catch(() => {})
      closing.push(entry.closing)
    }
    // Bounds a browser call, so that nothing can hang the crawl (the run has its own overall limit too).
    const bounded = (promise, what) => {
      let timer
      const limit = new Promise((resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took over ${o.navigationTimeoutMs} ms`)), o.navigationTimeoutMs)
      })
      return Promise.race([promise, limit]).finally(() => clearTimeout(timer))
    }
    const retireFor = (session, reason) => {
      why.set(session.id, reason)
      session.retire()
      why.delete(session.id)
    }
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

    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 })

    const contextOf = async (session, proxy) => {
      let entry = contexts.get(session.id)
      if (!entry) {
        const log = { session: session.id, proxy: proxy.name, openedAt: performance.now(), closedAt: null, closedOnRetire: false }
        contextLog.push(log)
        entry = { context: null, retired: false, pagesOpen: 0, closing: null, log, ready: null }
        contexts.set(session.id, entry)
        entry.ready = bounded(
          browser.newContext({
            proxy: { server: proxy.url },
            // Instrumentation only: lets the site's log tell which session a request came from.
            extraHTTPHeaders: { 'x-demo-session': session.id },
          }),
          'newContext',
        ).then((context) => {
          entry.context = context
          context.on('close', () => {
            log.closedAt = performance.now()
          })
          return context
        })
        // A context that could not be created is forgotten; the next use of the session tries again.
        entry.ready.catch(() => {
          if (contexts.get(session.id) === entry) contexts.delete(session.id)
        })
      }
      await entry.ready
      return entry
    }

    o.onStart?.({
      siteUrl: site.url,
      pages: o.pages,
      proxies: farm.proxies.map((p) => ({ name: p.name, port: p.port, exitIp: p.exitIp, dropEvery: p.dropEvery })),
      poolSize: o.poolSize,
      concurrency: o.concurrency,
      store: o.store,
      restored,
      statePath: pool.persistStatePath,
      chromium: CHROMIUM_PATH,
      browserVersion: browser.version(),
    })
    const snapshot = () => {
      const elapsedMs = performance.now() - t0
      return {
        elapsedMs,
        done: counters.pagesDone,
        total: o.pages,
        failed: counters.failedPages,
        rate: counters.pagesDone / Math.max(elapsedMs / 1000, 0.001),
        usable: pool.usableSessionsCount,
        retired: retiredIds.size,
        errors: counters.navigationErrors,
        retries: counters.retries,
      }
    }
    if (o.onProgress) progressTimer = setInterval(() => o.onProgress(snapshot()), o.progressIntervalMs)

    async function attempt(item) {
      let session
      let proxy
      for (let picks = 0; ; picks++) {
        session = await pool.getSession()
        sessionsUsed.add(session.id)
        proxy = proxyOf(session)
        if (!bannedSeen.has(proxy.name)) break
        retireFor(session, 'proxy known to be banned')
        if (picks > 10 * o.poolSize) throw new Error('no session with a working proxy')
      }
      const entry = await contextOf(session, proxy)
      if (aborted) return 'aborted'
      // Retired (by another page) while the context was being made.
      if (entry.retired) return 'retry'
      entry.pagesOpen++
      const { context } = entry
      let page
      try {
        // Session -> browser: the session's cookies for this URL into the context.
        await bounded(context.addCookies(session.getCookies(item.url)), 'addCookies')
        page = await bounded(context.newPage(), 'newPage')
        counters.navigations++
        let response
        try {
          response = await page.goto(item.url, { waitUntil: 'domcontentloaded', timeout: o.navigationTimeoutMs })
        } catch (err) {
          if (aborted) return 'aborted'
          counters.navigationErrors++
          session.markBad()
          return 'retry'
        }
        const status = response ? response.status() : 0
        statusCounts[status] = (statusCounts[status] ?? 0) + 1
        if (status === 403 && !bannedSeen.has(proxy.name)) bannedSeen.set(proxy.name, { at: performance.now() })
        if (pool.blockedStatusCodes.includes(status)) why.set(session.id, `HTTP ${status}${status === 403 ? ' (proxy banned)' : status === 429 ? ' (too fast)' : ''}`)
        const blocked = session.retireOnBlockedStatusCodes(status)
        why.delete(session.id)
        if (blocked) return 'retry'
        const title = await bounded(page.title(), 'title')
        if (title === 'Blocked') {
          counters.blockedPages++
          retireFor(session, 'blocked page')
          return 'retry'
        }
        if (status !== 200) {
          session.markBad()
          return 'retry'
        }
        // Browser -> session: the context's cookies (the site's `sid`) back into the session.
        session.setCookies(await bounded(context.cookies(), 'cookies'), item.url)
        session.markGood()
        const html = await bounded(page.content(), 'content')
        for (const link of pageLinks(html, item.url)) {
          if (!seen.has(link)) {
            seen.add(link)
            queue.push({ url: link, retries: 0 })
          }
        }
        return 'done'
      } catch (err) {
        if (aborted) return 'aborted'
        throw err
      } finally {
        if (page) await bounded(page.close(), 'page.close').catch(() => {})
        entry.pagesOpen--
        closeIfIdle(entry)
      }
    }

    const queue = [{ url: site.pageUrl(0), retries: 0 }]
    const seen = new Set([queue[0].url])
    let inFlight = 0
    const waiters = []
    const notify = () => {
      while (waiters.length) waiters.shift()()
    }
    const errors = []
    async function worker() {
      while (!aborted) {
        const item = queue.shift()
        if (!item) {
          if (inFlight === 0) {
            notify()
            return
          }
          await new Promise((resolve) => waiters.push(resolve))
          continue
        }
        inFlight++
        let outcome
        try {
          outcome = await attempt(item)
        } catch (err) {
          errors.push(String(err && err.message))
          outcome = 'retry'
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
          }
        }
        notify()
      }
    }
    const expired = new Promise((resolve) => {
      deadline = setTimeout(() => {
        timedOut = true
        aborted = true
        notify()
        // Closing the browser ends every navigation in flight.
        browser.close().catch(() => {})
        resolve()
      }, o.timeoutMs)
    })
    await Promise.race([Promise.all(Array.from({ length: o.concurrency }, worker)), expired])
    aborted = true
    clearTimeout(deadline)
    clearInterval(progressTimer)
    progressTimer = undefined
    o.onProgress?.(snapshot())
    await Promise.all(closing)

    // The contexts still open belong to sessions that were never retired.
    const openContexts = browser.isConnected() ? browser.contexts().length : 0
    const summary = {
      ok: !timedOut && counters.pagesDone === o.pages && counters.failedPages === 0,
      timedOut,
      durationMs: Math.round(performance.now() - t0),
      browserVersion: browser.version(),
      pages: { total: o.pages, done: counters.pagesDone, failed: counters.failedPages },
      navigations: counters.navigations,
      retries: counters.retries,
      navigationErrors: counters.navigationErrors,
      blockedPages: counters.blockedPages,
      statusCounts,
      sessions: {
        restored,
        created: [...sessionsUsed].filter((id) => !restoredIds.has(id)).length,
        used: sessionsUsed.size,
        retired: retiredIds.size,
        retiredBy,
        usableAtEnd: pool.usableSessionsCount,
      },
      contexts: {
        opened: contextLog.length,
        closedOnRetire: contextsClosedOnRetire,
        // Of those, how many the browser reported closed (Playwright's 'close' event) before the end of the run.
        closedOnRetireConfirmed: contextLog.filter((l) => l.closedOnRetire && l.closedAt !== null).length,
        openAtEnd: openContexts,
      },
      proxiesBanned: site.bans.map((b) => farm.byExitIp.get(b.ip)?.name ?? b.ip),
      site: { url: site.url, ...site.stats },
      store: o.store,
      statePath: pool.persistStatePath,
      errors,
    }
    if (o.keepLogs) {
      summary.logs = {
        site: site.log,
        // A copy: closing the browser at the end closes the other contexts too.
        contexts: contextLog.map((l) => ({ ...l })),
        retiredIds: [...retiredIds],
        restoredIds: [...restoredIds],
        openContextSessions: [...contexts.keys()],
      }
    }
    await pool.teardown()
    pool = undefined
    return summary
  } finally {
    clearTimeout(deadline)
    if (progressTimer) clearInterval(progressTimer)
    aborted = true
    if (pool) await pool.teardown().catch(() => {})
    if (browser) {
      let timer
      await Promise.race([browser.close().catch(() => {}), new Promise((resolve) => (timer = setTimeout(resolve, 15_000)))])
      clearTimeout(timer)
    }
    if (farm) await farm.close()
    await site.close()
  }
}

function summaryText(s) {
  const secs = s.durationMs / 1000
  const rows = [
    ['pages fetched', `${s.pages.done} / ${s.pages.total}` + (s.pages.failed ? `  (${s.pages.failed} failed)` : '')],
    ['time', `${secs.toFixed(1)} s  (chromium ${s.browserVersion})`],
    ['navigations', `${s.navigations}  (retries ${s.retries}, navigation errors ${s.navigationErrors})`],
    ['responses', Object.entries(s.statusCounts).map(([code, n]) => `${code}: ${n}`).join(', ')],
    ['blocked pages (200)', String(s.blockedPages)],
    ['sessions restored', `${s.sessions.restored}  (warm, from store '${s.store}')`],
    ['sessions created', String(s.sessions.created)],
    ['sessions retired', String(s.sessions.retired)],
    ...Object.entries(s.sessions.retiredBy)
      .sort((a, b) => b[1] - a[1])
      .map(([reason, n]) => [`  ${reason}`, String(n)]),
    ['browser contexts', `${s.contexts.opened} opened, ${s.contexts.closedOnRetire} closed on sessionRetired, ${s.contexts.openAtEnd} open at the end`],
    ['proxies banned', s.proxiesBanned.join(', ') || 'none'],
  ]
  return [
    s.ok ? 'Done.' : s.timedOut ? 'STOPPED: the run hit its time limit.' : 'FINISHED WITH FAILED PAGES.',
    table(rows),
    '',
    `Session pool state persisted to ${s.statePath}`,
  ].join('\n')
}

const HELP = `Usage: node examples/playwright/index.js [options]

Crawls the demo site with headless chromium (playwright-core), one browser context per session: cookies go from
session.getCookies() into the context and back with session.setCookies(); a retired session closes its context.

Options:
  --pages <n>         pages to crawl (default ${DEFAULTS.pages})
  --concurrency <n>   pages open at once (default ${DEFAULTS.concurrency})
  --pool-size <n>     the pool's maxPoolSize (default ${DEFAULTS.poolSize})
  --store <name>      key-value store of the pool's state (default '${DEFAULTS.store}'); '--store demo-crawl'
                      reuses the sessions the HTTP demo (npm start) warmed up
  --fresh             forget the saved sessions and start cold
  --timeout <secs>    hard limit for the whole run (default ${DEFAULTS.timeoutMs / 1000})
  --json              print only a JSON summary
  -h, --help          show this help

Needs chromium at ${CHROMIUM_PATH} (set CHROMIUM_PATH to use another).
`

async function main(argv = process.argv.slice(2)) {
  let values
  try {
    ;({ values } = parseArgs({
      args: argv,
      options: {
        pages: { type: 'string' },
        concurrency: { type: 'string' },
        'pool-size': { type: 'string' },
        store: { type: 'string' },
        fresh: { type: 'boolean' },
        timeout: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
    for (const name of ['pages', 'concurrency', 'pool-size', 'timeout']) {
      if (values[name] !== undefined && !(Number.isInteger(Number(values[name])) && Number(values[name]) >= 1)) {
        throw new Error(`--${name} expects a positive integer, got '${values[name]}'`)
      }
    }
  } catch (err) {
    process.stderr.write(`${err.message}\nRun with --help for the options.\n`)
    return 2
  }
  if (values.help) {
    process.stdout.write(HELP)
    return 0
  }
  const unavailable = chromiumUnavailable()
  if (unavailable) {
    process.stderr.write(`${unavailable}\n`)
    return 1
  }
  const opts = {
    pages: values.pages ? Number(values.pages) : DEFAULTS.pages,
    concurrency: values.concurrency ? Number(values.concurrency) : DEFAULTS.concurrency,
    poolSize: values['pool-size'] ? Number(values['pool-size']) : DEFAULTS.poolSize,
    store: values.store ?? DEFAULTS.store,
    fresh: Boolean(values.fresh),
    timeoutMs: values.timeout ? Number(values.timeout) * 1000 : DEFAULTS.timeoutMs,
  }
  if (values.json) {
    const summary = await runBrowserCrawl(opts)
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`)
    return summary.ok ? 0 : 1
  }
  const progress = progressPrinter(process.stdout)
  const summary = await runBrowserCrawl({
    ...opts,
    progressIntervalMs: progress.intervalMs,
    onStart: (info) =>
      process.stdout.write(
        `session-pool-rs browser demo: chromium ${info.browserVersion}, one context per session\n` +
          `  site ${info.siteUrl} (${info.pages} pages), ${info.proxies.length} proxies, maxPoolSize ${info.poolSize}, ` +
          `${info.concurrency} pages at once\n` +
          (info.restored > 0
            ? `  restored ${info.restored} warm sessions from store '${info.store}'\n\n`
            : `  no saved sessions in store '${info.store}': starting cold\n\n`),
      ),
    onProgress: (s) => progress.update(s),
  })
  progress.end()
  process.stdout.write(`\n${summaryText(summary)}\n`)
  return summary.ok ? 0 : 1
}

module.exports = { runBrowserCrawl, chromiumUnavailable, main, CHROMIUM_PATH }

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code
    },
    (err) => {
      process.stderr.write(`browser demo failed: ${err && err.stack ? err.stack : err}\n`)
      process.exitCode = 1
    },
  )
}
