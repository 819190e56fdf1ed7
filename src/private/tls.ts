import { Problem } from './errors';
import { objectNameProblem } from './rules';

// Where a TLS block takes its certificates from, the same for Gateway servers and DestinationRule client TLS:
// a Secret (`credentialName`) or files in the proxy's file system, never both.

/** `credentialName` must name a Secret; `fix` says which one, in the words of the caller's kind. */
export function credentialNameProblem(credentialName: string | undefined, field: string, fix: string): Problem | undefined {
  if (credentialName === undefined) return undefined;
  const problem = objectNameProblem(credentialName);
  return problem ? { field, value: credentialName, problem: `must be a Secret name: ${problem}`, fix } : undefined;
}

/** A Secret and certificate files (the names of the file fields that are set) together: istiod refuses two sources. */
export function certificateSourceProblem(credentialName: string | undefined, files: string[], field: string, symptom: string): Problem | undefined {
  if (credentialName === undefined || files.length === 0) return undefined;
  return {
    field,
    value: credentialName,
    problem: `cannot be combined with ${files.join(', ')}`,
    fix: 'take the certificates either from the Secret (credentialName) or from files, not both',
    symptom,
  };
}
