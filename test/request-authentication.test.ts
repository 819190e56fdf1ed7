import { ApiObject, Chart, Duration, Testing } from 'cdk8s';
import { oneOf, synth } from './util';
import { JwtRule, RequestAuthentication } from '../src/request-authentication';
import { PolicyTargetReference } from '../src/workload-target';

const ISSUER = 'https://accounts.example.com';
const JWKS_URI = 'https://accounts.example.com/.well-known/jwks.json';
const PUBLIC_JWKS = JSON.stringify({ keys: [{ kty: 'RSA', kid: 'k1', e: 'AQAB', n: 'xGOr-H7A-PWG3Lz' }] });

function chart(namespace = 'shop'): Chart {
  return new Chart(Testing.app(), 'test', { namespace });
}

/** Adds `rule` to a fresh policy. */
function addRule(rule: JwtRule): void {
  new RequestAuthentication(chart(), 'Jwt', { selector: { app: 'api' } }).addJwtRule(rule);
}

describe('RequestAuthentication manifests', () => {
  test('tokens from a JWKS URL, read from a custom header, forwarded with the subject as a header', () => {
    // GIVEN
    const c = chart('shop');
    const ra = new RequestAuthentication(c, 'Api', { selector: { app: 'api' } });

    // WHEN
    ra.addJwtRule({
      issuer: ISSUER,
      jwksUri: JWKS_URI,
      audiences: ['shop-api'],
      fromHeaders: [{ name: 'x-jwt-assertion' }, { name: 'Authorization', prefix: 'Bearer ' }],
      forwardOriginalToken: true,
      outputClaimToHeaders: [{ header: 'x-jwt-sub', claim: 'sub' }],
      timeout: Duration.seconds(10),
    });

    // THEN
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'RequestAuthentication', 'api')).toEqual({
      apiVersion: 'security.istio.io/v1',
      kind: 'RequestAuthentication',
      metadata: { name: 'api', namespace: 'shop' },
      spec: {
        selector: { matchLabels: { app: 'api' } },
        jwtRules: [{
          issuer: ISSUER,
          jwksUri: JWKS_URI,
          audiences: ['shop-api'],
          fromHeaders: [{ name: 'x-jwt-assertion' }, { name: 'Authorization', prefix: 'Bearer ' }],
          forwardOriginalToken: true,
          outputClaimToHeaders: [{ header: 'x-jwt-sub', claim: 'sub' }],
          timeout: '10s',
        }],
      },
    });
  });
});

describe('RequestAuthentication behaviour', () => {
  test('a gateway policy with two issuers: inline keys, and OpenID discovery from the issuer URL', () => {
    // GIVEN
    const c = chart('istio-ingress');

    // WHEN
    new RequestAuthentication(c, 'Edge', {
      targetRefs: [PolicyTargetReference.gateway('public')],
      jwtRules: [
        { issuer: 'testing@secure.istio.io', jwks: PUBLIC_JWKS, fromParams: ['token'], fromCookies: ['session'] },
        { issuer: ISSUER, outputPayloadToHeader: 'x-jwt-payload', spaceDelimitedClaims: ['roles'], timeout: Duration.millis(1500) },
      ],
    });

    // THEN
    expect(oneOf(synth(c), 'RequestAuthentication', 'edge').spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public' }],
      jwtRules: [
        { issuer: 'testing@secure.istio.io', jwks: PUBLIC_JWKS, fromParams: ['token'], fromCookies: ['session'] },
        { issuer: ISSUER, outputPayloadToHeader: 'x-jwt-payload', spaceDelimitedClaims: ['roles'], timeout: '1500ms' },
      ],
    });
  });

  test('accessors report what was configured, and return copies', () => {
    // GIVEN
    const ra = new RequestAuthentication(chart(), 'Api', { selector: { app: 'api' }, jwtRules: [{ issuer: ISSUER, audiences: ['a'] }] });

    // WHEN
    ra.jwtRules[0].audiences!.push('b');
    ra.selector!.app = 'other';

    // THEN
    expect(ra.jwtRules).toEqual([expect.objectContaining({ issuer: ISSUER, audiences: ['a'] })]);
    expect(ra.selector).toEqual({ app: 'api' });
    expect(ra.targetRefs).toEqual([]);
  });

  test('the API object is the default child', () => {
    const ra = new RequestAuthentication(chart(), 'Api', { jwtRules: [{ issuer: ISSUER }] });
    expect((ra.node.defaultChild as ApiObject).kind).toBe('RequestAuthentication');
  });
});

describe('RequestAuthentication errors', () => {
  test('no JWT rules', () => {
    const c = chart();
    new RequestAuthentication(c, 'Api', { selector: { app: 'api' } });
    expect(() => synth(c)).toThrow(/jwtRules: is empty, so the policy accepts no issuer and has no effect.*Fix: add the issuers to accept with addJwtRule/);
  });

  test('empty issuer', () => {
    expect(() => addRule({ issuer: '', jwksUri: JWKS_URI }))
      .toThrow(/jwtRules\[0\]\.issuer: must not be empty.*Fix: set the issuer exactly as the tokens' "iss" claim spells it/);
  });

  test('no key source, and an issuer that OpenID discovery cannot use', () => {
    expect(() => addRule({ issuer: 'testing@secure.istio.io' }))
      .toThrow(/jwtRules\[0\]\.jwksUri: is missing, and the issuer "testing@secure\.istio\.io" is not an http\(s\) URL.*Fix: set jwksUri .*or jwks.*401/);
  });

  test('jwksUri with a scheme other than http(s)', () => {
    expect(() => addRule({ issuer: ISSUER, jwksUri: 'file:///etc/jwks.json' }))
      .toThrow(/jwtRules\[0\]\.jwksUri: must be an absolute URL with scheme http or https \(got "file:\/\/\/etc\/jwks\.json"\).*Fix: use the http\(s\) URL/);
  });

  test('jwksUri and jwks together', () => {
    expect(() => addRule({ issuer: ISSUER, jwksUri: JWKS_URI, jwks: PUBLIC_JWKS }))
      .toThrow(/jwtRules\[0\]\.jwksUri: is set together with jwks.*Fix: set either jwksUri .* or jwks .*, not both/);
  });

  test('jwks that is not a key set', () => {
    expect(() => addRule({ issuer: ISSUER, jwks: '{"keys": []}' }))
      .toThrow(/jwtRules\[0\]\.jwks: is not a JSON Web Key Set.*Fix: paste the issuer's public JSON Web Key Set/);
  });

  test('jwks with a private key', () => {
    const privateJwks = JSON.stringify({ keys: [{ kty: 'RSA', kid: 'k1', e: 'AQAB', n: 'xGOr', d: 'secret' }] });
    expect(() => addRule({ issuer: ISSUER, jwks: privateJwks }))
      .toThrow(/jwtRules\[0\]\.jwks: has private or symmetric key material in keys\[0\] \("d"\).*Fix: .*without private members/);
  });

  test('empty audiences list', () => {
    expect(() => addRule({ issuer: ISSUER, jwksUri: JWKS_URI, audiences: [] }))
      .toThrow(/jwtRules\[0\]\.audiences: is an empty list, which Istio treats like an unset field \(any audience is accepted\).*Fix: list the accepted audiences/);
  });

  test('empty audience', () => {
    expect(() => addRule({ issuer: ISSUER, jwksUri: JWKS_URI, audiences: ['shop', ''] }))
      .toThrow(/jwtRules\[0\]\.audiences\[1\]: must not be empty.*Fix: remove the empty entry/);
  });

  test('fromHeaders name that is not a header name', () => {
    expect(() => addRule({ issuer: ISSUER, jwksUri: JWKS_URI, fromHeaders: [{ name: 'x jwt' }] }))
      .toThrow(/jwtRules\[0\]\.fromHeaders\[0\]\.name: must be an HTTP header name \(got "x jwt"\).*Fix: name the header the token is sent in/);
  });

  test('outputClaimToHeaders header with characters Istio refuses', () => {
    expect(() => addRule({ issuer: ISSUER, jwksUri: JWKS_URI, outputClaimToHeaders: [{ header: 'x-jwt.sub', claim: 'sub' }] }))
      .toThrow(/jwtRules\[0\]\.outputClaimToHeaders\[0\]\.header: must contain only letters, digits, "-" and "_" \(got "x-jwt\.sub"\).*Fix: use a header name such as "x-jwt-sub"/);
  });

  test('timeout below 1ms', () => {
    expect(() => addRule({ issuer: ISSUER, jwksUri: JWKS_URI, timeout: Duration.millis(0) }))
      .toThrow(/jwtRules\[0\]\.timeout: must be at least 1ms \(got "0ms"\).*Fix: use a timeout of at least Duration\.millis\(1\)/);
  });
});
