using System.ComponentModel.DataAnnotations;

namespace Kabar.Permits;

/// <summary><c>Kabar:Permits</c>: expiry reminders and staff reminders (SPEC §9).</summary>
public sealed class PermitOptions
{
    public const string Section = "Kabar:Permits";

    /// <summary>Days before expiry at which the holder is reminded, each at most once per permit.</summary>
    [MinLength(1)]
    public int[] ExpiryReminderDays { get; set; } = [90, 60, 30, 7, 1];

    /// <summary>Where holders can ask questions (the <c>office_contact</c> of <c>permit_expiry_warning</c>).</summary>
    [Required, MinLength(3)]
    public string OfficeContact { get; set; } = "WhatsApp 0812-0000-0000 / dpmptsp@karokab.go.id";

    /// <summary>A document waiting for signature longer than this is reminded to its staff member, once a working day.</summary>
    [Range(typeof(TimeSpan), "00:10:00", "30.00:00:00")]
    public TimeSpan DocumentReminderAfter { get; set; } = TimeSpan.FromHours(24);
}

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
