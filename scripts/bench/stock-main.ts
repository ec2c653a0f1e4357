// The stock cdktf style, as the cdktf TypeScript template runs an app: ts-node (type-checking),
// the provider's barrel import (every AWS resource class) and cdktf's plain app.synth(), then the
// same app: MWAA_PLAIN_SYNTH=1 (app/synth.ts) turns off the fast synth, its patches and the config
// cache. The barrel is named in a constant: this baseline is the one place in the project that
// loads it on purpose.
import { PLAIN_ENV } from "../../app/synth";

process.env[PLAIN_ENV] = "1";
const STOCK_PROVIDER_IMPORT = "@cdktf/provider-aws";
require(STOCK_PROVIDER_IMPORT);
// After the switch is set: main.ts reads it when it runs.
require("../../main");
