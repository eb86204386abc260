'use strict'
// rotation: `const s = await getSession(); s.markGood()` on a full pool of N (the pool the fill left).
// Sessions never reach maxUsageCount here (it is set to 1e9 for both), so every pick is a usable session and
// nothing is created or evicted. Unit: µs per operation.

const { perOp, isolate, now } = require('../harness.js')

function rotationLoop(pool, k, now) {
  return (async () => {
    const t = now()
    for (let i = 0; i < k; i++) {
      const s = await pool.getSession()
      s.markGood()
    }
    return now() - t
  })()
}

async function rotation(ctx, size, pools) {
  const { impls, cfg } = ctx
  const { samples, opsPerRun, checks } = await perOp({
    impls,
    runs: cfg.opRuns,
    minMs: cfg.minSampleMs,
    scale: 1000,
    setup: (impl) => {
      const loop = isolate(rotationLoop)
      const pool = pools[impl.name]
      return {
        run: (k) => loop(pool, k, now),
        check: () => (pool.usableSessionsCount === size ? undefined : `WARNING: usable ${pool.usableSessionsCount} != ${size}`),
      }
    },
  })
  for (const impl of impls) {
    ctx.record({ scenario: 'rotation', size, impl: impl.name, unit: 'µs/op', values: samples[impl.name].map((s) => s.value), opsPerRun: opsPerRun[impl.name], note: checks[impl.name] })
  }
}

module.exports = { rotation }
