using System.Text.Json.Serialization;

namespace Kabar.Consent;

/// <summary>The current consent state of one scope: the latest event wins (SPEC §3).</summary>
public enum ConsentState
{
    [JsonStringEnumMemberName("unknown")] Unknown,
    [JsonStringEnumMemberName("granted")] Granted,
    [JsonStringEnumMemberName("withdrawn")] Withdrawn,
}
