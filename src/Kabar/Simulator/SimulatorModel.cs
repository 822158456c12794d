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

/// <summary><c>POST _control/faults</c>: the next matching sends fail with <see cref="Code"/>.</summary>
/// <param name="To">E.164; null matches every recipient.</param>
/// <param name="Code">The Graph error code to answer or report.</param>
/// <param name="Mode"><c>sync</c> (Graph error), <c>status</c> (accepted, then a failed status) or <c>hang</c> (accepted, connection aborted).</param>
/// <param name="Times">How many sends it applies to.</param>
/// <param name="RetryAfterSeconds">A Retry-After header on a sync error.</param>
public sealed record FaultRequest(string? To, int Code, string Mode = "sync", int Times = 1, int? RetryAfterSeconds = null);

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
public sealed record SimSendResult(GraphError? Error, SimMessage? Message, bool Hang = false);
