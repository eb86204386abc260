'use strict'
// Runs Crawlee's own SessionPool (@crawlee/core 3.18.1) in a fresh process, so Crawlee reads
// CRAWLEE_STORAGE_DIR (set by the parent) when its storage is first created. Prints one line
// `@@RESULT@@<json>` on stdout.
//
// <storeId> '-' means none (the default store).
//   node persist_crawlee_child.js write <storeId> [key]           fixture into a Crawlee pool, persistState()
//   node persist_crawlee_child.js read <storeId> [key]            open, describe the usable sessions
//   node persist_crawlee_child.js reload-persist <storeId> [key]  open, persistState() at once, touch nothing
//   node persist_crawlee_child.js kvs <name>                      both directions through one KeyValueStore object
//   node persist_crawlee_child.js events <storeId>                our pool persisting on Crawlee's EventManager
//   node persist_crawlee_child.js keys <storeId>                  the keys Crawlee's KeyValueStore lists

const crawlee = require('@crawlee/core')
const { populate, describePool } = require('./persist_fixture.js')

crawlee.log.setLevel(crawlee.log.LEVELS.ERROR)

function result(value) {
  process.stdout.write(`@@RESULT@@${JSON.stringify(value)}\n`)
}

async function finish() {
  const client = crawlee.Configuration.getGlobalConfig().getStorageClient()
  if (client && typeof client.teardown === 'function') await client.teardown()
}

async function main() {
  const [mode, storeId, key] = process.argv.slice(2)
  // '-' stands for no store id (Crawlee's default store).
  const poolOptions = storeId === '-' ? {} : { persistStateKeyValueStoreId: storeId }
  if (key) poolOptions.persistStateKey = key

  if (mode === 'write') {
    const pool = await crawlee.SessionPool.open(poolOptions)
    const ids = await populate(pool, { prefix: process.env.PERSIST_PREFIX || 'cr' })
    const described = await describePool(pool)
    await pool.persistState()
    await pool.teardown({ persistState: false })
    result({ ids, described })
  } else if (mode === 'read') {
    const pool = await crawlee.SessionPool.open(poolOptions)
    const described = await describePool(pool)
    result({ described, ids: pool.getState().sessions.map((s) => s.id), retired: pool.retiredSessionsCount })
    await pool.teardown({ persistState: false })
  } else if (mode === 'reload-persist') {
    const pool = await crawlee.SessionPool.open(poolOptions)
    await pool.persistState()
    result({ ids: pool.getState().sessions.map((s) => s.id) })
    await pool.teardown({ persistState: false })
  } else if (mode === 'kvs') {
    const ours = require('session-pool-rs')
    const kvs = await crawlee.KeyValueStore.open(storeId)
    const warnings = []
    const log = { warning: (m) => warnings.push(String(m)), debug: () => {} }

    // Crawlee -> ours, through the very object Crawlee's pool uses.
    const cPool = await crawlee.SessionPool.open({ persistStateKeyValueStoreId: storeId })
    const cIds = await populate(cPool, { prefix: 'ck' })
    const crawleeOriginal = await describePool(cPool)
    await cPool.persistState()
    await cPool.teardown({ persistState: false })
    const oPool = await ours.SessionPool.open({ keyValueStore: kvs, log })
    const oursLoaded = await describePool(oPool)
    await oPool.teardown({ persistState: false })

    // ours -> Crawlee, under another key of the same store.
    const oPool2 = await ours.SessionPool.open({ keyValueStore: kvs, persistStateKey: 'OURS_STATE', log })
    const oIds = await populate(oPool2, { prefix: 'ok' })
    const oursOriginal = await describePool(oPool2)
    await oPool2.persistState()
    await oPool2.teardown({ persistState: false })
    const cPool2 = await crawlee.SessionPool.open({ persistStateKeyValueStoreId: storeId, persistStateKey: 'OURS_STATE' })
    const crawleeLoaded = await describePool(cPool2)
    await cPool2.teardown({ persistState: false })

    // resetStore() through the object removes only our key.
    const oPool3 = await ours.SessionPool.open({ keyValueStore: kvs, persistStateKey: 'OURS_STATE', log })
    const beforeReset = oPool3.usableSessionsCount
    await oPool3.resetStore()
    const afterReset = await kvs.getValue('OURS_STATE')
    const crawleeKeyAfterReset = (await kvs.getValue('SDK_SESSION_POOL_STATE')) !== null
    await oPool3.teardown({ persistState: false })

    result({
      cIds,
      oIds,
      crawleeOriginal,
      oursLoaded,
      oursOriginal,
      crawleeLoaded,
      warnings,
      beforeReset,
      afterReset,
      crawleeKeyAfterReset,
    })
  } else if (mode === 'keys') {
    const kvs = await crawlee.KeyValueStore.open(storeId)
    const keys = []
    await kvs.forEachKey(async (k) => {
      keys.push(k)
    })
    result({ keys })
  } else if (mode === 'events') {
    // Our pool driven by Crawlee's own EventManager, as a crawler would drive it.
    const ours = require('session-pool-rs')
    const fs = require('node:fs')
    const events = crawlee.Configuration.getGlobalConfig().getEventManager()
    const pool = await ours.SessionPool.open({ persistStateKeyValueStoreId: storeId, events })
    const listenersAfterOpen = events.listenerCount('persistState')
    await pool.addSession({ id: 'via_event_manager' })
    const before = fs.existsSync(pool.persistStatePath)
    events.emit('persistState', { isMigrating: false })
    let ids = null
    for (let i = 0; i < 1000 && ids === null; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      try {
        ids = JSON.parse(fs.readFileSync(pool.persistStatePath, 'utf8')).sessions.map((s) => s.id)
      } catch {
        ids = null
      }
    }
    await pool.teardown({ persistState: false })
    result({ before, ids, listenersAfterOpen, listenersAfterTeardown: events.listenerCount('persistState') })
  } else {
    throw new Error(`unknown mode ${mode}`)
  }
  await finish()
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err && err.stack ? err.stack : err}\n`)
    process.exit(1)
  },
)
