'use strict'
// Runs our SessionPool in a fresh process (a new "run" for CRAWLEE_PURGE_ON_START, and a process that must
// exit by itself). The parent sets CRAWLEE_STORAGE_DIR and the other variables. Prints `@@RESULT@@<json>`.
//
//   node persist_ours_child.js default <tag> [storeIdJson]
//                                              default store (or the store id given as JSON, e.g. '""'): what
//                                              the first open sees, add <tag>, persist, then a second open in
//                                              the same process
//   node persist_ours_child.js uninitialized   persistState(), resetStore(), teardown() on a pool never
//                                              initialized (run with a temp cwd)
//   node persist_ours_child.js named <tag>     named store 'survivor': what the open sees, add <tag>, persist
//   node persist_ours_child.js timer           interval 50 ms (option, or the env when TIMER_FROM_ENV=1): wait
//                                              until the timer has written two states, then just return

const fs = require('node:fs')
const { SessionPool } = require('session-pool-rs')

const warnings = []
const log = { warning: (m) => warnings.push(String(m)), debug: () => {} }

function result(value) {
  process.stdout.write(`@@RESULT@@${JSON.stringify(value)}\n`)
}

function fileIds(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')).sessions.map((s) => s.id)
  } catch {
    return null
  }
}

// Polls with a ref'd timer (this keeps the process alive while waiting, the pool's timer must not).
function waitFor(check, limitMs) {
  return new Promise((resolve) => {
    const started = Date.now()
    const tick = () => {
      if (check()) return resolve(true)
      if (Date.now() - started > limitMs) return resolve(false)
      setTimeout(tick, 20)
    }
    tick()
  })
}

async function main() {
  const [mode, tag, storeIdJson] = process.argv.slice(2)
  if (mode === 'default') {
    const options = { log }
    if (storeIdJson !== undefined) options.persistStateKeyValueStoreId = JSON.parse(storeIdJson)
    const pool = await SessionPool.open(options)
    const file = pool.persistStatePath
    const loaded = pool.getState().sessions.map((s) => s.id)
    const fileExistsAfterOpen = fs.existsSync(file)
    await pool.addSession({ id: tag, userData: { tag } })
    await pool.persistState()
    await pool.teardown({ persistState: false })
    const second = await SessionPool.open(options)
    const secondLoaded = second.getState().sessions.map((s) => s.id)
    await second.teardown({ persistState: false })
    result({ file, loaded, fileExistsAfterOpen, secondLoaded, fileIds: fileIds(file), warnings })
  } else if (mode === 'named') {
    const pool = await SessionPool.open({ persistStateKeyValueStoreId: 'survivor', log })
    const loaded = pool.getState().sessions.map((s) => s.id)
    await pool.addSession({ id: tag })
    await pool.persistState()
    await pool.teardown({ persistState: false })
    result({ loaded, fileIds: fileIds(pool.persistStatePath), warnings })
  } else if (mode === 'timer') {
    const options = { persistStateKeyValueStoreId: 'timer', log }
    if (process.env.TIMER_FROM_ENV !== '1') options.persistStateIntervalMillis = 50
    const pool = await SessionPool.open(options)
    const file = pool.persistStatePath
    await pool.addSession({ id: 't1' })
    const first = await waitFor(() => (fileIds(file) || []).includes('t1'), 20_000)
    await pool.addSession({ id: 't2' })
    const second = await waitFor(() => (fileIds(file) || []).includes('t2'), 20_000)
    result({ first, second, fileIds: fileIds(file), warnings })
    // No teardown, no clearInterval: the pool's timer is still armed, and the process must exit anyway.
  } else if (mode === 'uninitialized') {
    const outcome = {}
    const pool = new SessionPool({ persistStateKeyValueStoreId: 'early', log })
    outcome.pathBeforeInitialize = pool.persistStatePath
    for (const call of ['persistState', 'resetStore', 'teardown']) {
      try {
        await pool[call]()
        outcome[call] = 'resolved'
      } catch (err) {
        outcome[call] = `rejected: ${err.message}`
      }
    }
    result({ outcome, cwd: process.cwd(), warnings })
  } else {
    throw new Error(`unknown mode ${mode}`)
  }
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : err}\n`)
  process.exitCode = 1
})
