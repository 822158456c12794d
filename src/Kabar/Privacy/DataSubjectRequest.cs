using System.Text.Json.Serialization;

namespace Kabar.Privacy;

/// <summary>The rights of a data subject Kabar answers (UU 27/2022 PDP Art. 6, 7, 8).</summary>
public enum DataSubjectRequestKind
{
    /// <summary>A copy of everything Kabar holds on the person (Art. 7).</summary>
    [JsonStringEnumMemberName("access")] Access,

    /// <summary>Correction of the person's details (Art. 6).</summary>
    [JsonStringEnumMemberName("rectification")] Rectification,

    /// <summary>Erasure of the person's data (Art. 8, 43).</summary>
    [JsonStringEnumMemberName("erasure")] Erasure,
}

/// <summary>How a request was answered.</summary>
public enum DataSubjectRequestOutcome
{
    [JsonStringEnumMemberName("fulfilled")] Fulfilled,

    /// <summary>Nothing needed doing: the details were already so, or the contact was already erased.</summary>
    [JsonStringEnumMemberName("no_change")] NoChange,

    [JsonStringEnumMemberName("refused")] Refused,
}

/// <summary>
/// One data subject request and its answer: the controller's record of processing (UU PDP
/// Art. 31) for the rights of Art. 6–8. Append-only: a row is written once, when the request is
/// answered, and never changed; it holds no personal data beyond the contact's internal id, so it
/// survives the erasure it records.
/// </summary>
public sealed class DataSubjectRequest
{
    public Guid Id { get; set; }
    public Guid ContactId { get; set; }
    public DataSubjectRequestKind Kind { get; set; }

    /// <summary>Who asked Kabar: <c>api:{key name}</c> or <c>operator:{e-mail}</c>.</summary>
    public string RequestedBy { get; set; } = "";

    /// <summary>The office's own case number for the request (a letter, a ticket), when given.</summary>
    public string? Reference { get; set; }

    /// <summary>When the person's request reached the office; defaults to when Kabar was asked.</summary>
    public DateTime ReceivedAt { get; set; }

    public DateTime AnsweredAt { get; set; }
    public DataSubjectRequestOutcome Outcome { get; set; }

    /// <summary>What was done, in words without personal data (which fields changed, how many rows were erased).</summary>
    public string? Detail { get; set; }
}
