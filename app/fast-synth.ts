import * as fs from "node:fs";
import * as path from "node:path";
import { App, AssetType, TerraformAsset, TerraformStack, ref } from "cdktf";
import { version as cdktfVersion } from "cdktf/package.json";
import type { IConstruct } from "constructs";

/**
 * The cdktf release whose synth this shortcut was checked against (node_modules/cdktf/lib/app.js
 * `synth`, terraform-stack.js `prepareStack`, tfExpression.js `Reference.resolve`). Any other
 * release, CDK Terrain included, gets the stock `app.synth()`; __tests__/fast-synth.test.ts fails
 * until the shortcut is checked again.
 */
export const VERIFIED_CDKTF = "0.21.0";

type Session = {
  readonly manifest: {
    readonly outdir: string;
    forStack(stack: TerraformStack): { readonly synthesizedStackPath: string };
  };
};
/** What TerraformAsset keeps private (terraform-asset.js): the asset's stack and source. */
interface AssetInternals {
  readonly stack: TerraformStack;
  readonly sourcePath: string;
  readonly type: AssetType;
  readonly path: string;
}
/** Where cdktf keeps a construct's copy step: the asset binds `_onSynthesize` there when it is built (synthesizer.js). */
const CUSTOM_SYNTHESIS = Symbol.for("cdktf/customSynthesis");
type CustomSynthesis = { onSynthesize(session: Session): void };

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
 * automatic references (with the local backend, the remote state cdktf writes reads the wrong
 * state file: constructs/private/backend.ts; the endpoints stack reads the environment's outputs
 * through its own remote state). Here each stack
 * only gets its backend (the rest of `prepareStack`), and the writing pass watches for what the
 * preparing one would have acted on: a Reference resolved in a stack other than its own, or a
 * construct added while resolving (a Lazy with side effects). Either is an error naming it, never
 * a silently different output.
 */
export function synthApp(app: App): void {
  const stacksDir = path.join(app.outdir, "stacks");
  if (cdktfVersion !== VERIFIED_CDKTF) {
    // Stacks of earlier synths linger in cdktf.out/stacks otherwise.
    fs.rmSync(stacksDir, { recursive: true, force: true });
    fs.mkdirSync(stacksDir, { recursive: true });
    app.synth();
    return;
  }
  fs.mkdirSync(stacksDir, { recursive: true });
  const stackPrototype = TerraformStack.prototype;
  const referencePrototype = Object.getPrototypeOf(ref("fast-synth")) as ReferenceInternals;
  const prepareStack = stackPrototype.prepareStack;
  const resolveReference = referencePrototype.resolve;
  for (const stack of app.node.findAll().filter(TerraformStack.isStack)) stack.ensureBackendExists();
  // The tree as synth gets it (a default backend may just have been added): its assets, what the
  // leftovers are judged by, and the count checked afterwards.
  const all = app.node.findAll();
  stackPrototype.prepareStack = () => undefined;
  referencePrototype.resolve = function (this: ReferenceInternals, context) {
    const here = TerraformStack.of(context.scope);
    if (this.originStack !== undefined && this.originStack !== here) {
      throw new Error(
        `synthApp: stack "${here.node.id}" refers to a resource of stack "${this.originStack.node.id}"; pass the value through the other stack's outputs and a remote state (as MwaaEndpointsStack does)`,
      );
    }
    return resolveReference.call(this, context);
  };
  // cdktf deletes and copies every asset on every synth; a file asset already in place, the only
  // thing in its folder, with the same bytes, is left as it is (deleting is most of a synth's I/O).
  const copySteps: [CustomSynthesis, CustomSynthesis["onSynthesize"]][] = [];
  for (const construct of all) {
    const synthesis = (construct as unknown as Record<symbol, CustomSynthesis | undefined>)[CUSTOM_SYNTHESIS];
    if (!(construct instanceof TerraformAsset) || synthesis === undefined) continue;
    const asset = construct as unknown as AssetInternals;
    const copy = synthesis.onSynthesize;
    copySteps.push([synthesis, copy]);
    synthesis.onSynthesize = (session) => {
      if (asset.type === AssetType.FILE) {
        const stackDir = path.join(
          session.manifest.outdir,
          session.manifest.forStack(asset.stack).synthesizedStackPath,
          "..",
        );
        if (singleSameFile(stackDir, asset.path, asset.sourcePath)) return;
      }
      copy(session);
    };
  }
  try {
    app.synth();
  } finally {
    stackPrototype.prepareStack = prepareStack;
    referencePrototype.resolve = resolveReference;
    for (const [synthesis, copy] of copySteps) synthesis.onSynthesize = copy;
  }
  if (app.node.findAll().length !== all.length)
    throw new Error(
      "synthApp: a construct was added while the stacks were written (a Lazy value with side effects); add it before synth",
    );
  removeLeftovers(all, stacksDir);
}

/** Whether `stackDir/assetPath` (assets/<id>/<hash>/<file>) is the one file under assets/<id> and has the source's bytes. */
function singleSameFile(stackDir: string, assetPath: string, sourcePath: string): boolean {
  const [assets, id, hash, file, ...rest] = assetPath.split("/");
  if (assets !== "assets" || file === undefined || rest.length > 0) return false;
  try {
    const only = (dir: string, name: string) => {
      const names = fs.readdirSync(dir);
      return names.length === 1 && names[0] === name;
    };
    const folder = path.join(stackDir, assets, id);
    return (
      only(folder, hash) &&
      only(path.join(folder, hash), file) &&
      fs.readFileSync(path.join(folder, hash, file)).equals(fs.readFileSync(sourcePath))
    );
  } catch {
    return false;
  }
}

/**
 * Terraform's own files in a stack folder: the working directory `terraform init` made
 * (.terraform/, .terraform.lock.hcl) and saved plans. Kept, so that `terraform -chdir=<stack>
 * output` and an offline `terraform init -plugin-dir` (docs/troubleshooting.md) still hold after the next synth.
 */
const isTerraformOwned = (entry: string) => entry.startsWith(".terraform") || entry.endsWith(".tfplan");

/**
 * What this synth did not write goes: stacks of earlier synths, and in each stack anything but
 * its cdk.tf.json, the assets it has now and Terraform's own files.
 */
function removeLeftovers(all: readonly IConstruct[], stacksDir: string): void {
  const keep = new Map<string, Set<string>>();
  for (const stack of all.filter(TerraformStack.isStack)) keep.set(stack.node.id, new Set());
  for (const construct of all) {
    if (!(construct instanceof TerraformAsset)) continue;
    const asset = construct as unknown as AssetInternals;
    keep.get(asset.stack.node.id)?.add(asset.path.split("/")[1]);
  }
  const remove = (p: string) => fs.rmSync(p, { recursive: true, force: true });
  for (const name of fs.readdirSync(stacksDir)) {
    const assets = keep.get(name);
    const dir = path.join(stacksDir, name);
    if (assets === undefined) {
      remove(dir);
      continue;
    }
    for (const entry of fs.readdirSync(dir))
      if (entry !== "cdk.tf.json" && !isTerraformOwned(entry) && (entry !== "assets" || assets.size === 0))
        remove(path.join(dir, entry));
    if (!fs.existsSync(path.join(dir, "assets"))) continue;
    for (const entry of fs.readdirSync(path.join(dir, "assets")))
      if (!assets.has(entry)) remove(path.join(dir, "assets", entry));
  }
}
