/**
 * The ALB Lambda target's request and response shapes. The target group turns multi-value headers
 * on (contract.ts MULTI_VALUE_HEADERS), so the ALB sends `multiValueHeaders` and
 * `multiValueQueryStringParameters` and takes `multiValueHeaders` back (ELB User Guide, "Lambda
 * functions as targets", multi-value headers); nothing here reads or writes the single-value form.
 */
import type { DeadlineContext } from "../runtime/deadline";

/** ALB Lambda target event (header names lower-cased by the ALB). */
export interface AlbEvent {
  readonly requestContext?: { readonly elb?: { readonly targetGroupArn?: string } };
  readonly httpMethod?: string;
  readonly path?: string;
  readonly multiValueQueryStringParameters?: Readonly<Record<string, readonly string[]>> | null;
  readonly multiValueHeaders?: Readonly<Record<string, readonly string[]>> | null;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
}

export interface AlbResult {
  readonly statusCode: number;
  readonly statusDescription: string;
  readonly multiValueHeaders: Record<string, string[]>;
  readonly body: string;
  readonly isBase64Encoded: false;
}

/** Lambda context: the request id (the reference on error pages) and the time left (the handler's deadline). */
export interface LambdaContextLike extends DeadlineContext {
  readonly awsRequestId?: string;
}

/** Whether a header value is visible ASCII only (0x21 to 0x7E): no control character, space or non-ASCII byte. */
export function isVisibleAscii(value: string): boolean {
  return /^[\x21-\x7e]*$/.test(value);
}

const first = (values: readonly string[] | undefined): string | undefined =>
  Array.isArray(values) && typeof values[0] === "string" ? values[0] : undefined;

export function headerOf(event: AlbEvent, name: string): string | undefined {
  return first(event.multiValueHeaders?.[name]);
}

/** Whether a header came more than once: never for the ALB's own x-amzn-oidc-* headers, so a request with two is refused. */
export function isRepeated(event: AlbEvent, name: string): boolean {
  return (event.multiValueHeaders?.[name]?.length ?? 0) > 1;
}

export function queryOf(event: AlbEvent, name: string): string | undefined {
  return first(event.multiValueQueryStringParameters?.[name]);
}

const STATUS_TEXT: Record<number, string> = { 200: "200 OK", 302: "302 Found", 403: "403 Forbidden" };

export function respond(statusCode: number, pairs: ReadonlyArray<readonly [string, string]>, body: string): AlbResult {
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of pairs) (multiValueHeaders[name] ??= []).push(value);
  return {
    statusCode,
    statusDescription: STATUS_TEXT[statusCode] ?? String(statusCode),
    multiValueHeaders,
    body,
    isBase64Encoded: false,
  };
}

export const NO_STORE: ReadonlyArray<readonly [string, string]> = [
  ["Cache-Control", "no-store"],
  ["Pragma", "no-cache"],
];
