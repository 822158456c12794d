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
