import { createPrivateKey, KeyObject, X509Certificate } from 'crypto';
import { Duration } from 'cdk8s';
import * as plus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Certificate, CertificateIssuer } from './certificate';
import { TlsProtocolVersion } from './gateway';
import { Problem, throwIfProblems } from './private/errors';
import { hostCovers } from './private/mesh-model';
import { k8sLabelNameProblem, objectNameProblem } from './private/rules';
import { markPlacedElsewhere } from './private/scope';
import { checkArgs } from './private/shape';

/**
 * How the ingress gateway terminates TLS for an IngressRoute.
 */
export enum IngressTlsMode {
  /** Terminate TLS with the server certificate. */
  SIMPLE = 'SIMPLE',
  /** Terminate TLS and require a client certificate signed by the client CA. */
  MUTUAL = 'MUTUAL',
  /** Terminate TLS and verify a client certificate when the client presents one. */
  OPTIONAL_MUTUAL = 'OPTIONAL_MUTUAL',
}

/**
 * A server certificate and key given as PEM text, stored by the IngressRoute in a `kubernetes.io/tls` Secret in the
 * gateway workload's namespace.
 */
export interface TlsCredentialPemOptions {
  /** The server certificate, PEM (`-----BEGIN CERTIFICATE-----`), followed by its intermediate certificates if any. */
  readonly certificate: string;

  /** The private key of the certificate, PEM (`-----BEGIN PRIVATE KEY-----` or the RSA/EC forms). */
  readonly privateKey: string;

  /**
   * The name of the Secret to create (the Gateway's `credentialName`).
   *
   * @default - `<route namespace>-<IngressRoute name>-tls` (e.g. `shop-storefront-tls`), or `<IngressRoute name>-tls` when
   * the route is in the gateway workload's namespace
   */
  readonly secretName?: string;
}

/**
 * A certificate that cert-manager issues and keeps renewed, in a Secret in the gateway workload's namespace.
 */
export interface TlsCredentialCertManagerOptions {
  /** The issuer that signs the certificate, e.g. `CertificateIssuer.clusterIssuer('letsencrypt')`. */
  readonly issuer: CertificateIssuer;

  /**
   * The name of the Secret cert-manager writes (the Gateway's `credentialName`); also the Certificate's name.
   *
   * @default - `<route namespace>-<IngressRoute name>-tls` (e.g. `shop-storefront-tls`), or `<IngressRoute name>-tls` when
   * the route is in the gateway workload's namespace
   */
  readonly secretName?: string;

  /**
   * The DNS names of the certificate. They must cover every host of the IngressRoute.
   *
   * @default - the IngressRoute's hosts
   */
  readonly dnsNames?: string[];

  /**
   * The subject's common name.
   *
   * @default - none
   */
  readonly commonName?: string;

  /**
   * The requested lifetime.
   *
   * @default - cert-manager's default, 90 days
   */
  readonly duration?: Duration;

  /**
   * How long before expiry to renew.
   *
   * @default - a third of the lifetime
   */
  readonly renewBefore?: Duration;
}

/**
 * Where the ingress gateway gets the server certificate of an IngressRoute: a Secret in the namespace of the gateway
 * **workload** (Istio reads `credentialName` there, wherever the Gateway object lives).
 */
export class TlsCredential {
  /** A certificate and key given as PEM text; the IngressRoute creates the `kubernetes.io/tls` Secret. */
  public static fromPem(options: TlsCredentialPemOptions): TlsCredential {
    checkArgs('TlsCredential.fromPem', [options]);
    return new TlsCredential('pem', options);
  }

  /**
   * A certificate issued by cert-manager; the IngressRoute creates the `Certificate` that produces the Secret. With an
   * ACME HTTP-01 issuer, set `httpsRedirect: false` (the redirect would send the challenge to HTTPS, which has no
   * certificate yet) or use DNS-01.
   */
  public static fromCertManager(options: TlsCredentialCertManagerOptions): TlsCredential {
    checkArgs('TlsCredential.fromCertManager', [options]);
    return new TlsCredential('cert-manager', options);
  }

  /**
   * A Secret that exists already (made by another tool, or elsewhere in the app). It must be in the gateway
   * workload's namespace, and hold `tls.crt` and `tls.key` (plus `ca.crt`, or a `<name>-cacert` companion, for MUTUAL).
   *
   * @param name the Secret's name
   * @param namespace the Secret's namespace: the gateway workload's (e.g. `istio-system`)
   */
  public static fromSecret(name: string, namespace: string): TlsCredential {
    checkArgs('TlsCredential.fromSecret', [name, namespace]);
    return new TlsCredential('secret', { secretName: name, namespace });
  }

  private constructor(private readonly source: 'pem' | 'cert-manager' | 'secret', private readonly options: any) {}

  /**
   * Creates what the credential needs under `scope` (the IngressRoute) and returns the `credentialName`. Throws
   * when the credential cannot work for the route.
   * @internal
   */
  public _bind(scope: Construct, context: {
    /** Where the gateway workload runs: Istio reads the Secret there. */
    readonly workloadNamespace: string;
    /** The Secret name when the credential does not name one. */
    readonly defaultSecretName: string;
    /** The IngressRoute's hosts, which the certificate must cover. */
    readonly hosts: string[];
    /** Whether the gateway verifies client certificates (MUTUAL, OPTIONAL_MUTUAL). */
    readonly verifiesClients: boolean;
    /** The client CA, PEM, for a `<name>-cacert` companion Secret. */
    readonly clientCaCertificate?: string;
    /** The field of the TLS settings in error messages, e.g. `tls`. */
    readonly field: string;
  }): { credentialName: string; certificate?: Certificate; createsSecret: boolean } {
    const f = context.field;
    const ns = context.workloadNamespace;
    const problems: Problem[] = [];
    const secretName: string = this.options.secretName ?? context.defaultSecretName;
    const nameProblem = objectNameProblem(secretName);
    if (nameProblem) {
      problems.push({ field: `${f}.credential.secretName`, value: secretName, problem: nameProblem, fix: 'name the Secret like "shop-example-com-tls"' });
    }
    if (context.clientCaCertificate !== undefined) {
      problems.push(...certificatePemProblems(`${f}.clientCaCertificate`, context.clientCaCertificate).problems);
    }

    if (this.source === 'secret') {
      const namespace: string = this.options.namespace;
      const nsProblem = k8sLabelNameProblem(namespace);
      if (nsProblem) {
        problems.push({ field: `${f}.credential.namespace`, value: namespace, problem: nsProblem, fix: `use the gateway workload's namespace, "${ns}"` });
      } else if (namespace !== ns) {
        problems.push({
          field: `${f}.credential.namespace`,
          value: namespace,
          problem: `is not the namespace of the gateway workload ("${ns}"), where Istio looks up credentialName `
            + '(whatever the namespace of the Gateway object or of the route)',
          fix: `create or copy Secret "${secretName}" into "${ns}" and pass TlsCredential.fromSecret("${secretName}", "${ns}")`,
          symptom: 'TLS handshake fails: no certificate (the gateway cannot find the Secret, IST0101 credentialName)',
        });
      }
      throwIfProblems(scope, problems);
      this.addClientCaSecret(scope, secretName, ns, context.clientCaCertificate);
      return { credentialName: secretName, createsSecret: false };
    }

    if (this.source === 'pem') {
      const o = this.options as TlsCredentialPemOptions;
      const cert = certificatePemProblems(`${f}.credential.certificate`, o.certificate);
      problems.push(...cert.problems);
      let key: KeyObject | undefined;
      try {
        key = createPrivateKey(o.privateKey);
      } catch (e) {
        // The key itself never goes into a message.
        problems.push({
          field: `${f}.credential.privateKey`,
          problem: `is not a PEM private key (${(e as Error).message})`,
          fix: 'pass the PEM text of the key, starting with "-----BEGIN PRIVATE KEY-----" (or the RSA/EC form)',
          symptom: 'the gateway cannot load the Secret (IST0161) and the TLS handshake fails',
        });
      }
      if (cert.x509 && key && !cert.x509.checkPrivateKey(key)) {
        problems.push({
          field: `${f}.credential.privateKey`,
          problem: `does not belong to the certificate (subject ${cert.x509.subject.replace(/\n/g, ', ')})`,
          fix: 'pass the key the certificate was issued for',
          symptom: 'the gateway rejects the Secret (IST0161) and every TLS handshake fails',
        });
      }
      if (cert.x509) {
        const x509 = cert.x509;
        const uncovered = context.hosts.filter(h => h !== '*' && !x509Covers(x509, h));
        if (uncovered.length > 0) {
          problems.push({
            field: `${f}.credential.certificate`,
            value: uncovered,
            problem: `does not cover these hosts of the route (its names: ${JSON.stringify(x509Names(x509))})`,
            fix: 'use a certificate whose subject alternative names include every host (a "*.example.com" wildcard covers one level)',
            symptom: 'clients reject the connection with a certificate name mismatch',
          });
        }
      }
      if (context.verifiesClients && context.clientCaCertificate === undefined) {
        problems.push({
          field: `${f}.clientCaCertificate`,
          problem: 'is required to verify client certificates: the Secret made from certificate and privateKey has no ca.crt',
          fix: 'pass the PEM of the CA that signs client certificates as clientCaCertificate, or use mode SIMPLE',
          symptom: 'the gateway has no CA to verify clients with and the TLS handshake fails',
        });
      }
      throwIfProblems(scope, problems);
      const secret = new plus.TlsSecret(scope, 'TlsSecret', {
        metadata: { name: secretName, namespace: ns },
        tlsCert: o.certificate,
        tlsKey: o.privateKey,
      });
      markPlacedElsewhere(secret);
      this.addClientCaSecret(scope, secretName, ns, context.clientCaCertificate);
      return { credentialName: secretName, createsSecret: true };
    }

    // cert-manager
    const o = this.options as TlsCredentialCertManagerOptions;
    if (o.dnsNames === undefined && context.hosts.includes('*')) {
      problems.push({
        field: `${f}.credential.dnsNames`,
        value: context.hosts,
        problem: 'is needed: the route\'s hosts include "*", which no certificate authority signs',
        fix: 'list the DNS names the certificate is for as dnsNames (e.g. ["*.example.com"])',
      });
    }
    const dnsNames = o.dnsNames ?? context.hosts;
    const uncovered = context.hosts.filter(h => h !== '*' && !dnsNames.some(d => hostCovers(d, h)));
    if (uncovered.length > 0) {
      problems.push({
        field: `${f}.credential.dnsNames`,
        value: uncovered,
        problem: `do not cover these hosts of the route (dnsNames: ${JSON.stringify(dnsNames)})`,
        fix: 'add the hosts (or a wildcard covering them) to dnsNames, or leave dnsNames out to use the route\'s hosts',
        symptom: 'clients reject the connection with a certificate name mismatch',
      });
    }
    throwIfProblems(scope, problems);
    const certificate = new Certificate(scope, 'Certificate', {
      metadata: { name: secretName, namespace: ns },
      secretName,
      issuer: o.issuer,
      dnsNames: [...dnsNames],
      commonName: o.commonName,
      duration: o.duration,
      renewBefore: o.renewBefore,
    });
    markPlacedElsewhere(certificate);
    this.addClientCaSecret(scope, secretName, ns, context.clientCaCertificate);
    return { credentialName: secretName, certificate, createsSecret: true };
  }

  /** Istio reads the client CA from `<credentialName>-cacert` before falling back to `ca.crt` of the credential itself. */
  private addClientCaSecret(scope: Construct, secretName: string, namespace: string, pem: string | undefined): void {
    if (pem === undefined) return;
    const clientCa = new plus.Secret(scope, 'ClientCaSecret', {
      metadata: { name: `${secretName}-cacert`, namespace },
      type: 'Opaque',
      stringData: { 'ca.crt': pem },
    });
    markPlacedElsewhere(clientCa);
  }
}

/**
 * The TLS settings of an IngressRoute whose gateway terminates TLS.
 */
export interface IngressTls {
  /** Where the server certificate comes from. */
  readonly credential: TlsCredential;

  /**
   * How TLS is terminated.
   *
   * @default IngressTlsMode.SIMPLE
   */
  readonly mode?: IngressTlsMode;

  /**
   * MUTUAL and OPTIONAL_MUTUAL: the CA that signs client certificates, PEM. It is stored in a `<credentialName>-cacert`
   * Secret next to the credential, where Istio looks first.
   *
   * @default - the `ca.crt` of the credential's Secret (cert-manager writes it for CA issuers; required with `fromPem`)
   */
  readonly clientCaCertificate?: string;

  /**
   * MUTUAL and OPTIONAL_MUTUAL: the subject alternative names client certificates must carry.
   *
   * @default - any client certificate the CA signed
   */
  readonly subjectAltNames?: string[];

  /**
   * HTTP routes: also listen for plain HTTP on `httpPort` and answer every request with a 301 redirect to HTTPS.
   *
   * @default true
   */
  readonly httpsRedirect?: boolean;

  /**
   * HTTP routes: the plain-HTTP port that redirects to HTTPS.
   *
   * @default 80
   */
  readonly httpPort?: number;

  /**
   * The minimum TLS version.
   *
   * @default TlsProtocolVersion.TLSV1_2
   */
  readonly minProtocolVersion?: TlsProtocolVersion;

  /**
   * The maximum TLS version.
   *
   * @default - Envoy's default (TLS 1.3)
   */
  readonly maxProtocolVersion?: TlsProtocolVersion;

  /**
   * Cipher suites, in BoringSSL names.
   *
   * @default - Istio's default suites
   */
  readonly cipherSuites?: string[];
}

/** Parses a PEM certificate: the problems, and the certificate when it parses. */
function certificatePemProblems(field: string, pem: string): { problems: Problem[]; x509?: X509Certificate } {
  try {
    return { problems: [], x509: new X509Certificate(pem) };
  } catch (e) {
    return {
      problems: [{
        field,
        problem: `is not a PEM certificate (${(e as Error).message})`,
        fix: 'pass the PEM text, starting with "-----BEGIN CERTIFICATE-----"',
        symptom: 'the gateway cannot load the Secret (IST0161) and the TLS handshake fails',
      }],
    };
  }
}

/** The DNS names of a certificate (its subject alternative names). */
function x509Names(x509: X509Certificate): string[] {
  return (x509.subjectAltName ?? '').split(/,\s*/).filter(n => n.startsWith('DNS:')).map(n => n.slice(4));
}

/** Whether the certificate is valid for `host`; a `*.` host needs the same wildcard in the certificate. */
function x509Covers(x509: X509Certificate, host: string): boolean {
  if (host.startsWith('*.')) return x509Names(x509).some(n => n.toLowerCase() === host.toLowerCase());
  return x509.checkHost(host) !== undefined;
}
