/**
 * Facts shared by the Lambda bundles and the construct that deploys them, defined once and free of
 * imports so constructs can read them at synth time.
 */

/** The Lambda runtime the bundles are built for (nodejs20.x left standard support in April 2026). */
export const LAMBDA_RUNTIME = "nodejs22.x";
/** The handler setting for the bundles: file index.js, export `handler`. */
export const LAMBDA_HANDLER = "index.handler";
