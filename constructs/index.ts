// The package's public API: the composite, the stacks, the config's parse functions and the types
// users name. Sub-constructs are reachable as typed members of the composite and exported as types
// only: their props are internal and may change in a minor release.

// The composite and the stacks.
export { PrivateMwaaEnvironment, type PrivateMwaaEnvironmentProps } from "./private-mwaa-environment";
export { MwaaStack, type MwaaStackProps } from "./stack";
export { MwaaEndpointsStack, type MwaaEndpointsStackProps } from "./endpoints-stack";

// The config: parsing, its error, and its types (generated props interfaces included).
export { parseConfig, parseEnvironment, configJsonSchema } from "../model/parse";
export { ConfigError } from "../model/errors";
export type {
  Config,
  ConfigInput,
  Environment,
  EnvironmentInput,
  Backend,
  Artifacts,
  Monitoring,
  Migration,
} from "../model/schema";
export type * from "../model/environment-props";
export type { LambdaCode, MwaaArtifactFiles, ArtifactFile } from "../model/prepared";

// What MWAA accepts: versions, classes and Regions.
export {
  AIRFLOW_VERSIONS,
  DEFAULT_AIRFLOW_VERSION,
  ENVIRONMENT_CLASSES,
  type AirflowVersion,
  type EnvironmentClass,
} from "../model/versions";
export { MWAA_REGIONS, type MwaaPartition } from "../model/regions";

// The composite's members, by type.
export type { AirflowEnvironment } from "./airflow-environment";
export type { MwaaNetwork } from "./network";
export type { ArtifactBucket } from "./artifact-bucket";
export type { ExecutionRole } from "./execution-role";
export type { MwaaSecurityGroup } from "./security-group";
export type { MwaaEnvironment } from "./environment";
export type { CustomerEndpoints } from "./customer-endpoints";
export type { MwaaLogGroups } from "./log-groups";
export type { WorkerCountMetric } from "./worker-count";
export type { ArtifactUploads } from "./artifact-uploads";
export type { WebAccess } from "./web-access";
export type { SsoLogin } from "./sso-login";
export type { MwaaDashboard } from "./dashboard";
export type { MwaaAlarms } from "./alarms";
export type { TransitGatewayAttachment } from "./transit-gateway-attachment";
export type { VpcPeering } from "./vpc-peering";
export type { AccessHost } from "./access-host";
