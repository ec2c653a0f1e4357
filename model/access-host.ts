// Apart from the schema (network-access.ts) so that the construct that reads them loads no zod.

/**
 * Instance types of the evaluation host, with the architecture of their Amazon Linux 2023 AMI. The host
 * only relays one TCP connection: the smallest burstable types (t4g.nano is Graviton, arm64).
 */
export const ACCESS_HOST_INSTANCE_TYPES = { "t4g.nano": "arm64", "t3.nano": "x86_64", "t3a.nano": "x86_64" } as const;
export type AccessHostInstanceType = keyof typeof ACCESS_HOST_INSTANCE_TYPES;
