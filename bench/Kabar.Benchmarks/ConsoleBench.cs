using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Kabar.Admin;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Kabar.Benchmarks;

/// <summary>
/// The operator console over a large register: <c>--contacts</c> people (default one million; 60 %
/// granted, 30 % unknown, 10 % withdrawn), about 1.2 consent events each granted or withdrawn person,
/// <c>--attempts</c> delivery attempts (default ten million) for 0.7 × as many notifications, spread
/// over the last 365 days, all written set-based in one transaction. Kabar runs as its own process;
/// a viewer signs in over HTTP and each page is fetched once to warm, then ten times. Then
/// <c>--asks</c> campaign asks (default 20,000, at most a fifth of the contacts) are written over the
/// year and the dashboard's year is timed again, its consent funnel reading every one of them.
/// </summary>
public static partial class ConsoleBench
{
    private const int Repetitions = 10;
    private const string Email = "bench-viewer@kabar.local";
    private const string Password = "bench-console-password-1";
    private const string ApiKey = "kabar_bench_console_read_key_0123456789";
    private const string JobKey = "kabar_bench_console_jobs_key_0123456789";
    private const string BusyContact = "00000000-0000-4000-8000-000000000000";

    private sealed record Timing(string Page, double P50, double Max, int Bytes);

    public static async Task<string> RunAsync(BenchOptions o)
    {
        if (o.Db != "sqlite")
        {
            throw new InvalidOperationException("console seeds with SQLite's recursive CTE; run it with --db sqlite.");
        }

        var contacts = o.Contacts;
        var attempts = Math.Max(o.Attempts, 10);
        var notifications = (int)(attempts * 7L / 10);
        await using var db = await BenchDatabase.CreateAsync(o);
        var seedClock = Stopwatch.StartNew();
        var counts = await SeedAsync(db, contacts, notifications, attempts);
        var seeded = seedClock.Elapsed;
        await CreateViewerAsync(db);
        var size = new FileInfo(db.ConnectionString["Data Source=".Length..]).Length;

        var timings = new List<Timing>();
        long? peak;
        TimeSpan backfill, steady;
        AskCounts asks;
        Timing withAsks, withoutAsks;
        await using (var kabar = await KabarServer.StartAsync(db,
        [
            "--Kabar:Admin:SecureCookies=false",
            "--Kabar:Simulator:Enabled=false",
            $"--Kabar:WhatsApp:Numbers:0:PhoneNumberId={BenchSeed.Number}",
            "--Kabar:WhatsApp:MessagingLimit=100000",
            $"--Kabar:Api:Keys:0:Key={ApiKey}",
            "--Kabar:Api:Keys:0:Rights=read",
            $"--Kabar:Api:Keys:1:Key={JobKey}",
            "--Kabar:Api:Keys:1:Rights=write",
            "--Kabar:Jobs:SchedulerEnabled=false",
            "--Kabar:Notifications:DispatcherEnabled=false",
            "--Kabar:Notifications:StatusWorkerEnabled=false",
        ]))
        {
            var cookies = new CookieContainer();
            using var handler = new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false };
            using var client = new HttpClient(handler) { BaseAddress = new Uri(kabar.Url), Timeout = TimeSpan.FromMinutes(10) };
            await SignInAsync(client);

            // As on a running office: the scheduler's stats-rollup has counted the past days. The
            // first run counts the whole year; the second is what each quarter-hour run costs.
            backfill = await RunJobAsync(client, "stats-rollup");
            steady = await RunJobAsync(client, "stats-rollup");

            var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Jakarta");
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, zone));
            var yearAgo = today.AddDays(-365);
            string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

            timings.Add(await TimeAsync(client, "/admin"));
            var year = $"/admin?from={Day(yearAgo)}&to={Day(today)}";
            timings.Add(await TimeAsync(client, year));
            var (first, page1) = await TimeWithBodyAsync(client, "/admin/notifications");
            timings.Add(first);
            timings.Add(await TimeAsync(client, "/admin/notifications?reason=no_consent"));
            var cursor = AfterLink().Match(page1) is { Success: true } m ? m.Groups[1].Value
                : throw new InvalidOperationException("The notification log's first page has no next-page link.");
            timings.Add(await TimeAsync(client, $"/admin/notifications?after={cursor}"));
            timings.Add(await TimeAsync(client, $"/admin/contacts/{BusyContact.ToLowerInvariant()}"));
            var detail = DetailLink().Match(page1) is { Success: true } d ? d.Groups[1].Value
                : throw new InvalidOperationException("The notification log's first page links no notification.");
            timings.Add(await TimeAsync(client, $"/admin/notifications/{detail}"));

            // The same year once the campaigns' asks are in: the consent funnel reads each of them.
            asks = await SeedAsksAsync(db, contacts, o.Asks);
            withAsks = await TimeAsync(client, year);
            withoutAsks = timings[1];
            timings.Add(withAsks with { Page = $"{year} ({asks.Asks} campaign asks)" });

            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiKey);
            timings.Add(await TimeAsync(client, "/api/stats"));
            peak = kabar.PeakResidentBytes();
        }

        var figures = new Dictionary<string, object?>
        {
            ["scenario"] = "console",
            ["db"] = db.Provider,
            ["contacts"] = counts.Contacts,
            ["consent_events"] = counts.ConsentEvents,
            ["notifications"] = counts.Notifications,
            ["attempts"] = counts.Attempts,
            ["seed_s"] = Math.Round(seeded.TotalSeconds, 1),
            ["db_mb"] = size / (1024 * 1024),
            ["rollup_first_run_s"] = Math.Round(backfill.TotalSeconds, 1),
            ["rollup_next_run_s"] = Math.Round(steady.TotalSeconds, 1),
            ["kabar_peak_rss_mb"] = peak is { } p ? p / (1024 * 1024) : null,
            ["asks"] = asks.Asks,
            ["asks_asked"] = asks.Asked,
            ["asks_converted"] = asks.Converted,
            ["asks_seed_s"] = Math.Round(asks.Seeded.TotalSeconds, 1),
            ["dashboard_year_p50_ms"] = Math.Round(withoutAsks.P50, 1),
            ["dashboard_year_asks_p50_ms"] = Math.Round(withAsks.P50, 1),
            ["dashboard_year_asks_max_ms"] = Math.Round(withAsks.Max, 1),
            ["dashboard_year_asks_ratio_to_without"] = Math.Round(withAsks.P50 / withoutAsks.P50, 2),
            ["repetitions"] = Repetitions,
            ["pages"] = timings.Select(t => new Dictionary<string, object>
            {
                ["page"] = t.Page,
                ["p50_ms"] = Math.Round(t.P50, 1),
                ["max_ms"] = Math.Round(t.Max, 1),
                ["bytes"] = t.Bytes,
            }).ToList(),
        };
        var lines = timings.Select(t => string.Create(CultureInfo.InvariantCulture,
            $"  {t.P50,8:0.0} ms p50 {t.Max,8:0.0} ms max  {t.Page}"));
        return string.Create(CultureInfo.InvariantCulture, $"""
            console ({db.Provider}, {counts.Contacts} contacts, {counts.ConsentEvents} consent events, {counts.Notifications} notifications, {counts.Attempts} attempts; seeded in {seeded.TotalSeconds:0.0} s, {size / (1024 * 1024)} MB)
              stats-rollup: first run (the whole year) {backfill.TotalSeconds:0.0} s, next run {steady.TotalSeconds:0.0} s
              campaign asks: {asks.Asks} ({asks.Asked} requests, {asks.Converted} people granted; seeded in {asks.Seeded.TotalSeconds:0.0} s); dashboard over the year {withAsks.P50:0.0} ms p50 with them, {withoutAsks.P50:0.0} ms without ({withAsks.P50 / withoutAsks.P50:0.00} ×)
            {string.Join('\n', lines)}
              kabar peak resident memory: {(peak is { } q ? $"{q / (1024 * 1024)} MB" : "unknown")}
            {JsonSerializer.Serialize(figures)}
            """);
    }

    private static async Task<TimeSpan> RunJobAsync(HttpClient client, string job)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/jobs/{job}/run");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", JobKey);
        var clock = Stopwatch.StartNew();
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK || !body.Contains("\"succeeded\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"POST /api/jobs/{job}/run: {(int)response.StatusCode} {body}");
        }

        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{job}: {clock.Elapsed.TotalSeconds:0.0} s {body}"));
        return clock.Elapsed;
    }

    private static async Task SignInAsync(HttpClient client)
    {
        using var form = await client.GetAsync("/admin/login");
        var html = await form.Content.ReadAsStringAsync();
        var token = AntiforgeryField().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value)
            : throw new InvalidOperationException($"No antiforgery field on /admin/login ({(int)form.StatusCode}).");
        using var post = await client.PostAsync("/admin/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = Email,
            ["Password"] = Password,
            ["__RequestVerificationToken"] = token,
        }));
        if (post.StatusCode != HttpStatusCode.Redirect || post.Headers.Location?.OriginalString.Contains("login", StringComparison.Ordinal) == true)
        {
            throw new InvalidOperationException($"Sign-in failed: {(int)post.StatusCode} {post.Headers.Location}");
        }
    }

    private static async Task<Timing> TimeAsync(HttpClient client, string path) => (await TimeWithBodyAsync(client, path)).Timing;

    /// <summary>One warm-up request, then <see cref="Repetitions"/> timed ones, each read to its last byte.</summary>
    private static async Task<(Timing Timing, string Body)> TimeWithBodyAsync(HttpClient client, string path)
    {
        var body = await GetAsync(client, path);
        var samples = new List<double>();
        for (var i = 0; i < Repetitions; i++)
        {
            var clock = Stopwatch.StartNew();
            body = await GetAsync(client, path);
            samples.Add(clock.Elapsed.TotalMilliseconds);
        }

        samples.Sort();
        var p50 = (samples[(samples.Count - 1) / 2] + samples[samples.Count / 2]) / 2;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{path}: p50 {p50:0.0} ms, max {samples[^1]:0.0} ms"));
        return (new Timing(path, p50, samples[^1], body.Length), body);
    }

    private static async Task<string> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {response.Headers.Location}");
        }

        return body;
    }

    private static async Task CreateViewerAsync(BenchDatabase db)
    {
        await using var context = db.Open();
        var store = new OperatorStore(context, new EphemeralDataProtectionProvider(), Options.Create(new AdminOptions()),
            TimeProvider.System, NullLogger<OperatorStore>.Instance, new Microsoft.AspNetCore.Identity.PasswordHasher<ConsoleUser>());
        await store.CreateAsync(Email, OperatorRoles.Viewer, Password, CancellationToken.None);
    }

    private sealed record Counts(long Contacts, long ConsentEvents, long Notifications, long Attempts);

    /// <summary>
    /// Everything in one transaction, from recursive CTEs. The secondary indexes of the four big
    /// tables are dropped first and rebuilt, from the migrations' own statements, once the rows are in.
    /// </summary>
    private static async Task<Counts> SeedAsync(BenchDatabase db, int contacts, int notifications, int attempts)
    {
        var now = DateTime.UtcNow;
        var start = now.AddDays(-365).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        await using var connection = new SqliteConnection(db.ConnectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, null, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000; PRAGMA temp_store=MEMORY;");

        var indexes = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = """
                SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
                AND tbl_name IN ('Contacts', 'ConsentEvents', 'Notifications', 'DeliveryAttempts')
                """;
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                indexes.Add(reader.GetString(0) + "\u0001" + reader.GetString(1));
            }
        }

        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync();
        foreach (var index in indexes)
        {
            await ExecuteAsync(connection, tx, $"DROP INDEX \"{index.Split('\u0001')[0]}\";");
        }

        foreach (var (what, sql) in Statements)
        {
            var clock = Stopwatch.StartNew();
            await using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = sql;
            command.CommandTimeout = 0;
            command.Parameters.AddWithValue("$contacts", contacts);
            command.Parameters.AddWithValue("$notifications", notifications);
            command.Parameters.AddWithValue("$attempts", attempts);
            command.Parameters.AddWithValue("$start", start);
            command.Parameters.AddWithValue("$now", now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue("$number", BenchSeed.Number);
            var rows = await command.ExecuteNonQueryAsync();
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seed: {rows} {what} in {clock.Elapsed.TotalSeconds:0.0} s"));
        }

        var indexClock = Stopwatch.StartNew();
        foreach (var index in indexes)
        {
            await ExecuteAsync(connection, tx, index.Split('\u0001')[1] + ";");
        }

        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seed: {indexes.Count} indexes rebuilt in {indexClock.Elapsed.TotalSeconds:0.0} s"));
        await tx.CommitAsync();

        // Planner statistics, as `PRAGMA optimize` would gather them on a long-lived database.
        await ExecuteAsync(connection, null, "PRAGMA analysis_limit=1000; ANALYZE; PRAGMA journal_mode=WAL;");
        return new Counts(
            await ScalarAsync(connection, "SELECT count(*) FROM \"Contacts\""),
            await ScalarAsync(connection, "SELECT count(*) FROM \"ConsentEvents\""),
            await ScalarAsync(connection, "SELECT count(*) FROM \"Notifications\""),
            await ScalarAsync(connection, "SELECT count(*) FROM \"DeliveryAttempts\""));
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? tx, string sql)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    // Contact i: 60 % granted (i % 10 < 6), 30 % unknown, 10 % withdrawn. Consent events: one grant;
    // i % 10 in (0, 5) granted, withdrew and granted again (three events); withdrawn people granted
    // then withdrew (two). Contact 0 is the busy one: one notification in 20,000 is for them.
    // Notification j is created at start + j/M of the year; attempt k < M is notification k's
    // first try, the rest are second tries (SMS or e-mail) of notifications spread over the year.
    private static readonly (string What, string Sql)[] Statements =
    [
        ("contacts", """
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $contacts - 1)
            INSERT INTO "Contacts" ("Id", "Phone", "WaId", "Name", "Email", "Language", "LastInboundAt", "WhatsAppConsent", "MarketingConsent",
                                    "WhatsAppConsentAt", "LedgerSeq", "LedgerHead", "CreatedAt", "UpdatedAt")
            SELECT printf('00000000-0000-4000-8000-%012X', i), printf('+62813%08d', i), printf('62813%08d', i), 'Warga ' || i,
                   CASE WHEN i % 3 = 0 THEN 'warga' || i || '@example.id' END,
                   CASE WHEN i % 20 = 0 THEN 'en' ELSE 'id' END,
                   CASE WHEN i % 4 = 0 THEN datetime($now, '-' || (i % 2000) || ' hours') END,
                   CASE WHEN i % 10 < 6 THEN 'granted' WHEN i % 10 < 9 THEN 'unknown' ELSE 'withdrawn' END,
                   CASE WHEN i % 7 = 0 THEN 'granted' ELSE 'unknown' END,
                   CASE WHEN i % 10 IN (0, 5) THEN datetime($start, '+' || ((i * 7919) % 31000000 + 2 * 86400) || ' seconds')
                        WHEN i % 10 < 6 THEN datetime($start, '+' || ((i * 7919) % 31000000) || ' seconds')
                        WHEN i % 10 = 9 THEN datetime($start, '+' || ((i * 7919) % 31000000 + 86400) || ' seconds') END,
                   CASE WHEN i % 10 IN (0, 5) THEN 3 WHEN i % 10 < 6 THEN 1 WHEN i % 10 = 9 THEN 2 ELSE 0 END,
                   CASE WHEN i % 10 < 6 OR i % 10 = 9 THEN printf('%064X', i) END,
                   datetime($start, '-30 days'), datetime($start, '-30 days')
            FROM n
            """),
        ("consent events", """
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $contacts - 1),
            s(seq) AS (VALUES (1), (2), (3))
            INSERT INTO "ConsentEvents" ("Id", "ContactId", "Seq", "Scope", "Action", "Source", "OccurredAt", "RecordedAt", "TextVersion",
                                         "WhatsAppMessageId", "PrevHash", "Hash")
            SELECT printf('00000000-0000-4000-C000-%012X', i * 4 + seq), printf('00000000-0000-4000-8000-%012X', i), seq, 'whatsapp',
                   CASE WHEN seq = 2 THEN 'withdrawn' ELSE 'granted' END,
                   CASE WHEN seq = 2 THEN CASE i % 3 WHEN 0 THEN 'inbound_keyword' WHEN 1 THEN 'opt_out_link' ELSE 'user_preferences_webhook' END
                        ELSE CASE (i / 10 + seq) % 5 WHEN 0 THEN 'registration_form' WHEN 1 THEN 'inbound_keyword' WHEN 2 THEN 'opt_in_link'
                                                      WHEN 3 THEN 'inbound_message' ELSE 'api' END END,
                   datetime($start, '+' || ((i * 7919) % 31000000 + (seq - 1) * 86400) || ' seconds'),
                   datetime($start, '+' || ((i * 7919) % 31000000 + (seq - 1) * 86400) || ' seconds'),
                   CASE WHEN seq <> 2 THEN 'id-v1' END,
                   CASE WHEN (i / 10 + seq) % 5 IN (1, 3) THEN 'wamid.IN' || (i * 4 + seq) END,
                   CASE WHEN seq > 1 THEN printf('%064X', i * 4 + seq - 1) END,
                   printf('%064X', i * 4 + seq)
            FROM n JOIN s ON s.seq <= CASE WHEN i % 10 IN (0, 5) THEN 3 WHEN i % 10 < 6 THEN 1 WHEN i % 10 = 9 THEN 2 ELSE 0 END
            """),
        ("notifications", """
            WITH RECURSIVE n(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM n WHERE j < $notifications - 1),
            v AS (
                SELECT j, (j * 104729 + 7) % 100 AS s, (j * 31 + 3) % 100 AS t,
                       CASE WHEN j % 20000 = 0 THEN 0 ELSE (j * 48271) % $contacts END AS c,
                       CASE WHEN (j * 7919 + 13) % 100 < 55 THEN 'opted_in' WHEN (j * 7919 + 13) % 100 < 65 THEN 'service_window'
                            WHEN (j * 7919 + 13) % 100 < 85 THEN 'no_consent' WHEN (j * 7919 + 13) % 100 < 90 THEN 'opted_out'
                            WHEN (j * 7919 + 13) % 100 < 94 THEN 'not_on_whatsapp' WHEN (j * 7919 + 13) % 100 < 97 THEN 'no_whatsapp_identity'
                            ELSE 'window_closed' END AS reason,
                       datetime($start, '+' || (j * 31536000 / $notifications) || ' seconds') AS at
                FROM n),
            w AS (
                SELECT *, CASE WHEN reason IN ('opted_in', 'service_window')
                                   THEN CASE WHEN s < 88 THEN 'whatsapp' WHEN s < 97 THEN 'sms' ELSE 'email' END
                               ELSE CASE WHEN s < 80 THEN 'sms' WHEN s < 92 THEN 'email' ELSE 'none' END END AS channel
                FROM v),
            x AS (
                SELECT *, CASE WHEN j >= $notifications - 20 THEN 'scheduled' WHEN channel = 'none' THEN 'skipped'
                               WHEN t < 55 THEN 'delivered' WHEN t < 72 THEN CASE WHEN channel = 'email' THEN 'sent' ELSE 'read' END
                               WHEN t < 90 THEN 'sent' WHEN t < 97 THEN 'failed' ELSE 'cancelled' END AS state
                FROM w)
            INSERT INTO "Notifications" ("Id", "Type", "ContactId", "Kind", "ParamsJson", "State", "DueAt", "CreatedAt", "UpdatedAt", "Basis",
                                         "Category", "Channel", "Essential", "FallbackReason", "FallbackTries", "LastError", "LastErrorCode",
                                         "PhoneNumberId", "Version", "WhatsAppTries", "Reason", "IncludeOptInLink", "PairRateHits")
            SELECT printf('00000000-0000-4000-A000-%012X', j),
                   CASE WHEN j % 10 < 5 THEN 'permit_ready' WHEN j % 10 < 8 THEN 'permit_expiry_warning' WHEN j % 10 < 9 THEN 'permit_renewal_approved'
                        ELSE 'approval_required' END,
                   printf('00000000-0000-4000-8000-%012X', c), 'template',
                   '{"partner_name":"Warga","permit_type":"Izin Usaha Mikro","permit_number":"503/' || j || '/IUM/2026"}',
                   state, CASE WHEN state = 'scheduled' THEN datetime($now, '+30 days') ELSE at END, at, at, 'public_task', 'utility', channel, 1,
                   CASE WHEN reason IN ('opted_in', 'service_window') AND channel IN ('sms', 'email') THEN 'whatsapp_failed' END,
                   CASE WHEN channel IN ('sms', 'email') THEN 1 ELSE 0 END,
                   CASE WHEN state = 'failed' THEN 'Message undeliverable' END,
                   CASE WHEN state = 'failed' THEN 131026 END,
                   $number, 0, CASE WHEN reason IN ('opted_in', 'service_window') THEN 1 ELSE 0 END,
                   CASE WHEN j >= $notifications - 20 THEN NULL ELSE reason END,
                   CASE WHEN reason = 'no_consent' THEN 1 ELSE 0 END, 0
            FROM x
            """),
        ("delivery attempts", """
            WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < $attempts - 1),
            v AS (
                SELECT k, (k * 2654435761) % 1000 AS u,
                       CASE WHEN k < $notifications THEN k ELSE (k - $notifications) * $notifications / ($attempts - $notifications) END AS j
                FROM n),
            a AS (
                SELECT v.k, v.u, x."Id" AS nid, x."ContactId" AS cid, x."CreatedAt" AS at, x."Reason" AS reason, x."Type" AS type,
                       CASE WHEN v.k < $notifications AND x."Reason" IN ('opted_in', 'service_window') THEN 'whatsapp'
                            WHEN x."Channel" IN ('sms', 'email') THEN x."Channel" ELSE 'sms' END AS ch,
                       CASE WHEN v.u < 30 THEN 'failed' WHEN v.u < 580 THEN 'delivered' WHEN v.u < 830 THEN 'read'
                            WHEN v.u < 960 THEN 'sent' WHEN v.u < 990 THEN 'accepted' ELSE 'unknown' END AS status
                FROM v JOIN "Notifications" x ON x.rowid = v.j + 1),
            b AS (
                SELECT *, ch = 'whatsapp' AND (reason = 'service_window' OR u % 9 = 0) AS win FROM a)
            INSERT INTO "DeliveryAttempts" ("Id", "NotificationId", "ContactId", "Channel", "Status", "ProviderMessageId", "PhoneNumberId",
                                            "TemplateName", "ErrorCode", "Error", "WindowOpen", "CountsAgainstLimit", "Billable",
                                            "PricingCategory", "Ambiguous", "CreatedAt", "UpdatedAt", "Version", "Reason")
            SELECT printf('00000000-0000-4000-B000-%012X', k), nid, cid, ch, status,
                   CASE WHEN status = 'unknown' THEN NULL WHEN ch = 'whatsapp' THEN printf('wamid.HBgN%012X', k) ELSE printf('%s-%d', ch, k) END,
                   CASE WHEN ch = 'whatsapp' THEN $number END,
                   CASE WHEN ch = 'whatsapp' THEN type END,
                   CASE WHEN status = 'failed' THEN CASE u % 6 WHEN 0 THEN 131026 WHEN 1 THEN 131047 WHEN 2 THEN 131049 WHEN 3 THEN 130472
                                                                WHEN 4 THEN 131000 ELSE 131053 END END,
                   CASE WHEN status = 'failed' THEN 'provider error' END,
                   win, ch = 'whatsapp' AND NOT win, ch = 'whatsapp' AND NOT win AND status <> 'failed',
                   CASE WHEN ch = 'whatsapp' THEN CASE WHEN win THEN 'service' ELSE 'utility' END END,
                   0,
                   CASE WHEN k < $notifications THEN at ELSE datetime(at, '+900 seconds') END,
                   CASE WHEN k < $notifications THEN at ELSE datetime(at, '+900 seconds') END,
                   0, reason
            FROM b
            """),
    ];

    private sealed record AskCounts(long Asks, long Asked, long Converted, TimeSpan Seeded);

    /// <summary>
    /// Four campaigns' asks over the year, written while Kabar runs (one transaction, then
    /// <c>ANALYZE</c> of the tables the funnel reads), so the dashboard is timed with and without them.
    /// </summary>
    private static async Task<AskCounts> SeedAsksAsync(BenchDatabase db, int contacts, int asks)
    {
        var clock = Stopwatch.StartNew();
        asks = Math.Min(asks, contacts / 5);
        var now = DateTime.UtcNow;
        await using var connection = new SqliteConnection(db.ConnectionString);
        await connection.OpenAsync();
        if (asks > 0)
        {
            await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync();
            foreach (var (what, sql) in AskStatements)
            {
                await using var command = connection.CreateCommand();
                command.Transaction = tx;
                command.CommandText = AskRows + sql;
                command.CommandTimeout = 0;
                command.Parameters.AddWithValue("$asks", asks);
                command.Parameters.AddWithValue("$stride", Math.Max(1, contacts / 10 / ((asks + 2) / 3)));
                command.Parameters.AddWithValue("$start", now.AddDays(-365).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
                command.Parameters.AddWithValue("$number", BenchSeed.Number);
                var rows = await command.ExecuteNonQueryAsync();
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seed: {rows} {what}"));
            }

            await tx.CommitAsync();
            await ExecuteAsync(connection, null, """
                PRAGMA analysis_limit=1000; ANALYZE "Campaigns"; ANALYZE "CampaignAsks"; ANALYZE "OptInTokens"; ANALYZE "ConsentEvents"; ANALYZE "Contacts";
                """);
        }

        return new AskCounts(
            await ScalarAsync(connection, "SELECT count(*) FROM \"CampaignAsks\""),
            await ScalarAsync(connection, "SELECT count(*) FROM \"CampaignAsks\" WHERE \"Outcome\" = 'asked'"),
            await ScalarAsync(connection, "SELECT count(DISTINCT \"ContactId\") FROM \"ConsentEvents\" WHERE \"Id\" LIKE '00000000-0000-4000-C001-%'"),
            clock.Elapsed);
    }

    // Ask i goes to a contact whose WhatsApp consent was unknown (i % 10 in 6..8), spread over the
    // register, at start + i/N of the year, by campaign 4i/N (one a quarter). 5 % are skipped; of
    // the requests 80 % delivered, 14 % sent, 6 % failed. Of those not failed: 12 % used the link
    // and granted (opened), 18 % only opened it, 3 % answered the keyword without opening; one
    // person in six who granted withdrew ten days later.
    private const string AskRows = """
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $asks - 1),
        v AS (
            SELECT i, (i * 61) % 100 AS u, ((i * 40503) % 1000) / 10 AS s, 10 * ((i / 3) * $stride) + 6 + i % 3 AS idx,
                   i * 4 / $asks AS camp, datetime($start, '+' || (i * 30000000 / $asks + 3600) || ' seconds') AS at
            FROM n),
        w AS (
            SELECT *, printf('00000000-0000-4000-8000-%012X', idx) AS cid, s < 5 AS skipped,
                   CASE WHEN s < 5 THEN 'none' WHEN idx % 3 = 0 AND s % 4 = 0 THEN 'email' ELSE 'sms' END AS channel,
                   CASE WHEN s < 80 THEN 'delivered' WHEN s < 94 THEN 'sent' ELSE 'failed' END AS state
            FROM v),
        a AS (
            SELECT *, NOT skipped AND state <> 'failed' AND u < 12 AS link,
                   NOT skipped AND state <> 'failed' AND u < 30 AND u >= 12 AS opened_only,
                   NOT skipped AND state <> 'failed' AND u >= 30 AND u < 33 AS keyword
            FROM w)

        """;

    private static readonly (string What, string Sql)[] AskStatements =
    [
        ("campaigns", """
            INSERT INTO "Campaigns" ("Id", "Name", "State", "Channels", "DailyCap", "SendFrom", "SendUntil", "CreatedBy", "CreatedAt", "UpdatedAt",
                                     "StartedAt", "CompletedAt")
            SELECT printf('00000000-0000-4000-9000-%012X', camp), 'Ajakan WhatsApp triwulan ' || (camp + 1),
                   CASE WHEN camp < 3 THEN 'completed' ELSE 'running' END, 'both', 500, '08:00:00', '17:00:00', 'bench-viewer@kabar.local',
                   min(at), max(at), min(at), CASE WHEN camp < 3 THEN max(at) END
            FROM a GROUP BY camp
            """),
        ("campaign notifications", """
            INSERT INTO "Notifications" ("Id", "Type", "ContactId", "Kind", "ParamsJson", "State", "DueAt", "CreatedAt", "UpdatedAt", "Basis",
                                         "Category", "Channel", "Essential", "FallbackTries", "LastError", "PhoneNumberId", "Version",
                                         "WhatsAppTries", "IncludeOptInLink", "PairRateHits", "CampaignId")
            SELECT printf('00000000-0000-4000-D000-%012X', i), 'opt_in_request', cid, 'text', '{}', state, at, at, at, 'consent', 'utility',
                   channel, 0, 0, CASE WHEN state = 'failed' THEN 'provider error' END, $number, 0, 0, 0, 0,
                   printf('00000000-0000-4000-9000-%012X', camp)
            FROM a WHERE NOT skipped
            """),
        ("campaign asks", """
            INSERT INTO "CampaignAsks" ("Id", "CampaignId", "ContactId", "Outcome", "SkipReason", "Channel", "NotificationId", "AskedAt",
                                        "AttributionEndsAt", "OpenedAt")
            SELECT printf('00000000-0000-4000-E000-%012X', i), printf('00000000-0000-4000-9000-%012X', camp), cid,
                   CASE WHEN skipped THEN 'skipped' ELSE 'asked' END, CASE WHEN skipped THEN 'asked_recently_or_chose' END, channel,
                   CASE WHEN NOT skipped THEN printf('00000000-0000-4000-D000-%012X', i) END, at, datetime(at, '+14 days'),
                   CASE WHEN link OR opened_only THEN datetime(at, '+2 hours') END
            FROM a
            """),
        ("opt-in tokens", """
            INSERT INTO "OptInTokens" ("Id", "TokenHash", "ContactId", "Scope", "NotificationId", "CreatedAt", "ExpiresAt", "UsedAt")
            SELECT printf('00000000-0000-4000-F000-%012X', i), printf('%064x', i), cid, 'whatsapp', printf('00000000-0000-4000-D000-%012X', i),
                   at, datetime(at, '+14 days'), CASE WHEN link THEN datetime(at, '+3 hours') END
            FROM a WHERE NOT skipped
            """),
        ("consent events from asks", """
            , s(seq) AS (VALUES (1), (2))
            INSERT INTO "ConsentEvents" ("Id", "ContactId", "Seq", "Scope", "Action", "Source", "OccurredAt", "RecordedAt", "TextVersion",
                                         "WhatsAppMessageId", "TokenId", "PrevHash", "Hash")
            SELECT printf('00000000-0000-4000-C001-%012X', i * 2 + seq), cid, seq, 'whatsapp', CASE WHEN seq = 1 THEN 'granted' ELSE 'withdrawn' END,
                   CASE WHEN seq = 2 OR keyword THEN 'inbound_keyword' ELSE 'opt_in_link' END,
                   CASE WHEN seq = 2 THEN datetime(at, '+10 days') WHEN link THEN datetime(at, '+3 hours') ELSE datetime(at, '+1 day') END,
                   CASE WHEN seq = 2 THEN datetime(at, '+10 days') WHEN link THEN datetime(at, '+3 hours') ELSE datetime(at, '+1 day') END,
                   CASE WHEN seq = 1 THEN 'id-v1' END,
                   CASE WHEN seq = 2 OR keyword THEN 'wamid.ASK' || (i * 2 + seq) END,
                   CASE WHEN seq = 1 AND link THEN lower(printf('00000000-0000-4000-F000-%012X', i)) END,
                   CASE WHEN seq = 2 THEN printf('A%063X', i * 2 + 1) END, printf('A%063X', i * 2 + seq)
            FROM a JOIN s ON seq = 1 OR i % 6 = 0
            WHERE link OR keyword
            """),
        ("contacts asked", """
            UPDATE "Contacts" SET "LastOptInRequestAt" = a.at,
                "WhatsAppConsent" = CASE WHEN NOT (a.link OR a.keyword) THEN "WhatsAppConsent" WHEN a.i % 6 = 0 THEN 'withdrawn' ELSE 'granted' END,
                "WhatsAppConsentAt" = CASE WHEN NOT (a.link OR a.keyword) THEN "WhatsAppConsentAt" WHEN a.i % 6 = 0 THEN datetime(a.at, '+10 days')
                                           WHEN a.link THEN datetime(a.at, '+3 hours') ELSE datetime(a.at, '+1 day') END,
                "LedgerSeq" = CASE WHEN NOT (a.link OR a.keyword) THEN "LedgerSeq" WHEN a.i % 6 = 0 THEN 2 ELSE 1 END,
                "LedgerHead" = CASE WHEN NOT (a.link OR a.keyword) THEN "LedgerHead" ELSE printf('A%063X', a.i * 2 + CASE WHEN a.i % 6 = 0 THEN 2 ELSE 1 END) END
            FROM a WHERE "Contacts"."Id" = a.cid AND NOT a.skipped
            """),
    ];

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("""after=([0-9]+_[0-9a-fA-F-]{36})""")]
    private static partial Regex AfterLink();

    [GeneratedRegex("href=\"/admin/notifications/([0-9a-fA-F-]{36})\"")]
    private static partial Regex DetailLink();
}
