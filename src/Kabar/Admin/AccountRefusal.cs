namespace Kabar.Admin;

/// <summary>Why a change to a console account was refused (docs/console.md, "Accounts").</summary>
public enum AccountRefusal
{
    BadEmail,
    Exists,
    BadRole,
    NotFound,

    /// <summary>An admin cannot disable, demote or reset themselves: another admin does it.</summary>
    Self,

    /// <summary>The change would leave the console without an active admin.</summary>
    LastAdmin,
    WrongPassword,
    WeakPassword,
    Mismatch,
}
