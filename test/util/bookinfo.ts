import { Construct } from 'constructs';
import { CanaryRelease, CanaryReleaseProps, CanaryWorkload } from '../../src/canary-release';

const IMAGES = 'registry.istio.io/release/examples-bookinfo';

/** The versions Bookinfo deploys of each service (bookinfo.yaml and its variants), as destination-rule-all.yaml lists them. */
export const BOOKINFO_VERSIONS: { [service: string]: string[] } = {
  reviews: ['v1', 'v2', 'v3'],
  ratings: ['v1', 'v2', 'v2-mysql', 'v2-mysql-vm'],
};

/**
 * A Bookinfo service released with CanaryRelease, as Istio's samples name it (the Service and its routing objects all
 * called `service`, short host names), with a weight per version (missing: 0).
 */
export function releaseBookinfo(scope: Construct, service: string, weights: { [version: string]: number },
  props: Partial<CanaryReleaseProps> = {}): CanaryRelease {
  return new CanaryRelease(scope, service, {
    serviceName: service,
    port: 9080,
    versions: BOOKINFO_VERSIONS[service].map(name => ({
      name,
      weight: weights[name] ?? 0,
      workload: CanaryWorkload.fromImage(`${IMAGES}-${service}-${name}:1.20.3`),
    })),
    ...props,
  });
}
