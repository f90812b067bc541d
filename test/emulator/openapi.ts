/**
 * Validates Console API responses against the published OpenAPI 3.0 document (test/fixtures/console-api-openapi.json)
 * with ajv. Relaxations, because the live API sends fields the document omits: every `additionalProperties: false`
 * is dropped. `nullable` is understood by ajv; `$ref: #/components/schemas/X` resolves to the components,
 * each added to ajv as its own schema.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

const SPEC_FILE = path.resolve(__dirname, "../fixtures/console-api-openapi.json");
const COMPONENT_BASE = "https://console-api.test/components/";

interface OpenApiResponse {
  description?: string;
  content?: Record<string, { schema?: unknown }>;
}
interface OpenApiOperation {
  operationId: string;
  responses: Record<string, OpenApiResponse>;
}
interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation | unknown>>;
  components: { schemas: Record<string, unknown> };
}

export const spec = JSON.parse(fs.readFileSync(SPEC_FILE, "utf8")) as OpenApiDoc;

/** Copies a schema, dropping `additionalProperties: false` and pointing `$ref`s at the registered components. */
function relax(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(relax);
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "additionalProperties" && v === false) continue;
    if (k === "$ref" && typeof v === "string") {
      const m = /^#\/components\/schemas\/(.+)$/.exec(v);
      if (!m) throw new Error(`Unsupported $ref ${v}`);
      out.$ref = COMPONENT_BASE + encodeURIComponent(m[1]);
      continue;
    }
    out[k] = relax(v);
  }
  return out;
}

const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
addFormats(ajv);
for (const f of ["double", "float", "int32", "int64"]) ajv.addFormat(f, true);
for (const [name, schema] of Object.entries(spec.components.schemas)) {
  ajv.addSchema(relax(schema) as object, COMPONENT_BASE + encodeURIComponent(name));
}

export interface SpecOperation {
  method: string;
  /** The path template as written in the spec, e.g. `/clusters/{clusterUuid}/clients/{clientId}`. */
  template: string;
  operationId: string;
  responses: Record<string, OpenApiResponse>;
}

const METHODS = ["get", "put", "post", "delete", "patch"];

export const operations: SpecOperation[] = Object.entries(spec.paths).flatMap(([template, item]) =>
  Object.entries(item)
    .filter(([m]) => METHODS.includes(m))
    .map(([m, op]) => ({
      method: m.toUpperCase(),
      template,
      operationId: (op as OpenApiOperation).operationId,
      responses: (op as OpenApiOperation).responses,
    })),
);

function templateRegex(template: string): RegExp {
  const body = template
    .split("/")
    .map((seg) => (/^\{.+\}$/.test(seg) ? "[^/]+" : seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${body}$`);
}

/** Literal segments win over parameters (`/clusters/parameters` before `/clusters/{clusterUuid}`). */
function specificity(template: string): number[] {
  return template.split("/").map((seg) => (/^\{.+\}$/.test(seg) ? 0 : 1));
}

/** The spec operation for a concrete request (path without query), or undefined. */
export function findOperation(method: string, urlPath: string): SpecOperation | undefined {
  const candidates = operations.filter((op) => op.method === method.toUpperCase() && templateRegex(op.template).test(urlPath));
  candidates.sort((a, b) => {
    const sa = specificity(a.template);
    const sb = specificity(b.template);
    for (let i = 0; i < Math.max(sa.length, sb.length); i++) {
      if ((sa[i] ?? 0) !== (sb[i] ?? 0)) return (sb[i] ?? 0) - (sa[i] ?? 0);
    }
    return 0;
  });
  return candidates[0];
}

const compiled = new Map<string, ValidateFunction>();

function validatorFor(op: SpecOperation, status: string): ValidateFunction | undefined {
  const key = `${op.method} ${op.template} ${status}`;
  if (compiled.has(key)) return compiled.get(key);
  const schema = op.responses[status]?.content?.["application/json"]?.schema;
  if (schema === undefined) return undefined;
  const fn = ajv.compile(relax(schema) as object);
  compiled.set(key, fn);
  return fn;
}

export interface ValidationResult {
  ok: boolean;
  /** Whether the spec lists this status for the operation. */
  documented: boolean;
  operationId?: string;
  errors: string[];
}

/**
 * Validates one response given the spec's method + path template, the status and the raw body.
 * Rules: a documented status with a JSON schema needs a JSON body matching it; 204 needs an empty body;
 * an undocumented 2xx is an error; undocumented 4xx/5xx (401, 429, 503, …) are accepted as plain text. Any error may
 * also be a JSON problem object `{status, title, detail}` (the `jsonErrors` profile: no public source settles what
 * the live service's error bodies are).
 */
export function validateResponse(
  method: string,
  template: string,
  status: number,
  body: string,
  contentType?: string,
): ValidationResult {
  const op = operations.find((o) => o.method === method.toUpperCase() && o.template === template);
  if (!op) return { ok: false, documented: false, errors: [`No operation ${method} ${template} in the spec`] };
  const documented = String(status) in op.responses;
  const base = { documented, operationId: op.operationId };
  if (status >= 400 && contentType?.startsWith("application/json") && isProblem(body, status)) return { ...base, ok: true, errors: [] };
  if (!documented) {
    if (status < 400) return { ...base, ok: false, errors: [`Status ${status} is not documented for ${op.operationId}`] };
    const textual = contentType === undefined || contentType.startsWith("text/plain");
    return { ...base, ok: textual, errors: textual ? [] : [`Error ${status} sent as ${contentType}, not text/plain`] };
  }
  if (status === 204) {
    return { ...base, ok: body === "", errors: body === "" ? [] : ["204 response has a body"] };
  }
  const validate = validatorFor(op, String(status));
  if (!validate) return { ...base, ok: true, errors: [] };
  if (contentType !== undefined && !contentType.startsWith("application/json")) {
    return { ...base, ok: false, errors: [`Expected application/json, got ${contentType}`] };
  }
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return { ...base, ok: false, errors: ["Body is not JSON"] };
  }
  if (validate(data)) return { ...base, ok: true, errors: [] };
  return {
    ...base,
    ok: false,
    errors: (validate.errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message ?? ""} ${JSON.stringify(e.params)}`),
  };
}

function isProblem(body: string, status: number): boolean {
  try {
    const p = JSON.parse(body) as { status?: unknown; title?: unknown; detail?: unknown };
    return p.status === status && typeof p.title === "string" && typeof p.detail === "string";
  } catch {
    return false;
  }
}

/** Same as validateResponse, for a concrete request path. Unknown paths (admin, token) give undefined. */
export function validateExchange(
  method: string,
  urlPath: string,
  status: number,
  body: string,
  contentType?: string,
): ValidationResult | undefined {
  const op = findOperation(method, urlPath);
  if (!op) return undefined;
  return validateResponse(method, op.template, status, body, contentType);
}
