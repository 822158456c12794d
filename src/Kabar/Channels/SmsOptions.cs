namespace Kabar.Channels;

/// <summary><c>Kabar:Sms</c>: the provider and where SMS may go; checked by <see cref="SmsOptionsValidator"/>.</summary>
public sealed class SmsOptions
{
    public const string Section = "Kabar:Sms";

    /// <summary><c>Simulator</c>, <c>Twilio</c> or <c>Http</c>.</summary>
    public string Provider { get; set; } = "Simulator";

    /// <summary>Regions SMS may go to (SMS pumping fraud targets premium foreign numbers).</summary>
    public string[] AllowedCountries { get; set; } = [];

    public IReadOnlyList<string> EffectiveAllowedCountries => AllowedCountries.Length > 0 ? AllowedCountries : ["ID"];

    /// <summary><c>Kabar:Sms:Http</c>: a generic HTTP gateway, used when <see cref="Provider"/> is <c>Http</c>.</summary>
    public SmsHttpOptions Http { get; set; } = new();

    /// <summary><c>Kabar:Sms:Twilio</c>: used when <see cref="Provider"/> is <c>Twilio</c>.</summary>
    public SmsTwilioOptions Twilio { get; set; } = new();
}

/// <summary><c>Kabar:Sms:Http</c>: a gateway that takes <c>{ to, text, reference }</c> as JSON (SPEC §13).</summary>
public sealed class SmsHttpOptions
{
    public string? Url { get; set; }

    /// <summary>
    /// The shared secret both ways: sent as <c>Authorization: Bearer</c> with every SMS, and required
    /// on every delivery report to <c>POST /webhooks/sms/http</c>. Required when the provider is Http.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>Shorter tokens can be guessed by anyone who can reach the report endpoint.</summary>
    public const int MinTokenLength = 16;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary><c>Kabar:Sms:Twilio</c>: Twilio's Programmable Messaging REST API.</summary>
public sealed class SmsTwilioOptions
{
    public string? AccountSid { get; set; }
    public string? AuthToken { get; set; }

    /// <summary>A Twilio number in E.164, or a Messaging Service SID (<c>MG…</c>).</summary>
    public string? From { get; set; }

    public string BaseUrl { get; set; } = "https://api.twilio.com";

    /// <summary>Where Twilio posts delivery status; none when empty.</summary>
    public string? StatusCallbackUrl { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool FromIsMessagingService => From is not null && From.StartsWith("MG", StringComparison.Ordinal);
}
