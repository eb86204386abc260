'use strict'
// Output of the demo: the progress line (redrawn in place on a terminal, plain lines otherwise) and the final
// summary table.

/** A progress printer: `update(snapshot)` while running, `end()` before printing anything else. */
function progressPrinter(stream = process.stdout) {
  const tty = Boolean(stream.isTTY)
  let drawn = false
  return {
    tty,
    /** How often to call update(). */
    intervalMs: tty ? 200 : 1000,
    update(s) {
      const line =
        `${(s.elapsedMs / 1000).toFixed(1).padStart(5)} s  pages ${String(s.done).padStart(String(s.total).length)}/${s.total}` +
        `  ${s.rate.toFixed(1).padStart(5)} pages/s  sessions: ${s.usable} usable, ${s.retired} retired` +
        `  retries ${s.retries}  network errors ${s.errors}`
      if (tty) {
        stream.write(`\r${line}\x1b[K`)
        drawn = true
      } else {
        stream.write(`${line}\n`)
      }
    },
    end() {
      if (tty && drawn) stream.write('\n')
      drawn = false
    },
  }
}

function table(rows, { indent = '  ' } = {}) {
  const widths = []
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, String(cell).length)))
  return rows
    .map((row) =>
      indent +
      row
        .map((cell, i) => {
          const text = String(cell)
          // Numbers right-aligned, text left-aligned.
          return typeof cell === 'number' ? text.padStart(widths[i]) : text.padEnd(widths[i])
        })
        .join('   ')
        .trimEnd(),
    )
    .join('\n')
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** The text of the start banner. */
function startText(info) {
  const flaky = info.proxies.filter((p) => p.dropEvery > 0).map((p) => `${p.name} drops every ${p.dropEvery}th request`)
  const ports = info.proxies.map((p) => p.port)
  const lines = [
    'session-pool-rs demo crawl (everything on 127.0.0.1)',
    `  site      ${info.siteUrl}  ${info.pages} pages; cookie check on first visit, 403 for banned proxies,`,
    '            429 when one identity goes too fast, a "Blocked" page now and then',
    `  proxies   ${info.proxies.length} forward proxies on ports ${Math.min(...ports)}..${Math.max(...ports)}` +
      (flaky.length ? `; ${flaky.join(', ')}` : ''),
    `  crawler   ${info.concurrency} concurrent requests, SessionPool maxPoolSize ${info.poolSize}, store '${info.store}'`,
    info.restored > 0
      ? `  restored  ${plural(info.restored, 'warm session')} from store '${info.store}' (cookies and proxies of the last run)`
      : info.forgotten > 0
        ? `  restored  none: --fresh forgot the ${plural(info.forgotten, 'saved session')} of store '${info.store}'; starting cold`
        : `  restored  no saved sessions in store '${info.store}': starting cold (run again to see warm sessions restored)`,
    '',
  ]
  return lines.join('\n')
}

/** The text of the final summary. */
function summaryText(s) {
  const secs = s.durationMs / 1000
  const out = []
  out.push(s.ok ? 'Done.' : s.timedOut ? 'STOPPED: the run hit its time limit.' : 'FINISHED WITH FAILED PAGES.')
  const rows = [
    ['pages fetched', `${s.pages.done} / ${s.pages.total}` + (s.pages.failed ? `  (${s.pages.failed} failed after all retries)` : '')],
    ['time', `${secs.toFixed(1)} s  (${(s.pages.done / Math.max(secs, 0.001)).toFixed(1)} pages/s)`],
    ['requests sent', `${s.requests}  (${s.cookieChecks} first-visit cookie checks followed, ${s.retries} retries)`],
    ['responses', Object.entries(s.statusCounts).map(([code, n]) => `${code}: ${n}`).join(', ')],
    ['blocked pages (200)', String(s.blockedPages) + (s.blockedOnRetired ? `  (${s.blockedOnRetired} to a session another request had just retired)` : '')],
    ['network errors', `${s.networkErrors}  (markBad)`],
    ['sessions restored', `${s.sessions.restored}  (warm, from store '${s.store}')`],
    ['sessions created', String(s.sessions.created)],
    ['sessions retired', String(s.sessions.retired)],
  ]
  const reasons = Object.entries(s.sessions.retiredBy).sort((a, b) => b[1] - a[1])
  for (const [reason, n] of reasons) rows.push([`  ${reason}`, String(n)])
  rows.push(['usable at the end', String(s.sessions.usableAtEnd)])
  const banned = s.proxies.filter((p) => p.bannedBySite)
  rows.push([
    'proxies banned',
    banned.length
      ? banned
          .map((p) => `${p.name} (at site request ${p.bannedAtSiteRequest}` + (p.banSeenAtRequest ? `, seen at crawler request ${p.banSeenAtRequest})` : ', never hit)'))
          .join(', ')
      : 'none',
  ])
  out.push(table(rows))
  out.push('')
  out.push(
    table([
      ['proxy', 'exit IP', 'requests', 'pages', '403', 'dropped', 'status'],
      ...s.proxies.map((p) => [
        p.name,
        p.exitIp,
        p.requests,
        p.pages,
        p.forbidden,
        p.dropped,
        p.bannedBySite ? 'banned' : p.dropped ? 'flaky' : 'ok',
      ]),
    ]),
  )
  out.push('')
  out.push(`Session pool state persisted to ${s.statePath}`)
  out.push('Run it again: the next run restores these sessions (their cookies and proxies) from that store.')
  return out.join('\n')
}

module.exports = { progressPrinter, summaryText, startText, table }
