import { z } from "zod";
import { ref } from "./ref";
import { ACCESS_HOST_INSTANCE_TYPES, type AccessHostInstanceType } from "./access-host";
import { cidrContains, cidrsOverlap, isIpv4Cidr as isIpv4, networkOf, refineNetworkAddress } from "./cidr";
import { PRIVATE_ROUTING_SERVICES, SESSION_MANAGER_SERVICES, type ServiceEndpoint } from "./versions";

/**
 * Ways into the network of a created VPC: a transit gateway attachment, a VPC peering connection,
 * and the evaluation host (Session Manager port forwarding to the ALB). docs/network.md.
 */

const TGW_ID = /^tgw-[0-9a-f]{8}([0-9a-f]{9})?$/;
const VPC_ID = /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/;
const ROUTE_TABLE_ID = /^rtb-[0-9a-f]{8}([0-9a-f]{9})?$/;

const ipv4Cidr = z
  .string({ error: "an IPv4 CIDR like 10.0.0.0/8" })
  .refine(isIpv4, { error: "an IPv4 CIDR like 10.0.0.0/8" })
  .superRefine(refineNetworkAddress);

export const transitGatewaySchema = z.strictObject({
  transitGatewayId: ref(TGW_ID, "a transit gateway id like tgw-0a1b2c3d4e5f60718").describe(
    "The transit gateway to attach the created VPC to: the account's own, or one shared with it through AWS RAM. Association and propagation in its route tables stay with its owner.",
  ),
  routedCidrs: z
    .array(ipv4Cidr, { error: "a list of IPv4 CIDRs" })
    .min(1, { error: "at least one CIDR (the networks your users are in)" })
    .describe(
      "Destinations the private route tables send through the transit gateway: the networks people and clients reach the ALB from.",
    ),
});

export const peeringSchema = z.strictObject({
  peerVpcId: ref(VPC_ID, "a VPC id like vpc-0a1b2c3d4e5f60718").describe(
    "An existing VPC in the same account and Region to peer the created VPC with.",
  ),
  peerCidrs: z
    .array(ipv4Cidr, { error: "a list of IPv4 CIDRs" })
    .min(1, { error: "at least one CIDR (the peer VPC's)" })
    .describe(
      "The peer VPC's IPv4 CIDRs: routed from the private route tables; they must not overlap network.create.cidr.",
    ),
  peerRouteTableIds: z
    .array(ref(ROUTE_TABLE_ID, "a route table id like rtb-0a1b2c3d4e5f60718"), { error: "a list of route table ids" })
    .default([])
    .describe(
      "Route tables of the peer VPC that this stack gives a route back to the created VPC. @default [] - none: the outputs name the route the peer's owner adds",
    ),
});

const INSTANCE_TYPES = Object.keys(ACCESS_HOST_INSTANCE_TYPES) as [AccessHostInstanceType, ...AccessHostInstanceType[]];

export const evaluationHostSchema = z.strictObject({
  instanceType: z
    .enum(INSTANCE_TYPES, { error: `one of ${INSTANCE_TYPES.join(", ")}` })
    .default("t4g.nano")
    .describe('Instance type of the host (Amazon Linux 2023, its architecture follows the type). @default "t4g.nano"'),
});

type NetworkView = {
  create?: { cidr?: unknown; natGateways?: unknown };
  serviceEndpoints?: readonly string[];
  transitGateway?: { routedCidrs?: readonly unknown[] };
  peering?: { peerCidrs?: readonly unknown[] };
};
type AccessView = { scheme?: string; evaluationHost?: unknown };

/** The service endpoints an environment gets when the config lists none. */
export function defaultServiceEndpoints(network: NetworkView, access: AccessView | undefined): ServiceEndpoint[] {
  if (network.create?.natGateways !== 0) return [];
  return [...PRIVATE_ROUTING_SERVICES, ...(access?.evaluationHost !== undefined ? SESSION_MANAGER_SERVICES : [])];
}

/** Cross-field rules of the ways in, and of a created VPC without NAT. */
export function checkNetworkAccess(
  env: { network: NetworkView; access?: AccessView; endpoints?: { createdBy?: string } },
  ctx: z.RefinementCtx,
): void {
  const { network: n, access } = env;
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
  for (const key of ["transitGateway", "peering"] as const) {
    if (n[key] !== undefined && n.create === undefined)
      issue(
        ["network", key],
        "only with network.create: the routes of an existing VPC belong to its owner, who attaches or peers it",
      );
  }
  const host = access?.evaluationHost;
  if (host !== undefined && access?.scheme === "internet-facing") {
    issue(
      ["access", "evaluationHost"],
      'only with access.scheme "internal": an internet-facing ALB is reached without a host in the VPC',
    );
  }
  if (host !== undefined && env.endpoints?.createdBy === "vpc-owner")
    issue(
      ["access", "evaluationHost"],
      "not with endpoints.createdBy vpc-owner: the ALB lives in the VPC owner's endpoints stack",
    );
  const vpcCidr = n.create?.cidr;
  if (!isIpv4(vpcCidr)) return;

  // Every destination of the private route tables once, and none the VPC's local route already covers.
  const routes = new Map<string, string>();
  if (typeof n.create?.natGateways === "number" && n.create.natGateways > 0)
    routes.set("0.0.0.0/0", "network.create.natGateways (the NAT route)");
  n.peering?.peerCidrs?.forEach((c, i) => {
    if (!isIpv4(c)) return;
    if (cidrsOverlap(c, vpcCidr)) {
      // "Ensure that the VPCs do not have overlapping IPv4 CIDR blocks. If they overlap, the status of the
      // VPC peering connection immediately goes to failed" (https://docs.aws.amazon.com/vpc/latest/peering/create-vpc-peering-connection.html).
      issue(
        ["network", "peering", "peerCidrs", i],
        `overlaps network.create.cidr ${vpcCidr}: AWS cannot peer VPCs whose IPv4 CIDRs overlap`,
      );
      return;
    }
    const other = routes.get(networkOf(c));
    if (other !== undefined) issue(["network", "peering", "peerCidrs", i], `routed twice: ${other} has it too`);
    routes.set(networkOf(c), `network.peering.peerCidrs[${i}]`);
  });
  n.transitGateway?.routedCidrs?.forEach((c, i) => {
    if (!isIpv4(c)) return;
    if (cidrContains(vpcCidr, c)) {
      issue(
        ["network", "transitGateway", "routedCidrs", i],
        `inside network.create.cidr ${vpcCidr}: that is the VPC itself (its local route)`,
      );
      return;
    }
    const other = routes.get(networkOf(c));
    if (other !== undefined)
      issue(["network", "transitGateway", "routedCidrs", i], `routed twice: ${other} has it too`);
    routes.set(networkOf(c), `network.transitGateway.routedCidrs[${i}]`);
  });

  // A new VPC without NAT has no other way to AWS services, unless a network team's endpoints are
  // reached through the transit gateway or the peer (centralized endpoints).
  if (
    n.create?.natGateways === 0 &&
    n.serviceEndpoints !== undefined &&
    n.transitGateway === undefined &&
    n.peering === undefined
  ) {
    const needed = [...PRIVATE_ROUTING_SERVICES, ...(host !== undefined ? SESSION_MANAGER_SERVICES : [])];
    const missing = needed.filter((s) => !n.serviceEndpoints!.includes(s));
    if (missing.length > 0) {
      issue(
        ["network", "serviceEndpoints"],
        `misses ${missing.join(", ")}: a created VPC with natGateways 0 reaches AWS services only through these endpoints (list them, leave serviceEndpoints out for all, or set natGateways)`,
      );
    }
  }
}
