// Type-checked with `tsc --noEmit --strict` against the package's index.d.ts, as a user project would.
import { EventEmitter } from 'node:events'
import {
  BLOCKED_STATUS_CODES,
  CookieJar,
  type BrowserCookie,
  EVENT_SESSION_RETIRED,
  Session,
  SessionPool,
  openSessionPool,
  type SessionOptions,
  type SessionPoolOptions,
  type SessionState,
} from 'session-pool-rs'

async function main(): Promise<void> {
  const options: SessionPoolOptions = {
    maxPoolSize: 25,
    sessionOptions: { maxAgeSecs: 10, maxUsageCount: 150 },
    persistStateKeyValueStoreId: 'my-key-value-store-for-sessions',
    persistStateKey: 'my-session-pool',
    blockedStatusCodes: [...BLOCKED_STATUS_CODES, 500],
    createSessionFunction: (pool, opts) => new Session({ ...opts?.sessionOptions, sessionPool: pool }),
  }
  const pool: SessionPool = await SessionPool.open(options)
  const other: SessionPool = await openSessionPool({ maxPoolSize: 1 })
  const emitter: EventEmitter = pool
  pool.on(EVENT_SESSION_RETIRED, (s: Session) => console.log(s.id))
  const s1: Session = await pool.getSession()
  const maybe: Session | undefined = await pool.getSession(s1.id)
  s1.markBad()
  s1.markGood()
  const retired: boolean = s1.retireOnBlockedStatusCodes(403, [418])
  const alias: boolean = s1.checkStatus(200)
  s1.userData.token = 'abc'
  const state: SessionState = s1.getState()
  const iso: string = state.expiresAt
  const expires: Date = s1.expiresAt
  const n: number = pool.usableSessionsCount + pool.retiredSessionsCount
  const sessionOptions: SessionOptions = { id: 'x', userData: { a: 1 }, createdAt: new Date(), errorCount: 1 }
  await pool.addSession(sessionOptions)
  await pool.addSession(new Session({ sessionPool: pool }))
  s1.setCookiesFromResponse({ headers: { 'set-cookie': ['a=1'] }, url: 'https://example.com/' })
  s1.putResponse({ headers: () => ({ 'set-cookie': 'b=2' }), url: () => 'https://example.com/' })
  const browserCookies: BrowserCookie[] = s1.getCookies('https://example.com/')
  s1.setCookies(browserCookies, 'https://example.com/')
  s1.putPuppeteerCookies(s1.getPuppeteerCookies(new URL('https://example.com/')), 'https://example.com/')
  s1.setPuppeteerCookies([{ name: 'c', value: '3', domain: '.example.com', expires: -1 }], 'https://example.com/')
  const header: string = s1.getCookieString('https://example.com/')
  s1.setCookie('d=4; Path=/', 'https://example.com/')
  const jar: CookieJar = s1.cookieJar
  const stored = jar.setCookieSync('e=5', 'https://example.com/')
  const storedKey: string | undefined = stored?.key
  const jarString: string = jar.getCookieStringSync('https://example.com/')
  const restoredJar: CookieJar = CookieJar.fromJSON(jar.toJSON())
  restoredJar.removeAllCookiesSync()
  const fromJar = new Session({ sessionPool: pool, cookieJar: jar.serializeSync() })
  const st = pool.getState()
  const count: number = st.sessions.length
  await pool.persistState({ enable: true })
  await pool.resetStore()
  const where: string | undefined = pool.persistStatePath
  await pool.teardown({ persistState: false })
  const withStore = await SessionPool.open({
    keyValueStore: { getValue: async (key: string) => ({ key }), setValue: async () => undefined },
    events: new EventEmitter(),
    persistStateIntervalMillis: 1000,
    persistenceOptions: { enable: true },
  })
  void [other, emitter, maybe, retired, alias, iso, expires, n, count, header, storedKey, jarString, fromJar, where, withStore]
}

void main()
