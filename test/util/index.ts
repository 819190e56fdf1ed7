import { Chart, Testing } from 'cdk8s';
import { StringMatch } from '../../src/string-match';

/** Synthesizes a chart (running every validation of its app) into plain manifests. */
export function synth(chart: Chart): any[] {
  return Testing.synth(chart);
}

/** All manifests of a kind, in output order. */
export function allOf(manifests: any[], kind: string): any[] {
  return manifests.filter(m => m.kind === kind);
}

/** The one manifest of a kind (and name, when given); fails the test when there is not exactly one. */
export function oneOf(manifests: any[], kind: string, name?: string): any {
  const found = allOf(manifests, kind).filter(m => name === undefined || m.metadata?.name === name);
  if (found.length !== 1) {
    throw new Error(`expected exactly one ${kind}${name ? ` named ${name}` : ''}, found ${found.length}: `
      + JSON.stringify(allOf(manifests, kind).map(m => m.metadata?.name)));
  }
  return found[0];
}

/** The Bookinfo ingress paths, as bookinfo-gateway.yaml writes them. */
export const BOOKINFO_PATHS = [
  { uri: StringMatch.exact('/productpage') },
  { uri: StringMatch.prefix('/static') },
  { uri: StringMatch.exact('/login') },
  { uri: StringMatch.exact('/logout') },
  { uri: StringMatch.prefix('/api/v1/products') },
];
