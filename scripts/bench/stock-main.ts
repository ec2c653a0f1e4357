// The stock cdktf style, as the cdktf TypeScript template runs an app: ts-node (type-checking)
// and the @cdktf/provider-aws barrel import, then the same app.
import * as aws from "@cdktf/provider-aws";
void aws;
import "../../main";
