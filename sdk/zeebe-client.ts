import * as pulumi from "@pulumi/pulumi";
import type { ZeebeClientArgs } from "./args";
import { resourceProps, withSecretOutputs } from "./outputs";
import zeebeClientShim = require("./shims/zeebe-client");

const CLIENT_OUTPUTS = ["clusterId", "name", "permissions", "clientId", "clientSecret", "zeebeAddress", "authorizationServerUrl", "audience", "clusterRegion", "env"] as const;

const SECRET_OUTPUTS = ["clientSecret", "env"];

/**
 * An API client of a cluster (a "Zeebe client"). Any change replaces it, since the API cannot update a client.
 * `clientSecret` and `env` (the whole connection bundle) are always Pulumi secrets.
 *
 * Read an existing client with `ZeebeClient.get(name, "<clusterId>/<clientId>")`; its secret cannot be read back,
 * so `clientSecret` and `env.ZEEBE_CLIENT_SECRET` are empty for such a client.
 */
export class ZeebeClient extends pulumi.dynamic.Resource {
  declare public readonly clusterId: pulumi.Output<string>;
  declare public readonly name: pulumi.Output<string>;
  /** The permissions the client has. */
  declare public readonly permissions: pulumi.Output<string[]>;
  declare public readonly clientId: pulumi.Output<string>;
  /** Shown by the Console API only once, when the client is created; a Pulumi secret. */
  declare public readonly clientSecret: pulumi.Output<string>;
  declare public readonly zeebeAddress: pulumi.Output<string>;
  declare public readonly authorizationServerUrl: pulumi.Output<string>;
  declare public readonly audience: pulumi.Output<string>;
  /** The cluster's region key, e.g. "bru-2". */
  declare public readonly clusterRegion: pulumi.Output<string>;
  /**
   * The connection bundle the Console offers for download (ZEEBE_ADDRESS, ZEEBE_CLIENT_ID, ZEEBE_CLIENT_SECRET,
   * ZEEBE_AUTHORIZATION_SERVER_URL, ZEEBE_TOKEN_AUDIENCE, CAMUNDA_CLUSTER_ID, CAMUNDA_CLUSTER_REGION,
   * CAMUNDA_CREDENTIALS_SCOPES, CAMUNDA_OAUTH_URL and the Tasklist/Operate/Optimize base URLs its permissions
   * allow), as a secret map ready for a Kubernetes Secret or a `.env` file.
   */
  declare public readonly env: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: ZeebeClientArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      zeebeClientShim,
      name,
      resourceProps("ZeebeClient", name, args, CLIENT_OUTPUTS, opts),
      withSecretOutputs(opts, SECRET_OUTPUTS),
      "camunda", "ZeebeClient",
    );
  }

  /** Reads an existing client by `<clusterId>/<clientId>`. */
  public static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): ZeebeClient {
    return new ZeebeClient(name, {} as ZeebeClientArgs, { ...opts, id });
  }
}
