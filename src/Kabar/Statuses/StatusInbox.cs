using Kabar.Data;
using Kabar.WhatsApp;

namespace Kabar.Statuses;

/// <summary>
/// The status path as the rest of Kabar uses it. The webhook stores posts of statuses alone
/// here and answers 200 once they are committed; statuses that came with other items are
/// recorded in that post's own transaction; an erasure first expands what the inbox still holds,
/// so the recipients' numbers in it are scrubbed with the rest.
/// </summary>
public sealed class StatusInbox
{
    private readonly StatusIntake intake;

    internal StatusInbox(StatusIntake intake) => this.intake = intake;

    /// <summary>Stores a post that carries <paramref name="statuses"/> statuses and nothing else; returns once it is committed.</summary>
    public Task StoreAsync(byte[] body, int statuses, DateTime receivedAt, CancellationToken ct) =>
        intake.StoreAsync(body, statuses, receivedAt, ct);

    /// <summary>Stores the one status of a post as its status row, received <paramref name="receivedAt"/>; returns once it is committed.</summary>
    public Task StoreAsync(StatusItem status, DateTime receivedAt, CancellationToken ct) =>
        intake.StoreAsync(StatusEventStore.Events([status], receivedAt)[0], ct);

    /// <summary>
    /// Records statuses in <paramref name="db"/>'s open transaction, each (wamid, status) once
    /// and none already stored; returns how many were new. The status worker applies them.
    /// </summary>
    public static async Task<int> RecordAsync(KabarDbContext db, List<StatusItem> statuses, DateTime now, CancellationToken ct) =>
        (await StatusEventStore.InsertAsync(db, StatusEventStore.Events(statuses, now), ct)).Count;

    /// <summary>Expands every post in the webhook inbox into status rows, each expansion retried on a lost write race.</summary>
    public static async Task ExpandAllAsync(IServiceScopeFactory scopes, WriteGate gate, CancellationToken ct)
    {
        while (await scopes.RunWithRetryAsync((sp, t) =>
            StatusExpander.ExpandAsync(sp.GetRequiredService<KabarDbContext>(), gate, t), ct) > 0)
        {
        }
    }
}
