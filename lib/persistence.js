'use strict'
// Persistence of one pool: where its state lives (Crawlee's local key-value store layout, or a key-value store
// object the user hands in), when it is written (a timer that never keeps the process alive, the
// 'persistState' events of an emitter, explicit calls, teardown) and how it is restored. Serializing, writing
// and parsing happen on worker threads (src/key_value_store.rs); restoring adds sessions in chunks so the
// event loop keeps turning, and their JS objects are made on first use (lib/session_pool.js).

const DEFAULT_KEY = 'SDK_SESSION_POOL_STATE'
const DEFAULT_INTERVAL_MILLIS = 60_000
// Restored sessions added to the pool per event-loop turn (no JS objects: ~0.2 us each), and handed to a user's
// createSessionFunction per turn (JS objects: several us each).
const RESTORE_CHUNK = 10_000
const FACTORY_CHUNK = 1_000
// Sessions captured per event-loop turn when persisting.
const SNAPSHOT_CHUNK = 5_000

// Records of the default store already emptied in this process: the default store starts empty once per run.
const purgedThisRun = new Set()

function intervalFromEnv() {
  const raw = process.env.CRAWLEE_PERSIST_STATE_INTERVAL_MILLIS
  const n = raw === undefined || raw === '' ? NaN : Number(raw)
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_INTERVAL_MILLIS
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve))

function makeLogger(log) {
  const call = (names, message, data) => {
    for (const name of names) {
      if (log && typeof log[name] === 'function') return log[name](message, data)
    }
    if (names[0] !== 'debug') console.warn(`SessionPool: ${message}`, data === undefined ? '' : data)
    return undefined
  }
  return {
    warning: (message, data) => call(['warning', 'warn'], message, data),
    debug: (message, data) => call(['debug'], message, data),
  }
}

class Persistence {
  /**
   * @param pool the SessionPool
   * @param options the pool's options
   * @param hooks { table: () => Session[] by slot, adopt(session): adds a factory-made session,
   *   purgeOnStart(envValue): whether the default store starts empty }
   */
  constructor(pool, options, hooks) {
    this.pool = pool
    this.hooks = hooks
    this.enabled = options.persistenceOptions?.enable ?? true
    this.key = options.persistStateKey ?? DEFAULT_KEY
    this.storeId = options.persistStateKeyValueStoreId
    this.keyValueStore = options.keyValueStore
    this.events = options.events
    this.intervalMillis = options.persistStateIntervalMillis
    this.createSessionFunction = options.createSessionFunction
    this.log = makeLogger(options.log)
    this.storageDir = undefined
    this.timer = null
    this.listener = null
    this.chain = Promise.resolve()
    this.opened = false
    this.stopped = false
    // Whether this pool wrote to the default store: its writes leave a spare of the record to discard at teardown.
    this.wroteFile = false
  }

  /** Where the default store keeps the state (for messages and the demo's summary). */
  get path() {
    if (this.keyValueStore) return undefined
    const storageDir = this.opened ? this.storageDir : process.env.CRAWLEE_STORAGE_DIR || undefined
    return this.pool._statePath(storageDir, this.storeId, this.key)
  }

  /** The default store (no id, '' or 'default') is the one Crawlee empties at the start of a run. */
  get isDefaultStore() {
    return !this.storeId || this.storeId === 'default'
  }

  isEnabled(options) {
    return this.enabled || Boolean(options && options.enable)
  }

  /** Loads the persisted state (if any) and starts periodic persistence. Called by initialize(). */
  async start() {
    // The environment is read when the pool opens, not cached per process.
    this.storageDir = process.env.CRAWLEE_STORAGE_DIR || undefined
    // Like Crawlee, the first open of the default store in a run empties it, whether or not this pool persists:
    // a later pool of the same run must not find a previous run's sessions.
    const purged = await this.purgeAtFirstOpen()
    this.opened = true
    if (!this.enabled) return
    if (!purged) await this.load()
    // A teardown() while the state was loading wins: no timer or listener is started after it.
    if (this.stopped) return
    const interval = this.intervalMillis ?? intervalFromEnv()
    this.timer = setInterval(() => {
      this.persist().catch((err) => this.log.warning('Periodic persistence failed', { error: String(err) }))
    }, interval)
    this.timer.unref()
    if (this.events) {
      this.listener = () => {
        this.persist().catch((err) => this.log.warning('Persistence on a persistState event failed', { error: String(err) }))
      }
      this.events.on('persistState', this.listener)
    }
  }

  /** Stops the timer and the event listener of this pool only. */
  stop() {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    if (this.events && this.listener) this.events.off('persistState', this.listener)
    this.listener = null
  }

  async load() {
    let loaded
    if (this.keyValueStore) {
      let value
      try {
        value = await this.keyValueStore.getValue(this.key)
      } catch (err) {
        this.log.warning(`Could not read the persisted state '${this.key}' from the keyValueStore; the pool starts empty`, { error: String(err) })
        return
      }
      if (value === null || value === undefined) return
      let text
      if (typeof value === 'string') text = value
      else if (Buffer.isBuffer(value)) text = value.toString('utf8')
      else text = JSON.stringify(value)
      loaded = await this.pool._parseState(text, Boolean(this.createSessionFunction))
    } else {
      loaded = await this.pool._readStateFile(this.storageDir, this.storeId, this.key, false, Boolean(this.createSessionFunction))
    }
    for (const warning of loaded.warnings) this.log.warning(warning)
    await this.restore(loaded)
  }

  /** Removes the record when this is the first open of the default store in this run; true if it did. */
  async purgeAtFirstOpen() {
    if (this.keyValueStore || !this.isDefaultStore) return false
    const path = this.pool._statePath(this.storageDir, this.storeId, this.key)
    if (purgedThisRun.has(path)) return false
    purgedThisRun.add(path)
    if (!this.hooks.purgeOnStart(process.env.CRAWLEE_PURGE_ON_START)) return false
    await this.pool._readStateFile(this.storageDir, this.storeId, this.key, true, false)
    return true
  }

  async restore(loaded) {
    const { pool } = this
    if (!this.createSessionFunction) {
      // Sessions go into the pool without JS objects (each gets one on first use), so this is quick per session;
      // a big state is still added a chunk per event-loop turn.
      for (let start = 0; start < loaded.count; start += RESTORE_CHUNK) {
        pool._restoreChunk(loaded.restore, start, start + RESTORE_CHUNK)
        if (start + RESTORE_CHUNK < loaded.count) await nextTurn()
      }
      return
    }
    // A user's factory gets each persisted session as its options, as Crawlee passes them.
    for (let start = 0; start < loaded.count; start += FACTORY_CHUNK) {
      const states = JSON.parse(pool._restoreStatesJson(loaded.restore, start, start + FACTORY_CHUNK))
      for (const state of states) {
        state.sessionPool = pool
        state.createdAt = new Date(state.createdAt)
        state.expiresAt = new Date(state.expiresAt)
        const session = await this.createSessionFunction.call(pool, pool, { sessionOptions: state })
        if (session && typeof session.isUsable === 'function' && session.isUsable()) this.hooks.adopt(session)
      }
      await nextTurn()
    }
  }

  /** Runs `work` after everything queued before it on this pool's store (writes, the spare's removal). */
  enqueue(work) {
    const run = this.chain.then(work)
    this.chain = run.catch(() => {})
    return run
  }

  /** Persists now (after any persist already under way); never rejects for a storage failure. */
  persist(options) {
    if (!this.opened) return Promise.reject(new Error('SessionPool is not initialized.'))
    if (!this.isEnabled(options)) return Promise.resolve()
    return this.enqueue(() => this.writeOnce())
  }

  async writeOnce() {
    const { pool } = this
    if (this.keyValueStore) {
      try {
        await this.keyValueStore.setValue(this.key, pool.getState())
      } catch (err) {
        this.log.warning(`Failed to persist the session pool state to '${this.key}' in the keyValueStore`, { error: String(err) })
      }
      return
    }
    // The snapshot starts now (counters and the order of the sessions); the sessions are then captured a chunk
    // per event-loop turn, each with the userData of those that have a JS object turned into JSON in the same
    // turn (numbers and shared cookie jars: no copy of cookies; restored sessions not used since keep their
    // restored userData text natively), so a big pool never holds the loop for long.
    const table = this.hooks.table()
    const snapshot = pool._takeSnapshot()
    const total = pool._snapshotSize(snapshot)
    const parts = []
    try {
      for (let start = 0; start < total; start += SNAPSHOT_CHUNK) {
        if (start > 0) await nextTurn()
        const slots = pool._snapshotChunk(snapshot, start, start + SNAPSHOT_CHUNK)
        if (slots.length === 0) continue
        const userData = new Array(slots.length)
        for (let i = 0; i < slots.length; i++) userData[i] = table[slots[i]].userData ?? {}
        parts.push(JSON.stringify(userData).slice(1, -1))
      }
    } catch (err) {
      this.log.warning('Failed to persist the session pool state: a userData is not serializable to JSON', { error: String(err) })
      return
    }
    try {
      this.wroteFile = true
      await pool._writeSnapshotFile(snapshot, this.storageDir, this.storeId, this.key, `[${parts.join(',')}]`)
    } catch (err) {
      this.log.warning(`Failed to persist the session pool state to ${this.path}`, { error: String(err) })
    }
  }

  /**
   * At teardown, after the writes under way: deletes the spare that this pool's writes leave beside the record
   * (the previous file, which the next write goes over), a full copy of the state.
   */
  async discardSpare() {
    if (this.keyValueStore || !this.wroteFile) return
    this.wroteFile = false
    try {
      await this.enqueue(() => this.pool._discardSpareFile(this.storageDir, this.storeId, this.key))
    } catch (err) {
      this.log.warning(`Failed to remove the spare file of ${this.path}`, { error: String(err) })
    }
  }

  async reset(options) {
    if (!this.opened) throw new Error('SessionPool is not initialized.')
    if (!this.isEnabled(options)) return
    if (this.keyValueStore) {
      try {
        await this.keyValueStore.setValue(this.key, null)
      } catch (err) {
        this.log.warning(`Failed to reset '${this.key}' in the keyValueStore`, { error: String(err) })
      }
      return
    }
    await this.chain
    this.pool._removeStateFile(this.storageDir, this.storeId, this.key)
  }
}

module.exports = { Persistence }
