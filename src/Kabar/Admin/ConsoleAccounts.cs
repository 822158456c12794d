using System.Net.Mail;
using System.Security.Cryptography;
using Kabar.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Admin;

/// <summary>
/// Console accounts as admins keep them in the console (<c>/admin/users</c>) and as each person
/// keeps their own password (<c>/admin/account</c>), with the rules of <c>kabar admin add</c>: the
/// same roles, e-mail check and password rules, a generated password shown once. A disabled,
/// re-roled or reset account loses every session at once; the console always keeps one active
/// admin. Every change is logged with who made it (e-mails masked like every log line).
/// </summary>
public sealed class ConsoleAccounts(KabarDbContext db, OperatorStore store, IPasswordHasher<ConsoleUser> hasher, TimeProvider time,
    ILogger<ConsoleAccounts> logger)
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>A password of 20 URL-safe characters (120 random bits), as <c>kabar admin add</c> prints.</summary>
    public static string NewPassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', '-').Replace('/', '_');

    public async Task<AccountResult> AddAsync(string? email, string? role, string by, CancellationToken ct)
    {
        email = email?.Trim() ?? "";
        if (email.Length > 254 || !MailAddress.TryCreate(email, out var parsed) || parsed.Address != email)
        {
            return AccountResult.Refused(AccountRefusal.BadEmail);
        }

        if (role is null || !OperatorRoles.All.Contains(role))
        {
            return AccountResult.Refused(AccountRefusal.BadRole);
        }

        var normalized = OperatorStore.Normalize(email);
        if (await db.Operators.AnyAsync(o => o.Email == normalized, ct))
        {
            return AccountResult.Refused(AccountRefusal.Exists);
        }

        var password = NewPassword();
        try
        {
            var user = await store.CreateAsync(normalized, role, password, ct);
            logger.LogInformation("Admin {By} added console user {Email} as {Role}", by, normalized, role);
            return new AccountResult(null, user, password);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            // Another admin added the same address a moment ago.
            db.ChangeTracker.Clear();
            return AccountResult.Refused(AccountRefusal.Exists);
        }
    }

    /// <summary>Gives <paramref name="id"/> another role; their sessions end and the next sign-in carries the new role.</summary>
    public async Task<AccountResult> SetRoleAsync(Guid id, string? role, Guid byId, string by, CancellationToken ct)
    {
        if (role is null || !OperatorRoles.All.Contains(role))
        {
            return AccountResult.Refused(AccountRefusal.BadRole);
        }

        var target = await db.Operators.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct);
        if (target is null || target.Role == role)
        {
            return target is null ? AccountResult.Refused(AccountRefusal.NotFound) : new AccountResult(null, target);
        }

        if (await RefusalAsync(target, role == OperatorRoles.Admin, byId, ct) is { } refused)
        {
            return refused;
        }

        if (!await ChangeAsync(id, role != OperatorRoles.Admin, u => u.SetProperty(o => o.Role, role), ct))
        {
            return AccountResult.Refused(AccountRefusal.LastAdmin);
        }

        await store.EndAllSessionsAsync(id, ct);
        logger.LogWarning("Admin {By} changed console user {Email} from {From} to {Role}; their sessions ended", by, target.Email, target.Role, role);
        return new AccountResult(null, target);
    }

    /// <summary>Disables <paramref name="id"/>: every session of theirs ends now, and they cannot sign in.</summary>
    public async Task<AccountResult> DisableAsync(Guid id, Guid byId, string by, CancellationToken ct)
    {
        var target = await db.Operators.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct);
        if (target is null)
        {
            return AccountResult.Refused(AccountRefusal.NotFound);
        }

        if (target.DisabledAt is not null)
        {
            return new AccountResult(null, target);
        }

        if (await RefusalAsync(target, false, byId, ct) is { } refused)
        {
            return refused;
        }

        var now = Now;
        if (!await ChangeAsync(id, true, u => u.SetProperty(o => o.DisabledAt, now), ct))
        {
            return AccountResult.Refused(AccountRefusal.LastAdmin);
        }

        var ended = await store.EndAllSessionsAsync(id, ct);
        logger.LogWarning("Admin {By} disabled console user {Email}; {Sessions} session(s) ended", by, target.Email, ended);
        return new AccountResult(null, target);
    }

    /// <summary>Lets a disabled account sign in again, with the password and second factor it had.</summary>
    public async Task<AccountResult> EnableAsync(Guid id, string by, CancellationToken ct)
    {
        var stamp = OperatorStore.NewStamp();
        var target = await db.Operators.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct);
        if (target is null)
        {
            return AccountResult.Refused(AccountRefusal.NotFound);
        }

        await db.Operators.Where(o => o.Id == id && o.DisabledAt != null)
            .ExecuteUpdateAsync(u => u.SetProperty(o => o.DisabledAt, (DateTime?)null).SetProperty(o => o.SecurityStamp, stamp), ct);
        logger.LogWarning("Admin {By} enabled console user {Email} again", by, target.Email);
        return new AccountResult(null, target);
    }

    /// <summary>A new generated password for someone who lost theirs (shown once); their sessions end.</summary>
    public async Task<AccountResult> ResetPasswordAsync(Guid id, Guid byId, string by, CancellationToken ct)
    {
        var target = await db.Operators.FirstOrDefaultAsync(o => o.Id == id, ct);
        if (target is null || target.Id == byId)
        {
            // Your own password changes on the account page, with the current one.
            return AccountResult.Refused(target is null ? AccountRefusal.NotFound : AccountRefusal.Self);
        }

        var password = NewPassword();
        await SetPasswordAsync(target, password, ct);
        logger.LogWarning("Admin {By} set a new password for console user {Email}; their sessions ended", by, target.Email);
        return new AccountResult(null, target, password);
    }

    /// <summary>
    /// Changes the signed-in person's own password: the current one first, the rules of
    /// <c>kabar admin add</c> for the new one. Every session of theirs ends, the caller opens a new one.
    /// </summary>
    public async Task<AccountResult> ChangeOwnPasswordAsync(Guid id, string? current, string? next, string? confirm, CancellationToken ct)
    {
        var me = await db.Operators.FirstOrDefaultAsync(o => o.Id == id && o.DisabledAt == null, ct);
        if (me is null)
        {
            return AccountResult.Refused(AccountRefusal.NotFound);
        }

        if (hasher.VerifyHashedPassword(me, me.PasswordHash, current ?? "") == PasswordVerificationResult.Failed)
        {
            logger.LogWarning("Console user {Email} tried to change their password: wrong current password", me.Email);
            return AccountResult.Refused(AccountRefusal.WrongPassword);
        }

        next ??= "";
        if (OperatorStore.PasswordProblem(me.Email, next) is { } problem)
        {
            return AccountResult.Refused(AccountRefusal.WeakPassword, problem);
        }

        if (next != confirm)
        {
            return AccountResult.Refused(AccountRefusal.Mismatch);
        }

        await SetPasswordAsync(me, next, ct);
        logger.LogInformation("Console user {Email} changed their password; every session of theirs ended", me.Email);
        return new AccountResult(null, me);
    }

    private async Task SetPasswordAsync(ConsoleUser user, string password, CancellationToken ct)
    {
        user.PasswordHash = hasher.HashPassword(user, password);
        user.SecurityStamp = OperatorStore.NewStamp();
        await db.SaveChangesAsync(ct);
        await store.EndAllSessionsAsync(user.Id, ct);
    }

    /// <summary>
    /// Refuses taking the admin role from the last active admin (the clearer reason first), then an
    /// admin demoting or disabling themselves.
    /// </summary>
    private async Task<AccountResult?> RefusalAsync(ConsoleUser target, bool staysAdmin, Guid byId, CancellationToken ct)
    {
        if (!staysAdmin && IsActiveAdmin(target)
            && !await db.Operators.AnyAsync(o => o.Id != target.Id && o.Role == OperatorRoles.Admin && o.DisabledAt == null, ct))
        {
            return AccountResult.Refused(AccountRefusal.LastAdmin);
        }

        return target.Id == byId ? AccountResult.Refused(AccountRefusal.Self) : null;
    }

    private static bool IsActiveAdmin(ConsoleUser user) => user.Role == OperatorRoles.Admin && user.DisabledAt is null;

    /// <summary>
    /// One conditional update with a new security stamp. When it takes the admin role away
    /// (<paramref name="takesAdmin"/>), it applies only while another active admin remains. Two
    /// admins demoting each other at once must not both succeed: SQLite's writes take turns, and on
    /// PostgreSQL such changes take one transaction-scoped advisory lock in turn, so the second
    /// update's check reads the first one's outcome (under READ COMMITTED each would otherwise see the
    /// other still an admin).
    /// </summary>
    private async Task<bool> ChangeAsync(Guid id, bool takesAdmin,
        Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<ConsoleUser>> set, CancellationToken ct)
    {
        var stamp = OperatorStore.NewStamp();
        var rows = db.Operators.Where(o => o.Id == id);
        if (!takesAdmin)
        {
            return await UpdateAsync(rows) == 1;
        }

        rows = rows.Where(o => o.Role != OperatorRoles.Admin || o.DisabledAt != null
            || db.Operators.Any(x => x.Id != id && x.Role == OperatorRoles.Admin && x.DisabledAt == null));
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (db.Database.IsNpgsql())
            {
                await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(" + AdminRoleLock + ")", ct);
            }

            var changed = await UpdateAsync(rows);
            await tx.CommitAsync(ct);
            return changed == 1;
        });

        Task<int> UpdateAsync(IQueryable<ConsoleUser> target) => target.ExecuteUpdateAsync(u =>
        {
            set(u);
            u.SetProperty(o => o.SecurityStamp, stamp);
        }, ct);
    }

    /// <summary>The advisory lock key that makes changes taking the admin role away take turns on PostgreSQL.</summary>
    private const string AdminRoleLock = "7208114531";
}
