using System.Text.Json.Nodes;

namespace Kabar.Simulator;

/// <summary>A template as the simulator's WABA holds it.</summary>
public sealed class SimTemplate
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Language { get; init; }
    public required string Category { get; init; }
    public string ParameterFormat { get; init; } = "POSITIONAL";
    public required string BodyText { get; init; }
    public required int ParameterCount { get; init; }

    /// <summary>APPROVED, PAUSED, DISABLED, PENDING, REJECTED…; changed through the control API.</summary>
    public string Status { get; set; } = "APPROVED";
}

/// <summary>One status the simulator posted (or lost) for a message.</summary>
public sealed record SimStatus(string Status, DateTimeOffset At, int? ErrorCode, bool Lost, bool Duplicate);

/// <summary>One accepted send, as the control API shows it.</summary>
public sealed class SimMessage
{
    private readonly List<SimStatus> statuses = [];

    public required string Id { get; init; }
    public required string PhoneNumberId { get; init; }
    public string? To { get; init; }
    public string? RecipientUserId { get; init; }
    public required string Type { get; init; }
    public string? TemplateName { get; init; }
    public string? TemplateLanguage { get; init; }
    public IReadOnlyList<string> Parameters { get; init; } = [];
    public string? Text { get; init; }
    public string? CallbackData { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }

    public IReadOnlyList<SimStatus> Statuses
    {
        get
        {
            lock (statuses)
            {
                return statuses.ToArray();
            }
        }
    }

    internal void Record(SimStatus status)
    {
        lock (statuses)
        {
            statuses.Add(status);
        }
    }
}

/// <summary><c>POST _control/faults</c>: matching sends fail with <see cref="Code"/>, are slowed or go unanswered.</summary>
/// <param name="To">E.164; null matches every recipient.</param>
/// <param name="Code">The Graph error code to answer or report.</param>
/// <param name="Mode">
/// <c>sync</c> (Graph error), <c>status</c> (accepted, then a failed status), <c>hang</c> (accepted,
/// connection aborted), <c>timeout</c> (not taken, no answer until the client gives up) or
/// <c>slow</c> (accepted, answered after <see cref="DelayMs"/>).
/// </param>
/// <param name="Times">How many sends it applies to (when <see cref="ForSeconds"/> is not set).</param>
/// <param name="RetryAfterSeconds">A Retry-After header on a sync error.</param>
/// <param name="ForSeconds">Applies to every matching send for this long from now (an outage), instead of <see cref="Times"/>.</param>
/// <param name="Share">The share (0–1] of matching sends it applies to, drawn at random; the rest pass on to later faults or succeed.</param>
/// <param name="DelayMs">How long the answer takes (<c>sync</c>, <c>slow</c>) or how long an unanswered request is held at most (<c>timeout</c>).</param>
public sealed record FaultRequest(string? To, int Code, string Mode = "sync", int Times = 1, int? RetryAfterSeconds = null,
    double? ForSeconds = null, double? Share = null, int? DelayMs = null)
{
    public static readonly string[] Modes = ["sync", "status", "hang", "timeout", "slow"];

    /// <summary>What is wrong with the request, or null.</summary>
    public string? Problem() =>
        !Modes.Contains(Mode) ? $"mode must be one of {string.Join(", ", Modes)}."
        : ForSeconds is <= 0 or > 86_400 ? "forSeconds must be more than 0 and at most 86400."
        : Share is <= 0 or > 1 ? "share must be more than 0 and at most 1."
        : DelayMs is < 0 or > 600_000 ? "delayMs must be from 0 to 600000."
        : RetryAfterSeconds is < 0 ? "retryAfterSeconds must not be negative."
        : null;
}

/// <summary>One send a fault applied to: when it arrived, and which fault.</summary>
public sealed record SimFaultHit(DateTimeOffset At, int Code, string Mode, string? To);

/// <summary><c>POST _control/inbound</c>: a citizen writes to the business.</summary>
public sealed record InboundRequest(string From, string Text, string? Name = null, string? PhoneNumberId = null);

public sealed record InboundResponse(string Id);

/// <summary>One message a citizen wrote through the simulator: <see cref="From"/> is digits, as WhatsApp ids are.</summary>
public sealed record SimInbound(string Id, string From, string Text, DateTimeOffset At);

public sealed record TemplateStatusRequest(string Status);

public sealed record SimTemplateView(string Name, string Language, IReadOnlyList<string> Parameters);

public sealed record SimMessageView(
    string Id,
    string PhoneNumberId,
    string? To,
    string? RecipientUserId,
    string Type,
    SimTemplateView? Template,
    string? Text,
    string? CallbackData,
    DateTimeOffset ReceivedAt,
    IReadOnlyList<SimStatus> Statuses)
{
    public static SimMessageView From(SimMessage m) => new(m.Id, m.PhoneNumberId, m.To, m.RecipientUserId, m.Type,
        m.TemplateName is null ? null : new SimTemplateView(m.TemplateName, m.TemplateLanguage ?? "", m.Parameters),
        m.Text, m.CallbackData, m.ReceivedAt, m.Statuses);
}

/// <summary><c>GET _control/stats</c>.</summary>
public sealed record SimulatorStats(
    long Accepted,
    IReadOnlyDictionary<string, long> RefusedByCode,
    IReadOnlyDictionary<string, int> MaxAcceptedPerSecond,
    long DuplicateCallbackData,
    long WebhookPosts,
    long WebhookPostsRefused,
    long WebhookPostsAbandoned);

/// <summary>A Graph API error the simulator answers with.</summary>
public sealed record GraphError(int Code, int HttpStatus, string Message, string? Details, TimeSpan? RetryAfter = null)
{
    public JsonObject ToJson(string fbtraceId) => new()
    {
        ["error"] = new JsonObject
        {
            ["message"] = Message,
            ["type"] = "OAuthException",
            ["code"] = Code,
            ["error_data"] = new JsonObject { ["messaging_product"] = "whatsapp", ["details"] = Details ?? Message },
            ["fbtrace_id"] = fbtraceId,
        },
    };
}

/// <summary>What became of a send: an error, or an accepted message (and whether to hang up on the client).</summary>
/// <summary>
/// What a send gets: an error or the accepted message; <see cref="Hang"/> drops the connection after
/// taking it, <see cref="Unanswered"/> holds the request without taking it, <see cref="Delay"/> slows the answer.
/// </summary>
public sealed record SimSendResult(GraphError? Error, SimMessage? Message, bool Hang = false, bool Unanswered = false,
    TimeSpan Delay = default);
