namespace Kabar.GoLive;

/// <summary>
/// Meta's error as it answered it (<c>error.code</c>, <c>error_subcode</c>, the message and the
/// texts Meta writes for people), or a connection failure with no code. The token never appears.
/// </summary>
public sealed record GraphFailure(int? Code, int? Subcode, string Message, string? UserTitle = null, string? UserMessage = null)
{
    /// <summary>Meta's rate limits: application, user, page, account and Business Management API throttling.</summary>
    public bool Throttled => Code is 4 or 17 or 32 or 613 or 80007 or 80008;

    /// <summary>"code 190: Error validating access token…" and Meta's explanation for people when it gave one.</summary>
    public override string ToString()
    {
        var code = Code is { } c ? $"code {c}{(Subcode is { } s ? $"/{s}" : "")}: " : "";
        var user = string.IsNullOrWhiteSpace(UserMessage) ? "" : $" ({(string.IsNullOrWhiteSpace(UserTitle) ? "" : UserTitle + ": ")}{UserMessage})";
        return code + Message + user;
    }
}
