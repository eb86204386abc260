'use strict'
// CPU profile of one scenario of one implementation, with the top frames by self time:
//   node --expose-gc bench/profile.js <scenario> [ours|crawlee] [N]
// scenarios: fill, rotation, churn, counters, concurrency, cookies, browserCookies, persist, restore
// Writes <tmpdir>/profile-<scenario>-<impl>.cpuprofile (open it in Chrome DevTools) and prints the top 25 frames.
// Native frames of the addon show up as "(program)" or inside the JS function that calls them.

const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const inspector = require('node:inspector')

const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'session-pool-profile-'))
process.env.CRAWLEE_STORAGE_DIR = storageDir

const { loadCrawlee, loadOurs, poolOptions } = require('./impls.js')
const { URL_BASE, decorateSession, jarCookies, responses, browserCookies } = require('./fixtures.js')
const { prng, fmt } = require('./harness.js')

const [scenario = 'rotation', which = 'ours', nArg] = process.argv.slice(2)
const N = Number(nArg ?? 10000)

function post(session, method, params) {
  return new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))))
}

async function prepare(impl) {
  const persist = { storeId: `profile-${impl.name}`, key: `STATE_${N}` }
  const filled = async (opts, decorate) => {
    const pool = await impl.SessionPool.open(opts)
    for (let i = 0; i < N; i++) {
      const s = await pool.getSession()
      if (decorate) decorateSession(s, i)
    }
    return pool
  }
  switch (scenario) {
    case 'fill':
      return async () => {
        const reps = Math.max(5, Math.ceil(200_000 / N))
        for (let r = 0; r < reps; r++) await (await filled(poolOptions(impl, { size: N }), false)).teardown({ persistState: false })
      }
    case 'rotation':
    case 'churn':
    case 'counters':
    case 'concurrency': {
      const pool = await filled(poolOptions(impl, { size: N }), false)
      const rnd = prng(1)
      return async () => {
        const t = Date.now()
        while (Date.now() - t < 3000) {
          if (scenario === 'counters') {
            for (let i = 0; i < 1000; i++) if (pool.usableSessionsCount + pool.retiredSessionsCount < 0) throw new Error()
          } else if (scenario === 'concurrency') {
            await Promise.all(Array.from({ length: 1000 }, () => pool.getSession()))
          } else {
            for (let i = 0; i < 1000; i++) {
              const s = await pool.getSession()
              const r = scenario === 'churn' ? rnd() : 1
              if (r < 0.02) s.retire()
              else if (r < 0.12) s.markBad()
              else s.markGood()
            }
          }
        }
      }
    }
    case 'cookies':
    case 'browserCookies': {
      const pool = await impl.SessionPool.open(poolOptions(impl, { size: 1 }))
      const s = await pool.getSession()
      const rs = responses(64)
      const sets = Array.from({ length: 16 }, (_, v) => browserCookies(v))
      for (const c of jarCookies()) s.setCookie(c, URL_BASE)
      return async () => {
        const t = Date.now()
        let i = 0
        while (Date.now() - t < 3000) {
          for (let j = 0; j < 100; j++, i++) {
            if (scenario === 'cookies') {
              s.setCookiesFromResponse(rs[i & 63])
              s.getCookieString(URL_BASE)
            } else {
              s.setCookies(sets[i & 15], URL_BASE)
              s.getCookies(URL_BASE)
            }
          }
        }
      }
    }
    case 'persist': {
      const pool = await filled(poolOptions(impl, { size: N, persist }), true)
      return async () => {
        for (let r = 0; r < 5; r++) await pool.persistState()
      }
    }
    case 'restore': {
      const pool = await filled(poolOptions(impl, { size: N, persist }), true)
      await pool.persistState()
      await pool.teardown({ persistState: false })
      return async () => {
        for (let r = 0; r < 3; r++) {
          const p = await impl.SessionPool.open(poolOptions(impl, { size: N, persist }))
          await p.teardown({ persistState: false })
        }
      }
    }
    default:
      throw new Error(`unknown scenario ${scenario}`)
  }
}

async function main() {
  const impl = which === 'crawlee' ? loadCrawlee() : loadOurs()
  const work = await prepare(impl)
  const session = new inspector.Session()
  session.connect()
  await post(session, 'Profiler.enable')
  await post(session, 'Profiler.setSamplingInterval', { interval: 100 })
  await post(session, 'Profiler.start')
  await work()
  const { profile } = await post(session, 'Profiler.stop')
  session.disconnect()
  const out = path.join(os.tmpdir(), `profile-${scenario}-${impl.name}.cpuprofile`)
  fs.writeFileSync(out, JSON.stringify(profile))

  const self = new Map()
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n)
  const where = (f) => `${f.functionName || '(anonymous)'}  ${f.url ? `${path.relative(process.cwd(), f.url.replace('file://', ''))}:${f.lineNumber + 1}` : ''}`
  const counts = new Map()
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1)
  let total = 0
  for (const [id, c] of counts) {
    const n = byId.get(id)
    const f = n.callFrame
    // Native functions (the addon's methods, V8 builtins) have no script: name them by their caller.
    const p = parent.get(id)
    const key = f.url || !p || f.functionName.startsWith('(') ? where(f) : `${where(f).trim()} [native, called from ${where(p.callFrame).trim()}]`
    self.set(key, (self.get(key) ?? 0) + c)
    total += c
  }
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)
  process.stdout.write(`${scenario} / ${impl.name} / N=${N}: ${total} samples, top frames by self time\n`)
  for (const [k, c] of top) process.stdout.write(`${fmt((100 * c) / total).padStart(6)}%  ${k}\n`)
  process.stdout.write(`wrote ${out}\n`)
}

main()
  .catch((err) => {
    process.stderr.write(`${err && err.stack ? err.stack : err}\n`)
    process.exitCode = 1
  })
  .finally(() => {
    fs.rmSync(storageDir, { recursive: true, force: true })
    setTimeout(() => process.exit(), 100).unref()
  })
