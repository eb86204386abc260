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

/**
 * Flushes the bench stores to disk (every file, then the folder): the previous sample's writes still in the page
 * cache (Crawlee does not fsync) would otherwise be waited for by the next sample's fsync (with ext4's ordered
 * journal an fsync also waits for other files' dirty data). Done with fsync on those files rather than the
 * `sync` command: starting a process forks this one, and every page either implementation then writes first
 * (a jar's reference count, a page of V8's heap) takes a copy-on-write fault: ~340 of them in our
 * persist of 1 000 sessions.
 */
function flushStores(ctx) {
  const root = `${ctx.storageDir}/key_value_stores`
  let stores = []
  try {
    stores = fs.readdirSync(root).filter((name) => name.startsWith('bench-'))
  } catch {
    return
  }
  const fsyncPath = (p) => {
    let fd = null
    try {
      fd = fs.openSync(p, 'r')
      fs.fsyncSync(fd)
    } catch {
      // a file renamed or removed meanwhile: nothing to flush
    } finally {
      if (fd !== null) fs.closeSync(fd)
    }
  }
  for (const store of stores) {
    const dir = `${root}/${store}`
    let names = []
    try {
      names = fs.readdirSync(dir)
    } catch {
      continue
    }
    for (const name of names) fsyncPath(`${dir}/${name}`)
    fsyncPath(dir)
  }
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
  const samples = await alternate(plan, { progress: ctx.progress('persist', size, 'ms'), beforeSample: () => flushStores(ctx), settleMs: SETTLE_MS })
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
