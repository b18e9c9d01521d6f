// Node driver: node drivers/node.mjs '<query string>' prints the results on one FAULT_RESULTS line.
import * as lib from "../../../pkg/dist/node.js";
import { runFromParams } from "./common.js";

const results = await runFromParams(lib, new URLSearchParams(process.argv[2]));
// Exit once written: a scenario that timed out may leave a request hanging on the emulator (with
// FAULTS_RAW_FETCH=1, nothing aborts it), which would keep the process alive for minutes.
process.stdout.write(`FAULT_RESULTS ${JSON.stringify(results)}\n`, () => process.exit(0));
