'use strict'
// fill: `await getSession()` N times on an empty pool of maxPoolSize N, creating N new sessions.
// Timed: the N calls only (opening the pool is not). Unit: µs per created session.
// The pool of each implementation's last run is kept for the rotation, counters, concurrency and churn
// scenarios at the same size.

const { alternate, isolate, gc, now } = require('../harness.js')
const { poolOptions } = require('../impls.js')

function fillLoop(pool, n, now) {
  return (async () => {
    const t = now()
    for (let i = 0; i < n; i++) await pool.getSession()
    return now() - t
  })()
}

// One compiled copy of the loop per implementation, kept across sizes.
const loops = new Map()

async function fill(ctx, size) {
  const { impls, cfg } = ctx
  for (const impl of impls) {
    if (loops.has(impl)) continue
    loops.set(impl, isolate(fillLoop))
    // Warm-up, once per process: one untimed fill of 1 000 (the first size pays for the JIT otherwise).
    const p = await impl.SessionPool.open(poolOptions(impl, { size: 1000 }))
    await loops.get(impl)(p, 1000, now)
    await p.teardown({ persistState: false })
  }
  const kept = {}
  const plan = impls.map((impl) => ({
    impl: impl.name,
    runs: cfg.fillRuns(size, impl.name),
    sample: async () => {
      if (kept[impl.name]) await kept[impl.name].teardown({ persistState: false })
      kept[impl.name] = undefined
      gc()
      const pool = await impl.SessionPool.open(poolOptions(impl, { size }))
      const ms = await loops.get(impl)(pool, size, now)
      if (pool.usableSessionsCount !== size) throw new Error(`${impl.name}: fill left ${pool.usableSessionsCount} usable sessions, expected ${size}`)
      kept[impl.name] = pool
      return (ms / size) * 1000
    },
  }))
  const samples = await alternate(plan, { progress: ctx.progress('fill', size, 'µs/session') })
  for (const impl of impls) {
    ctx.record({ scenario: 'fill', size, impl: impl.name, unit: 'µs/session', values: samples[impl.name].map((s) => s.value), opsPerRun: size })
  }
  return kept
}

module.exports = { fill }
