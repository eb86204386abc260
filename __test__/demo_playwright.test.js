'use strict'
// The browser demo (examples/playwright, issue 6): headless chromium through playwright-core, one browser context per
// session, against the demo site. First the HTTP demo warms a few sessions up in a named store; then the browser demo
// opens the same store, so it starts with sessions that already hold the site's cookie. Checked: every page done,
// cookies go session -> context (a warm session's first browser request carries its cookie) and context -> session
// (the state file holds the cookie the site gave the browser), and every retired session's context was closed through
// the sessionRetired event. Skipped without chromium unless CI is set (then a missing browser fails, clearly).
const { describe, it, before, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const chromium = require('./helpers/chromium')
const { runCrawl } = require('../examples/crawl/index.js')
const { runBrowserCrawl } = require('../examples/playwright/index.js')

const TEST_TIMEOUT_MS = 300_000
const PAGES = 24
const STORE = 'demo-handoff'

describe('demo playwright (examples/playwright)', { skip: chromium.skipReason() }, () => {
  let storageDir
  let previousStorageDir
  let warmup
  let run
  let state

  before(
    async () => {
      // In CI a missing chromium is an error with the reason, not a skip.
      chromium.assertAvailable()
      storageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'session-pool-rs-demo-pw-'))
      previousStorageDir = process.env.CRAWLEE_STORAGE_DIR
      process.env.CRAWLEE_STORAGE_DIR = storageDir
      // Same three proxies as the browser demo, so warm sessions keep their proxy.
      warmup = await runCrawl({
        pages: 30,
        concurrency: 6,
        poolSize: 6,
        store: STORE,
        timeoutMs: 120_000,
        proxyFarm: { count: 3, dropEvery: {} },
        site: { latencyMs: [2, 30], banAt: [] },
      })
      run = await runBrowserCrawl({ pages: PAGES, concurrency: 4, poolSize: 6, store: STORE, keepLogs: true, timeoutMs: 240_000 })
      state = JSON.parse(fs.readFileSync(run.statePath, 'utf8'))
    },
    { timeout: TEST_TIMEOUT_MS },
  )

  after(() => {
    if (previousStorageDir === undefined) delete process.env.CRAWLEE_STORAGE_DIR
    else process.env.CRAWLEE_STORAGE_DIR = previousStorageDir
    if (storageDir) fs.rmSync(storageDir, { recursive: true, force: true })
  })

  it('crawls every page with headless chromium', () => {
    assert.equal(warmup.ok, true)
    assert.equal(run.timedOut, false)
    assert.deepEqual(run.errors, [])
    assert.equal(run.pages.failed, 0)
    assert.equal(run.pages.done, PAGES)
    assert.equal(run.ok, true)
    const served = new Set(run.logs.site.filter((e) => e.kind === 'page').map((e) => e.path))
    for (let n = 0; n < PAGES; n++) assert.ok(served.has(`/page/${n}`), `the site never served /page/${n}`)
  })

  it('closes the context of every retired session through the sessionRetired event', () => {
    assert.ok(run.sessions.retired >= 1, 'no session was retired')
    assert.ok(run.blockedPages >= 1, 'no blocked page')
    assert.ok(run.sessions.retiredBy['blocked page'] >= 1)
    assert.ok(run.contexts.closedOnRetire >= 1, 'no context was closed on retirement')
    assert.equal(run.contexts.closedOnRetireConfirmed, run.contexts.closedOnRetire, 'a context was not closed')
    const retired = new Set(run.logs.retiredIds)
    for (const c of run.logs.contexts) {
      if (retired.has(c.session)) {
        assert.equal(c.closedOnRetire, true, `the context of retired ${c.session} was not closed on retirement`)
        assert.notEqual(c.closedAt, null, `the context of retired ${c.session} is still open`)
      } else {
        assert.equal(c.closedAt, null, `the context of usable ${c.session} was closed`)
      }
    }
    // What is still open belongs to the usable sessions only.
    for (const id of run.logs.openContextSessions) assert.ok(!retired.has(id))
    assert.equal(run.contexts.openAtEnd, run.logs.openContextSessions.length)
  })

  it('moves cookies session -> context (getCookies/addCookies) and context -> session (setCookies)', () => {
    // Session -> browser: a session warmed up by the HTTP demo sent the site's cookie on its first browser request.
    const restored = new Set(run.logs.restoredIds)
    assert.ok(run.sessions.restored > 0, 'the browser demo restored no warm session')
    const firstBySession = new Map()
    for (const e of run.logs.site) if (e.demoSession && !firstBySession.has(e.demoSession)) firstBySession.set(e.demoSession, e)
    let warm = 0
    for (const [id, e] of firstBySession) {
      if (!restored.has(id)) continue
      warm++
      assert.equal(e.cookie, 'valid', `warm ${id} reached the site without its cookie`)
    }
    assert.ok(warm > 0, 'no warm session was used by the browser')

    // Browser -> session: a session that got a page in the browser holds, in the saved state, the cookie the browser
    // sent for it.
    const sidSent = new Map()
    for (const e of run.logs.site) if (e.demoSession && e.kind === 'page') sidSent.set(e.demoSession, e.sid)
    let checked = 0
    for (const s of state.sessions) {
      if (!sidSent.has(s.id)) continue
      const saved = (s.cookieJar.cookies ?? []).find((c) => c.key === 'sid')
      assert.ok(saved, `${s.id} got pages in the browser but has no sid cookie in the state file`)
      assert.equal(saved.value, sidSent.get(s.id))
      checked++
    }
    assert.ok(checked > 0)
    // Cold sessions (created by the browser demo) went through the cookie check in the browser.
    assert.ok(run.sessions.created === 0 || run.site.cookiesIssued > 0)
  })
})
