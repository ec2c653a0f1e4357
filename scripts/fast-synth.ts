import { App, TerraformStack, ref } from "cdktf";
import { version as cdktfVersion } from "cdktf/package.json";

/**
 * The cdktf release whose synth this shortcut was checked against (node_modules/cdktf/lib/app.js
 * `synth`, terraform-stack.js `prepareStack`, tfExpression.js `Reference.resolve`). Any other
 * release, CDK Terrain included, gets the stock `app.synth()`; __tests__/fast-synth.test.ts fails
 * until the shortcut is checked again.
 */
export const VERIFIED_CDKTF = "0.21.0";

/** cdktf's Reference, the one token type that reads `context.preparing` (tfExpression.js). */
interface ReferenceInternals {
  readonly originStack?: TerraformStack;
  resolve(context: { readonly scope: TerraformStack; readonly preparing: boolean }): unknown;
}

/**
 * `app.synth()` without cdktf's first, "preparing" resolve pass, for this app's stacks, which never
 * refer to each other's resources.
 *
 * cdktf 0.21 resolves every element of every stack twice: once with `preparing` set, only so that a
 * `Reference` to another stack's resource can add an output there and a remote state here, then
 * again to write the JSON (a third of a 20-environment synth). This app does not use those
 * automatic references (with the local backend they read the wrong state file, DESIGN.md; the
 * endpoints stack reads the environment's outputs through its own remote state). Here each stack
 * only gets its backend (the rest of `prepareStack`), and the writing pass watches for what the
 * preparing one would have acted on: a Reference resolved in a stack other than its own, or a
 * construct added while resolving (a Lazy with side effects). Either is an error naming it, never
 * a silently different output.
 */
export function synthApp(app: App): void {
  if (cdktfVersion !== VERIFIED_CDKTF) {
    app.synth();
    return;
  }
  const stackPrototype = TerraformStack.prototype;
  const referencePrototype = Object.getPrototypeOf(ref("fast-synth")) as ReferenceInternals;
  const prepareStack = stackPrototype.prepareStack;
  const resolveReference = referencePrototype.resolve;
  for (const stack of app.node.findAll().filter(TerraformStack.isStack)) stack.ensureBackendExists();
  stackPrototype.prepareStack = () => undefined;
  referencePrototype.resolve = function (this: ReferenceInternals, context) {
    const here = TerraformStack.of(context.scope);
    if (this.originStack !== undefined && this.originStack !== here) {
      throw new Error(`synthApp: stack "${here.node.id}" refers to a resource of stack "${this.originStack.node.id}"; pass the value through the other stack's outputs and a remote state (as MwaaEndpointsStack does)`);
    }
    return resolveReference.call(this, context);
  };
  const constructs = app.node.findAll().length;
  try {
    app.synth();
  } finally {
    stackPrototype.prepareStack = prepareStack;
    referencePrototype.resolve = resolveReference;
  }
  if (app.node.findAll().length !== constructs) throw new Error("synthApp: a construct was added while the stacks were written (a Lazy value with side effects); add it before synth");
}
