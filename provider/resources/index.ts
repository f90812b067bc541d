/** The dynamic providers, by the kind name the SDK's serialized shims use. */
import { quietExpectedErrors } from "../errors";
import { backupProvider } from "./backup";
import { backupScheduleProvider } from "./backup-schedule";
import { clusterProvider } from "./cluster";
import { clusterEncryptionProvider } from "./cluster-encryption";
import { connectorSecretProvider } from "./connector-secret";
import { ipAllowlistProvider } from "./ip-allowlist";
import { memberProvider } from "./member";
import { externalMonitoringProvider, monitoringClientProvider } from "./monitoring";
import { secureConnectivityProvider } from "./secure-connectivity";
import { zeebeClientProvider } from "./zeebe-client";

export const providers = {
  cluster: clusterProvider,
  zeebeClient: zeebeClientProvider,
  ipAllowlist: ipAllowlistProvider,
  connectorSecret: connectorSecretProvider,
  member: memberProvider,
  backupSchedule: backupScheduleProvider,
  backup: backupProvider,
  externalMonitoring: externalMonitoringProvider,
  monitoringClient: monitoringClientProvider,
  secureConnectivity: secureConnectivityProvider,
  clusterEncryption: clusterEncryptionProvider,
};
export type ProviderKind = keyof typeof providers;

// In the dynamic-provider process: one line per failing resource for expected errors (see errors.ts).
quietExpectedErrors();

export { clusterProvider, connectorSecretProvider, ipAllowlistProvider, zeebeClientProvider };
export { connectionBundle } from "./bundle";
export * from "./inputs";
export { resolveParameters, loadParameters } from "./parameters";
export { clearReadCache } from "./read-cache";
