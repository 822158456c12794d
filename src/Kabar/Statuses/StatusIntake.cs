using System.Data.Common;
using System.Diagnostics;
using System.IO.Compression;
using System.Threading.Channels;
using Kabar.Common;
using Kabar.Data;
using Kabar.WhatsApp;

namespace Kabar.Statuses;

/// <summary>
/// Stores webhook posts that carry statuses and nothing else (most of Meta's traffic: sent,
/// delivered and read for every message), with group commit: posts that arrive while a commit is
/// under way wait for the next one, and that one stores all of them in one transaction and one
/// write turn (<see cref="InboxWriter"/>). A post of one status (Meta's usual shape) is stored
/// as its status row, read at the door; a larger post as it came, one row in the webhook inbox,
/// compressed without loss (the one writer commits a fifth of the bytes; a one-status post whose
/// status cannot be read is kept as it is, <see cref="OneStatusAsItCame"/>). Each post gets its
/// 200 only after it is committed; a failed commit fails every post in it, and Meta delivers them
/// again. Expanding an inbox post into its status rows (<see cref="StatusExpander"/>) and
/// applying the rows (<see cref="StatusApplier"/>) are the <see cref="StatusWorker"/>'s job,
/// after the acknowledgement; while posts keep arriving the worker gives way for a moment
/// (<see cref="GiveWayAsync"/>), so a burst is acknowledged first and applied right after.
/// </summary>
internal sealed partial class StatusIntake(
    IServiceScopeFactory scopes,
    WriteGate gate,
    CrashPoints crash,
    ILogger<StatusIntake> logger) : BackgroundService
{
    /// <summary>One commit takes posts until they hold this many statuses (Meta posts up to 1,000 at once).</summary>
    public const int MaxStatusesPerCommit = 2_000;

    /// <summary>The intake counts as busy while posts wait for their commit and for this long after the last is answered.</summary>
    public static readonly TimeSpan BusyFor = TimeSpan.FromMilliseconds(20);

    /// <summary>The longest the status worker gives way to a burst before it works beside it.</summary>
    public static readonly TimeSpan MaxGiveWay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A post of one status (Meta's usual shape, a few hundred bytes) up to this size is stored
    /// as it came: there, setting up the compressor and, at expansion, the decompressor cost
    /// more processor time than the smaller write saves. Larger posts are compressed.
    /// </summary>
    public const int OneStatusAsItCame = 4_096;

    /// <summary>How many times a group's commit is tried, each on a new connection, before its posts are answered with an error.</summary>
    private const int CommitAttempts = 5;

    private readonly Channel<Post> queue = Channel.CreateUnbounded<Post>(new UnboundedChannelOptions { SingleReader = true });
    private long lastPost; // a Stopwatch timestamp; 0 is long ago
    private InboxWriter? writer; // the commit loop's alone
    private int waiting;

    /// <summary>
    /// Stores a status-only post's raw body; returns once it is committed. A post of several
    /// statuses is compressed here, on the request's own thread, so that the commit, which all
    /// posts wait for in turn, writes a fifth of the bytes.
    /// </summary>
    public Task StoreAsync(byte[] body, int statuses, DateTime receivedAt, CancellationToken ct)
    {
        var asItCame = statuses == 1 && body.Length <= OneStatusAsItCame;
        return CommittedAsync(new Post(new WebhookInboxPost
        {
            Body = asItCame ? body : Compress(body),
            BodyEncoding = asItCame ? null : WebhookInboxPost.Zlib,
            Statuses = statuses,
            ReceivedAt = receivedAt,
        }, null), ct);
    }

    /// <summary>
    /// Stores the one status of a post (Meta's usual shape), read at the door, as its status row;
    /// returns once it is committed. Meta delivering it again changes nothing.
    /// </summary>
    public Task StoreAsync(WhatsAppStatusEvent status, CancellationToken ct) => CommittedAsync(new Post(null, status), ct);

    private async Task CommittedAsync(Post post, CancellationToken ct)
    {
        Interlocked.Increment(ref waiting);
        try
        {
            if (!queue.Writer.TryWrite(post))
            {
                throw new OperationCanceledException("Kabar is stopping; the webhook was not stored.");
            }

            await post.Done.Task.WaitAsync(ct);
        }
        finally
        {
            Interlocked.Decrement(ref waiting);
            Volatile.Write(ref lastPost, Stopwatch.GetTimestamp());
        }
    }

    /// <summary>The body of a stored post exactly as Meta posted and signed it.</summary>
    public static byte[] RawBody(WebhookInboxPost post)
    {
        switch (post.BodyEncoding)
        {
            case null:
                return post.Body;
            case WebhookInboxPost.Zlib:
                using (var zlib = new ZLibStream(new MemoryStream(post.Body), CompressionMode.Decompress))
                {
                    var raw = new MemoryStream(post.Body.Length * 6);
                    zlib.CopyTo(raw);
                    return raw.ToArray();
                }

            default:
                throw new FormatException($"Unknown webhook body encoding '{post.BodyEncoding}'.");
        }
    }

    private static byte[] Compress(byte[] body)
    {
        // Status JSON repeats its keys and values; the fastest level already keeps about a fifth.
        var packed = new MemoryStream(body.Length / 3);
        using (var zlib = new ZLibStream(packed, CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(body);
        }

        return packed.ToArray();
    }

    /// <summary>Whether posts are waiting for their commit or one was answered within <see cref="BusyFor"/>.</summary>
    internal bool Busy => Volatile.Read(ref waiting) > 0 || Stopwatch.GetElapsedTime(Volatile.Read(ref lastPost)) < BusyFor;

    /// <summary>
    /// Waits while status posts keep arriving (<see cref="Busy"/>), at most
    /// <see cref="MaxGiveWay"/>: on two cores, expanding and applying beside a burst takes the
    /// CPU the acknowledgements need, and Meta times those. The worker calls this once per
    /// wake-up and then works until nothing is left, so a steady stream delays applying by at
    /// most a second and never starves it.
    /// </summary>
    public async Task GiveWayAsync(CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        while (Busy && Stopwatch.GetElapsedTime(start) < MaxGiveWay)
        {
            await Task.Delay(10, ct);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var group = new List<Post>();
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                group.Clear();
                var statuses = 0;
                while (statuses < MaxStatusesPerCommit && queue.Reader.TryRead(out var post))
                {
                    group.Add(post);
                    statuses += post.Statuses;
                }

                await CommitAsync(group, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            queue.Writer.TryComplete();
            foreach (var post in group)
            {
                post.Done.TrySetCanceled(stoppingToken);
            }

            while (queue.Reader.TryRead(out var left))
            {
                left.Done.TrySetCanceled(stoppingToken);
            }

            await CloseWriterAsync();
        }
    }

    private async Task CommitAsync(List<Post> group, CancellationToken ct)
    {
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    writer ??= await InboxWriter.OpenAsync(scopes, ct);
                    using (await gate.EnterAsync(ct))
                    {
                        await writer.InsertAsync(group, ct);
                    }

                    break;
                }
                catch (Exception ex) when (attempt < CommitAttempts && (ex is not OperationCanceledException || !ct.IsCancellationRequested))
                {
                    // The connection may be what failed (the database restarted, a busy SQLite
                    // file): try again on a new one. Should the failure have hidden a commit that
                    // did happen, the posts are stored twice, and the expansion stores each
                    // (wamid, status) once.
                    await CloseWriterAsync();
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25) * attempt), ct);
                }
            }

            crash.Hit(CrashPoints.WebhookIntake); // stored, not yet answered: Meta delivers the posts again
            foreach (var post in group)
            {
                post.Done.TrySetResult();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            await CloseWriterAsync();
            LogCommitFailed(ex, group.Count);
            foreach (var post in group)
            {
                post.Done.TrySetException(ex);
            }
        }
    }

    private async Task CloseWriterAsync()
    {
        if (writer is { } open)
        {
            writer = null;
            try
            {
                await open.DisposeAsync();
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException or IOException)
            {
                // Closing a connection that is already broken; the next commit opens a new one.
            }
        }
    }

    /// <summary>A post waiting for its commit.</summary>
    internal sealed record Post(WebhookInboxPost? Row, WhatsAppStatusEvent? Status)
    {
        public int Statuses => Row?.Statuses ?? 1;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Storing {Posts} status webhook post(s) failed; they are answered with an error and Meta delivers them again")]
    private partial void LogCommitFailed(Exception ex, int posts);
}
