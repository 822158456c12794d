using System.Text.Json.Nodes;

namespace Kabar.Simulator;

/// <summary>A Graph API error the simulator answers with.</summary>
internal sealed record GraphError(int Code, int HttpStatus, string Message, string? Details, TimeSpan? RetryAfter = null)
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
