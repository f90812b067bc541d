/**
 * The SDK's `--debug` guard: the Node SDK's "RPC finished … resp: …" lines of this package's resources print secret
 * outputs; their response part is replaced, whatever the resource's name holds and however it was looked up.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeRegister } from "../../sdk/guard";

it("hides the response of RegisterResource, ReadResource and getResource lines of this package's resources, and only those", () => {
  const seen: string[] = [];
  const log = pulumi.log as { debug: typeof pulumi.log.debug };
  log.debug = async (m: string) => void seen.push(m);
  beforeRegister("Cluster", "x", undefined);
  const t = "pulumi-nodejs:dynamic/camunda:ZeebeClient";
  const lines = [
    `RegisterResource RPC finished: resource:worker[${t}]; err: null, resp: urn,id,SECRET1`,
    `ReadResource RPC finished: resource:worker[${t}]#abc; err: null, resp: urn,SECRET2`,
    `RegisterResource RPC finished: resource:multi\nline[${t}]; err: null, resp: SECRET3`,
    `getResource Invoke RPC finished: err: null, resp: pulumi:pulumi:getResource,{"urn":"urn:pulumi:dev::p::${t}::w","state":{"clientSecret":"SECRET4"}}`,
    "RegisterResource RPC finished: resource:bucket[aws:s3/bucket:Bucket]; err: null, resp: urn,id,VISIBLE",
  ];
  for (const l of lines) void pulumi.log.debug(l);
  expect(seen.filter((s) => /SECRET\d/.test(s))).toEqual([]);
  expect(seen[0]).toBe(`RegisterResource RPC finished: resource:worker[${t}]; err: null, resp: [not shown by pulumi-camunda: this resource's outputs hold secrets]`);
  expect(seen[3]).toMatch(/^getResource Invoke RPC finished: err: null, resp: \[not shown/);
  expect(seen[4]).toContain("VISIBLE");
});
