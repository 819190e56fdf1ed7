import { Construct } from 'constructs';
import { subsetSelectsNoPodProblems } from './private/analysis/ist0173-subset-selects-no-pod';
import { markMergeChecked, mergedDestinationRuleProblems } from './private/analysis/merged-destination-rules';
import { MeshAnalysis } from './private/analysis/model';
import { Problem, configError, describeProblem, throwIfProblems } from './private/errors';
import { istioReleaseOf } from './private/istio-version';
import { addSynthValidation, expandHost } from './private/mesh-model';
import { withFields } from './private/objects';
import { dnsLabelProblem, exportToProblem, labelsProblem, selectorProblem, wildcardHostProblem } from './private/rules';
import { checkShape } from './private/shape';
import { portNumberProblems, renderTrafficPolicy, trafficPolicyProblems } from './private/traffic-policy';
import { IstioResource, IstioResourceProps } from './resource';
import { PortTrafficPolicy, TrafficPolicy } from './traffic-policy';

/**
 * A named subset of a destination's endpoints, selected by pod labels (usually `version`), with an optional policy
 * of its own. VirtualService routes refer to it by name.
 */
export interface DestinationRuleSubset {
  /** The subset's name, a DNS label (e.g. `v1`; `v1.0` is invalid). */
  readonly name: string;

  /** The labels an endpoint must have to belong to the subset, e.g. `{ version: 'v1' }`. */
  readonly labels: { [key: string]: string };

  /**
   * A policy for this subset. Its fields replace the DestinationRule's top-level fields of the same name.
   *
   * @default - the DestinationRule's top-level policy
   */
  readonly trafficPolicy?: TrafficPolicy;

  /**
   * Port-level policies for this subset.
   *
   * @default - none
   */
  readonly portPolicies?: PortTrafficPolicy[];
}

/**
 * Props of a DestinationRule.
 */
export interface DestinationRuleProps extends IstioResourceProps {
  /**
   * The service the rule applies to: a registry host name such as `reviews.prod.svc.cluster.local` (a short name
   * like `reviews` is relative to the rule's namespace) or a wildcard such as `*.example.com`. No IP addresses.
   */
  readonly host: string;

  /**
   * The policy for every subset and port, unless they override it.
   *
   * @default - Istio's defaults
   */
  readonly trafficPolicy?: TrafficPolicy;

  /**
   * Subsets; more can be added with `addSubset()`.
   *
   * @default - none
   */
  readonly subsets?: DestinationRuleSubset[];

  /**
   * Port-level policies; more can be added with `addPortPolicy()`.
   *
   * @default - none
   */
  readonly portPolicies?: PortTrafficPolicy[];

  /**
   * Namespaces the rule is visible in: `.` (its own), `*` (all) or namespace names.
   *
   * @default - every namespace (the mesh default)
   */
  readonly exportTo?: string[];

  /**
   * Restricts the rule to the client workloads with these labels (in the rule's namespace).
   *
   * @default - the rule applies to every client that can see it
   */
  readonly workloadSelector?: { [key: string]: string };
}

/**
 * An Istio DestinationRule: what happens to traffic for a host after routing (load balancing, connection pools,
 * outlier detection, TLS) and which subsets of its endpoints routes may target.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/
 *
 * @example
 * const reviews = new DestinationRule(chart, 'Reviews', { host: 'reviews' });
 * reviews.addSubset({ name: 'v1', labels: { version: 'v1' } });
 */
export class DestinationRule extends IstioResource {
  /** The host the rule applies to, as given. */
  public readonly host: string;

  private readonly trafficPolicy?: TrafficPolicy;
  private readonly exportTo?: string[];
  private readonly workloadSelector?: { [key: string]: string };
  private readonly _subsets: DestinationRuleSubset[] = [];
  private readonly _portPolicies: PortTrafficPolicy[] = [];

  /**
   * @param scope where to create it: a Chart, or a MeshNamespace whose namespace it lands in
   * @param id the construct id; the object's name defaults to it in kebab case
   * @param props the DestinationRule's settings
   */
  constructor(scope: Construct, id: string, props: DestinationRuleProps) {
    super(scope, id, 'networking.istio.io', 'DestinationRule', props);
    this.host = props.host;
    this.trafficPolicy = props.trafficPolicy;
    this.exportTo = props.exportTo ? [...props.exportTo] : undefined;
    this.workloadSelector = props.workloadSelector ? { ...props.workloadSelector } : undefined;

    const hostIssue = wildcardHostProblem(props.host);
    if (hostIssue) {
      throw configError(this, {
        field: 'host',
        value: props.host,
        problem: hostIssue,
        fix: 'use the service\'s host name (e.g. "reviews.prod.svc.cluster.local") or a leading wildcard ("*.example.com"); '
          + 'for an IP address, define a ServiceEntry with a host name',
      });
    }
    throwIfProblems(this, this.selectionProblems());
    if (props.trafficPolicy) {
      throwIfProblems(this, trafficPolicyProblems(props.trafficPolicy, { field: 'trafficPolicy', inheritsOutlierDetection: false, release: istioReleaseOf(this) }));
    }
    for (const p of props.portPolicies ?? []) this.addPortPolicy(p.port, p.policy);
    for (const s of props.subsets ?? []) this.addSubset(s);
    markMergeChecked(this.apiObject);
    addSynthValidation(this, () => {
      const a = MeshAnalysis.of(this);
      const view = a.viewOf(this.apiObject);
      return view === undefined ? [] : [...subsetSelectsNoPodProblems(a, view), ...mergedDestinationRuleProblems(a, view)].map(describeProblem);
    });
  }

  /**
   * The host as Istio reads it: a short Service name (`reviews`) is the Service in this rule's namespace,
   * `reviews.<namespace>.svc.cluster.local`; FQDNs and wildcards are unchanged.
   */
  public get hostFqdn(): string {
    return expandHost(this.host, this.effectiveNamespace);
  }

  /** The names of the subsets (a copy). */
  public get subsetNames(): string[] {
    return this._subsets.map(s => s.name);
  }

  /**
   * Whether the rule defines a subset with this name.
   *
   * @param name the subset's name
   */
  public hasSubset(name: string): boolean {
    return this._subsets.some(s => s.name === name);
  }

  /**
   * Adds a subset.
   *
   * @param subset the subset: its name and the pod labels it selects
   */
  public addSubset(subset: DestinationRuleSubset): void {
    checkShape(this, 'DestinationRuleSubset', subset, `subsets[${this._subsets.length}]`);
    const f = `subsets["${subset.name}"]`;
    const nameIssue = dnsLabelProblem(subset.name);
    if (nameIssue) {
      throw configError(this, {
        field: 'subsets[].name',
        value: subset.name,
        problem: nameIssue,
        fix: 'name the subset with letters, digits and "-", e.g. "v1" or "v1-0"',
        symptom: 'the webhook rejects the object',
      });
    }
    if (this.hasSubset(subset.name)) {
      throw configError(this, {
        field: `${f}.name`,
        value: subset.name,
        problem: 'is already defined',
        fix: 'give every subset a unique name',
        symptom: 'the webhook rejects the object ("duplicate subset names")',
      });
    }
    const labelIssue = labelsProblem(subset.labels);
    if (labelIssue) {
      throw configError(this, {
        field: `${f}.labels`,
        value: subset.labels,
        problem: labelIssue,
        fix: 'use Kubernetes label keys and values, e.g. { version: "v1" }',
      });
    }
    const topOutlier = this.trafficPolicy?.outlierDetection !== undefined;
    const problems: Problem[] = [];
    if (subset.trafficPolicy) {
      problems.push(...trafficPolicyProblems(subset.trafficPolicy, { field: `${f}.trafficPolicy`, inheritsOutlierDetection: topOutlier, release: istioReleaseOf(this) }));
    }
    const inherited = topOutlier || subset.trafficPolicy?.outlierDetection !== undefined;
    const seen: number[] = [];
    for (const p of subset.portPolicies ?? []) {
      problems.push(...this.portPolicyProblems(p, seen, `${f}.portPolicies`, inherited));
      seen.push(p.port);
    }
    throwIfProblems(this, problems);
    this._subsets.push(withFields(subset, {
      labels: { ...subset.labels },
      portPolicies: subset.portPolicies ? [...subset.portPolicies] : undefined,
    }));
  }

  /**
   * Sets the policy for one port of the destination; its fields replace the top-level policy's for that port.
   *
   * @param port the port number of the destination
   * @param policy the traffic policy for that port (it replaces the rule-wide policy's fields there)
   */
  public addPortPolicy(port: number, policy: TrafficPolicy): void {
    checkShape(this, 'PortTrafficPolicy', { port, policy }, `addPortPolicy(${String(port)})`);
    const seen = this._portPolicies.map(p => p.port);
    throwIfProblems(this, this.portPolicyProblems({ port, policy }, seen, 'portPolicies', this.trafficPolicy?.outlierDetection !== undefined));
    this._portPolicies.push({ port, policy });
  }

  /** @internal */
  protected _renderSpec(): any {
    return {
      host: this.host,
      trafficPolicy: renderTrafficPolicy(this.trafficPolicy, this._portPolicies, istioReleaseOf(this)),
      subsets: this._subsets.length > 0 ? this._subsets.map(s => ({
        name: s.name,
        labels: { ...s.labels },
        trafficPolicy: renderTrafficPolicy(s.trafficPolicy, s.portPolicies, istioReleaseOf(this)),
      })) : undefined,
      exportTo: this.exportTo ? [...this.exportTo] : undefined,
      workloadSelector: this.workloadSelector ? { matchLabels: { ...this.workloadSelector } } : undefined,
    };
  }

  private portPolicyProblems(p: PortTrafficPolicy, seenPorts: number[], field: string, inheritsOutlierDetection: boolean): Problem[] {
    const f = `${field}[port ${p.port}]`;
    return [
      ...portNumberProblems(p.port, seenPorts, `${f}.port`),
      ...trafficPolicyProblems(p.policy, { field: `${f}.policy`, inheritsOutlierDetection, release: istioReleaseOf(this) }),
    ];
  }

  private selectionProblems(): Problem[] {
    const problems: Problem[] = [];
    if (this.exportTo) {
      const issue = exportToProblem(this.exportTo, false, this.effectiveNamespace);
      if (issue) {
        problems.push({
          field: 'exportTo',
          value: this.exportTo,
          problem: issue,
          fix: 'list ".", "*" or namespace names, each once',
          symptom: 'the webhook rejects the object',
        });
      }
    }
    if (this.workloadSelector) {
      const labels = this.workloadSelector;
      const issue = selectorProblem(labels, 'is empty, so it would select every workload in the namespace');
      if (issue) {
        problems.push({
          field: 'workloadSelector',
          value: labels,
          problem: issue,
          fix: 'select the client workloads by their labels, e.g. { app: "productpage" }, or leave workloadSelector out',
        });
      }
      const beyond = (this.exportTo ?? []).filter(e => e !== '.' && e !== this.effectiveNamespace);
      if (beyond.length > 0) {
        problems.push({
          field: 'exportTo',
          value: this.exportTo,
          problem: 'must only contain the rule\'s own namespace (".") when workloadSelector is set',
          fix: 'set exportTo to ["."], or remove workloadSelector and export the rule',
          symptom: 'the webhook rejects the object ("cannot have exportTo beyond current namespace")',
        });
      }
    }
    return problems;
  }
}
