/**
 * Convergence under the live service's known behaviours (issue 11), first half of the matrix: the document-exact
 * emulator and the first half of the live-shape profiles, each alone. See test/helpers/convergence.ts.
 */
import { PROFILE_NAMES } from "../../emulator";
import { convergenceSuite, type MatrixRow } from "../helpers/convergence-suite";

const half = Math.ceil(PROFILE_NAMES.length / 2);
const rows: MatrixRow[] = [["document", "document"], ...PROFILE_NAMES.slice(0, half).map((p): MatrixRow => [p, [p]])];
convergenceSuite("a", rows);
