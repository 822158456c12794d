using System.Security.Cryptography;
using System.Text;

namespace Kabar.SiCantik;

/// <summary>An application as a list row shows it, and the fingerprint of those fields.</summary>
internal sealed record ListedApplication(string RegistrationId, string List, string? Applicant, string PermitType, string? PermitNumber)
{
    public const string IssuedList = "terbit";
    public const string InProcessList = "proses";

    public bool IsIssued => List == IssuedList;

    /// <summary>A hash of the list fields: a change in any of them means the detail is read again.</summary>
    public string Fingerprint { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        string.Join('\u001f', List, Applicant ?? "", PermitType, PermitNumber ?? ""))))[..32];

    public static ListedApplication From(string id, string list, Dictionary<string, string?> row) => new(
        id,
        list,
        Field(row, "n_pemohon"),
        Field(row, "n_perizinan") ?? "",
        list == IssuedList ? Field(row, "no_surat") : null);

    public static string? Field(Dictionary<string, string?> row, string name) =>
        row.GetValueOrDefault(name)?.Trim() is { Length: > 0 } value ? value : null;
}
