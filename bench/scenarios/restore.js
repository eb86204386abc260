'use strict'
// restore: `await SessionPool.open({ persistStateKeyValueStoreId, persistStateKey, maxPoolSize: N })` on the
// state the persist scenario wrote (N sessions with 5 cookies each), until the promise resolves. A 1 ms
// heartbeat measures the longest event-loop stall meanwhile. Each restored pool is checked (N usable
// sessions) and torn down without persisting. Unit: ms per open.

const { alternate, withHeartbeat, SETTLE_MS } = require('../harness.js')
const { poolOptions } = require('../impls.js')
const { persistTarget } = require('./persist.js')

async function restore(ctx, size) {
  const { impls, cfg } = ctx
  const notes = {}
  const plan = impls.map((impl) => ({
    impl: impl.name,
    runs: cfg.restoreRuns(size, impl.name),
    sample: async () => {
      const opts = poolOptions(impl, { size, persist: persistTarget(impl, size) })
      const { ms, maxStallMs, result: pool } = await withHeartbeat(() => impl.SessionPool.open(opts))
      const restored = pool.usableSessionsCount
      if (restored !== size) notes[impl.name] = `WARNING: restored ${restored} usable sessions, expected ${size}`
      await pool.teardown({ persistState: false })
      if (impl.afterRestore) impl.afterRestore()
      return { value: ms, maxStallMs }
    },
  }))
  const samples = await alternate(plan, { progress: ctx.progress('restore', size, 'ms'), settleMs: SETTLE_MS })
  for (const impl of impls) {
    ctx.record({
      scenario: 'restore',
      size,
      impl: impl.name,
      unit: 'ms',
      values: samples[impl.name].map((s) => s.value),
      stalls: samples[impl.name].map((s) => s.maxStallMs),
      opsPerRun: size,
      note: notes[impl.name],
    })
  }
}

module.exports = { restore }
