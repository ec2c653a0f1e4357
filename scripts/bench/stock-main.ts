// The stock cdktf style, as the cdktf TypeScript template runs an app: ts-node (type-checking)
// and the provider's barrel import (every AWS resource class), then the same app. The barrel is
// named in a constant: this baseline is the one place in the project that loads it on purpose.
const STOCK_PROVIDER_IMPORT = "@cdktf/provider-aws";
require(STOCK_PROVIDER_IMPORT);
import "../../main";
