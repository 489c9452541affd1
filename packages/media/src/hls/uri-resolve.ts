/**
 * Reference resolution (RFC 3986 5.2) without the WHATWG URL class, which lib ES2022 does not
 * declare. Strings in, string out: no normalisation beyond removing dot segments, so URIs keep
 * their spelling (case, percent-encoding) as written in the playlist.
 */

interface UriParts {
  scheme: string | undefined;
  authority: string | undefined;
  path: string;
  query: string | undefined;
  fragment: string | undefined;
}

// RFC 3986 Appendix B: the regular expression that splits any URI reference into components.
const URI_REFERENCE = /^(?:([^:/?#]+):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s;

function split(uri: string): UriParts {
  const m = URI_REFERENCE.exec(uri);
  // The expression matches every string; the fallback only satisfies the type checker.
  if (m === null)
    return {
      scheme: undefined,
      authority: undefined,
      path: uri,
      query: undefined,
      fragment: undefined,
    };
  return { scheme: m[1], authority: m[2], path: m[3] ?? '', query: m[4], fragment: m[5] };
}

/** RFC 3986 5.2.4: resolves `.` and `..` segments. */
export function removeDotSegments(path: string): string {
  const output: string[] = [];
  let input = path;
  while (input.length > 0) {
    if (input.startsWith('../')) input = input.slice(3);
    else if (input.startsWith('./')) input = input.slice(2);
    else if (input.startsWith('/./')) input = input.slice(2);
    else if (input === '/.') input = '/';
    else if (input.startsWith('/../')) {
      input = input.slice(3);
      output.pop();
    } else if (input === '/..') {
      input = '/';
      output.pop();
    } else if (input === '.' || input === '..') input = '';
    else {
      // Move the first segment (with its leading "/", up to the next "/") to the output.
      const next = input.indexOf('/', input.startsWith('/') ? 1 : 0);
      const end = next < 0 ? input.length : next;
      output.push(input.slice(0, end));
      input = input.slice(end);
    }
  }
  return output.join('');
}

/** RFC 3986 5.2.3: a relative path merged with the base path. */
function merge(base: UriParts, path: string): string {
  if (base.authority !== undefined && base.path === '') return `/${path}`;
  const slash = base.path.lastIndexOf('/');
  return slash < 0 ? path : base.path.slice(0, slash + 1) + path;
}

function recompose(p: UriParts): string {
  let out = '';
  if (p.scheme !== undefined) out += `${p.scheme}:`;
  if (p.authority !== undefined) out += `//${p.authority}`;
  out += p.path;
  if (p.query !== undefined) out += `?${p.query}`;
  if (p.fragment !== undefined) out += `#${p.fragment}`;
  return out;
}

/** `reference` resolved against `base` (RFC 3986 5.2.2, strict: a scheme is never ignored). */
export function resolveUri(base: string, reference: string): string {
  const r = split(reference);
  const b = split(base);
  let t: UriParts;
  if (r.scheme !== undefined) {
    t = { ...r, path: removeDotSegments(r.path) };
  } else if (r.authority !== undefined) {
    t = { ...r, scheme: b.scheme, path: removeDotSegments(r.path) };
  } else if (r.path === '') {
    t = { ...b, query: r.query ?? b.query, fragment: r.fragment };
  } else {
    const path = r.path.startsWith('/') ? r.path : merge(b, r.path);
    t = { ...b, path: removeDotSegments(path), query: r.query, fragment: r.fragment };
  }
  return recompose(t);
}
