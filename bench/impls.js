'use strict'
// The two implementations behind one interface. CRAWLEE_STORAGE_DIR must be set before this file is loaded
// (Crawlee reads it when its global configuration is first built).

const fs = require('node:fs')
const path = require('node:path')

const ROOT = path.resolve(__dirname, '..')
const DEBUG_SIZE_BYTES = 15 * 1024 * 1024

// Crawlee's storage reads JSON with json5, whose parser keeps the root of the last document it parsed in a
// module-level variable: after a restore, the whole parsed state (10 000 sessions: ~100 MB of heap) stays
// reachable until the next parse. Parsing a tiny document releases it, so that garbage does not weigh on the
// GC of the samples that follow (of either implementation). Called after the timed part of a Crawlee restore.
function crawleeReleaseParsedState() {
  const seen = new Set()
  for (const from of ['@crawlee/memory-storage', '@crawlee/core']) {
    try {
      const dir = path.dirname(require.resolve(`${from}/package.json`))
      const json5 = require(require.resolve('json5', { paths: [dir] }))
      if (!seen.has(json5)) json5.parse('0')
      seen.add(json5)
    } catch {
      // a Crawlee without json5: nothing to release
    }
  }
}

function loadCrawlee() {
  const core = require('@crawlee/core')
  const version = require('@crawlee/core/package.json').version
  return {
    name: 'crawlee',
    label: `Crawlee ${version}`,
    version,
    SessionPool: core.SessionPool,
    Session: core.Session,
    afterRestore: crawleeReleaseParsedState,
  }
}

function loadOurs() {
  const before = new Set(Object.keys(require.cache))
  const pkg = require(ROOT)
  // The native addon the entry actually loaded (native modules sit in require.cache like JS ones).
  const addonPath =
    Object.keys(require.cache).find((k) => k.endsWith('.node') && !before.has(k)) ||
    Object.keys(require.cache).find((k) => k.endsWith('.node') && k.startsWith(ROOT))
  let addon = { path: addonPath ?? null, sizeBytes: null, mtime: null, release: null }
  if (addonPath) {
    const st = fs.statSync(addonPath)
    addon = { path: addonPath, sizeBytes: st.size, mtime: st.mtime.toISOString(), release: st.size <= DEBUG_SIZE_BYTES }
  }
  const version = require(path.join(ROOT, 'package.json')).version
  return { name: 'ours', label: `session-pool-rs ${version}`, version, SessionPool: pkg.SessionPool, Session: pkg.Session, addon }
}

/**
 * Pool options for a scenario, the same for both implementations except where an option exists only in ours:
 * our pool has its own persistence timer (Crawlee's pool only persists on its event manager's events, which no
 * one starts here), so ours gets an interval that never fires during a run.
 */
function poolOptions(impl, { size, persist = null }) {
  const opts = {
    maxPoolSize: size,
    // Sessions must not age out of the pool by usage during the timed loops: retirement happens only where a
    // scenario asks for it (churn), the same for both.
    sessionOptions: { maxUsageCount: 1_000_000_000 },
    persistenceOptions: { enable: Boolean(persist) },
  }
  if (persist) {
    opts.persistStateKeyValueStoreId = persist.storeId
    opts.persistStateKey = persist.key
    if (impl.name === 'ours') opts.persistStateIntervalMillis = 1_000_000_000
  }
  return opts
}

module.exports = { loadCrawlee, loadOurs, poolOptions, DEBUG_SIZE_BYTES }
