const { SessionPool, Session } = require('session-pool-rs')

SessionPool.open({ maxPoolSize: 2 }).then(async (pool) => {
  const s = await pool.getSession()
  console.log(JSON.stringify({ isSession: s instanceof Session, usable: pool.usableSessionsCount }))
})
