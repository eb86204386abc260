'use strict'
// browser cookies: `session.setCookies(cookies, url)` with 20 cookies in the browsers' (Puppeteer/Playwright)
// format, then `session.getCookies(url)` (20 objects back). Independent of the pool size. Unit: µs per
// operation (set + get).

const { perOp, isolate, now } = require('../harness.js')
const { poolOptions } = require('../impls.js')
const { URL_BASE, browserCookies: makeBrowserCookies } = require('../fixtures.js')

function browserCookiesLoop(session, k, now, sets, url) {
  let sink = 0
  const t = now()
  for (let i = 0; i < k; i++) {
    session.setCookies(sets[i & 15], url)
    sink += session.getCookies(url).length
  }
  const ms = now() - t
  if (sink === -1) console.log(sink)
  return ms
}

async function browserCookies(ctx) {
  const { impls, cfg } = ctx
  const sets = []
  for (let v = 0; v < 16; v++) sets.push(makeBrowserCookies(v))
  const { samples, opsPerRun, checks } = await perOp({
    impls,
    runs: cfg.opRuns,
    minMs: cfg.minSampleMs,
    scale: 1000,
    setup: async (impl) => {
      const loop = isolate(browserCookiesLoop)
      const pool = await impl.SessionPool.open(poolOptions(impl, { size: 1 }))
      const session = await pool.getSession()
      session.setCookies(sets[0], URL_BASE)
      const got = () => session.getCookies(URL_BASE).length
      if (got() !== 20) throw new Error(`${impl.name}: getCookies gave ${got()} cookies, expected 20`)
      return {
        run: async (k) => loop(session, k, now, sets, URL_BASE),
        check: () => (got() === 20 ? undefined : `WARNING: getCookies gives ${got()} cookies, expected 20`),
        teardown: () => pool.teardown({ persistState: false }),
      }
    },
  })
  for (const impl of impls) {
    ctx.record({
      scenario: 'browserCookies',
      size: null,
      impl: impl.name,
      unit: 'µs/op',
      values: samples[impl.name].map((s) => s.value),
      opsPerRun: opsPerRun[impl.name],
      note: checks[impl.name],
    })
  }
}

module.exports = { browserCookies }
