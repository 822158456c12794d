namespace Kabar.Channels;

/// <summary>One SMS the simulator took.</summary>
public sealed record SimulatedSms(string Id, string To, string Text, string Reference, DateTime At);

/// <summary>
/// The sandbox's SMS network (SPEC §7): keeps every SMS sent while <c>Kabar:Sms:Provider</c> is
/// <c>Simulator</c> so the sandbox page and tests can read a number's inbox, and can be told to
/// refuse the next send to a number.
/// </summary>
public sealed class SmsSimulator(TimeProvider time)
{
    // The sandbox runs for days; an unbounded list would grow without end.
    private const int Capacity = 10_000;

    private readonly Lock gate = new();
    private readonly List<SimulatedSms> received = [];
    private readonly Dictionary<string, bool> failNext = new(StringComparer.Ordinal);

    /// <summary>What reached <paramref name="to"/> (every SMS when null), oldest first.</summary>
    public IReadOnlyList<SimulatedSms> Received(string? to = null)
    {
        lock (gate)
        {
            return to is null ? [.. received] : [.. received.Where(m => m.To == to)];
        }
    }

    /// <summary>Forgets every SMS sent to <paramref name="to"/>: the person's data was erased.</summary>
    public void Forget(string to)
    {
        lock (gate)
        {
            received.RemoveAll(m => m.To == to);
            failNext.Remove(to);
        }
    }

    /// <summary>The next send to <paramref name="to"/> fails (once), retryable or not.</summary>
    public void FailNext(string to, bool retryable)
    {
        lock (gate)
        {
            failNext[to] = retryable;
        }
    }

    internal ChannelSendResult Take(SmsMessage message)
    {
        lock (gate)
        {
            if (failNext.Remove(message.To, out var retryable))
            {
                return new ChannelSendResult(SendOutcome.Failed, Error: "simulated failure", Retryable: retryable);
            }

            var sms = new SimulatedSms($"sim-{Guid.NewGuid():N}", message.To, message.Text, message.Reference, time.GetUtcNow().UtcDateTime);
            if (received.Count >= Capacity)
            {
                received.RemoveAt(0);
            }

            received.Add(sms);
            return ChannelSendResult.Accepted(sms.Id);
        }
    }
}
