/**
 * Every listener rule priority of the HTTPS listener, in one table. ALB evaluates rules from the
 * lowest number up and the default action last; two rules of a listener cannot share a number.
 *
 * - `legacy`: the sign-in rules of the environment named like the stack, where they have always
 *   been (their addresses and priorities are a contract of deployed stacks). A kind that needs a
 *   second rule (a host condition uses up the condition-value quota) takes the next number.
 * - `first` and `second`: bands of host-conditioned sign-in rules for environments not named like
 *   the stack; a band's rules take consecutive numbers from its start (at most 9 rules).
 * - `candidateHost`: the candidate's second host name, after every sign-in rule.
 */
export const LISTENER_RULE_PRIORITIES = {
  signIn: {
    legacy: { PassThrough: 10, Login: 20, Logout: 30 },
    first: 1,
    second: 41,
  },
  candidateHost: 1000,
} as const;

/** Which priorities an environment's sign-in rules take. */
export type SignInPriorityBand = "legacy" | "first" | "second";

/** Which requests an environment's sign-in rules take. */
export type SignInRules =
  /** Alone on the listener: every host name. */
  | { readonly hosts: "every" }
  /** Beside another environment: only these host names ([] makes no rules), at the band's priorities. */
  | { readonly hosts: readonly string[]; readonly band: SignInPriorityBand };
