import { ApiObject, Chart, Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-27';
import { allOf, oneOf, synth } from './util';
import { AuthorizationPolicy } from '../src/authorization-policy';
import { CanaryRelease, CanaryWorkload } from '../src/canary-release';
import { CertificateIssuer } from '../src/certificate';
import { IngressRoute } from '../src/ingress-route';
import { TlsCredential } from '../src/ingress-tls';
import { EgressFilter, MeshEnrollment, MeshEnrollmentMode, MeshNamespace, MeshNamespaceProps } from '../src/mesh-namespace';
import { MeshService } from '../src/mesh-service';
import { MeshDeployment, SidecarInjection } from '../src/mesh-workload';
import { MtlsMode, PeerAuthentication } from '../src/peer-authentication';
import { Protocol } from '../src/protocol';
import { Sidecar } from '../src/sidecar';

/** A chart without a namespace, as MeshNamespace is meant to be used. */
function chart(namespace?: string): Chart {
  return new Chart(Testing.app(), 'test', namespace === undefined ? {} : { namespace });
}

function meshNamespace(props: Partial<MeshNamespaceProps> = {}, c: Chart = chart()): MeshNamespace {
  return new MeshNamespace(c, 'Ns', { name: 'shop', ...props });
}

function webapp(scope: MeshNamespace, props: { sidecarInjection?: SidecarInjection; podLabels?: { [key: string]: string } } = {}): MeshDeployment {
  return new MeshDeployment(scope, 'Webapp', {
    app: 'webapp',
    version: 'v1',
    sidecarInjection: props.sidecarInjection,
    podMetadata: props.podLabels ? { labels: props.podLabels } : undefined,
    containers: [{ image: 'istioinaction/webapp:latest', ports: [{ number: 8080, name: 'http' }] }],
  });
}

describe('MeshNamespace manifests', () => {
  test('default: sidecar injection and a namespace-wide STRICT PeerAuthentication named default', () => {
    // GIVEN
    const c = chart();

    // WHEN
    new MeshNamespace(c, 'Shop', { name: 'shop' });

    // THEN
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'Namespace', 'shop').metadata).toEqual({ name: 'shop', labels: { 'istio-injection': 'enabled' } });
    expect(oneOf(manifests, 'PeerAuthentication', 'default')).toEqual({
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: 'shop' },
      spec: { mtls: { mode: 'STRICT' } },
    });
    expect(manifests.map(m => m.kind)).toEqual(['Namespace', 'PeerAuthentication']);
  });

  test('revision enrollment: istio.io/rev only, PERMISSIVE for a migration, plain text on one workload\'s metrics port', () => {
    // GIVEN
    const c = chart();

    // WHEN
    const ns = new MeshNamespace(c, 'Shop', {
      name: 'shop',
      enrollment: MeshEnrollment.revision('1-22-3'),
      mtls: MtlsMode.PERMISSIVE,
      portMtlsOverrides: [{ selector: { app: 'reviews' }, port: 9090, mode: MtlsMode.DISABLE }],
    });

    // THEN
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'Namespace', 'shop').metadata.labels).toEqual({ 'istio.io/rev': '1-22-3' });
    expect(oneOf(manifests, 'PeerAuthentication', 'default').spec).toEqual({ mtls: { mode: 'PERMISSIVE' } });
    // The override inherits the namespace's mode on every other port: no mtls of its own.
    expect(oneOf(manifests, 'PeerAuthentication', 'reviews').spec).toEqual({
      selector: { matchLabels: { app: 'reviews' } },
      portLevelMtls: { 9090: { mode: 'DISABLE' } },
    });
    expect(ns.enrollment.mode).toBe(MeshEnrollmentMode.REVISION);
    expect(ns.enrollment.controlPlaneRevision).toBe('1-22-3');
    expect(ns.enrollment.injectsSidecars).toBe(true);
  });

  test('ambient with a waypoint: dataplane-mode and use-waypoint labels, an istio-waypoint Gateway, STRICT and default deny', () => {
    // GIVEN
    const c = chart();

    // WHEN
    const ns = new MeshNamespace(c, 'Shop', {
      name: 'shop',
      enrollment: MeshEnrollment.ambient({ waypoint: true }),
      defaultDeny: true,
    });

    // THEN
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'Namespace', 'shop').metadata.labels).toEqual({
      'istio.io/dataplane-mode': 'ambient',
      'istio.io/use-waypoint': 'waypoint',
    });
    expect(oneOf(manifests, 'Gateway', 'waypoint')).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'waypoint', namespace: 'shop', labels: { 'istio.io/waypoint-for': 'service' } },
      spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] },
    });
    expect(oneOf(manifests, 'PeerAuthentication', 'default').spec).toEqual({ mtls: { mode: 'STRICT' } });
    expect(oneOf(manifests, 'AuthorizationPolicy', 'deny-all').spec).toEqual({ action: 'ALLOW' });
    expect(ns.waypoint).toBeDefined();
    expect(ns.enrollment.injectsSidecars).toBe(false);
  });

  test('ambient with a named waypoint, and ambient without one', () => {
    // GIVEN
    const c = chart();

    // WHEN
    new MeshNamespace(c, 'Shop', { name: 'shop', enrollment: MeshEnrollment.ambient({ waypointName: 'shop-waypoint' }) });
    const plain = new MeshNamespace(c, 'Blog', { name: 'blog', enrollment: MeshEnrollment.ambient() });

    // THEN
    const manifests = synth(c);
    expect(oneOf(manifests, 'Namespace', 'shop').metadata.labels['istio.io/use-waypoint']).toBe('shop-waypoint');
    expect(oneOf(manifests, 'Gateway', 'shop-waypoint').metadata.namespace).toBe('shop');
    expect(oneOf(manifests, 'Namespace', 'blog').metadata.labels).toEqual({ 'istio.io/dataplane-mode': 'ambient' });
    expect(allOf(manifests, 'Gateway')).toHaveLength(1);
    expect(plain.waypoint).toBeUndefined();
  });

  test('disabled: istio-injection disabled, and no mesh policy (nothing would enforce it)', () => {
    // GIVEN
    const c = chart();

    // WHEN
    const ns = new MeshNamespace(c, 'Legacy', { name: 'legacy', enrollment: MeshEnrollment.disabled() });

    // THEN
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    expect(manifests).toEqual([{
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'legacy', labels: { 'istio-injection': 'disabled' } },
      spec: {},
    }]);
    expect(ns.mtlsMode).toBe(MtlsMode.UNSET);
    expect(ns.peerAuthentication).toBeUndefined();
  });

  test('locked-down namespace: egress lockdown, default deny, and traffic allowed from a namespace, a service account and the ingress gateway', () => {
    // GIVEN
    const c = chart();
    const ns = new MeshNamespace(c, 'Shop', {
      name: 'shop',
      labels: { team: 'checkout' },
      annotations: { 'example.com/owner': 'checkout-team' },
      egressFilter: EgressFilter.registryOnly({ allowedHosts: ['payments/*', './api.stripe.com'] }),
      defaultDeny: true,
    });

    // WHEN
    ns.allowFromNamespaces(['frontend']);
    ns.allowFromServiceAccounts(['monitoring/prometheus'], { to: [{ ports: [9090] }] });
    ns.allowFromIngressGateway();

    // THEN
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'Namespace', 'shop').metadata).toEqual({
      name: 'shop',
      labels: { 'team': 'checkout', 'istio-injection': 'enabled' },
      annotations: { 'example.com/owner': 'checkout-team' },
    });
    expect(oneOf(manifests, 'Sidecar', 'default')).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Sidecar',
      metadata: { name: 'default', namespace: 'shop' },
      spec: {
        egress: [{ hosts: ['./*', 'istio-system/*', 'payments/*', './api.stripe.com'] }],
        outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
      },
    });
    expect(oneOf(manifests, 'AuthorizationPolicy', 'deny-all').spec).toEqual({ action: 'ALLOW' });
    expect(oneOf(manifests, 'AuthorizationPolicy', 'allow-from-namespaces').spec).toEqual({
      action: 'ALLOW',
      rules: [{ from: [{ source: { namespaces: ['frontend'] } }] }],
    });
    expect(oneOf(manifests, 'AuthorizationPolicy', 'allow-from-service-accounts').spec.rules).toEqual([
      { from: [{ source: { serviceAccounts: ['monitoring/prometheus'] } }], to: [{ operation: { ports: ['9090'] } }] },
    ]);
    expect(oneOf(manifests, 'AuthorizationPolicy', 'allow-from-ingress-gateway').spec.rules).toEqual([
      { from: [{ source: { serviceAccounts: ['istio-system/istio-ingressgateway-service-account'] } }] },
    ]);
    for (const m of manifests.filter(o => o.kind !== 'Namespace')) expect(m.metadata.namespace).toBe('shop');
  });

  test('reference scenario: namespace istioinaction with automatic sidecar injection, and a busybox pod kept out of the mesh', () => {
    // GIVEN
    const c = chart();
    const ns = new MeshNamespace(c, 'IstioInAction', { name: 'istioinaction' });

    // WHEN
    new MeshDeployment(ns, 'Busybox', {
      app: 'busybox',
      version: 'v1',
      replicas: 1,
      sidecarInjection: SidecarInjection.DISABLED,
      containers: [{ image: 'busybox:1.36', command: ['sleep', '3650d'], securityContext: { user: 1000 } }],
    });

    // THEN
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'Namespace', 'istioinaction').metadata).toEqual({
      name: 'istioinaction',
      labels: { 'istio-injection': 'enabled' },
    });
    const busybox = oneOf(manifests, 'Deployment', 'busybox');
    expect(busybox.metadata.namespace).toBe('istioinaction');
    expect(busybox.spec.template.metadata.labels).toMatchObject({ 'app': 'busybox', 'version': 'v1', 'sidecar.istio.io/inject': 'false' });
  });

  test('in a chart with a namespace, the Namespace object carries none and what is created inside lands in the MeshNamespace', () => {
    // GIVEN
    const c = chart('chart-ns');
    const ns = new MeshNamespace(c, 'Shop', { name: 'shop' });

    // WHEN
    webapp(ns);
    new MeshService(ns, 'WebappService', { metadata: { name: 'webapp' }, ports: [{ port: 80, targetPort: 8080, protocol: Protocol.HTTP }] });
    AuthorizationPolicy.allowAll(ns, 'AllowWebapp', { selector: { app: 'webapp' } });
    new plus.ConfigMap(ns, 'Settings', { metadata: { name: 'settings', namespace: ns.namespaceName }, data: { color: 'blue' } });

    // THEN
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'Namespace', 'shop').metadata.namespace).toBeUndefined();
    expect(manifests.filter(m => m.kind !== 'Namespace').map(m => [m.kind, m.metadata.namespace])).toEqual([
      ['PeerAuthentication', 'shop'],
      ['Deployment', 'shop'],
      ['Service', 'shop'],
      ['AuthorizationPolicy', 'shop'],
      ['ConfigMap', 'shop'],
    ]);
  });
});

describe('MeshNamespace enrollment and policy combinations', () => {
  // Every enrollment mode with the policies it supports (the others are refused, see "MeshNamespace errors").
  const combinations: Array<[string, Partial<MeshNamespaceProps>, (ns: MeshNamespace) => void, string[]]> = [
    ['sidecar injection, PERMISSIVE, egress lockdown, default deny allowing a namespace',
      { mtls: MtlsMode.PERMISSIVE, egressFilter: EgressFilter.registryOnly({ allowedHosts: ['payments/*'] }), defaultDeny: true },
      ns => ns.allowFromNamespaces(['frontend']),
      ['Namespace', 'PeerAuthentication', 'Sidecar', 'AuthorizationPolicy', 'AuthorizationPolicy']],
    ['sidecar injection, mTLS DISABLE with a STRICT port override',
      { mtls: MtlsMode.DISABLE, portMtlsOverrides: [{ selector: { app: 'payments' }, port: 8443, mode: MtlsMode.STRICT }] },
      () => undefined,
      ['Namespace', 'PeerAuthentication', 'PeerAuthentication']],
    ['revision, STRICT, egress lockdown, default deny allowing the ingress gateway',
      { enrollment: MeshEnrollment.revision('canary'), egressFilter: EgressFilter.registryOnly(), defaultDeny: true },
      ns => ns.allowFromIngressGateway(),
      ['Namespace', 'PeerAuthentication', 'Sidecar', 'AuthorizationPolicy', 'AuthorizationPolicy']],
    ['revision, mTLS UNSET (the mesh-wide policy applies)',
      { enrollment: MeshEnrollment.revision('canary'), mtls: MtlsMode.UNSET },
      () => undefined,
      ['Namespace']],
    ['ambient without a waypoint, STRICT with a PERMISSIVE port override, default deny allowing a service account',
      { enrollment: MeshEnrollment.ambient(), defaultDeny: true, portMtlsOverrides: [{ selector: { app: 'legacy' }, port: 8080, mode: MtlsMode.PERMISSIVE }] },
      ns => ns.allowFromServiceAccounts(['frontend/web']),
      ['Namespace', 'PeerAuthentication', 'PeerAuthentication', 'AuthorizationPolicy', 'AuthorizationPolicy']],
    ['ambient with a waypoint, PERMISSIVE',
      { enrollment: MeshEnrollment.ambient({ waypoint: true }), mtls: MtlsMode.PERMISSIVE },
      () => undefined,
      ['Namespace', 'Gateway', 'PeerAuthentication']],
  ];

  test.each(combinations)('%s', (_, props, addRules, kinds) => {
    // GIVEN
    const c = chart();

    // WHEN
    addRules(meshNamespace(props, c));

    // THEN
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    expect(manifests.map(m => m.kind)).toEqual(kinds);
    expect(oneOf(manifests, 'Namespace', 'shop').metadata.labels).toEqual((props.enrollment ?? MeshEnrollment.sidecarInjection()).labels);
    for (const m of manifests.filter(o => o.kind !== 'Namespace')) expect(m.metadata.namespace).toBe('shop');
  });
});

describe('MeshNamespace behaviour', () => {
  test('mtls UNSET creates no PeerAuthentication, so the mesh-wide policy applies', () => {
    // GIVEN
    const c = chart();

    // WHEN
    meshNamespace({ mtls: MtlsMode.UNSET }, c);

    // THEN
    expect(allOf(synth(c), 'PeerAuthentication')).toEqual([]);
  });

  test('port overrides with the same selector share one workload-level PeerAuthentication', () => {
    // GIVEN
    const c = chart();
    const ns = meshNamespace({}, c);

    // WHEN
    const first = ns.addPortMtlsOverride({ selector: { app: 'reviews', version: 'v1' }, port: 9090, mode: MtlsMode.DISABLE });
    const second = ns.addPortMtlsOverride({ selector: { version: 'v1', app: 'reviews' }, port: 9091, mode: MtlsMode.PERMISSIVE });
    const named = ns.addPortMtlsOverride({ selector: { app: 'db' }, port: 5432, mode: MtlsMode.PERMISSIVE, name: 'db-port-mtls' });

    // THEN
    expect(second).toBe(first);
    expect(first.name).toBe('reviews-v1');
    expect(named.name).toBe('db-port-mtls');
    expect(oneOf(synth(c), 'PeerAuthentication', 'reviews-v1').spec.portLevelMtls).toEqual({
      9090: { mode: 'DISABLE' },
      9091: { mode: 'PERMISSIVE' },
    });
  });

  test('allow helpers add rules to one policy per helper, and return it', () => {
    // GIVEN
    const c = chart();
    const ns = meshNamespace({ defaultDeny: true }, c);

    // WHEN
    const a = ns.allowFromNamespaces(['frontend']);
    const b = ns.allowFromNamespaces(['batch'], { to: [{ methods: ['POST'], paths: ['/jobs'] }] });
    ns.allowFromIngressGateway({ gatewayNamespace: 'ingress', gatewayServiceAccount: 'public-gateway' });

    // THEN
    expect(b).toBe(a);
    const manifests = synth(c);
    expect(oneOf(manifests, 'AuthorizationPolicy', 'allow-from-namespaces').spec.rules).toEqual([
      { from: [{ source: { namespaces: ['frontend'] } }] },
      { from: [{ source: { namespaces: ['batch'] } }], to: [{ operation: { methods: ['POST'], paths: ['/jobs'] } }] },
    ]);
    expect(oneOf(manifests, 'AuthorizationPolicy', 'allow-from-ingress-gateway').spec.rules[0].from).toEqual([
      { source: { serviceAccounts: ['ingress/public-gateway'] } },
    ]);
  });

  test('accessors report what was created', () => {
    // GIVEN
    const ns = meshNamespace({ egressFilter: EgressFilter.registryOnly(), defaultDeny: true });

    // THEN
    expect(ns.name).toBe('shop');
    expect(ns.namespaceName).toBe('shop');
    expect(ApiObject.of(ns.namespace).kind).toBe('Namespace');
    expect(ns.enrollment.mode).toBe(MeshEnrollmentMode.SIDECAR_INJECTION);
    expect(ns.enrollment.labels).toEqual({ 'istio-injection': 'enabled' });
    expect(ns.mtlsMode).toBe(MtlsMode.STRICT);
    expect(ns.peerAuthentication).toBeInstanceOf(PeerAuthentication);
    expect(ns.sidecar).toBeInstanceOf(Sidecar);
    expect(ns.sidecar!.name).toBe('default');
    expect(ns.denyAllPolicy!.name).toBe('deny-all');
    expect(ns.waypoint).toBeUndefined();
  });

  test('a CanaryRelease and an IngressRoute created inside land in the namespace, with the release\'s Deployments and Service', () => {
    // GIVEN
    const c = chart('chart-ns');
    const ns = meshNamespace({}, c);

    // WHEN
    const release = new CanaryRelease(ns, 'Reviews', {
      port: 9080,
      versions: ['v1', 'v2'].map((name, i) => ({
        name,
        weight: i === 0 ? 90 : 10,
        workload: CanaryWorkload.fromImage(`docker.io/istio/examples-bookinfo-reviews-${name}:1.20.3`),
      })),
    });
    new IngressRoute(ns, 'Public', { hosts: ['shop.example.com'], httpRoutes: [{ route: release.splitDestinations }] });

    // THEN
    const manifests = synth(c);
    expect(new Set(manifests.map(m => m.kind))).toEqual(new Set([
      'Namespace', 'PeerAuthentication', 'Deployment', 'Service', 'DestinationRule', 'VirtualService', 'Gateway',
    ]));
    for (const m of manifests.filter(o => o.kind !== 'Namespace')) expect([m.kind, m.metadata.namespace]).toEqual([m.kind, 'shop']);
    expect(oneOf(manifests, 'VirtualService', 'public').spec.gateways).toEqual(['shop/public-gateway']);
  });

  test('Istio rules of the composed resources still apply: a second namespace-wide Sidecar is IST0111', () => {
    // GIVEN
    const c = chart();
    const ns = meshNamespace({ egressFilter: EgressFilter.registryOnly() }, c);

    // WHEN
    new Sidecar(ns, 'Extra', { egress: [{ hosts: ['./*'] }] });

    // THEN
    expect(() => synth(c)).toThrow(/workloadSelector: is not set, and neither is it on test\/Ns\/Sidecar.*IST0111/);
  });
});

describe('MeshNamespace ambient waypoint policies', () => {
  // L7 policy in ambient mode is attached to the waypoint by targetRefs (istio.io/latest/docs/ambient/usage/l7-features/);
  // the pods' ztunnel then sees the waypoint's identity, so it must let the waypoint in.
  test('allow helpers attach to the waypoint by targetRefs, and ztunnel lets the waypoint in', () => {
    // GIVEN
    const c = chart();
    const ns = meshNamespace({ enrollment: MeshEnrollment.ambient({ waypoint: true }), defaultDeny: true }, c);

    // WHEN
    ns.allowFromNamespaces(['frontend'], { to: [{ methods: ['GET'] }] });
    ns.allowFromServiceAccounts(['shop/checkout']);

    // THEN
    const manifests = synth(c);
    const waypointRef = [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' }];
    expect(oneOf(manifests, 'AuthorizationPolicy', 'allow-from-namespaces').spec).toEqual({
      action: 'ALLOW',
      targetRefs: waypointRef,
      rules: [{ from: [{ source: { namespaces: ['frontend'] } }], to: [{ operation: { methods: ['GET'] } }] }],
    });
    expect(oneOf(manifests, 'AuthorizationPolicy', 'allow-from-service-accounts').spec.targetRefs).toEqual(waypointRef);
    expect(oneOf(manifests, 'AuthorizationPolicy', 'allow-from-waypoint').spec).toEqual({
      action: 'ALLOW',
      rules: [{ from: [{ source: { serviceAccounts: ['shop/waypoint'] } }] }],
    });
  });

  test('the ingress gateway rule stays at ztunnel: ingress gateways bypass the waypoint by default (istio/istio#51214)', () => {
    // GIVEN
    const c = chart();
    const ns = meshNamespace({ enrollment: MeshEnrollment.ambient({ waypointName: 'shop-waypoint' }), defaultDeny: true }, c);

    // WHEN
    ns.allowFromIngressGateway();

    // THEN
    const manifests = synth(c);
    expect(oneOf(manifests, 'AuthorizationPolicy', 'allow-from-ingress-gateway').spec.targetRefs).toBeUndefined();
    expect(allOf(manifests, 'AuthorizationPolicy').map(p => p.metadata.name)).not.toContain('allow-from-waypoint');
  });
});

describe('MeshNamespace errors', () => {
  test('a name that is not a DNS-1123 label', () => {
    expect(() => meshNamespace({ name: 'Istio_In_Action' }))
      .toThrow(/\[test\/Ns\] name: must be a lower-case DNS-1123 label.*\(got "Istio_In_Action"\).*Fix: use lower-case letters, digits and "-"/);
  });

  test('istio-system, the root namespace', () => {
    expect(() => meshNamespace({ name: 'istio-system' }))
      .toThrow(/name: is Istio's root namespace.*\(got "istio-system"\).*Fix: configure the control plane through its installation/);
  });

  test('a kube- namespace', () => {
    expect(() => meshNamespace({ name: 'kube-system' }))
      .toThrow(/name: starts with "kube-", which Kubernetes reserves.*Fix: choose another name/);
  });

  test('a revision with dots', () => {
    expect(() => meshNamespace({ enrollment: MeshEnrollment.revision('1.22.3') }))
      .toThrow(/enrollment\.revision: must be a lower-case DNS-1123 label.*\(got "1\.22\.3"\).*Fix: .*with dashes instead of dots, e\.g\. "1-22-3".*In the cluster: no injector webhook/);
  });

  test('a waypoint name that cannot name a Service', () => {
    expect(() => meshNamespace({ enrollment: MeshEnrollment.ambient({ waypointName: '1st-waypoint' }) }))
      .toThrow(/enrollment\.waypointName: must be a DNS-1035 label.*because Istio names the waypoint's Service after it \(got "1st-waypoint"\).*Fix: use a name such as "waypoint"/);
  });

  test('a waypoint name with waypoint: false', () => {
    expect(() => meshNamespace({ enrollment: MeshEnrollment.ambient({ waypoint: false, waypointName: 'wp' }) }))
      .toThrow(/enrollment\.waypointName: is set together with waypoint: false.*Fix: remove waypoint: false to deploy the waypoint, or remove waypointName/);
  });

  test('an enrollment label given by hand (IST0123)', () => {
    expect(() => meshNamespace({ enrollment: MeshEnrollment.revision('canary'), labels: { 'istio-injection': 'enabled' } }))
      .toThrow(/labels\["istio-injection"\]: is an enrollment label; .*exactly one enrollment mode.*IST0123.*Fix: pass enrollment: MeshEnrollment\.sidecarInjection\(\)/);
  });

  test('the pod label sidecar.istio.io/inject on the namespace', () => {
    expect(() => meshNamespace({ labels: { 'sidecar.istio.io/inject': 'false' } }))
      .toThrow(/labels\["sidecar\.istio\.io\/inject"\]: is a pod label, not a namespace label.*Fix: remove it: .*MeshDeployment's sidecarInjection/);
  });

  test('an invalid label', () => {
    expect(() => meshNamespace({ labels: { team: 'check out' } }))
      .toThrow(/labels\["team"\]: label value "check out" of "team" is not a valid Kubernetes label value \(got "check out"\)\. Fix: use a key like "app"/);
  });

  test('an invalid annotation key', () => {
    expect(() => meshNamespace({ annotations: { 'example.com/owner/team': 'x' } }))
      .toThrow(/annotations\["example\.com\/owner\/team"\]: annotation key .* has an invalid prefix.*Fix: use a valid annotation key/);
  });

  test('a MeshNamespace inside another', () => {
    const outer = meshNamespace();
    expect(() => new MeshNamespace(outer, 'Inner', { name: 'inner' }))
      .toThrow(/\[test\/Ns\/Inner\] scope: is inside another MeshNamespace; namespaces do not nest \(got "test\/Ns"\).*Fix: create the MeshNamespace in the Chart/);
  });

  test.each([
    ['mtls', { mtls: MtlsMode.STRICT }, /mtls: has no effect in a namespace whose enrollment is disabled.*\(got "STRICT"\).*Fix: enroll the namespace.*or remove mtls\..*In the cluster: the policy is applied but nothing enforces it/],
    ['egressFilter', { egressFilter: EgressFilter.registryOnly() }, /egressFilter: has no effect in a namespace whose enrollment is disabled.*\(got "EgressFilter\.registryOnly\(\)"\)\. Fix: enroll the namespace.*or remove egressFilter\./],
    ['defaultDeny', { defaultDeny: true }, /defaultDeny: has no effect in a namespace whose enrollment is disabled.*\(got true\).*Fix: enroll the namespace.*or remove defaultDeny\./],
  ])('a mesh policy (%s) in a namespace whose enrollment is disabled', (_, props, message) => {
    expect(() => meshNamespace({ enrollment: MeshEnrollment.disabled(), ...props })).toThrow(message);
  });

  test('a port override in a namespace whose enrollment is disabled', () => {
    const ns = meshNamespace({ enrollment: MeshEnrollment.disabled() });
    expect(() => ns.addPortMtlsOverride({ selector: { app: 'db' }, port: 5432, mode: MtlsMode.DISABLE }))
      .toThrow(/addPortMtlsOverride\(5432\)\.mode: has no effect in a namespace whose enrollment is disabled.*Fix: enroll the namespace.*or remove addPortMtlsOverride\(\)/);
  });

  test('mtls DISABLE in ambient mode', () => {
    expect(() => meshNamespace({ enrollment: MeshEnrollment.ambient(), mtls: MtlsMode.DISABLE }))
      .toThrow(/mtls: is not supported in ambient mode: ztunnel always tunnels through mutual TLS.*Fix: use MtlsMode\.PERMISSIVE.*In the cluster: Istio ignores the DISABLE policy/);
  });

  test('a DISABLE port override in ambient mode', () => {
    const ns = meshNamespace({ enrollment: MeshEnrollment.ambient() });
    expect(() => ns.addPortMtlsOverride({ selector: { app: 'db' }, port: 5432, mode: MtlsMode.DISABLE }))
      .toThrow(/addPortMtlsOverride\(5432\)\.mode: is not supported in ambient mode.*Fix: use MtlsMode\.PERMISSIVE/);
  });

  test('egress lockdown in ambient mode (IST0167)', () => {
    expect(() => meshNamespace({ enrollment: MeshEnrollment.ambient(), egressFilter: EgressFilter.registryOnly({ allowedHosts: ['payments/*'] }) }))
      .toThrow(/egressFilter: is a Sidecar, which has no effect on ambient workloads \(istioctl analyze IST0167\) \(got "EgressFilter\.registryOnly\(\)"\).*Fix: use EgressFilter\.allowAll\(\)/);
  });

  test('an egress host not in namespace/dnsName form', () => {
    expect(() => meshNamespace({ egressFilter: EgressFilter.registryOnly({ allowedHosts: ['api.stripe.com'] }) }))
      .toThrow(/\[test\/Ns\/Sidecar\] egress\[0\]\.hosts\[2\]: must have the form namespace\/dnsName \(got "api\.stripe\.com"\).*Fix: write namespace\/dnsName/);
  });

  test('an allow helper without defaultDeny', () => {
    const ns = meshNamespace();
    expect(() => ns.allowFromNamespaces(['frontend']))
      .toThrow(/allowFromNamespaces\(\): needs defaultDeny.*Fix: pass defaultDeny: true to the MeshNamespace/);
  });

  test('a port override whose name is taken', () => {
    const ns = meshNamespace();
    ns.addPortMtlsOverride({ selector: { app: 'reviews' }, port: 9090, mode: MtlsMode.DISABLE });
    expect(() => ns.addPortMtlsOverride({ selector: { app: 'ratings' }, port: 9090, mode: MtlsMode.DISABLE, name: 'reviews' }))
      .toThrow(/addPortMtlsOverride\(9090\)\.name: is already the name of the PeerAuthentication for selector \{"app":"reviews"\} \(got "reviews"\).*Fix: pass another name/);
  });

  test('a port override named like the namespace-wide PeerAuthentication', () => {
    const ns = meshNamespace();
    expect(() => ns.addPortMtlsOverride({ selector: { app: 'default' }, port: 9090, mode: MtlsMode.DISABLE }))
      .toThrow(/addPortMtlsOverride\(9090\)\.name: is the name of the namespace-wide PeerAuthentication \(got "default"\).*Fix: pass another name/);
  });

  test('synth: a plain cdk8s-plus object inside the MeshNamespace that lands elsewhere', () => {
    const c = chart('chart-ns');
    const ns = meshNamespace({}, c);
    new plus.ConfigMap(ns, 'Settings', { metadata: { name: 'settings' }, data: { color: 'blue' } });
    expect(() => synth(c))
      .toThrow(/\[test\/Ns\] ConfigMap "settings" \(test\/Ns\/Settings\/Resource\) metadata\.namespace: is not "shop".*\(got "chart-ns"\).*Fix: pass metadata: \{ namespace: "shop" \}.*In the cluster: the object lands in namespace "chart-ns"/);
  });

  test('synth: an enrollment label added to the Namespace object after construction (IST0123)', () => {
    const c = chart();
    const ns = meshNamespace({}, c);
    ns.namespace.metadata.addLabel('istio.io/rev', 'canary');
    expect(() => synth(c))
      .toThrow(/\[test\/Ns\] Namespace "shop" metadata\.labels\["istio\.io\/rev"\]: was added after construction, but enrollment sidecar-injection does not set it; .*IST0123\) \(got "canary"\)\. Fix: do not change enrollment labels on the Namespace object; pass enrollment: MeshEnrollment\.revision/);
  });

  test('synth: two Namespace objects with the same name', () => {
    const c = chart();
    meshNamespace({}, c);
    new plus.Namespace(c, 'Again', { metadata: { name: 'shop' } });
    expect(() => synth(c))
      .toThrow(/\[test\/Ns\] name: is also the name of the Namespace at test\/Again \(got "shop"\).*Fix: create each namespace once/);
  });

  test('synth: a pod that opts in to injection in a namespace whose enrollment is disabled', () => {
    const c = chart();
    webapp(meshNamespace({ enrollment: MeshEnrollment.disabled() }, c), { sidecarInjection: SidecarInjection.ENABLED });
    expect(() => synth(c))
      .toThrow(/Deployment "webapp" \(test\/Ns\/Webapp\) spec\.template\.metadata\.labels\["sidecar\.istio\.io\/inject"\]: is ignored: namespace "shop" is labelled istio-injection: disabled.*\(got "true"\).*Fix: enroll the namespace.*In the cluster: the pod starts without a sidecar/);
  });

  test('synth: a pod that opts out of injection in an ambient namespace', () => {
    const c = chart();
    webapp(meshNamespace({ enrollment: MeshEnrollment.ambient() }, c), { sidecarInjection: SidecarInjection.DISABLED });
    expect(() => synth(c))
      .toThrow(/Deployment "webapp" .*\["sidecar\.istio\.io\/inject"\]: does not keep the pod out of the mesh: namespace "shop" is ambient.*\(got "false"\).*Fix: label the pod template istio\.io\/dataplane-mode: none/);
  });

  test('synth: a namespace-wide Sidecar in an ambient namespace (IST0167)', () => {
    const c = chart();
    new Sidecar(meshNamespace({ enrollment: MeshEnrollment.ambient() }, c), 'Default', { egress: [{ hosts: ['./*'] }] });
    expect(() => synth(c))
      .toThrow(/Sidecar "default" \(test\/Ns\/Default\): is the default Sidecar of namespace "shop", which is ambient.*IST0167.*Fix: remove the Sidecar/);
  });
});

describe('MeshNamespace scenarios that are not errors', () => {
  test('an IngressRoute inside it keeps its TLS certificate in the gateway workload\'s namespace', () => {
    // GIVEN
    const c = chart();
    const ns = meshNamespace({}, c);

    // WHEN
    new IngressRoute(ns, 'Public', {
      hosts: ['shop.example.com'],
      tls: { credential: TlsCredential.fromCertManager({ issuer: CertificateIssuer.clusterIssuer('letsencrypt') }) },
      httpRoutes: [{ directResponse: { status: 200 } }],
    });

    // THEN
    const manifests = synth(c);
    expect(oneOf(manifests, 'Certificate').metadata).toEqual({ name: 'shop-public-tls', namespace: 'istio-system' });
    expect(oneOf(manifests, 'VirtualService').metadata.namespace).toBe('shop');
    expect(oneOf(manifests, 'Gateway').metadata.namespace).toBe('shop');
  });

  test('an ambient pod kept out with istio.io/dataplane-mode: none, and a sidecar pod mixed into an ambient namespace', () => {
    // GIVEN
    const c = chart();
    const ns = meshNamespace({ enrollment: MeshEnrollment.ambient() }, c);

    // WHEN
    webapp(ns, { sidecarInjection: SidecarInjection.DISABLED, podLabels: { 'istio.io/dataplane-mode': 'none' } });
    new MeshDeployment(ns, 'Legacy', {
      app: 'legacy',
      version: 'v1',
      sidecarInjection: SidecarInjection.ENABLED,
      containers: [{ image: 'legacy:1', ports: [{ number: 8080, name: 'http' }] }],
    });

    // THEN
    const manifests = synth(c);
    expect(oneOf(manifests, 'Deployment', 'webapp').spec.template.metadata.labels['istio.io/dataplane-mode']).toBe('none');
    expect(oneOf(manifests, 'Deployment', 'legacy').spec.template.metadata.labels['sidecar.istio.io/inject']).toBe('true');
  });
});
