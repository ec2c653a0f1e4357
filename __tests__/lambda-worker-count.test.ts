import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import type { GetMetricDataCommandInput, MetricDataResult, MetricDatum } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import {
  MAX_ATTEMPTS,
  WORKER_COUNT_DEADLINE_MARGIN_MS,
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
    const names = toMetricData(
      [{ timestamp: new Date(T0), baseWorkers: 1, additionalWorkers: 0, workers: 1 }],
      "e",
    ).map((d) => d.MetricName);
    expect(names).toEqual([contract.WORKER_COUNT_METRIC_NAME, contract.ADDITIONAL_WORKER_COUNT_METRIC_NAME]);
    expect(Object.values(contract.ENV_VARS).sort()).toEqual([
      "LAG_MINUTES",
      "METRIC_NAMESPACE",
      "MWAA_ENVIRONMENT_NAME",
      "SAMPLES_PER_WORKER_PER_MINUTE",
    ]);
  });
});

describe("readConfig", () => {
  test("GIVEN only MWAA_ENVIRONMENT_NAME WHEN read THEN the documented defaults apply", () => {
    expect(readConfig({ ...ENV })).toEqual({
      environmentName: "analytics-prod",
      namespace: "PrivateMWAA",
      lagMinutes: 5,
      samplesPerWorkerPerMinute: 1,
    });
  });

  test.each([
    [{}, /MWAA_ENVIRONMENT_NAME is required/],
    [{ ...ENV, LAG_MINUTES: "five" }, /LAG_MINUTES must be an integer from 1 to 60, got "five"/],
    [{ ...ENV, LAG_MINUTES: "0" }, /LAG_MINUTES/],
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
      [
        series("base", { [-5]: 1, [-4]: 1, [-3]: 1, [-2]: 1, [-1]: 1 }),
        series("additional", { [-5]: 3, [-4]: 3, [-2]: 3, [-1]: 2 }),
      ],
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
    expect(computeWorkerCounts([series("base", {}), series("additional", { [-2]: 4 })], window)).toEqual({
      points: [],
      pendingMinutes: 5,
    });
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
      computeWorkerCounts(
        [
          series("base", {}),
          { Id: "additional", StatusCode: "InternalError", Messages: [{ Code: "x", Value: "boom" }] },
        ],
        window,
      ),
    ).toThrow(/"additional" failed with InternalError: boom/);
    expect(() => computeWorkerCounts([series("base", {})], window)).toThrow(/no result for query "additional"/);
  });
});

describe("minuteWindow and toMetricData (pure)", () => {
  test("GIVEN a run at 10:00:37 WHEN the window is computed THEN it starts at the minute LAG minutes back (the one published) and ends at the current minute", () => {
    expect(minuteWindow(at(0) + 37_000, 5)).toEqual({ startMs: at(-5), endMs: at(0) });
    expect(minuteWindow(at(0), 1)).toEqual({ startMs: at(-1), endMs: at(0) });
  });

  test("GIVEN a point WHEN converted THEN it yields WorkerCount and AdditionalWorkerCount with the Environment dimension, Count unit, 60-s resolution", () => {
    expect(
      toMetricData([{ timestamp: new Date(at(-3)), baseWorkers: 1, additionalWorkers: 2, workers: 3 }], "env-a"),
    ).toEqual([
      {
        MetricName: "WorkerCount",
        Dimensions: [{ Name: "Environment", Value: "env-a" }],
        Timestamp: new Date(at(-3)),
        Value: 3,
        Unit: "Count",
        StorageResolution: 60,
      },
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
  const run = (
    samples: Samples,
    nowMs: number,
    env: NodeJS.ProcessEnv = ENV,
    event?: { time?: string },
  ): Promise<WorkerCountSummary> => {
    cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({
      MetricDataResults: answer(input, samples),
    }));
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
    expect(input.StartTime).toEqual(new Date(at(-5)));
    expect(input.EndTime).toEqual(new Date(at(0)));
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
    expect(input.MetricData).toHaveLength(2); // one minute x 2 metrics
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
      expect(ms).toBe(at(-5));
    }
  });

  test.each([
    ["normal: 1 base worker, no additional", { base: () => 1, additional: () => 0 }, 1, 0],
    ["scaled up: 1 base + 3 additional", { base: () => 1, additional: () => 3 }, 4, 3],
    [
      "scaled up, additional samples missing in odd minutes",
      { base: () => 1, additional: (m: number) => (m % 2 === 0 ? 2 : 0) },
      -1,
      -1,
    ],
  ])(
    "GIVEN %s WHEN invoked THEN the minute LAG minutes back is published with the right counts",
    async (_name, samples, workers, additional) => {
      for (const minute of [0, 1]) {
        cw.resetHistory();
        await run(samples, at(minute) + 5_000);
        const points = published(putCalls());
        const target = minute - 5;
        const expectAdditional = additional >= 0 ? additional : samples.additional(target);
        const expectWorkers = workers >= 0 ? workers : 1 + expectAdditional;
        expect(points).toEqual([
          ["AdditionalWorkerCount", iso(target), expectAdditional],
          ["WorkerCount", iso(target), expectWorkers],
        ]);
      }
    },
  );

  test("GIVEN AdditionalWorker samples that arrive minutes after the BaseWorker ones WHEN a run goes every minute THEN each minute is published exactly once, with its final count", async () => {
    // GIVEN 1 base + 3 additional workers; a minute's base samples are visible 1 minute after it, its additional ones 3 minutes after
    let clock = 0;
    const samples: Samples = { base: (m) => (m + 1 <= clock ? 1 : 0), additional: (m) => (m + 3 <= clock ? 3 : 0) };
    // WHEN the schedule runs 20 times
    for (clock = 0; clock < 20; clock++) await run(samples, at(clock) + 2_000);
    // THEN CloudWatch received one value per minute and metric, never a low first guess
    const points = published(putCalls());
    const keys = points.map(([m, when]) => `${m}@${when}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(points.filter(([m]) => m === "WorkerCount").map(([, , v]) => v)).toEqual(
      Array.from({ length: 20 }, () => 4),
    );
  });

  test("GIVEN an event with a scheduled time WHEN invoked late THEN the minute comes from the event time", async () => {
    await run({ base: () => 1, additional: () => 0 }, at(7), ENV, { time: new Date(at(0) + 3_000).toISOString() });
    expect(cw.commandCalls(GetMetricDataCommand)[0]!.args[0].input.EndTime).toEqual(new Date(at(0)));
    expect(published(putCalls()).map(([, when]) => when)).toEqual([iso(-5), iso(-5)]);
  });

  test("GIVEN base samples that stopped before the target minute WHEN invoked THEN nothing is published (its data has not arrived)", async () => {
    const summary = await run({ base: (m) => (m < -5 ? 1 : 0), additional: () => 0 }, at(0));
    expect(putCalls()).toHaveLength(0);
    expect(summary).toMatchObject({ minute: iso(-5), publishedMinutes: 0 });
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
      return input.NextToken
        ? { MetricDataResults: all.map((r) => half(r, false)) }
        : { MetricDataResults: all.map((r) => half(r, true)), NextToken: "page-2" };
    });
    cw.on(PutMetricDataCommand).resolves({});
    const summary = await createHandler({ now: () => at(0), env: ENV, log: () => undefined })();
    expect(cw.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, "page-2"]);
    expect(summary.points).toEqual([[iso(-5), 3, 2]]);
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
      minute: iso(-5),
      publishedMinutes: 1,
      putMetricDataCalls: 1,
    });
    expect(line.points).toEqual(summary.points.map((p) => [...p]));
    expect(line.points).toEqual([[iso(-5), 4, 3]]);
  });

  test("GIVEN no BaseWorker samples (environment not running) WHEN invoked THEN nothing is published and a WARN line says so", async () => {
    const summary = await run({ base: () => 0, additional: () => 0 }, at(0));
    expect(putCalls()).toHaveLength(0);
    expect(summary).toMatchObject({ publishedMinutes: 0 });
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "WARN", publishedMinutes: 0 });
    expect(levels).toEqual(["WARN"]);
  });

  test("GIVEN PutMetricData keeps failing WHEN invoked THEN the handler rejects and logs one ERROR line", async () => {
    cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({
      MetricDataResults: answer(input, { base: () => 1, additional: () => 0 }),
    }));
    cw.on(PutMetricDataCommand).rejects(
      Object.assign(new Error("User is not authorized to perform cloudwatch:PutMetricData"), { name: "AccessDenied" }),
    );
    await expect(createHandler({ now: () => at(0), env: ENV, log })()).rejects.toThrow(/not authorized/);
    expect(levels).toEqual(["ERROR"]);
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ level: "ERROR", environment: "analytics-prod", error: "AccessDenied" }),
    ]);
  });

  test("GIVEN GetMetricData fails WHEN invoked THEN the handler rejects without publishing anything", async () => {
    cw.on(GetMetricDataCommand).rejects(new Error("InternalServiceError"));
    await expect(createHandler({ now: () => at(0), env: ENV, log: () => undefined })()).rejects.toThrow(
      "InternalServiceError",
    );
    expect(putCalls()).toHaveLength(0);
  });

  describe("bounded by the function's remaining time", () => {
    const never = () => new Promise<never>(() => undefined);
    const context = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs });

    test("GIVEN GetMetricData never answers WHEN invoked with 300 ms left after the margin THEN the run fails on its own deadline with one ERROR line, before Lambda's timeout", async () => {
      cw.on(GetMetricDataCommand).callsFake(never);
      const started = Date.now();
      await expect(
        createHandler({ now: () => at(0), env: ENV, log })({}, context(WORKER_COUNT_DEADLINE_MARGIN_MS + 300)),
      ).rejects.toMatchObject({ name: "DeadlineExceeded" });
      expect(Date.now() - started).toBeLessThan(WORKER_COUNT_DEADLINE_MARGIN_MS + 300);
      expect(levels).toEqual(["ERROR"]);
      expect(JSON.parse(lines[0]!)).toMatchObject({
        message: "worker count run failed",
        error: "DeadlineExceeded",
        detail: expect.stringContaining("GetMetricData"),
      });
      expect(putCalls()).toHaveLength(0);
    }, 5_000);

    test("GIVEN PutMetricData never answers WHEN invoked THEN the same", async () => {
      cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({
        MetricDataResults: answer(input, { base: () => 1, additional: () => 0 }),
      }));
      cw.on(PutMetricDataCommand).callsFake(never);
      await expect(
        createHandler({ now: () => at(0), env: ENV, log })({}, context(WORKER_COUNT_DEADLINE_MARGIN_MS + 300)),
      ).rejects.toMatchObject({ name: "DeadlineExceeded" });
      expect(JSON.parse(lines[0]!)).toMatchObject({
        error: "DeadlineExceeded",
        detail: expect.stringContaining("PutMetricData"),
      });
    }, 5_000);

    test("GIVEN a run WHEN CloudWatch is called THEN each call carries an abort signal (the SDK's per-command abortSignal option)", async () => {
      cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({
        MetricDataResults: answer(input, { base: () => 1, additional: () => 0 }),
      }));
      cw.on(PutMetricDataCommand).resolves({});
      await createHandler({ now: () => at(0), env: ENV, log })({}, context(50_000));
      expect(cw.calls().map((c) => (c.args as unknown[])[1])).toEqual([
        { abortSignal: expect.any(AbortSignal) },
        { abortSignal: expect.any(AbortSignal) },
      ]);
    });
  });

  test("GIVEN a missing MWAA_ENVIRONMENT_NAME WHEN invoked THEN the handler rejects before calling AWS", async () => {
    await expect(createHandler({ now: () => at(0), env: {}, log: () => undefined })()).rejects.toThrow(
      /MWAA_ENVIRONMENT_NAME/,
    );
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
  const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({
    status,
    body,
    headers,
  });
  const throttled = json(
    400,
    { __type: "com.amazonaws.cloudwatch#ThrottlingException", message: "Rate exceeded" },
    { "x-amzn-query-error": "Throttling;Sender" },
  );

  function fakeHttp(replies: Record<"GetMetricData" | "PutMetricData", Reply[]>) {
    const requests: Array<{ op: string; attempt: string; body: string }> = [];
    const requestHandler = {
      async handle(req: { headers: Record<string, string>; body: Uint8Array | string }) {
        const op = (req.headers["x-amz-target"] ?? "").split(".").pop() as "GetMetricData" | "PutMetricData";
        // The SDK hands a Uint8Array subclass whose valueOf() warns "JsonCodec2: you have called a string
        // method" (@smithy/core protocols); Buffer.from calls valueOf, TextDecoder reads the bytes.
        requests.push({
          op,
          attempt: req.headers["amz-sdk-request"] ?? "",
          body: typeof req.body === "string" ? req.body : new TextDecoder().decode(req.body),
        });
        const queue = replies[op];
        const reply = queue.length > 1 ? queue.shift()! : queue[0]!;
        const body = Readable.from([Buffer.from(JSON.stringify(reply.body))]);
        return {
          response: {
            statusCode: reply.status,
            headers: { "content-type": "application/x-amz-json-1.0", ...reply.headers },
            body,
          },
        };
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
    };
    const client = createCloudWatchClient({
      region: "eu-west-1",
      credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" },
      requestHandler,
    });
    return { client, requests };
  }
  // JSON protocol timestamps are epoch seconds.
  const metricData = (minutes: number[]) => ({
    MetricDataResults: [
      {
        Id: "base",
        Timestamps: minutes.map((m) => at(m) / 1000),
        Values: minutes.map(() => 1),
        StatusCode: "Complete",
      },
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
      GetMetricData: [
        json(503, { __type: "com.amazonaws.cloudwatch#ServiceUnavailable", message: "try again" }),
        json(200, metricData([-10, -9, -8, -7, -6, -5, -4, -3])),
      ],
      PutMetricData: [throttled, json(200, {})],
    });
    const summary = await createHandler({ client, now: () => at(0), env: ENV, log: () => undefined })();
    expect(requests.map((r) => `${r.op} ${r.attempt}`)).toEqual([
      "GetMetricData attempt=1; max=5",
      "GetMetricData attempt=2; max=5",
      "PutMetricData attempt=1; max=5",
      "PutMetricData attempt=2; max=5",
    ]);
    expect(summary.publishedMinutes).toBe(1);
    // the retried PutMetricData request carries the minute's epoch-second timestamp
    const sent = JSON.parse(requests[3]!.body) as { Namespace: string; MetricData: Array<{ Timestamp: number }> };
    expect(sent.Namespace).toBe("PrivateMWAA");
    expect(sent.MetricData.map((d) => d.Timestamp)).toEqual([at(-5) / 1000, at(-5) / 1000]);
  });

  test("GIVEN CloudWatch accepts the request and never answers WHEN invoked THEN the real SDK hands the abort signal to the HTTP layer, which sees it fire at the deadline", async () => {
    const seen: AbortSignal[] = [];
    const requestHandler = {
      handle(_req: unknown, options: { abortSignal?: AbortSignal } = {}) {
        if (options.abortSignal) seen.push(options.abortSignal);
        return new Promise<never>(() => undefined);
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
    };
    const client = createCloudWatchClient({
      region: "eu-west-1",
      credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" },
      requestHandler,
    });
    const run = createHandler({ client, now: () => at(0), env: ENV, log: () => undefined })(
      {},
      { getRemainingTimeInMillis: () => WORKER_COUNT_DEADLINE_MARGIN_MS + 300 },
    );
    await expect(run).rejects.toMatchObject({ name: "DeadlineExceeded" });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.aborted).toBe(true);
  }, 5_000);

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
