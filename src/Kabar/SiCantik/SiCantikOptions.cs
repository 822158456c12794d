using System.ComponentModel.DataAnnotations;

namespace Kabar.SiCantik;

/// <summary>
/// <c>Kabar:SiCantik</c>: the connector that reads permits from the office's SiCantik back office
/// (docs/sicantik.md). It only reads (GET); it never writes to SiCantik.
/// </summary>
internal sealed class SiCantikOptions
{
    public const string Section = "Kabar:SiCantik";

    /// <summary>
    /// The API's base address, e.g. <c>https://perizinan.karokab.go.id/backoffice/api</c>. Empty: off,
    /// except in sandbox mode, where the built-in SiCantik simulator is read.
    /// </summary>
    public string? BaseUrl { get; set; }

    /// <summary>Rows asked for per list page.</summary>
    [Range(1, 1000)]
    public int PageSize { get; set; } = 50;

    /// <summary>The most requests a second the connector makes (the office's notes ask for at most 10).</summary>
    [Range(0.1, 1000.0)]
    public double RequestsPerSecond { get; set; } = 5;

    /// <summary>How long one request may take before it counts as failed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the step of an application still in process is read again; <c>00:00:00</c>: every sync.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan StepRefresh { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often an issued permit's detail (expiry date, phone) is read again.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan ExpiryRefresh { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Kabar's permit status per SiCantik step id (<c>trstspermohonan_id</c>), read from
    /// <c>Kabar:SiCantik:StepStatus:{id}</c>: <c>submitted</c>, <c>in_review</c>, <c>needs_documents</c>
    /// or <c>rejected</c>. An application in process at a step not listed is <c>in_review</c>, and the
    /// step is reported as unmapped.
    /// </summary>
    public Dictionary<string, string> StepStatus { get; set; } = new(StringComparer.Ordinal);
}
