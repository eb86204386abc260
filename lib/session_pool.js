'use strict'
// The JS half of SessionPool: promises, the queue that serializes creation while an async
// createSessionFunction runs, and the table of Session objects by slot. Every decision (which slot, when to
// create, what to evict, the counters) is made by the native class underneath (src/session_pool.rs).

const { EventEmitter } = require('node:events')
const { Persistence } = require('./persistence.js')
const { kTable, kAcquire, kMarkSlot, placeSession, handOut, forgetPool } = require('./pool_slots.js')

const kInitialized = Symbol('initialized')
const kBusy = Symbol('creating')
const kQueue = Symbol('waitingGetSession')
const kFactory = Symbol('createSessionFunction')
const kSessionOptions = Symbol('sessionOptions')
const kOptions = Symbol('options')
const kCreate = Symbol('create')
const kCreateDefault = Symbol('createDefault')
const kAdopt = Symbol('adopt')
const kRelease = Symbol('release')
const kClearEvicted = Symbol('clearEvicted')
const kPersistence = Symbol('persistence')
const kSessionAt = Symbol('sessionAt')
const kInitializing = Symbol('initializing')

const ACQUIRE_MISSING = -1
const ACQUIRE_AFTER_EVICTION = -3

function describe(value) {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'Array'
  if (typeof value === 'object') return value.constructor && value.constructor.name ? value.constructor.name : 'Object'
  return typeof value
}

function isThenable(value) {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof value.then === 'function'
}

// Each session gets its own userData, so one session's writes never show up in another's.
function cloneUserData(userData) {
  if (userData === undefined) return undefined
  try {
    return structuredClone(userData)
  } catch {
    return { ...userData }
  }
}

function notInitialized() {
  return new Error('SessionPool is not initialized.')
}

function createSessionPoolClass(native) {
  const { SessionPool: NativeSessionPool, Session } = native

  // SessionPool is an EventEmitter: the native class gets EventEmitter's prototype chain, and the
  // constructor below runs EventEmitter's own initialisation on each instance.
  Object.setPrototypeOf(NativeSessionPool.prototype, EventEmitter.prototype)
  Object.setPrototypeOf(NativeSessionPool, EventEmitter)

  class SessionPool extends NativeSessionPool {
    constructor(options) {
      super(options)
      EventEmitter.call(this)
      const opts = options ?? {}
      this[kOptions] = opts
      this[kTable] = []
      const [acquire, markSlot] = native._bindPoolFunctions(this)
      this[kAcquire] = acquire
      this[kMarkSlot] = markSlot
      this[kInitialized] = false
      this[kBusy] = false
      this[kQueue] = []
      this[kFactory] = opts.createSessionFunction
      this[kSessionOptions] = opts.sessionOptions ? { ...opts.sessionOptions } : {}
      this[kInitializing] = null
      this[kPersistence] = new Persistence(this, opts, {
        table: () => this[kTable],
        adopt: (session) => this[kAdopt](session, false),
        purgeOnStart: native._purgeOnStart,
      })
    }

    /** Opens a pool and initializes it. */
    static async open(options) {
      const pool = new this(options)
      await pool.initialize()
      return pool
    }

    /** Loads the persisted state (when persistence is on) and starts periodic persistence. */
    initialize() {
      if (this[kInitialized]) return Promise.resolve()
      if (!this[kInitializing]) {
        this[kInitializing] = this[kPersistence].start().then(
          () => {
            this[kInitialized] = true
            this[kInitializing] = null
          },
          (err) => {
            this[kInitializing] = null
            this[kPersistence].stop()
            throw err
          },
        )
      }
      return this[kInitializing]
    }

    getSession(sessionId) {
      if (this[kBusy]) {
        return new Promise((resolve, reject) => this[kQueue].push({ sessionId, resolve, reject }))
      }
      if (!this[kInitialized]) return Promise.reject(notInitialized())
      if (sessionId !== undefined && sessionId !== null && typeof sessionId !== 'string') {
        return Promise.reject(
          new TypeError(`Expected argument \`sessionId\` of \`getSession\` to be of type \`string\` but received type \`${describe(sessionId)}\``),
        )
      }
      const slot = this[kAcquire](sessionId ?? undefined)
      if (slot >= 0) {
        if (this[kTable][slot] === undefined) this[kSessionAt](slot)
        return handOut(this, slot)
      }
      if (slot === ACQUIRE_MISSING) return Promise.resolve(undefined)
      if (slot === ACQUIRE_AFTER_EVICTION) this[kClearEvicted]()
      return this[kCreate]()
    }

    async addSession(options = {}) {
      if (!this[kInitialized]) throw notInitialized()
      if (options instanceof Session) {
        this[kAdopt](options, true)
        return
      }
      if (options === null || typeof options !== 'object' || Array.isArray(options)) {
        throw new TypeError(
          `Expected argument \`options\` of \`addSession\` to be a Session or an object of session options but received type \`${describe(options)}\``,
        )
      }
      const { id } = options
      if (typeof id === 'string' && id !== '' && this._hasId(id)) {
        throw new Error(`Cannot add session with id '${id}' as it already exists in the pool`)
      }
      if (this._makeRoom()) this[kClearEvicted]()
      const factory = this[kFactory]
      const created = factory
        ? await factory.call(this, this, { sessionOptions: options })
        : new Session({
            ...this[kSessionOptions],
            ...options,
            userData: cloneUserData(options.userData ?? this[kSessionOptions].userData),
            sessionPool: this,
          })
      this[kAdopt](created, false)
    }

    getState() {
      const sessions = this._slotsInOrder().map((slot) => this[kSessionAt](slot).getState())
      return {
        usableSessionsCount: this.usableSessionsCount,
        retiredSessionsCount: this.retiredSessionsCount,
        sessions,
      }
    }

    /** Persists the state now (to the default key-value store, or the `keyValueStore` option). */
    async persistState(options) {
      await this[kPersistence].persist(options)
    }

    /** Removes the persisted state of this pool (its own key only). */
    async resetStore(options) {
      await this[kPersistence].reset(options)
    }

    /** Stops this pool's persistence timer and event listener, then persists unless `persistState: false`. */
    async teardown({ persistState = true } = {}) {
      this[kPersistence].stop()
      forgetPool(this)
      // Before initialize() there is no store to write to (Crawlee's teardown fails there; ours just stops).
      if (persistState && this[kInitialized]) await this[kPersistence].persist()
      await this[kPersistence].discardSpare()
    }

    /** The sessions held, usable or not, in the order they were added (Apify SDK 2.x `sessionPool.sessions`). */
    get sessions() {
      return this._slotsInOrder().map((slot) => this[kSessionAt](slot))
    }

    /** A copy of the options every new session gets (`sessionOptions`). */
    get sessionOptions() {
      return { ...this[kSessionOptions] }
    }

    /** Whether `initialize()` has completed. */
    get isInitialized() {
      return this[kInitialized]
    }

    /** Where the default store keeps this pool's state (undefined with a `keyValueStore`). */
    get persistStatePath() {
      return this[kPersistence].path
    }

    [kCreate]() {
      const factory = this[kFactory]
      let created
      try {
        created = factory
          ? factory.call(this, this, { sessionOptions: {} })
          : this[kCreateDefault]()
      } catch (err) {
        return Promise.reject(err)
      }
      if (!isThenable(created)) {
        try {
          return Promise.resolve(this[kAdopt](created, false))
        } catch (err) {
          return Promise.reject(err)
        }
      }
      // Until this session is in the pool, other getSession() calls wait, so the pool never overshoots.
      this[kBusy] = true
      return Promise.resolve(created).then(
        (session) => {
          try {
            return this[kAdopt](session, false)
          } finally {
            this[kRelease]()
          }
        },
        (err) => {
          this[kRelease]()
          throw err
        },
      )
    }

    [kCreateDefault]() {
      const session = this._createDefault()
      const userData = cloneUserData(this[kSessionOptions].userData)
      session.userData = userData !== null && typeof userData === 'object' ? userData : {}
      session.sessionPool = this
      return session
    }

    [kAdopt](session, makeRoom) {
      if (!(session instanceof Session)) {
        throw new TypeError(
          `Expected \`createSessionFunction\` to return a Session (or a Promise of one) but it returned type \`${describe(session)}\``,
        )
      }
      const slot = this._commit(session, makeRoom)
      if (makeRoom) this[kClearEvicted]()
      placeSession(this, session, slot)
      return session
    }

    /** The Session in `slot`; a restored session gets its object on first use. */
    [kSessionAt](slot) {
      const existing = this[kTable][slot]
      if (existing !== undefined) return existing
      const session = this._wrapSlot(slot)
      placeSession(this, session, slot)
      return session
    }

    [kClearEvicted]() {
      const table = this[kTable]
      for (const slot of this._takeEvicted()) table[slot] = undefined
    }

    [kRelease]() {
      this[kBusy] = false
      const queue = this[kQueue]
      while (queue.length > 0 && !this[kBusy]) {
        const job = queue.shift()
        this.getSession(job.sessionId).then(job.resolve, job.reject)
      }
    }
  }

  Object.defineProperty(SessionPool, 'name', { value: 'SessionPool' })
  return SessionPool
}

module.exports = { createSessionPoolClass }
