/** The TypeScript text of the assembled .wat (template-match-wasm.ts), as scripts/build/wasm.mjs writes it. */
export function assembled(): Promise<string>;
