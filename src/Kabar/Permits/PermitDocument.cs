using System.Text.Json.Serialization;

namespace Kabar.Permits;

/// <summary>Who must act on a document: staff sign, an official approves (SPEC §5 <c>document_pending</c>, <c>approval_required</c>).</summary>
public enum AssigneeRole
{
    [JsonStringEnumMemberName("staff")] Staff,
    [JsonStringEnumMemberName("official")] Official,
}

/// <summary>A document of a permit waiting for a staff member's signature or an official's approval.</summary>
public sealed class PermitDocument
{
    public Guid Id { get; set; }
    public Guid PermitId { get; set; }

    /// <summary>The document's name, unique within its permit (<c>SK Izin Usaha</c>).</summary>
    public string Name { get; set; } = "";

    public Guid AssigneeContactId { get; set; }
    public AssigneeRole Role { get; set; }

    /// <summary>Since when the document waits; staff are reminded once it waits over a day.</summary>
    public DateTime PendingSince { get; set; }

    /// <summary>Signed or approved, or no longer listed by the permit system: nothing more to remind.</summary>
    public DateTime? DoneAt { get; set; }
}
