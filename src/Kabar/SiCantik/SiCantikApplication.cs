namespace Kabar.SiCantik;

/// <summary>
/// What Kabar last read of one SiCantik application (<c>pendaftaran_id</c>): the list it was in, a
/// fingerprint of its list fields, its step, when its detail is next due, and the Kabar permit it
/// became. A permit needs a phone to reach its holder: an application without a usable one is kept
/// here, with the applicant's name, so staff can fix the number in SiCantik (docs/sicantik.md).
/// </summary>
public sealed class SiCantikApplication
{
    /// <summary><c>pendaftaran_id</c>, SiCantik's key from submission to issue.</summary>
    public string RegistrationId { get; set; } = "";

    /// <summary><c>proses</c> or <c>terbit</c>: the list it was last seen in.</summary>
    public string List { get; set; } = "";

    /// <summary>A hash of the list fields (list, applicant, permit type, permit number) and the step.</summary>
    public string Fingerprint { get; set; } = "";

    public string PermitType { get; set; } = "";
    public string? PermitNumber { get; set; }

    /// <summary><c>trstspermohonan_id</c> and <c>n_sts_permohonan</c> of the current step, for an application in process.</summary>
    public string? StepId { get; set; }

    public string? StepName { get; set; }

    /// <summary>The current step has no <c>Kabar:SiCantik:StepStatus</c> mapping.</summary>
    public bool StepUnmapped { get; set; }

    /// <summary>Why the phone could not be used (none, a landline, not a number); null when it could.</summary>
    public string? PhoneProblem { get; set; }

    /// <summary>The applicant's name, kept only while the phone cannot be used, for staff to find the application.</summary>
    public string? ApplicantName { get; set; }

    /// <summary>The Kabar permit (<c>externalRef</c> = <see cref="RegistrationId"/>), once it has a holder.</summary>
    public Guid? PermitId { get; set; }

    /// <summary>When the step (in process) or the detail with the expiry date (issued) is next read.</summary>
    public DateTime? DetailDueAt { get; set; }

    /// <summary>First seen during the backfill but not yet read: its first reading sends no notices either.</summary>
    public bool Quiet { get; set; }

    public DateTime FirstSeenAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
