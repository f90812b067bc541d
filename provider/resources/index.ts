/** The four dynamic providers, by the kind name the SDK's serialized shims use. */
import { quietExpectedErrors } from "../errors";
import { clusterProvider } from "./cluster";
import { connectorSecretProvider } from "./connector-secret";
import { ipAllowlistProvider } from "./ip-allowlist";
import { zeebeClientProvider } from "./zeebe-client";

export const providers = {
  cluster: clusterProvider,
  zeebeClient: zeebeClientProvider,
  ipAllowlist: ipAllowlistProvider,
  connectorSecret: connectorSecretProvider,
};
export type ProviderKind = keyof typeof providers;

// In the dynamic-provider process: one line per failing resource for expected errors (see errors.ts).
quietExpectedErrors();

export { clusterProvider, connectorSecretProvider, ipAllowlistProvider, zeebeClientProvider };
export { connectionBundle } from "./bundle";
export * from "./inputs";
export { resolveParameters, loadParameters } from "./parameters";
export { clearReadCache } from "./read-cache";
