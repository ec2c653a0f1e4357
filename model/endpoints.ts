import { z } from "zod";
import { ref } from "./ref";

/** The `endpoints` block: who creates the two customer managed endpoints. */

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;

export const endpointsSchema = z
  .strictObject({
    createdBy: z
      .enum(["stack", "role", "vpc-owner"], { error: "stack, role or vpc-owner" })
      .default("stack")
      .describe(
        'Who creates the endpoints: "stack" (this stack\'s provider), "role" (a second provider assuming endpoints.role, same apply), "vpc-owner" (a separate <name>-endpoints stack the VPC owner applies). @default "stack"',
      ),
    role: z
      .strictObject({
        roleArn: ref(ROLE_ARN, "an IAM role ARN like arn:aws:iam::210987654321:role/network-endpoints").describe(
          "The role the endpoints provider assumes.",
        ),
        externalId: z
          .string()
          .regex(EXTERNAL_ID, { error: "2 to 1224 characters: letters, digits and +=,.@:/-_" })
          .optional()
          .describe("External id the role's trust policy asks for. @default - none"),
        sessionName: z
          .string()
          .regex(SESSION_NAME, { error: "2 to 64 characters: letters, digits and +=,.@-_" })
          .default("mwaa-endpoints")
          .describe('Session name of the assumed role. @default "mwaa-endpoints"'),
        region: z
          .string()
          .regex(REGION, { error: "an AWS region like eu-west-1" })
          .optional()
          .describe("Region of the endpoints provider; must be the environment's. @default - the environment's region"),
        ownSecurityGroup: z
          .boolean()
          .default(true)
          .describe(
            "Give the endpoints a security group of their own, created under the role: an endpoint needs a group of its creator's account, and a participant's group cannot be shared. false only when the role is in the environment's own account: the endpoints then use the environment's group. @default true",
          ),
      })
      .optional()
      .describe('The role that creates the endpoints; only with createdBy "role".'),
  })
  .prefault({});

export type Endpoints = z.output<typeof endpointsSchema>;

/** Cross-field rules of `endpoints` that need the rest of the environment. */
export function checkEndpoints(
  env: {
    region: string;
    endpoints: Endpoints;
    network: { create?: unknown };
    access?: { domainName?: string; sso?: unknown };
  },
  ctx: z.RefinementCtx,
) {
  const e = env.endpoints;
  if (e.createdBy === "role" && e.role === undefined)
    ctx.addIssue({ code: "custom", path: ["endpoints", "role"], message: 'required when createdBy is "role"' });
  if (e.createdBy !== "role" && e.role !== undefined)
    ctx.addIssue({ code: "custom", path: ["endpoints", "role"], message: 'only allowed when createdBy is "role"' });
  if (e.role?.region !== undefined && e.role.region !== env.region) {
    ctx.addIssue({
      code: "custom",
      path: ["endpoints", "role", "region"],
      message: `the environment's region ${env.region} (endpoints live in the environment's VPC)`,
    });
  }
  if (e.createdBy === "vpc-owner" && env.network.create !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["endpoints", "createdBy"],
      message: "vpc-owner needs an existing, shared network (vpcId and privateSubnetIds), not network.create",
    });
  }
  if (e.createdBy === "vpc-owner" && env.access !== undefined && env.access.domainName === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["access", "domainName"],
      message:
        "required with endpoints.createdBy vpc-owner (the ALB lives in the endpoints stack, after the environment)",
    });
  }
  if (e.createdBy === "vpc-owner" && env.access?.sso !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["access", "sso"],
      message:
        "not supported with endpoints.createdBy vpc-owner yet (the ALB is the VPC owner's); use access.authentication",
    });
  }
}
