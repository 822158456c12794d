using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Kabar.Channels;

/// <summary>Stops start-up when the chosen SMS provider lacks its settings, naming the key.</summary>
internal sealed partial class SmsOptionsValidator : IValidateOptions<SmsOptions>
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
