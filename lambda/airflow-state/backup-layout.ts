/**
 * Where one environment's backups go. Import-free, so constructs read it at synth; apart from
 * contract.ts so that the apply Lambda's bundle does not change with it.
 */

/** The key prefix of one environment's backups: the backup Lambda writes there, the bucket's retention rule expires there. */
export function backupPrefix(prefix: string, environmentName: string): string {
  return `${prefix}${environmentName}/`;
}
