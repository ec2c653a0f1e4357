import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type App, Testing } from "cdktf";
import { parseConfig, parseEnvironment } from "../model/parse";
import { MwaaEndpointsStack } from "../constructs/endpoints-stack";
import type { ConfigInput, EnvironmentInput } from "../model/schema";
import { ENDPOINT_TAG_KEY } from "../constructs/private/endpoints-role-policy";
import { MwaaStack } from "../constructs/stack";
import {
  type Block,
  type TerraformJson,
  PRIVATE_SUBNET_IDS,
  VPC_ID,
  addresses,
  blockAt,
  dataSources,
  minimalEnvironment,
  nameOf,
  ref,
  resources,
  synthStack,
  testApp,
  configErrorLines,
} from "./helpers";

const ROLE_ARN = "arn:aws:iam::210987654321:role/network-endpoints";
const ACCESS = {
  domainName: "airflow.dev.example.com",
  hostedZoneName: "dev.example.com",
  allowedCidrs: ["10.0.0.0/8"],
};
const SHARED_ACCESS = {
  domainName: "airflow.shared.example.com",
  hostedZoneName: "shared.example.com",
  allowedCidrs: ["10.0.0.0/8"],
};

// ---- role mode: one stack, a second (aliased) provider for the endpoints ----
const role = synthStack(
  minimalEnvironment({
    access: ACCESS,
    endpoints: {
      createdBy: "role",
      role: { roleArn: ROLE_ARN, externalId: "mwaa-endpoints-01", sessionName: "network-team", ownSecurityGroup: true },
    },
  }),
);
const roleDefault = synthStack(
  minimalEnvironment({ access: ACCESS, endpoints: { createdBy: "role", role: { roleArn: ROLE_ARN } } }),
);
const roleShared = synthStack(
  minimalEnvironment({ endpoints: { createdBy: "role", role: { roleArn: ROLE_ARN, ownSecurityGroup: false } } }),
);

// ---- vpc-owner mode: built the way main.ts builds it, two stacks in one app ----
function buildLikeMain(app: App, config: ConfigInput): { core: MwaaStack; endpoints: MwaaEndpointsStack } {
  const parsed = parseConfig(JSON.stringify(config), "test.json");
  const stacks: { core: MwaaStack; endpoints: MwaaEndpointsStack }[] = [];
  for (const environment of parsed.environments) {
    const core = new MwaaStack(app, environment.name, { environment, backend: parsed.backend });
    if (environment.endpoints.createdBy === "vpc-owner") {
      stacks.push({
        core,
        endpoints: new MwaaEndpointsStack(app, `${environment.name}-endpoints`, {
          environment,
          environmentStack: core,
          backend: parsed.backend,
        }),
      });
    }
  }
  if (stacks.length !== 1) throw new Error(`expected one vpc-owner environment, got ${stacks.length}`);
  return stacks[0];
}
const vpcOwnerEnv = (overrides: Partial<EnvironmentInput> = {}): EnvironmentInput =>
  minimalEnvironment({ name: "shared", endpoints: { createdBy: "vpc-owner" }, ...overrides });

// Local backend with access: each stack synthesized on its own.
const local = buildLikeMain(testApp(), {
  backend: { type: "local" },
  environments: [vpcOwnerEnv({ access: SHARED_ACCESS })],
});
const localCore = JSON.parse(Testing.synth(local.core)) as TerraformJson;
const localEndpoints = JSON.parse(Testing.synth(local.endpoints)) as TerraformJson;

// S3 backend without access: the whole app synthesized into a folder, as `cdktf deploy` reads it.
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "mwaa-endpoints-"));
const s3App = Testing.app({ outdir });
buildLikeMain(s3App, {
  backend: { type: "s3", bucket: "team-tf-state", keyPrefix: "mwaa/", region: "eu-central-1" },
  environments: [vpcOwnerEnv()],
});
s3App.synth();
const readJson = (rel: string) => JSON.parse(fs.readFileSync(path.join(outdir, rel), "utf8"));
const manifest = readJson("manifest.json");
const s3Core = readJson(manifest.stacks.shared.synthesizedStackPath) as TerraformJson;
const s3Endpoints = readJson(manifest.stacks["shared-endpoints"].synthesizedStackPath) as TerraformJson;
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

/** Every resource and data source address that names a provider, with that provider. */
function providers(doc: TerraformJson): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [prefix, blocks] of [
    ["", doc.resource],
    ["data.", doc.data],
  ] as const) {
    for (const [type, byName] of Object.entries(blocks ?? {})) {
      for (const [name, block] of Object.entries(byName))
        if (block.provider !== undefined) out[`${prefix}${type}.${name}`] = block.provider;
    }
  }
  return out;
}
const address = (doc: TerraformJson, type: string, p: string) => `${type}.${nameOf(doc, type, p)}`;

describe('role mode (createdBy "role")', () => {
  const endpoint = (which: "Database" | "Webserver") =>
    blockAt(role, "aws_vpc_endpoint", `Mwaa_CustomerEndpoints_${which}`);

  test("adds an aliased aws provider that assumes the role, in the environment's region", () => {
    // GIVEN role with externalId and sessionName, no region
    // THEN the default provider and one aliased provider with assume_role from config
    expect(role.provider?.aws).toEqual([
      { region: "eu-west-1" },
      {
        alias: "endpoints",
        region: "eu-west-1",
        assume_role: [{ role_arn: ROLE_ARN, external_id: "mwaa-endpoints-01", session_name: "network-team" }],
      },
    ]);
  });

  test("sessionName defaults to mwaa-endpoints and no external_id is sent without one", () => {
    expect(roleShared.provider?.aws[1]).toEqual({
      alias: "endpoints",
      region: "eu-west-1",
      assume_role: [{ role_arn: ROLE_ARN, session_name: "mwaa-endpoints" }],
    });
  });

  test.each(["Database", "Webserver"] as const)("the %s endpoint is created by the aliased provider", (which) => {
    expect(endpoint(which).provider).toBe("aws.endpoints");
    expect(endpoint(which).service_name).toBe(
      ref(role, "aws_mwaa_environment", "Mwaa_Environment", `${which.toLowerCase()}_vpc_endpoint_service`),
    );
  });

  test("the ALB reads the web server endpoint's interfaces through the same provider", () => {
    const interfaces = dataSources(role, "aws_network_interface");
    expect(Object.keys(interfaces)).toHaveLength(PRIVATE_SUBNET_IDS.length);
    for (const eni of Object.values(interfaces)) {
      expect(eni.provider).toBe("aws.endpoints");
      expect(eni.id).toContain(
        `aws_vpc_endpoint.${nameOf(role, "aws_vpc_endpoint", "Mwaa_CustomerEndpoints_Webserver")}.network_interface_ids`,
      );
    }
  });

  test("everything else, the environment first, stays on the default provider", () => {
    // THEN only the endpoints, their security group and rules, and the interface lookups name a provider
    expect(providers(role)).toEqual(
      Object.fromEntries(
        [
          address(role, "aws_vpc_endpoint", "Mwaa_CustomerEndpoints_Database"),
          address(role, "aws_vpc_endpoint", "Mwaa_CustomerEndpoints_Webserver"),
          address(role, "aws_security_group", "Mwaa_EndpointSecurityGroup"),
          address(role, "aws_vpc_security_group_ingress_rule", "Mwaa_EndpointSecurityGroup_EnvironmentHttps"),
          address(role, "aws_vpc_security_group_ingress_rule", "Mwaa_EndpointSecurityGroup_EnvironmentPostgres"),
          address(role, "aws_vpc_security_group_ingress_rule", "Mwaa_EndpointSecurityGroup_HttpsFromAlb"),
          ...Object.keys(dataSources(role, "aws_network_interface")).map((n) => `data.aws_network_interface.${n}`),
        ].map((a) => [a, "aws.endpoints"]),
      ),
    );
    expect(blockAt(role, "aws_mwaa_environment", "Mwaa_Environment")).not.toHaveProperty("provider");
  });

  test("with ownSecurityGroup, the endpoints get their own group under the role, in the environment's VPC", () => {
    const sg = blockAt(role, "aws_security_group", "Mwaa_EndpointSecurityGroup");
    expect(sg).toMatchObject({ provider: "aws.endpoints", vpc_id: VPC_ID });
    for (const which of ["Database", "Webserver"] as const)
      expect(endpoint(which).security_group_ids).toEqual([
        ref(role, "aws_security_group", "Mwaa_EndpointSecurityGroup", "id"),
      ]);
  });

  test.each([
    ["EnvironmentHttps", 443, "Mwaa_SecurityGroup"],
    ["EnvironmentPostgres", 5432, "Mwaa_SecurityGroup"],
    ["HttpsFromAlb", 443, "Mwaa_WebAccess_SecurityGroup"],
  ] as const)("the endpoints' group admits %s: port %p from %s", (rule, port, source) => {
    expect(blockAt(role, "aws_vpc_security_group_ingress_rule", `Mwaa_EndpointSecurityGroup_${rule}`)).toMatchObject({
      provider: "aws.endpoints",
      security_group_id: ref(role, "aws_security_group", "Mwaa_EndpointSecurityGroup", "id"),
      referenced_security_group_id: ref(role, "aws_security_group", source, "id"),
      ip_protocol: "tcp",
      from_port: port,
      to_port: port,
    });
  });

  test(`both endpoints and the group carry the ${ENDPOINT_TAG_KEY} tag the role's policy is scoped to`, () => {
    expect(ENDPOINT_TAG_KEY).toBe("mwaa:environment");
    expect(endpoint("Database").tags).toMatchObject({ "mwaa:environment": "dev" });
    expect(endpoint("Webserver").tags).toMatchObject({ "mwaa:environment": "dev" });
    expect(blockAt(role, "aws_security_group", "Mwaa_EndpointSecurityGroup").tags).toMatchObject({
      "mwaa:environment": "dev",
    });
  });

  test("by default (the role may be in another account) the endpoints' group is created by the endpoints' own provider", () => {
    // GIVEN createdBy "role" without ownSecurityGroup
    // THEN each endpoint's only group is one the aliased provider creates, never the environment account's
    for (const which of ["Database", "Webserver"] as const) {
      const ep = blockAt(roleDefault, "aws_vpc_endpoint", `Mwaa_CustomerEndpoints_${which}`);
      expect(ep.provider).toBe("aws.endpoints");
      expect(ep.security_group_ids).toEqual([
        ref(roleDefault, "aws_security_group", "Mwaa_EndpointSecurityGroup", "id"),
      ]);
    }
    expect(blockAt(roleDefault, "aws_security_group", "Mwaa_EndpointSecurityGroup").provider).toBe("aws.endpoints");
    // AND the ALB reaches the endpoints through that group, not the environment's
    expect(
      blockAt(roleDefault, "aws_vpc_security_group_ingress_rule", "Mwaa_EndpointSecurityGroup_HttpsFromAlb").provider,
    ).toBe("aws.endpoints");
  });

  test("with ownSecurityGroup false (role in the environment's account), the endpoints use the environment's group and no other is made", () => {
    expect(addresses(roleShared).filter((a) => a.includes("EndpointSecurityGroup"))).toEqual([]);
    for (const which of ["Database", "Webserver"] as const) {
      expect(blockAt(roleShared, "aws_vpc_endpoint", `Mwaa_CustomerEndpoints_${which}`)).toMatchObject({
        provider: "aws.endpoints",
        security_group_ids: [ref(roleShared, "aws_security_group", "Mwaa_SecurityGroup", "id")],
      });
    }
    // AND no ALB, so no interface lookups
    expect(dataSources(roleShared, "aws_network_interface")).toEqual({});
  });
});

describe('vpc-owner mode (createdBy "vpc-owner")', () => {
  test("the endpoints stack names what it creates after the MWAA environment, also when environmentName differs from the stack", () => {
    const named = buildLikeMain(testApp(), {
      backend: { type: "local" },
      environments: [vpcOwnerEnv({ environmentName: "analytics-af3" })],
    });
    const doc = JSON.parse(Testing.synth(named.endpoints)) as TerraformJson;
    const sg = Object.values(resources(doc, "aws_security_group"))[0];
    expect(sg.name).toBe("analytics-af3-mwaa-endpoints");
    expect(
      Object.values(resources(doc, "aws_vpc_endpoint")).map(
        (e) => (e.tags as Record<string, string>)["mwaa:environment"],
      ),
    ).toEqual(["analytics-af3", "analytics-af3"]);
  });

  const remoteState = (doc: TerraformJson): [string, Block] => {
    const states = Object.entries(dataSources(doc, "terraform_remote_state"));
    expect(states).toHaveLength(1);
    return states[0];
  };
  const output = (doc: TerraformJson, name: string) =>
    `\${data.terraform_remote_state.${remoteState(doc)[0]}.outputs.${name}}`;

  test("the endpoints stack has the endpoints and no environment; the core stack the reverse", () => {
    for (const doc of [localEndpoints, s3Endpoints]) {
      expect(resources(doc, "aws_mwaa_environment")).toEqual({});
      expect(Object.keys(resources(doc, "aws_vpc_endpoint"))).toHaveLength(2);
    }
    for (const doc of [localCore, s3Core]) {
      expect(Object.keys(resources(doc, "aws_mwaa_environment"))).toHaveLength(1);
      expect(resources(doc, "aws_vpc_endpoint")).toEqual({});
      expect(addresses(doc).filter((a) => a.includes("CustomerEndpoints"))).toEqual([]);
    }
  });

  test("local backend: the remote state is the core stack's real state file", () => {
    // GIVEN local state files, each path relative to its stack's own folder in cdktf.out/stacks
    const [, state] = remoteState(localEndpoints);
    expect(state).toEqual({ backend: "local", config: { path: "../../../terraform.shared.tfstate" } });
    expect(state.config.path).toBe(localCore.terraform?.backend.local.path);
    expect(localEndpoints.terraform?.backend.local.path).toBe("../../../terraform.shared-endpoints.tfstate");
  });

  test("s3 backend: the remote state is the core stack's key in the same bucket", () => {
    const [, state] = remoteState(s3Endpoints);
    expect(state).toMatchObject({
      backend: "s3",
      config: { bucket: "team-tf-state", key: "mwaa/shared.tfstate", region: "eu-central-1" },
    });
    expect(state.config).toMatchObject({
      bucket: s3Core.terraform?.backend.s3.bucket,
      key: s3Core.terraform?.backend.s3.key,
    });
    expect(s3Endpoints.terraform?.backend.s3.key).toBe("mwaa/shared-endpoints.tfstate");
  });

  test.each(["Database", "Webserver"] as const)(
    "the %s endpoint connects to the service the core stack exports",
    (which) => {
      const name = `mwaa_${which.toLowerCase()}_vpc_endpoint_service`;
      for (const [core, endpoints] of [
        [localCore, localEndpoints],
        [s3Core, s3Endpoints],
      ]) {
        expect(blockAt(endpoints, "aws_vpc_endpoint", `CustomerEndpoints_${which}`)).toMatchObject({
          service_name: output(endpoints, name),
          vpc_id: VPC_ID,
          subnet_ids: [...PRIVATE_SUBNET_IDS],
          security_group_ids: [ref(endpoints, "aws_security_group", "SecurityGroup", "id")],
          tags: { [ENDPOINT_TAG_KEY]: "shared" },
        });
        expect(blockAt(endpoints, "aws_vpc_endpoint", `CustomerEndpoints_${which}`)).not.toHaveProperty("provider");
        // AND the core stack exports exactly that attribute of its environment
        expect(core.output?.[name]?.value).toBe(
          ref(core, "aws_mwaa_environment", "Mwaa_Environment", `${which.toLowerCase()}_vpc_endpoint_service`),
        );
      }
    },
  );

  test.each([
    ["EnvironmentHttps", 443],
    ["EnvironmentPostgres", 5432],
  ] as const)(
    "the endpoints' group admits the environment's group (%s, port %p) read from the core stack",
    (rule, port) => {
      expect(blockAt(localEndpoints, "aws_vpc_security_group_ingress_rule", `SecurityGroup_${rule}`)).toMatchObject({
        security_group_id: ref(localEndpoints, "aws_security_group", "SecurityGroup", "id"),
        referenced_security_group_id: output(localEndpoints, "mwaa_security_group_id"),
        from_port: port,
        to_port: port,
      });
      expect(localCore.output?.mwaa_security_group_id?.value).toBe(
        ref(localCore, "aws_security_group", "Mwaa_SecurityGroup", "id"),
      );
    },
  );

  test("the endpoints stack depends on the core stack, so cdktf deploys the core first", () => {
    expect(local.endpoints.dependencies).toEqual([local.core]);
    expect(local.core.dependencies).toEqual([]);
    // AND the manifest cdktf reads says so
    expect(manifest.stacks["shared-endpoints"].dependencies).toEqual(["shared"]);
    expect(manifest.stacks.shared.dependencies).toEqual([]);
  });

  test("with access, the ALB lives in the endpoints stack on the interfaces of its web server endpoint", () => {
    expect(resources(localCore, "aws_lb")).toEqual({});
    expect(Object.keys(resources(localEndpoints, "aws_lb"))).toHaveLength(1);
    const interfaces = Object.values(dataSources(localEndpoints, "aws_network_interface"));
    expect(interfaces).toHaveLength(PRIVATE_SUBNET_IDS.length);
    for (const eni of interfaces) {
      expect(eni.id).toContain(
        `aws_vpc_endpoint.${nameOf(localEndpoints, "aws_vpc_endpoint", "CustomerEndpoints_Webserver")}.network_interface_ids`,
      );
      expect(eni).not.toHaveProperty("provider");
    }
    expect(blockAt(localEndpoints, "aws_vpc_security_group_ingress_rule", "SecurityGroup_HttpsFromAlb")).toMatchObject({
      referenced_security_group_id: ref(localEndpoints, "aws_security_group", "WebAccess_SecurityGroup", "id"),
      from_port: 443,
    });
  });

  test("with access, the core stack's base_url is the bare <domainName> (known before the ALB exists)", () => {
    expect(blockAt(localCore, "aws_mwaa_environment", "Mwaa_Environment").airflow_configuration_options).toEqual({
      "webserver.base_url": "airflow.shared.example.com",
    });
    expect(localEndpoints.output?.mwaa_webserver_url?.value).toBe("https://airflow.shared.example.com");
  });

  test("without access, neither stack has an ALB", () => {
    expect(resources(s3Core, "aws_lb")).toEqual({});
    expect(resources(s3Endpoints, "aws_lb")).toEqual({});
    expect(dataSources(s3Endpoints, "aws_network_interface")).toEqual({});
  });
});

describe("endpoints validation", () => {
  const lines = (overrides: Partial<EnvironmentInput>) =>
    configErrorLines(() => parseEnvironment(minimalEnvironment(overrides), "dev"));
  const withRole = (r: object): Partial<EnvironmentInput> => ({
    endpoints: { createdBy: "role", role: { roleArn: ROLE_ARN, ...r } },
  });

  test.each([
    [
      "a user ARN as roleArn",
      withRole({ roleArn: "arn:aws:iam::12:user/x" }),
      /^dev: endpoints\.role\.roleArn: an IAM role ARN like arn:aws:iam::210987654321:role\/network-endpoints \(got "arn:aws:iam::12:user\/x"\)$/,
    ],
    [
      "an externalId with a space and !",
      withRole({ externalId: "bad id!" }),
      /^dev: endpoints\.role\.externalId: 2 to 1224 characters: .* \(got "bad id!"\)$/,
    ],
    [
      "a one-character externalId",
      withRole({ externalId: "a" }),
      /^dev: endpoints\.role\.externalId: 2 to 1224 characters: .* \(got "a"\)$/,
    ],
    [
      "a 65-character sessionName",
      withRole({ sessionName: "s".repeat(65) }),
      /^dev: endpoints\.role\.sessionName: 2 to 64 characters: .* \(got "s{65}"\)$/,
    ],
    [
      "a role region other than the environment's",
      withRole({ region: "us-east-1" }),
      /^dev: endpoints\.role\.region: the environment's region eu-west-1 .* \(got "us-east-1"\)$/,
    ],
    [
      'createdBy "role" without role',
      { endpoints: { createdBy: "role" } },
      /^dev: endpoints\.role: required when createdBy is "role" \(got nothing\)$/,
    ],
    [
      'a role with createdBy "stack"',
      { endpoints: { role: { roleArn: ROLE_ARN } } },
      /^dev: endpoints\.role: only allowed when createdBy is "role" \(got .+\)$/,
    ],
    [
      "vpc-owner with network.create",
      { endpoints: { createdBy: "vpc-owner" }, network: { create: { cidr: "10.20.0.0/16" } } },
      /^dev: endpoints\.createdBy: vpc-owner needs an existing, shared network .* \(got "vpc-owner"\)$/,
    ],
    [
      "vpc-owner with access but no domainName",
      {
        endpoints: { createdBy: "vpc-owner" },
        access: {
          certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9",
          allowedCidrs: ["10.0.0.0/8"],
        },
      },
      /^dev: access\.domainName: required with endpoints\.createdBy vpc-owner .* \(got nothing\)$/,
    ],
  ] as [string, Partial<EnvironmentInput>, RegExp][])(
    "%s is refused with the path and what is allowed",
    (_case, overrides, message) => {
      const errors = lines(overrides);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(message);
    },
  );

  test("a role in the environment's own region, written out, is accepted", () => {
    expect(parseEnvironment(minimalEnvironment(withRole({ region: "eu-west-1" }))).endpoints.role?.region).toBe(
      "eu-west-1",
    );
  });
});
