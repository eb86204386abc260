'use strict'
// counters: one read of `usableSessionsCount` and one of `retiredSessionsCount` on a full pool of N.
// Unit: µs per read of both.

const { perOp, isolate, now } = require('../harness.js')

function countersLoop(pool, k, now) {
  let sink = 0
  const t = now()
  for (let i = 0; i < k; i++) sink += pool.usableSessionsCount + pool.retiredSessionsCount
  const ms = now() - t
  if (sink === -1) console.log(sink)
  return ms
}

async function counters(ctx, size, pools) {
  const { impls, cfg } = ctx
  const { samples, opsPerRun } = await perOp({
    impls,
    runs: cfg.opRuns,
    minMs: cfg.minSampleMs,
    scale: 1000,
    setup: (impl) => {
      const loop = isolate(countersLoop)
      const pool = pools[impl.name]
      return { run: async (k) => loop(pool, k, now) }
    },
  })
  for (const impl of impls) {
    ctx.record({ scenario: 'counters', size, impl: impl.name, unit: 'µs/read', values: samples[impl.name].map((s) => s.value), opsPerRun: opsPerRun[impl.name] })
  }
}

module.exports = { counters }
