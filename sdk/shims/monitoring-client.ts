/**
 * The serialized dynamic provider of this resource kind. Its module exports are the provider object itself, so that
 * when pulumi-camunda is installed under node_modules Pulumi stores `require("pulumi-camunda/shims/monitoring-client")` in the
 * state instead of the code.
 */
import { shim } from "../provider-shim";

export = shim("monitoringClient");
