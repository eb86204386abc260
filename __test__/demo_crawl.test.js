'use strict'
// The demo crawl (examples/crawl, issue 6) with small numbers: it runs in this process through its exported
// runCrawl(), with every request the crawler sent and every request the site received, and the assertions compare
// the two. A second run in the same CRAWLEE_STORAGE_DIR must restore the first run's warm sessions. The CLI is run
// once as a child process (--json). No timing assertions: the site's latency is small and every bound is generous.
const { describe, it, before, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFile } = require('node:child_process')
const { runCrawl } = require('../examples/crawl/index.js')

const ROOT = path.join(__dirname, '..')
const TEST_TIMEOUT_MS = 180_000
const PAGES = 80
const STORE = 'demo-crawl-test'
const OPTIONS = {
  pages: PAGES,
  concurrency: 8,
  poolSize: 12,
  store: STORE,
  keepLogs: true,
  timeoutMs: 150_000,
  // Small latency for a quick test; a blocked page every 10 servable pages, so some are certain.
  site: { latencyMs: [2, 30], blockedEvery: 10 },
}

describe('demo crawl (examples/crawl)', () => {
  let storageDir
  let previousStorageDir
  let first
  let second
  let stateAfterFirst

  before(async () => {
    storageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'session-pool-rs-demo-'))
    previousStorageDir = process.env.CRAWLEE_STORAGE_DIR
    process.env.CRAWLEE_STORAGE_DIR = storageDir
    first = await runCrawl(OPTIONS)
    // The state file as the first run left it (the second run overwrites it).
    stateAfterFirst = JSON.parse(fs.readFileSync(first.statePath, 'utf8'))
    second = await runCrawl(OPTIONS)
  }, { timeout: TEST_TIMEOUT_MS })

  after(() => {
    if (previousStorageDir === undefined) delete process.env.CRAWLEE_STORAGE_DIR
    else process.env.CRAWLEE_STORAGE_DIR = previousStorageDir
    if (storageDir) fs.rmSync(storageDir, { recursive: true, force: true })
  })

  it('fetches every page (the site served each one)', { timeout: TEST_TIMEOUT_MS }, () => {
    for (const run of [first, second]) {
      assert.equal(run.timedOut, false)
      assert.equal(run.pages.failed, 0, `failed pages: ${run.pages.failedUrls.join(', ')}`)
      assert.equal(run.pages.done, PAGES)
      assert.equal(run.ok, true)
      const served = new Set(run.logs.site.filter((e) => e.kind === 'page').map((e) => e.path))
      for (let n = 0; n < PAGES; n++) assert.ok(served.has(`/page/${n}`), `the site never served /page/${n}`)
    }
  })

  it('sends nothing through a banned proxy once the crawler has seen the ban', () => {
    let seenBans = 0
    for (const run of [first, second]) {
      const { bannedSeen, requests, siteBans } = run.logs
      assert.ok(siteBans.length >= 1, 'the site banned no proxy')
      for (const [proxy, seen] of Object.entries(bannedSeen)) {
        seenBans++
        // Only a proxy the site really banned answers 403.
        assert.ok(siteBans.some((b) => b.proxy === proxy), `${proxy} was taken for banned but the site never banned it`)
        const after = requests.filter((r) => r.proxy === proxy && r.sentAt > seen.at)
        assert.deepEqual(after.map((r) => r.rid), [], `requests sent through ${proxy} after its ban was seen (request ${seen.rid})`)
      }
      // Every 403 the site sent went to a banned proxy's address.
      const bannedIps = new Set(siteBans.map((b) => b.exitIp))
      for (const e of run.logs.site.filter((x) => x.status === 403)) assert.ok(bannedIps.has(e.ip))
    }
    assert.ok(seenBans >= 1, 'the crawler never saw a ban')
  })

  it('sends the session cookie back on every request after the session got it', () => {
    for (const run of [first, second]) {
      const { requests, site, cookieSince } = run.logs
      const siteByRequest = new Map(site.filter((e) => e.demoRequest).map((e) => [Number(e.demoRequest), e]))
      let checked = 0
      for (const r of requests) {
        const since = cookieSince[r.session]
        if (since === undefined || r.sentAt <= since) continue
        assert.equal(r.sentCookie, true, `request ${r.rid} of ${r.session} was sent without its cookie`)
        const e = siteByRequest.get(r.rid)
        if (!e) continue // dropped by a flaky proxy before it reached the site
        assert.equal(e.cookie, 'valid', `the site got request ${r.rid} of ${r.session} with cookie '${e.cookie}'`)
        assert.equal(e.demoSession, r.session)
        checked++
      }
      assert.ok(checked > PAGES / 2, `only ${checked} requests checked`)
      // Each cookie check (302 + Set-Cookie) was followed by a request with the new cookie.
      assert.ok(run.cookieChecks > 0)
      assert.ok(run.site.returningCookies >= run.pages.done)
    }
  })

  it('retires sessions on 403 and on the blocked page, through the sessionRetired event', () => {
    const retiredBy = {}
    for (const run of [first, second]) {
      for (const [reason, n] of Object.entries(run.sessions.retiredBy)) retiredBy[reason] = (retiredBy[reason] ?? 0) + n
      assert.ok(run.blockedPages >= 1)
      // One retirement per blocked page, except where the session had already been retired by another request
      // it was serving at the same time (sessionRetired fires once per session).
      assert.equal((run.sessions.retiredBy['blocked page'] ?? 0) + run.blockedOnRetired, run.blockedPages)
      assert.equal(
        Object.values(run.sessions.retiredBy).reduce((a, b) => a + b, 0),
        run.sessions.retired,
      )
    }
    assert.ok(retiredBy['HTTP 403 (proxy banned)'] >= 1, `no session retired on 403: ${JSON.stringify(retiredBy)}`)
    assert.ok(retiredBy['blocked page'] >= 1)
  })

  it('persists the pool to the named store, and the second run restores the warm sessions', () => {
    const expected = path.join(storageDir, 'key_value_stores', STORE, 'SDK_SESSION_POOL_STATE.json')
    assert.equal(first.statePath, expected)
    assert.equal(second.statePath, expected)
    assert.ok(fs.existsSync(expected))
    assert.ok(Array.isArray(stateAfterFirst.sessions) && stateAfterFirst.sessions.length > 0)

    assert.equal(first.sessions.restored, 0, 'the first run starts cold')
    assert.ok(first.sessions.usableAtEnd > 0)
    assert.equal(second.sessions.restored, first.sessions.usableAtEnd, 'the second run restores every usable session of the first')
    const restored = new Set(second.logs.restoredIds)
    const saved = new Map(stateAfterFirst.sessions.map((s) => [s.id, s]))
    for (const id of restored) assert.ok(saved.has(id), `${id} was restored but is not in the state file`)

    // Restored sessions kept their proxy (userData) and their cookie: on its very first request of the second run,
    // a session saved with the site's cookie sent it, and the site accepted it.
    const siteByRequest = new Map(second.logs.site.filter((e) => e.demoRequest).map((e) => [Number(e.demoRequest), e]))
    const firstRequest = new Map()
    for (const r of second.logs.requests) if (restored.has(r.session) && !firstRequest.has(r.session)) firstRequest.set(r.session, r)
    let warm = 0
    for (const [id, r] of firstRequest) {
      const state = saved.get(id)
      assert.equal(r.proxy, state.userData.proxy, `${id} changed proxy between runs`)
      const savedCookie = (state.cookieJar.cookies ?? []).some((c) => c.key === 'sid')
      if (!savedCookie) {
        // Possible only for a session whose requests of the first run all failed before the site's cookie check.
        assert.equal(first.logs.cookieSince[id], undefined, `${id} had the cookie in the first run but the state file lacks it`)
        continue
      }
      warm++
      assert.equal(r.sentCookie, true, `restored ${id} sent no cookie`)
      const e = siteByRequest.get(r.rid)
      if (e) assert.equal(e.cookie, 'valid')
    }
    assert.ok(warm > 0, 'no restored session with a cookie was used')
  })
})

describe('demo crawl time limit', () => {
  it('stops at timeoutMs, reports it and cleans up', { timeout: TEST_TIMEOUT_MS }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'session-pool-rs-demo-timeout-'))
    const previous = process.env.CRAWLEE_STORAGE_DIR
    process.env.CRAWLEE_STORAGE_DIR = dir
    try {
      // 1000 pages at up to a second each cannot finish in 300 ms.
      const s = await runCrawl({ pages: 1000, concurrency: 4, poolSize: 4, store: 'timeout', timeoutMs: 300, site: { latencyMs: [500, 1000] } })
      assert.equal(s.timedOut, true)
      assert.equal(s.ok, false)
      assert.ok(s.pages.done < 1000)
      assert.ok(fs.existsSync(s.statePath), 'the pool was not persisted')
    } finally {
      if (previous === undefined) delete process.env.CRAWLEE_STORAGE_DIR
      else process.env.CRAWLEE_STORAGE_DIR = previous
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('demo crawl CLI', () => {
  const run = (args, env) =>
    new Promise((resolve) => {
      execFile(process.execPath, ['examples/crawl/index.js', ...args], { cwd: ROOT, env, timeout: 150_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? err.code : 0, stdout, stderr }),
      )
    })

  it('prints its options with --help', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { code, stdout } = await run(['--help'], process.env)
    assert.equal(code, 0)
    for (const flag of ['--pages', '--concurrency', '--pool-size', '--store', '--help']) assert.ok(stdout.includes(flag), flag)
  })

  it('rejects a bad option value', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { code, stderr } = await run(['--pages', 'many'], process.env)
    assert.equal(code, 2)
    assert.match(stderr, /--pages expects a positive integer/)
  })

  it('crawls and prints a JSON summary with --json, twice (restoring the second time)', { timeout: TEST_TIMEOUT_MS }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'session-pool-rs-demo-cli-'))
    try {
      const env = { ...process.env, CRAWLEE_STORAGE_DIR: dir }
      const args = ['--json', '--pages', '40', '--concurrency', '6', '--pool-size', '8', '--store', 'cli-store']
      const a = await run(args, env)
      assert.equal(a.code, 0, a.stderr)
      const one = JSON.parse(a.stdout)
      assert.equal(one.ok, true)
      assert.equal(one.pages.done, 40)
      assert.equal(one.sessions.restored, 0)
      assert.equal(one.statePath, path.join(dir, 'key_value_stores', 'cli-store', 'SDK_SESSION_POOL_STATE.json'))
      assert.ok(fs.existsSync(one.statePath))
      const b = await run(args, env)
      assert.equal(b.code, 0, b.stderr)
      const two = JSON.parse(b.stdout)
      assert.equal(two.ok, true)
      assert.ok(two.sessions.restored > 0, 'the second run restored no session')
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
