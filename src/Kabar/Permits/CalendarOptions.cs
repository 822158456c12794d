using System.ComponentModel.DataAnnotations;

namespace Kabar.Permits;

/// <summary>
/// <c>Kabar:Calendar</c>: the office's working time in <c>Kabar:Policy:TimeZone</c> (WIB by default).
/// Reminders are placed in office hours on working days: not on weekends, public holidays or
/// collective leave days (cuti bersama) listed in the yearly files under <see cref="Path"/>.
/// </summary>
public sealed class CalendarOptions
{
    public const string Section = "Kabar:Calendar";

    public TimeOnly OfficeOpens { get; set; } = new(8, 0);
    public TimeOnly OfficeCloses { get; set; } = new(16, 0);

    /// <summary>A folder of <c>YYYY.csv</c> files (<c>date,kind,name</c>); relative paths start at the content root.</summary>
    [Required]
    public string Path { get; set; } = "calendar";
}
