using System.ComponentModel.DataAnnotations;

namespace Kabar.Transfers;

/// <summary><c>Kabar:Exports</c>.</summary>
public sealed class ExportOptions
{
    public const string Section = "Kabar:Exports";

    /// <summary>
    /// The office's export signing key as a PEM ECDSA P-256 private key. When empty, Kabar generates
    /// one once and keeps it in its database, encrypted with ASP.NET Core Data Protection.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// Where <c>kabar export</c> writes when <c>--out</c> is left out; a relative path is under the
    /// data folder (<c>Kabar:DataPath</c>).
    /// </summary>
    [Required]
    public string Path { get; set; } = "exports";
}
