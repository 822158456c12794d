using System.Reflection;
using Kabar.Data;
using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.Statuses;
using Kabar.Tests.Infrastructure;
using Kabar.WhatsApp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.WhatsApp;

/// <summary>
/// <c>sent</c>, <c>delivered</c> and <c>read</c> are applied on untracked rows and written as
/// grouped updates of the fields they change (<see cref="AppliedRows"/>): a row another writer
/// moved in between keeps that writer's change, and the batch is worked out again.
/// </summary>
public abstract class StatusApplyTests(Db db, PostgresServer postgres) : IAsyncLifetime
{
    private KabarApp App { get; set; } = null!;

    public async ValueTask InitializeAsync() => App = await KabarApp.StartAsync(db, postgres);

    public async ValueTask DisposeAsync() => await App.DisposeAsync();

    [Fact]
    public async Task ARowChangedWhileItsStatusWasApplied_WritesNothingOfTheBatch_AndTheStatusIsAppliedAgainOnTheRowAsItIs()
    {
        await App.CreateContactAsync("081277771001", optedIn: true);
        await App.CreateContactAsync("081277771002", optedIn: true);
        var first = await App.PermitReadyAsync("081277771001");
        var second = await App.PermitReadyAsync("081277771002");
        await App.DispatchAsync(); // accepted; the simulator's statuses are not let through
        var now = App.Time.GetUtcNow().UtcDateTime;

        await using (var scope = App.Services.CreateAsyncScope())
        {
            var data = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
            var applier = scope.ServiceProvider.GetRequiredService<StatusApplier>();
            var attempts = await data.DeliveryAttempts.AsNoTracking().Where(a => a.NotificationId == first || a.NotificationId == second).ToListAsync();
            var notices = await data.Notifications.AsNoTracking().Where(n => n.Id == first || n.Id == second).ToDictionaryAsync(n => n.Id);
            Assert.Equal(2, attempts.Count);
            var rows = new AppliedRows();
            foreach (var a in attempts)
            {
                rows.Read(a);
                rows.Read(notices[a.NotificationId]);
                applier.Move(a, notices[a.NotificationId], Delivered(a, now), now);
            }

            // Meanwhile another writer (a retry, an operator) saves the second notice.
            await using (var other = App.Services.CreateAsyncScope())
            {
                var otherDb = other.ServiceProvider.GetRequiredService<KabarDbContext>();
                var n = await otherDb.Notifications.SingleAsync(n => n.Id == second);
                n.LastError = "changed meanwhile";
                await otherDb.SaveChangesAsync();
            }

            var writes = rows.Writes(data, attempts, notices.Values);
            Assert.NotNull(writes);
            await using (var tx = await data.Database.BeginTransactionAsync())
            {
                await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => writes(CancellationToken.None));
            }
        }

        // Nothing of the batch was kept, the first notice's rows neither; the other writer's change was.
        var before = await App.WithDbAsync(d => d.Notifications.AsNoTracking().Where(n => n.Id == first || n.Id == second)
            .OrderBy(n => n.Id == second).Select(n => new { n.State, n.LastError }).ToListAsync());
        Assert.Equal([(NotificationState.Sent, (string?)null), (NotificationState.Sent, "changed meanwhile")],
            before.Select(n => (n.State, n.LastError)));
        Assert.All(await App.WithDbAsync(d => d.DeliveryAttempts.AsNoTracking().Select(a => a.Status).ToListAsync()),
            s => Assert.Equal(AttemptStatus.Accepted, s));

        // The same statuses, through the webhook and the status worker's rounds, apply on the rows as they are.
        foreach (var id in new[] { first, second })
        {
            var attempt = Assert.Single((await App.NotificationAsync(id)).Attempts);
            await App.PostWebhookOkAsync(Meta.Envelope(Meta.Statuses(
                Meta.Status(attempt.ProviderMessageId!, "delivered", App.Time.GetUtcNow(), id == first ? "6281277771001" : "6281277771002", attempt.Id.ToString()))));
        }

        var after = await App.WithDbAsync(d => d.Notifications.AsNoTracking().Where(n => n.Id == first || n.Id == second)
            .OrderBy(n => n.Id == second).Select(n => new { n.State, n.LastError, n.Version }).ToListAsync());
        Assert.Equal([(NotificationState.Delivered, (string?)null), (NotificationState.Delivered, "changed meanwhile")],
            after.Select(n => (n.State, n.LastError)));
        Assert.All(await App.WithDbAsync(d => d.DeliveryAttempts.AsNoTracking().Select(a => a.Status).ToListAsync()),
            s => Assert.Equal(AttemptStatus.Delivered, s));
    }

    [Fact]
    public async Task ABatchOfStatuses_WritesEachRowsChangedFields_AndItsVersionOneUp()
    {
        await App.CreateContactAsync("081277771003", optedIn: true);
        var id = await App.PermitReadyAsync("081277771003");
        await App.DispatchAsync();
        var versions = await App.WithDbAsync(async d => (
            Attempt: await d.DeliveryAttempts.Where(a => a.NotificationId == id).Select(a => a.Version).SingleAsync(),
            Notice: await d.Notifications.Where(n => n.Id == id).Select(n => n.Version).SingleAsync()));
        var attempt = Assert.Single((await App.NotificationAsync(id)).Attempts);

        // Read arrives in the same batch as delivered: one write per row, the last state.
        var at = App.Time.GetUtcNow();
        using (var stored = await App.PostWebhookAsync(Meta.Envelope(Meta.Statuses(
            Meta.Status(attempt.ProviderMessageId!, "delivered", at, "6281277771003", attempt.Id.ToString())))))
        {
            await Http.AssertStatusAsync(stored, System.Net.HttpStatusCode.OK);
        }

        await App.PostWebhookOkAsync(Meta.Envelope(Meta.Statuses(
            Meta.Status(attempt.ProviderMessageId!, "read", at.AddSeconds(3), "6281277771003", attempt.Id.ToString()))));

        var n = await App.WithDbAsync(d => d.Notifications.AsNoTracking().SingleAsync(n => n.Id == id));
        var a = await App.WithDbAsync(d => d.DeliveryAttempts.AsNoTracking().SingleAsync(a => a.NotificationId == id));
        Assert.Equal((NotificationState.Read, Channel.WhatsApp, (DateTime?)null, (string?)null), (n.State, n.Channel, n.FallbackDueAt, n.LockedBy));
        Assert.Equal(AttemptStatus.Read, a.Status);
        Assert.Equal((versions.Attempt + 1, versions.Notice + 1), (a.Version, n.Version));
        Assert.Equal([AttemptStatus.Delivered, AttemptStatus.Read], await App.WithDbAsync(d => d.AttemptStatusChanges
            .Where(c => c.AttemptId == a.Id && (c.Status == AttemptStatus.Delivered || c.Status == AttemptStatus.Read))
            .OrderBy(c => c.At).Select(c => c.Status).ToListAsync()));
    }

    private static WhatsAppStatusEvent Delivered(DeliveryAttempt a, DateTime now) => new()
    {
        Wamid = a.ProviderMessageId!,
        Status = "delivered",
        OccurredAt = now,
        BizOpaqueCallbackData = a.Id.ToString(),
        Billable = true,
        PricingCategory = "utility",
        ReceivedAt = now,
    };
}

public sealed class StatusApplyTests_Sqlite(PostgresServer postgres) : StatusApplyTests(Db.Sqlite, postgres);

public sealed class StatusApplyTests_Postgres(PostgresServer postgres) : StatusApplyTests(Db.Postgres, postgres);

/// <summary>
/// The rules of <see cref="NotificationFlow"/> for <c>sent</c>, <c>delivered</c> and <c>read</c>
/// change only the fields <see cref="AppliedRows"/> writes; a rule that changed another would be
/// lost on the way to the database, so every combination of states is tried; and they read no field
/// of a row but those the applier reads of it.
/// </summary>
public sealed class StatusApplyFieldTests(PostgresServer postgres)
{
    [Fact]
    public async Task SentDeliveredAndRead_ChangeOnlyTheFieldsTheApplierWrites_AndEachOfThemSomewhere()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        await using var scope = app.Services.CreateAsyncScope();
        var applier = scope.ServiceProvider.GetRequiredService<StatusApplier>();
        var now = app.Time.GetUtcNow().UtcDateTime;
        var attemptChanged = new HashSet<string>();
        var noticeChanged = new HashSet<string>();
        var tried = 0;
        var (readAttempt, readNotice) = (AppliedRows.AttemptRead.Compile(), AppliedRows.NoticeRead.Compile());
        foreach (var status in (string[])["sent", "delivered", "read", "played", "deleted"])
        {
            foreach (var attemptStatus in Enum.GetValues<AttemptStatus>())
            {
                foreach (var state in Enum.GetValues<NotificationState>())
                {
                    foreach (var (current, essential, fallbackReason, fallbackDue, wamid) in Variants(now))
                    {
                        var attempt = new DeliveryAttempt
                        {
                            Id = Guid.NewGuid(),
                            NotificationId = Guid.NewGuid(),
                            Channel = Channel.WhatsApp,
                            Status = attemptStatus,
                            ProviderMessageId = wamid,
                            UpdatedAt = now.AddMinutes(-5),
                            Version = 3,

                            // Fields a projected row leaves out, set (not left at their defaults)
                            // so that a rule reading one sees what the projected row lacks.
                            ContactId = Guid.NewGuid(),
                            PhoneNumberId = "PN-1",
                            TemplateName = "izin_terbit",
                            ErrorCode = 131026,
                            Error = "earlier",
                            WindowOpen = true,
                            Reason = "opted_in",
                            CountsAgainstLimit = true,
                            Ambiguous = true,
                            CreatedAt = now.AddHours(-1),
                            LeavesAt = now.AddMinutes(-6),
                        };
                        var notice = new Notification
                        {
                            Id = attempt.NotificationId,
                            State = state,
                            Channel = Channel.None,
                            CurrentAttemptId = current ? attempt.Id : Guid.NewGuid(),
                            Essential = essential,
                            FallbackReason = fallbackReason,
                            FallbackDueAt = fallbackDue,
                            LockedUntil = now.AddMinutes(1),
                            LockedBy = "worker-1",
                            UpdatedAt = now.AddMinutes(-5),
                            Version = 7,

                            Type = "permit_issued",
                            ContactId = Guid.NewGuid(),
                            PermitId = Guid.NewGuid(),
                            Kind = MessageKind.Text,
                            Category = MessageCategory.Marketing,
                            Basis = LegalBasis.Consent,
                            ParamsJson = """{"nama":"Siti"}""",
                            Body = "Izin Anda terbit.",
                            IdempotencyKey = "key-1",
                            CampaignId = Guid.NewGuid(),
                            RequestHash = "hash",
                            DecisionJson = """{"channel":"whatsapp"}""",
                            Reason = "opted_in",
                            PhoneNumberId = "PN-1",
                            DueAt = now.AddHours(-1),
                            WhatsAppTries = 2,
                            FallbackTries = 1,
                            PairRateHits = 3,
                            IncludeOptInLink = true,
                            LastErrorCode = 131026,
                            LastError = "earlier",
                            CreatedAt = now.AddHours(-1),
                        };
                        var e = new WhatsAppStatusEvent
                        {
                            Wamid = "wamid.NEW",
                            Status = status,
                            OccurredAt = now.AddSeconds(-1),
                            Billable = true,
                            PricingCategory = "utility",
                        };
                        var (attemptBefore, noticeBefore) = (Fields(attempt), Fields(notice));
                        var (attemptRead, noticeRead) = (readAttempt(attempt), readNotice(notice));
                        applier.Move(attempt, notice, e, now);
                        attemptChanged.UnionWith(Changed(attemptBefore, Fields(attempt)));
                        noticeChanged.UnionWith(Changed(noticeBefore, Fields(notice)));

                        // The applier reads a batch without failures as AttemptRead and NoticeRead
                        // project it: the rules must come to the same on those fields alone.
                        applier.Move(attemptRead, noticeRead, e, now);
                        Assert.Equal(AppliedRows.AttemptFields.Of(attempt), AppliedRows.AttemptFields.Of(attemptRead));
                        Assert.Equal(AppliedRows.NoticeFields.Of(notice), AppliedRows.NoticeFields.Of(noticeRead));
                        tried++;
                    }
                }
            }
        }

        Assert.Equal(5 * 7 * 9 * 32, tried);
        Assert.Equal(Names<AppliedRows.AttemptFields>(), attemptChanged.Order());
        Assert.Equal(Names<AppliedRows.NoticeFields>(), noticeChanged.Order());
    }

    private static readonly bool[] Both = [true, false];
    private static readonly string?[] Reasons = [null, "not_delivered_in_time"];
    private static readonly string?[] Wamids = [null, "wamid.KNOWN"];

    private static IEnumerable<(bool Current, bool Essential, string? FallbackReason, DateTime? FallbackDue, string? Wamid)> Variants(DateTime now) =>
        from current in Both
        from essential in Both
        from reason in Reasons
        from due in new DateTime?[] { null, now.AddHours(1) }
        from wamid in Wamids
        select (current, essential, reason, due, wamid);

    private static Dictionary<string, object?> Fields<T>(T entity) =>
        typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0)
            .ToDictionary(p => p.Name, p => p.GetValue(entity));

    private static IEnumerable<string> Changed(Dictionary<string, object?> before, Dictionary<string, object?> after) =>
        before.Where(kv => !Equals(kv.Value, after[kv.Key])).Select(kv => kv.Key);

    private static IEnumerable<string> Names<T>() =>
        typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).Order();
}
