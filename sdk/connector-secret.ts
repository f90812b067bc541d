import * as pulumi from "@pulumi/pulumi";
import type { ConnectorSecretArgs } from "./args";
import { resourceProps, withSecretOutputs } from "./outputs";
import connectorSecretShim = require("./shims/connector-secret");

const SECRET_OUTPUTS_ALL = ["clusterId", "name", "value", "adoptExisting"] as const;

/**
 * A connector secret of a cluster. Its value updates in place and is always a Pulumi secret. A secret of that name
 * that already exists and that this resource did not create makes the create fail, unless `adoptExisting: true`
 * takes it over (its value is then set, and destroying the resource deletes it).
 *
 * Read an existing secret with `ConnectorSecret.get(name, "<clusterId>/<secretName>")`.
 */
export class ConnectorSecret extends pulumi.dynamic.Resource {
  declare public readonly clusterId: pulumi.Output<string>;
  declare public readonly name: pulumi.Output<string>;
  declare public readonly value: pulumi.Output<string>;

  constructor(name: string, args: ConnectorSecretArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      connectorSecretShim,
      name,
      resourceProps("ConnectorSecret", name, args, SECRET_OUTPUTS_ALL, opts, ["value"]),
      withSecretOutputs(opts, ["value"]),
      "camunda", "ConnectorSecret",
    );
  }

  public static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): ConnectorSecret {
    return new ConnectorSecret(name, {} as ConnectorSecretArgs, { ...opts, id });
  }
}
