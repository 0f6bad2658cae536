// `npm run check:generated`: fail when src/schema.ts is not what `npm run generate`
// makes from the committed spec, so the client's types never drift from the API.
// Regenerates with the same CLI and arguments into a temp file and compares bytes.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const spec = "../../openapi/openapi.json";
const committed = "src/schema.ts";
const dir = mkdtempSync(join(tmpdir(), "newsroom-schema-"));
const fresh = join(dir, "schema.ts");
try {
  execFileSync("node_modules/.bin/openapi-typescript", [spec, "-o", fresh], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  let current = "";
  try {
    current = readFileSync(committed, "utf8");
  } catch {
    // A missing file is just another kind of stale.
  }
  if (readFileSync(fresh, "utf8") !== current) {
    console.error(
      `${committed} is out of date with ${spec}: run npm run generate (in clients/typescript) and commit the result`,
    );
    process.exit(1);
  }
  console.log(`${committed} matches ${spec}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
