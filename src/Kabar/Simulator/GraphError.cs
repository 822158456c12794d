using System.Text.Json.Nodes;

namespace Kabar.Simulator;

/// <summary>A Graph API error the simulator answers with.</summary>
internal sealed record GraphError(int Code, int HttpStatus, string Message, string? Details, TimeSpan? RetryAfter = null)
{
    public int? Subcode { get; init; }

    /// <summary><c>OAuthException</c>, or <c>GraphMethodException</c> for an object that cannot be read.</summary>
    public string Type { get; init; } = "OAuthException";

    /// <summary>What WhatsApp Manager would show: Meta's <c>error_user_title</c> and <c>error_user_msg</c>.</summary>
    public string? UserTitle { get; init; }

    public string? UserMessage { get; init; }

    /// <summary>Cloud API (messaging) errors carry <c>error_data</c>; management errors of the Graph API do not.</summary>
    public bool MessagingData { get; init; } = true;

    public JsonObject ToJson(string fbtraceId)
    {
        var error = new JsonObject
        {
            ["message"] = Message,
            ["type"] = Type,
            ["code"] = Code,
        };
        if (Subcode is { } subcode)
        {
            error["error_subcode"] = subcode;
        }

        if (UserTitle is not null)
        {
            error["is_transient"] = false;
            error["error_user_title"] = UserTitle;
            error["error_user_msg"] = UserMessage ?? UserTitle;
        }

        if (MessagingData)
        {
            error["error_data"] = new JsonObject { ["messaging_product"] = "whatsapp", ["details"] = Details ?? Message };
        }

        error["fbtrace_id"] = fbtraceId;
        return new JsonObject { ["error"] = error };
    }
}
