using System.ComponentModel.DataAnnotations;

namespace Kabar.Privacy;

/// <summary><c>Kabar:Privacy</c>: erasure and the retention of message contents (UU PDP Art. 8, 43; SPEC §11).</summary>
public sealed class PrivacyOptions
{
    public const string Section = "Kabar:Privacy";

    /// <summary>
    /// The key of the erased-number hash. Empty (the default): 32 random bytes generated once and
    /// kept in the database (<c>privacy.erasure_key</c>), so every Kabar process agrees. When set,
    /// at least 32 characters; changing it makes earlier erasures unrecognisable.
    /// </summary>
    public string? ErasureKey { get; set; }

    /// <summary>
    /// Message contents (what people wrote, the parameters and texts of what was sent, stored
    /// e-mail) older than this are deleted by the daily <c>retention</c> job; the facts of each
    /// message (when, which channel, status, cost) stay for the statistics. Zero turns it off.
    /// 180 days covers a permit's whole processing and any complaint about a notice, and is far
    /// shorter than the notices' own record in the permit system.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan MessageBodyRetention { get; set; } = TimeSpan.FromDays(180);

    /// <summary>
    /// Quarantined webhook posts (raw bodies Kabar could not read whole, docs/reliability.md) older
    /// than this are deleted by the daily <c>retention</c> job. Zero keeps them until they are
    /// replayed or erased. 30 days leaves a month to notice, fix and replay; the bodies hold
    /// numbers and what people wrote, so they are kept no longer.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan WebhookQuarantineRetention { get; set; } = TimeSpan.FromDays(30);
}
