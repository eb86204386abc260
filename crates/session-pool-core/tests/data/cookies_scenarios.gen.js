// Regenerates cookies_scenarios.json: runs each scenario against tough-cookie (and Crawlee's
// cookie_utils for the browser format) and records what they answer, for tests/cookies_scenarios.rs
// to replay against our jar.
//
//   REF=/path/to/node_modules node cookies_scenarios.gen.js > cookies_scenarios.json
//
// REF must hold tough-cookie 6.1.0 and @crawlee/core 3.18.1 (default: the repository's node_modules).
'use strict';
const path = require('path');
const REF = process.env.REF || require('node:path').resolve(__dirname, '../../../../node_modules');
const { CookieJar } = require(path.join(REF, 'tough-cookie'));
const utils = require(path.join(REF, '@crawlee/core/cookie_utils.js'));

// tough reads the clock through `new Date()` and `Date.now()`; each step pins it.
let NOW = 0;
const RealDate = Date;
class PinnedDate extends RealDate {
    constructor(...args) {
        if (args.length === 0) super(NOW);
        else super(...args);
    }
    static now() {
        return NOW;
    }
}
global.Date = PinnedDate;

const T0 = 1767225600000; // 2026-01-01T00:00:00.000Z
const HOUR = 3600 * 1000;

function attempt(fn) {
    try {
        return { ok: fn() };
    } catch (e) {
        return { error: e.message };
    }
}

function run(step, jar) {
    NOW = step.now ?? T0;
    switch (step.op) {
        case 'set': {
            const r = attempt(() => jar.setCookieSync(step.cookie, step.url));
            return r.error !== undefined ? { error: r.error } : { stored: r.ok !== undefined };
        }
        case 'setHeaders': {
            // Each line of each header is one cookie; the ones tough refuses are skipped.
            const errors = [];
            for (const header of step.headers) {
                for (const line of header.split('\n')) {
                    if (line.trim() === '') continue;
                    const r = attempt(() => jar.setCookieSync(line, step.url));
                    if (r.error !== undefined) errors.push(r.error);
                }
            }
            return { errors };
        }
        case 'setBrowser': {
            // Crawlee's Session.setCookies.
            const errors = [];
            const cookies = step.cookies.map((c) => utils.browserPoolCookieToToughCookie(c, step.maxAgeSecs));
            for (const c of cookies) {
                const r = attempt(() => jar.setCookieSync(c, step.url, { ignoreError: false }));
                if (r.error !== undefined) errors.push(r.error);
            }
            return { errors };
        }
        case 'get': {
            const r = attempt(() => jar.getCookiesSync(step.url));
            return r.error !== undefined ? { error: r.error } : { cookies: r.ok.map((c) => c.toJSON()) };
        }
        case 'getBrowser': {
            // Crawlee's Session.getCookies; JSON drops the undefined fields as our serde does.
            const r = attempt(() => jar.getCookiesSync(step.url));
            return r.error !== undefined
                ? { error: r.error }
                : { cookies: JSON.parse(JSON.stringify(r.ok.map(utils.toughCookieToBrowserPoolCookie))) };
        }
        case 'getString': {
            const r = attempt(() => jar.getCookieStringSync(step.url, {}));
            return r.error !== undefined ? { error: r.error } : { string: r.ok };
        }
        case 'json':
            return { jar: JSON.parse(JSON.stringify(jar.toJSON())) };
        case 'removeAll':
            jar.removeAllCookiesSync();
            return {};
        default:
            throw new Error(`unknown op ${step.op}`);
    }
}

const A = 'https://www.example.com/a/b';
const scenarios = [
    {
        name: 'host-only and domain cookies, subdomains, default and explicit paths',
        steps: [
            { op: 'set', cookie: 'host=1', url: A },
            { op: 'set', cookie: 'dom=2; Domain=example.com', url: A, now: T0 + 1 },
            { op: 'set', cookie: 'dotdom=3; Domain=.EXAMPLE.com; Path=/', url: A, now: T0 + 2 },
            { op: 'set', cookie: 'deep=4; Path=/a/b/c', url: A, now: T0 + 3 },
            { op: 'set', cookie: 'root=5; Path=/', url: 'https://example.com/', now: T0 + 4 },
            { op: 'get', url: A, now: T0 + 10 },
            { op: 'getString', url: 'https://www.example.com/a/b/c/d', now: T0 + 11 },
            { op: 'getString', url: 'https://example.com/a/x', now: T0 + 12 },
            { op: 'getString', url: 'https://sub.www.example.com/a/', now: T0 + 13 },
            { op: 'getString', url: 'https://other.com/', now: T0 + 14 },
            { op: 'getBrowser', url: 'https://www.example.com/a/b/c', now: T0 + 15 },
            { op: 'json', now: T0 + 16 },
        ],
    },
    {
        name: 'send order: longer path, then older creation, then storage order; overwrite keeps creation',
        steps: [
            { op: 'set', cookie: 'late=1; Path=/', url: A, now: T0 + 5000 },
            { op: 'set', cookie: 'early=2; Path=/', url: A, now: T0 + 1000 },
            { op: 'set', cookie: 'same1=3; Path=/', url: A, now: T0 + 3000 },
            { op: 'set', cookie: 'same2=4; Path=/', url: A, now: T0 + 3000 },
            { op: 'set', cookie: 'long=5; Path=/a', url: A, now: T0 + 9000 },
            { op: 'set', cookie: 'late=6; Path=/', url: A, now: T0 + 10000 },
            { op: 'getString', url: A, now: T0 + 11000 },
            { op: 'get', url: A, now: T0 + 12000 },
            { op: 'json', now: T0 + 13000 },
        ],
    },
    {
        name: 'expiry: Expires, Max-Age counted from the last access, deletion on read only',
        steps: [
            { op: 'set', cookie: 'past=1; Expires=Thu, 01 Jan 2015 00:00:00 GMT', url: A },
            { op: 'set', cookie: 'future=2; Expires=Fri, 07 Aug 2099 08:04:19 GMT', url: A },
            { op: 'set', cookie: 'short=3; Max-Age=10', url: A },
            { op: 'set', cookie: 'zero=4; Max-Age=0', url: A },
            { op: 'set', cookie: 'neg=5; Max-Age=-1', url: A },
            { op: 'set', cookie: 'other=6; Max-Age=-1; Path=/elsewhere', url: A },
            { op: 'set', cookie: 'huge=7; Max-Age=99999999999999999999999999', url: A },
            { op: 'json', now: T0 + 1 },
            { op: 'get', url: A, now: T0 + 9000 },
            { op: 'getString', url: A, now: T0 + 18000 },
            { op: 'getString', url: A, now: T0 + 28001 },
            { op: 'json', now: T0 + 30000 },
            { op: 'set', cookie: 'future=gone; Max-Age=0', url: A, now: T0 + 31000 },
            { op: 'getString', url: A, now: T0 + 32000 },
            { op: 'json', now: T0 + 33000 },
        ],
    },
    {
        name: 'refusals and their messages',
        steps: [
            { op: 'set', cookie: 'a=1', url: 'not a url' },
            { op: 'set', cookie: 'a=1', url: '' },
            { op: 'set', cookie: 'novalue', url: A },
            { op: 'set', cookie: '=1', url: A },
            { op: 'set', cookie: '', url: A },
            { op: 'set', cookie: 'a\u0001b=1', url: A },
            { op: 'set', cookie: 'a=1; Domain=com', url: A },
            { op: 'set', cookie: 'a=1; Domain=co.uk', url: 'https://www.example.co.uk/' },
            { op: 'set', cookie: 'a=1; Domain=github.io', url: 'https://x.github.io/' },
            { op: 'set', cookie: 'a=1; Domain=other.com', url: A },
            { op: 'set', cookie: 'a=1; Domain=ww.example.com', url: A },
            { op: 'set', cookie: 'a=1; Domain=sub.www.example.com', url: A },
            { op: 'set', cookie: 'a=1; Domain=example', url: 'http://example/' },
            { op: 'set', cookie: 'a=1; Domain=test', url: 'http://a.test/' },
            { op: 'set', cookie: 'a=1; Domain=a.test', url: 'http://b.a.test/' },
            { op: 'set', cookie: 'a=1; Domain=localhost', url: 'http://localhost/' },
            { op: 'set', cookie: 'a=1; Secure', url: 'http://www.example.com/' },
            { op: 'set', cookie: 'a=1; Secure', url: 'http://localhost:3000/' },
            { op: 'set', cookie: 'a=1; Secure', url: 'http://127.0.0.5/' },
            { op: 'set', cookie: 'a=1; Secure', url: 'http://[::1]/' },
            { op: 'set', cookie: 'a=1; Secure', url: 'http://x.localhost/' },
            { op: 'set', cookie: '__Secure-a=1', url: A },
            { op: 'set', cookie: '__Secure-b=1; Secure', url: A },
            { op: 'set', cookie: '__Host-a=1; Secure', url: A },
            { op: 'set', cookie: '__Host-b=1; Secure; Path=/', url: A },
            { op: 'set', cookie: '__Host-c=1; Secure; Path=/; Domain=example.com', url: A },
            { op: 'get', url: 'http://example/' },
            { op: 'get', url: 'http://test/' },
            { op: 'get', url: 'not a url' },
            { op: 'json' },
        ],
    },
    {
        name: 'secure cookies are sent to https and loopback only',
        steps: [
            { op: 'set', cookie: 's=1; Secure; Domain=localhost', url: 'http://localhost/' },
            { op: 'set', cookie: 'p=2; Domain=localhost', url: 'http://localhost/' },
            { op: 'set', cookie: 's=1; Secure', url: 'https://example.org/' },
            { op: 'set', cookie: 'p=2', url: 'https://example.org/' },
            { op: 'getString', url: 'http://example.org/' },
            { op: 'getString', url: 'https://example.org/' },
            { op: 'getString', url: 'wss://example.org/' },
            { op: 'getString', url: 'http://localhost:8080/' },
            { op: 'getString', url: 'http://sub.localhost/' },
        ],
    },
    {
        name: 'IP hosts, ports, case, percent-encoded paths, file URLs',
        steps: [
            { op: 'set', cookie: 'ip=1', url: 'http://127.0.0.1:8080/x/y' },
            { op: 'set', cookie: 'ipdom=2; Domain=127.0.0.1', url: 'http://127.0.0.1/' },
            { op: 'set', cookie: 'sub=3; Domain=0.0.1', url: 'http://127.0.0.1/' },
            { op: 'set', cookie: 'v6=4', url: 'http://[::1]/' },
            { op: 'set', cookie: 'v6dom=5; Domain=[::1]', url: 'http://[0:0::1]/' },
            { op: 'set', cookie: 'case=6', url: 'HTTP://WWW.EXAMPLE.COM/Dir/File' },
            { op: 'set', cookie: 'enc=7; Path=/caf\u00e9', url: 'http://www.example.com/' },
            { op: 'set', cookie: 'idn=8', url: 'http://b\u00fccher.de/' },
            { op: 'set', cookie: 'file=9', url: 'file:///tmp/x' },
            { op: 'getString', url: 'http://127.0.0.1/x/z' },
            { op: 'getString', url: 'http://[::1]:9/' },
            { op: 'getString', url: 'http://www.example.com/Dir/x' },
            { op: 'getString', url: 'http://www.example.com/caf%C3%A9/menu' },
            { op: 'getString', url: 'http://xn--bcher-kva.de/' },
            { op: 'getString', url: 'file:///tmp/x' },
            { op: 'json' },
        ],
    },
    {
        name: 'attributes kept verbatim: quotes, extensions, SameSite, Max-Age forms',
        steps: [
            {
                op: 'set',
                cookie: 'q="quoted value" ; Path=/p; SameSite=Strict; Priority=High; Partitioned; x=y=z; HttpOnly',
                url: A,
            },
            { op: 'set', cookie: 'ss=1; SameSite=none; Secure', url: A },
            { op: 'set', cookie: 'sl=1; samesite=LAX', url: A },
            { op: 'set', cookie: 'sx=1; SameSite=bogus', url: A },
            { op: 'set', cookie: 'ma=1; Max-Age=3600; Max-Age=bad; Expires=nonsense', url: A },
            { op: 'set', cookie: 'both=1; Max-Age=60; Expires=Fri, 07 Aug 2099 08:04:19 GMT', url: A },
            { op: 'set', cookie: 'badpath=1; Path=relative', url: A },
            { op: 'set', cookie: ' spaced = v a l ;  Path = /a ; ', url: A },
            { op: 'set', cookie: 'unicode=\u00e9\u00e8; Path=/a', url: A },
            { op: 'json' },
            { op: 'get', url: 'https://www.example.com/p/q' },
            { op: 'getBrowser', url: 'https://www.example.com/a/' },
        ],
    },
    {
        name: 'Puppeteer-style newline-joined Set-Cookie headers',
        steps: [
            {
                op: 'setHeaders',
                headers: ['a=1; Path=/\nb=2; Domain=example.com\n\nbroken\nc=3; Secure', 'd=4; Domain=evil.com'],
                url: 'http://www.example.com/',
            },
            { op: 'getString', url: 'http://www.example.com/' },
            { op: 'json' },
        ],
    },
    {
        name: 'browser cookies in and out (Crawlee setCookies/getCookies)',
        steps: [
            {
                op: 'setBrowser',
                url: 'https://www.example.com/shop/cart',
                maxAgeSecs: 3000,
                now: T0,
                cookies: [
                    { name: 'dot', value: '1', domain: '.example.com', path: '/', expires: 1798761600, secure: true, httpOnly: true },
                    { name: 'nodot', value: '2', domain: 'example.com', path: '/' },
                    { name: 'host', value: '3', domain: 'www.example.com', path: '/', expires: -1 },
                    { name: 'frac', value: '4', domain: 'www.example.com', path: '/', expires: 1798761600.1234 },
                    { name: 'nodomain', value: '5' },
                    { name: 'emptypath', value: '6', path: '' },
                    { name: 'foreign', value: '7', domain: '.other.com', path: '/' },
                    { name: 'suffix', value: '8', domain: '.com', path: '/' },
                    { name: 'zero', value: '9', domain: 'www.example.com', expires: 0 },
                ],
            },
            {
                op: 'setBrowser',
                url: 'http://www.example.com/',
                maxAgeSecs: 60,
                now: T0 + 1000,
                cookies: [{ name: 'sec', value: '1', domain: 'www.example.com', secure: true }],
            },
            { op: 'getBrowser', url: 'https://www.example.com/shop/', now: T0 + 2000 },
            { op: 'getBrowser', url: 'https://example.com/', now: T0 + 3000 },
            { op: 'getString', url: 'https://www.example.com/shop/cart', now: T0 + 3001 },
            { op: 'getString', url: 'https://www.example.com/', now: T0 + 3000 * 1000 + 1 },
            { op: 'json', now: T0 + 3000 * 1000 + 2 },
        ],
    },
    {
        name: 'removeAllCookies',
        steps: [
            { op: 'set', cookie: 'a=1', url: A },
            { op: 'removeAll' },
            { op: 'getString', url: A },
            { op: 'json' },
        ],
    },
];

// Jars built by tough from hand-written serialized forms, to load on our side too.
const loads = [
    {
        name: 'every attribute in every form',
        now: T0 + HOUR,
        json: {
            version: 'tough-cookie@6.1.0',
            storeType: 'MemoryCookieStore',
            rejectPublicSuffixes: true,
            enableLooseMode: false,
            allowSpecialUseDomain: true,
            enforceSecureOriginOnStorage: true,
            prefixSecurity: 'silent',
            cookies: [
                {
                    key: 'full', value: 'v', expires: '2099-08-07T08:04:19.000Z', maxAge: 1.5, domain: 'example.com',
                    path: '/', secure: true, httpOnly: true, extensions: ['Priority=High', 'x'], hostOnly: false,
                    pathIsDefault: false, creation: '2025-01-01T00:00:00.000Z', lastAccessed: '2025-06-01T00:00:00.123Z',
                    sameSite: 'Lax',
                },
                { key: 'maxinf', value: '1', maxAge: 'Infinity', domain: 'example.com', path: '/', creation: '2025-01-01T00:00:00.000Z' },
                { key: 'maxneg', value: '1', maxAge: '-Infinity', domain: 'example.com', path: '/', creation: '2025-01-01T00:00:00.000Z' },
                { key: 'nullexp', value: '1', expires: null, domain: 'example.com', path: '/', hostOnly: null, creation: null },
                { key: 'lainf', value: '1', maxAge: 10, domain: 'example.com', path: '/', lastAccessed: 'Infinity', creation: 'Infinity' },
                { key: 'numdates', value: '1', expires: 4102444800000, domain: 'example.com', path: '/', creation: 1735689600000 },
                { value: 'nameless', domain: 'example.com', path: '/', creation: '2024-01-01T00:00:00.000Z' },
                { key: 'wrongtypes', value: 5, secure: 'yes', httpOnly: 1, extensions: ['a', 1], hostOnly: 'no', sameSite: 3, domain: 'example.com', path: '/', maxAge: 'soon' },
                { key: 'nodomain', value: '1', path: '/' },
                { key: 'nopath', value: '1', domain: 'example.com' },
                { key: 'dup', value: 'first', domain: 'example.com', path: '/', creation: '2025-01-01T00:00:00.000Z' },
                { key: 'after', value: '1', domain: 'example.com', path: '/', creation: '2025-01-01T00:00:00.000Z' },
                { key: 'dup', value: 'second', domain: 'example.com', path: '/', creation: '2025-01-01T00:00:00.000Z' },
                '{"key":"asstring","value":"1","domain":"example.com","path":"/","creation":"2025-01-01T00:00:00.000Z"}',
                'not json',
                null,
                42,
            ],
        },
        steps: [
            { op: 'json', now: T0 + HOUR },
            { op: 'getString', url: 'https://example.com/', now: T0 + HOUR + 1 },
            { op: 'get', url: 'https://example.com/', now: T0 + HOUR + 2 },
            { op: 'json', now: T0 + HOUR + 3 },
        ],
    },
    {
        name: 'empty jar',
        now: T0,
        json: { cookies: [] },
        steps: [{ op: 'json' }],
    },
];

const out = { generatedWith: 'tough-cookie@6.1.0, @crawlee/core@3.18.1', scenarios: [], loads: [] };
for (const scenario of scenarios) {
    const jar = new CookieJar();
    out.scenarios.push({ name: scenario.name, steps: scenario.steps.map((s) => ({ ...s, expect: run(s, jar) })) });
}
for (const load of loads) {
    NOW = load.now;
    const jar = CookieJar.fromJSON(JSON.stringify(load.json));
    out.loads.push({ ...load, steps: load.steps.map((s) => ({ ...s, expect: run(s, jar) })) });
}
process.stdout.write(JSON.stringify(out, null, 1) + '\n');
