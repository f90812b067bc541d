/** pulumi-camunda: Pulumi resources for Camunda 8 SaaS. */
export const packageName = "pulumi-camunda";
