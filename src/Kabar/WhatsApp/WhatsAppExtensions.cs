namespace Kabar.WhatsApp;

public static class WhatsAppExtensions
{
    public static IHostApplicationBuilder AddKabarWhatsApp(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<WhatsAppOptions>()
            .BindConfiguration(WhatsAppOptions.Section)
            .ValidateDataAnnotations();
        builder.Services.AddSingleton<WebhookSecrets>();
        builder.Services.AddSingleton<Keywords>();
        builder.Services.AddSingleton<ConfirmationTexts>();
        builder.Services.AddScoped<InboundProcessor>();
        return builder;
    }
}
