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
