/**
 * `pulumi-camunda/provider`: the dynamic-provider implementations the SDK's serialized shims load at run time,
 * and the Console API client and token provider they are built on (usable on their own).
 */
export { providers, type ProviderKind } from "./resources";
export * from "./api";
