import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import type { GetMetricDataCommandInput, MetricDataResult, MetricDatum } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import {
  MAX_ATTEMPTS,
  PUT_METRIC_DATA_MAX_ENTRIES,
  computeWorkerCounts,
  createCloudWatchClient,
  createHandler,
  minuteWindow,
  readConfig,
  toMetricData,
} from "../lambda/worker-count/handler";
import type { WorkerCountSummary } from "../lambda/worker-count/handler";
import * as contract from "../lambda/worker-count/contract";

const MINUTE = 60_000;
/** 2026-11-25T10:00:00Z, a minute boundary. */
const T0 = Date.UTC(2026, 10, 25, 10, 0, 0);
const at = (minutes: number): number => T0 + minutes * MINUTE;
const iso = (minutes: number): string => new Date(at(minutes)).toISOString();
const ENV = { MWAA_ENVIRONMENT_NAME: "analytics-prod" };

/** Per-minute SampleCount of the two source clusters, as MWAA would have published it; absent minute = no samples. */
interface Samples {
  readonly base: (minute: number) => number;
  readonly additional: (minute: number) => number;
}

/** A GetMetricData answer computed from `samples` for the requested window, like CloudWatch: no data point where there are no samples. */
function answer(input: GetMetricDataCommandInput, samples: Samples): MetricDataResult[] {
  const start = (input.StartTime as Date).getTime();
  const end = (input.EndTime as Date).getTime();
  return (input.MetricDataQueries ?? []).map((q) => {
    const cluster = q.MetricStat?.Metric?.Dimensions?.find((d) => d.Name === "Cluster")?.Value;
    const fn = cluster === "BaseWorker" ? samples.base : cluster === "AdditionalWorker" ? samples.additional : () => 0;
    const Timestamps: Date[] = [];
    const Values: number[] = [];
    for (let ms = start; ms < end; ms += MINUTE) {
      const v = fn((ms - T0) / MINUTE);
      if (v > 0) {
        Timestamps.push(new Date(ms));
        Values.push(v);
      }
    }
    return { Id: q.Id, Label: cluster, Timestamps, Values, StatusCode: "Complete" };
  });
}

/** Published entries as [metric, ISO minute, value], sorted, for comparisons. */
function published(calls: ReadonlyArray<{ args: [unknown] }>): Array<[string, string, number]> {
  return calls
    .flatMap((c) => ((c.args[0] as PutMetricDataCommand).input.MetricData ?? []) as MetricDatum[])
    .map((d): [string, string, number] => [d.MetricName ?? "", (d.Timestamp as Date).toISOString(), d.Value ?? NaN])
    .sort((x, y) => (x[1] + x[0]).localeCompare(y[1] + y[0]));
}

describe("contract", () => {
  test("GIVEN the contract module WHEN read THEN it imports nothing (safe to use at synth time) and the handler publishes its names", () => {
    const source = readFileSync(join(__dirname, "..", "lambda", "worker-count", "contract.ts"), "utf8");
    expect(source).not.toMatch(/\bimport\b|\brequire\(/);
    expect(contract).toMatchObject({
      DEFAULT_METRIC_NAMESPACE: "PrivateMWAA",
      WORKER_COUNT_METRIC_NAME: "WorkerCount",
      ADDITIONAL_WORKER_COUNT_METRIC_NAME: "AdditionalWorkerCount",
      ENVIRONMENT_DIMENSION: "Environment",
    });
    const names = toMetricData([{ timestamp: new Date(T0), baseWorkers: 1, additionalWorkers: 0, workers: 1 }], "e").map((d) => d.MetricName);
    expect(names).toEqual([contract.WORKER_COUNT_METRIC_NAME, contract.ADDITIONAL_WORKER_COUNT_METRIC_NAME]);
    expect(Object.values(contract.ENV_VARS).sort()).toEqual(
      ["LOOKBACK_MINUTES", "METRIC_NAMESPACE", "MWAA_ENVIRONMENT_NAME", "SAMPLES_PER_WORKER_PER_MINUTE", "SETTLE_MINUTES"],
    );
  });
});

describe("readConfig", () => {
  test("GIVEN only MWAA_ENVIRONMENT_NAME WHEN read THEN the documented defaults apply", () => {
    expect(readConfig({ ...ENV })).toEqual({
      environmentName: "analytics-prod",
      namespace: "PrivateMWAA",
      lookbackMinutes: 10,
      settleMinutes: 2,
      samplesPerWorkerPerMinute: 1,
    });
  });

  test.each([
    [{}, /MWAA_ENVIRONMENT_NAME is required/],
    [{ ...ENV, LOOKBACK_MINUTES: "ten" }, /LOOKBACK_MINUTES must be an integer from 1 to 1440, got "ten"/],
    [{ ...ENV, LOOKBACK_MINUTES: "0" }, /LOOKBACK_MINUTES/],
    [{ ...ENV, LOOKBACK_MINUTES: "5", SETTLE_MINUTES: "5" }, /SETTLE_MINUTES must be an integer from 0 to 4/],
    [{ ...ENV, SAMPLES_PER_WORKER_PER_MINUTE: "1.5" }, /SAMPLES_PER_WORKER_PER_MINUTE/],
    [{ ...ENV, METRIC_NAMESPACE: "AWS/MWAA" }, /METRIC_NAMESPACE/],
  ])("GIVEN invalid env %j WHEN read THEN the error names the variable", (env, message) => {
    expect(() => readConfig(env)).toThrow(message);
  });
});

describe("computeWorkerCounts (pure)", () => {
  // GIVEN a window of the 5 minutes [T0-5, T0)
  const window = { startMs: at(-5), endMs: at(0) };
  const series = (id: string, points: Record<number, number>): MetricDataResult => ({
    Id: id,
    Timestamps: Object.keys(points).map((m) => new Date(at(Number(m)))),
    Values: Object.values(points),
    StatusCode: "Complete",
  });

  test("GIVEN one base worker sample per minute and no AdditionalWorker data WHEN computed THEN every minute has 1 worker, 0 additional", () => {
    const { points, pendingMinutes } = computeWorkerCounts(
      [series("base", { [-5]: 1, [-4]: 1, [-3]: 1, [-2]: 1, [-1]: 1 }), series("additional", {})],
      window,
    );
    expect(pendingMinutes).toBe(0);
    expect(points.map((p) => [p.timestamp.toISOString(), p.baseWorkers, p.additionalWorkers, p.workers])).toEqual([
      [iso(-5), 1, 0, 1],
      [iso(-4), 1, 0, 1],
      [iso(-3), 1, 0, 1],
      [iso(-2), 1, 0, 1],
      [iso(-1), 1, 0, 1],
    ]);
  });

  test("GIVEN 1 base and 3 additional workers, with one minute lacking AdditionalWorker samples WHEN computed THEN that minute has 0 additional, not a gap", () => {
    const { points } = computeWorkerCounts(
      [series("base", { [-5]: 1, [-4]: 1, [-3]: 1, [-2]: 1, [-1]: 1 }), series("additional", { [-5]: 3, [-4]: 3, [-2]: 3, [-1]: 2 })],
      window,
    );
    expect(points.map((p) => [p.workers, p.additionalWorkers])).toEqual([
      [4, 3],
      [4, 3],
      [1, 0],
      [4, 3],
      [3, 2],
    ]);
  });

  test("GIVEN the newest minutes have no base samples yet and an older one lacks them WHEN computed THEN the newest are pending and the older is published with 0 base workers", () => {
    const { points, pendingMinutes } = computeWorkerCounts(
      [series("base", { [-5]: 1, [-3]: 2 }), series("additional", { [-5]: 1, [-4]: 1, [-3]: 1, [-1]: 1 })],
      window,
    );
    expect(pendingMinutes).toBe(2);
    expect(points.map((p) => [p.timestamp.toISOString(), p.baseWorkers, p.additionalWorkers])).toEqual([
      [iso(-5), 1, 1],
      [iso(-4), 0, 1],
      [iso(-3), 2, 1],
    ]);
  });

  test("GIVEN no base samples anywhere in the window WHEN computed THEN nothing is published and every minute is pending", () => {
    expect(computeWorkerCounts([series("base", {}), series("additional", { [-2]: 4 })], window)).toEqual({ points: [], pendingMinutes: 5 });
  });

  test("GIVEN containers emitting 3 samples a minute WHEN computed with samplesPerWorkerPerMinute 3 THEN counts are normalised", () => {
    const { points } = computeWorkerCounts([series("base", { [-1]: 3 }), series("additional", { [-1]: 9 })], window, 3);
    expect(points.at(-1)).toMatchObject({ baseWorkers: 1, additionalWorkers: 3, workers: 4 });
  });

  test("GIVEN data points off the minute grid or outside the window WHEN computed THEN they are ignored", () => {
    const { points } = computeWorkerCounts(
      [
        {
          Id: "base",
          Timestamps: [new Date(at(-6)), new Date(at(-1)), new Date(at(-1) + 30_000), new Date(at(0))],
          Values: [5, 1, 7, 9],
        },
        series("additional", {}),
      ],
      window,
    );
    expect(points.map((p) => p.workers)).toEqual([0, 0, 0, 0, 1]);
  });

  test("GIVEN a failed or missing query result WHEN computed THEN it throws instead of publishing zeros", () => {
    expect(() =>
      computeWorkerCounts([series("base", {}), { Id: "additional", StatusCode: "InternalError", Messages: [{ Code: "x", Value: "boom" }] }], window),
    ).toThrow(/"additional" failed with InternalError: boom/);
    expect(() => computeWorkerCounts([series("base", {})], window)).toThrow(/no result for query "additional"/);
  });
});

describe("minuteWindow and toMetricData (pure)", () => {
  test("GIVEN a run at 10:00:37 WHEN the window is computed THEN it spans whole minutes, excluding the current and the settling ones", () => {
    expect(minuteWindow(at(0) + 37_000, 10, 2)).toEqual({ startMs: at(-10), endMs: at(-2) });
    expect(minuteWindow(at(0), 10, 0)).toEqual({ startMs: at(-10), endMs: at(0) });
  });

  test("GIVEN a point WHEN converted THEN it yields WorkerCount and AdditionalWorkerCount with the Environment dimension, Count unit, 60-s resolution", () => {
    expect(toMetricData([{ timestamp: new Date(at(-3)), baseWorkers: 1, additionalWorkers: 2, workers: 3 }], "env-a")).toEqual([
      { MetricName: "WorkerCount", Dimensions: [{ Name: "Environment", Value: "env-a" }], Timestamp: new Date(at(-3)), Value: 3, Unit: "Count", StorageResolution: 60 },
      {
        MetricName: "AdditionalWorkerCount",
        Dimensions: [{ Name: "Environment", Value: "env-a" }],
        Timestamp: new Date(at(-3)),
        Value: 2,
        Unit: "Count",
        StorageResolution: 60,
      },
    ]);
  });
});

describe("handler against a mocked CloudWatch client (aws-sdk-client-mock)", () => {
  const cw = mockClient(CloudWatchClient);
  let lines: string[];
  let levels: string[];
  const log = (line: string, level: string) => {
    lines.push(line);
    levels.push(level);
  };
  const run = (samples: Samples, nowMs: number, env: NodeJS.ProcessEnv = ENV, event?: { time?: string }): Promise<WorkerCountSummary> => {
    cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({ MetricDataResults: answer(input, samples) }));
    cw.on(PutMetricDataCommand).resolves({});
    return createHandler({ now: () => nowMs, env, log })(event);
  };
  const putCalls = () => cw.commandCalls(PutMetricDataCommand);

  beforeEach(() => {
    cw.reset();
    lines = [];
    levels = [];
  });
  afterAll(() => cw.restore());

  test("GIVEN a run at 10:00:37 WHEN invoked THEN it asks for per-minute SampleCount of CPUUtilization of both worker clusters over whole minutes", async () => {
    await run({ base: () => 1, additional: () => 0 }, at(0) + 37_000);
    const calls = cw.commandCalls(GetMetricDataCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.StartTime).toEqual(new Date(at(-10)));
    expect(input.EndTime).toEqual(new Date(at(-2)));
    expect(input.MetricDataQueries).toEqual(
      ["BaseWorker", "AdditionalWorker"].map((cluster) => ({
        Id: expect.any(String),
        MetricStat: {
          Metric: {
            Namespace: "AWS/MWAA",
            MetricName: "CPUUtilization",
            Dimensions: expect.arrayContaining([
              { Name: "Cluster", Value: cluster },
              { Name: "Environment", Value: "analytics-prod" },
            ]),
          },
          Period: 60,
          Stat: "SampleCount",
        },
        ReturnData: true,
      })),
    );
  });

  test("GIVEN a normal environment WHEN invoked THEN the published MetricData has the documented shape, on whole minutes", async () => {
    await run({ base: () => 1, additional: () => 0 }, at(0) + 37_000);
    expect(putCalls()).toHaveLength(1);
    const input = putCalls()[0]!.args[0].input;
    expect(input.Namespace).toBe("PrivateMWAA");
    expect(input.MetricData).toHaveLength(16); // 8 settled minutes x 2 metrics
    for (const d of input.MetricData ?? []) {
      expect(d).toEqual({
        MetricName: expect.stringMatching(/^(WorkerCount|AdditionalWorkerCount)$/),
        Dimensions: [{ Name: "Environment", Value: "analytics-prod" }],
        Timestamp: expect.any(Date),
        Value: expect.any(Number),
        Unit: "Count",
        StorageResolution: 60,
      });
      const ms = (d.Timestamp as Date).getTime();
      expect(ms % MINUTE).toBe(0);
      expect(ms).toBeGreaterThanOrEqual(at(-10));
      expect(ms).toBeLessThan(at(-2));
    }
  });

  test.each([
    ["normal: 1 base worker, no additional", { base: () => 1, additional: () => 0 }, 1, 0],
    ["scaled up: 1 base + 3 additional", { base: () => 1, additional: () => 3 }, 4, 3],
    ["scaled up, additional samples missing in odd minutes", { base: () => 1, additional: (m: number) => (m % 2 === 0 ? 2 : 0) }, -1, -1],
  ])("GIVEN %s WHEN invoked THEN every settled minute is published with the right counts", async (_name, samples, workers, additional) => {
    await run(samples, at(0) + 5_000);
    const points = published(putCalls());
    expect(points).toHaveLength(16);
    for (const [metric, when, value] of points) {
      const minute = (Date.parse(when) - T0) / MINUTE;
      const expectAdditional = additional >= 0 ? additional : samples.additional(minute);
      const expectWorkers = workers >= 0 ? workers : 1 + expectAdditional;
      expect(value).toBe(metric === "WorkerCount" ? expectWorkers : expectAdditional);
    }
    if (workers < 0) expect(points.filter(([m, , v]) => m === "AdditionalWorkerCount" && v === 0)).toHaveLength(4);
  });

  test("GIVEN two runs a minute apart WHEN both publish THEN overlapping minutes carry identical timestamps and values", async () => {
    const samples: Samples = { base: () => 1, additional: (m) => Math.max(0, (m + 12) % 5) };
    await run(samples, at(0) + 10_000);
    const first = published(putCalls());
    cw.resetHistory();
    await run(samples, at(1) + 50_000);
    const second = published(putCalls());

    const key = (p: [string, string, number]) => `${p[0]}@${p[1]}`;
    const overlap = first.filter((p) => second.some((q) => key(q) === key(p)));
    expect(overlap).toHaveLength(14); // 7 shared minutes x 2 metrics
    expect(second.filter((q) => overlap.some((p) => key(p) === key(q)))).toEqual(overlap);
    // and the second run moved on by exactly one minute
    expect(first.at(-1)![1]).toBe(iso(-3));
    expect(second.at(-1)![1]).toBe(iso(-2));
  });

  test("GIVEN an event with a scheduled time WHEN invoked late THEN the window comes from the event time", async () => {
    await run({ base: () => 1, additional: () => 0 }, at(7), ENV, { time: new Date(at(0) + 3_000).toISOString() });
    expect(cw.commandCalls(GetMetricDataCommand)[0]!.args[0].input.EndTime).toEqual(new Date(at(-2)));
  });

  test("GIVEN a lookback of a day WHEN invoked THEN PutMetricData is called in batches of at most 1000 entries", async () => {
    const summary = await run({ base: () => 1, additional: () => 1 }, at(0), { ...ENV, LOOKBACK_MINUTES: "1440", SETTLE_MINUTES: "0" });
    const sizes = putCalls().map((c) => c.args[0].input.MetricData?.length);
    expect(PUT_METRIC_DATA_MAX_ENTRIES).toBe(1000);
    expect(sizes).toEqual([1000, 1000, 880]);
    expect(summary.putMetricDataCalls).toBe(3);
    expect(new Set(published(putCalls()).map((p) => `${p[0]}@${p[1]}`)).size).toBe(2880);
  });

  test("GIVEN GetMetricData pages its answer WHEN invoked THEN the pages are merged before counting", async () => {
    const samples: Samples = { base: () => 1, additional: () => 2 };
    cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
      const all = answer(input, samples);
      const half = (r: MetricDataResult, first: boolean) => ({
        ...r,
        Timestamps: first ? r.Timestamps!.slice(0, 4) : r.Timestamps!.slice(4),
        Values: first ? r.Values!.slice(0, 4) : r.Values!.slice(4),
        StatusCode: first ? "PartialData" : "Complete",
      });
      return input.NextToken ? { MetricDataResults: all.map((r) => half(r, false)) } : { MetricDataResults: all.map((r) => half(r, true)), NextToken: "page-2" };
    });
    cw.on(PutMetricDataCommand).resolves({});
    const summary = await createHandler({ now: () => at(0), env: ENV, log: () => undefined })();
    expect(cw.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, "page-2"]);
    expect(summary.points).toHaveLength(8);
    expect(summary.points.every(([, workers, additional]) => workers === 3 && additional === 2)).toBe(true);
  });

  test("GIVEN a run WHEN it publishes THEN it writes exactly one JSON log line saying what it published", async () => {
    const summary = await run({ base: () => 1, additional: () => 3 }, at(0) + 1_000);
    expect(lines).toHaveLength(1);
    expect(levels).toEqual(["INFO"]);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: "INFO",
      environment: "analytics-prod",
      namespace: "PrivateMWAA",
      windowStart: iso(-10),
      windowEnd: iso(-2),
      publishedMinutes: 8,
      pendingMinutes: 0,
      putMetricDataCalls: 1,
    });
    expect(line.points).toEqual(summary.points.map((p) => [...p]));
    expect((line.points as unknown[])[0]).toEqual([iso(-10), 4, 3]);
  });

  test("GIVEN no BaseWorker samples (environment not running) WHEN invoked THEN nothing is published and a WARN line says so", async () => {
    const summary = await run({ base: () => 0, additional: () => 0 }, at(0));
    expect(putCalls()).toHaveLength(0);
    expect(summary).toMatchObject({ publishedMinutes: 0, pendingMinutes: 8 });
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "WARN", publishedMinutes: 0 });
    expect(levels).toEqual(["WARN"]);
  });

  test("GIVEN PutMetricData keeps failing WHEN invoked THEN the handler rejects and logs one ERROR line", async () => {
    cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({ MetricDataResults: answer(input, { base: () => 1, additional: () => 0 }) }));
    cw.on(PutMetricDataCommand).rejects(Object.assign(new Error("User is not authorized to perform cloudwatch:PutMetricData"), { name: "AccessDenied" }));
    await expect(createHandler({ now: () => at(0), env: ENV, log })()).rejects.toThrow(/not authorized/);
    expect(levels).toEqual(["ERROR"]);
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ level: "ERROR", environment: "analytics-prod", error: "AccessDenied" }),
    ]);
  });

  test("GIVEN GetMetricData fails WHEN invoked THEN the handler rejects without publishing anything", async () => {
    cw.on(GetMetricDataCommand).rejects(new Error("InternalServiceError"));
    await expect(createHandler({ now: () => at(0), env: ENV, log: () => undefined })()).rejects.toThrow("InternalServiceError");
    expect(putCalls()).toHaveLength(0);
  });

  test("GIVEN a missing MWAA_ENVIRONMENT_NAME WHEN invoked THEN the handler rejects before calling AWS", async () => {
    await expect(createHandler({ now: () => at(0), env: {}, log: () => undefined })()).rejects.toThrow(/MWAA_ENVIRONMENT_NAME/);
    expect(cw.calls()).toHaveLength(0);
  });
});

/**
 * aws-sdk-client-mock replaces Client#send, which skips the SDK's middleware, retries included.
 * These tests keep the real client and middleware (serialisation, signing, the standard retry
 * strategy) and replace only the HTTP layer, so what they exercise is what runs in Lambda.
 */
describe("retries through the real SDK retry middleware (fake HTTP handler)", () => {
  type Reply = { status: number; body: unknown; headers?: Record<string, string> };
  const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({ status, body, headers });
  const throttled = json(400, { __type: "com.amazonaws.cloudwatch#ThrottlingException", message: "Rate exceeded" }, { "x-amzn-query-error": "Throttling;Sender" });

  function fakeHttp(replies: Record<"GetMetricData" | "PutMetricData", Reply[]>) {
    const requests: Array<{ op: string; attempt: string; body: string }> = [];
    const requestHandler = {
      async handle(req: { headers: Record<string, string>; body: Uint8Array | string }) {
        const op = (req.headers["x-amz-target"] ?? "").split(".").pop() as "GetMetricData" | "PutMetricData";
        // The SDK hands a Uint8Array subclass whose valueOf() warns "JsonCodec2: you have called a string
        // method" (@smithy/core protocols); Buffer.from calls valueOf, TextDecoder reads the bytes.
        requests.push({ op, attempt: req.headers["amz-sdk-request"] ?? "", body: typeof req.body === "string" ? req.body : new TextDecoder().decode(req.body) });
        const queue = replies[op];
        const reply = queue.length > 1 ? queue.shift()! : queue[0]!;
        const body = Readable.from([Buffer.from(JSON.stringify(reply.body))]);
        return { response: { statusCode: reply.status, headers: { "content-type": "application/x-amz-json-1.0", ...reply.headers }, body } };
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
    };
    const client = createCloudWatchClient({ region: "eu-west-1", credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" }, requestHandler });
    return { client, requests };
  }
  // JSON protocol timestamps are epoch seconds.
  const metricData = (minutes: number[]) => ({
    MetricDataResults: [
      { Id: "base", Timestamps: minutes.map((m) => at(m) / 1000), Values: minutes.map(() => 1), StatusCode: "Complete" },
      { Id: "additional", Timestamps: [], Values: [], StatusCode: "Complete" },
    ],
  });

  test("GIVEN the production client factory WHEN configured THEN it uses the standard retry strategy with 5 attempts and per-attempt timeouts", async () => {
    const client = createCloudWatchClient({ region: "eu-west-1" });
    expect(MAX_ATTEMPTS).toBe(5);
    const strategy = await client.config.retryStrategy();
    expect((strategy as { mode?: string }).mode).toBe("standard");
    expect(await client.config.maxAttempts()).toBe(5);
    // NodeHttpHandler resolves its options lazily (an internal promise; adjust if the SDK renames it)
    const http = client.config.requestHandler as unknown as { configProvider: Promise<Record<string, unknown>> };
    expect(await http.configProvider).toMatchObject({ connectionTimeout: 3_000, requestTimeout: 10_000 });
  });

  test("GIVEN a transient 503 on GetMetricData and a ThrottlingException on PutMetricData WHEN invoked THEN both are retried and the run succeeds", async () => {
    // (one throttle only: the 2026 SDK backs off up to 1 s on a first throttling retry)
    const { client, requests } = fakeHttp({
      GetMetricData: [json(503, { __type: "com.amazonaws.cloudwatch#ServiceUnavailable", message: "try again" }), json(200, metricData([-10, -9, -8, -7, -6, -5, -4, -3]))],
      PutMetricData: [throttled, json(200, {})],
    });
    const summary = await createHandler({ client, now: () => at(0), env: ENV, log: () => undefined })();
    expect(requests.map((r) => `${r.op} ${r.attempt}`)).toEqual([
      "GetMetricData attempt=1; max=5",
      "GetMetricData attempt=2; max=5",
      "PutMetricData attempt=1; max=5",
      "PutMetricData attempt=2; max=5",
    ]);
    expect(summary.publishedMinutes).toBe(8);
    // the retried PutMetricData request carries whole-minute epoch-second timestamps
    const sent = JSON.parse(requests[3]!.body) as { Namespace: string; MetricData: Array<{ Timestamp: number }> };
    expect(sent.Namespace).toBe("PrivateMWAA");
    expect(sent.MetricData.map((d) => d.Timestamp % 60)).toEqual(Array(16).fill(0));
  });

  test("GIVEN CloudWatch keeps failing with a server error WHEN invoked THEN it gives up after 5 attempts and the handler rejects", async () => {
    const { client, requests } = fakeHttp({
      GetMetricData: [json(500, { __type: "com.amazonaws.cloudwatch#InternalServiceFault", message: "internal" })],
      PutMetricData: [json(200, {})],
    });
    await expect(createHandler({ client, now: () => at(0), env: ENV, log: () => undefined })()).rejects.toMatchObject({
      $metadata: expect.objectContaining({ attempts: 5 }),
    });
    expect(requests.map((r) => r.op)).toEqual(Array(5).fill("GetMetricData"));
  });
});
