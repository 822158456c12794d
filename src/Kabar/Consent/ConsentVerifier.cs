using Kabar.Data;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Consent;

/// <summary>The first broken link found in one contact's chain.</summary>
public sealed record ChainBreak(Guid ContactId, int? Seq, Guid? EventId, string Problem);

public sealed record ChainReport(int Contacts, int Events, IReadOnlyList<ChainBreak> Breaks)
{
    public bool Intact => Breaks.Count == 0;
}

/// <summary>
/// Walks every contact's consent chain (<c>kabar consent verify</c>): sequence numbers without
/// gaps, each event's previous hash equal to the event before it, each hash recomputed from the
/// stored fields, web evidence matching its digest, and the contact's derived state and head
/// equal to what the ledger says. One streaming pass in (contact, seq) order.
/// </summary>
public sealed class ConsentVerifier(KabarDbContext db)
{
    public async Task<ChainReport> VerifyAsync(CancellationToken ct)
    {
        var heads = await db.Contacts.AsNoTracking()
            .Where(c => c.LedgerSeq > 0 || c.LedgerHead != null)
            .Select(c => new Head(c.Id, c.LedgerSeq, c.LedgerHead, c.WhatsAppConsent, c.MarketingConsent))
            .ToDictionaryAsync(c => c.Id, ct);

        var walk = new Walk(heads);
        await foreach (var e in db.ConsentEvents.AsNoTracking().OrderBy(e => e.ContactId).ThenBy(e => e.Seq).AsAsyncEnumerable().WithCancellation(ct))
        {
            walk.Step(e);
        }

        walk.End();
        return new ChainReport(heads.Count, walk.Events, walk.Breaks);
    }

    /// <summary>What the contact row says of its ledger.</summary>
    private sealed record Head(Guid Id, int LedgerSeq, string? LedgerHead, ConsentState WhatsAppConsent, ConsentState MarketingConsent);

    /// <summary>One pass over the events in (contact, seq) order, checking each chain as it ends.</summary>
    private sealed class Walk(Dictionary<Guid, Head> heads)
    {
        private readonly HashSet<Guid> broken = [];
        private readonly HashSet<Guid> visited = [];
        private readonly Dictionary<ConsentScope, ConsentState> states = [];
        private Guid? current;
        private int expectedSeq;
        private string? previousHash;

        public List<ChainBreak> Breaks { get; } = [];

        public int Events { get; private set; }

        public void Step(ConsentEvent e)
        {
            Events++;
            if (current != e.ContactId)
            {
                if (current is { } done)
                {
                    Finish(done);
                }

                current = e.ContactId;
                visited.Add(e.ContactId);
                expectedSeq = 1;
                previousHash = null;
                states.Clear();
            }

            if (broken.Contains(e.ContactId))
            {
                return;
            }

            if (e.Seq != expectedSeq)
            {
                Break(new ChainBreak(e.ContactId, expectedSeq, null, $"event #{expectedSeq} is missing (found #{e.Seq} next)"));
            }
            else if (e.PrevHash != previousHash)
            {
                Break(new ChainBreak(e.ContactId, e.Seq, e.Id, "its previous-hash does not match the event before it"));
            }
            else if (e.EvidenceSalt is not null && ConsentChain.EvidenceDigest(e.EvidenceSalt, e.Ip, e.UserAgent) != e.EvidenceDigest)
            {
                Break(new ChainBreak(e.ContactId, e.Seq, e.Id, "its IP address or user agent was changed"));
            }
            else if (ConsentChain.ComputeHash(e) != e.Hash)
            {
                Break(new ChainBreak(e.ContactId, e.Seq, e.Id, "its contents do not match its hash: the event was edited"));
            }

            expectedSeq = e.Seq + 1;
            previousHash = e.Hash;
            states[e.Scope] = e.Action == ConsentAction.Granted ? ConsentState.Granted : ConsentState.Withdrawn;
        }

        /// <summary>The last chain's check, then the contacts that record events the ledger does not have.</summary>
        public void End()
        {
            if (current is { } last)
            {
                Finish(last);
            }

            foreach (var (id, head) in heads)
            {
                if (!visited.Contains(id) && head.LedgerSeq > 0)
                {
                    Break(new ChainBreak(id, 1, null, $"the contact records {head.LedgerSeq} event(s) but the ledger has none"));
                }
            }
        }

        private void Finish(Guid contactId)
        {
            if (broken.Contains(contactId))
            {
                return;
            }

            if (!heads.TryGetValue(contactId, out var head))
            {
                Break(new ChainBreak(contactId, null, null, "events exist but the contact does not record a ledger head"));
                return;
            }

            if (head.LedgerSeq != expectedSeq - 1 || head.LedgerHead != previousHash)
            {
                Break(new ChainBreak(contactId, expectedSeq, null,
                    $"the contact's head is #{head.LedgerSeq} but the ledger ends at #{expectedSeq - 1}: events were removed or added"));
                return;
            }

            var whatsapp = states.GetValueOrDefault(ConsentScope.WhatsApp, ConsentState.Unknown);
            var marketing = states.GetValueOrDefault(ConsentScope.WhatsAppMarketing, ConsentState.Unknown);
            if (head.WhatsAppConsent != whatsapp || head.MarketingConsent != marketing)
            {
                Break(new ChainBreak(contactId, null, null,
                    $"the contact's consent state ({head.WhatsAppConsent}/{head.MarketingConsent}) differs from its ledger ({whatsapp}/{marketing})"));
            }
        }

        private void Break(ChainBreak b)
        {
            if (broken.Add(b.ContactId))
            {
                Breaks.Add(b);
            }
        }
    }
}
