namespace Kabar.Admin;

/// <summary>
/// A person who signs in to the operator console (<c>/admin</c>): an e-mail, a password hash
/// (ASP.NET Core Identity's PBKDF2 hasher), a role, and optionally a TOTP second factor.
/// </summary>
public sealed class ConsoleUser
{
    public Guid Id { get; set; }

    /// <summary>Lowercase; the sign-in name.</summary>
    public string Email { get; set; } = "";

    public string PasswordHash { get; set; } = "";

    /// <summary><see cref="OperatorRoles.Admin"/>, <see cref="OperatorRoles.Operator"/> or <see cref="OperatorRoles.Viewer"/>.</summary>
    public string Role { get; set; } = OperatorRoles.Viewer;

    /// <summary>The TOTP key, encrypted with ASP.NET Core Data Protection; null until the person enrols.</summary>
    public string? TotpSecret { get; set; }

    public bool TotpEnabled { get; set; }

    /// <summary>The last TOTP time step accepted: a code works once.</summary>
    public long? TotpLastStep { get; set; }

    /// <summary>
    /// Unused: failed sign-ins are counted per client address in <see cref="SignInThrottle"/>. Kept so
    /// that the schema only grows, and a 1.0.0 instance still runs on it during a rolling upgrade.
    /// </summary>
    public int FailedSignIns { get; set; }

    /// <summary>Unused, like <see cref="FailedSignIns"/>.</summary>
    public DateTime? LockedUntil { get; set; }

    /// <summary>Changes when the password, role or second factor changes: older sessions end.</summary>
    public string SecurityStamp { get; set; } = "";

    public DateTime CreatedAt { get; set; }
    public DateTime? LastSignInAt { get; set; }
    public DateTime? DisabledAt { get; set; }
}

public static class OperatorRoles
{
    /// <summary>Everything, including people and the two-factor rule.</summary>
    public const string Admin = "admin";

    /// <summary>Reads everything; records consent, resumes numbers, runs jobs.</summary>
    public const string Operator = "operator";

    /// <summary>Reads only.</summary>
    public const string Viewer = "viewer";

    public static readonly string[] All = [Admin, Operator, Viewer];
}
