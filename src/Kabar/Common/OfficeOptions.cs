using System.ComponentModel.DataAnnotations;

namespace Kabar.Common;

/// <summary><c>Kabar:Office</c>: the office people agree to hear from. Consent texts name it (SPEC §1, §3).</summary>
public sealed class OfficeOptions
{
    public const string Section = "Kabar:Office";

    [Required, MinLength(3)]
    public string Name { get; set; } = "DPMPTSP Kabupaten Karo";
}
