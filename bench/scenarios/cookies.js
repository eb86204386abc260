'use strict'
// cookies: `session.setCookiesFromResponse(response)` with 3 Set-Cookie headers, then
// `session.getCookieString(url)`, on a session whose jar holds 30 cookies (27 fixed + the 3 that each
// response sets again with new values). Independent of the pool size. Unit: µs per operation (set + get).

const { perOp, isolate, now } = require('../harness.js')
const { poolOptions } = require('../impls.js')
const { URL_BASE, jarCookies, responses } = require('../fixtures.js')

function cookiesLoop(session, k, now, rs, url) {
  let sink = 0
  const t = now()
  for (let i = 0; i < k; i++) {
    session.setCookiesFromResponse(rs[i & 63])
    sink += session.getCookieString(url).length
  }
  const ms = now() - t
  if (sink === -1) console.log(sink)
  return ms
}

async function cookies(ctx) {
  const { impls, cfg } = ctx
  const rs = responses(64)
  const { samples, opsPerRun, checks } = await perOp({
    impls,
    runs: cfg.opRuns,
    minMs: cfg.minSampleMs,
    scale: 1000,
    setup: async (impl) => {
      const loop = isolate(cookiesLoop)
      const pool = await impl.SessionPool.open(poolOptions(impl, { size: 1 }))
      const session = await pool.getSession()
      for (const c of jarCookies()) session.setCookie(c, URL_BASE)
      session.setCookiesFromResponse(rs[0])
      const jarSize = () => session.getCookieString(URL_BASE).split('; ').length
      if (jarSize() !== 30) throw new Error(`${impl.name}: cookie jar holds ${jarSize()} cookies, expected 30`)
      return {
        run: async (k) => loop(session, k, now, rs, URL_BASE),
        check: () => (jarSize() === 30 ? undefined : `WARNING: jar holds ${jarSize()} cookies, expected 30`),
        teardown: () => pool.teardown({ persistState: false }),
      }
    },
  })
  for (const impl of impls) {
    ctx.record({ scenario: 'cookies', size: null, impl: impl.name, unit: 'µs/op', values: samples[impl.name].map((s) => s.value), opsPerRun: opsPerRun[impl.name], note: checks[impl.name] })
  }
}

module.exports = { cookies }
