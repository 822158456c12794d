using System.ComponentModel.DataAnnotations;

namespace Kabar.Web;

/// <summary><c>Kabar:Citizens</c>: the public pages — registration form, opt-in and opt-out links.</summary>
public sealed class CitizenOptions
{
    public const string Section = "Kabar:Citizens";

    /// <summary>The permit types the registration form offers.</summary>
    public string[] PermitTypes { get; set; } = [];

    public IReadOnlyList<string> EffectivePermitTypes => PermitTypes.Length > 0 ? PermitTypes : DefaultPermitTypes;

    public static readonly string[] DefaultPermitTypes =
    [
        "Persetujuan Bangunan Gedung (PBG)",
        "Sertifikat Laik Fungsi (SLF)",
        "Izin Usaha Mikro dan Kecil (IUMK)",
        "Surat Izin Praktik Tenaga Kesehatan",
        "Izin Reklame",
        "Izin Lainnya",
    ];

    /// <summary>
    /// Acknowledgements sent for one number within 24 hours; later submissions are recorded but
    /// send nothing (SMS pumping sends many registrations for numbers that are not the sender's).
    /// </summary>
    [Range(1, 100)]
    public int AcknowledgementsPerNumberPerDay { get; set; } = 3;

    /// <summary>Form submissions (POST) one IP address may make per window.</summary>
    [Range(1, 100_000)]
    public int FormPostsPerIp { get; set; } = 20;

    /// <summary>Requests to link pages (opt-in, opt-out) one IP address may make per window.</summary>
    [Range(1, 100_000)]
    public int LinkRequestsPerIp { get; set; } = 60;

    /// <summary>The window of both per-IP limits. Many phones share one address behind a carrier's NAT: keep them generous.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RateWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The office's public site, linked from the status page.</summary>
    [Url]
    public string? OfficeWebsite { get; set; }

    /// <summary>How long a registration's status link (the acknowledgement's "Rincian") shows the application.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan StatusLinkLifetime { get; set; } = TimeSpan.FromDays(365);
}
