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
}

export declare namespace SessionPool {
  /** Opens and initializes a pool. */
  function open(options?: SessionPoolOptions): Promise<SessionPool>
}

/** Apify SDK 0.x/2.x name of `SessionPool.open(options)`. */
export declare function openSessionPool(options?: SessionPoolOptions): Promise<SessionPool>

/** Status codes that retire a session by default: `[401, 403, 429]`. */
export declare const BLOCKED_STATUS_CODES: number[]
