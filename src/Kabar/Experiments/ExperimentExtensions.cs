namespace Kabar.Experiments;

public static class ExperimentExtensions
{
    /// <summary>Experiments on the opt-in asks: their defaults and the service that creates and analyses them.</summary>
    public static IHostApplicationBuilder AddKabarExperiments(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<ExperimentOptions>().BindConfiguration(ExperimentOptions.Section).ValidateDataAnnotations();
        builder.Services.AddSingleton<ExperimentService>();
        return builder;
    }
}
