using System.Security.Cryptography;
using System.Text;
using Kabar.Common;
using Kabar.Data;
using Microsoft.EntityFrameworkCore;

namespace Kabar.WhatsApp;

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
