using Microsoft.Extensions.Options;

namespace Kabar.Channels;

public static class ChannelExtensions
{
    /// <summary>SMS and e-mail senders, chosen by <c>Kabar:Sms:Provider</c> and <c>Kabar:Email:Smtp:Host</c>.</summary>
    public static IHostApplicationBuilder AddKabarChannels(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;

        services.AddOptionsWithValidateOnStart<SmsOptions>().BindConfiguration(SmsOptions.Section).ValidateDataAnnotations();
        services.AddSingleton<IValidateOptions<SmsOptions>, SmsOptionsValidator>();
        services.AddOptionsWithValidateOnStart<EmailOptions>().BindConfiguration(EmailOptions.Section);
        services.AddSingleton<IValidateOptions<EmailOptions>, EmailOptionsValidator>();

        // No retry or resilience handler on this client: a POST retried after it reached the provider
        // is a second SMS to a citizen. The dispatcher owns retries, with the attempt's durable state.
        // Redirects are refused too, since following one would turn the POST into a GET elsewhere.
        services.AddHttpClient(SmsHttp.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });

        services.AddSingleton<SmsSimulator>();
        services.AddSingleton<SimulatorSmsSender>();
        services.AddSingleton<HttpGatewaySmsSender>();
        services.AddSingleton<TwilioSmsSender>();
        services.AddSingleton<ISmsSender>(sp =>
        {
            var sms = sp.GetRequiredService<IOptions<SmsOptions>>().Value;
            ISmsSender provider = sms.Provider.ToUpperInvariant() switch
            {
                "TWILIO" => sp.GetRequiredService<TwilioSmsSender>(),
                "HTTP" => sp.GetRequiredService<HttpGatewaySmsSender>(),
                _ => sp.GetRequiredService<SimulatorSmsSender>(),
            };
            return new AllowedCountriesSmsSender(provider, sms, sp.GetRequiredService<ILogger<AllowedCountriesSmsSender>>());
        });

        services.AddSingleton<EmailComposer>();
        services.AddSingleton<EmailOutbox>();
        services.AddSingleton<SmtpEmailSender>();
        services.AddSingleton<OutboxEmailSender>();
        services.AddSingleton<IEmailSender>(sp => sp.GetRequiredService<IOptions<EmailOptions>>().Value.UseSmtp
            ? sp.GetRequiredService<SmtpEmailSender>()
            : sp.GetRequiredService<OutboxEmailSender>());
        return builder;
    }
}
