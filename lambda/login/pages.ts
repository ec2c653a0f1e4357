/** What a refused person reads: a short page in plain words, nothing internal (no token, header, ARN). */

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );
}

export const REFUSAL_TEXT = {
  notInGroup: {
    title: "You are not in a group that may use Airflow.",
    hint: "Ask your Airflow administrator to add you to one of the Airflow groups, then sign in again.",
  },
  notVerified: {
    title: "Your sign-in could not be verified.",
    hint: "Open the Airflow address again to sign in afresh. If this keeps happening, contact your platform team.",
  },
  noToken: {
    title: "Airflow could not issue a login token.",
    hint: "Try again in a minute. If this keeps happening, contact your platform team.",
  },
  misconfigured: {
    title: "Airflow sign-in is not set up correctly.",
    hint: "Please contact your platform team.",
  },
  notSignIn: {
    title: "This address does not sign you in to Airflow.",
    hint: "Open the Airflow address in your browser to sign in.",
  },
} as const;
export type RefusalKind = keyof typeof REFUSAL_TEXT;

export const REFUSAL_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ["Content-Type", "text/html; charset=utf-8"],
  ["X-Content-Type-Options", "nosniff"],
  ["Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'"],
];

export function refusalPage(kind: RefusalKind, reference: string | undefined): string {
  const { title, hint } = REFUSAL_TEXT[kind];
  const ref = reference ? `<p class="ref">Reference: ${escapeHtml(reference)}</p>` : "";
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Airflow sign-in</title>` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em;color:#222}.ref{color:#777;font-size:.85em}</style>` +
    `</head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(hint)}</p>${ref}</body></html>`
  );
}
