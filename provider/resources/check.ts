/** The `check` and input parsing every resource provider shares. */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { z } from "zod";
import { currentSettings, markChecked } from "./context";
import { validate } from "./inputs";
import { ownerProps } from "./ownership";

/** Validates the provider settings (no request) and the inputs; failures name each field and its fix. */
export function checkInputs<T>(schema: z.ZodType<T>, resource: string, news: Record<string, unknown>): dynamic.CheckResult {
  markChecked();
  currentSettings();
  const v = validate(schema, resource, news);
  if (!v.inputs) return { inputs: news, failures: v.failures };
  return { inputs: { ...v.inputs, ...ownerProps(news) } };
}

/**
 * Parses inputs in create and update (checked already, and known: the engine sends no unknown value there) into
 * fully typed values; throws the messages `check` gives.
 */
export function parseInputs<S extends z.ZodType>(schema: S, resource: string, raw: Record<string, unknown>): z.output<S> {
  const input: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k !== "__provider" && k !== "__owner" && v !== undefined && v !== null) input[k] = v;
  }
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const v = validate(schema, resource, raw);
  throw new Error(v.failures.map((f) => f.reason).join("\n") || `${resource}: an input is not known yet`);
}
