'use strict'
// Writes cookie_corpus.json (next to this file): the Set-Cookie strings, the URLs they are received from, and
// the URLs read afterwards, for __test__/cookies_differential.test.js, which applies them in order to our
// CookieJar and to tough-cookie's and compares the answers. Deterministic: the only randomness is a fixed-seed
// xorshift generator, so running it again gives the same file byte for byte.
//
//   node __test__/data/make_cookie_corpus.js
//
// Time: neither jar can be given a clock for reads (tough-cookie 6.1 reads Date.now() in getCookies, ours the
// system clock), so every date is far from now (no later than 2007, or 2038 and after) and every positive Max-Age is at
// least a day: no cookie can expire between the two jars' reads on any machine (the nearest future date is in 2038).

const fs = require('node:fs')
const path = require('node:path')

function xorshift(seed) {
  let x = seed >>> 0
  return () => {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    return x / 2 ** 32
  }
}
const random = xorshift(0x5eed_c00c)
const pick = (list) => list[Math.floor(random() * list.length)]
const chance = (p) => random() < p

const entries = []
let serial = 0
/** One Set-Cookie string received from `url`; `group` says what the entry is there to exercise. */
function add(group, cookie, url) {
  serial += 1
  entries.push({ id: `${group}-${String(serial).padStart(3, '0')}`, group, cookie, url })
}

const FUTURE = 'Fri, 31 Dec 9999 23:59:59 GMT'
const FUTURE2 = 'Thu, 01 Jan 2099 00:00:00 GMT'
const PAST = 'Sun, 06 Nov 1994 08:49:37 GMT'
const PAST2 = 'Thu, 01 Jan 1970 00:00:00 GMT'

// ---- 1. Domain attribute: leading dot, case, trailing dot, parent, self, child, sibling, foreign -------------
{
  const from = 'https://www.example.com/dir/page.html'
  const domains = [
    'example.com', '.example.com', 'EXAMPLE.COM', '.Example.Com', 'www.example.com', '.www.example.com',
    'example.com.', 'sub.www.example.com', 'ample.com', 'other.com', 'www.example.com.evil.com', '', '.',
    'com', '.com', 'example', '..example.com', ' example.com ', '"example.com"', 'xample.com',
  ]
  domains.forEach((d, i) => add('domain', `dom${i}=v${i}; Domain=${d}`, from))
  add('domain', 'domnone=v; Path=/', from)
  add('domain', 'domsub=v; Domain=www.example.com; Path=/', 'http://a.b.www.example.com/')
  add('domain', 'domdeep=v; Domain=b.www.example.com', 'http://a.b.www.example.com/x/y')
  add('domain', 'domupper=v; Path=/', 'http://WWW.EXAMPLE.COM/Dir/')
  add('domain', 'domport=v; Domain=example.com; Path=/', 'http://www.example.com:8080/p')
  add('domain', 'domuser=v; Path=/', 'http://user:secret@www.example.com/q?x=1#frag')
  add('domain', 'domtwice=first; Domain=other.com; Domain=example.com', from)
  add('domain', 'domtwice2=v; Domain=example.com; Domain=other.com', from)
  add('domain', 'domidn=v; Path=/', 'http://bücher.example.com/')
  add('domain', 'domidn2=v; Domain=xn--bcher-kva.example.com; Path=/', 'http://bücher.example.com/')
  add('domain', 'domtrail=v; Path=/', 'http://trail.example.com./')
}

// ---- 2. Public suffixes and special-use names --------------------------------------------------------------
{
  const cases = [
    ['https://www.example.co.uk/', ['co.uk', '.co.uk', 'uk', 'example.co.uk', '.example.co.uk', 'www.example.co.uk']],
    ['https://example.co.uk/', ['co.uk', 'example.co.uk']],
    ['https://user.github.io/repo/', ['github.io', '.github.io', 'user.github.io', 'io']],
    ['https://other.github.io/', ['github.io', 'other.github.io']],
    ['https://example.com/', ['com', 'example.com']],
    ['https://a.b.blogspot.com/', ['blogspot.com', 'b.blogspot.com']],
    // Wildcard rules (`*.kawasaki.jp`, `!city.kawasaki.jp`): the parent of a wildcard is itself a public suffix
    // (publicsuffix/list#1989, the list's linter), whether or not the list spells it out.
    ['http://city.kawasaki.jp/', ['kawasaki.jp', 'city.kawasaki.jp', 'jp']],
    ['http://www.city.kobe.jp/', ['kobe.jp', 'city.kobe.jp', 'www.city.kobe.jp']],
    ['http://a.b.compute.amazonaws.com/', ['compute.amazonaws.com', 'b.compute.amazonaws.com', 'amazonaws.com']],
    ['http://x.y.nom.br/', ['nom.br', 'y.nom.br', 'x.y.nom.br']],
    ['http://www.ck/', ['ck', 'www.ck']],
    ['https://www.example.com.au/', ['com.au', 'example.com.au', 'au']],
    ['https://app.herokuapp.com/', ['herokuapp.com', 'app.herokuapp.com']],
    ['https://shop.xn--55qx5d.cn/', ['xn--55qx5d.cn', 'shop.xn--55qx5d.cn', 'cn']],
    ['https://www.EXAMPLE.CO.UK/', ['CO.UK', 'Example.Co.Uk']],
    ['http://www.example.local/', ['local', 'example.local']],
    ['http://app.test/', ['test', 'app.test']],
    ['http://www.example.invalid/', ['invalid', 'example.invalid']],
    ['http://api.example/', ['example', 'api.example']],
    ['http://dev.localhost/', ['localhost', 'dev.localhost']],
  ]
  let n = 0
  for (const [url, doms] of cases) {
    add('suffix', `ps${n++}=host; Path=/`, url)
    for (const d of doms) add('suffix', `ps${n++}=v; Domain=${d}; Path=/`, url)
  }
}

// ---- 3. IP hosts, localhost -----------------------------------------------------------------------------------
{
  const hosts = [
    ['http://127.0.0.1/a/b', ['127.0.0.1', '.127.0.0.1', '0.0.1', '127.0.0.2']],
    ['http://127.0.0.1:8080/x/', ['127.0.0.1']],
    ['http://192.168.1.20/', ['192.168.1.20', '168.1.20']],
    ['http://10.0.0.1/', []],
    ['http://[::1]/v6/', ['::1', '[::1]']],
    ['http://[::1]:3000/', []],
    ['https://[2001:db8::1]/', ['2001:db8::1', '[2001:db8::1]', 'db8::1']],
    ['http://localhost/', ['localhost', '.localhost']],
    ['http://localhost:3000/app/x', ['localhost']],
    ['https://localhost/', []],
  ]
  let n = 0
  for (const [url, doms] of hosts) {
    add('ip', `ip${n++}=plain`, url)
    add('ip', `ip${n++}=sec; Secure; Path=/`, url)
    add('ip', `ip${n++}=root; Path=/; HttpOnly`, url)
    for (const d of doms) add('ip', `ip${n++}=dom; Domain=${d}; Path=/`, url)
  }
}

// ---- 4. Path: unset, default path, explicit, relative, empty, trailing slash, case, dot segments ------------
{
  const froms = ['http://www.example.com/', 'http://www.example.com/dir', 'http://www.example.com/dir/',
    'http://www.example.com/dir/page.html', 'http://www.example.com/dir/sub/page?q=/x/y', 'http://www.example.com/a%2Fb/c']
  const paths = [undefined, '/', '/dir', '/dir/', '/dir/sub', '/DIR', 'dir', '', '/dir/page.html', '/d',
    '/dir/sub/', '/%64ir', ' /dir ', '/dir;x', '/dir/../other']
  let n = 0
  for (const from of froms) {
    for (const p of paths) {
      if (chance(0.45)) continue
      add('path', p === undefined ? `path${n++}=v` : `path${n++}=v; Path=${p}`, from)
    }
  }
  add('path', 'pathtwice=v; Path=/dir; Path=/', 'http://www.example.com/dir/page.html')
  add('path', 'pathnoeq=v; Path', 'http://www.example.com/dir/page.html')
}

// ---- 5. Expires and Max-Age: past, future, bad dates, precedence --------------------------------------------
{
  const from = 'https://www.example.com/time/'
  const expires = [
    FUTURE, FUTURE2, PAST, PAST2, 'Sunday, 06-Nov-94 08:49:37 GMT', 'Sun Nov  6 08:49:37 1994',
    'Wed, 01 Jan 2100 00:00:00 GMT', 'Wed, 01-Jan-2100 00:00:00 GMT', '01 Jan 2100 00:00:00', 'Jan 01 2100 00:00:00',
    '2100-01-01T00:00:00Z', 'not a date', '', 'Wed, 32 Jan 2100 00:00:00 GMT', 'Wed, 01 Foo 2100 00:00:00 GMT',
    'Wed, 01 Jan 2100 25:00:00 GMT', 'Wed, 01 Jan 1600 00:00:00 GMT', 'Wed, 01 Jan 99 00:00:00 GMT',
    'Wed, 01 Jan 69 00:00:00 GMT', 'Wed, 01 Jan 70 00:00:00 GMT', 'Fri, 31 Dec 9999 23:59:60 GMT',
    'Tue, 19 Jan 2038 03:14:08 GMT', 'Thu, 01 Jan 2099 00:00:00 +0100', '"Wed, 01 Jan 2100 00:00:00 GMT"',
    'Wed,01 Jan 2100 00:00:00 GMT', 'wed, 01 jan 2100 00:00:00 gmt', '1 1 2100', 'Wed, 01 Jan 10000 00:00:00 GMT',
  ]
  expires.forEach((e, i) => add('expires', `exp${i}=v; Expires=${e}`, from))
  const maxAges = ['86400', '31536000', '0', '-1', '-86400', 'abc', '', '1e5', '+86400', '86400.5', ' 86400 ',
    '0x186A0', '99999999999999', '999999999999999999999', '-0', '00086400', '86400abc']
  maxAges.forEach((m, i) => add('maxage', `ma${i}=v; Max-Age=${m}`, from))
  const precedence = [
    `Max-Age=0; Expires=${FUTURE}`, `Expires=${FUTURE}; Max-Age=0`, `Max-Age=86400; Expires=${PAST}`,
    `Expires=${PAST}; Max-Age=86400`, `Max-Age=-5; Expires=${FUTURE2}`, `Max-Age=abc; Expires=${PAST}`,
    `Max-Age=abc; Expires=${FUTURE}`, `Max-Age=86400; Expires=garbage`, `Expires=${FUTURE}; Expires=${PAST}`,
    `Expires=${PAST}; Expires=${FUTURE}`, `Max-Age=0; Max-Age=86400`, `Max-Age=86400; Max-Age=0`,
  ]
  precedence.forEach((p, i) => add('precedence', `prec${i}=v; ${p}`, from))
  // Replacement and deletion: a cookie set, then overwritten, then deleted by an expired namesake.
  add('replace', 'rep=one; Path=/', from)
  add('replace', 'rep=two; Path=/', from)
  add('replace', 'rep2=one; Path=/; Domain=example.com', from)
  add('replace', `rep2=gone; Path=/; Domain=example.com; Expires=${PAST}`, from)
  add('replace', 'rep3=one; Path=/', from)
  add('replace', 'rep3=zero; Path=/; Max-Age=0', from)
  add('replace', 'rep4=a; Path=/time', from)
  add('replace', 'rep4=b; Path=/time/', from)
  add('replace', 'rep4=c; Path=/time', 'http://www.example.com/time')
  add('replace', 'rep5=host; Path=/', 'https://www.example.com/')
  add('replace', 'rep5=domain; Path=/; Domain=www.example.com', 'https://www.example.com/')
}

// ---- 6. Secure, HttpOnly, SameSite over http and https ----------------------------------------------------------
{
  const froms = ['http://flags.example.com/', 'https://flags.example.com/']
  const sameSites = [undefined, 'Strict', 'Lax', 'None', 'strict', 'LAX', 'none', 'bogus', '', null]
  let n = 0
  for (const from of froms) {
    for (const secure of [false, true]) {
      for (const httpOnly of [false, true]) {
        for (const ss of sameSites) {
          if ((secure || httpOnly) && chance(0.5)) continue
          let c = `fl${n++}=v; Path=/`
          if (secure) c += '; Secure'
          if (httpOnly) c += '; HttpOnly'
          if (ss === null) c += '; SameSite'
          else if (ss !== undefined) c += `; SameSite=${ss}`
          add('flags', c, from)
        }
      }
    }
  }
  for (const odd of ['Secure=false', 'HttpOnly=0', 'secure', 'httponly', 'SECURE', 'HTTPONLY', 'Secure;Secure',
    'Http-Only', 'SameSite=Lax; SameSite=Strict', 'samesite=none; secure', 'Partitioned; Secure', 'Priority=High']) {
    add('flags', `fl${n++}=v; Path=/; ${odd}`, 'https://flags.example.com/')
  }
}

// ---- 7. Cookie prefixes ------------------------------------------------------------------------------------------
{
  const variants = [
    '__Secure-a=1', '__Secure-a=2; Secure', '__Secure-b=1; Secure; Domain=example.com', '__Secure-c=1; Secure; Path=/x',
    '__Host-a=1', '__Host-a=2; Secure', '__Host-b=1; Secure; Path=/', '__Host-c=1; Secure; Path=/; Domain=pre.example.com',
    '__Host-d=1; Secure; Path=/x', '__Host-e=1; Path=/', '__secure-f=1', '__host-g=1', '__SECURE-h=1', '__HOST-i=1; Path=/',
    '__Host-=1; Secure; Path=/', '__Secure-=1; Secure',
  ]
  for (const from of ['http://pre.example.com/', 'https://pre.example.com/', 'https://pre.example.com/sub/x',
    'http://localhost/']) {
    for (const v of variants) add('prefix', v, from)
  }
}

// ---- 8. Names and values: quotes, empty, spacing, casing, odd characters, long ---------------------------------
{
  const from = 'http://names.example.com/n/'
  const raw = [
    'q1="quoted"', 'q2=""', 'q3="unterminated', 'q4=ends"', 'q5="a;b"', 'q6="with space"', 'q7= "lead"',
    'e1=', 'e2= ', '=novalue', '=', 'bare', ' =x', 'e3=;', ';e4=v', 'e5', 'e6=v;', 'e7=v;;;; Path=/',
    '  sp1  =  v1  ;  Path  =  /  ', 'sp2=v 2', 'sp3 = v3; path=/; DOMAIN = names.example.com',
    'sp4=v\t4', '\tsp5=v5', 'sp6=v6 ; HttpOnly ;', 'sp7=v7;path=/n;domain=example.com;max-age=86400',
    'Case=Upper', 'case=lower', 'CASE=ALL', 'c1=v; PATH=/', 'c2=v; pAtH=/', 'c3=v; DoMaIn=example.com',
    'c4=v; EXPIRES=Wed, 01 Jan 2100 00:00:00 GMT', 'c5=v; mAx-AgE=86400', 'c6=v; SAMESITE=STRICT', 'c7=v; max_age=0',
    'ch1=a=b=c', 'ch2=a,b', 'ch3=üñí', 'ch4=%20enc', 'ch5=a\\b', 'ch6=(x)', 'ch7=<x>', 'ch8=a"b',
    'ch9=a\u0001b', 'ch10=a\u007fb', 'ch11\u0001=v', 'na me=v', 'nä=v', '$Version=1', '$dollar=v',
    'ch12=a\u00a0b', 'emoji=\u{1F36A}', 'ch13=\u0000zero', 'ch14=v\u0000', 'tab\tname=v',
  ]
  raw.forEach((c) => add('names', c, from))
  add('names', `long1=${'a'.repeat(4096)}`, from)
  add('names', `long2=${'b'.repeat(5000)}; Path=/`, from)
  add('names', `${'n'.repeat(4100)}=longname; Path=/`, from)
  add('names', `long3=${'c'.repeat(8192)}; Domain=example.com; Path=/n; Secure`, 'https://names.example.com/n/')
  add('names', `long4=v; Path=/${'p'.repeat(1024)}`, from)
  add('names', `long5=v; Extra=${'x'.repeat(5000)}`, from)
}

// ---- 9. Combinations: random attribute sets over a few hosts ------------------------------------------------------
{
  const froms = ['http://www.example.com/shop/cart', 'https://www.example.com/shop/', 'https://example.com/',
    'http://blog.example.com/2024/01/post', 'https://api.example.org/v1/users', 'http://127.0.0.1:8080/x/y',
    'https://www.example.co.uk/a/', 'http://localhost:3000/']
  const domainsFor = (url) => {
    const host = new URL(url).hostname
    const parts = host.split('.')
    const out = [host, `.${host}`]
    if (parts.length > 2 && !/^\d/.test(host)) out.push(parts.slice(1).join('.'), `.${parts.slice(1).join('.')}`)
    out.push('other.org', 'co.uk', 'example.com')
    return out
  }
  for (let n = 0; n < 120; n++) {
    const from = pick(froms)
    const name = chance(0.15) ? pick(['sid', 'token', 'pref']) : `mix${n}`
    const value = chance(0.1) ? `"${n}"` : `v${n}`
    const attrs = []
    if (chance(0.45)) attrs.push(`${pick(['Domain', 'domain', 'DOMAIN'])}=${pick(domainsFor(from))}`)
    if (chance(0.55)) attrs.push(`${pick(['Path', 'path'])}=${pick(['/', '/shop', '/shop/', '/2024', '/v1', '/x', '/a', 'rel', ''])}`)
    if (chance(0.3)) attrs.push(`Expires=${pick([FUTURE, FUTURE2, PAST, PAST2, 'junk'])}`)
    if (chance(0.3)) attrs.push(`Max-Age=${pick(['86400', '0', '-1', 'x', '604800'])}`)
    if (chance(0.35)) attrs.push(pick(['Secure', 'secure']))
    if (chance(0.35)) attrs.push(pick(['HttpOnly', 'httponly']))
    if (chance(0.35)) attrs.push(`SameSite=${pick(['Strict', 'Lax', 'None', 'lax', 'x'])}`)
    // Shuffle the attribute order.
    for (let i = attrs.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      ;[attrs[i], attrs[j]] = [attrs[j], attrs[i]]
    }
    const sep = pick(['; ', ';', ' ; '])
    add('mix', [`${name}=${value}`, ...attrs].join(sep), from)
  }
}

// ---- Read URLs: every host above, at several paths, over http and https --------------------------------------------
const readUrls = []
const seen = new Set()
function read(url) {
  if (!seen.has(url)) {
    seen.add(url)
    readUrls.push(url)
  }
}
for (const host of ['www.example.com', 'example.com', 'sub.www.example.com', 'a.b.www.example.com', 'flags.example.com',
  'pre.example.com', 'names.example.com', 'blog.example.com', 'other.com', 'www.example.co.uk', 'example.co.uk',
  'user.github.io', 'other.github.io', 'a.b.blogspot.com', 'city.kawasaki.jp', 'www.city.kawasaki.jp', 'kawasaki.jp',
  'other.kawasaki.jp', 'www.city.kobe.jp', 'a.b.compute.amazonaws.com', 'c.b.compute.amazonaws.com',
  'z.compute.amazonaws.com', 'x.y.nom.br', 'z.y.nom.br', 'www.ck', 'www.example.com.au', 'app.herokuapp.com',
  'shop.xn--55qx5d.cn', 'www.example.local', 'app.test', 'api.example', 'dev.localhost', 'api.example.org']) {
  for (const scheme of ['http', 'https']) read(`${scheme}://${host}/`)
}
for (const p of ['/dir', '/dir/', '/dir/page.html', '/dir/sub/page', '/dirx', '/DIR/', '/d', '/other', '/a%2Fb/c',
  '/time/', '/time', '/n/', '/n/x', '/shop/cart', '/shop', '/sub/x', '/x', '/2024/01/post', '/v1/users', `/${'p'.repeat(1024)}`]) {
  read(`https://www.example.com${p}`)
  read(`http://www.example.com${p}`)
}
for (const url of ['https://www.example.com:8443/dir/', 'http://WWW.EXAMPLE.COM/Dir/', 'http://bücher.example.com/',
  'http://trail.example.com./', 'http://trail.example.com/', 'https://names.example.com/n/', 'http://names.example.com/n/q',
  'https://blog.example.com/2024/01/post', 'https://api.example.org/v1/users/7', 'https://pre.example.com/sub/x',
  'http://127.0.0.1/', 'http://127.0.0.1:8080/x/y', 'https://127.0.0.1/a/b', 'http://127.0.0.2/', 'http://192.168.1.20/',
  'http://10.0.0.1/', 'http://[::1]/', 'http://[::1]:3000/v6/', 'https://[2001:db8::1]/', 'http://localhost/',
  'http://localhost:3000/app/x', 'https://localhost/', 'http://sub.localhost/', 'https://user.github.io/repo/x',
  'ws://www.example.com/', 'wss://flags.example.com/', 'ftp://www.example.com/dir/']) {
  read(url)
}

const corpus = {
  description: 'Set-Cookie strings applied in order (each `cookie` received from its `url`) to one jar, then every '
    + 'readUrl read. Generated by make_cookie_corpus.js; do not edit by hand.',
  entries,
  readUrls,
}
fs.writeFileSync(path.join(__dirname, 'cookie_corpus.json'), `${JSON.stringify(corpus, null, 1)}\n`)
console.log(`${entries.length} entries, ${readUrls.length} read URLs`)
