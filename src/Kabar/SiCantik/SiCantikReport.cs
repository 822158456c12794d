namespace Kabar.SiCantik;

/// <summary>What one sync saw and cost (docs/sicantik.md), kept for the console and summed up in its job run.</summary>
public sealed class SiCantikReport
{
    public bool Backfill { get; set; }

    /// <summary>Both lists were read to their end.</summary>
    public bool Complete { get; set; }

    public int Pages { get; set; }
    public int DetailRequests { get; set; }
    public int New { get; set; }
    public int Changed { get; set; }
    public int Unchanged { get; set; }

    /// <summary>Details read again because a step or an expiry was due, and found unchanged or changed.</summary>
    public int Refreshed { get; set; }

    public int NoticesCreated { get; set; }
    public int PhonesMissing { get; set; }

    /// <summary>Numbers after the first usable one in a phone field, not used.</summary>
    public int ExtraPhones { get; set; }

    /// <summary>Steps with no <c>Kabar:SiCantik:StepStatus</c> mapping: id and name.</summary>
    public SortedDictionary<string, string> UnmappedSteps { get; init; } = new(StringComparer.Ordinal);

    public List<string> Errors { get; init; } = [];

    /// <summary>Things that went right in an unusual way (a server that refuses offset 0, read with 00).</summary>
    public List<string> Notes { get; init; } = [];

    public string Summary()
    {
        var parts = new List<string>
        {
            Backfill ? "backfill (no notices)" : "sync",
            $"{Pages} pages, {DetailRequests} detail requests",
            $"{New} new, {Changed} changed, {Unchanged} unchanged, {Refreshed} re-read",
            $"{NoticesCreated} notices",
            $"{PhonesMissing} without a usable phone",
        };
        if (UnmappedSteps.Count > 0)
        {
            parts.Add("unmapped steps: " + string.Join(", ", UnmappedSteps.Select(s => $"{s.Key} ({s.Value})")));
        }

        if (!Complete)
        {
            parts.Add("incomplete");
        }

        parts.AddRange(Notes);
        parts.AddRange(Errors.Take(3));
        if (Errors.Count > 3)
        {
            parts.Add($"and {Errors.Count - 3} more errors");
        }

        return string.Join("; ", parts);
    }
}
