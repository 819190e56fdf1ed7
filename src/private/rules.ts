/**
 * Istio's syntactic rules (pkg/config/validation in istiod), one function each. Every function returns
 * `undefined` when the value is fine, or what is wrong with it. Constructs turn these into errors that also
 * name the construct, the field and the fix (see errors.ts).
 */

const DNS_LABEL = /^[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/;
const K8S_DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const K8S_DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** A Kubernetes object name for namespaced Istio kinds and Services: a lower-case DNS-1123 subdomain. */
export function objectNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 253 || !K8S_DNS_SUBDOMAIN.test(name)) {
    return 'must be a lower-case DNS-1123 subdomain (letters, digits, "-" and ".", at most 253 characters)';
  }
  return undefined;
}

/** A name that must be a lower-case DNS-1123 label: namespaces, Gateways, Services. */
export function k8sLabelNameProblem(name: string): string | undefined {
  if (!K8S_DNS_LABEL.test(name)) {
    return 'must be a lower-case DNS-1123 label (letters, digits and "-", at most 63 characters, no dots)';
  }
  return undefined;
}

/** Istio's DNS label (upper case allowed): subset names, port names, sourceNamespace. */
export function dnsLabelProblem(value: string): string | undefined {
  if (!DNS_LABEL.test(value)) {
    return 'must be a DNS label (letters, digits and "-", starting and ending with a letter or digit, at most 63 characters)';
  }
  return undefined;
}

/** A fully qualified domain name without wildcards; a single label such as `reviews` passes. */
export function fqdnProblem(host: string): string | undefined {
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (name.length === 0 || name.length > 255) return 'must be 1 to 255 characters';
  if (name.includes('*')) return 'must not contain a wildcard';
  const labels = name.split('.');
  if (labels.some(l => !DNS_LABEL.test(l))) return 'must be a domain name made of DNS labels separated by dots';
  if (/^\d+$/.test(labels[labels.length - 1])) return 'must not end in an all-numeric label (an IP address is not a host name)';
  return undefined;
}

/**
 * A host that may start with a wildcard label: `*`, `*.example.com`, `reviews`, `reviews.prod.svc.cluster.local`.
 * Partial wildcards (`*foo.com`, `foo.*.com`) are refused: Istio accepts some of them syntactically but never matches
 * them the way users expect.
 */
export function wildcardHostProblem(host: string): string | undefined {
  if (host === '*') return undefined;
  if (host.length === 0 || host.length > 255) return 'must be 1 to 255 characters';
  if (host.includes('*') && !(host.startsWith('*.') && !host.slice(2).includes('*'))) {
    return 'uses a partial wildcard; only "*" alone or a leading "*." label is allowed';
  }
  return fqdnProblem(host.startsWith('*.') ? host.slice(2) : host);
}

/** A port number: an integer from 1 to 65535. */
export function portProblem(port: number): string | undefined {
  if (!Number.isInteger(port) || port < 1 || port > 65535) return 'must be an integer from 1 to 65535';
  return undefined;
}

/** A percentage: a number from 0 to 100. */
export function percentProblem(value: number): string | undefined {
  if (!Number.isFinite(value) || value < 0 || value > 100) return 'must be a number from 0 to 100';
  return undefined;
}

/** A label map (subset labels, sourceLabels, endpoint labels, selectors): Kubernetes qualified names and values. */
export function labelsProblem(labels: { [key: string]: string }): string | undefined {
  for (const [key, value] of Object.entries(labels)) {
    const slash = key.lastIndexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !K8S_DNS_SUBDOMAIN.test(prefix))) {
      return `label key "${key}" has an invalid prefix (must be a DNS subdomain)`;
    }
    if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
      return `label key "${key}" is not a valid Kubernetes label name`;
    }
    if (value.length > 63 || (value !== '' && !QUALIFIED_NAME.test(value))) {
      return `label value "${value}" of "${key}" is not a valid Kubernetes label value`;
    }
    if (key.includes('*') || value.includes('*')) return `label "${key}" uses "*", and selectors do not support wildcards`;
  }
  return undefined;
}

/** A header name Istio can match on (`match.headers`, `withoutHeaders`): an HTTP token or a pseudo-header. */
export function matchHeaderNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if ([':method', ':scheme', ':authority', ':path', ':status'].includes(name)) return undefined;
  if (/^@request\.auth\.claims(\.|\[)/i.test(name)) return undefined;
  if (!HTTP_TOKEN.test(name)) return 'must be an HTTP header name (letters, digits and !#$%&\'*+-.^_`|~) or a pseudo-header like ":authority"';
  return undefined;
}

/** A header name that may be added or set on a request. */
export function requestHeaderSetProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.startsWith(':') && name !== ':authority') return 'must not be a pseudo-header other than ":authority"';
  if (!name.startsWith(':') && !HTTP_TOKEN.test(name)) return 'must be an HTTP header name';
  return undefined;
}

/** A header name that may be removed from a request, or added, set or removed on a response. */
export function headerRemoveOrResponseProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.startsWith(':')) return 'must not be a pseudo-header';
  if (name.toLowerCase() === 'host') return 'must not be "host"';
  if (!HTTP_TOKEN.test(name)) return 'must be an HTTP header name';
  return undefined;
}

/** A header value: no control characters but TAB, and every `%` either starts an Envoy `%VAR%` or is escaped as `%%`. */
export function headerValueProblem(value: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) return 'must not contain control characters (newline, carriage return, ...)';
  const withoutVars = value.replace(/%%/g, '').replace(/%[A-Z_][A-Z0-9_]*(\([^)]*\))?%/g, '');
  if (withoutVars.includes('%')) return 'has a bare "%"; write "%%" for a literal percent sign or use an Envoy "%VARIABLE%"';
  return undefined;
}

/** An IPv4 or IPv6 address. */
export function isIp(value: string): boolean {
  if (IPV4.test(value)) return true;
  return value.includes(':') && /^[0-9a-fA-F:.]+$/.test(value) && (value.match(/::/g) ?? []).length <= 1;
}

/** An IP address or a CIDR block. */
export function ipOrCidrProblem(value: string): string | undefined {
  const [ip, bits, extra] = value.split('/');
  if (extra !== undefined || !isIp(ip)) return 'must be an IP address or a CIDR block';
  if (bits !== undefined) {
    const max = ip.includes(':') ? 128 : 32;
    if (!/^\d+$/.test(bits) || Number(bits) > max) return `has an invalid prefix length (0 to ${max})`;
  }
  return undefined;
}

/**
 * `exportTo`: `.`, `*`, or namespace names; `~` only for ServiceEntry; `*` and `~` alone. `.` and the object's own
 * namespace (when it has one) are the same entry, so listing both is a duplicate.
 */
export function exportToProblem(entries: string[], allowNone: boolean, ownNamespace?: string): string | undefined {
  const seen = new Set<string>();
  for (const entry of entries) {
    if (entry === '~' && !allowNone) return '"~" (visible to no namespace) is only allowed on ServiceEntry';
    if (entry !== '.' && entry !== '*' && entry !== '~' && !K8S_DNS_LABEL.test(entry)) return `entry "${entry}" must be ".", "*" or a namespace name`;
    if (seen.has(entry)) return `entry "${entry}" is listed twice`;
    seen.add(entry);
  }
  if (entries.length > 1 && (seen.has('*') || seen.has('~'))) return '"*" and "~" must be the only entry';
  if (ownNamespace !== undefined && seen.has('.') && seen.has(ownNamespace)) return `lists both "." and "${ownNamespace}", its own namespace, so the same entry twice`;
  return undefined;
}

/**
 * A Unix domain socket address (Gateway and Sidecar `bind`, Sidecar `defaultEndpoint`, ServiceEntry endpoint
 * `address`): `unix://` followed by an absolute path that names a file, or by an abstract socket `@name`.
 */
export function unixSocketProblem(address: string): string | undefined {
  if (!address.startsWith('unix://')) return 'must start with "unix://"';
  const path = address.slice('unix://'.length);
  if (path.startsWith('@')) return path.length > 1 ? undefined : 'must name the abstract socket after "@"';
  if (!path.startsWith('/')) return 'must be an absolute path ("unix:///var/run/app.sock") or an abstract socket ("unix://@app")';
  if (path.endsWith('/')) return 'must name a socket, not a directory (it ends in "/")';
  return undefined;
}

/** Ports the Istio proxy listens on itself (admin, capture, HBONE, health, metrics, DNS). */
export const RESERVED_PROXY_PORTS: readonly number[] = [15000, 15001, 15004, 15006, 15008, 15009, 15020, 15021, 15053, 15090];

/** A port a listener of the proxy may use: not one the proxy already listens on. */
export function reservedProxyPortProblem(port: number): string | undefined {
  if (RESERVED_PROXY_PORTS.includes(port)) {
    return `is reserved by the Istio proxy (reserved: ${RESERVED_PROXY_PORTS.join(', ')})`;
  }
  return undefined;
}

/**
 * A workload selector (Sidecar, ServiceEntry, Gateway, DestinationRule): valid labels, and at least one, because an
 * empty selector selects every workload. `ifEmpty` says what it would select, in the words of the caller's kind.
 */
export function selectorProblem(
  labels: { [key: string]: string },
  ifEmpty: string = 'has no labels, so it would select every workload in the namespace',
): string | undefined {
  return Object.keys(labels).length === 0 ? ifEmpty : labelsProblem(labels);
}
