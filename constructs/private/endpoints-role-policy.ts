/**
 * The least-privilege policy for the role that creates the customer endpoints (endpoints.role):
 * create, tag, modify and delete exactly the endpoints and their security group, recognised by
 * the tag the constructs put on them, and nothing else. Written to policies/ by `npm run generate`.
 */

/** Tag every endpoint resource carries; the policy scopes writes to it. */
export const ENDPOINT_TAG_KEY = "mwaa:environment";

type Statement = {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
};

/**
 * Any partition: the file is applied as it is in aws, aws-cn or aws-us-gov accounts, and an account
 * belongs to exactly one partition (IAM User Guide, "Identify AWS resources with Amazon Resource
 * Names (ARNs)"), so `*` grants nothing outside it; wildcards may stand in any ARN segment except
 * the service (IAM User Guide, "IAM JSON policy elements: Resource").
 */
const ec2 = (type: string) => `arn:*:ec2:*:*:${type}/*`;
const tagged = { Null: { [`aws:ResourceTag/${ENDPOINT_TAG_KEY}`]: "false" } };
const tagging = { Null: { [`aws:RequestTag/${ENDPOINT_TAG_KEY}`]: "false" } };

export function endpointsRolePolicy(): { Version: string; Statement: Statement[] } {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        // Describe calls have no resource-level permissions; Terraform reads state and the ALB targets with them.
        Sid: "Read",
        Effect: "Allow",
        Action: [
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribePrefixLists",
          "ec2:DescribeSecurityGroupRules",
          "ec2:DescribeSecurityGroups",
          "ec2:DescribeSubnets",
          "ec2:DescribeVpcEndpointServices",
          "ec2:DescribeVpcEndpoints",
          "ec2:DescribeVpcs",
        ],
        Resource: ["*"],
      },
      {
        Sid: "CreateTaggedEndpoints",
        Effect: "Allow",
        Action: ["ec2:CreateVpcEndpoint"],
        Resource: [ec2("vpc-endpoint")],
        Condition: tagging,
      },
      {
        // ModifyVpcEndpoint too, to move an endpoint to other groups or subnets later (role.ownSecurityGroup),
        // as AWS's AmazonMWAAServiceRolePolicy grants it on vpc/*, security-group/* and subnet/*
        // (awsdocs/amazon-mwaa-user-guide 3518764, doc_source/mwaa-slr.md).
        Sid: "PlaceEndpointsInTheVpc",
        Effect: "Allow",
        Action: ["ec2:CreateVpcEndpoint", "ec2:ModifyVpcEndpoint"],
        Resource: [ec2("vpc"), ec2("subnet"), ec2("security-group")],
      },
      {
        Sid: "ChangeOwnEndpoints",
        Effect: "Allow",
        Action: ["ec2:DeleteVpcEndpoints", "ec2:ModifyVpcEndpoint"],
        Resource: [ec2("vpc-endpoint")],
        Condition: tagged,
      },
      {
        Sid: "CreateTaggedSecurityGroup",
        Effect: "Allow",
        Action: ["ec2:CreateSecurityGroup"],
        Resource: [ec2("security-group")],
        Condition: tagging,
      },
      { Sid: "SecurityGroupInTheVpc", Effect: "Allow", Action: ["ec2:CreateSecurityGroup"], Resource: [ec2("vpc")] },
      {
        Sid: "ChangeOwnSecurityGroup",
        Effect: "Allow",
        Action: [
          "ec2:AuthorizeSecurityGroupIngress",
          "ec2:DeleteSecurityGroup",
          "ec2:ModifySecurityGroupRules",
          "ec2:RevokeSecurityGroupEgress",
          "ec2:RevokeSecurityGroupIngress",
        ],
        Resource: [ec2("security-group")],
        Condition: tagged,
      },
      {
        // Rules are tagged on creation too; the rule resources have no tag of their own yet.
        Sid: "RulesOfOwnSecurityGroup",
        Effect: "Allow",
        Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:ModifySecurityGroupRules", "ec2:RevokeSecurityGroupIngress"],
        Resource: [ec2("security-group-rule")],
      },
      {
        Sid: "TagOnCreate",
        Effect: "Allow",
        Action: ["ec2:CreateTags"],
        Resource: [ec2("vpc-endpoint"), ec2("security-group"), ec2("security-group-rule")],
        Condition: {
          StringEquals: {
            "ec2:CreateAction": ["AuthorizeSecurityGroupIngress", "CreateSecurityGroup", "CreateVpcEndpoint"],
          },
        },
      },
      {
        Sid: "RetagOwnResources",
        Effect: "Allow",
        Action: ["ec2:CreateTags", "ec2:DeleteTags"],
        Resource: [ec2("vpc-endpoint"), ec2("security-group")],
        Condition: tagged,
      },
    ],
  };
}
