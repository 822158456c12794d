namespace Kabar.Statuses;

public static class StatusesExtensions
{
    /// <summary>The status webhook path: the inbox's group commit, the worker that expands and applies, and its public surface.</summary>
    public static IHostApplicationBuilder AddKabarStatuses(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<StatusIntake>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StatusIntake>());
        builder.Services.AddSingleton(sp => new StatusInbox(sp.GetRequiredService<StatusIntake>()));
        builder.Services.AddScoped<StatusApplier>();
        builder.Services.AddHostedService<StatusWorker>();
        return builder;
    }
}
