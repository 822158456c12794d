using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Kabar.Data;
using Kabar.Simulator;
using Kabar.WhatsApp;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Kabar.Tests.Infrastructure;

public enum Db
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Kabar in a test host over a real database: a fresh SQLite file, or a fresh database on the
/// suite's PostgreSQL server, each copied from one migrated once per run (<see cref="MigratedTemplates"/>). Time is a <see cref="FakeTimeProvider"/>; the API key and webhook
/// app secret are fixed; every log line is captured (after masking) for assertions.
/// </summary>
public sealed class KabarApp : WebApplicationFactory<Program>
{
    public const string ApiKey = "test-key-0123456789abcdef";
    public const string ReadOnlyApiKey = "test-read-only-key-0123456789";
    public const string AppSecret = "test-app-secret";
    public const string VerifyToken = "test-verify-token";

    /// <summary>
    /// The key-encryption key (<c>Kabar:DataProtection:Key</c>) of every test app and of the
    /// <c>kabar</c> commands run beside one: they share a database, so they must share the key.
    /// </summary>
    public const string DataProtectionKey = "a2FiYXItdGVzdC1rZXktZW5jcnlwdGlvbi1rZXktMzI=";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>
    /// File watching by polling, not inotify. A test host watches its configuration files and
    /// <c>wwwroot</c> (for <c>asp-append-version</c>) with one inotify instance each, and the web root's
    /// watcher outlives the host; the suite starts hundreds of hosts, and Linux allows a user 128
    /// inotify instances (<c>fs.inotify.max_user_instances</c>), after which every new host fails
    /// with an <see cref="IOException"/>. Polling watchers hold no kernel object; the tests never
    /// change those files.
    /// </summary>
    static KabarApp() => Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "true");

    private readonly string connectionString;
    private readonly string? sqliteFile;
    private readonly Dictionary<string, string?> settings;

    private readonly bool kestrel;

    private KabarApp(Db db, string connectionString, string? sqliteFile, Dictionary<string, string?> settings, bool kestrel = false)
    {
        this.kestrel = kestrel;
        Db = db;
        this.connectionString = connectionString;
        this.sqliteFile = sqliteFile;
        this.settings = settings;
    }

    public Db Db { get; }

    /// <summary>The database this app uses, for a <c>kabar</c> command run beside it.</summary>
    public string ConnectionString => connectionString;

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 3, 0, 0, TimeSpan.Zero));

    public CapturedLogs Logs { get; } = new();

    /// <summary>Where e-mail goes as .eml files when no SMTP server is configured.</summary>
    public string Outbox { get; } = Path.Combine(Path.GetTempPath(), $"kabar-outbox-{Guid.NewGuid():N}");

    /// <summary>
    /// Keeps the database when this app is disposed, so <see cref="Restart"/> can start Kabar
    /// again on it, as after downtime.
    /// </summary>
    public bool KeepDatabase { get; set; }

    /// <summary>Starts Kabar again on the database of a stopped app, with its clock at <paramref name="now"/>.</summary>
    public static KabarApp Restart(KabarApp stopped, DateTimeOffset now, Dictionary<string, string?>? settings = null)
    {
        var app = new KabarApp(stopped.Db, stopped.connectionString, stopped.sqliteFile, settings ?? []);
        app.Time.SetUtcNow(now);
        _ = app.Server;
        return app;
    }

    /// <summary>
    /// The address of a Kabar started with <c>kestrel: true</c>: a real socket on 127.0.0.1, for a
    /// browser; Kabar and its in-process simulator then talk over real HTTP too.
    /// </summary>
    public string BaseUrl => Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
        .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

    public static async Task<KabarApp> StartAsync(Db db, PostgresServer postgres, Dictionary<string, string?>? settings = null,
        bool kestrel = false)
    {
        string connectionString;
        string? file = null;
        if (db == Db.Postgres)
        {
            connectionString = await postgres.CreateMigratedDatabaseAsync();
        }
        else
        {
            file = Path.Combine(Path.GetTempPath(), $"kabar-test-{Guid.NewGuid():N}.db");
            await MigratedTemplates.CopySqliteAsync(file);
            connectionString = $"Data Source={file}";
        }

        settings ??= [];
        var port = kestrel ? KabarProcess.FreePort() : 0;
        if (kestrel)
        {
            // Links in SMS and e-mail must lead back to this very server.
            settings.TryAdd("Kabar:PublicBaseUrl", $"http://127.0.0.1:{port}");
        }

        var app = new KabarApp(db, connectionString, file, settings, kestrel);
        if (kestrel)
        {
            app.UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, port));
            app.StartServer();
        }
        else
        {
            _ = app.Server; // start now: migrations run here, not inside the first test request
        }

        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Kabar:Database:Provider", Db.ToString());
        builder.UseSetting("ConnectionStrings:Kabar", connectionString);
        builder.UseSetting("Kabar:Api:Keys:0", ApiKey);
        builder.UseSetting("Kabar:Api:Keys:1:Key", ReadOnlyApiKey);
        builder.UseSetting("Kabar:Api:Keys:1:Name", "reader");
        builder.UseSetting("Kabar:Api:Keys:1:Rights", "read");
        builder.UseSetting("Kabar:WhatsApp:AppSecret", AppSecret);
        builder.UseSetting("Kabar:WhatsApp:VerifyToken", VerifyToken);
        builder.UseSetting("Kabar:DataProtection:Key", DataProtectionKey);

        // Tests run dispatch passes themselves (see Pipeline), on the fake clock.
        builder.UseSetting("Kabar:Notifications:DispatcherEnabled", "false");
        builder.UseSetting("Kabar:Notifications:StatusWorkerEnabled", "false");
        // Queue gauges are refreshed by the tests (QueueGaugeWorker.RefreshAsync), not by a timer.
        builder.UseSetting("Kabar:Metrics:QueueGaugesEnabled", "false");
        builder.UseSetting("Kabar:Notifications:SendLookahead", "00:00:00");

        // Tests run scheduled jobs themselves (JobRunner.RunDueAsync) on the fake clock.
        builder.UseSetting("Kabar:Jobs:SchedulerEnabled", "false");
        builder.UseSetting("Kabar:Email:OutboxPath", Outbox);
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        // Only the captured, masked lines: hundreds of hosts writing every log line to the test
        // process's stdout fill the pipe the test runner reads, and a full pipe blocks the logger.
        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            logging.AddProvider(Logs);
        });
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);

            if (kestrel)
            {
                return;
            }

            // The test host has no socket: Kabar reaches its in-process simulator, and the
            // simulator reaches Kabar's webhook endpoint, through the test server itself.
            services.AddHttpClient(CloudApiClient.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => Server.CreateHandler());
            services.AddHttpClient(CloudApiClient.SendClientName).ConfigurePrimaryHttpMessageHandler(() => Server.CreateHandler());
            services.AddHttpClient(SimulatorWebhooks.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => Server.CreateHandler());
        });
    }

    public HttpClient Api(string key = ApiKey)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Runs a query against Kabar's own database.</summary>
    public async Task<T> WithDbAsync<T>(Func<KabarDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<KabarDbContext>());
    }

    /// <summary>Posts a webhook body signed with the test app secret, as Meta would.</summary>
    public Task<HttpResponseMessage> PostWebhookAsync(string body, string? signature = null)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/whatsapp")
        {
            Content = new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.TryAddWithoutValidation(WebhookSignature.Header, signature ?? WebhookSignature.Sign(bytes, AppSecret));
        return CreateClient().SendAsync(request);
    }

    /// <summary>Posts a signed webhook, expects 200, and applies its statuses as the status worker would.</summary>
    public async Task PostWebhookOkAsync(string body)
    {
        using var response = await PostWebhookAsync(body);
        await Http.AssertStatusAsync(response, System.Net.HttpStatusCode.OK);
        await ApplyStatusesAsync();
    }

    /// <summary>One round of the status worker (off in tests): stored posts expanded, then their statuses applied.</summary>
    public async Task<int> ApplyStatusesAsync()
    {
        await ExpandStatusesAsync();
        var taken = 0;
        long cursor = 0;
        int round;
        do
        {
            await using var scope = Services.CreateAsyncScope();
            (round, cursor) = await scope.ServiceProvider.GetRequiredService<Kabar.Statuses.StatusApplier>()
                .ApplyPendingAsync(Time.GetUtcNow().UtcDateTime, 1000, cursor, CancellationToken.None);
            taken += round;
        }
        while (round == 1000);

        return taken;
    }

    /// <summary>Expands every status post in the webhook inbox into status rows, as the status worker does first.</summary>
    public async Task ExpandStatusesAsync()
    {
        int expanded;
        do
        {
            await using var scope = Services.CreateAsyncScope();
            expanded = await Kabar.Statuses.StatusExpander.ExpandAsync(scope.ServiceProvider.GetRequiredService<KabarDbContext>(),
                scope.ServiceProvider.GetRequiredService<Kabar.Data.WriteGate>(), CancellationToken.None);
        }
        while (expanded > 0);
    }

    /// <summary>
    /// Every (wamid, status) Kabar holds durably: still in the webhook inbox as posted, or
    /// expanded into status rows. The inbox is read first, so a post expanded between the two
    /// reads is seen twice, never missed.
    /// </summary>
    public async Task<HashSet<(string Wamid, string Status)>> StoredStatusesAsync()
    {
        var posts = await WithDbAsync(d => d.WebhookInbox.AsNoTracking().ToListAsync());
        var rows = await WithDbAsync(d => d.WhatsAppStatusEvents.Select(s => new { s.Wamid, s.Status }).ToListAsync());
        var stored = rows.Select(r => (r.Wamid, r.Status)).ToHashSet();
        foreach (var post in posts)
        {
            using var document = JsonDocument.Parse(Kabar.Statuses.StatusIntake.RawBody(post));
            stored.UnionWith(WebhookPayload.Parse(document.RootElement).Statuses.Select(s => (s.Wamid, s.Status)));
        }

        return stored;
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<T>(Json))!;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(Outbox))
        {
            Directory.Delete(Outbox, recursive: true);
        }
        if (sqliteFile is not null && !KeepDatabase)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(sqliteFile + suffix);
            }
        }

        LogAudit.AssertMasked(Logs.Lines);
    }
}

public static class Http
{
    /// <summary>Asserts the status and prints the body when it differs.</summary>
    public static async Task AssertStatusAsync(HttpResponseMessage response, System.Net.HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.Fail($"Expected {(int)expected} {expected}, got {(int)response.StatusCode} {response.StatusCode}: {body}");
        }
    }
}
