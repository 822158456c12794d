using System.ComponentModel.DataAnnotations;

namespace Kabar.Admin;

/// <summary><c>Kabar:Admin</c>: the operator console's sign-in rules.</summary>
public sealed class AdminOptions
{
    public const string Section = "Kabar:Admin";

    /// <summary>Failed sign-ins (password or code) in a row that lock an account.</summary>
    [Range(1, 100)]
    public int LockoutThreshold { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a session lasts without use.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan SessionIdle { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Every operator must use a second factor; an admin can also switch this on in the console.</summary>
    public bool RequireTwoFactor { get; set; }

    /// <summary>
    /// Sign-in cookies carry the <c>__Host-</c> prefix and <c>Secure</c>. Browsers accept them on
    /// HTTPS and on loopback addresses; turn this off only to reach a console over plain HTTP on
    /// another machine, which is not safe.
    /// </summary>
    public bool SecureCookies { get; set; } = true;
}
