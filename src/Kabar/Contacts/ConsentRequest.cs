namespace Kabar.Contacts;

/// <summary>A consent change with its evidence: inside a contact request or on its own.</summary>
/// <param name="Scope"><c>whatsapp</c> (the default) or <c>whatsapp_marketing</c>.</param>
/// <param name="Granted">true to grant, false to withdraw.</param>
/// <param name="Source">Where the person said so: <c>api</c> (the default), <c>registration_form</c>, <c>import</c> or <c>admin</c>. Inbound messages and opt-in links are recorded by Kabar itself.</param>
/// <param name="TextVersion">The version of the consent text the person saw (at most 64 characters); required for a registration-form grant.</param>
/// <param name="Text">The exact consent text, sent once per version to register it (at most 4,000 characters).</param>
/// <param name="Ip">The person's IP address (IPv4 or IPv6), for web sources.</param>
/// <param name="UserAgent">The person's browser, for web sources.</param>
/// <param name="Operator">Who recorded it; required for source <c>admin</c>.</param>
/// <param name="Note">A free note kept with the event.</param>
/// <param name="OccurredAt">When the person gave or withdrew consent (ISO 8601); not in the future. Default: now.</param>
public sealed record ConsentRequest(
    string? Scope = null,
    bool? Granted = null,
    string? Source = null,
    string? TextVersion = null,
    string? Text = null,
    string? Ip = null,
    string? UserAgent = null,
    string? Operator = null,
    string? Note = null,
    DateTime? OccurredAt = null);
