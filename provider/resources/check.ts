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
  return { inputs: { ...(v.inputs as Record<string, unknown>), ...ownerProps(news) } };
}

/** Parses inputs in create/update (already checked by the engine); throws the same messages as `check`. */
export function parseInputs<T>(schema: z.ZodType<T>, resource: string, raw: Record<string, unknown>): T {
  const v = validate(schema, resource, raw);
  if (!v.inputs) throw new Error(v.failures.map((f) => f.reason).join("\n"));
  return v.inputs;
}
