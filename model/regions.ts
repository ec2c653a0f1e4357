/**
 * The AWS Regions where Amazon MWAA runs, per partition: the one list the config is checked against.
 * Source: the "airflow" service of botocore's endpoint data (boto/botocore botocore/data/endpoints.json,
 * commit 0e6e2404, 2026-08-07; FIPS endpoints left out), which is what the AWS SDKs resolve
 * api.airflow.<region> from, and agrees with https://docs.aws.amazon.com/general/latest/gr/mwaa.html.
 * No other partition (aws-us-gov, aws-iso*) lists the service there.
 */
export const MWAA_REGIONS = {
  aws: [
    "af-south-1",
    "ap-east-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
  ],
  "aws-cn": ["cn-north-1", "cn-northwest-1"],
} as const;

export type MwaaPartition = keyof typeof MWAA_REGIONS;

/** Every Region where MWAA runs, all partitions together. */
export const ALL_MWAA_REGIONS: readonly string[] = Object.values(MWAA_REGIONS).flat();

export function isMwaaRegion(region: string): boolean {
  return ALL_MWAA_REGIONS.includes(region);
}
