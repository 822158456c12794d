using System.Text.Json;

namespace Kabar.GoLive;

/// <summary>One Graph API answer: the JSON body on success, else <see cref="Error"/>.</summary>
public sealed record GraphAnswer(JsonElement Body, GraphFailure? Error)
{
    public bool Ok => Error is null;
}
