/**
 * Assembles the connection bundle users download from the Console for an API client. The API returns only part
 * of it (GET client has four fields); the rest comes from the create response and the cluster's links.
 */
import type { ClientPermission } from "./inputs";

export interface BundleSource {
  clusterId: string;
  clientId: string;
  clientSecret?: string;
  permissions: readonly string[];
  zeebeAddress?: string;
  authorizationServerUrl?: string;
  audience?: string;
  links?: { tasklist?: string; operate?: string; optimize?: string; zeebe?: string; oauth?: string };
}

export const DEFAULT_AUTHORIZATION_SERVER_URL = "https://login.cloud.camunda.io/oauth/token";
export const DEFAULT_ZEEBE_AUDIENCE = "zeebe.camunda.io";

/** The region key of a cluster (e.g. "bru-2") from its Zeebe address `<uuid>.<region>.zeebe.camunda.io:443`. */
export function regionFromZeebeAddress(address: string | undefined, clusterId: string): string | undefined {
  if (!address) return undefined;
  const host = address.replace(/^[a-z]+:\/\//, "").split(/[:/]/)[0];
  const labels = host.split(".");
  if (labels[0] === clusterId && labels.length > 2) return labels[1];
  return undefined;
}

/** A Zeebe gRPC address as clients need it: `host:443` (the cluster's `links.zeebe` has no port). */
export function zeebeAddressWithPort(address: string | undefined): string {
  if (!address) return "";
  const bare = address.replace(/^[a-z]+:\/\//, "").replace(/\/+$/, "");
  return /:\d+$/.test(bare) ? bare : `${bare}:443`;
}

/**
 * The 8.8 addresses of a cluster from its Zeebe host `<clusterId>.<region>.<domain>`, as the Console's credentials
 * download writes them: `ZEEBE_GRPC_ADDRESS` `grpcs://<clusterId>.<region>.<domain>:443` and `ZEEBE_REST_ADDRESS`
 * `https://<region>.<domain>/<clusterId>` (a public copy of an 8.8 download in camunda-community-hub/challenges
 * `CD_CI/solution/GitHubAction/bpmn/GitHubActionBPMNSaaS.md`; the same forms in camunda/camunda-8-js-sdk README and
 * the Spring starter's `modes/saas.yaml`). Empty when the host does not have that form (then neither can be known).
 */
export function addresses88(zeebeAddress: string, clusterId: string): { rest: string; grpc: string } {
  const hostPort = zeebeAddressWithPort(zeebeAddress);
  const host = hostPort.replace(/:\d+$/, "");
  const labels = host.split(".");
  if (labels[0] !== clusterId || labels.length < 3) return { rest: "", grpc: "" };
  return { grpc: `grpcs://${hostPort}`, rest: `https://${labels.slice(1).join(".")}/${clusterId}` };
}

/** Adds the keys a bundle recorded by an older version lacks (the 8.8 ones), derived from what it holds. */
export function withCurrentKeys(env: Record<string, string>): Record<string, string> {
  if ("ZEEBE_REST_ADDRESS" in env && "CAMUNDA_CLIENT_ID" in env) return env;
  const { rest, grpc } = addresses88(env.ZEEBE_ADDRESS ?? "", env.CAMUNDA_CLUSTER_ID ?? "");
  return {
    ...env,
    ZEEBE_REST_ADDRESS: env.ZEEBE_REST_ADDRESS ?? rest,
    ZEEBE_GRPC_ADDRESS: env.ZEEBE_GRPC_ADDRESS ?? grpc,
    CAMUNDA_CLIENT_ID: env.CAMUNDA_CLIENT_ID ?? env.ZEEBE_CLIENT_ID ?? "",
    CAMUNDA_CLIENT_SECRET: env.CAMUNDA_CLIENT_SECRET ?? env.ZEEBE_CLIENT_SECRET ?? "",
  };
}

/**
 * The bundle: the keys of the Console's download, the older ones (ZEEBE_ADDRESS, ZEEBE_CLIENT_ID/SECRET,
 * ZEEBE_AUTHORIZATION_SERVER_URL, ZEEBE_TOKEN_AUDIENCE, CAMUNDA_CLUSTER_ID/REGION, CAMUNDA_CREDENTIALS_SCOPES,
 * CAMUNDA_OAUTH_URL, the base URLs the permissions allow) and the 8.8 ones beside them (ZEEBE_REST_ADDRESS,
 * ZEEBE_GRPC_ADDRESS, CAMUNDA_CLIENT_ID, CAMUNDA_CLIENT_SECRET), as the 8.8 SDKs read them.
 */
export function connectionBundle(src: BundleSource): Record<string, string> {
  const zeebeAddress = zeebeAddressWithPort(src.zeebeAddress ?? src.links?.zeebe);
  const oauthUrl = src.authorizationServerUrl ?? src.links?.oauth ?? DEFAULT_AUTHORIZATION_SERVER_URL;
  const env: Record<string, string> = {
    ZEEBE_ADDRESS: zeebeAddress,
    ZEEBE_CLIENT_ID: src.clientId,
    ZEEBE_CLIENT_SECRET: src.clientSecret ?? "",
    ZEEBE_AUTHORIZATION_SERVER_URL: oauthUrl,
    ZEEBE_TOKEN_AUDIENCE: src.audience ?? DEFAULT_ZEEBE_AUDIENCE,
    CAMUNDA_CLUSTER_ID: src.clusterId,
    CAMUNDA_CLUSTER_REGION: regionFromZeebeAddress(zeebeAddress, src.clusterId) ?? "",
    CAMUNDA_CREDENTIALS_SCOPES: src.permissions.join(","),
    CAMUNDA_OAUTH_URL: oauthUrl,
  };
  const { rest, grpc } = addresses88(zeebeAddress, src.clusterId);
  env.ZEEBE_REST_ADDRESS = rest;
  env.ZEEBE_GRPC_ADDRESS = grpc;
  env.CAMUNDA_CLIENT_ID = src.clientId;
  env.CAMUNDA_CLIENT_SECRET = src.clientSecret ?? "";
  const has = (p: ClientPermission) => src.permissions.includes(p);
  if (has("Tasklist") && src.links?.tasklist) env.CAMUNDA_TASKLIST_BASE_URL = src.links.tasklist;
  if (has("Operate") && src.links?.operate) env.CAMUNDA_OPERATE_BASE_URL = src.links.operate;
  if (has("Optimize") && src.links?.optimize) env.CAMUNDA_OPTIMIZE_BASE_URL = src.links.optimize;
  return env;
}
