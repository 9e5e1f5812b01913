/** The spec's `inputs:` (harness reports, sign-offs), each read as JSON or YAML data. */
import { readInput } from './inputs.js';
import type { ObservationSource } from './source.js';

export const inputFiles: ObservationSource = {
  name: 'input files',
  observe({ spec, root, inputFiles: overrides }, into) {
    for (const input of spec.inputs) into.inputs[input.name] = readInput(input, root, overrides[input.name]);
  },
};
