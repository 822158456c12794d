using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hangfire;
using Hangfire.PostgreSql;
using Kabar.Simulator;
using Npgsql;

namespace Kabar.Benchmarks;

/// <summary>
/// The send job a .NET team would reach for: one Hangfire background job per message, PostgreSQL
/// storage on the same PostgreSQL server as Kabar's run, a server inside this process. Each job does
/// the same work per message as Kabar's dispatcher: render the permit_ready template, POST it to the
/// same standalone simulator's <c>/v23.0/{phoneNumberId}/messages</c> (limit out of the way), record
/// the result row. Enqueueing is not timed (as Kabar's queue is seeded untimed).
/// </summary>
public static class HangfireBaseline
{
    /// <summary>The one tuned setting: workers, against Hangfire's default of min(5 × cores, 20).</summary>
    public const int TunedWorkers = 50;

    public sealed record Result(double MessagesPerSecond, int Workers, int Sent, int Duplicates);

    private static readonly HttpClient Client = new();
    private static string simUrl = "";
    private static string results = "";
    private static int done;
    private static int failures;

    public static async Task<Result> RunAsync(BenchOptions o, int count, int? workers)
    {
        var name = $"kabar_hangfire_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(o.Postgres))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        var connection = new NpgsqlConnectionStringBuilder(o.Postgres) { Database = name, MaxPoolSize = 200 }.ToString();
        try
        {
            await using (var setup = new NpgsqlConnection(connection))
            {
                await setup.OpenAsync();
                await using var table = new NpgsqlCommand(
                    "CREATE TABLE sends (id bigserial PRIMARY KEY, notice int NOT NULL, wamid text, status int NOT NULL, at timestamptz NOT NULL DEFAULT now())", setup);
                await table.ExecuteNonQueryAsync();
            }

            await using var simHost = await SimulatorHost.StartAsync(new Dictionary<string, string?>
            {
                ["Kabar:Simulator:MessagesPerSecond"] = "100000",
                ["Logging:LogLevel:Default"] = "Warning",
            });
            var sim = simHost.Services.GetRequiredService<CloudApiSimulator>();
            simUrl = simHost.Urls.First();
            results = connection;
            done = 0;
            failures = 0;
            Sent.Clear();

            var storageOptions = new PostgreSqlStorageOptions { PrepareSchemaIfNecessary = true };
            var storage = GlobalConfiguration.Configuration.UsePostgreSqlStorage(c => c.UseNpgsqlConnection(connection), storageOptions).Entry;
            var client = new BackgroundJobClient(storage);
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, (i, _) =>
            {
                client.Enqueue(() => SendAsync(i, BenchSeed.NumberOf(i % o.Numbers)));
                return ValueTask.CompletedTask;
            });

            var serverOptions = new BackgroundJobServerOptions { ServerName = "bench" };
            if (workers is { } w)
            {
                serverOptions.WorkerCount = w;
            }

            var clock = Stopwatch.StartNew();
            using (var server = new BackgroundJobServer(serverOptions, storage))
            {
                var until = DateTime.UtcNow.AddSeconds(60 + (count / 50.0));
                while (Volatile.Read(ref done) < count && DateTime.UtcNow < until)
                {
                    await Task.Delay(50);
                }

                server.SendStop();
            }

            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"hangfire ({serverOptions.WorkerCount} workers): {done} of {count} in {clock.Elapsed.TotalSeconds:0.0} s"));
            var messages = sim.Messages(null);
            return new Result(DispatchBench.Sustained(messages), serverOptions.WorkerCount, messages.Count,
                messages.GroupBy(m => m.To).Count(g => g.Count() > 1));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(o.Postgres);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static readonly ConcurrentDictionary<int, byte> Sent = new();

    private static readonly Kabar.Notifications.NotificationType PermitReady = Kabar.Notifications.NotificationCatalog.All.First(t => t.Name == "permit_ready");

    /// <summary>The job: render the template's parameters from the notice's params, send, record the answer.</summary>
    public static async Task SendAsync(int i, string phoneNumberId)
    {
        var values = JsonSerializer.Deserialize<Dictionary<string, string>>(BenchSeed.PermitReadyParams)!;
        var parameters = new JsonArray();
        foreach (var name in PermitReady.Parameters)
        {
            parameters.Add(new JsonObject { ["type"] = "text", ["text"] = values.GetValueOrDefault(name, "") });
        }

        var body = new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["recipient_type"] = "individual",
            ["to"] = string.Create(CultureInfo.InvariantCulture, $"+62813{i:00000000}"),
            ["type"] = "template",
            ["template"] = new JsonObject
            {
                ["name"] = PermitReady.Name,
                ["language"] = new JsonObject { ["code"] = "id" },
                ["components"] = new JsonArray(new JsonObject { ["type"] = "body", ["parameters"] = parameters }),
            },
            ["biz_opaque_callback_data"] = Guid.CreateVersion7().ToString(),
        }.ToJsonString();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{simUrl}/v23.0/{phoneNumberId}/messages")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "bench");
        using var response = await Client.SendAsync(request);
        var answer = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode && Interlocked.Increment(ref failures) == 1)
        {
            Console.Error.WriteLine($"hangfire: the simulator refused a send: {(int)response.StatusCode} {answer}");
        }
        await using (var db = new NpgsqlConnection(results))
        {
            await db.OpenAsync();
            await using var insert = new NpgsqlCommand("INSERT INTO sends (notice, wamid, status) VALUES ($1, $2, $3)", db);
            insert.Parameters.AddWithValue(i);
            insert.Parameters.AddWithValue(answer.Length > 200 ? answer[..200] : answer);
            insert.Parameters.AddWithValue((int)response.StatusCode);
            await insert.ExecuteNonQueryAsync();
        }

        if (Sent.TryAdd(i, 0))
        {
            Interlocked.Increment(ref done);
        }
    }
}
