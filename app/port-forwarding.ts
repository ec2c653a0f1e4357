import * as path from "path";
import { ALTERNATIVE_LOCAL_PORT, FORWARDED_PORT, startSessionCommand } from "../constructs/access-host";
import { ACCESS_HOST_INSTANCE_ID_OUTPUT } from "../constructs/private/network-outputs";

/** What synth needs from a stack's JSON to print how to open its UI through the evaluation host. */
export interface AccessHostSummary {
  readonly region: string;
  /** The name the browser opens: the domain, or undefined when only the ALB's DNS name exists. */
  readonly domain?: string;
}

type StackJson = {
  provider?: { aws?: { region?: string; alias?: string }[] };
  output?: Record<string, { value?: unknown }>;
};

/** The evaluation host of a synthesized stack, or undefined without one. */
export function accessHostOf(json: StackJson): AccessHostSummary | undefined {
  if (json.output?.[ACCESS_HOST_INSTANCE_ID_OUTPUT] === undefined) return undefined;
  const region = (json.provider?.aws ?? []).find((p) => p.alias === undefined)?.region ?? "<region>";
  const url = json.output?.mwaa_webserver_url?.value;
  const domain =
    typeof url === "string" && url.startsWith("https://") && !url.includes("${")
      ? url.slice("https://".length)
      : undefined;
  return { region, domain };
}

/**
 * The lines synth prints for a stack with an evaluation host: the `aws ssm start-session` command,
 * whose ids `terraform output` reads from the stack's state after deploy, and the hosts-file line.
 */
export function portForwardingLines(stackName: string, stackFile: string, host: AccessHostSummary): string[] {
  const dir = path.dirname(stackFile);
  const read = (output: string) => `"$(terraform -chdir=${dir} output -raw ${output})"`;
  // Without a domain the browser opens the ALB's own name, which the hosts file points at 127.0.0.1 too.
  const name = host.domain ?? `<the ALB's DNS name: terraform -chdir=${dir} output -raw mwaa_alb_dns_name>`;
  return [
    `evaluation access (${stackName}): after deploy, with the Session Manager plugin for the AWS CLI installed, run`,
    `  ${startSessionCommand(host.region, read(ACCESS_HOST_INSTANCE_ID_OUTPUT), read("mwaa_alb_dns_name"))}`,
    `  then add "127.0.0.1 ${name}" to your hosts file and open https://${host.domain ?? "<that name>"} (local port ${FORWARDED_PORT}); docs/network.md`,
    // Linux lets only root (or CAP_NET_BIND_SERVICE) bind below net.ipv4.ip_unprivileged_port_start,
    // default 1024 (kernel Documentation/networking/ip-sysctl).
    `  local port ${FORWARDED_PORT} needs administrator rights where ports below 1024 are privileged (Linux): run the command with sudo -E, or use localPortNumber=${ALTERNATIVE_LOCAL_PORT} and https://<domain>:${ALTERNATIVE_LOCAL_PORT} (docs/network.md)`,
  ];
}
