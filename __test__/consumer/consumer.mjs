import { SessionPool, Session, openSessionPool, EVENT_SESSION_RETIRED } from 'session-pool-rs'
import pkg from 'session-pool-rs'

const pool = await SessionPool.open({ maxPoolSize: 2 })
const s = await pool.getSession()
let retired = 0
pool.on(EVENT_SESSION_RETIRED, () => retired++)
s.retire()
const other = await openSessionPool()
console.log(JSON.stringify({
  isSession: s instanceof Session,
  sameClass: pkg.SessionPool === SessionPool,
  retired,
  other: other instanceof SessionPool,
}))
