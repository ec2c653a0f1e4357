/**
 * The one InvokeRestApi client of this project, shared by the apply and backup Lambdas and the
 * `airflow-state` CLI.
 *
 * MWAA's InvokeRestApi (MWAA API reference; aws/aws-sdk-js-v3 clients/client-mwaa
 * src/commands/InvokeRestApiCommand.ts): request { Name, Path, Method, QueryParameters?, Body? }
 * (Path relative to the Airflow API root, without /api/v1 or /api/v2: the SDK's own example lists
 * variables with Path "/variables", the AWS CLI reference for invoke-rest-api gives
 * "/dags/123456/clearTaskInstances"), response { RestApiStatusCode, RestApiResponse }; Airflow's 4xx answers come
 * as RestApiClientException and 5xx as RestApiServerException, both carrying RestApiStatusCode and
 * RestApiResponse (src/models/errors.ts). User guide "Using the Apache Airflow REST API": Airflow
 * 2.4.3 and later, 10 s timeout, 6 MB response limit. "Accessing an Amazon MWAA environment": with a
 * private web server the call works only from inside the VPC.
 *
 * The command class comes from invoke-rest-api-command.ts: the installed SDK's when it has one, else
 * this project's equivalent on the same client.
 */
import * as mwaa from "@aws-sdk/client-mwaa";
import { invokeRestApiCommand } from "./invoke-rest-api-command";

/** The request shape of InvokeRestApi (SDK model InvokeRestApiRequest). */
export interface RestApiRequest {
  readonly Method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  readonly Path: string;
  readonly QueryParameters?: Record<string, unknown>;
  readonly Body?: Record<string, unknown>;
}

/** The response shape (SDK model InvokeRestApiResponse). */
export interface RestApiResponse {
  readonly RestApiStatusCode?: number;
  readonly RestApiResponse?: unknown;
}

/** What a client needs: MWAAClient (or aws-sdk-client-mock's stand-in). */
export interface MwaaSender {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/** InvokeRestApi's own limit (user guide): a page must come back within it. */
export const INVOKE_TIMEOUT_MS = 10_000;
/** Page size of list calls; halved when a page comes back too large for the 6 MB limit. */
export const PAGE_SIZE = 100;

/** A failure with a message meant for the person applying or restoring. */
export class AirflowStateError extends Error {}

/**
 * Fails unless the environment is AVAILABLE (an update applied before that fails, and the REST API is
 * not up). The message says what to run: after a first apply MWAA goes on creating for tens of
 * minutes while Terraform has finished, so the apply invocation fails until the next deploy.
 */
export async function requireAvailable(
  client: MwaaSender,
  name: string,
  region = process.env.AWS_REGION ?? "<region>",
): Promise<{ airflowVersion: string }> {
  const out = (await client.send(new mwaa.GetEnvironmentCommand({ Name: name }))) as mwaa.GetEnvironmentCommandOutput;
  const status = out.Environment?.Status;
  if (status !== "AVAILABLE") {
    throw new AirflowStateError(
      `MWAA environment ${name} is ${status ?? "not found"}, not AVAILABLE (a first deploy goes on creating for tens of minutes after Terraform finishes): run operations/wait-available.sh ${name} ${region}, then deploy again (README "First deploy")`,
    );
  }
  return { airflowVersion: out.Environment?.AirflowVersion ?? "unknown" };
}

function errorText(e: unknown): { name: string; status?: number; detail: string } {
  const err = e as { name?: string; message?: string; RestApiStatusCode?: number; RestApiResponse?: unknown };
  const body = err.RestApiResponse as { detail?: unknown; title?: unknown } | undefined;
  const detail =
    typeof body?.detail === "string"
      ? body.detail
      : typeof body?.title === "string"
        ? body.title
        : (err.message ?? String(e));
  return { name: err.name ?? "Error", status: err.RestApiStatusCode, detail };
}

/**
 * True for the error of a response over InvokeRestApi's 6 MB limit. The user guide says only that
 * the call fails ("The response payload size can't exceed 6 MB"), not with which error: HTTP 413 or
 * a message about size is a guess, unverified against a live environment.
 */
export function isTooLarge(e: unknown): boolean {
  const { status, detail } = errorText(e);
  return status === 413 || /too large|exceeds? .*(size|limit)|6 ?MB/i.test(detail);
}

/** A REST API client bound to one environment. */
export class AirflowRestApi {
  constructor(
    private readonly client: MwaaSender,
    readonly environmentName: string,
    private readonly timeoutMs = INVOKE_TIMEOUT_MS,
  ) {}

  /** One call; throws AirflowStateError naming the method, path and Airflow's answer. */
  async call<T = unknown>(req: RestApiRequest): Promise<T> {
    const Command = invokeRestApiCommand();
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    // Raced as well as aborted: the call fails at the limit even when the sender ignores the signal.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(Object.assign(new Error("timeout"), { name: "TimeoutError" }));
      }, this.timeoutMs);
    });
    try {
      const out = (await Promise.race([
        this.client.send(new Command({ Name: this.environmentName, ...req }), { abortSignal: abort.signal }),
        timeout,
      ])) as RestApiResponse;
      return out.RestApiResponse as T;
    } catch (e) {
      const what = `${req.Method} ${req.Path}`;
      if (abort.signal.aborted || (e as Error).name === "AbortError" || (e as Error).name === "TimeoutError") {
        throw new AirflowStateError(
          `${what}: no answer within ${this.timeoutMs / 1000} s (InvokeRestApi's limit is 10 s)`,
        );
      }
      if (isTooLarge(e))
        throw Object.assign(new AirflowStateError(`${what}: response over InvokeRestApi's 6 MB limit`), {
          tooLarge: true,
        });
      const { name, status, detail } = errorText(e);
      if (name === "AccessDeniedException" || status === 401 || status === 403) {
        throw new AirflowStateError(
          `${what}: refused (${status ?? name}): ${detail}; the caller needs airflow:InvokeRestApi on arn:aws:airflow:<region>:<account>:role/${this.environmentName}/<Airflow role>`,
        );
      }
      if (status === 404) throw Object.assign(new AirflowStateError(`${what}: not found`), { notFound: true });
      throw new AirflowStateError(`${what}: ${status !== undefined ? `HTTP ${status} ` : ""}${name}: ${detail}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Every item of a paged list: GET with `limit`/`offset` query parameters, or (`batch`) a POST
   * body with `page_limit`/`page_offset` (the task instance batch endpoint); `total_entries` in the
   * answer, both API versions. A page over 6 MB is asked for again at half the size. Stops early,
   * with `complete: false`, when `deadline` (epoch ms) passes.
   */
  async listAll<T>(
    path: string,
    itemsKey: string,
    options: { deadline?: number; batch?: boolean } = {},
  ): Promise<{ items: T[]; complete: boolean }> {
    const deadline = options.deadline ?? Number.POSITIVE_INFINITY;
    const items: T[] = [];
    let limit = PAGE_SIZE;
    for (let offset = 0; ;) {
      if (Date.now() >= deadline) return { items, complete: false };
      let page: Record<string, unknown>;
      try {
        page = await this.call<Record<string, unknown>>(
          options.batch === true
            ? { Method: "POST", Path: path, Body: { page_limit: limit, page_offset: offset } }
            : { Method: "GET", Path: path, QueryParameters: { limit, offset } },
        );
      } catch (e) {
        if ((e as { tooLarge?: boolean }).tooLarge === true && limit > 1) {
          limit = Math.max(1, Math.floor(limit / 2));
          continue;
        }
        throw e;
      }
      const got = (page[itemsKey] as T[] | undefined) ?? [];
      items.push(...got);
      offset += got.length;
      const total = typeof page.total_entries === "number" ? page.total_entries : undefined;
      if (got.length === 0 || (total !== undefined && offset >= total)) return { items, complete: true };
    }
  }
}
