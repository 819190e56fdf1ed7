// Placeholder: replaced by the conformance hook (validates every synthesized object against the CRDs).
export {};
