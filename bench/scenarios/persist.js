'use strict'
// persist: `await pool.persistState()` of a pool of N sessions, each with 5 cookies and a small userData,
// to a named key-value store in Crawlee's local layout (CRAWLEE_STORAGE_DIR is a temp dir). Timed: the call
// until its promise resolves (the file is written by then, for both). A 1 ms heartbeat measures the longest
// event-loop stall meanwhile. Between samples, 100 sessions are used (getSession, a new cookie, markGood), as
// a crawler would between two persists. Unit: ms per persist.
// The state each implementation writes here is what the restore scenario opens.

const fs = require('node:fs')
const { alternate, withHeartbeat, now, SETTLE_MS } = require('../harness.js')
const { poolOptions } = require('../impls.js')
const { URL_BASE, decorateSession } = require('../fixtures.js')

function persistTarget(impl, size) {
  return { storeId: `bench-${impl.name}`, key: `SESSION_POOL_STATE_${size}` }
}

async function buildPool(impl, size) {
  const pool = await impl.SessionPool.open(poolOptions(impl, { size, persist: persistTarget(impl, size) }))
  for (let i = 0; i < size; i++) decorateSession(await pool.getSession(), i)
  if (pool.usableSessionsCount !== size) throw new Error(`${impl.name}: persist pool has ${pool.usableSessionsCount} sessions, expected ${size}`)
  return pool
}

function statePath(ctx, impl, size) {
  const { storeId, key } = persistTarget(impl, size)
  return `${ctx.storageDir}/key_value_stores/${storeId}/${key}.json`
}

async function persist(ctx, size) {
  const { impls, cfg } = ctx
  const pools = {}
  const buildMs = {}
  for (const impl of impls) {
    const t = now()
    pools[impl.name] = await buildPool(impl, size)
    buildMs[impl.name] = now() - t
  }
  let used = 0
  const plan = impls.map((impl) => ({
    impl: impl.name,
    runs: cfg.persistRuns(size, impl.name),
    sample: async (r) => {
      const pool = pools[impl.name]
      if (r > 0) {
        for (let i = 0; i < 100; i++) {
          const s = await pool.getSession()
          s.setCookie(`last=${used++}; Path=/`, URL_BASE)
          s.markGood()
        }
      }
      const { ms, maxStallMs } = await withHeartbeat(() => pool.persistState())
      return { value: ms, maxStallMs }
    },
  }))
  const samples = await alternate(plan, { progress: ctx.progress('persist', size, 'ms'), syncDisk: true, settleMs: SETTLE_MS })
  for (const impl of impls) {
    await pools[impl.name].teardown({ persistState: false })
    pools[impl.name] = undefined
    let fileBytes = null
    try {
      fileBytes = fs.statSync(statePath(ctx, impl, size)).size
    } catch {
      // reported as null: the state file is missing
    }
    ctx.record({
      scenario: 'persist',
      size,
      impl: impl.name,
      unit: 'ms',
      values: samples[impl.name].map((s) => s.value),
      stalls: samples[impl.name].map((s) => s.maxStallMs),
      opsPerRun: size,
      stateFileBytes: fileBytes,
      buildMs: buildMs[impl.name],
      note: fileBytes ? undefined : 'WARNING: no state file written',
    })
  }
}

module.exports = { persist, persistTarget }
