using Kabar.Common;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Data;
using Kabar.Notifications;
using Kabar.OptIn;
using Kabar.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Citizens;

public enum LinkState
{
    /// <summary>No such token (or a mistyped one).</summary>
    Unknown,
    Valid,
    Used,
    Expired,
}

/// <summary>An opt-in link as its page shows it.</summary>
public sealed record OptInLinkView(LinkState State, OptInToken? Token, Contact? Contact);

/// <summary>What asking for a new link did.</summary>
public enum RenewOutcome
{
    Sent,

    /// <summary>An opt-in request already went out within the cooldown; the person should look for it.</summary>
    AlreadySent,

    /// <summary>The link is not expired (or unknown): nothing to renew.</summary>
    NotExpired,
}

/// <summary>
/// What the opt-in and opt-out pages do (SPEC §8). Reading never changes anything (link previews and
/// mail scanners fetch links); confirming is a POST that uses the token once and records the consent
/// with its evidence in the same transaction.
/// </summary>
public sealed class LinkConsentService(IServiceScopeFactory scopes, NotificationWriter writer, TimeProvider time,
    IOptions<PolicyOptions> policy, ILogger<LinkConsentService> logger)
{
    public const string LinkTextVersion = "tautan-v1";
    public const string LinkTextVersionEnglish = "tautan-v1-en";

    public static string TextVersion(string language) =>
        language == CitizenLanguage.English ? LinkTextVersionEnglish : LinkTextVersion;

    public async Task<OptInLinkView> ReadOptInAsync(string token, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
        var row = await FindAsync(db, token, ct);
        if (row is null)
        {
            return new OptInLinkView(LinkState.Unknown, null, null);
        }

        var contact = await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == row.ContactId, ct);
        return new OptInLinkView(StateOf(row, time.GetUtcNow().UtcDateTime), row, contact);
    }

    /// <summary>Uses the token once and grants its scope with the page's evidence.</summary>
    public async Task<OptInLinkView> ConfirmOptInAsync(string token, string language, string? ip, string? userAgent, CancellationToken ct)
    {
        var hash = Hash(token);
        if (hash is null)
        {
            return new OptInLinkView(LinkState.Unknown, null, null);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var confirmed = await scopes.RunWithRetryAsync(async (sp, t) =>
        {
            var db = sp.GetRequiredService<KabarDbContext>();
            await using var tx = await db.Database.BeginTransactionAsync(t);

            // The guarded update is what makes the link single-use under concurrent POSTs.
            var used = await db.OptInTokens.Where(x => x.TokenHash == hash && x.UsedAt == null && x.ExpiresAt > now)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.UsedAt, now), t);
            if (used == 0)
            {
                return false;
            }

            var row = await db.OptInTokens.AsNoTracking().FirstAsync(x => x.TokenHash == hash, t);
            var contact = await db.Contacts.FirstAsync(c => c.Id == row.ContactId, t);
            if (contact.ConsentFor(row.Scope) != ConsentState.Granted)
            {
                await sp.GetRequiredService<ConsentLedger>().AppendAsync(contact, row.Scope, ConsentAction.Granted, ConsentSource.OptInLink,
                    now, now, new ConsentEvidence
                    {
                        TextVersion = TextVersion(language),
                        Ip = ip,
                        UserAgent = userAgent,
                        TokenId = row.Id.ToString(),
                    }, t);
            }

            await db.SaveChangesAsync(t);
            await tx.CommitAsync(t);
            return true;
        }, ct);

        var view = await ReadOptInAsync(token, ct);
        if (confirmed)
        {
            logger.LogInformation("Opt-in link {TokenId} confirmed for contact {ContactId}", view.Token?.Id, view.Contact?.Id);
            return view with { State = LinkState.Valid };
        }

        return view;
    }

    /// <summary>
    /// For an expired, unused link: a new opt-in request by SMS or e-mail, at most once per expired
    /// link and never within the opt-in cooldown of the last one.
    /// </summary>
    public async Task<(RenewOutcome Outcome, DateTime? LastAskedAt)> RenewAsync(string token, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return await scopes.RunWithRetryAsync<(RenewOutcome, DateTime?)>(async (sp, t) =>
        {
            var db = sp.GetRequiredService<KabarDbContext>();
            var row = await FindAsync(db, token, t);
            if (row is null || StateOf(row, now) != LinkState.Expired)
            {
                return (RenewOutcome.NotExpired, null);
            }

            var contact = await db.Contacts.FirstAsync(c => c.Id == row.ContactId, t);
            var key = $"opt-in-renew:{row.Id}";
            if (await db.Notifications.AnyAsync(n => n.IdempotencyKey == key, t)
                || (contact.LastOptInRequestAt is { } asked && now - asked < policy.Value.OptInCooldown))
            {
                return (RenewOutcome.AlreadySent, contact.LastOptInRequestAt);
            }

            writer.Add(db, contact, NotificationCatalog.Find(NotificationCatalog.OptInRequest)!, new Dictionary<string, string>(), now,
                new NotificationOrigin(IdempotencyKey: key));
            try
            {
                await db.SaveChangesAsync(t);
            }
            catch (DbUpdateException ex) when (ex.IsUniqueViolation())
            {
                return (RenewOutcome.AlreadySent, contact.LastOptInRequestAt);
            }

            writer.Wake();
            return (RenewOutcome.Sent, null);
        }, ct);
    }

    /// <summary>The contact a stop link names, or null.</summary>
    public async Task<Contact?> ReadOptOutAsync(Guid contactId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<KabarDbContext>().Contacts.AsNoTracking()
            .FirstOrDefaultAsync(c => c.Id == contactId, ct);
    }

    /// <summary>Withdraws <c>whatsapp</c> with the page's evidence; a contact already withdrawn gets no second event.</summary>
    public async Task<Contact?> OptOutAsync(Guid contactId, string tokenEvidence, string? ip, string? userAgent, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var contact = await scopes.RunWithRetryAsync(async (sp, t) =>
        {
            var db = sp.GetRequiredService<KabarDbContext>();
            var contact = await db.Contacts.FirstOrDefaultAsync(c => c.Id == contactId, t);
            if (contact is null || contact.WhatsAppConsent == ConsentState.Withdrawn)
            {
                return contact;
            }

            await sp.GetRequiredService<ConsentLedger>().AppendAsync(contact, ConsentScope.WhatsApp, ConsentAction.Withdrawn,
                ConsentSource.OptOutLink, now, now, new ConsentEvidence { Ip = ip, UserAgent = userAgent, TokenId = tokenEvidence }, t);
            await db.SaveChangesAsync(t);
            logger.LogInformation("Contact {ContactId} stopped WhatsApp messages through the stop link", contact.Id);
            return contact;
        }, ct);
        return contact;
    }

    private static LinkState StateOf(OptInToken row, DateTime now) =>
        row.UsedAt is not null ? LinkState.Used : row.ExpiresAt <= now ? LinkState.Expired : LinkState.Valid;

    private static async Task<OptInToken?> FindAsync(KabarDbContext db, string token, CancellationToken ct)
    {
        var hash = Hash(token);
        return hash is null ? null : await db.OptInTokens.AsNoTracking().FirstOrDefaultAsync(x => x.TokenHash == hash, ct);
    }

    /// <summary>The stored form of a well-formed token (43 base64url characters); null for anything else.</summary>
    private static string? Hash(string? token) =>
        token is { Length: 43 } && Base64Url.TryDecode(token, out _) ? MessageComposer.HashToken(token) : null;
}
