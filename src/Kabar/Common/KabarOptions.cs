using System.ComponentModel.DataAnnotations;

namespace Kabar.Common;

/// <summary><c>Kabar</c>: settings that belong to no one feature.</summary>
public sealed class KabarOptions
{
    public const string Section = "Kabar";

    /// <summary>Where citizens reach Kabar; opt-in and opt-out links start with it.</summary>
    [Required, Url]
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>
    /// The folder Kabar writes to (the SQLite file, the e-mail outbox, exports); a relative path is
    /// under the application's folder. See <see cref="DataFolder"/>.
    /// </summary>
    public string DataPath { get; set; } = DataFolder.DefaultName;
}
