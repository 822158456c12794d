using System.Text.RegularExpressions;
using Kabar.Common;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Kabar.Channels;

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

/// <summary><c>Kabar:Email</c>: SMTP, or <c>.eml</c> files in <see cref="OutboxPath"/> when no host is set (SPEC §6, §12).</summary>
public sealed class EmailOptions
{
    public const string Section = "Kabar:Email";

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>Relative to the data folder (<c>Kabar:DataPath</c>); used only when <c>Smtp:Host</c> is empty.</summary>
    public string OutboxPath { get; set; } = "outbox";

    public bool UseSmtp => !string.IsNullOrWhiteSpace(Smtp.Host);
}

public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;

    /// <summary>True: SSL on connect for port 465, else STARTTLS when the server offers it. False: plain.</summary>
    public bool UseTls { get; set; } = true;

    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary><c>Name &lt;address&gt;</c>; empty means the office name at <c>no-reply@localhost</c>.</summary>
    public string? From { get; set; }

    /// <summary>For the whole conversation with the server, from connect to the reply after DATA.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Stops start-up when the chosen SMS provider lacks its settings, naming the key.</summary>
public sealed partial class SmsOptionsValidator : IValidateOptions<SmsOptions>
{
    public static readonly string[] Providers = ["Simulator", "Twilio", "Http"];

    public ValidateOptionsResult Validate(string? name, SmsOptions options)
    {
        var errors = new List<string>();
        var provider = Providers.FirstOrDefault(p => string.Equals(p, options.Provider, StringComparison.OrdinalIgnoreCase));
        if (provider is null)
        {
            errors.Add($"Kabar:Sms:Provider must be one of {string.Join(", ", Providers)} (got '{options.Provider}').");
        }

        for (var i = 0; i < options.AllowedCountries.Length; i++)
        {
            if (!RegionPattern().IsMatch(options.AllowedCountries[i]))
            {
                errors.Add($"Kabar:Sms:AllowedCountries:{i} must be an ISO 3166 region code in capitals such as ID (got '{options.AllowedCountries[i]}').");
            }
        }

        if (provider == "Http")
        {
            var http = options.Http;
            if (!IsHttpUrl(http.Url))
            {
                errors.Add("Kabar:Sms:Http:Url is required when Kabar:Sms:Provider is Http: the gateway's absolute http(s) send URL.");
            }

            if (string.IsNullOrWhiteSpace(http.Token) || http.Token.Trim().Length < SmsHttpOptions.MinTokenLength)
            {
                errors.Add($"Kabar:Sms:Http:Token is required when Kabar:Sms:Provider is Http: a shared secret of at least {SmsHttpOptions.MinTokenLength} characters (for example from 'openssl rand -hex 32') that the gateway sends as 'Authorization: Bearer <token>' with its delivery reports.");
            }

            CheckTimeout(errors, "Kabar:Sms:Http:Timeout", http.Timeout);
        }
        else if (provider == "Twilio")
        {
            var twilio = options.Twilio;
            if (string.IsNullOrWhiteSpace(twilio.AccountSid) || !twilio.AccountSid.StartsWith("AC", StringComparison.Ordinal))
            {
                errors.Add("Kabar:Sms:Twilio:AccountSid is required when Kabar:Sms:Provider is Twilio: the account SID (AC…).");
            }

            if (string.IsNullOrWhiteSpace(twilio.AuthToken))
            {
                errors.Add("Kabar:Sms:Twilio:AuthToken is required when Kabar:Sms:Provider is Twilio.");
            }

            if (string.IsNullOrWhiteSpace(twilio.From))
            {
                errors.Add("Kabar:Sms:Twilio:From is required when Kabar:Sms:Provider is Twilio: a Twilio number such as +15017122661 or a Messaging Service SID (MG…).");
            }

            if (!IsHttpUrl(twilio.BaseUrl))
            {
                errors.Add("Kabar:Sms:Twilio:BaseUrl must be an absolute http(s) URL such as https://api.twilio.com.");
            }

            if (!string.IsNullOrWhiteSpace(twilio.StatusCallbackUrl) && !IsHttpUrl(twilio.StatusCallbackUrl))
            {
                errors.Add("Kabar:Sms:Twilio:StatusCallbackUrl must be an absolute http(s) URL when set.");
            }

            CheckTimeout(errors, "Kabar:Sms:Twilio:Timeout", twilio.Timeout);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static bool IsHttpUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    internal static void CheckTimeout(List<string> errors, string key, TimeSpan timeout)
    {
        if (timeout < TimeSpan.FromSeconds(1) || timeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{key} must be between 00:00:01 and 00:05:00 (got {timeout}).");
        }
    }

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex RegionPattern();
}

/// <summary>Stops start-up on e-mail settings that could never work, naming the key.</summary>
public sealed class EmailOptionsValidator : IValidateOptions<EmailOptions>
{
    public ValidateOptionsResult Validate(string? name, EmailOptions options)
    {
        var errors = new List<string>();
        var smtp = options.Smtp;
        if (smtp.Port is < 1 or > 65535)
        {
            errors.Add($"Kabar:Email:Smtp:Port must be between 1 and 65535 (got {smtp.Port}).");
        }

        if (!string.IsNullOrWhiteSpace(smtp.From) && !MailboxAddress.TryParse(smtp.From, out _))
        {
            errors.Add($"Kabar:Email:Smtp:From must be an address such as \"Kantor <no-reply@example.go.id>\" (got '{smtp.From}').");
        }

        if (!string.IsNullOrEmpty(smtp.Username) && string.IsNullOrEmpty(smtp.Password))
        {
            errors.Add("Kabar:Email:Smtp:Password is required when Kabar:Email:Smtp:Username is set.");
        }

        SmsOptionsValidator.CheckTimeout(errors, "Kabar:Email:Smtp:Timeout", smtp.Timeout);

        if (!options.UseSmtp && string.IsNullOrWhiteSpace(options.OutboxPath))
        {
            errors.Add("Kabar:Email:OutboxPath is required when Kabar:Email:Smtp:Host is empty: the folder that receives .eml files.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
