'use strict'
// Persists a pool in a loop until it is killed (by persistence_crash.test.js, with SIGKILL).
//
//   CRAWLEE_STORAGE_DIR=<tmp> node persist_loop_child.js <run> <seed>
//
// Opens the named store 'crash' (loading what earlier runs left), fills the pool to FILL sessions, then
// loops: add a session (until MAX), change cookies, marks and userData, persist. Sessions are never removed
// (nothing retires: huge maxUsageCount/maxErrorScore), so the persisted id sets only grow. Protocol on stdout,
// one line per synchronous write (a pipe write of < PIPE_BUF bytes is atomic and survives the kill):
//   L <count>                       loaded <count> sessions at open
//   B <seq> <count> <id,id,...>     about to persist <count> sessions: the earlier ones plus these new ids
//   D <seq>                         that persist completed

const fs = require('node:fs')
const { SessionPool } = require('session-pool-rs')

const FILL = 300
const MAX = 1500

const run = Number(process.argv[2] || 0)
let seed = (Number(process.argv[3] || 1) >>> 0) || 1
function random() {
  seed ^= seed << 13
  seed >>>= 0
  seed ^= seed >>> 17
  seed ^= seed << 5
  seed >>>= 0
  return seed / 2 ** 32
}

function say(line) {
  fs.writeSync(1, `${line}\n`)
}

const DOMAINS = ['example.com', 'shop.example.com', 'example.org', 'other.net']

async function addSession(pool, id, i) {
  await pool.addSession({
    id,
    maxUsageCount: 1e9,
    maxErrorScore: 1e9,
    userData: { i, run, tags: ['crash', `r${run}`], nested: { hits: 0, deep: { list: [i, String(i), { i }] } } },
  })
  const session = await pool.getSession(id)
  for (let c = 0; c < 3; c++) {
    const domain = DOMAINS[(i + c) % DOMAINS.length]
    session.setCookie(`c${c}=${id}_${c}; Path=/; Max-Age=86400`, `https://${domain}/`)
  }
  return session
}

async function main() {
  const pool = await SessionPool.open({ persistStateKeyValueStoreId: 'crash', persistStateIntervalMillis: 3_600_000 })
  const ids = pool.getState().sessions.map((s) => s.id)
  say(`L ${ids.length}`)
  let added = []
  let n = ids.length
  while (n < FILL) {
    const id = `f${run}_${n}`
    await addSession(pool, id, n)
    ids.push(id)
    added.push(id)
    n++
  }
  for (let seq = 1; ; seq++) {
    if (n < MAX) {
      const id = `r${run}_${seq}`
      await addSession(pool, id, n)
      ids.push(id)
      added.push(id)
      n++
    }
    for (let k = 0; k < 5; k++) {
      const session = await pool.getSession(ids[Math.floor(random() * ids.length)])
      if (random() < 0.7) session.markGood()
      else session.markBad()
      session.userData.nested.hits++
      session.setCookie(`v=${seq}_${k}; Path=/`, 'https://example.com/')
    }
    say(`B ${seq} ${n} ${added.join(',')}`)
    added = []
    await pool.persistState()
    say(`D ${seq}`)
  }
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : err}\n`)
  process.exit(1)
})
