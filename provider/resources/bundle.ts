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
  const has = (p: ClientPermission) => src.permissions.includes(p);
  if (has("Tasklist") && src.links?.tasklist) env.CAMUNDA_TASKLIST_BASE_URL = src.links.tasklist;
  if (has("Operate") && src.links?.operate) env.CAMUNDA_OPERATE_BASE_URL = src.links.operate;
  if (has("Optimize") && src.links?.optimize) env.CAMUNDA_OPTIMIZE_BASE_URL = src.links.optimize;
  return env;
}
