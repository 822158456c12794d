namespace Kabar.Channels;

/// <summary>The answer of an SMS or e-mail provider.</summary>
/// <param name="Outcome">Accepted, failed or unknown.</param>
/// <param name="ProviderMessageId">The provider's id for the message, when it gave one.</param>
/// <param name="Error">A short reason when it failed, without personal data.</param>
/// <param name="Retryable">Whether the same request may succeed later (5xx, 429, connection refused).</param>
public sealed record ChannelSendResult(SendOutcome Outcome, string? ProviderMessageId = null, string? Error = null, bool Retryable = false)
{
    public static ChannelSendResult Accepted(string? providerMessageId) => new(SendOutcome.Accepted, providerMessageId);
}
