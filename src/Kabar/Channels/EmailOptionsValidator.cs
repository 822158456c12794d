using Microsoft.Extensions.Options;
using MimeKit;

namespace Kabar.Channels;

/// <summary>Stops start-up on e-mail settings that could never work, naming the key.</summary>
internal sealed class EmailOptionsValidator : IValidateOptions<EmailOptions>
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
