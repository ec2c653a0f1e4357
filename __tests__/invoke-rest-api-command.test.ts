import * as mwaa from "@aws-sdk/client-mwaa";
import { AccessDeniedException, MWAAClient } from "@aws-sdk/client-mwaa";
import { invokeRestApiCommand } from "../lambda/airflow-state/invoke-rest-api-command";
import { AirflowRestApi } from "../lambda/airflow-state/rest-client";

/** What the fake request handler saw, and answers with a fixed response. */
function clientAnswering(statusCode: number, body: unknown, headers: Record<string, string> = {}) {
  const seen: { method: string; hostname: string; path: string; headers: Record<string, string>; body: string }[] = [];
  const client = new MWAAClient({
    region: "eu-west-1",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: {
        method: string;
        hostname: string;
        path: string;
        headers: Record<string, string>;
        body: string;
      }) => {
        seen.push({
          method: request.method,
          hostname: request.hostname,
          path: request.path,
          headers: request.headers,
          body: request.body,
        });
        return {
          response: {
            statusCode,
            headers: { "content-type": "application/json", ...headers },
            body: Buffer.from(JSON.stringify(body)),
          },
        };
      },
    } as never,
  });
  return { client, seen };
}

describe("InvokeRestApiCommand on the installed MWAAClient", () => {
  test("the installed @aws-sdk/client-mwaa has none of its own, so this project's is used", () => {
    // GIVEN the dev dependency 3.523.0 (predates InvokeRestApi)
    expect("InvokeRestApiCommand" in mwaa).toBe(false);
    expect(typeof invokeRestApiCommand()).toBe("function");
  });

  test("sends POST /restapi/{Name} to the env. host, signed, with the SDK's JSON body, and parses a 200", async () => {
    // GIVEN
    const { client, seen } = clientAnswering(200, {
      RestApiStatusCode: 200,
      RestApiResponse: { pools: [{ name: "etl", slots: 8 }], total_entries: 1 },
    });
    const Command = invokeRestApiCommand();
    // WHEN
    const out: unknown = await client.send(
      new Command({
        Name: "my env",
        Method: "GET",
        Path: "/pools",
        QueryParameters: { limit: 100, offset: 0 },
      }) as never,
    );
    // THEN
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      method: "POST",
      hostname: "env.airflow.eu-west-1.amazonaws.com",
      path: "/restapi/my%20env",
    });
    expect(JSON.parse(seen[0].body)).toEqual({
      Method: "GET",
      Path: "/pools",
      QueryParameters: { limit: 100, offset: 0 },
    });
    expect(seen[0].headers["content-type"]).toBe("application/json");
    expect(seen[0].headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/airflow\/aws4_request/,
    );
    expect(out).toMatchObject({
      RestApiStatusCode: 200,
      RestApiResponse: { pools: [{ name: "etl", slots: 8 }], total_entries: 1 },
      $metadata: { httpStatusCode: 200 },
    });
  });

  test("a body is sent as given", async () => {
    const { client, seen } = clientAnswering(200, { RestApiStatusCode: 200, RestApiResponse: {} });
    const Command = invokeRestApiCommand();
    await client.send(
      new Command({ Name: "env", Method: "PATCH", Path: "/pools/etl", Body: { name: "etl", slots: 16 } }) as never,
    );
    expect(JSON.parse(seen[0].body)).toEqual({ Method: "PATCH", Path: "/pools/etl", Body: { name: "etl", slots: 16 } });
  });

  test("a 4xx RestApiClientException carries Airflow's status and answer", async () => {
    // GIVEN MWAA's error answer for Airflow's 404
    const { client } = clientAnswering(
      400,
      {
        RestApiStatusCode: 404,
        RestApiResponse: { detail: "Pool with name: 'etl' not found", status: 404, title: "Pool not found" },
      },
      { "x-amzn-errortype": "RestApiClientException:http://internal.amazon.com/coral/com.amazonaws.mwaa/" },
    );
    const Command = invokeRestApiCommand();
    // WHEN
    const error = (await client
      .send(new Command({ Name: "env", Method: "GET", Path: "/pools/etl" }) as never)
      .catch((e: unknown) => e)) as Record<string, unknown>;
    // THEN
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: "RestApiClientException",
      $fault: "client",
      RestApiStatusCode: 404,
      RestApiResponse: { detail: "Pool with name: 'etl' not found" },
      $metadata: { httpStatusCode: 400 },
    });
    // AND the REST client reads it as "not found"
    await expect(new AirflowRestApi(client, "env").call({ Method: "GET", Path: "/pools/etl" })).rejects.toMatchObject({
      notFound: true,
    });
  });

  test("an AccessDeniedException is the installed SDK's class, and the REST client names the permission", async () => {
    const { client } = clientAnswering(
      403,
      { Message: "User is not authorized to perform: airflow:InvokeRestApi" },
      { "x-amzn-errortype": "AccessDeniedException" },
    );
    const Command = invokeRestApiCommand();
    const error = await client
      .send(new Command({ Name: "env", Method: "GET", Path: "/pools" }) as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessDeniedException);
    await expect(new AirflowRestApi(client, "env").call({ Method: "GET", Path: "/pools" })).rejects.toThrow(
      /GET \/pools: refused \(AccessDeniedException\).*airflow:InvokeRestApi/,
    );
  });
});
