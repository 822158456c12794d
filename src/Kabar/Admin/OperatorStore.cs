using System.Security.Cryptography;
using Kabar.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OtpNet;

namespace Kabar.Admin;

public enum SignInOutcome
{
    Success,

    /// <summary>The password was right; a TOTP code is needed next.</summary>
    NeedsCode,

    /// <summary>The password was right; two-factor is required and this person has not enrolled yet.</summary>
    MustEnrol,
    Invalid,
    LockedOut,
}

public sealed record SignInCheck(SignInOutcome Outcome, ConsoleUser? User, DateTime? LockedUntil = null);

/// <summary>
/// Operators, their passwords (Identity's PBKDF2 hasher), lockout and TOTP (RFC 6238, 30-second
/// steps, one step of clock drift either way, each code accepted once). Every outcome is logged
/// as an authentication event.
/// </summary>
public sealed class OperatorStore(KabarDbContext db, IDataProtectionProvider protection, IOptions<AdminOptions> options,
    TimeProvider time, ILogger<OperatorStore> logger)
{
    public const string RequireTwoFactorSetting = "admin.require_two_factor";
    private static readonly PasswordHasher<ConsoleUser> Hasher = new();
    private readonly IDataProtector protector = protection.CreateProtector("Kabar.Admin.Totp");

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public static string Normalize(string email) => email.Trim().ToLowerInvariant();

    /// <summary>Password rules: at least 12 characters, not only the e-mail.</summary>
    public static string? PasswordProblem(string email, string password) =>
        password.Length < 12 ? "at least 12 characters"
        : string.Equals(password, email, StringComparison.OrdinalIgnoreCase) ? "not the e-mail address"
        : null;

    public async Task<ConsoleUser> CreateAsync(string email, string role, string password, CancellationToken ct)
    {
        if (!OperatorRoles.All.Contains(role))
        {
            throw new ArgumentException($"Role must be one of {string.Join(", ", OperatorRoles.All)}.", nameof(role));
        }

        var normalized = Normalize(email);
        if (PasswordProblem(normalized, password) is { } problem)
        {
            throw new ArgumentException($"The password must be {problem}.", nameof(password));
        }

        var op = new ConsoleUser
        {
            Id = Guid.CreateVersion7(),
            Email = normalized,
            Role = role,
            SecurityStamp = NewStamp(),
            CreatedAt = Now,
        };
        op.PasswordHash = Hasher.HashPassword(op, password);
        db.Operators.Add(op);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("ConsoleUser {Email} added with role {Role}", normalized, role);
        return op;
    }

    public Task<ConsoleUser?> FindAsync(Guid id, CancellationToken ct) => db.Operators.FirstOrDefaultAsync(o => o.Id == id, ct);

    public async Task<bool> TwoFactorRequiredAsync(CancellationToken ct) =>
        options.Value.RequireTwoFactor
        || await db.AppSettings.AnyAsync(s => s.Key == RequireTwoFactorSetting && s.Value == "true", ct);

    public async Task SetTwoFactorRequiredAsync(bool required, string by, CancellationToken ct)
    {
        var row = await db.AppSettings.FirstOrDefaultAsync(s => s.Key == RequireTwoFactorSetting, ct);
        if (row is null)
        {
            db.AppSettings.Add(new AppSetting { Key = RequireTwoFactorSetting, Value = required ? "true" : "false", CreatedAt = Now });
        }
        else
        {
            row.Value = required ? "true" : "false";
        }

        await db.SaveChangesAsync(ct);
        logger.LogWarning("Two-factor sign-in {State} for every operator by {Email}", required ? "required" : "no longer required", by);
    }

    /// <summary>The first step: e-mail and password.</summary>
    public async Task<SignInCheck> CheckPasswordAsync(string email, string password, CancellationToken ct)
    {
        var normalized = Normalize(email);
        var op = await db.Operators.FirstOrDefaultAsync(o => o.Email == normalized && o.DisabledAt == null, ct);
        if (op is null)
        {
            // Hash anyway, so the answer takes as long for an unknown address.
            Hasher.VerifyHashedPassword(new ConsoleUser(), DummyHash, password);
            logger.LogWarning("Sign-in failed for unknown operator {Email}", normalized);
            return new SignInCheck(SignInOutcome.Invalid, null);
        }

        if (op.LockedUntil is { } until && until > Now)
        {
            logger.LogWarning("Sign-in refused for {Email}: locked until {Until:O}", op.Email, until);
            return new SignInCheck(SignInOutcome.LockedOut, op, until);
        }

        var verdict = Hasher.VerifyHashedPassword(op, op.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            return await FailAsync(op, "wrong password", ct);
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            op.PasswordHash = Hasher.HashPassword(op, password);
        }

        if (op.TotpEnabled)
        {
            await db.SaveChangesAsync(ct);
            return new SignInCheck(SignInOutcome.NeedsCode, op);
        }

        if (await TwoFactorRequiredAsync(ct))
        {
            await db.SaveChangesAsync(ct);
            return new SignInCheck(SignInOutcome.MustEnrol, op);
        }

        return await SucceedAsync(op, ct);
    }

    /// <summary>The second step: a TOTP code, for someone whose password was right a moment ago.</summary>
    public async Task<SignInCheck> CheckCodeAsync(Guid operatorId, string code, CancellationToken ct)
    {
        var op = await db.Operators.FirstOrDefaultAsync(o => o.Id == operatorId && o.DisabledAt == null, ct);
        if (op is null || !op.TotpEnabled || op.TotpSecret is null)
        {
            return new SignInCheck(SignInOutcome.Invalid, null);
        }

        if (op.LockedUntil is { } until && until > Now)
        {
            return new SignInCheck(SignInOutcome.LockedOut, op, until);
        }

        if (!VerifyCode(op, Unprotect(op.TotpSecret), code))
        {
            return await FailAsync(op, "wrong two-factor code", ct);
        }

        return await SucceedAsync(op, ct);
    }

    /// <summary>A new TOTP key for enrolment (not active until <see cref="EnableTotpAsync"/>).</summary>
    public static string NewTotpKey() => Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));

    public string ProtectKey(string key) => protector.Protect(key);

    public string Unprotect(string protectedKey) => protector.Unprotect(protectedKey);

    /// <summary>Turns on the second factor once the person proved their app has the key.</summary>
    public async Task<bool> EnableTotpAsync(ConsoleUser op, string key, string code, CancellationToken ct)
    {
        if (!VerifyCode(op, key, code))
        {
            logger.LogWarning("Two-factor enrolment for {Email} failed: wrong code", op.Email);
            return false;
        }

        op.TotpSecret = protector.Protect(key);
        op.TotpEnabled = true;
        op.SecurityStamp = NewStamp();
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Two-factor sign-in enabled for {Email}", op.Email);
        return true;
    }

    public static string OtpAuthUri(string issuer, string email, string key) =>
        $"otpauth://totp/{Uri.EscapeDataString(issuer)}:{Uri.EscapeDataString(email)}?secret={key}&issuer={Uri.EscapeDataString(issuer)}&digits=6&period=30";

    private bool VerifyCode(ConsoleUser op, string key, string code)
    {
        code = new string((code ?? "").Where(char.IsAsciiDigit).ToArray());
        if (code.Length != 6)
        {
            return false;
        }

        var totp = new Totp(Base32Encoding.ToBytes(key));
        if (!totp.VerifyTotp(time.GetUtcNow().UtcDateTime, code, out var step, new VerificationWindow(1, 1)))
        {
            return false;
        }

        if (op.TotpLastStep is { } last && step <= last)
        {
            // A code (or an older one) that was already used.
            return false;
        }

        op.TotpLastStep = step;
        return true;
    }

    private async Task<SignInCheck> FailAsync(ConsoleUser op, string why, CancellationToken ct)
    {
        op.FailedSignIns++;
        if (op.FailedSignIns >= options.Value.LockoutThreshold)
        {
            op.LockedUntil = Now + options.Value.LockoutDuration;
            op.FailedSignIns = 0;
            await db.SaveChangesAsync(ct);
            logger.LogWarning("ConsoleUser {Email} locked until {Until:O} after {Count} failed sign-ins ({Why})",
                op.Email, op.LockedUntil, options.Value.LockoutThreshold, why);
            return new SignInCheck(SignInOutcome.LockedOut, op, op.LockedUntil);
        }

        await db.SaveChangesAsync(ct);
        logger.LogWarning("Sign-in failed for {Email}: {Why} ({Count} in a row)", op.Email, why, op.FailedSignIns);
        return new SignInCheck(SignInOutcome.Invalid, op);
    }

    private async Task<SignInCheck> SucceedAsync(ConsoleUser op, CancellationToken ct)
    {
        op.FailedSignIns = 0;
        op.LockedUntil = null;
        op.LastSignInAt = Now;
        await db.SaveChangesAsync(ct);
        logger.LogInformation("ConsoleUser {Email} signed in ({Role}, two-factor {TwoFactor})", op.Email, op.Role, op.TotpEnabled);
        return new SignInCheck(SignInOutcome.Success, op);
    }

    private static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static readonly string DummyHash = Hasher.HashPassword(new ConsoleUser(), "kabar-dummy-password");
}
