using Kabar.Consent;

namespace Kabar.Admin;

/// <summary><c>whatsapp</c> consent events that happened on one office day, by action and source.</summary>
public sealed class StatsConsentDay
{
    public long Id { get; set; }
    public DateOnly Day { get; set; }
    public ConsentAction Action { get; set; }
    public ConsentSource Source { get; set; }
    public long Count { get; set; }
}
