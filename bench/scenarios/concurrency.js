'use strict'
// concurrency: `await Promise.all(1 000 x getSession())` on a full pool of 1 000 (the fill's pool).
// Timed: issuing the 1 000 calls and awaiting them all. Unit: ms per batch of 1 000.

const { perOp, isolate, now } = require('../harness.js')

const BATCH = 1000

function concurrencyLoop(pool, k, now, batch) {
  return (async () => {
    const t = now()
    for (let j = 0; j < k; j++) {
      const pending = new Array(batch)
      for (let i = 0; i < batch; i++) pending[i] = pool.getSession()
      const got = await Promise.all(pending)
      if (got.length !== batch || got[batch - 1] === undefined) throw new Error('concurrency: a getSession() gave no session')
    }
    return now() - t
  })()
}

async function concurrency(ctx, size, pools) {
  const { impls, cfg } = ctx
  const { samples, opsPerRun, checks } = await perOp({
    impls,
    runs: cfg.opRuns,
    minMs: cfg.minSampleMs,
    scale: 1,
    setup: (impl) => {
      const loop = isolate(concurrencyLoop)
      const pool = pools[impl.name]
      return {
        run: (k) => loop(pool, k, now, BATCH),
        check: () => (pool.usableSessionsCount === size ? undefined : `WARNING: usable ${pool.usableSessionsCount} != ${size}`),
      }
    },
  })
  for (const impl of impls) {
    ctx.record({
      scenario: 'concurrency',
      size,
      impl: impl.name,
      unit: 'ms/1000 calls',
      values: samples[impl.name].map((s) => s.value),
      opsPerRun: opsPerRun[impl.name],
      note: checks[impl.name],
    })
  }
}

module.exports = { concurrency }
