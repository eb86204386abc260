'use strict'
// Memory of one implementation, alone in its own process:
//   node --expose-gc bench/memory_child.js <crawlee|ours> <n>
// Opens a pool (persistence off) after warming the code up on a throw-away pool of 200 sessions, fills the
// first quarter of n sessions, each with 5 cookies and a small userData (as in the persist scenario), takes a
// baseline after GC, fills the other three quarters and measures again after GC. The figures are the growth
// per session over those last three quarters (the marginal cost of a session: one-off growth such as JIT code
// or V8's young generation sizing up falls in the first quarter). Prints one JSON line: bytes per session of
// V8 heap (heapUsed), external memory, RSS (which also holds native allocations: the all-in figure), and of
// heap + external.
// Set CRAWLEE_STORAGE_DIR to a temp dir (Crawlee opens its default store even with persistence off).

const { loadCrawlee, loadOurs, poolOptions } = require('./impls.js')
const { decorateSession } = require('./fixtures.js')

function settle() {
  for (let i = 0; i < 4; i++) global.gc()
  return process.memoryUsage()
}

async function main() {
  const [which, nArg] = process.argv.slice(2)
  const n = Number(nArg)
  if (typeof global.gc !== 'function') throw new Error('run with --expose-gc')
  if (!['crawlee', 'ours'].includes(which) || !Number.isInteger(n) || n < 2) {
    throw new Error('usage: memory_child.js <crawlee|ours> <n>')
  }
  const impl = which === 'crawlee' ? loadCrawlee() : loadOurs()

  const warm = await impl.SessionPool.open(poolOptions(impl, { size: 200 }))
  for (let i = 0; i < 200; i++) decorateSession(await warm.getSession(), i)
  await warm.teardown({ persistState: false })

  const pool = await impl.SessionPool.open(poolOptions(impl, { size: n }))
  const first = Math.max(1, Math.floor(n / 4))
  for (let i = 0; i < first; i++) decorateSession(await pool.getSession(), i)
  const before = settle()
  for (let i = first; i < n; i++) decorateSession(await pool.getSession(), i)
  const after = settle()
  const count = pool.usableSessionsCount
  if (count !== n) throw new Error(`${which}: pool holds ${count} usable sessions, expected ${n}`)
  const per = (k) => (after[k] - before[k]) / (n - first)
  const out = {
    impl: which,
    n,
    measured: n - first,
    heapUsed: per('heapUsed'),
    external: per('external'),
    arrayBuffers: per('arrayBuffers'),
    rss: per('rss'),
    heapPlusExternal: per('heapUsed') + per('external'),
    allIn: per('rss'),
    before,
    after,
    addon: impl.addon,
  }
  process.stdout.write(`${JSON.stringify(out)}\n`)
  // Keep the pool alive until after the measurement.
  if (pool.usableSessionsCount < 0) console.log(pool)
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : err}\n`)
  process.exit(1)
})
