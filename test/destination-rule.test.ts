import { Chart, Duration, Testing } from 'cdk8s';
import { allOf, oneOf, synth } from './util';
import { DestinationRule, DestinationRuleProps } from '../src/destination-rule';
import {
  ClientTlsMode, ConsistentHash, H2UpgradePolicy, HashFunction, LoadBalancerAlgorithm, LocalityDistribution, TrafficPolicy,
} from '../src/traffic-policy';

/** A DestinationRule for `reviews` with the given policy; returns the thunk that builds it. */
function withPolicy(trafficPolicy: TrafficPolicy): () => void {
  return () => new DestinationRule(Testing.chart(), 'Reviews', { host: 'reviews', trafficPolicy });
}

function rule(props: Partial<DestinationRuleProps> = {}): () => void {
  return () => new DestinationRule(Testing.chart(), 'Reviews', { host: 'reviews', ...props });
}

const OUTLIER = { outlierDetection: {} };

describe('snapshots', () => {
  test('Bookinfo destination-rule-all.yaml', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    const productpage = new DestinationRule(chart, 'Productpage', { host: 'productpage' });
    productpage.addSubset({ name: 'v1', labels: { version: 'v1' } });
    new DestinationRule(chart, 'Reviews', {
      host: 'reviews',
      subsets: ['v1', 'v2', 'v3'].map(v => ({ name: v, labels: { version: v } })),
    });
    const ratings = new DestinationRule(chart, 'Ratings', { host: 'ratings' });
    for (const v of ['v1', 'v2', 'v2-mysql', 'v2-mysql-vm']) ratings.addSubset({ name: v, labels: { version: v } });
    new DestinationRule(chart, 'Details', { host: 'details', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] });
    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(allOf(manifests, 'DestinationRule').map(m => m.metadata.name)).toEqual(['productpage', 'reviews', 'ratings', 'details']);
    expect(oneOf(manifests, 'DestinationRule', 'ratings').spec).toEqual({
      host: 'ratings',
      subsets: [
        { name: 'v1', labels: { version: 'v1' } },
        { name: 'v2', labels: { version: 'v2' } },
        { name: 'v2-mysql', labels: { version: 'v2-mysql' } },
        { name: 'v2-mysql-vm', labels: { version: 'v2-mysql-vm' } },
      ],
    });
  });

  test('a full traffic policy with subset and port-level overrides', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    // WHEN
    const dr = new DestinationRule(chart, 'Checkout', {
      host: 'checkout.shop.svc.cluster.local',
      exportTo: ['.', 'frontend'],
      trafficPolicy: {
        loadBalancer: {
          simple: LoadBalancerAlgorithm.LEAST_REQUEST,
          localityLbSetting: {
            enabled: true,
            failover: [{ from: 'us-east', to: 'us-west' }],
          },
          warmup: { duration: Duration.seconds(30), minimumPercent: 20, aggression: 2 },
        },
        connectionPool: {
          tcp: {
            maxConnections: 100,
            connectTimeout: Duration.millis(250),
            tcpKeepalive: { probes: 3, time: Duration.minutes(5), interval: Duration.seconds(30) },
            maxConnectionDuration: Duration.hours(1),
            idleTimeout: Duration.seconds(0),
          },
          http: {
            http1MaxPendingRequests: 50,
            http2MaxRequests: 1000,
            maxRequestsPerConnection: 10,
            maxRetries: 3,
            idleTimeout: Duration.seconds(90),
            h2UpgradePolicy: H2UpgradePolicy.UPGRADE,
            maxConcurrentStreams: 100,
          },
        },
        outlierDetection: {
          consecutive5xxErrors: 5,
          consecutiveGatewayErrors: 3,
          consecutiveLocalOriginFailures: 2,
          splitExternalLocalOriginErrors: true,
          interval: Duration.seconds(10),
          baseEjectionTime: Duration.seconds(30),
          maxEjectionPercent: 50,
          minHealthPercent: 25,
        },
        tls: { mode: ClientTlsMode.ISTIO_MUTUAL },
      },
    });
    dr.addSubset({
      name: 'v2',
      labels: { version: 'v2' },
      trafficPolicy: {
        loadBalancer: {
          consistentHash: ConsistentHash.httpCookie(
            { name: 'checkout-session', path: '/', ttl: Duration.hours(1), attributes: { SameSite: 'Strict', Secure: '' } },
            { hashFunction: HashFunction.maglev(65537) },
          ),
        },
      },
      portPolicies: [{ port: 8443, policy: { tls: { mode: ClientTlsMode.SIMPLE, caCertificates: '/etc/certs/ca.pem', sni: 'checkout.example.com' } } }],
    });
    dr.addPortPolicy(9080, {
      loadBalancer: { consistentHash: ConsistentHash.httpHeader('x-user', { hashFunction: HashFunction.ringHash(2048) }) },
      connectionPool: { http: { useClientProtocol: true } },
    });
    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    const spec = oneOf(manifests, 'DestinationRule', 'checkout').spec;
    expect(spec.trafficPolicy.connectionPool.tcp).toEqual({
      maxConnections: 100,
      connectTimeout: '250ms',
      tcpKeepalive: { probes: 3, time: '5m', interval: '30s' },
      maxConnectionDuration: '1h',
      idleTimeout: '0s',
    });
    expect(spec.trafficPolicy.portLevelSettings).toEqual([{
      port: { number: 9080 },
      loadBalancer: { consistentHash: { httpHeaderName: 'x-user', ringHash: { minimumRingSize: 2048 } } },
      connectionPool: { http: { useClientProtocol: true } },
    }]);
    expect(spec.subsets[0].trafficPolicy).toEqual({
      loadBalancer: {
        consistentHash: {
          httpCookie: { name: 'checkout-session', path: '/', ttl: '1h', attributes: [{ name: 'SameSite', value: 'Strict' }, { name: 'Secure' }] },
          maglev: { tableSize: 65537 },
        },
      },
      portLevelSettings: [{ port: { number: 8443 }, tls: { mode: 'SIMPLE', caCertificates: '/etc/certs/ca.pem', sni: 'checkout.example.com' } }],
    });
  });

  test('egress TLS origination with a client credential and a workload selector', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'egress', { namespace: 'istio-system' });
    // WHEN
    new DestinationRule(chart, 'OriginateMtls', {
      host: 'my-nginx.mesh-external.svc.cluster.local',
      workloadSelector: { istio: 'egressgateway' },
      exportTo: ['.'],
      trafficPolicy: {
        loadBalancer: { simple: LoadBalancerAlgorithm.ROUND_ROBIN },
        tls: { mode: ClientTlsMode.MUTUAL, credentialName: 'client-credential', sni: 'my-nginx.mesh-external.svc.cluster.local' },
      },
    });
    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'DestinationRule').spec).toMatchObject({
      workloadSelector: { matchLabels: { istio: 'egressgateway' } },
      exportTo: ['.'],
      trafficPolicy: { tls: { mode: 'MUTUAL', credentialName: 'client-credential' } },
    });
  });
});

describe('accessors', () => {
  test('name, namespace, host, subsetNames and hasSubset', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'bookinfo', { namespace: 'bookinfo' });
    const dr = new DestinationRule(chart, 'Reviews', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] });
    // WHEN
    dr.addSubset({ name: 'v2', labels: { version: 'v2' } });
    dr.subsetNames.push('v3');
    // THEN
    expect(dr.name).toBe('reviews');
    expect(dr.namespace).toBe('bookinfo');
    expect(dr.host).toBe('reviews');
    expect(dr.hostFqdn).toBe('reviews.bookinfo.svc.cluster.local');
    expect(new DestinationRule(chart, 'Api', { host: 'api.example.com' }).hostFqdn).toBe('api.example.com');
    expect(dr.subsetNames).toEqual(['v1', 'v2']);
    expect(dr.hasSubset('v2')).toBe(true);
    expect(dr.hasSubset('v3')).toBe(false);
  });

  test('failover may rely on the outlier detection of the top-level policy', () => {
    // GIVEN
    const chart = Testing.chart();
    const dr = new DestinationRule(chart, 'Reviews', { host: 'reviews', trafficPolicy: OUTLIER });
    // WHEN
    dr.addSubset({ name: 'v1', labels: { version: 'v1' }, trafficPolicy: { loadBalancer: { localityLbSetting: { failoverPriority: ['topology.istio.io/network'] } } } });
    // THEN
    expect(oneOf(synth(chart), 'DestinationRule').spec.subsets[0].trafficPolicy).toEqual({
      loadBalancer: { localityLbSetting: { failoverPriority: ['topology.istio.io/network'] } },
    });
  });

  test('insecureSkipVerify is the explicit way to originate TLS without a CA', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new DestinationRule(chart, 'Legacy', { host: 'legacy.example.com', trafficPolicy: { tls: { mode: ClientTlsMode.SIMPLE, insecureSkipVerify: true } } });
    // THEN
    expect(oneOf(synth(chart), 'DestinationRule').spec.trafficPolicy.tls).toEqual({ mode: 'SIMPLE', insecureSkipVerify: true });
  });
});

describe('local errors', () => {
  test('host: no IP literals', () => {
    expect(rule({ host: '10.0.0.1' }))
      .toThrow(/host: must not end in an all-numeric label.*\(got "10\.0\.0\.1"\)\. Fix: use the service's host name.*for an IP address, define a ServiceEntry/);
  });

  test('host: no partial wildcards', () => {
    expect(rule({ host: '*reviews.example.com' }))
      .toThrow(/host: uses a partial wildcard.*\(got "\*reviews\.example\.com"\)\. Fix: use the service's host name/);
  });

  test('subset names must be DNS labels', () => {
    expect(rule({ subsets: [{ name: 'v1.0', labels: { version: 'v1.0' } }] }))
      .toThrow(/subsets\[\]\.name: must be a DNS label.*\(got "v1\.0"\)\. Fix: name the subset with letters, digits and "-"/);
  });

  test('subset names must be unique', () => {
    // GIVEN
    const dr = new DestinationRule(Testing.chart(), 'Reviews', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] });
    // THEN
    expect(() => dr.addSubset({ name: 'v1', labels: { version: 'v1-canary' } }))
      .toThrow(/subsets\["v1"\]\.name: is already defined \(got "v1"\)\. Fix: give every subset a unique name/);
  });

  test('subset labels must be valid', () => {
    expect(rule({ subsets: [{ name: 'v1', labels: { version: 'v1 beta' } }] }))
      .toThrow(/subsets\["v1"\]\.labels: label value "v1 beta" of "version" is not a valid Kubernetes label value.*Fix: use Kubernetes label keys and values/);
  });

  test('an empty traffic policy is refused', () => {
    expect(withPolicy({}))
      .toThrow(/trafficPolicy: must set at least one of loadBalancer, connectionPool, outlierDetection or tls \(got \{\}\)\. Fix: set a field, or leave the policy out/);
  });

  test('an empty connection pool is refused', () => {
    expect(withPolicy({ connectionPool: {} }))
      .toThrow(/trafficPolicy\.connectionPool: must set tcp, http or both \(got \{\}\)\. Fix: set the limits you need, or leave connectionPool out/);
  });

  test('durations must be at least 1ms', () => {
    expect(withPolicy({ connectionPool: { tcp: { connectTimeout: Duration.millis(0.5) } } }))
      .toThrow(/trafficPolicy\.connectionPool\.tcp\.connectTimeout: must be at least 1ms \(got "0\.5ms"\)\. Fix: use a duration of at least Duration\.millis\(1\)/);
  });

  test('pool numbers must not be negative', () => {
    expect(withPolicy({ connectionPool: { http: { maxRetries: -1 } } }))
      .toThrow(/trafficPolicy\.connectionPool\.http\.maxRetries: must be a whole number from 0 to 2147483647 \(got -1\)\. Fix: use a non-negative whole number/);
  });

  test('outlier percentages must be 0-100', () => {
    expect(withPolicy({ outlierDetection: { maxEjectionPercent: 150 } }))
      .toThrow(/trafficPolicy\.outlierDetection\.maxEjectionPercent: must be a whole number from 0 to 100 \(got 150\)\. Fix: use a whole percentage/);
  });

  test('consecutiveLocalOriginFailures needs splitExternalLocalOriginErrors', () => {
    expect(withPolicy({ outlierDetection: { consecutiveLocalOriginFailures: 3 } }))
      .toThrow(/trafficPolicy\.outlierDetection\.consecutiveLocalOriginFailures: only counts when local-origin failures are tracked separately \(got 3\)\. Fix: set splitExternalLocalOriginErrors: true/);
  });

  test('h2UpgradePolicy UPGRADE and useClientProtocol together are refused', () => {
    expect(withPolicy({ connectionPool: { http: { h2UpgradePolicy: H2UpgradePolicy.UPGRADE, useClientProtocol: true } } }))
      .toThrow(/trafficPolicy\.connectionPool\.http\.useClientProtocol: cannot be true with h2UpgradePolicy UPGRADE.*Fix: either upgrade every connection/);
  });

  test('simple and consistentHash together are refused', () => {
    expect(withPolicy({ loadBalancer: { simple: LoadBalancerAlgorithm.RANDOM, consistentHash: ConsistentHash.sourceIp() } }))
      .toThrow(/trafficPolicy\.loadBalancer\.simple: cannot be set together with consistentHash \(got "RANDOM"\)\. Fix: choose a simple algorithm or consistent hashing/);
  });

  test('a cookie hash needs a cookie name', () => {
    expect(withPolicy({ loadBalancer: { consistentHash: ConsistentHash.httpCookie({ name: '' }) } }))
      .toThrow(/trafficPolicy\.loadBalancer\.consistentHash\.httpCookie\.name: must be a cookie name \(a non-empty HTTP token\) \(got ""\)\. Fix: pass the cookie name/);
  });

  test('a cookie ttl must be zero or whole milliseconds', () => {
    expect(withPolicy({ loadBalancer: { consistentHash: ConsistentHash.httpCookie({ name: 'session', ttl: Duration.millis(1.5) }) } }))
      .toThrow(/consistentHash\.httpCookie\.ttl: must be zero \(a session cookie\) or a whole number of milliseconds \(got "1\.5ms"\)\. Fix: use e\.g\. Duration\.hours\(1\)/);
  });

  test('cookie attributes need names', () => {
    expect(withPolicy({ loadBalancer: { consistentHash: ConsistentHash.httpCookie({ name: 'session', attributes: { '': 'x' } }) } }))
      .toThrow(/consistentHash\.httpCookie\.attributes: has an attribute with an empty name \(got ""\)\. Fix: name every attribute/);
  });

  test('a header hash needs a valid header name', () => {
    expect(withPolicy({ loadBalancer: { consistentHash: ConsistentHash.httpHeader('x user') } }))
      .toThrow(/consistentHash\.httpHeaderName: must be an HTTP header name.*\(got "x user"\)\. Fix: pass the header name/);
  });

  test('a query parameter hash needs a parameter name', () => {
    expect(withPolicy({ loadBalancer: { consistentHash: ConsistentHash.queryParameter('') } }))
      .toThrow(/consistentHash\.httpQueryParameterName: must not be empty \(got ""\)\. Fix: pass the query parameter name/);
  });

  test('the maglev table size must be a prime below 5000011', () => {
    expect(withPolicy({ loadBalancer: { consistentHash: ConsistentHash.sourceIp({ hashFunction: HashFunction.maglev(65536) }) } }))
      .toThrow(/consistentHash\.maglev\.tableSize: must be a prime number below 5000011 \(got 65536\)\. Fix: use a prime such as 65537/);
  });

  test('the ring size must be positive', () => {
    expect(withPolicy({ loadBalancer: { consistentHash: ConsistentHash.sourceIp({ hashFunction: HashFunction.ringHash(0) }) } }))
      .toThrow(/consistentHash\.ringHash\.minimumRingSize: must be a whole number from 1 to 8388608 \(got 0\)\. Fix: use e\.g\. 1024/);
  });

  test('warmup only works with ROUND_ROBIN and LEAST_REQUEST', () => {
    expect(withPolicy({ loadBalancer: { simple: LoadBalancerAlgorithm.RANDOM, warmup: { duration: Duration.seconds(10) } } }))
      .toThrow(/trafficPolicy\.loadBalancer\.warmup: only works with the ROUND_ROBIN and LEAST_REQUEST algorithms \(got "RANDOM"\)\. Fix: remove warmup/);
  });

  test('warmup minimumPercent must be 0-100', () => {
    expect(withPolicy({ loadBalancer: { warmup: { duration: Duration.seconds(10), minimumPercent: 120 } } }))
      .toThrow(/trafficPolicy\.loadBalancer\.warmup\.minimumPercent: must be a number from 0 to 100 \(got 120\)\. Fix: use a percentage from 0 to 100/);
  });

  test('warmup aggression must be at least 1', () => {
    expect(withPolicy({ loadBalancer: { warmup: { duration: Duration.seconds(10), aggression: 0.5 } } }))
      .toThrow(/trafficPolicy\.loadBalancer\.warmup\.aggression: must be at least 1 \(got 0\.5\)\. Fix: use 1 for a linear ramp-up/);
  });

  test('locality distribute weights must sum to 100', () => {
    expect(withPolicy({
      loadBalancer: { localityLbSetting: { distribute: [{ from: 'us-west/zone1/*', to: { 'us-west/zone1/*': 80, 'us-west/zone2/*': 10 } }] } },
    })).toThrow(/localityLbSetting\.distribute\[0\]\.to: has weights that sum to 90, not 100.*Fix: make the weights of each distribute entry add up to exactly 100/);
  });

  test('locality distribute weights must be 1-100 each', () => {
    expect(withPolicy({
      loadBalancer: { localityLbSetting: { distribute: [{ from: 'us-west/*', to: { 'us-west/*': 100, 'us-east/*': 0 } }] } },
    })).toThrow(/localityLbSetting\.distribute\[0\]\.to\["us-east\/\*"\]: must be a whole number from 1 to 100 \(got 0\)\. Fix: give every destination locality a weight/);
  });

  test('locality names must be region/zone/subzone with a trailing * only', () => {
    expect(withPolicy({
      loadBalancer: { localityLbSetting: { distribute: [{ from: 'us-west/*/rack1', to: { 'us-west/zone1': 100 } }] } },
    })).toThrow(/localityLbSetting\.distribute\[0\]\.from: may use "\*" only as its whole last segment \(got "us-west\/\*\/rack1"\)\. Fix: write the locality as region/);
  });

  test('locality distribute entries must not overlap', () => {
    const policy = (distribute: LocalityDistribution[]) => withPolicy({ loadBalancer: { localityLbSetting: { distribute } } });
    expect(policy([{ from: 'us-west/*', to: { 'us-west/*': 100 } }, { from: 'us-west/zone1/*', to: { 'us-east/*': 100 } }]))
      .toThrow(/distribute\[1\]\.from: overlaps distribute\[0\]\.from "us-west\/\*".*\(got "us-west\/zone1\/\*"\)\. Fix: give every proxy locality one distribute entry.*webhook rejects/);
    expect(policy([{ from: 'us-west/zone1/*', to: { 'us-west': 50, 'us-west/zone2/*': 50 } }]))
      .toThrow(/distribute\[0\]\.to: overlaps "us-west" of the same entry.*\(got "us-west\/zone2\/\*"\)\. Fix: list disjoint localities in to/);
    // disjoint zones of one region are fine
    expect(policy([
      { from: 'us-west/zone1/*', to: { 'us-west/zone1/*': 80, 'us-west/zone2/*': 20 } },
      { from: 'us-west/zone2/*', to: { 'us-west/zone2/*': 100 } },
    ])).not.toThrow();
  });

  test('distribute and failover together are refused', () => {
    expect(withPolicy({
      ...OUTLIER,
      loadBalancer: {
        localityLbSetting: {
          distribute: [{ from: 'us-west/*', to: { 'us-west/*': 100 } }],
          failover: [{ from: 'us-west', to: 'us-east' }],
        },
      },
    })).toThrow(/localityLbSetting\.distribute: cannot be set together with failover\. Fix: use distribute to split traffic by weight, or failover/);
  });

  test('failover needs outlier detection', () => {
    expect(withPolicy({ loadBalancer: { localityLbSetting: { failover: [{ from: 'us-east', to: 'us-west' }] } } }))
      .toThrow(/localityLbSetting\.failover: needs outlierDetection in the same traffic policy.*Fix: add outlierDetection.*In the cluster: istiod ignores locality failover/);
  });

  test('failover is between regions', () => {
    expect(withPolicy({ ...OUTLIER, loadBalancer: { localityLbSetting: { failover: [{ from: 'us-east/zone1', to: 'us-west' }] } } }))
      .toThrow(/localityLbSetting\.failover\[0\]\.from: must be a region \(no "\/" and no "\*"\) \(got "us-east\/zone1"\)\. Fix: fail over between regions/);
  });

  test('failover to the same region is refused', () => {
    expect(withPolicy({ ...OUTLIER, loadBalancer: { localityLbSetting: { failover: [{ from: 'us-east', to: 'us-east' }] } } }))
      .toThrow(/localityLbSetting\.failover\[0\]: fails over a region to itself.*Fix: use a different region in "to"/);
  });

  test('failover with topology labels in failoverPriority is refused', () => {
    expect(withPolicy({
      ...OUTLIER,
      loadBalancer: { localityLbSetting: { failover: [{ from: 'us-east', to: 'us-west' }], failoverPriority: ['topology.kubernetes.io/zone'] } },
    })).toThrow(/localityLbSetting\.failoverPriority: cannot use topology labels together with failover.*Fix: remove failover, or remove the topology/);
  });

  test('TLS: credentialName together with certificate files is refused', () => {
    expect(withPolicy({ tls: { mode: ClientTlsMode.MUTUAL, credentialName: 'client-cert', clientCertificate: '/c/cert.pem', privateKey: '/c/key.pem' } }))
      .toThrow(/trafficPolicy\.tls\.credentialName: cannot be combined with clientCertificate, privateKey \(got "client-cert"\)\. Fix: take the certificates either from the Secret/);
  });

  test('TLS: MUTUAL without credentialName needs clientCertificate and privateKey', () => {
    expect(withPolicy({ tls: { mode: ClientTlsMode.MUTUAL, clientCertificate: '/c/cert.pem', caCertificates: '/c/ca.pem' } }))
      .toThrow(/trafficPolicy\.tls\.privateKey: is required for mode MUTUAL without credentialName.*Fix: set credentialName to a Secret with the client certificate, or set both/);
  });

  test('TLS: insecureSkipVerify with verification settings is refused', () => {
    expect(withPolicy({ tls: { mode: ClientTlsMode.SIMPLE, insecureSkipVerify: true, caCertificates: '/c/ca.pem' } }))
      .toThrow(/trafficPolicy\.tls\.insecureSkipVerify: contradicts caCertificates, which configure the verification it turns off \(got true\)\. Fix: remove insecureSkipVerify/);
  });

  test('TLS: SIMPLE without a CA is refused unless insecureSkipVerify is explicit (IST0128)', () => {
    expect(withPolicy({ tls: { mode: ClientTlsMode.SIMPLE, sni: 'api.example.com' } }))
      .toThrow(/trafficPolicy\.tls\.caCertificates: is required for mode SIMPLE: without it \(or a credentialName\) nothing says how the server certificate is verified \(IST0128\/IST0129\)\. Fix: set caCertificates.*trustSystemCaBundle: true.*insecureSkipVerify: true.*In the cluster: the proxy verifies the server only if VERIFY_CERTIFICATE_AT_CLIENT is on/);
  });

  test('TLS: trustSystemCaBundle states the choice of the system CA bundle and renders nothing', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new DestinationRule(chart, 'Api', { host: 'api.example.com', trafficPolicy: { tls: { mode: ClientTlsMode.SIMPLE, trustSystemCaBundle: true } } });
    // THEN
    expect(Testing.synth(chart)[0].spec.trafficPolicy.tls).toEqual({ mode: 'SIMPLE' });
  });

  test('TLS: trustSystemCaBundle with caCertificates is refused', () => {
    expect(withPolicy({ tls: { mode: ClientTlsMode.SIMPLE, trustSystemCaBundle: true, caCertificates: '/c/ca.pem' } }))
      .toThrow(/trafficPolicy\.tls\.trustSystemCaBundle: contradicts caCertificates, which choose another way to verify the server \(got true\)\. Fix: keep one of/);
  });

  test('TLS: port-level MUTUAL without a CA is refused (IST0129)', () => {
    // GIVEN
    const dr = new DestinationRule(Testing.chart(), 'Api', { host: 'api.example.com' });
    // THEN
    expect(() => dr.addPortPolicy(443, { tls: { mode: ClientTlsMode.MUTUAL, clientCertificate: '/c/cert.pem', privateKey: '/c/key.pem' } }))
      .toThrow(/portPolicies\[port 443\]\.policy\.tls\.caCertificates: is required for mode MUTUAL.*\(IST0128\/IST0129\)/);
  });

  test('TLS: fields the mode does not use are refused', () => {
    expect(withPolicy({ tls: { mode: ClientTlsMode.ISTIO_MUTUAL, clientCertificate: '/c/cert.pem' } }))
      .toThrow(/trafficPolicy\.tls\.clientCertificate: is not used by mode ISTIO_MUTUAL \(got "[^"]*"\)\. Fix: remove clientCertificate, or use mode SIMPLE or MUTUAL/);
  });

  test('TLS: credentialName must be a Secret name', () => {
    expect(withPolicy({ tls: { mode: ClientTlsMode.SIMPLE, credentialName: 'Client_Cert' } }))
      .toThrow(/trafficPolicy\.tls\.credentialName: must be a Secret name: must be a lower-case DNS-1123 subdomain.*Fix: name the Secret/);
  });

  test('port policies need a valid port', () => {
    // GIVEN
    const dr = new DestinationRule(Testing.chart(), 'Reviews', { host: 'reviews' });
    // THEN
    expect(() => dr.addPortPolicy(0, OUTLIER))
      .toThrow(/portPolicies\[port 0\]\.port: must be an integer from 1 to 65535 \(got 0\)\. Fix: use the destination port number/);
  });

  test('a port gets one port policy', () => {
    // GIVEN
    const dr = new DestinationRule(Testing.chart(), 'Reviews', { host: 'reviews', portPolicies: [{ port: 9080, policy: OUTLIER }] });
    // THEN
    expect(() => dr.addPortPolicy(9080, { connectionPool: { tcp: { maxConnections: 10 } } }))
      .toThrow(/portPolicies\[port 9080\]\.port: already has a port-level policy \(got 9080\)\. Fix: merge both policies into one for that port/);
  });

  test('exportTo entries must be ".", "*" or namespaces, never "~"', () => {
    expect(rule({ exportTo: ['~'] }))
      .toThrow(/exportTo: "~" \(visible to no namespace\) is only allowed on ServiceEntry \(got \["~"\]\)\. Fix: list ".", "\*" or namespace names/);
  });

  test('exportTo must not list the own namespace twice', () => {
    expect(() => new DestinationRule(new Chart(Testing.app(), 'c', { namespace: 'shop' }), 'Reviews', { host: 'reviews', exportTo: ['.', 'shop'] }))
      .toThrow(/exportTo: lists both "\." and "shop", its own namespace, so the same entry twice.*Fix: list "\.", "\*" or namespace names, each once.*webhook rejects/);
  });

  test('workloadSelector must not be empty', () => {
    expect(rule({ workloadSelector: {} }))
      .toThrow(/workloadSelector: is empty, so it would select every workload in the namespace \(got \{\}\)\. Fix: select the client workloads by their labels/);
  });

  test('workloadSelector with exportTo beyond the own namespace is refused', () => {
    expect(rule({ workloadSelector: { app: 'productpage' }, exportTo: ['*'] }))
      .toThrow(/exportTo: must only contain the rule's own namespace \("\."\) when workloadSelector is set \(got \["\*"\]\)\. Fix: set exportTo to \["\."\]/);
  });
});
