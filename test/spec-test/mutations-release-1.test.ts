/** specs/release.yaml, half 1 of its mutants: every single-point change of a threshold, consecutive, soak, staleAfter or minChecks makes a case fail. */
import { mutationSuite } from './mutation-suite.js';

mutationSuite('release', { part: 0, of: 2 });
