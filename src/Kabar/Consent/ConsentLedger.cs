using System.Security.Cryptography;
using Kabar.Contacts;
using Kabar.Data;

namespace Kabar.Consent;

/// <summary>Evidence recorded with a consent event (SPEC §3).</summary>
public sealed record ConsentEvidence
{
    public string? TextVersion { get; init; }
    public string? Ip { get; init; }
    public string? UserAgent { get; init; }
    public string? WhatsAppMessageId { get; init; }
    public string? TokenId { get; init; }
    public string? Operator { get; init; }
    public string? Note { get; init; }
}

/// <summary>
/// Appends consent events. The caller owns the unit of work: the event, the contact's derived
/// state and anything the change causes are saved together. Two writers racing on one contact
/// collide on the contact's <see cref="Contact.LedgerSeq"/> concurrency token (and the unique
/// (contact, seq) index), so the chain can never fork; the loser retries.
/// </summary>
public sealed class ConsentLedger(KabarDbContext db, ConsentTexts texts)
{
    public async Task<ConsentEvent> AppendAsync(Contact contact, ConsentScope scope, ConsentAction action,
        ConsentSource source, DateTime occurredAt, DateTime recordedAt, ConsentEvidence evidence,
        CancellationToken ct)
    {
        string? textHash = null;
        if (evidence.TextVersion is not null)
        {
            var text = await texts.FindAsync(evidence.TextVersion, ct)
                ?? throw new UnknownConsentTextException(evidence.TextVersion);
            textHash = text.Hash;
        }

        string? salt = null;
        if (evidence.Ip is not null || evidence.UserAgent is not null)
        {
            salt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        }

        var e = new ConsentEvent
        {
            Id = Guid.CreateVersion7(),
            ContactId = contact.Id,
            Seq = contact.LedgerSeq + 1,
            Scope = scope,
            Action = action,
            Source = source,
            OccurredAt = ConsentChain.ToMilliseconds(occurredAt),
            RecordedAt = ConsentChain.ToMilliseconds(recordedAt),
            TextVersion = evidence.TextVersion,
            TextHash = textHash,
            Ip = evidence.Ip,
            UserAgent = Truncate(evidence.UserAgent, 512),
            EvidenceSalt = salt,
            WhatsAppMessageId = evidence.WhatsAppMessageId,
            TokenId = evidence.TokenId,
            Operator = evidence.Operator,
            Note = Truncate(evidence.Note, 1000),
            PrevHash = contact.LedgerHead,
        };
        e.EvidenceDigest = ConsentChain.EvidenceDigest(salt, e.Ip, e.UserAgent);
        e.Hash = ConsentChain.ComputeHash(e);

        contact.LedgerSeq = e.Seq;
        contact.LedgerHead = e.Hash;
        var state = action == ConsentAction.Granted ? ConsentState.Granted : ConsentState.Withdrawn;
        if (scope == ConsentScope.WhatsApp)
        {
            contact.WhatsAppConsent = state;
            contact.WhatsAppConsentAt = e.OccurredAt;
        }
        else
        {
            contact.MarketingConsent = state;
            contact.MarketingConsentAt = e.OccurredAt;
        }

        contact.UpdatedAt = recordedAt;
        db.ConsentEvents.Add(e);
        return e;
    }

    private static string? Truncate(string? value, int max) =>
        value is null || value.Length <= max ? value : value[..max];
}

internal sealed class UnknownConsentTextException(string version)
    : Exception($"Consent text version '{version}' is not registered.")
{
    public string Version { get; } = version;
}
