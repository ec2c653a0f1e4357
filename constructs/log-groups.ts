import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { mwaaLogGroupName } from "./private/naming";
import { LOG_MODULES } from "../model/versions";

export interface MwaaLogGroupsProps {
  readonly environmentName: string;
  readonly retentionDays: number;
  /** @default - AWS owned key */
  readonly kmsKeyArn?: string;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * The five log groups MWAA writes to (`airflow-<env>-<Module>`), created before the environment.
 * MWAA reuses existing groups of these names, so retention, tags and KMS are Terraform's and the
 * groups are removed on destroy instead of being orphaned.
 */
export class MwaaLogGroups extends Construct {
  readonly groups: CloudwatchLogGroup[];

  constructor(scope: Construct, id: string, props: MwaaLogGroupsProps) {
    super(scope, id);
    this.groups = LOG_MODULES.map(
      (m) =>
        new CloudwatchLogGroup(this, m.group, {
          name: mwaaLogGroupName(props.environmentName, m.group),
          retentionInDays: props.retentionDays,
          kmsKeyId: props.kmsKeyArn,
          tags: props.tags ?? {},
        }),
    );
  }
}
