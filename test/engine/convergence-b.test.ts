/**
 * Convergence under the live service's known behaviours (issue 11), second half of the matrix: the other
 * live-shape profiles, each alone, and `live` (all of them at once). See test/helpers/convergence.ts.
 */
import { PROFILE_NAMES } from "../../emulator";
import { convergenceSuite, type MatrixRow } from "../helpers/convergence-suite";

const half = Math.ceil(PROFILE_NAMES.length / 2);
const rows: MatrixRow[] = [...PROFILE_NAMES.slice(half).map((p): MatrixRow => [p, [p]]), ["live", "live"]];
convergenceSuite("b", rows);
