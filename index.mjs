import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const pkg = require('./index.js')

export const { Session, SessionPool, CookieJar, openSessionPool, EVENT_SESSION_RETIRED, BLOCKED_STATUS_CODES } = pkg
export default pkg
