'use strict'
// A small proxy farm: several real HTTP forward proxies, each on its own 127.0.0.1 port.
//
// A client sends a proxy the absolute-form request (`GET http://127.0.0.1:8080/page/3 HTTP/1.1`); the proxy forwards
// it to the site and streams the answer back. On the Internet each proxy would reach the site from its own IP
// address; here they all run on one machine, so each proxy stands in for its address with a made-up "exit IP"
// (from the 203.0.113.0/24 documentation range) that it puts in `x-forwarded-for`, plus a `via` header with its
// name. That address is what the site sees and bans.
//
// A proxy can be flaky: `dropEvery: n` drops every n-th connection's request without an answer (the client sees a
// socket hang-up or ECONNRESET), which is what the crawler's `markBad()` is for.
const http = require('node:http')

// Hop-by-hop headers, not forwarded (RFC 9110 section 7.6.1).
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'upgrade']

function createProxy({ name, exitIp, dropEvery = 0 }) {
  const stats = { requests: 0, forwarded: 0, dropped: 0, upstreamErrors: 0 }
  const upstream = new http.Agent({ keepAlive: true, maxSockets: 64 })

  const server = http.createServer((req, res) => {
    stats.requests++
    let target
    try {
      target = new URL(req.url)
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' })
      res.end('This is a forward proxy: send an absolute-form request URI.\n')
      return
    }
    if (target.protocol !== 'http:') {
      res.writeHead(400, { 'content-type': 'text/plain' })
      res.end('Only http:// targets are supported.\n')
      return
    }
    if (dropEvery > 0 && stats.requests % dropEvery === 0) {
      stats.dropped++
      req.socket.destroy()
      return
    }
    const headers = { ...req.headers }
    for (const h of HOP_BY_HOP) delete headers[h]
    headers.host = target.host
    headers['x-forwarded-for'] = exitIp
    headers.via = `1.1 ${name}`
    const up = http.request(
      {
        host: target.hostname,
        port: target.port || 80,
        method: req.method,
        path: target.pathname + target.search,
        headers,
        agent: upstream,
      },
      (upRes) => {
        stats.forwarded++
        const out = { ...upRes.headers }
        for (const h of HOP_BY_HOP) delete out[h]
        res.writeHead(upRes.statusCode, out)
        upRes.pipe(res)
      },
    )
    up.on('error', (err) => {
      stats.upstreamErrors++
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' })
        res.end(`Bad gateway: ${err.message}\n`)
      } else {
        res.destroy()
      }
    })
    req.pipe(up)
  })
  // HTTPS through CONNECT is not part of the demo.
  server.on('connect', (req, socket) => {
    socket.end('HTTP/1.1 405 Method Not Allowed\r\n\r\n')
  })
  server.keepAliveTimeout = 30_000

  const proxy = {
    name,
    exitIp,
    dropEvery,
    stats,
    server,
    port: 0,
    url: undefined,
    listen() {
      return new Promise((resolve, reject) => {
        server.once('error', reject)
        server.listen(0, '127.0.0.1', () => {
          server.off('error', reject)
          proxy.port = server.address().port
          proxy.url = `http://127.0.0.1:${proxy.port}`
          resolve(proxy)
        })
      })
    },
    close() {
      upstream.destroy()
      return new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections?.()
      })
    },
  }
  return proxy
}

/**
 * Starts `count` proxies named proxy-1..proxy-<count>.
 * @param {object} [options]
 * @param {number} [options.count=6]
 * @param {Record<number, number>} [options.dropEvery] proxy number -> drop every n-th request (default {2: 4})
 */
async function startProxyFarm(options = {}) {
  const count = options.count ?? 6
  const dropEvery = options.dropEvery ?? { 2: 4 }
  const proxies = []
  for (let i = 1; i <= count; i++) {
    proxies.push(createProxy({ name: `proxy-${i}`, exitIp: `203.0.113.${10 + i}`, dropEvery: dropEvery[i] ?? 0 }))
  }
  try {
    await Promise.all(proxies.map((p) => p.listen()))
  } catch (err) {
    await Promise.all(proxies.map((p) => p.close()))
    throw err
  }
  return {
    proxies,
    byName: new Map(proxies.map((p) => [p.name, p])),
    byExitIp: new Map(proxies.map((p) => [p.exitIp, p])),
    close: () => Promise.all(proxies.map((p) => p.close())),
  }
}

module.exports = { createProxy, startProxyFarm }
