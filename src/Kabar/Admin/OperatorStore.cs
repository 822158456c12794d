using System.Net;
using System.Security.Cryptography;
using System.Text;
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

    /// <summary>
    /// Too many failures for this e-mail address from this client address; given alike whether the
    /// account exists or not, and whatever the password (see <see cref="SignInThrottling"/>).
    /// </summary>
    Throttled,
}

public sealed record SignInCheck(SignInOutcome Outcome, ConsoleUser? User, DateTime? BlockedUntil = null);

/// <summary>
/// Operators, their passwords (Identity's PBKDF2 hasher), failed sign-ins (<see cref="SignInThrottling"/>),
/// TOTP (RFC 6238, 30-second steps, one step of clock drift either way, each code accepted once) and
/// console sessions. Every outcome is logged as an authentication event.
/// </summary>
public sealed class OperatorStore(KabarDbContext db, IDataProtectionProvider protection, IOptions<AdminOptions> options,
    TimeProvider time, ILogger<OperatorStore> logger, IPasswordHasher<ConsoleUser> hasher)
{
    public const string RequireTwoFactorSetting = "admin.require_two_factor";
    private readonly IDataProtector protector = protection.CreateProtector("Kabar.Admin.Totp");

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>
    /// An address as it is stored and looked up: trimmed, lower case, and a NUL (which no address
    /// holds, and which PostgreSQL refuses in any text it is given) as U+FFFD, so a sign-in with one
    /// is a wrong address, not an error.
    /// </summary>
    public static string Normalize(string email) => email.Trim().ToLowerInvariant().Replace('\0', '\uFFFD');

    /// <summary>What <see cref="PasswordProblem"/> says of a password shorter than 12 characters.</summary>
    public const string TooShort = "at least 12 characters";

    /// <summary>What <see cref="PasswordProblem"/> says of a password that is the e-mail address.</summary>
    public const string IsTheEmail = "not the e-mail address";

    /// <summary>Password rules: at least 12 characters, not only the e-mail.</summary>
    public static string? PasswordProblem(string email, string password) =>
        password.Length < 12 ? TooShort
        : string.Equals(password, email, StringComparison.OrdinalIgnoreCase) ? IsTheEmail
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
        op.PasswordHash = hasher.HashPassword(op, password);
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

    /// <summary>
    /// The first step: e-mail and password, from <paramref name="client"/>. The password is hashed on
    /// every path — unknown address, wrong password, refused pair — so neither the answer nor the work
    /// behind it says whether an account exists.
    /// </summary>
    public async Task<SignInCheck> CheckPasswordAsync(string email, string password, IPAddress? client, CancellationToken ct)
    {
        var normalized = Normalize(email);
        var account = SignInThrottling.AccountKey(normalized);
        var clientKey = SignInThrottling.ClientKey(client);
        var pair = await db.SignInThrottles.FirstOrDefaultAsync(t => t.Account == account && t.Client == clientKey, ct);
        var op = await db.Operators.FirstOrDefaultAsync(o => o.Email == normalized && o.DisabledAt == null, ct);
        // An unknown address is checked against a dummy hash: the same PBKDF2 work, never a match.
        var verdict = hasher.VerifyHashedPassword(op ?? new ConsoleUser(), op?.PasswordHash ?? DummyHash, password);

        if (SignInThrottling.IsBlocked(pair, Now))
        {
            logger.LogWarning("Sign-in refused for {Email} from {Client}: too many failures, blocked until {Until:O}",
                normalized, clientKey, pair!.BlockedUntil);
            return new SignInCheck(SignInOutcome.Throttled, null, pair.BlockedUntil);
        }

        if (op is null || verdict == PasswordVerificationResult.Failed)
        {
            return await FailAsync(pair, account, clientKey, normalized, op is null ? "unknown operator" : "wrong password", ct);
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            op.PasswordHash = hasher.HashPassword(op, password);
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

        return await SucceedAsync(op, pair, ct);
    }

    /// <summary>
    /// The second step: a TOTP code, for someone whose password was right a moment ago. Wrong codes
    /// count against the same e-mail and client address as wrong passwords.
    /// </summary>
    public async Task<SignInCheck> CheckCodeAsync(Guid operatorId, string code, IPAddress? client, CancellationToken ct)
    {
        var op = await db.Operators.FirstOrDefaultAsync(o => o.Id == operatorId && o.DisabledAt == null, ct);
        if (op is null || !op.TotpEnabled || op.TotpSecret is null)
        {
            return new SignInCheck(SignInOutcome.Invalid, null);
        }

        var account = SignInThrottling.AccountKey(op.Email);
        var clientKey = SignInThrottling.ClientKey(client);
        var pair = await db.SignInThrottles.FirstOrDefaultAsync(t => t.Account == account && t.Client == clientKey, ct);
        if (SignInThrottling.IsBlocked(pair, Now))
        {
            logger.LogWarning("Two-factor code refused for {Email} from {Client}: too many failures, blocked until {Until:O}",
                op.Email, clientKey, pair!.BlockedUntil);
            return new SignInCheck(SignInOutcome.Throttled, null, pair.BlockedUntil);
        }

        if (!VerifyCode(op, Unprotect(op.TotpSecret), code))
        {
            return await FailAsync(pair, account, clientKey, op.Email, "wrong two-factor code", ct);
        }

        return await SucceedAsync(op, pair, ct);
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
        await EndAllSessionsAsync(op.Id, ct);
        logger.LogInformation("Two-factor sign-in enabled for {Email}; every earlier session of theirs ended", op.Email);
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

    private async Task<SignInCheck> FailAsync(SignInThrottle? pair, string account, string client, string email, string why,
        CancellationToken ct)
    {
        var o = options.Value;
        if (pair is null)
        {
            pair = new SignInThrottle { Account = account, Client = client, LastFailureAt = Now };
            db.SignInThrottles.Add(pair);
        }

        SignInThrottling.Fail(pair, Now, o.LockoutThreshold, o.LockoutDuration);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            // A parallel failure from the same pair created the row first; that one counted.
            db.ChangeTracker.Clear();
        }

        await db.SignInThrottles.Where(t => t.LastFailureAt < Now - SignInThrottling.Forget && (t.BlockedUntil == null || t.BlockedUntil < Now))
            .ExecuteDeleteAsync(ct);
        if (SignInThrottling.IsBlocked(pair, Now))
        {
            logger.LogWarning("Sign-in for {Email} from {Client} blocked until {Until:O} after {Count} failures ({Why}, round {Round})",
                email, client, pair.BlockedUntil, o.LockoutThreshold, why, pair.Rounds);
            return new SignInCheck(SignInOutcome.Throttled, null, pair.BlockedUntil);
        }

        logger.LogWarning("Sign-in failed for {Email} from {Client}: {Why} ({Count} in a row)", email, client, why, pair.Failures);
        return new SignInCheck(SignInOutcome.Invalid, null);
    }

    private async Task<SignInCheck> SucceedAsync(ConsoleUser op, SignInThrottle? pair, CancellationToken ct)
    {
        if (pair is not null)
        {
            db.SignInThrottles.Remove(pair);
        }

        op.LastSignInAt = Now;
        await db.SaveChangesAsync(ct);
        logger.LogInformation("ConsoleUser {Email} signed in ({Role}, two-factor {TwoFactor})", op.Email, op.Role, op.TotpEnabled);
        return new SignInCheck(SignInOutcome.Success, op);
    }

    /// <summary>
    /// A new console session for <paramref name="op"/>: the id for the cookie, its SHA-256 in the
    /// database. Sessions that ran out are removed on the way.
    /// </summary>
    public async Task<string> StartSessionAsync(ConsoleUser op, CancellationToken ct)
    {
        var id = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        db.ConsoleSessions.Add(new ConsoleSession
        {
            Id = SessionKey(id),
            OperatorId = op.Id,
            CreatedAt = Now,
            LastSeenAt = Now,
            ExpiresAt = Now + options.Value.SessionIdle,
        });
        await db.SaveChangesAsync(ct);
        await db.ConsoleSessions.Where(s => s.ExpiresAt < Now).ExecuteDeleteAsync(ct);
        return id;
    }

    /// <summary>
    /// Whether the session <paramref name="id"/> of <paramref name="operatorId"/> is still open;
    /// an open one is renewed for another <see cref="AdminOptions.SessionIdle"/>, at most once a minute.
    /// </summary>
    public async Task<bool> TouchSessionAsync(string id, Guid operatorId, CancellationToken ct)
    {
        var key = SessionKey(id);
        var session = await db.ConsoleSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == key, ct);
        if (session is null || session.OperatorId != operatorId || session.ExpiresAt <= Now)
        {
            return false;
        }

        if (Now - session.LastSeenAt >= TimeSpan.FromMinutes(1))
        {
            var now = Now;
            var expires = now + options.Value.SessionIdle;
            await db.ConsoleSessions.Where(s => s.Id == key)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSeenAt, now).SetProperty(s => s.ExpiresAt, expires), ct);
        }

        return true;
    }

    /// <summary>Ends one session (signing out).</summary>
    public Task EndSessionAsync(string id, CancellationToken ct)
    {
        var key = SessionKey(id);
        return db.ConsoleSessions.Where(s => s.Id == key).ExecuteDeleteAsync(ct);
    }

    /// <summary>Ends every session of an operator (a changed second factor, password or role).</summary>
    public Task<int> EndAllSessionsAsync(Guid operatorId, CancellationToken ct) =>
        db.ConsoleSessions.Where(s => s.OperatorId == operatorId).ExecuteDeleteAsync(ct);

    private static string SessionKey(string id) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));

    internal static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    // A hash in the hasher's own format, so an unknown address costs the same PBKDF2 work.
    private static readonly string DummyHash = new PasswordHasher<ConsoleUser>().HashPassword(new ConsoleUser(), "kabar-dummy-password");
}
