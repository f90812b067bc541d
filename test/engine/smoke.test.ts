/** Proves the real Pulumi CLI (not a mock) runs a dynamic provider offline: up, refresh, update, destroy. */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { engineBinDir, withStack } from "../helpers/engine";

const SECRET = "smoke-secret-value-7f3a9c";

describe("the real Pulumi engine", () => {
  it("is the real CLI at the pinned version", () => {
    const version = execFileSync(path.join(engineBinDir(), "pulumi"), ["version"], { encoding: "utf8" }).trim();
    expect(version).toMatch(/^v3\.\d+\.\d+/);
    process.stdout.write(`engine smoke: real pulumi CLI ${version} from ${engineBinDir()}\n`);
  });

  it("runs up, refresh, update and destroy of a dynamic resource with a file backend", async () => {
    await withStack(
      { programDir: path.join(__dirname, "../programs/smoke"), config: { token: { value: SECRET, secret: true } } },
      async (s) => {
        const up = await s.up();
        expect(up.summary.result).toBe("succeeded");
        expect(up.outputs.thingId.value).toBe("thing-1");
        expect(up.outputs.token.secret).toBe(true);

        const refresh = await s.refresh();
        expect(refresh.summary.result).toBe("succeeded");

        await s.setConfig("size", "2");
        const update = await s.up();
        expect(update.summary.resourceChanges?.update).toBe(1);

        expect(s.rawBackendText()).not.toContain(SECRET);
        const destroy = await s.destroy();
        expect(destroy.summary.resourceChanges?.delete).toBe(2);
      },
    );
  });
});
