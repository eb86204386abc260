'use strict'
// churn: rotation where each operation, by a seeded PRNG (the same sequence for both), retires the session
// (2%), marks it bad (10%) or good (88%). Retired and blocked sessions stay until a pick lands on one, which
// evicts the unusable ones and creates a new session, as in Crawlee's allocation flow.
// Runs last on the fill's pool (it changes the pool). Unit: µs per operation.
// Samples last at least `churnMinSampleMs` (400 ms; 100 in QUICK), not the 40 ms of the other per-op scenarios:
// Crawlee drops unusable sessions with a filter over the whole pool when a pick lands on one, which at 100 000
// happens every few thousand operations and takes tens of milliseconds, so shorter samples hold either none of
// those sweeps or one, and their median swings between its two modes (1.5 or 27 µs an operation, measured).

const { perOp, isolate, now, prng } = require('../harness.js')

function churnLoop(pool, k, now, rnd) {
  return (async () => {
    const t = now()
    for (let i = 0; i < k; i++) {
      const s = await pool.getSession()
      const r = rnd()
      if (r < 0.02) s.retire()
      else if (r < 0.12) s.markBad()
      else s.markGood()
    }
    return now() - t
  })()
}

async function churn(ctx, size, pools) {
  const { impls, cfg } = ctx
  const { samples, opsPerRun, checks } = await perOp({
    impls,
    runs: cfg.opRuns,
    minMs: cfg.churnMinSampleMs,
    scale: 1000,
    setup: (impl) => {
      const loop = isolate(churnLoop)
      const rnd = prng(0xc0ffee)
      const pool = pools[impl.name]
      return {
        run: (k) => loop(pool, k, now, rnd),
        check: () => `usable ${pool.usableSessionsCount}, retired ${pool.retiredSessionsCount} at the end`,
      }
    },
  })
  for (const impl of impls) {
    ctx.record({
      scenario: 'churn',
      size,
      impl: impl.name,
      unit: 'µs/op',
      values: samples[impl.name].map((s) => s.value),
      opsPerRun: opsPerRun[impl.name],
      note: checks[impl.name],
    })
  }
}

module.exports = { churn }
