namespace Kabar.Admin;

/// <summary>What a change did: a refusal, or the account and, when one was generated, its password (shown once).</summary>
public sealed record AccountResult(AccountRefusal? Refusal, ConsoleUser? User = null, string? Password = null, string? PasswordProblem = null)
{
    public bool Done => Refusal is null;

    public static AccountResult Refused(AccountRefusal why, string? passwordProblem = null) => new(why, PasswordProblem: passwordProblem);
}
