/**
 * MWAA's InvokeRestApiCommand, also for @aws-sdk/client-mwaa releases that predate it.
 *
 * The newest client-mwaa on the npm registry reachable here is 3.523.0, which has no
 * InvokeRestApiCommand; the Lambda runtimes' SDK has it. When the installed client has the class,
 * it is used as is. Otherwise this module builds the same command on the installed client's own
 * smithy machinery (Command.classBuilder, the serde and endpoint plugins, requestBuilder, loaded from
 * where @aws-sdk/client-mwaa resolves them), so MWAAClient's credentials, region, retries and
 * signing apply unchanged. Serializer and deserializer replicate the SDK's generated ones:
 * aws/aws-sdk-js-v3 clients/client-mwaa/src/protocols/Aws_restJson1.ts (the restJson1 generation
 * that has se_InvokeRestApiCommand / de_InvokeRestApiCommand, before the schema-based rewrite),
 * src/commands/InvokeRestApiCommand.ts at 71d24fdce86d71829fe976caddf9c4f808e3af7e (names
 * "AmazonMWAA"/"InvokeRestApi", "MWAAClient"/"InvokeRestApiCommand") and src/models/errors.ts
 * (RestApiClientException / RestApiServerException, both $fault "client", with RestApiStatusCode
 * and RestApiResponse). The JSON helpers are the installed 3.523.0 client's own (dist-cjs
 * parseBody, parseErrorBody, loadRestJsonErrorCode, deserializeMetadata).
 */
import { createRequire } from "node:module";
import * as mwaa from "@aws-sdk/client-mwaa";

/** A command class as MWAAClient.send takes it. */
export type CommandClass = new (input: object) => unknown;

/** The HTTP response fields the deserializer reads (smithy HttpResponse). */
interface HttpResponseLike {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

interface SerdeContext {
  endpoint(): Promise<{ hostname: string }>;
  disableHostPrefix?: boolean;
  utf8Encoder(bytes: Uint8Array): string;
}

interface RequestBuilder {
  bp(path: string): RequestBuilder;
  p(name: string, value: () => string, label: string, greedy: boolean): RequestBuilder;
  hn(hostname: string): RequestBuilder;
  m(method: string): RequestBuilder;
  h(headers: Record<string, string>): RequestBuilder;
  b(body: string): RequestBuilder;
  build(): Promise<unknown>;
}

type Row = Record<string, unknown>;
type ServiceExceptionClass = new (options: Row) => Error;

/** The client's own copies of its smithy packages (never a second, differently versioned one). */
function sdkModules() {
  const sdkRequire = createRequire(require.resolve("@aws-sdk/client-mwaa"));
  return {
    smithy: sdkRequire("@smithy/smithy-client") as {
      Command: { classBuilder(): ClassBuilder };
      collectBody(body: unknown, context: SerdeContext): Promise<Uint8Array>;
      take(source: Row, instructions: Row): Row;
      map(entries: Row): Row;
      expectInt32(value: unknown): number | undefined;
      expectNonNull<T>(value: T | null | undefined, location?: string): T;
      expectObject(value: unknown): Row | undefined;
      decorateServiceException<E extends Error>(exception: E, additions?: Row): E;
      withBaseException(
        base: ServiceExceptionClass,
      ): (args: { output: HttpResponseLike; parsedBody: Row; errorCode?: string }) => never;
    },
    serde: sdkRequire("@smithy/middleware-serde") as {
      getSerdePlugin(config: unknown, serializer: unknown, deserializer: unknown): unknown;
    },
    endpoint: sdkRequire("@smithy/middleware-endpoint") as {
      getEndpointPlugin(config: unknown, instructions: unknown): unknown;
    },
    http: sdkRequire("@smithy/protocol-http") as { isValidHostname(hostname: string): boolean },
    core: sdkRequire("@smithy/core") as { requestBuilder(input: unknown, context: SerdeContext): RequestBuilder },
  };
}

interface ClassBuilder {
  ep(instructions: unknown): ClassBuilder;
  m(
    fn: (
      this: { serialize: unknown; deserialize: unknown },
      command: { getEndpointParameterInstructions(): unknown },
      stack: unknown,
      config: unknown,
    ) => unknown[],
  ): ClassBuilder;
  s(service: string, operation: string, context: Row): ClassBuilder;
  n(client: string, command: string): ClassBuilder;
  f(input?: unknown, output?: unknown): ClassBuilder;
  ser(fn: (input: Row, context: SerdeContext) => Promise<unknown>): ClassBuilder;
  de(fn: (output: HttpResponseLike, context: SerdeContext) => Promise<unknown>): ClassBuilder;
  build(): CommandClass;
}

const deserializeMetadata = (output: HttpResponseLike) => ({
  httpStatusCode: output.statusCode,
  requestId:
    output.headers["x-amzn-requestid"] ?? output.headers["x-amzn-request-id"] ?? output.headers["x-amz-request-id"],
  extendedRequestId: output.headers["x-amz-id-2"],
  cfId: output.headers["x-amz-cf-id"],
});

function sanitizeErrorCode(raw: unknown): string {
  let value = typeof raw === "number" ? raw.toString() : String(raw);
  if (value.includes(",")) value = value.split(",")[0];
  if (value.includes(":")) value = value.split(":")[0];
  if (value.includes("#")) value = value.split("#")[1];
  return value;
}

function loadRestJsonErrorCode(output: HttpResponseLike, data: Row): string | undefined {
  const headerKey = Object.keys(output.headers).find((k) => k.toLowerCase() === "x-amzn-errortype");
  if (headerKey !== undefined) return sanitizeErrorCode(output.headers[headerKey]);
  if (data.code !== undefined) return sanitizeErrorCode(data.code);
  if (data.__type !== undefined) return sanitizeErrorCode(data.__type);
  return undefined;
}

function buildCommand(): CommandClass {
  const { smithy, serde, endpoint, http, core } = sdkModules();
  const base = mwaa.MWAAServiceException as unknown as ServiceExceptionClass;
  const restApiException = (name: "RestApiClientException" | "RestApiServerException") =>
    class extends base {
      RestApiStatusCode?: number;
      RestApiResponse?: unknown;
      constructor(opts: Row) {
        super({ name, $fault: "client", ...opts });
        // As the SDK's own: the base class sets its prototype, the subclass sets it back.
        Object.setPrototypeOf(this, new.target.prototype);
        this.RestApiStatusCode = opts.RestApiStatusCode as number | undefined;
        this.RestApiResponse = opts.RestApiResponse;
      }
    };
  const exceptions: Record<string, ServiceExceptionClass> = {
    ResourceNotFoundException: mwaa.ResourceNotFoundException as unknown as ServiceExceptionClass,
    InternalServerException: mwaa.InternalServerException as unknown as ServiceExceptionClass,
    ValidationException: mwaa.ValidationException as unknown as ServiceExceptionClass,
    AccessDeniedException: mwaa.AccessDeniedException as unknown as ServiceExceptionClass,
    RestApiClientException: restApiException("RestApiClientException"),
    RestApiServerException: restApiException("RestApiServerException"),
  };
  const errorFields: Record<string, Row> = {
    AccessDeniedException: { Message: [] },
    RestApiClientException: { RestApiResponse: (v: unknown) => v, RestApiStatusCode: smithy.expectInt32 },
    RestApiServerException: { RestApiResponse: (v: unknown) => v, RestApiStatusCode: smithy.expectInt32 },
  };
  const throwDefaultError = smithy.withBaseException(base);
  const parseBody = async (body: unknown, context: SerdeContext): Promise<Row> => {
    const text = context.utf8Encoder(await smithy.collectBody(body, context));
    return text.length > 0 ? (JSON.parse(text) as Row) : {};
  };

  // se_InvokeRestApiCommand: POST /restapi/{Name} on the "env." host, JSON body of the four members.
  const serialize = async (input: Row, context: SerdeContext) => {
    const b = core.requestBuilder(input, context);
    b.bp("/restapi/{Name}");
    b.p("Name", () => input.Name as string, "{Name}", false);
    const body = JSON.stringify(
      smithy.take(input, { Body: (v: unknown) => v, Method: [], Path: [], QueryParameters: (v: unknown) => v }),
    );
    let { hostname } = await context.endpoint();
    if (context.disableHostPrefix !== true) {
      hostname = `env.${hostname}`;
      if (!http.isValidHostname(hostname))
        throw new Error("ValidationError: prefixed hostname must be hostname compatible.");
    }
    b.hn(hostname);
    b.m("POST").h({ "content-type": "application/json" }).b(body);
    return b.build();
  };

  // de_InvokeRestApiCommand and de_CommandError.
  const deserialize = async (output: HttpResponseLike, context: SerdeContext) => {
    if (output.statusCode !== 200 && output.statusCode >= 300) {
      const parsedBody = await parseBody(output.body, context);
      parsedBody.message = parsedBody.message ?? parsedBody.Message;
      const errorCode = loadRestJsonErrorCode(output, parsedBody);
      const Exception = errorCode !== undefined ? exceptions[errorCode] : undefined;
      if (Exception === undefined) throwDefaultError({ output, parsedBody, errorCode });
      const contents = smithy.take(parsedBody, errorFields[errorCode!] ?? { message: [] });
      throw smithy.decorateServiceException(
        new Exception!({ $metadata: deserializeMetadata(output), ...contents }),
        parsedBody,
      );
    }
    const data = smithy.expectNonNull(smithy.expectObject(await parseBody(output.body, context)), "body");
    return {
      ...smithy.map({ $metadata: deserializeMetadata(output) }),
      ...smithy.take(data, { RestApiResponse: (v: unknown) => v, RestApiStatusCode: smithy.expectInt32 }),
    };
  };

  return smithy.Command.classBuilder()
    .ep(mwaa.GetEnvironmentCommand.getEndpointParameterInstructions())
    .m(function (command, _stack, config) {
      return [
        serde.getSerdePlugin(config, this.serialize, this.deserialize),
        endpoint.getEndpointPlugin(config, command.getEndpointParameterInstructions()),
      ];
    })
    .s("AmazonMWAA", "InvokeRestApi", {})
    .n("MWAAClient", "InvokeRestApiCommand")
    .f(undefined, undefined)
    .ser(serialize)
    .de(deserialize)
    .build();
}

let built: CommandClass | undefined;

/** The installed SDK's InvokeRestApiCommand, or this project's equivalent when it has none. */
export function invokeRestApiCommand(): CommandClass {
  const fromSdk = (mwaa as unknown as Record<string, unknown>).InvokeRestApiCommand;
  if (typeof fromSdk === "function") return fromSdk as CommandClass;
  built ??= buildCommand();
  return built;
}
