'use strict'
// A short tour of the pool: rotation, marks, retirement and the sessionRetired event.
// Run: npm start   (after `npm run build`)
const { SessionPool } = require('..')

async function main() {
  const pool = await SessionPool.open({
    maxPoolSize: 5,
    sessionOptions: { maxUsageCount: 8 },
    persistenceOptions: { enable: false },
  })
  const retiredBy = new Map()
  pool.on('sessionRetired', (session) => {
    console.log(`  sessionRetired: ${session.id} (errorScore ${session.errorScore}, used ${session.usageCount}x)`)
    retiredBy.set(session.id, session.errorScore)
  })

  const statuses = [200, 200, 200, 403, 200, 500, 200, 429, 200, 200]
  for (let request = 1; request <= 40; request++) {
    const session = await pool.getSession()
    const status = statuses[request % statuses.length]
    if (session.retireOnBlockedStatusCodes(status)) {
      console.log(`request ${String(request).padStart(2)}: ${session.id} got ${status}, retired`)
    } else if (status >= 500) {
      session.markBad()
      console.log(`request ${String(request).padStart(2)}: ${session.id} got ${status}, markBad -> errorScore ${session.errorScore}`)
    } else {
      session.markGood()
    }
  }

  const state = pool.getState()
  console.log('\nusable sessions:', pool.usableSessionsCount, ' retired still held:', pool.retiredSessionsCount)
  console.log('sessions retired during the run:', retiredBy.size)
  console.log('pool state:')
  console.table(
    state.sessions.map((s) => ({ id: s.id, usageCount: s.usageCount, errorScore: s.errorScore, expiresAt: s.expiresAt })),
  )
  await pool.teardown()
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
