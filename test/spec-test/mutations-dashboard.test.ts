/** specs/dashboard.yaml: every single-point change of a threshold, consecutive, soak, staleAfter or minChecks makes a case fail. */
import { mutationSuite } from './mutation-suite.js';

mutationSuite('dashboard');
