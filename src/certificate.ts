import { ApiObject, ApiObjectMetadata, ApiObjectMetadataDefinition, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { MeshAnalysis } from './private/analysis/model';
import { durationProblem, istioDuration } from './private/duration';
import { describeProblem, Problem, throwIfProblems } from './private/errors';
import { addSynthValidation } from './private/mesh-model';
import { metadataProblems, resolveObjectName } from './private/names';
import { objectNameProblem, wildcardHostProblem } from './private/rules';
import { DEFAULT_NAMESPACE, namespaceOf } from './private/scope';
import { checkArgs, checkShape } from './private/shape';

const CERT_MANAGER_GROUP = 'cert-manager.io';

/** cert-manager's lower bounds (its webhook rejects shorter values). */
const MIN_DURATION_MS = 3_600_000;
const MIN_RENEW_BEFORE_MS = 300_000;
/** Longer common names make invalid CSRs (RFC 5280 upper bound). */
const MAX_COMMON_NAME = 64;

/**
 * The cert-manager issuer that signs a {@link Certificate}: a namespaced `Issuer` (in the Certificate's namespace), a
 * `ClusterIssuer`, or an issuer of an external issuer project.
 */
export class CertificateIssuer {
  /**
   * An `Issuer` of cert-manager, which must be in the same namespace as the Certificate.
   *
   * @param name the Issuer's name
   */
  public static issuer(name: string): CertificateIssuer {
    checkArgs('CertificateIssuer.issuer', [name]);
    return new CertificateIssuer(name, 'Issuer', CERT_MANAGER_GROUP);
  }

  /**
   * A `ClusterIssuer` of cert-manager, usable from every namespace (e.g. a Let's Encrypt ACME issuer).
   *
   * @param name the ClusterIssuer's name, e.g. `letsencrypt`
   */
  public static clusterIssuer(name: string): CertificateIssuer {
    checkArgs('CertificateIssuer.clusterIssuer', [name]);
    return new CertificateIssuer(name, 'ClusterIssuer', CERT_MANAGER_GROUP);
  }

  /**
   * An issuer of an external issuer project (e.g. `AWSPCAClusterIssuer` of `awspca.cert-manager.io`).
   *
   * @param name the issuer's name
   * @param kind the issuer's kind
   * @param group the issuer's API group
   */
  public static external(name: string, kind: string, group: string): CertificateIssuer {
    checkArgs('CertificateIssuer.external', [name, kind, group]);
    return new CertificateIssuer(name, kind, group);
  }

  private constructor(
    /** The issuer's name. */
    public readonly name: string,
    /** The issuer's kind, e.g. `ClusterIssuer`. */
    public readonly kind: string,
    /** The issuer's API group, e.g. `cert-manager.io`. */
    public readonly group: string,
  ) {}

  /** What is wrong with the reference at `field`, on its own. @internal */
  public _problems(field: string): Problem[] {
    const problems: Problem[] = [];
    const nameProblem = objectNameProblem(this.name);
    if (nameProblem) problems.push({ field: `${field}.name`, value: this.name, problem: nameProblem, fix: 'use the issuer\'s metadata.name' });
    if (!/^[A-Z][A-Za-z0-9]*$/.test(this.kind)) {
      problems.push({ field: `${field}.kind`, value: this.kind, problem: 'must be a Kubernetes kind (PascalCase)', fix: 'use e.g. "ClusterIssuer"' });
    }
    const groupProblem = objectNameProblem(this.group);
    if (groupProblem || !this.group.includes('.')) {
      problems.push({ field: `${field}.group`, value: this.group, problem: 'must be an API group such as "cert-manager.io"', fix: 'use the issuer\'s API group' });
    }
    return problems;
  }
}

/**
 * Props of a Certificate.
 */
export interface CertificateProps {
  /**
   * Metadata of the Certificate.
   *
   * @default - `name` is the construct id in kebab case; `namespace` is the enclosing MeshNamespace's, else the chart's
   */
  readonly metadata?: ApiObjectMetadata;

  /** The Secret cert-manager writes the certificate to (`tls.crt`, `tls.key`, and `ca.crt` when the issuer provides it), in the Certificate's namespace. */
  readonly secretName: string;

  /** The issuer that signs the certificate. */
  readonly issuer: CertificateIssuer;

  /** The DNS names the certificate is for (subject alternative names); a leading `*.` makes a wildcard. */
  readonly dnsNames: string[];

  /**
   * The subject's common name (clients ignore it when the certificate has DNS names). At most 64 characters.
   *
   * @default - none
   */
  readonly commonName?: string;

  /**
   * The requested lifetime, at least 1 hour (the issuer may ignore it).
   *
   * @default - cert-manager's default, 90 days
   */
  readonly duration?: Duration;

  /**
   * How long before expiry cert-manager renews the certificate: at least 5 minutes, less than `duration`.
   *
   * @default - a third of the certificate's lifetime
   */
  readonly renewBefore?: Duration;
}

/**
 * A cert-manager `Certificate` (cert-manager.io/v1): asks cert-manager to keep a signed certificate for some DNS names
 * in a Secret, renewing it before it expires.
 *
 * @see https://cert-manager.io/docs/usage/certificate/
 */
export class Certificate extends Construct {
  /** The Certificate object. */
  public readonly apiObject: ApiObject;

  /** The Certificate's `metadata.name`. */
  public readonly name: string;

  /** The Certificate's `metadata.namespace`, or undefined when it has none. */
  public readonly namespace?: string;

  /** The Secret cert-manager writes, in the Certificate's namespace. */
  public readonly secretName: string;

  /** The issuer that signs the certificate. */
  public readonly issuer: CertificateIssuer;

  private readonly _dnsNames: string[];
  private readonly props: CertificateProps;

  /**
   * @param scope where to create it: a Chart, or a MeshNamespace whose namespace it lands in
   * @param id the construct id; the object's name defaults to it in kebab case
   * @param props the Certificate's settings
   */
  constructor(scope: Construct, id: string, props: CertificateProps) {
    super(scope, id);
    checkShape(this, 'CertificateProps', props);
    this.name = resolveObjectName(this, props.metadata);
    this.namespace = props.metadata?.namespace ?? namespaceOf(this);
    throwIfProblems(this, metadataProblems({ namespace: this.namespace, labels: props.metadata?.labels, annotations: props.metadata?.annotations }));
    this.secretName = props.secretName;
    this.issuer = props.issuer;
    this._dnsNames = [...props.dnsNames];
    this.props = props;

    throwIfProblems(this, certificateProblems(props));

    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: `${CERT_MANAGER_GROUP}/v1`,
      kind: 'Certificate',
      metadata: { ...props.metadata, name: this.name, namespace: this.namespace },
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
    addSynthValidation(this, () => this.issuerProblems().map(describeProblem));
  }

  /** The Certificate's metadata, to add labels and annotations. */
  public get metadata(): ApiObjectMetadataDefinition {
    return this.apiObject.metadata;
  }

  /** The DNS names the certificate is for (a copy). */
  public get dnsNames(): string[] {
    return [...this._dnsNames];
  }

  /** The namespace of the Certificate and of its Secret: `namespace`, or `default` when it has none. */
  public get effectiveNamespace(): string {
    return this.namespace ?? DEFAULT_NAMESPACE;
  }

  private renderSpec(): any {
    const p = this.props;
    return {
      secretName: this.secretName,
      issuerRef: { name: this.issuer.name, kind: this.issuer.kind, group: this.issuer.group },
      dnsNames: [...this._dnsNames],
      commonName: p.commonName,
      duration: p.duration && istioDuration(p.duration),
      renewBefore: p.renewBefore && istioDuration(p.renewBefore),
    };
  }

  /** A namespaced Issuer must be in the Certificate's namespace; one the app defines elsewhere is a near miss. */
  private issuerProblems(): Problem[] {
    if (this.issuer.kind !== 'Issuer' || this.issuer.group !== CERT_MANAGER_GROUP) return [];
    const issuers = MeshAnalysis.of(this).withName('Issuer', CERT_MANAGER_GROUP, this.issuer.name);
    if (issuers.length === 0 || issuers.some(i => i.namespace === this.effectiveNamespace)) return [];
    return [{
      field: 'spec.issuerRef',
      prop: 'CertificateProps.issuer',
      value: this.issuer.name,
      problem: `names an Issuer, which must be in the Certificate's namespace "${this.effectiveNamespace}", but this app defines `
        + `Issuer "${this.issuer.name}" only in ${issuers.map(i => `"${i.namespace}"`).join(', ')}`,
      fix: `create the Issuer in "${this.effectiveNamespace}", or make it a ClusterIssuer and use CertificateIssuer.clusterIssuer()`,
      symptom: 'cert-manager never issues the certificate, so the Secret is never created',
    }];
  }
}

function certificateProblems(p: CertificateProps): Problem[] {
  const problems: Problem[] = [];
  const secretProblem = objectNameProblem(p.secretName);
  if (secretProblem) problems.push({ field: 'spec.secretName', value: p.secretName, problem: secretProblem, fix: 'use a Secret name such as "shop-example-com-tls"' });
  problems.push(...p.issuer._problems('spec.issuerRef'));
  if (p.dnsNames.length === 0) {
    problems.push({ field: 'spec.dnsNames', problem: 'is empty', fix: 'list the DNS names the certificate is for, e.g. ["shop.example.com"]' });
  }
  p.dnsNames.forEach((name, i) => {
    const problem = name === '*' ? 'is "*", which no certificate authority signs' : wildcardHostProblem(name);
    if (problem) {
      problems.push({ field: `spec.dnsNames[${i}]`, value: name, problem, fix: 'use a DNS name such as "shop.example.com", or a wildcard such as "*.example.com"' });
    } else if (!name.includes('.')) {
      problems.push({ field: `spec.dnsNames[${i}]`, value: name, problem: 'is a single label; public CAs only sign fully qualified names', fix: `use the full name, e.g. "${name}.example.com"` });
    }
  });
  if (p.commonName !== undefined && (p.commonName.length === 0 || p.commonName.length > MAX_COMMON_NAME)) {
    problems.push({
      field: 'spec.commonName',
      value: p.commonName,
      problem: `must be 1 to ${MAX_COMMON_NAME} characters`,
      fix: 'leave commonName out (clients read the DNS names) or shorten it',
      symptom: 'cert-manager creates an invalid certificate request and issuance fails',
    });
  }
  problems.push(...durationProblems('spec.duration', p.duration, MIN_DURATION_MS, '1 hour', 'Duration.days(90)'));
  problems.push(...durationProblems('spec.renewBefore', p.renewBefore, MIN_RENEW_BEFORE_MS, '5 minutes', 'Duration.days(30)'));
  if (p.duration && p.renewBefore && p.renewBefore.toMilliseconds() >= p.duration.toMilliseconds()) {
    problems.push({
      field: 'spec.renewBefore',
      value: `${istioDuration(p.renewBefore)} >= ${istioDuration(p.duration)}`,
      problem: 'must be shorter than duration',
      fix: 'renew some time before the end of the lifetime, e.g. duration 90 days and renewBefore 30 days',
      symptom: 'cert-manager rejects the Certificate',
    });
  }
  return problems;
}

function durationProblems(field: string, d: Duration | undefined, minMs: number, min: string, example: string): Problem[] {
  if (d === undefined) return [];
  const ms = d.toMilliseconds({ integral: false });
  const problem = durationProblem(d) ?? (ms < minMs ? `must be at least ${min}` : undefined);
  return problem ? [{ field, value: durationProblem(d) ? `${ms}ms` : istioDuration(d), problem, fix: `use e.g. ${example}`, symptom: 'cert-manager rejects the Certificate' }] : [];
}

