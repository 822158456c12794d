using Kabar.WhatsApp;

namespace Kabar.Notifications;

public static class NotificationExtensions
{
    public static IHostApplicationBuilder AddKabarNotifications(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<NotificationOptions>()
            .BindConfiguration(NotificationOptions.Section)
            .ValidateDataAnnotations();
        builder.Services.AddOptionsWithValidateOnStart<WhatsAppPriceOptions>()
            .BindConfiguration(WhatsAppPriceOptions.Section)
            .ValidateDataAnnotations();
        builder.Services.AddSingleton(sp =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            var path = TemplateCatalog.Resolve(configuration[$"{WhatsAppOptions.Section}:{nameof(WhatsAppOptions.TemplateCatalog)}"],
                sp.GetRequiredService<IHostEnvironment>().ContentRootPath);
            return TemplateCatalog.Load(path, type =>
            {
                var mapping = TemplateMapping.Read(configuration, type);
                return (mapping.Name, mapping.Named);
            });
        });
        builder.Services.AddHostedService<TemplateCatalogCheck>();
        builder.Services.AddSingleton<MessageComposer>();
        builder.Services.AddSingleton<DispatchSignal>();
        builder.Services.AddSingleton<NotificationWriter>();
        builder.Services.AddSingleton<StatusSignal>();
        builder.Services.AddSingleton<DispatchPlanner>();
        builder.Services.AddSingleton<DispatchSender>();
        builder.Services.AddSingleton<DispatchRecorder>();
        builder.Services.AddSingleton<Dispatcher>();
        builder.Services.AddScoped<NotificationFlow>();
        builder.Services.AddScoped<Channels.ISmsDeliveryReports, SmsDeliveryReports>();
        builder.Services.AddHostedService<DispatchWorker>();
        return builder;
    }
}
