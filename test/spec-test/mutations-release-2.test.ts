/** specs/release.yaml, half 2 of its mutants: every single-point change of a threshold, consecutive, soak, staleAfter or minChecks makes a case fail. */
import { mutationSuite } from './mutation-suite.js';

mutationSuite('release', { part: 1, of: 2 });
