/**
 * Which host names reach which environment's sign-in rules, during a side-by-side migration and
 * without one. Pure: the validated config in, host names and a priority band out.
 */
import type { Environment } from "../../model/schema";
import { candidateHostName } from "../../model/migration";
import type { SignInRules } from "./listener-priorities";

/** The domain and the candidate's second host name during a migration. */
export function webHosts(config: Environment): { domain: string; candidate: string } | undefined {
  const domain = config.access?.domainName;
  if (config.migration === undefined || domain === undefined) return undefined;
  return { domain, candidate: candidateHostName(config.migration, domain) };
}

/** The cases of sign-in routing: which environment, and what the listener holds besides it. */
export type EnvironmentRole =
  /** The environment `airflow` describes; `legacy` when it is named like the stack (rules 10, 20, 30). */
  | { readonly kind: "current"; readonly legacy: boolean }
  /** The migration's new environment, beside a current one that is or is not named like the stack. */
  | { readonly kind: "candidate"; readonly currentIsLegacy: boolean };

/**
 * Which host names send their sign-in paths to an environment, and where its rules sit. Alone on
 * the listener, the environment named like the stack keeps its rules for every host, as always.
 * During a migration each environment's rules carry the host names it is served at: the current
 * one the domain until cutover and none from then (its Airflow 2 paths would otherwise still sign
 * people in to it at the domain); the candidate its second host name, and the domain too from cutover.
 */
export function signInRoute(config: Environment, role: EnvironmentRole): { webHostname: string; rules: SignInRules } {
  const domain = config.access?.domainName;
  const hosts = webHosts(config);
  const cutover = config.migration?.serve === "candidate";
  if (role.kind === "current") {
    if (domain === undefined) throw new Error("access.sso without access.domainName (the schema requires it)");
    const served = hosts !== undefined && cutover ? [] : [domain];
    // Without a migration nothing else shares the listener: every host, as always.
    if (role.legacy)
      return {
        webHostname: domain,
        rules: hosts === undefined ? { hosts: "every" } : { hosts: served, band: "legacy" },
      };
    return { webHostname: domain, rules: { hosts: served, band: "first" } };
  }
  if (hosts === undefined)
    throw new Error("a candidate without the domain: migration requires access.domainName (checked by the schema)");
  return {
    webHostname: cutover ? hosts.domain : hosts.candidate,
    rules: {
      hosts: cutover ? [hosts.domain, hosts.candidate] : [hosts.candidate],
      band: role.currentIsLegacy ? "first" : "second",
    },
  };
}
