/**
 * Seeded, deterministic data of the emulator: the organisation, its owner, and the cluster parameters
 * (channels with generations, plan types, regions). The UUIDs are fixed so tests and users can refer to them.
 * The Stable and Alpha channel UUIDs are the real ones seen in live payloads; the others are made up.
 */

export const ORG_ID = "8cc37fb7-deb8-41ec-8a7d-1a16ec612342";

export const OWNER = {
  id: "223d4a33-64b1-447d-8e0e-219201ca62de",
  name: "Demo Owner",
  email: "owner@example.com",
} as const;

export interface GenerationSeed {
  uuid: string;
  name: string;
}

export const GENERATIONS = {
  v87: { uuid: "21479a70-ca67-4aa8-a5db-fbb673e78cf4", name: "Camunda 8.7.x" },
  v88: { uuid: "4729d8e2-2aea-4fee-a37c-add32b8db2fc", name: "Camunda 8.8.x" },
  v89alpha: { uuid: "a7e7a3ba-5754-4cd5-8378-8ed9039a6432", name: "Camunda 8.9.0-alpha2" },
} as const satisfies Record<string, GenerationSeed>;

export interface ChannelSeed {
  uuid: string;
  name: string;
  /** Whether `autoUpdate` is honoured (it is ignored on non-stable channels). */
  stable: boolean;
  defaultGeneration: GenerationSeed;
  /** Oldest first: PUT /upgrade moves a cluster to the next one. */
  allowedGenerations: GenerationSeed[];
}

export const CHANNELS: ChannelSeed[] = [
  {
    uuid: "6bdf0d1c-3d5a-4df6-8d03-762682964d85",
    name: "Stable",
    stable: true,
    defaultGeneration: GENERATIONS.v88,
    allowedGenerations: [GENERATIONS.v87, GENERATIONS.v88],
  },
  {
    uuid: "c767585c-eccc-4762-be78-3bfcd562ee1e",
    name: "Alpha",
    stable: false,
    defaultGeneration: GENERATIONS.v89alpha,
    allowedGenerations: [GENERATIONS.v88, GENERATIONS.v89alpha],
  },
];

export interface PlanTypeSeed {
  uuid: string;
  name: string;
}

export const PLAN_TYPES: PlanTypeSeed[] = [
  { uuid: "6391d44f-4ab5-4a69-a56c-cc9e11741fe4", name: "Trial Cluster" },
  { uuid: "cc08fb05-6799-4eb1-bbca-355707e01cc7", name: "Basic" },
  { uuid: "e6c543f0-e5fa-45bf-af16-af4c500f4b57", name: "Standard" },
  { uuid: "4dd2bb26-ae6a-4103-94ee-0dde73d2d163", name: "Advanced" },
];

export interface RegionSeed {
  uuid: string;
  name: string;
  provider: "gcp" | "aws";
  /** Short code used in the cluster's endpoint host names, e.g. `bru-2`. */
  key: string;
  backups?: { uuid: string; regions: { id: string; label: string }[] }[];
}

export const REGIONS: RegionSeed[] = [
  {
    uuid: "e50ed325-cce1-4b36-acfc-bf1c14e96271",
    name: "Belgium, Europe (europe-west1)",
    provider: "gcp",
    key: "bru-2",
    backups: [
      {
        uuid: "36d1fc9c-9f53-4394-8161-174f786f1a8a",
        regions: [{ id: "europe-west3", label: "Frankfurt, Europe (europe-west3)" }],
      },
    ],
  },
  { uuid: "1a9400a9-e46a-49a7-9ae1-f1870f149080", name: "Iowa, North America (us-central1)", provider: "gcp", key: "dsm-1" },
  { uuid: "f6d48121-91e1-45b7-93a7-9e1da0b67d92", name: "London, Europe (europe-west2)", provider: "gcp", key: "lon-1" },
  {
    uuid: "e70d6c74-b330-4af0-9cae-bc4a55308677",
    name: "Sydney, Australia (australia-southeast1)",
    provider: "gcp",
    key: "syd-1",
  },
  { uuid: "c38a530d-328f-4cfd-af31-4b710de96ed6", name: "Frankfurt, Europe (eu-central-1)", provider: "aws", key: "fra-1" },
  {
    uuid: "e8ebafd5-f5f6-4561-9644-ca81d5e0854a",
    name: "North Virginia, North America (us-east-1)",
    provider: "aws",
    key: "iad-1",
  },
];

/** Hosts used to build links, as in SaaS. */
export const SAAS = {
  consoleUrl: "https://console.cloud.camunda.io",
  zeebeDomain: "zeebe.camunda.io",
  appDomain: "camunda.io",
  authorizationServerUrl: "https://login.cloud.camunda.io/oauth/token",
  zeebeTokenAudience: "zeebe.camunda.io",
} as const;

/** The `GET /clusters/parameters` body. */
export function parametersBody(): Record<string, unknown> {
  return {
    channels: CHANNELS.map((c) => ({
      uuid: c.uuid,
      name: c.name,
      defaultGeneration: { uuid: c.defaultGeneration.uuid, name: c.defaultGeneration.name },
      allowedGenerations: c.allowedGenerations.map((g) => ({ uuid: g.uuid, name: g.name, classification: "channel" })),
    })),
    clusterPlanTypes: PLAN_TYPES.map((p) => ({ uuid: p.uuid, name: p.name })),
    regions: REGIONS.map((r) => ({
      uuid: r.uuid,
      name: r.name,
      provider: r.provider,
      ...(r.backups ? { backups: r.backups } : {}),
    })),
  };
}

/** The `GET /meta/ip-ranges` body (documentation addresses, RFC 5737). */
export const IP_RANGES = { "web-modeler": ["192.0.2.0/28", "198.51.100.16/28"] };
