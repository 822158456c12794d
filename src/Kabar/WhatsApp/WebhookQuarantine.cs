using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Kabar.Common;
using Kabar.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.WhatsApp;

/// <summary>
/// A verified webhook post with a part Kabar could not read (<see cref="SkippedPart"/>): its
/// neighbours were stored and the post was answered 200, so Meta will not send it again; the
/// raw body is kept here, with why, until the retention job, an erasure naming the person, or a
/// successful <c>kabar webhooks replay ID</c> removes it (docs/reliability.md).
/// </summary>
public sealed class WebhookQuarantinePost
{
    public long Id { get; set; }
    public DateTime ReceivedAt { get; set; }

    /// <summary>The body as Meta signed it, or its first <see cref="WebhookQuarantine.MaxBodyBytes"/> bytes.</summary>
    public byte[] Body { get; set; } = [];

    /// <summary>The size of the whole body as posted, in bytes.</summary>
    public int Size { get; set; }

    /// <summary>SHA-256 of the whole body (hex): the same post delivered again is kept once.</summary>
    public string Sha256 { get; set; } = "";

    /// <summary>How many parts were skipped.</summary>
    public int Skipped { get; set; }

    /// <summary>One line per skipped part: item, field and why (<see cref="SkippedPart.ToString"/>).</summary>
    public string Reasons { get; set; } = "";

    /// <summary>When <c>kabar webhooks replay</c> last ran on the post and still could not read all of it.</summary>
    public DateTime? ReplayedAt { get; set; }

    public string? ReplayOutcome { get; set; }

    /// <summary>Whether only the start of the body is kept; such a post cannot be replayed.</summary>
    public bool Truncated => Body.Length < Size;
}

internal sealed class WebhookQuarantinePostConfiguration : IEntityTypeConfiguration<WebhookQuarantinePost>
{
    public void Configure(EntityTypeBuilder<WebhookQuarantinePost> b)
    {
        b.ToTable("WebhookQuarantine");
        b.HasKey(p => p.Id);
        b.Property(p => p.Sha256).HasMaxLength(64);
        b.Property(p => p.Reasons).HasMaxLength(WebhookQuarantine.MaxReasonsLength);
        b.Property(p => p.ReplayOutcome).HasMaxLength(400);
        b.Ignore(p => p.Truncated);
        b.HasIndex(p => p.Sha256);
        b.HasIndex(p => p.ReceivedAt);
    }
}

/// <summary>Puts posts into the quarantine and finds them again.</summary>
public static partial class WebhookQuarantine
{
    /// <summary>
    /// A body is kept whole up to 1 MiB (a post of 1,000 statuses is about 300 KB; messages,
    /// preferences and template events are a few KB); beyond that only its start, for reading.
    /// </summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>
    /// At most this many posts are kept: a fault that spoils every post must not fill the disk.
    /// Further posts are counted in the log, not kept, until the retention job or an operator
    /// makes room; the first thousand show the fault as well as the last would.
    /// </summary>
    public const int MaxPosts = 1_000;

    public const int MaxReasonsLength = 4_000;

    /// <summary>
    /// Adds the post to <paramref name="db"/> (saved with the caller's transaction), unless the
    /// same body is already kept or the quarantine is full. Returns the row, or null.
    /// </summary>
    public static async Task<WebhookQuarantinePost?> AddAsync(KabarDbContext db, ReadOnlyMemory<byte> body,
        IReadOnlyList<SkippedPart> skipped, DateTime receivedAt, ILogger logger, CancellationToken ct)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(body.Span));
        if (await db.WebhookQuarantine.AnyAsync(p => p.Sha256 == hash, ct))
        {
            LogAgain(logger, skipped.Count);
            return null;
        }

        if (await db.WebhookQuarantine.CountAsync(ct) >= MaxPosts)
        {
            LogFull(logger, skipped.Count, MaxPosts);
            return null;
        }

        var row = new WebhookQuarantinePost
        {
            ReceivedAt = receivedAt,
            Body = body.Length <= MaxBodyBytes ? body.ToArray() : body[..MaxBodyBytes].ToArray(),
            Size = body.Length,
            Sha256 = hash,
            Skipped = skipped.Count,
            Reasons = Reasons(skipped),
        };
        db.WebhookQuarantine.Add(row);
        LogQuarantined(logger, skipped.Count, body.Length, skipped[0].ToString());
        return row;
    }

    /// <summary>The reasons, one a line, cut to the column (the count says how many there were).</summary>
    public static string Reasons(IReadOnlyList<SkippedPart> skipped)
    {
        var text = new StringBuilder();
        foreach (var part in skipped)
        {
            var line = part.ToString();
            if (text.Length + line.Length + 1 > MaxReasonsLength - 1)
            {
                text.Append('…');
                break;
            }

            text.Append(line).Append('\n');
        }

        return text.ToString().TrimEnd('\n');
    }

    /// <summary>The start of a body as text for the console: invalid bytes as U+FFFD, phone numbers and e-mail addresses masked.</summary>
    public static string Excerpt(byte[] body, int chars = 400)
    {
        var text = Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, chars * 4)));
        text = TextLimits.Cut(text, chars)!;
        var printable = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            printable.Append(char.IsControl(c) ? '\uFFFD' : c);
        }

        return Pii.MaskText(printable.ToString());
    }

    /// <summary>
    /// Deletes the kept posts whose raw bytes hold any of <paramref name="names"/> (a wa_id, a
    /// phone's digits, a business-scoped id), reading the bodies a few at a time. Erasure calls
    /// this inside its transaction. Returns how many were deleted.
    /// </summary>
    public static async Task<int> DeleteNamingAsync(KabarDbContext db, IEnumerable<string?> names, CancellationToken ct)
    {
        var needles = names.Where(n => n is { Length: >= 5 }).Distinct(StringComparer.Ordinal)
            .Select(n => Encoding.UTF8.GetBytes(n!)).ToList();
        if (needles.Count == 0)
        {
            return 0;
        }

        var doomed = new List<long>();
        long after = 0;
        while (true)
        {
            var page = await db.WebhookQuarantine.AsNoTracking().Where(p => p.Id > after).OrderBy(p => p.Id).Take(20)
                .Select(p => new { p.Id, p.Body }).ToListAsync(ct);
            if (page.Count == 0)
            {
                break;
            }

            foreach (var post in page)
            {
                if (needles.Any(n => post.Body.AsSpan().IndexOf(n) >= 0))
                {
                    doomed.Add(post.Id);
                }
            }

            after = page[^1].Id;
        }

        var deleted = 0;
        foreach (var chunk in doomed.Chunk(500))
        {
            deleted += await db.WebhookQuarantine.Where(p => chunk.Contains(p.Id)).ExecuteDeleteAsync(ct);
        }

        return deleted;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp webhook post quarantined: {Skipped} part(s) could not be read and were skipped, the rest was stored ({Size} bytes; first: {First})")]
    private static partial void LogQuarantined(ILogger logger, int skipped, int size, string first);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp webhook post with {Skipped} unreadable part(s) arrived again; it is quarantined already")]
    private static partial void LogAgain(ILogger logger, int skipped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp webhook post with {Skipped} unreadable part(s) not quarantined: the quarantine holds {Max} posts already")]
    private static partial void LogFull(ILogger logger, int skipped, int max);
}

/// <summary>What <c>kabar webhooks replay ID</c> did with a quarantined post.</summary>
public sealed record ReplayResult(bool Found, bool Removed, string Detail);

/// <summary>
/// Processes a quarantined post again through the normal intake (<see cref="WebhookPayload"/>
/// and <see cref="InboundProcessor"/>), after a fix lets Kabar read more of it. What was stored
/// the first time is not stored again (wamids, statuses and preferences are deduplicated; a
/// template event is recorded again). A post now read whole is removed from the quarantine; one
/// still holding unreadable parts stays, with the time, the outcome and the reasons of this replay.
/// </summary>
public sealed class WebhookReplay(IServiceScopeFactory scopes, WriteGate gate, TimeProvider time)
{
    public async Task<ReplayResult> ReplayAsync(long id, CancellationToken ct)
    {
        WebhookQuarantinePost? post;
        await using (var scope = scopes.CreateAsyncScope())
        {
            post = await scope.ServiceProvider.GetRequiredService<KabarDbContext>().WebhookQuarantine.AsNoTracking()
                .FirstOrDefaultAsync(p => p.Id == id, ct);
        }

        if (post is null)
        {
            return new ReplayResult(false, false, $"no quarantined webhook post has the id {id}.");
        }

        if (post.Truncated)
        {
            return new ReplayResult(true, false,
                $"post {id} was {post.Size} bytes and only its first {post.Body.Length} are kept; it cannot be replayed.");
        }

        WebhookBatch batch;
        try
        {
            using var document = JsonDocument.Parse(post.Body);
            batch = WebhookPayload.Parse(document.RootElement);
        }
        catch (JsonException)
        {
            return await KeepAsync(id, "the body is not JSON", [new SkippedPart("post", "", "not JSON")], ct);
        }

        WebhookOutcome outcome;
        using (await gate.EnterAsync(ct))
        {
            outcome = await scopes.RunWithRetryAsync((sp, t) => sp.GetRequiredService<InboundProcessor>().ProcessAsync(batch, t), ct);
        }

        var applied = string.Create(CultureInfo.InvariantCulture,
            $"{outcome.Messages} new message(s), {outcome.Duplicates} already stored, {outcome.Statuses} new status(es), {batch.UserPreferences.Count} preference(s), {batch.TemplateStatuses.Count} template event(s), {outcome.ConsentChanges} consent change(s)");
        if (batch.Skipped.Count > 0)
        {
            return await KeepAsync(id, $"{applied}; {batch.Skipped.Count} part(s) still unreadable", batch.Skipped, ct);
        }

        await scopes.RunWithRetryAsync(async (sp, t) =>
        {
            using (await gate.EnterAsync(t))
            {
                return await sp.GetRequiredService<KabarDbContext>().WebhookQuarantine.Where(p => p.Id == id).ExecuteDeleteAsync(t);
            }
        }, ct);
        return new ReplayResult(true, true, $"post {id} replayed: {applied}; removed from the quarantine.");
    }

    private async Task<ReplayResult> KeepAsync(long id, string outcome, List<SkippedPart> skipped, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var reasons = WebhookQuarantine.Reasons(skipped);
        var text = TextLimits.Cut(outcome, 400);
        await scopes.RunWithRetryAsync(async (sp, t) =>
        {
            using (await gate.EnterAsync(t))
            {
                return await sp.GetRequiredService<KabarDbContext>().WebhookQuarantine.Where(p => p.Id == id)
                    .ExecuteUpdateAsync(s => s.SetProperty(p => p.ReplayedAt, now).SetProperty(p => p.ReplayOutcome, text)
                        .SetProperty(p => p.Reasons, reasons).SetProperty(p => p.Skipped, skipped.Count), t);
            }
        }, ct);
        return new ReplayResult(true, false, $"post {id} replayed: {outcome}; it stays in the quarantine:\n{reasons}");
    }
}
