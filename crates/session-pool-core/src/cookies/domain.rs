//! Host and path rules of RFC 6265 as tough-cookie applies them: canonical domains, domain and path
//! matching, the default path, public suffixes (from the compiled-in `psl` list) and the "secure
//! context" test that decides whether Secure cookies may be set and sent.

use super::error::CookieError;
use super::parse::js_trim;
use std::net::Ipv6Addr;

/// Top-level names reserved by RFC 6761 that tough-cookie treats as registrable.
const SPECIAL_USE_DOMAINS: [&str; 5] = ["local", "example", "invalid", "localhost", "test"];
/// Of those, the ones that may also stand alone as a cookie domain.
const SPECIAL_TREATMENT_DOMAINS: [&str; 2] = ["localhost", "invalid"];

/// A dotted-quad IPv4 address without leading zeros, the only form tough recognizes.
pub(crate) fn is_ipv4(s: &str) -> bool {
    let mut count = 0;
    for part in s.split('.') {
        count += 1;
        let valid = !part.is_empty()
            && part.len() <= 3
            && part.bytes().all(|b| b.is_ascii_digit())
            && (part.len() == 1 || !part.starts_with('0'))
            && part.parse::<u16>().is_ok_and(|v| v <= 255);
        if !valid {
            return false;
        }
    }
    count == 4
}

/// An IPv6 address, optionally in brackets and with a zone index, as tough's IPv6 pattern accepts.
pub(crate) fn is_ipv6(s: &str) -> bool {
    let s = s.strip_prefix('[').unwrap_or(s);
    let s = s.strip_suffix(']').unwrap_or(s);
    let address = match s.split_once('%') {
        Some((address, zone)) => {
            if zone.is_empty() || !zone.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return false;
            }
            address
        }
        None => s,
    };
    // Every IPv6 address has a colon; host names (the usual case) are ruled out without parsing.
    address.contains(':') && address.parse::<Ipv6Addr>().is_ok()
}

/// The IP test of tough's `domainMatch`: a bare IPv4 address or a bare lowercase IPv6 address.
pub(crate) fn is_ip_for_domain_match(s: &str) -> bool {
    is_ipv4(s)
        || (!s
            .bytes()
            .any(|b| b.is_ascii_uppercase() || b == b'[' || b == b']' || b == b'%')
            && s.parse::<Ipv6Addr>().is_ok())
}

/// The host part of `http://<input>` as the WHATWG URL parser gives it, `None` where it fails.
fn url_hostname(input: &str) -> Option<String> {
    let url = url::Url::parse(&format!("http://{input}")).ok()?;
    url.host_str().map(str::to_owned)
}

/// tough-cookie's `canonicalDomain`: trimmed, one leading dot dropped, IPv6 addresses normalized
/// without brackets, non-ASCII names converted to punycode, the rest lowercased. `None` where
/// tough throws (a name the URL parser refuses).
pub fn canonical_domain(domain: &str) -> Option<String> {
    let trimmed = js_trim(domain);
    let s = trimmed.strip_prefix('.').unwrap_or(trimmed);
    if is_ipv6(s) {
        let open = if s.starts_with('[') { "" } else { "[" };
        let close = if s.ends_with(']') { "" } else { "]" };
        let host = url_hostname(&format!("{open}{s}{close}"))?;
        return Some(
            host.strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .unwrap_or(&host)
                .to_owned(),
        );
    }
    // tough counts NUL as "not ASCII" here, so it too goes through the URL parser.
    if s.chars().any(|c| c == '\0' || !c.is_ascii()) {
        return url_hostname(s);
    }
    Some(s.to_ascii_lowercase())
}

/// tough-cookie's `domainMatch` on already canonical names: `host` is `cookie_domain` or a
/// subdomain of it, and is not an IP address.
pub fn domain_match(host: &str, cookie_domain: &str) -> bool {
    domain_match_when(host, cookie_domain, || is_ip_for_domain_match(host))
}

/// [`domain_match`] for a caller that knows (or remembers) whether `host` is an IP address, which is
/// asked only when the answer depends on it.
pub(crate) fn domain_match_when(
    host: &str,
    cookie_domain: &str,
    host_is_ip: impl FnOnce() -> bool,
) -> bool {
    if host == cookie_domain {
        return true;
    }
    // tough takes the last occurrence (JS `lastIndexOf`) and wants it to end the host and not start
    // it; that is: the host is longer and ends with it.
    if host.len() <= cookie_domain.len() || !host.ends_with(cookie_domain) {
        return false;
    }
    let idx = host.len() - cookie_domain.len();
    if host.as_bytes().get(idx - 1) != Some(&b'.') {
        return false;
    }
    !host_is_ip()
}

/// tough-cookie's `pathMatch` (RFC 6265 section 5.1.4).
pub fn path_match(request_path: &str, cookie_path: &str) -> bool {
    if request_path == cookie_path {
        return true;
    }
    if !request_path.starts_with(cookie_path) {
        return false;
    }
    cookie_path.ends_with('/') || request_path.as_bytes().get(cookie_path.len()) == Some(&b'/')
}

/// tough-cookie's `defaultPath` (RFC 6265 section 5.1.4): the directory of the request path.
pub fn default_path(path: &str) -> &str {
    if !path.starts_with('/') || path == "/" {
        return "/";
    }
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

/// tldts' shallow hostname check: label lengths, allowed characters (a-z, 0-9, '-', '_', and any
/// non-ASCII), no empty label inside, no label starting or ending with '-'.
fn is_valid_hostname(hostname: &str) -> bool {
    // Lengths and positions are counted in UTF-16 units, as in JS.
    let len = if hostname.is_ascii() {
        hostname.len()
    } else {
        hostname.encode_utf16().count()
    };
    if len == 0 || len > 255 {
        return false;
    }
    let allowed = |c: u16| {
        (u16::from(b'a')..=u16::from(b'z')).contains(&c)
            || (u16::from(b'0')..=u16::from(b'9')).contains(&c)
            || c > 127
    };
    let (dot, dash, underscore) = (u16::from(b'.'), u16::from(b'-'), u16::from(b'_'));
    let first = hostname.encode_utf16().next().unwrap_or(dash);
    if !allowed(first) && first != dot && first != underscore {
        return false;
    }
    let mut last_dot: isize = -1;
    let mut last: Option<u16> = None;
    for (i, c) in hostname.encode_utf16().enumerate() {
        let i = i as isize;
        if c == dot {
            if i - last_dot > 64 || last == Some(dot) || last == Some(dash) {
                return false;
            }
            last_dot = i;
        } else if !(allowed(c) || c == dash || c == underscore) || (c == dash && last == Some(dot))
        {
            return false;
        }
        last = Some(c);
    }
    (len as isize) - last_dot - 1 <= 63 && last != Some(dash)
}

/// tldts' quick IP test, applied before any suffix lookup.
fn is_probably_ip(hostname: &str) -> bool {
    let b = hostname.as_bytes();
    let ipv4 = (7..=15).contains(&b.len())
        && b.iter().all(|c| c.is_ascii_digit() || *c == b'.')
        && b.iter().filter(|c| **c == b'.').count() == 3
        && !hostname.starts_with('.')
        && !hostname.ends_with('.');
    let inner = hostname.strip_prefix('[').unwrap_or(hostname);
    let inner = inner.strip_suffix(']').unwrap_or(inner);
    let ipv6 = if hostname.len() < 3 {
        hostname == "::"
    } else {
        inner.len() <= 39
            && inner.bytes().all(|c| c == b':' || c.is_ascii_hexdigit())
            && inner.contains(':')
    };
    ipv4 || ipv6
}

/// The registrable domain (public suffix plus one label) of a hostname, as tldts' `getDomain`
/// returns it with ICANN and private rules; `None` for IPs, invalid names and public suffixes.
///
/// Only hostname-shaped input is handled: where tldts would first dig a host out of a URL-like
/// string (`a.com:80`, `user@a.com`), this answers `None`.
fn registrable_domain(input: &str) -> Option<&str> {
    let mut hostname = input;
    while hostname.len() > 1 && hostname.ends_with('.') {
        hostname = &hostname[..hostname.len() - 1];
    }
    if is_probably_ip(hostname) || !is_valid_hostname(hostname) {
        return None;
    }
    let suffix_len = psl::suffix(hostname.as_bytes())?.as_bytes().len();
    let unrooted = hostname.trim_start_matches('.');
    if suffix_len == unrooted.len() || has_wildcard_children(unrooted) {
        return None;
    }
    // The label just before the suffix starts after the last dot that precedes it.
    let before_suffix = hostname.len().checked_sub(suffix_len + 1)?;
    match hostname.get(..before_suffix)?.rfind('.') {
        None => Some(hostname),
        Some(dot) => hostname.get(dot + 1..),
    }
}

/// Whether a wildcard rule of the list covers the children of `domain` (`*.kawasaki.jp` for
/// `kawasaki.jp`), which makes `domain` itself a public suffix for tldts, and so for
/// tough-cookie, even where the list does not name it (the list's maintainers read the rules that
/// way). The `psl` crate applies the letter of the algorithm and makes such a name registrable
/// under the next rule up (`jp`, or just `com` for `af-south-1.airflow.amazonaws.com`).
///
/// The test: a made-up child of `domain` is a whole public suffix only through a wildcard rule;
/// exception rules (`!city.kawasaki.jp`) name real labels, never the made-up one. Only the whole
/// host needs it: for a longer host under such a parent, `psl` already matched the wildcard.
fn has_wildcard_children(domain: &str) -> bool {
    // Not a label any rule of the list names.
    const PROBE: &[u8] = b"x--cookie-probe.";
    let mut stack = [0u8; 256];
    let mut heap = Vec::new();
    let total = PROBE.len() + domain.len();
    let probe: &mut [u8] = match stack.get_mut(..total) {
        Some(buffer) => buffer,
        None => {
            heap.resize(total, 0);
            &mut heap
        }
    };
    let (head, tail) = probe.split_at_mut(PROBE.len());
    head.copy_from_slice(PROBE);
    tail.copy_from_slice(domain.as_bytes());
    psl::suffix(probe).is_some_and(|suffix| suffix.as_bytes().len() == total)
}

/// tough-cookie's `getPublicSuffix` with special-use domains allowed (its `CookieJar` default):
/// despite the name, the shortest domain a cookie may be set on (`example.co.uk` for
/// `www.example.co.uk`); `Ok(None)` when `domain` itself is a public suffix or an IP address.
/// A lone special-use name other than `localhost` and `invalid` is an error, as in tough.
pub fn public_suffix(domain: &str) -> Result<Option<&str>, CookieError> {
    let mut labels = domain.rsplit('.');
    let top = labels.next().unwrap_or("");
    if SPECIAL_USE_DOMAINS.contains(&top) {
        if let Some(second) = labels.next() {
            // "second.top" is the tail of `domain`, so it can be borrowed from it.
            return Ok(domain.get(domain.len() - second.len() - top.len() - 1..));
        }
        if SPECIAL_TREATMENT_DOMAINS.contains(&top) {
            return Ok(Some(domain));
        }
        return Err(CookieError::rejected(format!(
            "Cookie has domain set to the public suffix \"{top}\" which is a special use domain. To allow this, configure your CookieJar with {{allowSpecialUseDomain: true, rejectPublicSuffixes: false}}."
        )));
    }
    Ok(registrable_domain(domain))
}

/// tough-cookie's `permuteDomain`: the registrable domain of `domain` and every longer suffix of it
/// up to `domain` itself, shortest first; `Ok(None)` when it has no registrable domain.
pub fn permute_domain(domain: &str) -> Result<Option<Vec<String>>, CookieError> {
    let Some(suffix) = public_suffix(domain)? else {
        return Ok(None);
    };
    if suffix == domain {
        return Ok(Some(vec![domain.to_owned()]));
    }
    let trimmed = domain.strip_suffix('.').unwrap_or(domain);
    // JS `slice(0, -n)` with n past the start gives "".
    let prefix = trimmed
        .len()
        .checked_sub(suffix.len() + 1)
        .and_then(|end| trimmed.get(..end))
        .unwrap_or("");
    let mut current = suffix.to_owned();
    let mut out = vec![current.clone()];
    for part in prefix.rsplit('.') {
        current = format!("{part}.{current}");
        out.push(current.clone());
    }
    Ok(Some(out))
}

/// The names tough's memory store looks a host's cookies up under when reading them
/// ([`permute_domain`], or the host alone where that gives nothing), as a test that allocates
/// nothing.
pub(crate) enum Candidates<'a> {
    /// Only this name.
    Exactly(&'a str),
    /// The registrable `suffix`, then that preceded by each label of `prefix` in turn, from the
    /// right (`example.com`, `b.example.com`, `a.b.example.com` for prefix `a.b`).
    Permutations { suffix: &'a str, prefix: &'a str },
}

impl<'a> Candidates<'a> {
    /// The candidates for `host`, the same names as `permute_domain(host)` lists, given `suffix`:
    /// `public_suffix(host)`.
    pub(crate) fn with_suffix(host: &'a str, suffix: Option<&'a str>) -> Self {
        let Some(suffix) = suffix else {
            return Self::Exactly(host);
        };
        if suffix == host {
            return Self::Exactly(host);
        }
        // As in `permute_domain`: one trailing dot dropped, JS `slice(0, -n)` giving "" past the start.
        let trimmed = host.strip_suffix('.').unwrap_or(host);
        let prefix = trimmed
            .len()
            .checked_sub(suffix.len() + 1)
            .and_then(|end| trimmed.get(..end))
            .unwrap_or("");
        Self::Permutations { suffix, prefix }
    }

    /// Whether `domain` is one of the names.
    pub(crate) fn contains(&self, domain: &str) -> bool {
        let (suffix, prefix) = match self {
            Self::Exactly(name) => return domain == *name,
            Self::Permutations { suffix, prefix } => (*suffix, *prefix),
        };
        if domain == suffix {
            return true;
        }
        // The longer names are `X.suffix` where X is the last labels of `prefix`: a tail of it
        // that is all of it or follows a dot.
        let Some(labels) = domain
            .strip_suffix(suffix)
            .and_then(|head| head.strip_suffix('.'))
        else {
            return false;
        };
        match prefix.len().checked_sub(labels.len()) {
            Some(0) => prefix == labels,
            Some(start) => {
                prefix.as_bytes().get(start - 1) == Some(&b'.')
                    && prefix.get(start..) == Some(labels)
            }
            None => false,
        }
    }
}

/// tough-cookie's `isPotentiallyTrustworthy` with secure-on-local allowed: https and wss, and
/// loopback hosts (127.0.0.0/8, ::1, localhost and *.localhost) over any scheme.
pub(crate) fn is_potentially_trustworthy(scheme: &str, hostname: &str) -> bool {
    if scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("wss") {
        return true;
    }
    let host = hostname
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(hostname)
        .trim_end_matches('.');
    if is_ipv4(host) {
        return host.split('.').next() == Some("127");
    }
    if is_ipv6(host) {
        return host == "::1";
    }
    let lower = host.to_lowercase();
    lower == "localhost" || lower.ends_with(".localhost")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_suffix_like_tough() {
        // Expected values printed by tough-cookie 6.1.0's getPublicSuffix/permuteDomain.
        let cases: &[(&str, Option<&str>)] = &[
            ("example.com", Some("example.com")),
            ("www.example.com", Some("example.com")),
            ("com", None),
            ("co.uk", None),
            ("a.b.example.co.uk", Some("example.co.uk")),
            ("foo.bar", Some("foo.bar")),
            ("bar", None),
            ("localhost", Some("localhost")),
            ("foo.localhost", Some("foo.localhost")),
            ("a.b.example", Some("b.example")),
            ("invalid", Some("invalid")),
            ("1.2.3.4", None),
            ("::1", None),
            ("example.com.", Some("example.com")),
            ("ex_ample.com", Some("ex_ample.com")),
            ("ex ample.com", None),
            ("github.io", None),
            ("a.foo.github.io", Some("foo.github.io")),
            ("a.kawasaki.jp", None),
            ("city.kawasaki.jp", Some("city.kawasaki.jp")),
            ("a.www.ck", Some("www.ck")),
            ("-foo.com", None),
            ("foo-.com", None),
            ("a..b.com", None),
            (".com", None),
            ("1.2.3.4.5", Some("4.5")),
            ("256.1.1.1", None),
            ("foo.com..", Some("foo.com")),
            // Parents of wildcard rules (`*.kawasaki.jp`, `*.compute.amazonaws.com`, `*.nom.br`,
            // `*.af-south-1.airflow.amazonaws.com`) are public suffixes too; exceptions still hold.
            ("kawasaki.jp", None),
            ("kawasaki.jp.", None),
            (".kawasaki.jp", None),
            ("foo.kawasaki.jp", None),
            ("www.foo.kawasaki.jp", Some("www.foo.kawasaki.jp")),
            ("www.city.kawasaki.jp", Some("city.kawasaki.jp")),
            ("city.kawasaki.jp.", Some("city.kawasaki.jp")),
            ("kobe.jp", None),
            ("www.city.kobe.jp", Some("city.kobe.jp")),
            ("compute.amazonaws.com", None),
            ("b.compute.amazonaws.com", None),
            (
                "a.b.compute.amazonaws.com",
                Some("a.b.compute.amazonaws.com"),
            ),
            ("amazonaws.com", Some("amazonaws.com")),
            ("af-south-1.airflow.amazonaws.com", None),
            ("airflow.amazonaws.com", Some("amazonaws.com")),
            ("nom.br", None),
            ("y.nom.br", None),
            ("w.x.y.nom.br", Some("x.y.nom.br")),
            ("ck", None),
            ("foo.ck", None),
            ("a.www.ck", Some("www.ck")),
        ];
        for (input, expected) in cases {
            assert_eq!(public_suffix(input).ok().flatten(), *expected, "{input}");
        }
        assert!(public_suffix("example").is_err());
        assert!(public_suffix("test").is_err());
    }

    #[test]
    fn permutations_like_tough() {
        // From tough-cookie 6.1.0's permuteDomain.
        let p = |d: &str| permute_domain(d).ok().flatten();
        assert_eq!(
            p("x.y.z.example.org"),
            Some(vec![
                "example.org".to_owned(),
                "z.example.org".to_owned(),
                "y.z.example.org".to_owned(),
                "x.y.z.example.org".to_owned()
            ])
        );
        assert_eq!(
            p("example.com."),
            Some(vec!["example.com".to_owned(), ".example.com".to_owned()])
        );
        assert_eq!(p("com"), None);
        assert_eq!(p("kawasaki.jp"), None);
        assert_eq!(p("compute.amazonaws.com"), None);
        assert_eq!(
            p("www.city.kawasaki.jp"),
            Some(vec![
                "city.kawasaki.jp".to_owned(),
                "www.city.kawasaki.jp".to_owned()
            ])
        );
        assert_eq!(
            p("www.a.b.compute.amazonaws.com"),
            Some(vec![
                "a.b.compute.amazonaws.com".to_owned(),
                "www.a.b.compute.amazonaws.com".to_owned()
            ])
        );
        // A name longer than the stack buffer of the probe.
        let long = format!("{}.example.com", ["abcdefghij"; 21].join("."));
        assert_eq!(public_suffix(&long).ok().flatten(), Some("example.com"));
    }

    #[test]
    fn candidates_are_the_permutations() {
        let hosts = [
            "x.y.z.example.org",
            "example.com.",
            "foo.com..",
            "example.com",
            "com",
            "www.city.kawasaki.jp",
            "kawasaki.jp",
            "a.b.example",
            "localhost",
            "1.2.3.4",
            "",
            ".",
            "a..b.example.com",
        ];
        let mut domains: Vec<String> = vec![String::new(), ".".to_owned(), "x".to_owned()];
        for host in hosts {
            let labels: Vec<&str> = host.split('.').collect();
            for start in 0..labels.len() {
                let tail = labels[start..].join(".");
                domains.push(format!(".{tail}"));
                domains.push(format!("q{tail}"));
                domains.push(tail);
            }
            domains.push(format!("{host}."));
        }
        for host in hosts {
            let Ok(suffix) = public_suffix(host) else {
                assert!(permute_domain(host).is_err(), "{host}");
                continue;
            };
            let candidates = Candidates::with_suffix(host, suffix);
            let list = permute_domain(host).ok().flatten();
            for domain in &domains {
                let expected = match &list {
                    Some(list) => list.contains(domain),
                    None => domain == host,
                };
                assert_eq!(candidates.contains(domain), expected, "{host} / {domain}");
            }
        }
    }

    #[test]
    fn matching_rules() {
        assert!(domain_match("www.example.com", "example.com"));
        assert!(!domain_match("wwwexample.com", "example.com"));
        assert!(!domain_match("1.2.3.4", "2.3.4"));
        assert!(domain_match("1.2.3.4", "1.2.3.4"));
        assert!(path_match("/a/b", "/a"));
        assert!(path_match("/a/b", "/a/"));
        assert!(!path_match("/ab", "/a"));
        assert_eq!(default_path("/a/b"), "/a");
        assert_eq!(default_path("/a"), "/");
        assert_eq!(default_path("a"), "/");
        assert_eq!(
            canonical_domain(" .EXAMPLE.com").as_deref(),
            Some("example.com")
        );
        assert_eq!(canonical_domain("[::1]").as_deref(), Some("::1"));
        assert_eq!(canonical_domain("ü.com").as_deref(), Some("xn--tda.com"));
        assert!(is_potentially_trustworthy("http", "127.0.0.2"));
        assert!(is_potentially_trustworthy("http", "[::1]"));
        assert!(is_potentially_trustworthy("http", "a.localhost"));
        assert!(!is_potentially_trustworthy("http", "example.com"));
    }
}
