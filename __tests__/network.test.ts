import {
  type Block,
  PRIVATE_SUBNET_IDS,
  VPC_ID,
  blockAt,
  dataSources,
  minimalEnvironment,
  nameOf,
  ref,
  resources,
  synthStack,
} from "./helpers";

/** The nine interface endpoints AWS documents for MWAA without a NAT path, besides the S3 gateway endpoint. */
const INTERFACE_SERVICES = [
  "monitoring",
  "ecr.dkr",
  "ecr.api",
  "logs",
  "sqs",
  "kms",
  "airflow.api",
  "airflow.env",
  "airflow.ops",
];

const created = (natGateways: number, serviceEndpoints?: string[]) =>
  synthStack(
    minimalEnvironment({
      network: {
        create: { cidr: "10.20.0.0/16", natGateways },
        ...(serviceEndpoints ? { serviceEndpoints: serviceEndpoints as never } : {}),
      },
    }),
  );
const existing = (serviceEndpoints?: string[]) =>
  synthStack(
    minimalEnvironment({
      network: {
        vpcId: VPC_ID,
        privateSubnetIds: [...PRIVATE_SUBNET_IDS],
        ...(serviceEndpoints ? { serviceEndpoints: serviceEndpoints as never } : {}),
      },
    }),
  );

// Each distinct config is synthesized once and shared by the tests below.
const existingVpc = existing();
const oneNat = created(1);
const twoNats = created(2);
const noNat = created(0);
// A subset without NAT needs the network team's endpoints reached some other way: here through a transit gateway.
const noNatSubset = synthStack(
  minimalEnvironment({
    network: {
      create: { cidr: "10.20.0.0/16", natGateways: 0 },
      serviceEndpoints: ["s3", "logs", "sqs"],
      transitGateway: { transitGatewayId: "tgw-0a1b2c3d4e5f60718", routedCidrs: ["10.0.0.0/8"] },
    },
  }),
);
const existingWithEndpoints = existing(["s3", "kms"]);
const existingInterfaceOnly = existing(["kms"]);

const environment = (doc: typeof noNat) => blockAt(doc, "aws_mwaa_environment", "Mwaa_Environment");
const endpointServices = (doc: typeof noNat) =>
  Object.values(resources(doc, "aws_vpc_endpoint")).map((e) => e.service_name as string);
const privateRoutes = (doc: typeof noNat) =>
  Object.entries(resources(doc, "aws_route")).filter(([name]) => name.startsWith("Mwaa_Network_PrivateDefaultRoute"));

describe("existing VPC", () => {
  test("creates no VPC, subnet, route, gateway or service endpoint", () => {
    // GIVEN an environment on an existing VPC and subnets (no serviceEndpoints)
    // WHEN synthesized
    // THEN the network part of the stack is empty
    for (const type of [
      "aws_vpc",
      "aws_subnet",
      "aws_route_table",
      "aws_route",
      "aws_internet_gateway",
      "aws_nat_gateway",
      "aws_eip",
    ]) {
      expect(resources(existingVpc, type)).toEqual({});
    }
    expect(dataSources(existingVpc, "aws_vpc")).toEqual({});
    expect(dataSources(existingVpc, "aws_route_table")).toEqual({});
    expect(endpointServices(existingVpc).filter((s) => s.startsWith("com.amazonaws."))).toEqual([]);
  });

  test("uses the VPC and private subnets as given", () => {
    // GIVEN / WHEN the existing network
    // THEN the environment, its security group and the customer endpoints use the ids verbatim
    expect(environment(existingVpc).network_configuration.subnet_ids).toEqual([...PRIVATE_SUBNET_IDS]);
    expect(blockAt(existingVpc, "aws_security_group", "Mwaa_SecurityGroup").vpc_id).toBe(VPC_ID);
    const database = blockAt(existingVpc, "aws_vpc_endpoint", "Mwaa_CustomerEndpoints_Database");
    expect(database.vpc_id).toBe(VPC_ID);
    expect(database.subnet_ids).toEqual([...PRIVATE_SUBNET_IDS]);
  });
});

describe("created VPC", () => {
  test("a VPC with DNS support and the configured CIDR", () => {
    // GIVEN create with 10.20.0.0/16
    // THEN the VPC has that CIDR and DNS support and hostnames (needed by private DNS endpoints)
    expect(blockAt(oneNat, "aws_vpc", "Mwaa_Network_Vpc")).toMatchObject({
      cidr_block: "10.20.0.0/16",
      enable_dns_hostnames: true,
      enable_dns_support: true,
    });
  });

  test("two private and two public subnets in two AZs, carved from the CIDR", () => {
    // GIVEN create with 10.20.0.0/16
    const zones = nameOf(oneNat, "data.aws_availability_zones", "Mwaa_Network_Zones");
    const vpcId = ref(oneNat, "aws_vpc", "Mwaa_Network_Vpc", "id");
    // THEN private subnets take a quarter each, public ones a sixteenth, one per AZ index
    const expected: [string, string, number][] = [
      ["Mwaa_Network_PrivateSubnet1", "10.20.0.0/18", 0],
      ["Mwaa_Network_PrivateSubnet2", "10.20.64.0/18", 1],
      ["Mwaa_Network_PublicSubnet1", "10.20.128.0/20", 0],
      ["Mwaa_Network_PublicSubnet2", "10.20.144.0/20", 1],
    ];
    for (const [path, cidr, az] of expected) {
      expect(blockAt(oneNat, "aws_subnet", path)).toMatchObject({
        vpc_id: vpcId,
        cidr_block: cidr,
        availability_zone: `\${element(data.aws_availability_zones.${zones}.names, ${az})}`,
      });
    }
    expect(Object.keys(resources(oneNat, "aws_subnet"))).toHaveLength(4);
  });

  test("the AZ lookup skips Local and Wavelength Zones (opt-in-status opt-in-not-required)", () => {
    // GIVEN a created VPC
    // THEN only the Region's own AZs are listed, so names[0..1] never is an opted-in Local Zone
    const zones = blockAt(oneNat, "data.aws_availability_zones", "Mwaa_Network_Zones");
    expect(zones.state).toBe("available");
    expect(zones.filter).toEqual([{ name: "opt-in-status", values: ["opt-in-not-required"] }]);
  });

  test("the environment runs in the two created private subnets", () => {
    expect(environment(oneNat).network_configuration.subnet_ids).toEqual([
      ref(oneNat, "aws_subnet", "Mwaa_Network_PrivateSubnet1", "id"),
      ref(oneNat, "aws_subnet", "Mwaa_Network_PrivateSubnet2", "id"),
    ]);
  });

  test("public subnets route to the internet gateway", () => {
    // GIVEN a created VPC
    // THEN the public route table has a default route to the IGW and both public subnets use it
    const publicTable = ref(oneNat, "aws_route_table", "Mwaa_Network_PublicRouteTable", "id");
    expect(blockAt(oneNat, "aws_internet_gateway", "Mwaa_Network_InternetGateway").vpc_id).toBe(
      ref(oneNat, "aws_vpc", "Mwaa_Network_Vpc", "id"),
    );
    expect(blockAt(oneNat, "aws_route", "Mwaa_Network_PublicDefaultRoute")).toMatchObject({
      route_table_id: publicTable,
      destination_cidr_block: "0.0.0.0/0",
      gateway_id: ref(oneNat, "aws_internet_gateway", "Mwaa_Network_InternetGateway", "id"),
    });
    for (const i of [1, 2]) {
      expect(blockAt(oneNat, "aws_route_table_association", `Mwaa_Network_PublicSubnet${i}RouteTable`)).toEqual({
        subnet_id: ref(oneNat, "aws_subnet", `Mwaa_Network_PublicSubnet${i}`, "id"),
        route_table_id: publicTable,
      });
    }
  });

  test("each private subnet has its own route table", () => {
    for (const i of [1, 2]) {
      expect(blockAt(oneNat, "aws_route_table_association", `Mwaa_Network_PrivateSubnet${i}RouteTable`)).toEqual({
        subnet_id: ref(oneNat, "aws_subnet", `Mwaa_Network_PrivateSubnet${i}`, "id"),
        route_table_id: ref(oneNat, "aws_route_table", `Mwaa_Network_PrivateRouteTable${i}`, "id"),
      });
    }
  });
});

describe("NAT gateways", () => {
  test("with 1, one NAT gateway in the first public subnet serves both AZs", () => {
    // GIVEN natGateways 1
    // THEN one EIP and one NAT gateway (after the IGW), and both private default routes use it
    expect(Object.keys(resources(oneNat, "aws_nat_gateway"))).toHaveLength(1);
    expect(Object.keys(resources(oneNat, "aws_eip"))).toHaveLength(1);
    expect(blockAt(oneNat, "aws_nat_gateway", "Mwaa_Network_NatGateway1")).toMatchObject({
      allocation_id: ref(oneNat, "aws_eip", "Mwaa_Network_NatEip1", "id"),
      subnet_id: ref(oneNat, "aws_subnet", "Mwaa_Network_PublicSubnet1", "id"),
      depends_on: [`aws_internet_gateway.${nameOf(oneNat, "aws_internet_gateway", "Mwaa_Network_InternetGateway")}`],
    });
    const nat = ref(oneNat, "aws_nat_gateway", "Mwaa_Network_NatGateway1", "id");
    for (const i of [1, 2]) {
      expect(blockAt(oneNat, "aws_route", `Mwaa_Network_PrivateDefaultRoute${i}`)).toEqual({
        route_table_id: ref(oneNat, "aws_route_table", `Mwaa_Network_PrivateRouteTable${i}`, "id"),
        destination_cidr_block: "0.0.0.0/0",
        nat_gateway_id: nat,
      });
    }
  });

  test("with 2, each AZ routes to the NAT gateway in its own public subnet", () => {
    // GIVEN natGateways 2 (the maximum)
    // THEN NAT i sits in public subnet i and private route table i routes to NAT i
    expect(Object.keys(resources(twoNats, "aws_nat_gateway"))).toHaveLength(2);
    for (const i of [1, 2]) {
      expect(blockAt(twoNats, "aws_nat_gateway", `Mwaa_Network_NatGateway${i}`)).toMatchObject({
        allocation_id: ref(twoNats, "aws_eip", `Mwaa_Network_NatEip${i}`, "id"),
        subnet_id: ref(twoNats, "aws_subnet", `Mwaa_Network_PublicSubnet${i}`, "id"),
      });
      expect(blockAt(twoNats, "aws_route", `Mwaa_Network_PrivateDefaultRoute${i}`)).toMatchObject({
        route_table_id: ref(twoNats, "aws_route_table", `Mwaa_Network_PrivateRouteTable${i}`, "id"),
        nat_gateway_id: ref(twoNats, "aws_nat_gateway", `Mwaa_Network_NatGateway${i}`, "id"),
      });
    }
  });

  test("with a NAT path and no serviceEndpoints, no service endpoint is created", () => {
    expect(endpointServices(oneNat).filter((s) => s.startsWith("com.amazonaws."))).toEqual([]);
    expect(endpointServices(twoNats).filter((s) => s.startsWith("com.amazonaws."))).toEqual([]);
  });

  test("with 0, no NAT gateway, no EIP and no default route in the private route tables", () => {
    // GIVEN natGateways 0
    // THEN there is no path to the internet from the private subnets
    expect(resources(noNat, "aws_nat_gateway")).toEqual({});
    expect(resources(noNat, "aws_eip")).toEqual({});
    expect(privateRoutes(noNat)).toEqual([]);
    const privateTables = [1, 2].map((i) => ref(noNat, "aws_route_table", `Mwaa_Network_PrivateRouteTable${i}`, "id"));
    const routesInPrivateTables = Object.values(resources(noNat, "aws_route")).filter((r) =>
      privateTables.includes(r.route_table_id),
    );
    expect(routesInPrivateTables).toEqual([]);
  });
});

describe("private routing endpoints (0 NAT gateways)", () => {
  const interfaceEndpoints = (doc: typeof noNat): Block[] =>
    Object.values(resources(doc, "aws_vpc_endpoint")).filter(
      (e) => String(e.service_name).startsWith("com.amazonaws.") && e.vpc_endpoint_type === "Interface",
    );

  test("an S3 gateway endpoint on both private route tables", () => {
    // GIVEN natGateways 0 and no serviceEndpoints
    // THEN S3 is reached through a gateway endpoint attached to the private route tables
    expect(blockAt(noNat, "aws_vpc_endpoint", "Mwaa_Network_S3Endpoint")).toMatchObject({
      vpc_id: ref(noNat, "aws_vpc", "Mwaa_Network_Vpc", "id"),
      service_name: "com.amazonaws.eu-west-1.s3",
      vpc_endpoint_type: "Gateway",
      route_table_ids: [1, 2].map((i) => ref(noNat, "aws_route_table", `Mwaa_Network_PrivateRouteTable${i}`, "id")),
    });
  });

  test("the nine interface endpoints AWS documents, with private DNS, in both private subnets", () => {
    // GIVEN natGateways 0
    const subnets = [1, 2].map((i) => ref(noNat, "aws_subnet", `Mwaa_Network_PrivateSubnet${i}`, "id"));
    const sg = ref(noNat, "aws_security_group", "Mwaa_Network_ServiceEndpointsSecurityGroup", "id");
    // THEN exactly these nine, each in both private subnets with the endpoints' security group
    const endpoints = interfaceEndpoints(noNat);
    expect(endpoints.map((e) => e.service_name).sort()).toEqual(
      INTERFACE_SERVICES.map((s) => `com.amazonaws.eu-west-1.${s}`).sort(),
    );
    for (const e of endpoints) {
      expect(e).toMatchObject({
        vpc_id: ref(noNat, "aws_vpc", "Mwaa_Network_Vpc", "id"),
        private_dns_enabled: true,
        subnet_ids: subnets,
        security_group_ids: [sg],
      });
    }
  });

  test("the endpoints' security group takes HTTPS from the VPC CIDR", () => {
    expect(
      blockAt(noNat, "aws_vpc_security_group_ingress_rule", "Mwaa_Network_ServiceEndpointsHttpsFromVpc"),
    ).toMatchObject({
      security_group_id: ref(noNat, "aws_security_group", "Mwaa_Network_ServiceEndpointsSecurityGroup", "id"),
      ip_protocol: "tcp",
      from_port: 443,
      to_port: 443,
      cidr_ipv4: ref(noNat, "aws_vpc", "Mwaa_Network_Vpc", "cidr_block"),
    });
    expect(blockAt(noNat, "aws_security_group", "Mwaa_Network_ServiceEndpointsSecurityGroup").vpc_id).toBe(
      ref(noNat, "aws_vpc", "Mwaa_Network_Vpc", "id"),
    );
  });

  test("endpoints are keyed by service name", () => {
    // GIVEN the endpoint of one service
    // THEN its address is derived from the service, e.g. airflow.api -> AirflowApiEndpoint
    expect(blockAt(noNat, "aws_vpc_endpoint", "Mwaa_Network_AirflowApiEndpoint").service_name).toBe(
      "com.amazonaws.eu-west-1.airflow.api",
    );
    expect(blockAt(noNat, "aws_vpc_endpoint", "Mwaa_Network_EcrDkrEndpoint").service_name).toBe(
      "com.amazonaws.eu-west-1.ecr.dkr",
    );
  });
});

describe("serviceEndpoints", () => {
  test("a subset creates only those endpoints", () => {
    // GIVEN natGateways 0 and serviceEndpoints s3, logs, sqs (the network team made the others, reached through a transit gateway)
    // THEN exactly those three service endpoints exist
    expect(
      endpointServices(noNatSubset)
        .filter((s) => s.startsWith("com.amazonaws."))
        .sort(),
    ).toEqual(["com.amazonaws.eu-west-1.logs", "com.amazonaws.eu-west-1.s3", "com.amazonaws.eu-west-1.sqs"]);
  });

  test("removing a service leaves the other endpoints' addresses alone", () => {
    // GIVEN the full set and a subset
    // THEN the endpoints present in both have the same address
    for (const path of ["Mwaa_Network_S3Endpoint", "Mwaa_Network_LogsEndpoint", "Mwaa_Network_SqsEndpoint"]) {
      expect(nameOf(noNatSubset, "aws_vpc_endpoint", path)).toBe(nameOf(noNat, "aws_vpc_endpoint", path));
    }
  });

  test("with an existing VPC, the VPC CIDR and the subnets' route tables are looked up", () => {
    // GIVEN an existing VPC with serviceEndpoints s3 and kms
    // THEN data sources read the VPC (for the CIDR) and each private subnet's route table
    expect(blockAt(existingWithEndpoints, "data.aws_vpc", "Mwaa_Network_Vpc")).toEqual({ id: VPC_ID });
    expect(blockAt(existingWithEndpoints, "data.aws_route_table", "Mwaa_Network_PrivateRouteTable1")).toEqual({
      subnet_id: PRIVATE_SUBNET_IDS[0],
    });
    expect(blockAt(existingWithEndpoints, "data.aws_route_table", "Mwaa_Network_PrivateRouteTable2")).toEqual({
      subnet_id: PRIVATE_SUBNET_IDS[1],
    });
    expect(resources(existingWithEndpoints, "aws_vpc")).toEqual({});
    expect(resources(existingWithEndpoints, "aws_route_table")).toEqual({});
  });

  test("with an existing VPC, the endpoints use the looked-up route tables, subnets and CIDR", () => {
    const doc = existingWithEndpoints;
    expect(blockAt(doc, "aws_vpc_endpoint", "Mwaa_Network_S3Endpoint")).toMatchObject({
      vpc_id: VPC_ID,
      vpc_endpoint_type: "Gateway",
      route_table_ids: [1, 2].map((i) => ref(doc, "data.aws_route_table", `Mwaa_Network_PrivateRouteTable${i}`, "id")),
    });
    expect(blockAt(doc, "aws_vpc_endpoint", "Mwaa_Network_KmsEndpoint")).toMatchObject({
      vpc_id: VPC_ID,
      service_name: "com.amazonaws.eu-west-1.kms",
      vpc_endpoint_type: "Interface",
      private_dns_enabled: true,
      subnet_ids: [...PRIVATE_SUBNET_IDS],
    });
    expect(
      blockAt(doc, "aws_vpc_security_group_ingress_rule", "Mwaa_Network_ServiceEndpointsHttpsFromVpc").cidr_ipv4,
    ).toBe(ref(doc, "data.aws_vpc", "Mwaa_Network_Vpc", "cidr_block"));
    expect(
      endpointServices(doc)
        .filter((s) => s.startsWith("com.amazonaws."))
        .sort(),
    ).toEqual(["com.amazonaws.eu-west-1.kms", "com.amazonaws.eu-west-1.s3"]);
  });

  test("with an existing VPC and no s3 endpoint, no route table is looked up", () => {
    // GIVEN an existing VPC with serviceEndpoints kms only
    // THEN route tables are not read (only the S3 gateway endpoint needs them)
    expect(dataSources(existingInterfaceOnly, "aws_route_table")).toEqual({});
    expect(endpointServices(existingInterfaceOnly).filter((s) => s.startsWith("com.amazonaws."))).toEqual([
      "com.amazonaws.eu-west-1.kms",
    ]);
  });
});
