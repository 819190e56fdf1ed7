import { Duration } from 'cdk8s';
import { durationProblem, istioDuration } from './duration';
import { Problem } from './errors';
import { headerValueProblem, isIp } from './rules';

/**
 * The Kubernetes Gateway API (`gateway.networking.k8s.io`, the v1.5.1 CRDs in `../shared/istio/gateway-api-crd.yaml`):
 * its API versions and syntactic rules, one function each, as its CRD schemas and CEL rules state them.
 */

export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
export const ISTIO_NETWORKING_GROUP = 'networking.istio.io';
/** The label Istio puts on the pods it deploys for a Gateway API Gateway (its name). */
export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

/**
 * The API version each kind is written in: the one the v1.5.1 CRDs serve without a deprecation warning. TLSRoute
 * is v1 there (v1alpha2/v1alpha3 are deprecated); TCPRoute exists only as v1alpha2; ReferenceGrant is stored as
 * v1beta1 (served by every Gateway API release Istio 1.22+ supports).
 */
export const GATEWAY_API_VERSIONS: { readonly [kind: string]: string } = {
  Gateway: 'v1',
  HTTPRoute: 'v1',
  GRPCRoute: 'v1',
  TLSRoute: 'v1',
  TCPRoute: 'v1alpha2',
  ReferenceGrant: 'v1beta1',
};

const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SECTION_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;
const DURATION = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;

/** Gateway API `Hostname`: lower-case DNS name, optionally with a leading `*.` label; no IP address, no lone `*`. */
export function gatewayApiHostnameProblem(host: string): string | undefined {
  if (isIp(host)) return 'must be a host name, not an IP address';
  if (host.length === 0 || host.length > 253 || !HOSTNAME.test(host)) {
    return 'must be a lower-case host name (e.g. "shop.example.com"), optionally with a leading "*." wildcard label';
  }
  return undefined;
}

/** Gateway API `SectionName` (listener names): a lower-case DNS-1123 subdomain of at most 253 characters. */
export function sectionNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 253 || !SECTION_NAME.test(name)) {
    return 'must be a lower-case DNS-1123 subdomain (letters, digits, "-" and ".")';
  }
  return undefined;
}

/** Gateway API `HTTPHeaderName` (also query parameter names): an HTTP token of at most 256 characters. */
export function gatewayApiHeaderNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 256 || !HEADER_NAME.test(name)) {
    return 'must be an HTTP header name (letters, digits and !#$%&\'*+-.^_`|~, at most 256 characters)';
  }
  return undefined;
}

/** A backendRef weight: an integer from 0 to 1,000,000 (weights are relative, not percentages). */
export function backendWeightProblem(weight: number): string | undefined {
  if (!Number.isInteger(weight) || weight < 0 || weight > 1_000_000) return 'must be an integer from 0 to 1000000';
  return undefined;
}

/** Gateway API `Duration` (`^([0-9]{1,5}(h|m|s|ms)){1,4}$`), rendered like Istio's durations. */
export function gatewayApiDuration(d: Duration): string {
  return istioDuration(d);
}

/** What is wrong with a duration for a Gateway API field: Istio's rule (≥ 1ms, whole ms) and the CRD's syntax. */
export function gatewayApiDurationProblem(d: Duration): string | undefined {
  const issue = durationProblem(d);
  if (issue) return issue;
  if (!DURATION.test(gatewayApiDuration(d))) return 'must be writable with at most 5 digits per unit (e.g. "90s", "1500ms")';
  return undefined;
}

/** The header operations of a Gateway API `HTTPHeaderFilter`: names and values as the CRD takes them. */
export interface HeaderModifier {
  readonly set?: { [name: string]: string };
  readonly add?: { [name: string]: string };
  readonly remove?: string[];
}

/** What is wrong with a header modifier at `field` (at most 16 entries each, header names, values without control characters). */
export function headerModifierProblems(field: string, ops: HeaderModifier): Problem[] {
  const problems: Problem[] = [];
  for (const op of ['set', 'add'] as const) {
    const entries = Object.entries(ops[op] ?? {});
    if (entries.length > 16) {
      problems.push({ field: `${field}.${op}`, value: entries.length, problem: 'has more than 16 headers, the most the Gateway API allows', fix: 'split the changes over several filters or rules' });
    }
    for (const [name, value] of entries) {
      const nameIssue = gatewayApiHeaderNameProblem(name);
      if (nameIssue) problems.push({ field: `${field}.${op}`, value: name, problem: nameIssue, fix: 'use a valid header name' });
      const valueIssue = value.length === 0 || value.length > 4096 ? 'must be 1 to 4096 characters' : headerValueProblem(value);
      if (valueIssue) problems.push({ field: `${field}.${op}["${name}"]`, value, problem: valueIssue, fix: 'correct the header value' });
    }
  }
  const remove = ops.remove ?? [];
  if (remove.length > 16) {
    problems.push({ field: `${field}.remove`, value: remove.length, problem: 'has more than 16 headers, the most the Gateway API allows', fix: 'split the changes over several filters' });
  }
  remove.forEach((name, i) => {
    const issue = gatewayApiHeaderNameProblem(name);
    if (issue) problems.push({ field: `${field}.remove[${i}]`, value: name, problem: issue, fix: 'use a valid header name' });
  });
  const seen = new Set<string>();
  for (const name of [...Object.keys(ops.set ?? {}), ...Object.keys(ops.add ?? {})]) {
    const key = name.toLowerCase();
    if (seen.has(key)) {
      problems.push({
        field,
        value: name,
        problem: 'sets and adds the same header (header names are case-insensitive)',
        fix: 'either set the header or add a value to it',
      });
    }
    seen.add(key);
  }
  return problems;
}

/** Renders header operations as a Gateway API `HTTPHeaderFilter`. */
export function renderHeaderModifier(ops: HeaderModifier): any {
  const pairs = (m?: { [name: string]: string }) => {
    const entries = Object.entries(m ?? {});
    return entries.length > 0 ? entries.map(([name, value]) => ({ name, value })) : undefined;
  };
  return {
    set: pairs(ops.set),
    add: pairs(ops.add),
    remove: ops.remove && ops.remove.length > 0 ? [...ops.remove] : undefined,
  };
}
