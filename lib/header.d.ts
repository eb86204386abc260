/* Hand-written part of the typings: the JS-side members of SessionPool and Session and the option shapes.
   `napi build` prepends it to the generated declarations of the native classes (interface merging). */
import { EventEmitter } from 'node:events'

/** Options of `new Session(options)`; Crawlee's `SessionOptions`. */
export interface SessionOptions {
  /** The pool (any EventEmitter) on which `sessionRetired` is emitted. */
  sessionPool?: EventEmitter
  /** Session id, used as the proxy session name. @default `session_` + 10 random characters */
  id?: string
  /** A tough-cookie `CookieJar`, our `CookieJar`, or tough-cookie's serialized jar. */
  cookieJar?: object
  /** Seconds until the session expires. @default 3000 */
  maxAgeSecs?: number
  /** Custom data kept with the session and persisted with it. @default {} */
  userData?: Record<string, any>
  /** Error score at which the session counts as blocked. @default 3 */
  maxErrorScore?: number
  /** How much a good mark heals the error score. @default 0.5 */
  errorScoreDecrement?: number
  createdAt?: Date
  expiresAt?: Date
  /** @default 0 */
  usageCount?: number
  /** @default 0 */
  errorScore?: number
  /** Apify SDK 0.18 name of `errorScore`. */
  errorCount?: number
  /** Uses before the session is retired. @default 50 */
  maxUsageCount?: number
  log?: object
}

/** What `session.getState()` returns and the pool persists for each session. */
export interface SessionState {
  id: string
  cookieJar: Record<string, any>
  userData: Record<string, any>
  maxErrorScore: number
  errorScoreDecrement: number
  expiresAt: string
  createdAt: string
  usageCount: number
  maxUsageCount: number
  errorScore: number
}

/** What `sessionPool.getState()` returns and the pool persists. */
export interface SessionPoolState {
  usableSessionsCount: number
  retiredSessionsCount: number
  sessions: SessionState[]
}

/** Makes the pool's sessions; may return a Promise. */
export type CreateSessionFunction = (
  sessionPool: SessionPool,
  options?: { sessionOptions?: SessionOptions },
) => Session | Promise<Session>

/** Any key-value store with async `getValue`/`setValue`, such as Crawlee's `KeyValueStore`. */
export interface KeyValueStoreLike {
  getValue(key: string): Promise<unknown>
  setValue(key: string, value: unknown): Promise<unknown>
}

/** Options of `new SessionPool(options)` and `SessionPool.open(options)`. */
export interface SessionPoolOptions {
  /** @default 1000 */
  maxPoolSize?: number
  persistStateKeyValueStoreId?: string
  /** @default 'SDK_SESSION_POOL_STATE' */
  persistStateKey?: string
  createSessionFunction?: CreateSessionFunction
  sessionOptions?: SessionOptions
  /** @default [401, 403, 429] */
  blockedStatusCodes?: number[]
  log?: object
  persistenceOptions?: { enable?: boolean }
  keyValueStore?: KeyValueStoreLike
  /** An emitter whose `'persistState'` events make the pool persist (e.g. Crawlee's event manager). */
  events?: EventEmitter
  /** @default 60000 (or CRAWLEE_PERSIST_STATE_INTERVAL_MILLIS) */
  persistStateIntervalMillis?: number
}

export interface Session {
  /** Session id, used as the proxy session name. */
  readonly id: string
  /** Seconds the session lives after creation. */
  readonly maxAgeSecs: number
  /** The user's data; mutate it in place. */
  userData: Record<string, any>
  /** The emitter `sessionRetired` is emitted on. */
  sessionPool?: EventEmitter
}

export interface SessionPool extends EventEmitter {
  /** Loads the persisted state and starts persistence; `SessionPool.open()` calls it. */
  initialize(): Promise<void>
  /** A usable session: a new one while the pool has room, else a random usable one. */
  getSession(): Promise<Session>
  /** The usable session with this id, or undefined. */
  getSession(sessionId: string): Promise<Session | undefined>
  /** Adds a session (or creates one from options); may exceed `maxPoolSize`. */
  addSession(options?: SessionOptions | Session): Promise<void>
  getState(): SessionPoolState
  persistState(options?: { enable?: boolean }): Promise<void>
  resetStore(options?: { enable?: boolean }): Promise<void>
  teardown(options?: { persistState?: boolean }): Promise<void>
  /** The sessions held, usable or not, in the order they were added (Apify SDK 2.x). */
  readonly sessions: Session[]
  /** A copy of the options every new session gets. */
  readonly sessionOptions: SessionOptions
  /** Whether `initialize()` has completed. */
  readonly isInitialized: boolean
  /** The file the default store keeps this pool's state in (undefined with a `keyValueStore`). */
  readonly persistStatePath: string | undefined
}

export declare namespace SessionPool {
  /** Opens and initializes a pool. */
  function open(options?: SessionPoolOptions): Promise<SessionPool>
}

/** Apify SDK 0.x/2.x name of `SessionPool.open(options)`. */
export declare function openSessionPool(options?: SessionPoolOptions): Promise<SessionPool>

/** Status codes that retire a session by default: `[401, 403, 429]`. */
export declare const BLOCKED_STATUS_CODES: number[]

/** A cookie in the browsers' (Puppeteer/Playwright) format. */
export interface BrowserCookie {
  name: string
  value: string
  /** Unix time in seconds; absent for a session cookie. */
  expires?: number
  /** A leading dot makes a domain cookie; without one the cookie is host-only. */
  domain?: string
  path?: string
  secure?: boolean
  httpOnly?: boolean
  sameSite?: 'Strict' | 'Lax' | 'None'
}

/** A response as HTTP clients and browsers give it: headers as an object or a function, url as a string or a function. */
export interface ResponseLike {
  headers?: Record<string, string | string[] | undefined> | (() => Record<string, string | string[] | undefined>) | { getSetCookie(): string[] }
  url?: string | URL | (() => string)
}

/** A stored cookie as tough-cookie's `getCookiesSync` gives it. */
export interface StoredCookie {
  key: string
  value: string
  expires: Date | 'Infinity'
  maxAge?: number | 'Infinity' | '-Infinity'
  domain: string | null
  path: string | null
  secure?: boolean
  httpOnly?: boolean
  hostOnly?: boolean | null
  pathIsDefault?: boolean | null
  creation?: Date | null
  lastAccessed?: Date | null
  sameSite?: string
  extensions?: string[]
  cookieString(): string
  toString(): string
  toJSON(): Record<string, unknown>
}

/** tough-cookie's serialized jar. */
export interface SerializedCookieJar {
  version: string
  storeType: string | null
  rejectPublicSuffixes: boolean
  cookies: Record<string, unknown>[]
  [key: string]: unknown
}

export interface Session {
  /** Stores the cookies of a response's `set-cookie` header (bad ones are skipped). */
  setCookiesFromResponse(response: ResponseLike): void
  /** Apify SDK 0.18 name of `setCookiesFromResponse`. */
  putResponse(response: ResponseLike): void
  /** Stores cookies in the browsers' format for `url` (bad or foreign ones are skipped). */
  setCookies(cookies: BrowserCookie[], url: string | URL): void
  /** Older names of `setCookies`. */
  putPuppeteerCookies(cookies: BrowserCookie[], url: string | URL): void
  setPuppeteerCookies(cookies: BrowserCookie[], url: string | URL): void
  /** The cookies for `url` in the browsers' format. */
  getCookies(url: string | URL): BrowserCookie[]
  /** Older name of `getCookies`. */
  getPuppeteerCookies(url: string | URL): BrowserCookie[]
}

export interface CookieJar {
  setCookieSync(cookie: string | object, url: string | URL, options?: { ignoreError?: boolean }): StoredCookie | undefined
  getCookiesSync(url: string | URL): StoredCookie[]
  toJSON(): SerializedCookieJar
  serializeSync(): SerializedCookieJar
}

export declare namespace CookieJar {
  /** A jar from tough-cookie's serialized form (object or JSON string). */
  function fromJSON(json: string | object): CookieJar
  function deserializeSync(json: string | object): CookieJar
}
